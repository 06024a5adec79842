"""`analyze`: one decode pass over a clip -> events, activity, derivatives (pure).

Per decoded frame the cost is kept low: only a few frames per second are analysed, each as a
small grey frame taken straight from the decoder's luma plane (area-averaged by cv2) on a
worker thread beside the decoder; poster, sprite tiles and thumbnails are converted only at the
frames that need them; the H.264 proxy is encoded only when the source is not browser-playable.
"""

from __future__ import annotations

import os
import queue
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import av
import av.container
import av.error
import av.video.frame
import av.video.stream
import cv2
import numpy as np
import numpy.typing as npt
from av.video.reformatter import VideoReformatter

from media_ingest.vision.config import ANALYSIS_VERSION, AnalysisConfig
from media_ingest.vision.derivatives import (
    POSTER,
    Derivatives,
    OutputDir,
    PosterPicker,
    ProxyWriter,
    SpriteBuilder,
    ThumbnailCache,
    encode_jpeg,
    needs_proxy,
    scaled_size,
    write_jpeg,
)
from media_ingest.vision.detect import Gray, SceneAnalyzer
from media_ingest.vision.errors import DAMAGE, VisionError, VisionIssue
from media_ingest.vision.events import Event, activity_series, build_events
from media_ingest.vision.probe import ProbeInfo, Source, _probe_open, _source_size, open_video
from media_ingest.vision.zones import Zone, zones_or_default

Progress = Callable[[float], None]

