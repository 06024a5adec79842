"""Per-frame detectors on a small grey frame (pure: cv2 + numpy).

`SceneAnalyzer.update(gray, t)` is called for every analysed frame (a few per second). It keeps:
- a background model (running average, learnt only where the scene is background, so a person
  who stands still stays foreground and present),
- ghost removal: a foreground blob whose edges are in the background model and not in the frame
  is something that was in the first frame and has left; the background is repaired there and
  the zones it covered are recorded as occupied from when the background was learnt until it
  left (so an officer already seated when the clip starts is present, not absent),
- exposure compensation: frames are compared at the background's exposure (median per-pixel
  ratio), so a camera re-exposing for a white car or a dark coat does not light up every zone,
- absorption: a pixel foreground without a break for `absorb_after_s` joins the background,
- the raw tamper state (covered/black, blurred, moved) and a sharpness baseline; while the
  picture is tampered with, or changing as a whole (a jolt), zones keep their last state and
  nothing is learnt,
- per-zone foreground fractions and the frame-to-frame activity.

Everything it measures goes into a `SampleLog`; events are derived from the log afterwards
(`media_ingest.vision.events`), which keeps this class simple to test with synthetic frames.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, TypeAlias

import cv2
import numpy as np
import numpy.typing as npt

from media_ingest.vision.config import AnalysisConfig
from media_ingest.vision.zones import Zone, zone_masks

# 2-D uint8 pictures. Loosely typed on purpose: the cv2 stubs type every result as a generic
# array, and an exact alias would need a cast around each cv2 call.
Gray: TypeAlias = npt.NDArray[Any]

TAMPER_NONE = 0
TAMPER_COVERED = 1
TAMPER_BLURRED = 2
TAMPER_MOVED = 3
TAMPER_NAMES = {TAMPER_COVERED: "covered", TAMPER_BLURRED: "blurred", TAMPER_MOVED: "moved"}

_K3 = np.ones((3, 3), np.uint8)
_MIN_BLOB_SHARE = 0.002  # blobs smaller than this share of the frame are not ghost-checked
_GHOST_MIN_EDGE = 12.0  # mean background edge strength a ghost must show


@dataclass(frozen=True, slots=True)
class GhostFix:
    """A blob found to be a ghost in `zone`: occupied from `since` until `left` (seconds);
    between `left` and `found` the live fractions counted it as foreground by mistake."""

    zone: str
    since: float
    left: float
    found: float
    cover: float  # share of the zone it covered


@dataclass
class SampleLog:
    """Everything measured per analysed frame, in compact arrays."""

    zones: list[str]
    t: array = field(default_factory=lambda: array("d"))
    activity: array = field(default_factory=lambda: array("f"))
    tamper: array = field(default_factory=lambda: array("b"))
    tamper_strength: array = field(default_factory=lambda: array("f"))
    fractions: dict[str, array] = field(default_factory=dict)
    ghosts: list[GhostFix] = field(default_factory=list)

    def __post_init__(self) -> None:
        for name in self.zones:
            self.fractions.setdefault(name, array("f"))

    def __len__(self) -> int:
        return len(self.t)


@dataclass(frozen=True, slots=True)
class SampleResult:
    t: float
    tamper: int
    activity: float
    fractions: dict[str, float]
    changed: bool  # some zone or tamper state flipped (a likely event start: take a thumbnail)


class SceneAnalyzer:
    """Stateful per-frame analysis; see the module docstring."""

    def __init__(
        self,
        config: AnalysisConfig,
        zones: Sequence[Zone],
        width: int,
        height: int,
        sample_period: float,
        background: Gray | None = None,
    ) -> None:
        self.config = config
        self.width, self.height = width, height
        self.period = sample_period
        self.masks = zone_masks(zones, width, height)
        self.zone_area = {name: int(m.sum()) for name, m in self.masks.items()}
        self.log = SampleLog(zones=[z.name for z in zones])
        self.on_threshold = {z.name: config.occupied_for(z.name) for z in zones}
        self.live_on = {z.name: False for z in zones}
        self.n_pixels = width * height
        self.min_blob = max(6, int(_MIN_BLOB_SHARE * self.n_pixels))
        # per analysed frame rates derived from per second settings
        self.alpha = 1.0 - (1.0 - config.bg_learning_rate) ** sample_period
        self.focus_alpha = 1.0 - (1.0 - config.focus_baseline_rate) ** sample_period
        self.absorb_samples = max(1, int(round(config.absorb_after_s / sample_period)))

        self.bg: npt.NDArray[np.float32] | None = None  # float for slow learning
        self.bg_u8: Gray | None = None  # its rounded copy, what frames are compared with
        self.seeded = False
        if background is not None and background.shape == (height, width):
            self.bg = background.astype(np.float32)
            self.bg_u8 = background.astype(np.uint8)
            self.seeded = True
        self.bg_since = np.zeros((height, width), np.float32)  # when each pixel was last reset
        # consecutive foreground samples per pixel (0 = background)
        self.fg_run = np.zeros((height, width), np.uint16 if self.absorb_samples < 65000 else np.uint32)
        self.prev: Gray | None = None
        self.prev_ghost = np.zeros((height, width), np.uint8)
        self.next_ghost_check = 0.0
        self.focus_baseline: float | None = None
        self.focus = (0.0, 0.0)  # last (sharpness, mean gradient)
        self.next_focus = 0.0
        self.moved_for = 0.0
        self.last_tamper = TAMPER_NONE

    # ------------------------------------------------------------------------------------
    # Long on purpose: the per-frame hot path (cover, light, motion, zones) kept in one frame of locals.
    def update(self, gray: Gray, t: float) -> SampleResult:
        """Analyse one small grey frame taken at `t` seconds."""
        cfg = self.config
        if gray.shape != (self.height, self.width):
            raise ValueError(f"frame is {gray.shape}, analyzer expects {(self.height, self.width)}")
        mean_a, std_a = cv2.meanStdDev(gray)
        mean, std = float(mean_a[0, 0]), float(std_a[0, 0])
        covered = mean < cfg.dark_mean or std < cfg.flat_std

        if self.bg is None:
            if covered:
                return self._record(t, TAMPER_COVERED, 1.0, 0.0, None, changed=False)
            self.bg = gray.astype(np.float32)
            self.bg_u8 = gray.copy()
            self.bg_since.fill(t)
            self.prev = gray
            nothing = {name: 0.0 for name in self.masks}  # the first frame is the background
            return self._record(t, TAMPER_NONE, 0.0, 0.0, nothing, changed=True)
        assert self.bg_u8 is not None

        # automatic exposure: a bright or dark object close to the camera makes it change the
        # exposure of the whole picture. Compare frames at the background's exposure.
        gain = 1.0 if covered else _exposure_gain(gray, self.bg)
        frame = gray if gain == 1.0 else cv2.convertScaleAbs(gray, alpha=1.0 / gain)

        activity = 0.0
        if self.prev is not None:
            changed_px = cv2.threshold(cv2.absdiff(frame, self.prev), cfg.activity_threshold, 1, cv2.THRESH_BINARY)[1]
            activity = cv2.countNonZero(changed_px) / self.n_pixels
        self.prev = frame

        fg = cv2.threshold(cv2.absdiff(frame, self.bg_u8), cfg.fg_threshold, 1, cv2.THRESH_BINARY)[1]
        fg = cv2.morphologyEx(fg, cv2.MORPH_OPEN, _K3)
        global_fg = cv2.countNonZero(fg) / self.n_pixels

        # sharpness: measured whenever the picture changes, else twice a second (baseline upkeep)
        fresh_focus = (
            t >= self.next_focus
            or activity > 0.01
            or global_fg > 0.02
            or self.last_tamper != TAMPER_NONE
            or self.focus_baseline is None
        )
        if fresh_focus:
            self.focus = _sharpness(gray)
            self.next_focus = t + 0.5
        focus, gradient = self.focus

        tamper, strength = TAMPER_NONE, 0.0
        baseline = self.focus_baseline
        if covered:
            tamper = TAMPER_COVERED
            strength = 1.0 - min(mean / max(cfg.dark_mean, 1.0), std / max(cfg.flat_std, 1.0), 1.0)
        elif (
            baseline is not None
            and gradient >= cfg.blur_min_gradient / max(gain, 1e-3)
            and focus < cfg.blur_ratio * baseline
        ):
            tamper = TAMPER_BLURRED
            strength = 1.0 - focus / (cfg.blur_ratio * baseline)
        elif global_fg >= cfg.moved_fraction:
            if activity > cfg.moved_max_activity:
                # the whole picture is changing right now (a jolt, a cut, a big object rushing
                # past): too early to tell. Zones keep their state, nothing is learnt.
                self.prev_ghost.fill(0)
                return self._record(t, TAMPER_NONE, 0.0, activity, None, changed=False)
            loss = _edge_loss(frame, self.bg_u8)
            if loss is None:  # too few edges to tell structure from light: use correlation
                ncc = float(cv2.matchTemplate(frame, self.bg_u8, cv2.TM_CCOEFF_NORMED)[0, 0])
                loss = 1.0 - ncc if math.isfinite(ncc) else 1.0
            if loss >= cfg.moved_edge_loss:
                tamper = TAMPER_MOVED
                strength = loss
            elif abs(float(frame.mean()) - float(self.bg.mean())) >= cfg.relight_min_mean_shift:
                # lights switched, unevenly: the same edges, other brightness. Re-learn it.
                self._rebaseline(frame, t)
                return self._record(t, TAMPER_NONE, 0.0, activity, None, changed=True)

        if tamper == TAMPER_MOVED:
            self.moved_for += self.period
            if self.moved_for >= cfg.moved_rebaseline_s:
                self._rebaseline(frame, t)  # the new view is here to stay
                self.moved_for = 0.0
        else:
            self.moved_for = 0.0

        if tamper != TAMPER_NONE:
            # frozen: no learning, zone states held (fractions logged as NaN)
            self.prev_ghost.fill(0)
            changed = tamper != self.last_tamper
            self.last_tamper = tamper
            return self._record(t, tamper, strength, activity, None, changed=changed)

        if baseline is None:
            self.focus_baseline = focus
        elif fresh_focus:
            self.focus_baseline = baseline + self.focus_alpha * (focus - baseline)

        # run length of foreground per pixel: +1 where foreground, back to 0 elsewhere
        run = self.fg_run
        np.add(run, 1, out=run)
        np.multiply(run, fg, out=run)

        if t >= self.next_ghost_check:
            self.next_ghost_check = t + cfg.ghost_check_interval_s
            if global_fg > 0.0:
                self._remove_ghosts(frame, fg, t)
            absorbed = run >= self.absorb_samples
            if absorbed.any():  # foreground for so long it is part of the scene now
                self.bg[absorbed] = frame[absorbed]
                self.bg_since[absorbed] = t
                run[absorbed] = 0
                fg[absorbed] = 0

        fractions = {
            name: cv2.countNonZero(cv2.bitwise_and(fg, mask)) / self.zone_area[name]
            for name, mask in self.masks.items()
        }

        # learn the background only where nothing is (a dilated foreground is left alone)
        learn = cv2.threshold(cv2.dilate(fg, _K3), 0, 1, cv2.THRESH_BINARY_INV)[1]
        cv2.accumulateWeighted(frame, self.bg, self.alpha, mask=learn)
        self.bg_u8 = cv2.convertScaleAbs(self.bg)

        changed = self.last_tamper != TAMPER_NONE
        self.last_tamper = TAMPER_NONE
        for name, frac in fractions.items():
            thr = self.on_threshold[name]
            was = self.live_on[name]
            now = frac >= thr if not was else frac >= thr * cfg.release_ratio
            if now != was:
                self.live_on[name] = now
                changed = True
        return self._record(t, TAMPER_NONE, 0.0, activity, fractions, changed=changed)

    def background(self) -> Gray | None:
        """The current background model as a small grey image (carry it to the next clip)."""
        return None if self.bg is None else np.clip(self.bg, 0, 255).astype(np.uint8)

    # ------------------------------------------------------------------------------------
    def _record(
        self,
        t: float,
        tamper: int,
        strength: float,
        activity: float,
        fractions: dict[str, float] | None,
        *,
        changed: bool,
    ) -> SampleResult:
        log = self.log
        changed = changed or len(log) == 0  # the first frame is always a thumbnail candidate
        log.t.append(t)
        log.activity.append(activity)
        log.tamper.append(tamper)
        log.tamper_strength.append(max(0.0, min(1.0, strength)))
        for name in log.zones:
            log.fractions[name].append(math.nan if fractions is None else fractions[name])
        return SampleResult(t, tamper, activity, fractions or {}, changed)

    def _rebaseline(self, frame: Gray, t: float) -> None:
        assert self.bg is not None
        self.bg[...] = frame
        self.bg_u8 = frame.copy()
        self.bg_since.fill(t)
        self.fg_run.fill(0)
        self.prev_ghost.fill(0)

    def _remove_ghosts(self, frame: Gray, fg: Gray, t: float) -> None:
        """Repair the background under blobs that are ghosts (see module docstring)."""
        assert self.bg is not None and self.bg_u8 is not None
        count, labels, stats, _ = cv2.connectedComponentsWithStats(fg, connectivity=8)
        candidates = np.zeros_like(self.prev_ghost)
        if count <= 1:
            self.prev_ghost = candidates
            return
        grad_cur = _edges(frame)
        grad_bg = _edges(self.bg_u8)
        h, w = fg.shape
        for label in range(1, count):
            x, y, bw, bh, area = (int(v) for v in stats[label])
            if area < self.min_blob:
                continue
            x0, y0 = max(0, x - 2), max(0, y - 2)
            x1, y1 = min(w, x + bw + 2), min(h, y + bh + 2)
            comp = (labels[y0:y1, x0:x1] == label).astype(np.uint8)
            band = cv2.dilate(comp, _K3) - cv2.erode(comp, _K3)
            n_band = int(band.sum())
            if n_band < 8:
                continue
            band_b = band.astype(bool)
            e_cur = float(grad_cur[y0:y1, x0:x1][band_b].mean())
            e_bg = float(grad_bg[y0:y1, x0:x1][band_b].mean())
            if e_bg < _GHOST_MIN_EDGE or e_bg < self.config.ghost_edge_ratio * e_cur:
                continue
            comp_b = comp.astype(bool)
            candidates[y0:y1, x0:x1][comp_b] = 1
            seen_before = int(self.prev_ghost[y0:y1, x0:x1][comp_b].sum())
            if seen_before * 2 < area:
                continue  # a ghost must be seen on two checks in a row
            since = float(np.median(self.bg_since[y0:y1, x0:x1][comp_b]))
            run = float(np.median(self.fg_run[y0:y1, x0:x1][comp_b]))
            left = max(since, t - (run - 1) * self.period)  # when its pixels became foreground
            for name, mask in self.masks.items():
                covered = int(mask[y0:y1, x0:x1][comp_b].sum())
                cover = covered / max(self.zone_area[name], 1)
                if cover > 0:
                    self.log.ghosts.append(GhostFix(name, since, round(left, 3), t, cover))
            region = cv2.dilate(comp, _K3).astype(bool)
            self.bg[y0:y1, x0:x1][region] = frame[y0:y1, x0:x1][region]
            self.bg_u8[y0:y1, x0:x1][region] = frame[y0:y1, x0:x1][region]
            self.bg_since[y0:y1, x0:x1][region] = t
            self.fg_run[y0:y1, x0:x1][region] = 0
            fg[y0:y1, x0:x1][comp_b] = 0
            candidates[y0:y1, x0:x1][comp_b] = 0
        self.prev_ghost = candidates


def _exposure_gain(frame: Gray, bg: npt.NDArray[np.float32]) -> float:
    """Median per-pixel brightness ratio frame/background (robust while less than half of the
    picture is foreground); 1.0 when the change is negligible or cannot be measured."""
    f = frame[::4, ::4].astype(np.float32)
    b = bg[::4, ::4]
    usable = (b > 12.0) & (b < 243.0) & (f > 4.0) & (f < 251.0)  # clipped pixels carry no gain
    n = int(np.count_nonzero(usable))
    if n < max(32, usable.size // 8):
        return 1.0
    ratios = f[usable] / b[usable]
    gain = float(np.partition(ratios, n // 2)[n // 2])
    if not math.isfinite(gain) or abs(gain - 1.0) < 0.03:
        return 1.0
    return min(3.0, max(1.0 / 3.0, gain))


def _edge_loss(frame: Gray, bg: Gray) -> float | None:
    """Share of the background's strong edges that the frame no longer has nearby (0..1);
    None when the background has too few edges to judge."""
    grad_bg = _edges(bg)
    grad_cur = _edges(frame)
    thr = max(16.0, float(np.percentile(grad_bg, 85)))
    strong = grad_bg >= thr
    count = int(strong.sum())
    if count < 40:
        return None
    near = cv2.dilate((grad_cur >= thr * 0.7).astype(np.uint8), _K3).astype(bool)
    return 1.0 - int((strong & near).sum()) / count


def _sharpness(gray: Gray) -> tuple[float, float]:
    """(sharpness, mean gradient). Sharpness = mean |Laplacian| / mean |gradient|: blur lowers
    the second derivative faster than the first, while the amount of content (a textured object
    walking out of the picture) changes both alike, so it stays put for a sharp picture."""
    lap = cv2.Laplacian(gray, cv2.CV_16S, ksize=3)
    gx = cv2.Sobel(gray, cv2.CV_16S, 1, 0, ksize=3)
    gy = cv2.Sobel(gray, cv2.CV_16S, 0, 1, ksize=3)
    n = float(gray.size)
    lap_mean = cv2.norm(lap, cv2.NORM_L1) / n
    grad_mean = (cv2.norm(gx, cv2.NORM_L1) + cv2.norm(gy, cv2.NORM_L1)) / n
    return lap_mean / (grad_mean + 1e-3), grad_mean


def _edges(img: Gray) -> Gray:
    gx = cv2.Sobel(img, cv2.CV_16S, 1, 0, ksize=3)
    gy = cv2.Sobel(img, cv2.CV_16S, 0, 1, ksize=3)
    return cv2.addWeighted(cv2.convertScaleAbs(gx), 0.5, cv2.convertScaleAbs(gy), 0.5, 0)
