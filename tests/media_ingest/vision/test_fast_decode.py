"""Skipping the frames the analysis does not need (non-reference frames, the loop filter) changes
how much is decoded, never what is found."""

from __future__ import annotations

from pathlib import Path

import pytest

from media_ingest.vision import AnalysisResult, analyze, synth

from .conftest import FAST_RULES

FULL = FAST_RULES.model_copy(update={"skip_nonref_frames": False})


def _events(result: AnalysisResult) -> list[tuple[str, str | None, float, float]]:
    return [(e.kind, e.zone, e.start, e.end) for e in result.events]


@pytest.fixture(scope="module")
def clip25(tmp_path_factory: pytest.TempPathFactory) -> synth.SynthClip:
    """The counter scene (every event kind, tamper included) as a 25 fps H.264 camera clip."""
    path = tmp_path_factory.mktemp("fast") / "counter-25fps.mp4"
    return synth.write_clip(path, synth.counter_scenario(fps=25), seed=3)


def test_a_source_at_twice_the_analysis_rate_skips_frames_and_finds_the_same_events(
        clip25: synth.SynthClip, tmp_path: Path) -> None:
    fast = analyze(clip25.path, zones=clip25.zones, config=FAST_RULES, outputs=tmp_path / "fast")
    full = analyze(clip25.path, zones=clip25.zones, config=FULL, outputs=tmp_path / "full")
    assert fast.skipped_nonref and not full.skipped_nonref
    assert full.frames_decoded == 76 * 25
    assert fast.frames_decoded < 0.8 * full.frames_decoded  # the non-reference frames were not decoded
    assert fast.frames_analysed == pytest.approx(full.frames_analysed, rel=0.02)  # the analysis rate kept
    a, b = _events(fast), _events(full)
    assert [e[:2] for e in a] == [e[:2] for e in b]
    assert all(abs(x[2] - y[2]) <= 1.0 and abs(x[3] - y[3]) <= 1.0 for x, y in zip(a, b, strict=True))
    # and each ground-truth event is still found within a second
    for truth in clip25.truth:
        assert any(e.kind == truth.kind and (truth.zone is None or e.zone == truth.zone)
                   and abs(e.start - truth.start) <= 1.5 for e in fast.events), truth
    assert set(fast.stage_seconds) == {"demux", "decode", "analysis", "derivatives"}
    assert fast.stage_seconds["decode"] > 0 and fast.stage_seconds["derivatives"] > 0


def test_a_source_below_twice_the_analysis_rate_decodes_every_frame(tmp_path: Path) -> None:
    clip = synth.write_clip(tmp_path / "c10.mp4", synth.still_person_scenario(fps=10, duration=6.0), seed=1)
    result = analyze(clip.path, zones=clip.zones, config=FAST_RULES)
    assert not result.skipped_nonref
    assert result.frames_decoded == 60


def test_a_proxy_needs_every_frame(tmp_path: Path) -> None:
    clip = synth.write_clip(tmp_path / "m4.mp4", synth.still_person_scenario(fps=25, duration=4.0), seed=1,
                            codec="mpeg4")
    result = analyze(clip.path, zones=clip.zones, config=FAST_RULES, outputs=tmp_path / "out")
    assert result.derivatives is not None and result.derivatives.proxy == "proxy.mp4"
    assert not result.skipped_nonref
    assert result.frames_decoded == 100


def _encode_with_runs_of_b_frames(path: Path, scenario: synth.Scenario) -> None:
    """H.264 with three non-reference B-frames in a row (no B-pyramid), as some encoders make."""
    from fractions import Fraction

    import av

    with av.open(str(path), mode="w", format="mp4") as out:
        stream = out.add_stream("libx264", rate=Fraction(scenario.fps))
        stream.options = {"crf": "23", "preset": "veryfast",
                          "x264-params": "bframes=3:b-pyramid=none:b-adapt=0"}
        stream.width, stream.height, stream.pix_fmt = scenario.width, scenario.height, "yuv420p"
        for i, img in enumerate(synth.Renderer(scenario, 1).frames()):
            frame = av.VideoFrame.from_ndarray(img, format="bgr24")
            frame.pts = i
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)


def test_frames_too_far_apart_after_skipping_turn_the_skipping_off(tmp_path: Path) -> None:
    """Reference frames four frames apart (160 ms at 25 fps) are further apart than the analysis
    period at 10 a second: after the first such gap the decoder goes back to every frame, so the
    analysis still sees its 10 frames a second."""
    path = tmp_path / "runs-of-b.mp4"
    scenario = synth.still_person_scenario(fps=25, duration=8.0)
    _encode_with_runs_of_b_frames(path, scenario)
    result = analyze(path, config=FAST_RULES)
    full = analyze(path, config=FULL)
    assert result.skipped_nonref
    assert full.frames_decoded == 200
    assert result.frames_decoded >= 195  # at most the frames before the first gap were skipped
    assert result.frames_analysed == pytest.approx(full.frames_analysed, abs=2)