# 8-bit formats whose first plane is the luma (Y) plane at full size
_LUMA_FIRST = frozenset(
    {
        "yuv420p", "yuvj420p", "yuv422p", "yuvj422p", "yuv444p", "yuvj444p", "yuv440p",
        "yuvj440p", "yuv411p", "yuv410p", "nv12", "nv21", "nv16", "gray",
    }
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class AnalysisResult:
    """What `analyze` found. Times in seconds from the start of the file."""

    file: ProbeInfo
    duration: float  # seconds covered by the analysis (probe duration unless cut short)
    events: list[Event]
    activity: list[float]  # one value per second, len == ceil(duration)
    issues: list[VisionIssue]  # what the pass met and went on (codes in vision.errors.MESSAGES)
    partial: bool  # True when part of the file could not be read (an issue of vision.errors.DAMAGE)
    frames_decoded: int
    frames_analysed: int
    zones: list[Zone]
    derivatives: Derivatives | None = None
    background: npt.NDArray[np.uint8] | None = field(default=None, repr=False)
    analysis_version: str = ANALYSIS_VERSION
    # seconds spent per stage: demux, decode, analysis (on its own thread, beside the decoder),
    # derivatives (poster, sprite, thumbnails, proxy); and whether non-reference frames were skipped
    stage_seconds: dict[str, float] = field(default_factory=dict)
    skipped_nonref: bool = False
    # video packets read from the file: every frame, decoded or (non-reference, skipped) not
    frames_read: int = 0

    @property
    def warnings(self) -> list[str]:
        """The issues as English lines (the CLI's document; words from vision.errors.MESSAGES)."""
        return [issue.message("en") for issue in self.issues]

    def to_dict(self) -> dict[str, object]:
        """JSON-ready: {"file", "events", "activity", "warnings"} (the CLI adds sha256)."""
        file = self.file.to_dict()
        file["analyzed_duration"] = self.duration
        file["analysis_version"] = self.analysis_version
        return {
            "file": file,
            "events": [e.to_dict() for e in self.events],
            "activity": self.activity,
            "warnings": list(self.warnings),
        }


def analyze(
    path: Source,
    zones: Sequence[Zone] | object | None = None,
    config: AnalysisConfig | None = None,
    outputs: OutputDir | str | os.PathLike[str] | None = None,
    progress: Progress | None = None,
    *,
    background: npt.NDArray[np.uint8] | None = None,
) -> AnalysisResult:
    """Analyse one clip in a single decode pass.

    zones: Zone objects or a zones document (see `validate_zones`); None -> whole frame `scene`.
    outputs: directory for derivatives (poster, sprite + VTT, event thumbnails, proxy when the
    source is not H.264); None -> no files written.
    progress: called with a fraction 0..1 as decoding advances (and 1.0 at the end).
    background: the `result.background` of the previous clip of the same camera, so people
    already there when this clip starts are seen (optional).
    Raises VisionError (one-line reason) when the file cannot be analysed at all; a file that is
    truncated or damaged in the middle gives what could be read, `partial` and a warning.
    Raises ValueError for invalid zones.
    """
    cfg = config or AnalysisConfig()
    zone_list = zones_or_default(zones)
    out = None if outputs is None else outputs if isinstance(outputs, OutputDir) else OutputDir(Path(outputs))
    size = _source_size(path)

    with open_video(path) as (container, stream):
        info = _probe_open(container, stream, size)
        if info.width <= 0 or info.height <= 0:
            raise VisionError("no_picture_size")
        stream.thread_type = "AUTO"
        run = _Pass(cfg, zone_list, info, out, progress, background)
        if run.fast_decode:
            # The analysis looks at `analysis_fps` frames a second; a source with at least twice
            # that rate keeps enough frames when the decoder skips the non-reference ones (no
            # other frame is predicted from them), and the small grey analysis picture and the
            # downscaled derivatives do not need the deblocking (loop) filter. `_frame` turns the
            # skipping off again if the frames left come further apart than the analysis period.
            stream.codec_context.options = {"skip_loop_filter": "all"}
            stream.codec_context.skip_frame = "NONREF"
        # the frames cv2 sees are tiny: its worker threads would only compete with the decoder's
        cv2_threads = cv2.getNumThreads()
        cv2.setNumThreads(1)
        try:
            run.decode(container, stream)
        except BaseException:
            run.abort()
            raise
        finally:
            cv2.setNumThreads(cv2_threads)
        return run.finish()


class _Pass:
    """State of one decode pass (kept out of `analyze` to keep the loop readable)."""

    def __init__(
        self,
        cfg: AnalysisConfig,
        zones: list[Zone],
        info: ProbeInfo,
        out: OutputDir | None,
        progress: Progress | None,
        background: npt.NDArray[np.uint8] | None,
    ) -> None:
        self.cfg, self.zones, self.info, self.out, self.progress = cfg, zones, info, out, progress
        self.fps = info.fps if info.fps > 0 else 25.0
        self.aw, self.ah = scaled_size(info.width, info.height, cfg.analysis_width, even=False)
        self.period = max(1.0 / cfg.analysis_fps, 1.0 / self.fps)
        self.analyzer = SceneAnalyzer(cfg, zones, self.aw, self.ah, self.period, background)
        self.issues: list[VisionIssue] = []
        if background is not None and not self.analyzer.seeded:
            self.issues.append(VisionIssue("background_unused"))
        self.start = info.start_time
        self.frames = 0
        self.packets_read = 0
        self.analysed = 0
        self.last_t = -1.0
        self.next_sample = 0.0
        self.decode_errors: list[float] = []
        self.corrupt_frames: list[float] = []
        self.read_error: str | None = None
        self.damaged = False
        self.row_step: int | None = None
        # frames to analyse, in order, for the analysis thread (bounded: memory stays flat)
        self._samples: queue.Queue[tuple[av.video.frame.VideoFrame, float] | None] = queue.Queue(maxsize=24)
        self._worker_error: BaseException | None = None
        self._gray: VideoReformatter | None = None
        self._progress_at = -1.0
        self._progress_wall = 0.0
        self.stage = {"demux": 0.0, "decode": 0.0, "analysis": 0.0, "derivatives": 0.0}
        self.fast_decode = cfg.skip_nonref_frames and self.fps >= 2 * cfg.analysis_fps and not (
            out is not None and needs_proxy(info.codec, info.pix_fmt))  # a proxy needs every frame
        self.skipping = self.fast_decode
        self._codec: av.codec.context.CodecContext | None = None

        self.thumbs: ThumbnailCache | None = None
        self.sprite: SpriteBuilder | None = None
        self.poster: PosterPicker | None = None
        self.proxy: ProxyWriter | None = None
        if out is not None:
            tw, th = scaled_size(info.width, info.height, cfg.thumbnail_width)
            self.thumbs = ThumbnailCache(tw, th, cfg.jpeg_quality)
            self.sprite = SpriteBuilder(cfg, info.duration, info.width, info.height)
            poster_at = min(cfg.poster_at_s, info.duration / 2) if info.duration > 0 else 0.0
            self.poster = PosterPicker(
                poster_at, scaled_size(info.width, info.height, cfg.poster_width), cfg.jpeg_quality
            )
            if needs_proxy(info.codec, info.pix_fmt):
                self.proxy = ProxyWriter(out.file("proxy.mp4"), info.width, info.height, self.fps, cfg)

    # --------------------------------------------------------------------------------------
    def decode(self, container: av.container.InputContainer, stream: av.video.stream.VideoStream) -> None:
        """Demux and decode every packet; analysis runs beside it on a worker thread (cv2,
        numpy and the decoder release the GIL, so the analysis uses the CPU time the
        decoder's own threads leave idle)."""
        worker = threading.Thread(target=self._analysis_worker, name="vision-analysis", daemon=True)
        worker.start()
        try:
            self._demux_decode(container, stream)
        finally:
            self._samples.put(None)
            worker.join()
        if self._worker_error is not None:
            raise self._worker_error

    def _demux_decode(self, container: av.container.InputContainer, stream: av.video.stream.VideoStream) -> None:
        packets = container.demux(stream)
        self._codec = stream.codec_context
        clock, stage = time.perf_counter, self.stage
        while True:
            t0 = clock()
            try:
                packet = next(packets)
            except StopIteration:
                break
            except av.error.FFmpegError as exc:
                self.read_error = _short_error(exc)
                break
            if packet.size:
                self.packets_read += 1
            t1 = clock()
            try:
                frames = packet.decode()
            except av.error.FFmpegError:
                self.decode_errors.append(self._packet_time(packet, stream))
                self.damaged = True  # frames until the next key frame may be garbage
                continue
            finally:
                t2 = clock()
                stage["demux"] += t1 - t0
                stage["decode"] += t2 - t1
            for frame in frames:
                self._frame(frame)
            if self._worker_error is not None:
                return
        if self.read_error is not None:
            try:  # frames still inside the decoder
                for frame in stream.codec_context.decode(None):
                    self._frame(frame)
            except av.error.FFmpegError:
                pass

    def _analysis_worker(self) -> None:
        """Runs the per-frame analysis in order; after an error it only drains the queue."""
        while True:
            item = self._samples.get()
            if item is None:
                return
            if self._worker_error is not None:
                continue
            frame, t = item
            try:
                t0 = time.perf_counter()
                result = self.analyzer.update(self._small_gray(frame), t)
                self.analysed += 1
                t1 = time.perf_counter()
                self.stage["analysis"] += t1 - t0
                if result.changed and self.thumbs is not None:
                    self.thumbs.capture(frame, t)
                    self.stage["derivatives"] += time.perf_counter() - t1
            except BaseException as exc:  # noqa: BLE001  # handed to the decoding thread, raised there
                self._worker_error = exc

    def _packet_time(self, packet: av.Packet, stream: av.video.stream.VideoStream) -> float:
        if packet.pts is not None and stream.time_base:
            return max(0.0, float(packet.pts * stream.time_base) - self.start)
        return max(self.last_t, 0.0)

    def _frame(self, frame: av.video.frame.VideoFrame) -> None:
        ft = frame.time
        t = (ft - self.start) if ft is not None else self.frames / self.fps
        if t < self.last_t:  # damaged or out-of-order timestamps: keep time monotonic
            t = self.last_t
        t = max(t, 0.0)
        if self.skipping and self.frames and t - self.last_t > self.period + 1e-3:
            # the frames left after skipping come further apart than the analysis period: decode all
            self.skipping = False
            if self._codec is not None:
                self._codec.skip_frame = "DEFAULT"
        self.last_t = t
        self.frames += 1
        if self.damaged and frame.key_frame:
            self.damaged = False
        if self.damaged or frame.is_corrupt:
            # damaged picture: counted, but neither analysed nor copied into derivatives
            self.corrupt_frames.append(t)
            return
        if self.out is not None:
            t0 = time.perf_counter()
            if self.proxy is not None:
                self.proxy.write(frame, t)
            if self.sprite is not None and self.sprite.due(t):
                self.sprite.add(frame, t)
            if self.poster is not None and self.poster.due(t):
                self.poster.take(frame, t)
            self.stage["derivatives"] += time.perf_counter() - t0
        if t >= self.next_sample - 1e-6:
            self.next_sample += self.period
            if self.next_sample <= t:
                self.next_sample = t + self.period
            self._samples.put((frame, t))
        if self.progress is not None and self.info.duration > 0:
            fraction = min(t / self.info.duration, 0.999)
            now = time.monotonic()
            if fraction - self._progress_at >= 0.01 or now - self._progress_wall >= 1.0:
                self._progress_at, self._progress_wall = fraction, now
                self.progress(fraction)

    def _small_gray(self, frame: av.video.frame.VideoFrame) -> Gray:
        if frame.format.name in _LUMA_FIRST:
            plane = frame.planes[0]
            height, width = frame.height, frame.width
            luma = np.frombuffer(memoryview(plane), np.uint8, count=plane.line_size * height).reshape(
                height, plane.line_size
            )[:, :width]
            if self.row_step is None:
                # read only about one source row per output row and area-average along it: a
                # fraction of the memory traffic of a full-frame resize; the camera is fixed,
                # so the same rows are read every time and nothing flickers
                self.row_step = max(1, height // self.ah)
            return cv2.resize(luma[:: self.row_step], (self.aw, self.ah), interpolation=cv2.INTER_AREA)
        if self._gray is None:
            self._gray = VideoReformatter()
        return self._gray.reformat(
            frame, width=self.aw, height=self.ah, format="gray", interpolation="AREA"
        ).to_ndarray()

    # --------------------------------------------------------------------------------------
    def abort(self) -> None:
        if self.proxy is not None:
            self.proxy.abort()

    # Long on purpose: the end of the one decode pass: every result field assembled from the pass's state.
    def finish(self) -> AnalysisResult:
        info, cfg = self.info, self.cfg
        if self.frames == 0:
            self.abort()
            if self.decode_errors or self.read_error:
                raise VisionError("no_frame_decoded")
            raise VisionError("no_frames")

        extent = self.last_t + 1.0 / self.fps
        issues = self.issues
        if self.read_error is not None:
            issues.append(VisionIssue("reading_stopped", {"at": round(self.last_t, 1), "detail": self.read_error}))
        if self.decode_errors:
            issues.append(VisionIssue("packets_skipped", {"count": len(self.decode_errors),
                                                          "start": round(min(self.decode_errors), 1),
                                                          "end": round(max(self.decode_errors), 1)}))
        if self.corrupt_frames:
            issues.append(VisionIssue("frames_damaged", {"count": len(self.corrupt_frames),
                                                         "start": round(min(self.corrupt_frames), 1),
                                                         "end": round(max(self.corrupt_frames), 1)}))
        tolerance = max(1.0, 3.0 / self.fps)
        if info.duration > 0 and extent < info.duration - tolerance:
            issues.append(VisionIssue("ends_early", {"decoded": round(extent, 1),
                                                     "duration": round(float(info.duration), 1)}))
            duration = extent
        elif info.duration > 0:
            duration = info.duration
        else:
            duration = extent
        duration = round(duration, 3)

        log = self.analyzer.log
        events = build_events(log, cfg, duration, zone_names=[z.name for z in self.zones])
        events = [
            e if e.end <= duration else Event(e.kind, e.zone, e.start, round(duration, 1), e.score, e.detail)
            for e in events
        ]
        activity = activity_series(log, duration)

        derivatives = None
        if self.out is not None:
            t0 = time.perf_counter()
            events, derivatives = self._write_derivatives(events, duration)
            self.stage["derivatives"] += time.perf_counter() - t0
        if self.progress is not None:
            self.progress(1.0)
        return AnalysisResult(
            file=info,
            duration=duration,
            events=events,
            activity=activity,
            issues=issues,
            partial=any(i.code in DAMAGE for i in issues),
            frames_decoded=self.frames,
            frames_analysed=self.analysed,
            zones=self.zones,
            derivatives=derivatives,
            background=self.analyzer.background(),
            stage_seconds={k: round(v, 4) for k, v in self.stage.items()},
            skipped_nonref=self.fast_decode,
            frames_read=self.packets_read,
        )

    def _write_derivatives(self, events: list[Event], duration: float) -> tuple[list[Event], Derivatives]:
        assert self.out is not None and self.thumbs is not None and self.sprite is not None
        assert self.poster is not None
        out, cfg = self.out, self.cfg
        poster = write_jpeg(out, POSTER, self.poster.jpeg) if self.poster.jpeg else None
        sprite = self.sprite.write(out, duration)
        named: list[Event] = []
        thumbs: list[str] = []
        for index, event in enumerate(events, start=1):
            data = self.thumbs.nearest(event.start, tolerance=1.0)
            if data is None:
                tile = self.sprite.tile_at(event.start)
                data = encode_jpeg(tile, cfg.jpeg_quality) if tile is not None else self.poster.jpeg
            name = None
            if data is not None:
                name = write_jpeg(out, OutputDir.thumbnail_name(index), data)
                thumbs.append(name)
            named.append(event.with_thumbnail(name))
        proxy = None
        if self.proxy is not None:
            proxy = "proxy.mp4" if self.proxy.close() else None
        return named, Derivatives(
            poster=poster,
            sprite=sprite[0] if sprite else None,
            sprite_vtt=sprite[1] if sprite else None,
            proxy=proxy,
            thumbnails=tuple(thumbs),
        )


def _short_error(exc: Exception) -> str:
    text = getattr(exc, "strerror", None) or str(exc)
    return " ".join(str(text).split())[:120]
