"""From the per-frame log to events and the per-second activity series (pure: numpy)."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from media_ingest.vision.config import AnalysisConfig
from media_ingest.vision.detect import TAMPER_NAMES, SampleLog
from media_ingest.vision.zones import DEFAULT_ZONE_NAME

PRESENCE = "presence"
UNATTENDED = "unattended"
OFFICER_ABSENT = "officer_absent"
TAMPER = "tamper"
EVENT_KINDS = (PRESENCE, UNATTENDED, OFFICER_ABSENT, TAMPER)
TAMPER_KINDS = tuple(TAMPER_NAMES.values())

BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Event:
    """One event. Times are seconds from the start of the file, rounded to 0.1.

    kind: presence | unattended | officer_absent | tamper; zone: the zone it concerns (tamper:
    the whole frame, `scene`); score: confidence 0..1; detail: tamper sub-kind (covered, blurred,
    moved); thumbnail: file name in the output directory, when derivatives were written.
    """

    kind: str
    zone: str
    start: float
    end: float
    score: float
    detail: str | None = None
    thumbnail: str | None = None

    @property
    def duration(self) -> float:
        return round(self.end - self.start, 1)

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "kind": self.kind,
            "zone": self.zone,
            "start": self.start,
            "end": self.end,
            "score": self.score,
        }
        if self.detail is not None:
            out["detail"] = self.detail
        return out

    def with_thumbnail(self, name: str | None) -> Event:
        return replace(self, thumbnail=name)


def build_events(
    log: SampleLog, config: AnalysisConfig, duration: float, *, zone_names: list[str] | None = None
) -> list[Event]:
    """All events of a clip from its sample log. `duration` is the analysed length in seconds."""
    if len(log) == 0:
        return []
    t = np.asarray(log.t, dtype=np.float64)
    ends = _sample_ends(t, duration)
    events: list[Event] = []
    smoothed: dict[str, BoolArray] = {}
    strength: dict[str, FloatArray] = {}

    for name in zone_names or log.zones:
        thr = config.occupied_for(name)
        frac = np.asarray(log.fractions[name], dtype=np.float64)
        forced = np.zeros(len(t), dtype=bool)
        forced_level = np.zeros(len(t))
        for ghost in log.ghosts:
            if ghost.zone != name:
                continue
            wrong = (t >= ghost.left) & (t < ghost.found)
            frac[wrong] = np.maximum(frac[wrong] - ghost.cover, 0.0)
            if ghost.cover >= thr:
                was_there = (t >= ghost.since) & (t < ghost.left)
                forced |= was_there
                forced_level[was_there] = np.maximum(forced_level[was_there], ghost.cover)
        on = _hysteresis(frac, thr, thr * config.release_ratio) | forced
        level = np.where(np.isnan(frac), np.nan, np.maximum(np.nan_to_num(frac), forced_level))
        strength[name] = np.clip(level / (2.0 * thr), 0.0, 1.0)
        runs = _runs(t, ends, on, config.presence_min_duration_s, config.presence_gap_merge_s)
        smooth = np.zeros(len(t), dtype=bool)
        for i0, i1 in runs:
            smooth[i0 : i1 + 1] = True
            events.append(_event(PRESENCE, name, t, ends, i0, i1, _score(on, strength[name], i0, i1)))
        smoothed[name] = smooth

    officer, citizen = config.officer_zone, config.citizen_zone
    if officer in smoothed:
        empty = ~smoothed[officer]
        emptiness = 1.0 - strength[officer]
        for i0, i1 in _runs(t, ends, empty, config.officer_absent_after_s, config.rule_gap_merge_s):
            events.append(_event(OFFICER_ABSENT, officer, t, ends, i0, i1, _score(empty, emptiness, i0, i1)))
        if citizen in smoothed:
            waiting = smoothed[citizen] & empty
            level = 0.5 * (strength[citizen] + emptiness)
            for i0, i1 in _runs(t, ends, waiting, config.unattended_after_s, config.rule_gap_merge_s):
                events.append(_event(UNATTENDED, citizen, t, ends, i0, i1, _score(waiting, level, i0, i1)))

    tamper = np.asarray(log.tamper, dtype=np.int8)
    tamper_strength = np.asarray(log.tamper_strength, dtype=np.float64)
    for code, sub_kind in TAMPER_NAMES.items():
        on = tamper == code
        if not on.any():
            continue
        for i0, i1 in _runs(t, ends, on, config.tamper_min_duration_s, config.tamper_gap_merge_s):
            score = _score(on, 0.5 + 0.5 * tamper_strength, i0, i1)
            events.append(_event(TAMPER, DEFAULT_ZONE_NAME, t, ends, i0, i1, score, detail=sub_kind))

    events.sort(key=lambda e: (e.start, e.end, e.kind, e.zone))
    return events


def activity_series(log: SampleLog, duration: float) -> list[float]:
    """Mean frame-to-frame activity per second of the clip: ceil(duration) floats in 0..1."""
    n = max(0, math.ceil(duration - 1e-6))
    if n == 0:
        return []
    t = np.asarray(log.t, dtype=np.float64)
    act = np.asarray(log.activity, dtype=np.float64)
    out = np.zeros(n)
    if len(t):
        bins = np.clip(np.floor(t).astype(np.int64), 0, n - 1)
        sums = np.bincount(bins, weights=act, minlength=n)[:n]
        counts = np.bincount(bins, minlength=n)[:n]
        has = counts > 0
        out[has] = sums[has] / counts[has]
        # sources slower than 1 frame/s leave seconds without a sample: carry the last value
        last = -1
        for i in range(n):
            if has[i]:
                last = i
            elif last >= 0 and i - last <= 2 and len(t) and t[-1] >= i:
                out[i] = out[last]
    return [round(float(v), 4) for v in out]


# ------------------------------------------------------------------------------------------
def _sample_ends(t: FloatArray, duration: float) -> FloatArray:
    """Each sample stands for the time until the next one (the last: until the end)."""
    ends = np.empty_like(t)
    if len(t) > 1:
        ends[:-1] = t[1:]
    if len(t):
        typical = float(np.median(np.diff(t))) if len(t) > 1 else 0.1
        last = t[-1] + typical
        ends[-1] = min(duration, last) if duration > t[-1] else last
    return ends


def _hysteresis(frac: FloatArray, on_thr: float, off_thr: float) -> BoolArray:
    """On at >= on_thr, off below off_thr, held in between and where the value is NaN."""
    out = np.zeros(len(frac), dtype=bool)
    state = False
    for i, value in enumerate(frac.tolist()):
        if value == value:  # not NaN
            state = value >= on_thr if not state else value >= off_thr
        out[i] = state
    return out


def _runs(
    t: FloatArray, ends: FloatArray, on: BoolArray, min_duration: float, gap_merge: float
) -> list[tuple[int, int]]:
    """Index ranges [i0, i1] where `on`, gaps shorter than gap_merge merged, short runs dropped."""
    if not on.any():
        return []
    padded = np.concatenate(([False], on, [False])).astype(np.int8)
    edges = np.diff(padded)
    starts = np.flatnonzero(edges == 1)
    stops = np.flatnonzero(edges == -1) - 1
    merged: list[list[int]] = []
    for i0, i1 in zip(starts.tolist(), stops.tolist(), strict=True):
        if merged and t[i0] - ends[merged[-1][1]] < gap_merge:
            merged[-1][1] = i1
        else:
            merged.append([i0, i1])
    return [(i0, i1) for i0, i1 in merged if ends[i1] - t[i0] >= min_duration - 1e-6]


def _score(on: BoolArray, level: FloatArray, i0: int, i1: int) -> float:
    """Half how much of the run the raw signal held, half how strong it was."""
    held = float(on[i0 : i1 + 1].mean())
    seg = level[i0 : i1 + 1]
    seg = seg[~np.isnan(seg)]
    strong = float(seg.mean()) if len(seg) else held
    return round(max(0.0, min(1.0, 0.5 * held + 0.5 * strong)), 2)


def _event(
    kind: str,
    zone: str,
    t: FloatArray,
    ends: FloatArray,
    i0: int,
    i1: int,
    score: float,
    detail: str | None = None,
) -> Event:
    start = round(float(t[i0]), 1)
    end = max(round(float(ends[i1]), 1), round(start + 0.1, 1))
    return Event(kind, zone, start, end, score, detail)
