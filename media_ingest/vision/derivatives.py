"""Files derived from a clip during its one decode pass (pure: av + cv2 + numpy).

The caller gives a local directory (`OutputDir`); the Django worker uploads what is written
there to the object store next to the clip. Names are fixed, relative to that directory:
poster.jpg, sprite.jpg + sprite.vtt, thumb-0001.jpg... (one per event), proxy.mp4.
"""

from __future__ import annotations

import math
import os
from bisect import bisect_left
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any, TypeAlias

import av
import av.container
import av.error
import av.video.frame
import cv2
import numpy as np
import numpy.typing as npt
from av.video.reformatter import VideoReformatter

from media_ingest.vision.config import AnalysisConfig

POSTER = "poster.jpg"
SPRITE = "sprite.jpg"
SPRITE_VTT = "sprite.vtt"
PROXY = "proxy.mp4"
BROWSER_CODECS = frozenset({"h264"})
BROWSER_PIX_FMTS = frozenset({"yuv420p", "yuvj420p"})

Image: TypeAlias = npt.NDArray[Any]  # H x W x 3 uint8 BGR (loose: see detect.Gray)


@dataclass(frozen=True, slots=True)
class OutputDir:
    """A local directory where derivatives are written (created if missing)."""

    path: Path

    def __post_init__(self) -> None:
        object.__setattr__(self, "path", Path(self.path))
        self.path.mkdir(parents=True, exist_ok=True)

    def file(self, name: str) -> Path:
        return self.path / name

    @staticmethod
    def thumbnail_name(index: int) -> str:
        return f"thumb-{index:04d}.jpg"


@dataclass(frozen=True, slots=True)
class Derivatives:
    """Names (relative to the OutputDir) of what was written; None when not produced."""

    poster: str | None = None
    sprite: str | None = None
    sprite_vtt: str | None = None
    proxy: str | None = None
    thumbnails: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {
            "poster": self.poster,
            "sprite": self.sprite,
            "sprite_vtt": self.sprite_vtt,
            "proxy": self.proxy,
            "thumbnails": list(self.thumbnails),
        }


def needs_proxy(codec: str, pix_fmt: str | None) -> bool:
    """A browser plays H.264 4:2:0 8-bit directly; anything else gets an H.264 proxy."""
    return codec not in BROWSER_CODECS or (pix_fmt is not None and pix_fmt not in BROWSER_PIX_FMTS)


def scaled_size(src_w: int, src_h: int, width: int, *, even: bool = True) -> tuple[int, int]:
    """(w, h) with w = min(width, src_w), aspect kept, never upscaled."""
    w = max(2, min(width, src_w))
    h = max(2, round(w * src_h / max(src_w, 1)))
    if even:
        w -= w % 2
        h -= h % 2
    return w, max(h, 2)


def encode_jpeg(img: Image, quality: int) -> bytes:
    ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise RuntimeError("JPEG encoding failed")
    return buf.tobytes()


class Scaler:
    """Frame -> BGR image of a fixed size. Keeps its own swscale context: building one costs
    more than the conversion itself, and a shared one would be rebuilt at every size change."""

    def __init__(self, width: int, height: int) -> None:
        self.size = (width, height)
        self._reformatter = VideoReformatter()

    def __call__(self, frame: av.video.frame.VideoFrame) -> Image:
        w, h = self.size
        out = self._reformatter.reformat(frame, width=w, height=h, format="bgr24", interpolation="AREA")
        return out.to_ndarray()


