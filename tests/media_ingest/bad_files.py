"""Small synthetic inputs, one per reason the vision package gives (media_ingest/vision/errors.py MESSAGES):
each builder writes a file (or returns a file object) that analyse() answers with that code. Shared by the
vision tests (the code is raised or reported) and the ingest tests (the code is stored on the clip)."""
from __future__ import annotations

import io
import os
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import IO

import av
import av.video.stream
import numpy as np

from media_ingest.vision import synth

Built = Path | IO[bytes]


def _noise(i: int, size: int = 64) -> av.VideoFrame:
    pixels = np.random.default_rng(i).integers(0, 255, (size, size, 3), dtype=np.uint8)
    return av.VideoFrame.from_ndarray(pixels, format="rgb24")


def encoded(path: Path, *, codec: str = "mpeg4", fmt: str = "matroska", frames: int = 30) -> Path:
    """A good clip: `frames` noise frames 64x64 at 10 fps (3 s for 30)."""
    with av.open(str(path), "w", format=fmt) as out:
        stream = out.add_stream(codec, rate=10)
        assert isinstance(stream, av.video.stream.VideoStream)
        stream.width, stream.height, stream.pix_fmt = 64, 64, "yuv420p"
        for i in range(frames):
            for packet in stream.encode(_noise(i)):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return path


def muxed_garbage(path: Path, codec: str, *, payload: Callable[[int], bytes] | None = None) -> Path:
    """A Matroska file declaring a 64x64 `codec` stream whose 20 packets are not that codec's data."""
    rng = np.random.default_rng(11)
    with av.open(str(path), "w", format="matroska") as out:
        stream = out.add_stream(codec, rate=10)
        assert isinstance(stream, av.video.stream.VideoStream)
        stream.width, stream.height = 64, 64
        stream.time_base = Fraction(1, 10)
        for i in range(20):
            packet = av.Packet(payload(i) if payload else rng.bytes(500))
            packet.stream, packet.pts, packet.dts, packet.time_base = stream, i, i, Fraction(1, 10)
            packet.is_keyframe = i == 0
            out.mux(packet)
    return path


class FailingReader(io.BytesIO):
    """A file object whose reads fail past half of it, as FFmpeg reports a disk or network read error."""

    def read(self, n: int | None = -1) -> bytes:
        if self.tell() > len(self.getbuffer()) // 2:
            raise av.error.InvalidDataError(1094995529, "Invalid data found when processing input")
        return super().read(n)


def _zero_bytes(d: Path) -> Built:
    (d / "empty.mp4").write_bytes(b"")
    return d / "empty.mp4"


