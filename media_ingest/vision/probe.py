"""Container/stream facts and a streaming SHA-256 (pure: av + stdlib)."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Union

import av
import av.container
import av.error
import av.video.stream

from media_ingest.vision.errors import VisionError

if TYPE_CHECKING:
    from _typeshed import SupportsRead

Source = Union[str, "os.PathLike[str]", IO[bytes]]

CHUNK_SIZE = 1 << 20


@dataclass(frozen=True, slots=True)
class ProbeInfo:
    """What the container says about its first video stream (durations in seconds)."""

    duration: float
    fps: float
    width: int
    height: int
    codec: str
    pix_fmt: str | None
    frame_count: int  # from the container when it knows, else duration x fps
    container: str
    bit_rate: int | None
    size: int | None  # bytes, when the source size is known
    start_time: float  # container start time; event times are relative to it

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def sha256_stream(fileobj: SupportsRead[bytes], chunk_size: int = CHUNK_SIZE) -> str:
    """Hex SHA-256 of everything left to read in `fileobj`, read in chunks (never whole)."""
    digest = hashlib.sha256()
    while True:
        chunk = fileobj.read(chunk_size)
        if not chunk:
            break
        digest.update(chunk)
    return digest.hexdigest()


def sha256_file(path: str | os.PathLike[str]) -> tuple[str, int]:
    """(hex SHA-256, size in bytes) of a local file, streamed."""
    with open(path, "rb") as fh:
        digest = sha256_stream(fh)
        return digest, fh.tell()


def probe(source: Source) -> ProbeInfo:
    """Facts about a video file (a path or a readable, seekable binary file object).

    Raises VisionError (a code, its parameters and a one-line reason) when it is not a readable video.
    """
    with open_video(source) as (container, stream):
        return _probe_open(container, stream, _source_size(source))


@contextmanager
def open_video(
    source: Source,
) -> Iterator[tuple[av.container.InputContainer, av.video.stream.VideoStream]]:
    """Open `source` and yield (container, first video stream); VisionError when impossible."""
    size = _source_size(source)
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if not path.exists():
            raise VisionError("file_not_found")
        if not path.is_file():
            raise VisionError("not_a_regular_file")
    if size == 0:
        raise VisionError("empty_file")
    try:
        container = av.open(
            source if not isinstance(source, os.PathLike) else os.fspath(source),
            mode="r",
            metadata_errors="ignore",
        )
    except av.error.FFmpegError as exc:
        raise _diagnose_open_failure(source, exc) from None
    except (OSError, ValueError) as exc:
        raise VisionError("cannot_open", {"detail": str(exc)}) from None
    try:
        if not container.streams.video:
            kinds = sorted({str(s.type) for s in container.streams})
            if not kinds:
                raise VisionError("no_streams")
            raise VisionError("no_video_stream", {"streams": kinds})
        stream = container.streams.video[0]
        if stream.codec_context is None:
            raise VisionError("unsupported_codec")
        yield container, stream
    finally:
        container.close()


def _probe_open(
    container: av.container.InputContainer,
    stream: av.video.stream.VideoStream,
    size: int | None,
) -> ProbeInfo:
    ctx = stream.codec_context
    rate = stream.average_rate or stream.guessed_rate or stream.base_rate
    fps = float(rate) if rate else 0.0
    if not (0.0 < fps < 1000.0):
        fps = 0.0
    duration = 0.0
    if container.duration:
        duration = container.duration / av.time_base
    elif stream.duration and stream.time_base:
        duration = float(stream.duration * stream.time_base)
    frames = int(stream.frames or 0)
    if frames <= 0 and duration > 0 and fps > 0:
        frames = round(duration * fps)
    start = container.start_time / av.time_base if container.start_time else 0.0
    return ProbeInfo(
        duration=round(max(duration, 0.0), 3),
        fps=round(fps, 3),
        width=int(ctx.width or stream.width or 0),
        height=int(ctx.height or stream.height or 0),
        codec=ctx.name,
        pix_fmt=ctx.pix_fmt,
        frame_count=frames,
        container=container.format.name,
        bit_rate=int(container.bit_rate) if container.bit_rate else None,
        size=size,
        start_time=round(start, 6),
    )


def _source_size(source: Source) -> int | None:
    if isinstance(source, (str, os.PathLike)):
        try:
            return os.stat(source).st_size
        except OSError:
            return None
    try:
        if not source.seekable():
            return None
        here = source.tell()
        end = source.seek(0, os.SEEK_END)
        source.seek(here)
        return int(end)
    except (OSError, AttributeError, ValueError):
        return None


def _read_head(source: Source, n: int = 4096) -> bytes:
    try:
        if isinstance(source, (str, os.PathLike)):
            with open(source, "rb") as fh:
                return fh.read(n)
        here = source.tell()
        source.seek(0)
        head = source.read(n)
        source.seek(here)
        return head
    except (OSError, AttributeError, ValueError):
        return b""


def _diagnose_open_failure(source: Source, exc: Exception) -> VisionError:
    """Why FFmpeg could not open `source`, from its first bytes."""
    head = _read_head(source)
    if not head:
        return VisionError("empty_file")
    if head[4:8] == b"ftyp":
        return VisionError("incomplete_mp4")
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return VisionError("damaged_matroska")
    if _looks_like_text(head):
        return VisionError("text_file")
    errno = getattr(exc, "errno", None)
    if isinstance(exc, av.error.InvalidDataError) or errno is not None:
        return VisionError("unknown_format")
    return VisionError("cannot_open", {"detail": str(exc)})


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        # a multi-byte character may be cut at the end of the sample
        try:
            head[:-4].decode("utf-8")
        except UnicodeDecodeError:
            return False
    return True
