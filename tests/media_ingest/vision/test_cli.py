"""`python -m media_ingest analyze` as a user runs it: a subprocess, no Django, no database."""

from __future__ import annotations

import hashlib
import json
import math
import os
import subprocess
import sys
from pathlib import Path

from media_ingest.vision import synth

ROOT = Path(__file__).resolve().parents[3]


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}  # no Django
    return subprocess.run(
        [sys.executable, "-m", "media_ingest", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def test_json_output_shape(still_clip: synth.SynthClip) -> None:
    done = _cli("analyze", str(still_clip.path), "--json")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    document = json.loads(done.stdout)  # exactly one JSON object, nothing else
    assert set(document) == {"file", "events", "activity", "warnings"}
    file = document["file"]
    for key in (
        "duration",
        "fps",
        "width",
        "height",
        "codec",
        "sha256",
        "size",
        "frame_count",
        "container",
        "bit_rate",
    ):
        assert key in file, key
    data = still_clip.path.read_bytes()
    assert file["sha256"] == hashlib.sha256(data).hexdigest() and file["size"] == len(data)
    assert (file["width"], file["height"], file["fps"], file["codec"]) == (320, 180, 10.0, "h264")
    assert document["warnings"] == []
    assert len(document["activity"]) == math.ceil(file["duration"])
    assert all(isinstance(v, float) for v in document["activity"])
    (event,) = document["events"]
    assert set(event) == {"kind", "zone", "start", "end", "score"}
    assert event["kind"] == "presence" and event["zone"] == "scene"
    assert abs(event["start"] - 5.0) <= 1.0 and abs(event["end"] - 15.0) <= 1.0


def test_zones_file_and_tamper_detail(h264_counter, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    zones = tmp_path / "zones.json"
    zones.write_text(json.dumps(h264_counter.clip.zones), encoding="utf-8")
    done = _cli("analyze", str(h264_counter.clip.path), "--zones", str(zones), "--json")
    assert done.returncode == 0, done.stderr
    events = json.loads(done.stdout)["events"]
    assert {e["zone"] for e in events if e["kind"] == "presence"} == {"officer", "citizen"}
    assert sorted(e["detail"] for e in events if e["kind"] == "tamper") == ["blurred", "covered", "moved"]


def test_human_summary(still_clip: synth.SynthClip) -> None:
    done = _cli("analyze", str(still_clip.path))
    assert done.returncode == 0, done.stderr
    text = done.stdout
    assert still_clip.path.name in text and "sha256" in text and "zones: scene" in text
    assert "1 event:" in text and "presence" in text and "activity:" in text
    assert not text.lstrip().startswith("{")


def test_unreadable_file_exits_non_zero_with_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "clip.mp4"
    bad.write_bytes(os.urandom(50_000))
    for path in (bad, tmp_path / "missing.mp4"):
        for extra in ((), ("--json",)):
            done = _cli("analyze", str(path), *extra)
            assert done.returncode == 2
            assert done.stdout == ""
            lines = done.stderr.splitlines()
            assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in done.stderr


def test_bad_zones_file_exits_non_zero_with_one_line(still_clip: synth.SynthClip, tmp_path: Path) -> None:
    zones = tmp_path / "zones.json"
    zones.write_text('[{"name": "desk", "points": [[0, 0], [1, 0]]}]', encoding="utf-8")
    done = _cli("analyze", str(still_clip.path), "--zones", str(zones))
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.splitlines() == [f"error: zones file {zones}: zone 1 ('desk') needs at least 3 points, got 2"]


def test_vision_package_never_imports_django() -> None:
    code = (
        "import sys, media_ingest.vision, media_ingest.vision.synth, media_ingest.cli; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in {'django', 'rest_framework', 'channels'}); "
        "print(bad); raise SystemExit(1 if bad else 0)"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