def _truncated_mp4(d: Path) -> Built:
    data = encoded(d / "whole.mp4", codec="libx264", fmt="mp4").read_bytes()  # index (moov) at the end
    (d / "cut.mp4").write_bytes(data[: len(data) // 2])
    return d / "cut.mp4"


def _damaged_matroska(d: Path) -> Built:
    data = encoded(d / "whole.mkv").read_bytes()
    (d / "damaged.mkv").write_bytes(data[:4] + np.random.default_rng(3).bytes(200) + data[204:])
    return d / "damaged.mkv"


def _text(d: Path) -> Built:
    (d / "notes.mp4").write_text("Biên bản kiểm tra đột xuất\n" * 200, encoding="utf-8")
    return d / "notes.mp4"


def _random_bytes(d: Path) -> Built:
    (d / "noise.mp4").write_bytes(np.random.default_rng(0).bytes(200_000))
    return d / "noise.mp4"


def _closed_file_object(d: Path) -> Built:
    closed = io.BytesIO(b"\x00" * 1000)
    closed.close()
    return closed


def _header_only_mp4(d: Path) -> Built:
    with av.open(str(d / "noframes.mp4"), "w", format="mp4") as out:  # a recorder stopped before frame one
        stream = out.add_stream("libx264", rate=10)
        stream.width, stream.height, stream.pix_fmt = 64, 64, "yuv420p"
        out.start_encoding()
    return d / "noframes.mp4"


def _audio_only(d: Path) -> Built:
    with av.open(str(d / "hotline.wav"), "w") as out:
        stream = out.add_stream("pcm_s16le", rate=8000)
        frame = av.AudioFrame.from_ndarray(np.zeros((1, 8000), np.int16), format="s16", layout="mono")
        frame.sample_rate = 8000
        for packet in [*stream.encode(frame), *stream.encode(None)]:
            out.mux(packet)
    return d / "hotline.wav"


def _unknown_codec(d: Path) -> Built:
    data = encoded(d / "whole.mkv").read_bytes()
    assert data.count(b"V_MPEG4/ISO/ASP") == 1
    (d / "unknown-codec.mkv").write_bytes(data.replace(b"V_MPEG4/ISO/ASP", b"V_COUNTERWATCH0"))  # same length
    return d / "unknown-codec.mkv"


def _no_picture_size(d: Path) -> Built:
    data = muxed_garbage(d / "garbage.mkv", "h264").read_bytes()  # no SPS: the size is only in the header
    width, height = b"\xb0\x81\x40", b"\xba\x81\x40"  # Matroska PixelWidth / PixelHeight = 64
    assert data.count(width) == data.count(height) == 1
    (d / "no-size.mkv").write_bytes(data.replace(width, b"\xb0\x81\x00").replace(height, b"\xba\x81\x00"))
    return d / "no-size.mkv"


def _undecodable(d: Path) -> Built:
    return muxed_garbage(d / "undecodable.mkv", "mpeg4")  # every packet refused by the decoder


def _no_frames(d: Path) -> Built:
    return muxed_garbage(d / "silent.mkv", "h264")  # packets the decoder takes without a picture


def _reading_fails(d: Path) -> Built:
    return FailingReader(encoded(d / "whole.mkv").read_bytes())


def _cut_matroska(d: Path) -> Built:
    data = encoded(d / "whole.mkv").read_bytes()
    (d / "cut.mkv").write_bytes(data[: len(data) * 2 // 3])
    return d / "cut.mkv"


def _damaged_middle(d: Path) -> Built:
    clip = synth.write_clip(d / "still.mp4", synth.still_person_scenario(duration=20.0), seed=4, faststart=True)
    data = bytearray(clip.path.read_bytes())
    start = len(data) // 3
    data[start:start + 20_000] = np.random.default_rng(1).bytes(20_000)
    (d / "damaged.mp4").write_bytes(bytes(data))
    return d / "damaged.mp4"


def _missing(d: Path) -> Built:
    return d / "nope.mp4"


def _directory(d: Path) -> Built:
    (d / "folder.mp4").mkdir()
    return d / "folder.mp4"


# code -> builder of an input that analyse() refuses with that code
REFUSED: dict[str, Callable[[Path], Built]] = {
    "file_not_found": _missing,
    "not_a_regular_file": _directory,
    "empty_file": _zero_bytes,
    "incomplete_mp4": _truncated_mp4,
    "damaged_matroska": _damaged_matroska,
    "text_file": _text,
    "unknown_format": _random_bytes,
    "cannot_open": _closed_file_object,
    "no_streams": _header_only_mp4,
    "no_video_stream": _audio_only,
    "unsupported_codec": _unknown_codec,
    "no_picture_size": _no_picture_size,
    "no_frame_decoded": _undecodable,
    "no_frames": _no_frames,
}

# code -> builder of an input that analyse() reads in part, reporting that code
PARTIAL: dict[str, Callable[[Path], Built]] = {
    "reading_stopped": _reading_fails,
    "ends_early": _cut_matroska,
    "packets_skipped": _damaged_middle,
    "frames_damaged": _damaged_middle,
}

# what only a file object or a path outside the store gives: the ingest always reads a stored file
NOT_FROM_THE_STORE = frozenset({"file_not_found", "not_a_regular_file", "cannot_open", "reading_stopped"})


def build(code: str, directory: Path) -> Built:
    directory.mkdir(parents=True, exist_ok=True)
    return {**REFUSED, **PARTIAL}[code](directory)


def as_path(built: Built) -> Path:
    assert isinstance(built, (str, os.PathLike)), built
    return Path(built)
