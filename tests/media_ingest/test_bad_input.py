"""Bad files end failed or partial with a one-line reason; the worker and other clips carry on."""
from __future__ import annotations

import os
import tracemalloc
from pathlib import Path
from typing import Any

import av
import pytest

from media_ingest import services_discovery, services_indexing
from media_ingest.discovery import ObjectRef
from media_ingest.models import Clip


def _ingest(store: Any, key: str, path: Path | None) -> Clip:
    info = store.put_file(key, path, "video/mp4") if path is not None else store.stat(key)
    ref = ObjectRef(bucket=store.bucket, key=key, size=info.size, etag=info.etag, version=info.version)
    clip = services_discovery.clip_discover(ref=ref, source=Clip.Source.RECONCILE).clip
    assert clip is not None
    services_indexing.clip_index(clip_id=clip.pk)
    clip.refresh_from_db()
    return clip


def _one_line(clip: Clip) -> None:
    assert clip.error and clip.error_en
    assert "\n" not in clip.error and "\n" not in clip.error_en
    assert "Traceback" not in clip.error_en and len(clip.error_en) < 300


def _truncated(src: Path, dest: Path, fraction: float) -> Path:
    data = src.read_bytes()
    dest.write_bytes(data[: int(len(data) * fraction)])
    return dest


def _no_frames(dest: Path) -> Path:
    with av.open(str(dest), "w", format="mp4") as out:
        stream = out.add_stream("libx264", rate=10)
        stream.width, stream.height, stream.pix_fmt = 64, 64, "yuv420p"
        out.start_encoding()  # header and an empty index, no frame
    assert dest.stat().st_size > 0
    return dest


def _corrupt_middle(src: Path, dest: Path) -> Path:
    data = bytearray(src.read_bytes())
    start = len(data) // 3
    data[start:start + len(data) // 6] = os.urandom(len(data) // 6)
    dest.write_bytes(bytes(data))
    return dest


@pytest.mark.parametrize(("case", "state", "reason_en"), [
    ("zero_bytes", Clip.State.FAILED, "empty file"),
    ("random_bytes", Clip.State.FAILED, "not a video"),
    ("text_file", Clip.State.FAILED, "not a video file (it contains text)"),
    ("truncated_no_index", Clip.State.FAILED, "incomplete MP4"),
    ("no_frames", Clip.State.FAILED, "no frames"),
    ("truncated_faststart", Clip.State.PARTIAL, "ends early"),
    ("corrupt_middle", Clip.State.PARTIAL, ""),
])
def test_bad_files_get_a_clear_reason(demo: Any, store: Any, tmp_path: Path, counter_clip: Any,
                                      case: str, state: str, reason_en: str) -> None:
    from media_ingest.vision import synth

    if case == "zero_bytes":
        path = tmp_path / "empty.mp4"
        path.write_bytes(b"")
    elif case == "random_bytes":
        path = tmp_path / "noise.mp4"
        path.write_bytes(os.urandom(200_000))
    elif case == "text_file":
        path = tmp_path / "notes.mp4"
        path.write_text("Biên bản kiểm tra — not a video\n" * 200, encoding="utf-8")
    elif case == "truncated_no_index":
        path = _truncated(counter_clip.path, tmp_path / "cut.mp4", 0.5)
    elif case == "no_frames":
        path = _no_frames(tmp_path / "noframes.mp4")
    elif case == "truncated_faststart":
        fast = synth.generate_counter_clip(tmp_path / "fast.mp4", seed=3, faststart=True)
        path = _truncated(fast.path, tmp_path / "fastcut.mp4", 0.5)
    else:
        path = _corrupt_middle(counter_clip.path, tmp_path / "corrupt.mp4")

    clip = _ingest(store, f"CAM-TC-01/2026/04/01/09{len(case):02d}00.mp4", path)
    assert clip.state == state, (clip.state, clip.error_en)
    _one_line(clip)
    assert reason_en in clip.error_en
    if state == Clip.State.PARTIAL:
        assert clip.warnings and clip.duration_s and clip.duration_s > 1
        assert clip.activity  # what could be read is indexed
    # the worker carries on: the next clip is indexed normally
    good = _ingest(store, "CAM-TC-01/2026/04/01/100000.mp4", counter_clip.path)
    assert good.state == Clip.State.INDEXED and good.error == ""


def test_wrong_extension_is_read_by_content(demo: Any, store: Any, tmp_path: Path, counter_clip: Any) -> None:
    """An MP4 named .mkv is still indexed (the container is recognised from its bytes)."""
    path = tmp_path / "x.mkv"
    path.write_bytes(counter_clip.path.read_bytes())
    clip = _ingest(store, "CAM-TC-01/2026/04/01/110000.mkv", path)
    assert clip.state == Clip.State.INDEXED
    assert clip.container.startswith("mov,mp4")


def test_a_huge_file_is_never_held_in_memory(demo: Any, store: Any, tmp_path: Path) -> None:
    """A 1 GiB file (sparse on disk, written straight into the store folder): hashed and probed
    in chunks, memory stays small."""
    key = "CAM-TC-01/2026/04/01/120000.mp4"
    path = store.local_path(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        fh.write(b"\x00\x00\x00\x18ftypisom")  # looks like an MP4 header, then nothing useful
        fh.truncate(1 << 30)
    tracemalloc.start()
    try:
        clip = _ingest(store, key, None)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert clip.state == Clip.State.FAILED
    assert clip.size_bytes == 1 << 30 and len(clip.sha256) == 64
    _one_line(clip)
    assert peak < 64 * 1024 * 1024, f"peak Python memory {peak / 1e6:.0f} MB"
