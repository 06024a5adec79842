"""Every kind of bad input gives a clear one-line reason, or what could be read plus a warning."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import av
import numpy as np
import pytest

from media_ingest.vision import VisionError, analyze, probe, synth


def _reason(path: Path | str) -> str:
    with pytest.raises(VisionError) as caught:
        analyze(path)
    reason = caught.value.reason
    assert reason and "\n" not in reason and len(reason) < 200
    assert str(caught.value) == reason
    return reason


def test_zero_byte_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.mp4"
    path.write_bytes(b"")
    assert _reason(path) == "empty file (0 bytes)"
    with pytest.raises(VisionError, match="empty file"):
        probe(path)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    assert _reason(tmp_path / "nope.mp4") == "file not found"
    assert _reason(tmp_path) == "not a regular file"


def test_random_bytes(tmp_path: Path) -> None:
    path = tmp_path / "noise.mp4"
    path.write_bytes(np.random.default_rng(0).bytes(200_000))
    assert _reason(path).startswith("not a video file")


def test_text_file_named_like_a_video(tmp_path: Path) -> None:
    path = tmp_path / "notes.mp4"
    path.write_text("Biên bản kiểm tra đột xuất\n" * 200, encoding="utf-8")
    assert _reason(path) == "not a video file (it contains text)"


def test_audio_only_file(tmp_path: Path) -> None:
    path = tmp_path / "hotline.wav"
    with av.open(str(path), "w") as out:
        stream = out.add_stream("pcm_s16le", rate=8000)
        frame = av.AudioFrame.from_ndarray(np.zeros((1, 8000), np.int16), format="s16", layout="mono")
        frame.sample_rate = 8000
        for packet in stream.encode(frame):
            out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    assert _reason(path) == "the file contains no video, only audio"


def test_video_with_no_frames(tmp_path: Path) -> None:
    # a recorder that wrote the header and stopped before the first frame
    path = tmp_path / "noframes.mp4"
    out = av.open(str(path), "w")
    stream = out.add_stream("libx264", rate=10)
    stream.width, stream.height, stream.pix_fmt = 320, 180, "yuv420p"
    out.start_encoding()
    out.close()
    assert path.stat().st_size > 0
    assert "no video" in _reason(path) or "no frames" in _reason(path)


def test_truncated_mp4_without_index_is_refused_clearly(still_clip: synth.SynthClip, tmp_path: Path) -> None:
    data = still_clip.path.read_bytes()  # index (moov) at the end, as most recorders write
    path = tmp_path / "cut.mp4"
    path.write_bytes(data[: len(data) // 2])
    reason = _reason(path)
    assert reason.startswith("incomplete MP4") and "cut off" in reason


def test_truncated_faststart_mp4_gives_what_was_read(still_clip_faststart: synth.SynthClip, tmp_path: Path) -> None:
    data = still_clip_faststart.path.read_bytes()
    path = tmp_path / "cut.mp4"
    path.write_bytes(data[: int(len(data) * 0.6)])
    result = analyze(path)
    assert result.partial
    assert len(result.warnings) == 1 and result.warnings[0].startswith("file ends early: video decoded up to")
    assert 5.0 < result.duration < 19.0 and result.file.duration == 20.0
    assert len(result.activity) == int(np.ceil(result.duration))
    # the person (from 5 s) is there in the part that was read, until the cut
    presence = [e for e in result.events if e.kind == "presence"]
    assert len(presence) == 1 and abs(presence[0].start - 5.0) <= 1.0
    assert presence[0].end == pytest.approx(result.duration, abs=0.2)


def test_corrupt_middle_gives_partial_result_and_warning(still_clip_faststart: synth.SynthClip, tmp_path: Path) -> None:
    data = bytearray(still_clip_faststart.path.read_bytes())
    start = len(data) // 3
    data[start : start + 20_000] = np.random.default_rng(1).bytes(20_000)
    path = tmp_path / "damaged.mp4"
    path.write_bytes(bytes(data))
    result = analyze(path)
    assert result.partial and result.warnings
    assert any("damaged" in w for w in result.warnings), result.warnings
    assert result.frames_decoded > 100
    # the damage is healed at the next key frame: the still person is found regardless
    presence = [e for e in result.events if e.kind == "presence"]
    assert len(presence) == 1
    assert abs(presence[0].start - 5.0) <= 1.0 and abs(presence[0].end - 15.0) <= 1.0
    assert not [e for e in result.events if e.kind == "tamper"]


def test_wrong_extension_is_irrelevant(still_clip: synth.SynthClip, tmp_path: Path) -> None:
    path = tmp_path / "evidence.txt"
    shutil.copy(still_clip.path, path)
    result = analyze(path)
    assert not result.partial and not result.warnings
    assert [(e.kind, e.start, e.end) for e in result.events] == [
        (e.kind, e.start, e.end) for e in analyze(still_clip.path).events
    ]


def test_probe_accepts_a_file_object(still_clip: synth.SynthClip) -> None:
    with open(still_clip.path, "rb") as fh:
        info = probe(fh)
    assert (info.codec, info.width, info.height, info.fps) == ("h264", 320, 180, 10.0)
    assert info.frame_count == 200 and info.duration == 20.0
    assert info.size == still_clip.path.stat().st_size
    with pytest.raises(VisionError, match="not a video file"):
        probe(io.BytesIO(b"\x00\x01" * 5000))
