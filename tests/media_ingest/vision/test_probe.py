"""probe() facts and the streaming SHA-256."""

from __future__ import annotations

import hashlib
import io

from media_ingest.vision import probe, sha256_file, sha256_stream, synth


class _CountingReader(io.RawIOBase):
    """A file object that remembers how much each read asked for."""

    def __init__(self, data: bytes) -> None:
        self._inner = io.BytesIO(data)
        self.requests: list[int] = []

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        self.requests.append(size)
        return self._inner.read(size)


def test_sha256_stream_reads_in_chunks() -> None:
    data = bytes(range(256)) * 20_000  # 5 MB
    reader = _CountingReader(data)
    assert sha256_stream(reader, chunk_size=1 << 20) == hashlib.sha256(data).hexdigest()
    assert reader.requests and all(0 < n <= 1 << 20 for n in reader.requests)
    assert len(reader.requests) >= 5


def test_sha256_file(still_clip: synth.SynthClip) -> None:
    data = still_clip.path.read_bytes()
    assert sha256_file(still_clip.path) == (hashlib.sha256(data).hexdigest(), len(data))


def test_probe_fields(h264_counter) -> None:  # type: ignore[no-untyped-def]
    info = probe(h264_counter.clip.path)
    assert info.codec == "h264" and info.pix_fmt == "yuv420p"
    assert (info.width, info.height, info.fps) == (320, 180, 10.0)
    assert info.duration == 76.0 and info.frame_count == 760
    assert info.container.startswith("mov,mp4")
    assert info.bit_rate and info.bit_rate > 0
    assert info.size == h264_counter.clip.path.stat().st_size
    assert set(info.to_dict()) >= {
        "duration",
        "fps",
        "width",
        "height",
        "codec",
        "frame_count",
        "container",
        "bit_rate",
    }
