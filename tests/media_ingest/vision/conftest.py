"""Fixtures for the pure vision tests: synthetic clips with ground truth, analysed once per session.

These tests need neither a database nor Django settings; the autouse fixtures of the parent
conftests (store isolation, password hashing) are replaced here by no-ops.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from media_ingest.vision import AnalysisConfig, AnalysisResult, analyze, synth

# the synthetic scene has a 15 s officer absence and a 10 s unattended citizen
FAST_RULES = AnalysisConfig(unattended_after_s=5.0, officer_absent_after_s=8.0)
SHARED_FOOTAGE = Path(__file__).resolve().parents[4] / "shared" / "footage"


@pytest.fixture(autouse=True)
def _isolated_store() -> Iterator[None]:  # overrides tests/conftest.py: no Django here
    yield


@pytest.fixture(autouse=True)
def _fast_password_hashing() -> None:  # overrides tests/media_ingest/conftest.py
    return None


@dataclass(frozen=True)
class Analysed:
    clip: synth.SynthClip
    result: AnalysisResult
    outputs: Path
    progress: list[float]


def _analyse(clip: synth.SynthClip, outputs: Path, config: AnalysisConfig = FAST_RULES) -> Analysed:
    seen: list[float] = []
    result = analyze(clip.path, zones=clip.zones, config=config, outputs=outputs, progress=seen.append)
    return Analysed(clip, result, outputs, seen)


@pytest.fixture(scope="session")
def vision_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("vision")


@pytest.fixture(scope="session")
def h264_counter(vision_dir: Path) -> Analysed:
    """The 76 s counter scene (H.264 320x180 10 fps, seed 1), analysed with derivatives."""
    clip = synth.generate_counter_clip(vision_dir / "counter-h264.mp4", seed=1)
    return _analyse(clip, vision_dir / "out-h264")


@pytest.fixture(scope="session")
def mpeg4_counter(vision_dir: Path) -> Analysed:
    """The same scene in MPEG-4 Part 2 (not browser-playable: a proxy is due), seed 2."""
    clip = synth.generate_counter_clip(vision_dir / "counter-mpeg4.mp4", seed=2, codec="mpeg4")
    return _analyse(clip, vision_dir / "out-mpeg4")


@pytest.fixture(scope="session")
def still_clip(vision_dir: Path) -> synth.SynthClip:
    """20 s, no zones: one person arrives at 5 s and stands stock-still until 15 s."""
    return synth.write_clip(vision_dir / "still.mp4", synth.still_person_scenario(duration=20.0), seed=4)


@pytest.fixture(scope="session")
def still_clip_faststart(vision_dir: Path) -> synth.SynthClip:
    return synth.write_clip(
        vision_dir / "still-faststart.mp4", synth.still_person_scenario(duration=20.0), seed=4, faststart=True
    )