def _write_bytes(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(data)
    os.replace(tmp, path)


class ThumbnailCache:
    """JPEG thumbnails taken at likely event starts; memory bounded by thinning."""

    def __init__(self, width: int, height: int, quality: int, max_items: int = 1500) -> None:
        self.scale = Scaler(width, height)
        self.quality = quality
        self.max_items = max_items
        self.min_spacing = 0.5
        self.times: list[float] = []
        self.jpegs: list[bytes] = []

    def capture(self, frame: av.video.frame.VideoFrame, t: float, *, force: bool = False) -> None:
        if not force and self.times and t - self.times[-1] < self.min_spacing:
            return
        self.times.append(t)
        self.jpegs.append(encode_jpeg(self.scale(frame), self.quality))
        if len(self.times) > self.max_items:
            keep = [0, *range(1, len(self.times), 2)]
            self.times = [self.times[i] for i in keep]
            self.jpegs = [self.jpegs[i] for i in keep]
            self.min_spacing *= 2

    def nearest(self, t: float, tolerance: float) -> bytes | None:
        if not self.times:
            return None
        i = bisect_left(self.times, t)
        best = min((j for j in (i - 1, i) if 0 <= j < len(self.times)), key=lambda j: abs(self.times[j] - t))
        return self.jpegs[best] if abs(self.times[best] - t) <= tolerance else None


class SpriteBuilder:
    """One tile every `interval` seconds, assembled into one sheet + WebVTT at the end."""

    def __init__(self, config: AnalysisConfig, duration: float, src_w: int, src_h: int) -> None:
        self.config = config
        interval = config.sprite_interval_s
        if duration > 0:
            interval = max(interval, duration / config.sprite_max_tiles)
        self.interval = interval
        self.tile = scaled_size(src_w, src_h, config.sprite_tile_width)
        self.scale = Scaler(*self.tile)
        self.tiles: list[Image] = []
        self.next_t = 0.0

    def due(self, t: float) -> bool:
        return t >= self.next_t - 1e-6

    def add(self, frame: av.video.frame.VideoFrame, t: float) -> None:
        img = self.scale(frame)
        while self.due(t):  # a gap in the video repeats the last picture, keeping cues aligned
            self.tiles.append(img)
            self.next_t = len(self.tiles) * self.interval
        if len(self.tiles) > self.config.sprite_max_tiles:  # duration was underestimated
            self.tiles = self.tiles[::2]
            self.interval *= 2
            self.next_t = len(self.tiles) * self.interval

    def tile_at(self, t: float) -> Image | None:
        if not self.tiles:
            return None
        return self.tiles[min(len(self.tiles) - 1, int(t // self.interval))]

    def write(self, out: OutputDir, duration: float) -> tuple[str, str] | None:
        if not self.tiles:
            return None
        tw, th = self.tile
        count = len(self.tiles)
        # drop tiles that start after the end (possible when the duration was overestimated)
        usable = max(1, min(count, math.ceil(max(duration, 1e-6) / self.interval)))
        cols = min(self.config.sprite_columns, usable)
        rows = math.ceil(usable / cols)
        sheet = np.zeros((rows * th, cols * tw, 3), np.uint8)
        lines = ["WEBVTT", ""]
        for i in range(usable):
            r, c = divmod(i, cols)
            sheet[r * th : (r + 1) * th, c * tw : (c + 1) * tw] = self.tiles[i]
            start = i * self.interval
            end = duration if i == usable - 1 else (i + 1) * self.interval
            end = max(end, start + 0.001)
            lines.append(f"{_vtt_time(start)} --> {_vtt_time(end)}")
            lines.append(f"{SPRITE}#xywh={c * tw},{r * th},{tw},{th}")
            lines.append("")
        _write_bytes(out.file(SPRITE), encode_jpeg(sheet, self.config.jpeg_quality))
        _write_bytes(out.file(SPRITE_VTT), "\n".join(lines).encode("utf-8"))
        return SPRITE, SPRITE_VTT


def _vtt_time(seconds: float) -> str:
    ms = int(round(seconds * 1000))
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


@dataclass
class PosterPicker:
    """Keeps the first frame, replaced by the one at the poster time when it is reached."""

    at: float
    size: tuple[int, int]
    quality: int
    jpeg: bytes | None = None
    final: bool = False

    def __post_init__(self) -> None:
        self.scale = Scaler(*self.size)

    def due(self, t: float) -> bool:
        return not self.final and (self.jpeg is None or t >= self.at)

    def take(self, frame: av.video.frame.VideoFrame, t: float) -> None:
        self.jpeg = encode_jpeg(self.scale(frame), self.quality)
        self.final = t >= self.at


@dataclass
class ProxyWriter:
    """Browser-playable H.264 (yuv420p, faststart) MP4 written frame by frame."""

    path: Path
    src_w: int
    src_h: int
    fps: float
    config: AnalysisConfig
    frames: int = 0
    _last_pts: int = -1
    _out: av.container.OutputContainer | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.width, self.height = scaled_size(self.src_w, self.src_h, self.config.proxy_max_width)
        fps = self.fps if 0 < self.fps <= 240 else 25.0
        self.rate = Fraction(fps).limit_denominator(1001)
        self._tmp = self.path.with_name(self.path.name + ".part")
        out = av.open(str(self._tmp), mode="w", format="mp4", options={"movflags": "faststart"})
        stream = out.add_stream("libx264", rate=self.rate)
        stream.width = self.width
        stream.height = self.height
        stream.pix_fmt = "yuv420p"
        stream.time_base = 1 / self.rate
        stream.options = {
            "crf": str(self.config.proxy_crf),
            "preset": self.config.proxy_preset,
        }
        self._stream = stream
        self._out = out
        self._reformatter = VideoReformatter()

    def write(self, frame: av.video.frame.VideoFrame, t: float) -> None:
        assert self._out is not None
        out_frame = self._reformatter.reformat(
            frame, width=self.width, height=self.height, format="yuv420p", interpolation="AREA"
        )
        pts = max(self._last_pts + 1, round(t * self.rate))
        self._last_pts = pts
        out_frame.pts = pts
        out_frame.time_base = 1 / self.rate
        out_frame.pict_type = av.video.frame.PictureType.NONE  # let x264 decide, or it balloons
        for packet in self._stream.encode(out_frame):
            self._out.mux(packet)
        self.frames += 1

    def close(self) -> bool:
        """Flush and finish; True when a playable file with frames was written."""
        if self._out is None:
            return False
        out, self._out = self._out, None
        try:
            for packet in self._stream.encode(None):
                out.mux(packet)
        finally:
            out.close()
        if self.frames == 0:
            self._tmp.unlink(missing_ok=True)
            return False
        os.replace(self._tmp, self.path)
        return True

    def abort(self) -> None:
        if self._out is not None:
            out, self._out = self._out, None
            try:
                out.close()
            except av.error.FFmpegError:
                pass
        self._tmp.unlink(missing_ok=True)


def write_jpeg(out: OutputDir, name: str, data: bytes) -> str:
    _write_bytes(out.file(name), data)
    return name
