"""SceneAnalyzer and event building on synthetic grey frames (no video files involved)."""

from __future__ import annotations

from array import array

import cv2
import numpy as np
import pytest

from media_ingest.vision import AnalysisConfig, validate_zones
from media_ingest.vision.detect import (
    TAMPER_BLURRED,
    TAMPER_COVERED,
    TAMPER_MOVED,
    TAMPER_NONE,
    SampleLog,
    SceneAnalyzer,
)
from media_ingest.vision.events import activity_series, build_events

W, H, FPS = 160, 90, 10
ZONES = validate_zones([
    {"name": "officer", "points": [[0.0, 0.0], [0.45, 0.0], [0.45, 1.0], [0.0, 1.0]]},
    {"name": "citizen", "points": [[0.55, 0.0], [1.0, 0.0], [1.0, 1.0], [0.55, 1.0]]},
])  # fmt: skip


def _optics(img: np.ndarray) -> np.ndarray:
    return cv2.GaussianBlur(img, (3, 3), 0)  # every picture goes through the same lens


def _scene(seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return cv2.resize(rng.integers(40, 200, (9, 16)).astype(np.uint8), (W, H), interpolation=cv2.INTER_NEAREST)


def _background(seed: int = 0) -> np.ndarray:
    return _optics(_scene(seed))


def _with_block(img: np.ndarray, x0: int, x1: int, value: int = 20) -> np.ndarray:
    out = _scene()
    out[20:85, x0:x1] = value
    for y in range(20, 85, 8):
        out[y : y + 3, x0:x1] = 235  # stripes: the block has edges of its own
    return _optics(out)


def _noisy(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    return np.clip(img.astype(np.int16) + rng.integers(-2, 3, img.shape), 0, 255).astype(np.uint8)


def _run(frames: list[np.ndarray], config: AnalysisConfig | None = None) -> SceneAnalyzer:
    analyzer = SceneAnalyzer(config or AnalysisConfig(), ZONES, W, H, 1.0 / FPS)
    for i, frame in enumerate(frames):
        analyzer.update(frame, i / FPS)
    return analyzer


def test_still_person_stays_foreground_for_minutes() -> None:
    rng = np.random.default_rng(1)
    bg = _background()
    person = _with_block(bg, 100, 130)
    frames = [_noisy(bg, rng) for _ in range(20)] + [_noisy(person, rng) for _ in range(3000)]  # 5 min still
    analyzer = _run(frames)
    citizen = np.asarray(analyzer.log.fractions["citizen"])
    assert citizen[:20].max() < 0.01
    assert citizen[25:].min() > 0.2  # never learnt into the background
    assert np.asarray(analyzer.log.fractions["officer"]).max() < 0.01
    activity = np.asarray(analyzer.log.activity)
    assert activity[25:].max() < 0.01  # frame differencing alone would have lost them


def test_covered_blurred_and_moved_are_told_apart() -> None:
    bg = _background()
    blurred = cv2.GaussianBlur(bg, (0, 0), 4)
    moved = np.roll(bg, (7, 25), axis=(0, 1))
    frames = [bg] * 30 + [np.full_like(bg, 8)] * 30 + [bg] * 30 + [blurred] * 30 + [bg] * 30 + [moved] * 30 + [bg] * 10
    analyzer = _run(frames)
    tamper = np.asarray(analyzer.log.tamper)
    assert (tamper[30:60] == TAMPER_COVERED).all()
    assert (tamper[90:120] == TAMPER_BLURRED).all()
    assert (tamper[151:180] == TAMPER_MOVED).all()  # the first moved frame is still a jolt
    assert (tamper[np.r_[0:30, 60:90, 120:150, 180:190]] == TAMPER_NONE).all()
    # zones are not reported (held) while the picture cannot be trusted
    assert np.isnan(np.asarray(analyzer.log.fractions["officer"])[30:60]).all()
    events = build_events(analyzer.log, AnalysisConfig(), duration=19.0)
    assert [(e.kind, e.detail, e.start, e.end) for e in events] == [
        ("tamper", "covered", 3.0, 6.0), ("tamper", "blurred", 9.0, 12.0), ("tamper", "moved", 15.1, 18.0),
    ]  # fmt: skip


def test_camera_exposure_change_is_not_foreground() -> None:
    bg = _background()
    brighter = np.clip(bg.astype(np.float32) * 1.25, 0, 255).astype(np.uint8)
    analyzer = _run([bg] * 20 + [brighter] * 40)
    for name in ("officer", "citizen"):
        assert np.nanmax(np.asarray(analyzer.log.fractions[name])) < 0.02
    assert set(analyzer.log.tamper) == {TAMPER_NONE}


def test_person_in_the_first_frame_is_found_when_they_leave() -> None:
    bg = _background()
    seated = _with_block(bg, 20, 50)
    analyzer = _run([seated] * 80 + [bg] * 60)  # officer leaves at 8 s
    ghosts = [g for g in analyzer.log.ghosts if g.zone == "officer"]
    assert ghosts and ghosts[0].since == 0.0 and ghosts[0].left == pytest.approx(8.0, abs=0.11)
    assert ghosts[0].found <= 8.0 + 2 * AnalysisConfig().ghost_check_interval_s  # two checks agree
    cfg = AnalysisConfig(officer_absent_after_s=3.0)
    events = build_events(analyzer.log, cfg, duration=14.0)
    assert [(e.kind, e.zone, e.start, e.end) for e in events] == [
        ("presence", "officer", 0.0, 8.0), ("officer_absent", "officer", 8.0, 14.0),
    ]  # fmt: skip


def test_background_can_be_carried_to_the_next_clip() -> None:
    bg = _background()
    first = _run([bg] * 30)
    seated = _with_block(bg, 20, 50)
    analyzer = SceneAnalyzer(AnalysisConfig(), ZONES, W, H, 0.1, background=first.background())
    for i in range(30):
        analyzer.update(seated, i / FPS)
    assert analyzer.seeded and np.asarray(analyzer.log.fractions["officer"])[1:].min() > 0.2


def _log(on: list[bool], fps: int = 10) -> SampleLog:
    log = SampleLog(zones=["scene"])
    for i, value in enumerate(on):
        log.t.append(i / fps)
        log.activity.append(0.0)
        log.tamper.append(0)
        log.tamper_strength.append(0.0)
        log.fractions["scene"].append(0.5 if value else 0.0)
    return log


def test_hysteresis_merges_gaps_and_drops_short_runs() -> None:
    cfg = AnalysisConfig(presence_gap_merge_s=2.0, presence_min_duration_s=1.0)
    pattern = [False] * 10 + [True] * 30 + [False] * 15 + [True] * 20 + [False] * 30 + [True] * 5 + [False] * 10
    events = build_events(_log(pattern), cfg, duration=12.0)
    # 1.0-4.0 and 5.5-7.5 are 1.5 s apart: merged; the 0.5 s blip at 10.5 is dropped
    assert [(e.start, e.end) for e in events] == [(1.0, 7.5)]
    assert 0.5 < events[0].score <= 1.0


def test_activity_series_has_one_value_per_started_second() -> None:
    log = _log([False] * 25)
    log.activity = array("f", [0.1] * 10 + [0.3] * 10 + [0.5] * 5)
    assert activity_series(log, 2.5) == pytest.approx([0.1, 0.3, 0.5])
    assert activity_series(log, 0.0) == []
