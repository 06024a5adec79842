"""Poster, event thumbnails, sprite + WebVTT, and the H.264 proxy (only when needed)."""

from __future__ import annotations

import re
from pathlib import Path

import av
import cv2
import numpy as np

from media_ingest.vision import analyze, needs_proxy, probe

from .conftest import Analysed

CUE_TIME = re.compile(r"^(\d{2}):(\d{2}):(\d{2})\.(\d{3}) --> (\d{2}):(\d{2}):(\d{2})\.(\d{3})$")
CUE_REF = re.compile(r"^sprite\.jpg#xywh=(\d+),(\d+),(\d+),(\d+)$")


def _jpeg(path: Path) -> np.ndarray:
    data = path.read_bytes()
    assert data[:3] == b"\xff\xd8\xff", f"{path.name} is not a JPEG"
    img = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    assert img is not None
    return img


def _seconds(h: str, m: str, s: str, ms: str) -> float:
    return int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000


def _top_level_boxes(path: Path) -> list[str]:
    boxes, offset, data = [], 0, path.read_bytes()
    while offset + 8 <= len(data):
        size = int.from_bytes(data[offset : offset + 4], "big")
        boxes.append(data[offset + 4 : offset + 8].decode("latin-1"))
        if size == 1:
            size = int.from_bytes(data[offset + 8 : offset + 16], "big")
        if size < 8:
            break
        offset += size
    return boxes


def test_poster_and_one_thumbnail_per_event(h264_counter: Analysed) -> None:
    result, out = h264_counter.result, h264_counter.outputs
    d = result.derivatives
    assert d is not None and d.poster == "poster.jpg"
    poster = _jpeg(out / d.poster)
    assert poster.shape[:2] == (180, 320)  # never upscaled
    names = [e.thumbnail for e in result.events]
    assert all(names) and len(set(names)) == len(names) == len(d.thumbnails)
    for name in names:
        assert _jpeg(out / str(name)).shape[:2] == (180, 320)


def test_thumbnail_is_taken_at_the_event_start(h264_counter: Analysed) -> None:
    out = h264_counter.outputs
    by_kind = {(e.kind, e.detail): e for e in h264_counter.result.events}
    covered = _jpeg(out / str(by_kind[("tamper", "covered")].thumbnail))
    assert covered.mean() < 30  # the lens is covered at that moment
    citizen = next(e for e in h264_counter.result.events if e.kind == "presence" and e.zone == "citizen")
    picture = _jpeg(out / str(citizen.thumbnail)).astype(np.int16)
    poster = _jpeg(out / "poster.jpg").astype(np.int16)  # at 2 s: no citizen yet
    right = np.s_[60:170, 210:265]  # where the citizen stands
    assert np.abs(picture[right] - poster[right]).mean() > 20


def test_sprite_vtt_is_well_formed(h264_counter: Analysed) -> None:
    d, out = h264_counter.result.derivatives, h264_counter.outputs
    assert d is not None and d.sprite == "sprite.jpg" and d.sprite_vtt == "sprite.vtt"
    sheet = _jpeg(out / d.sprite)
    lines = (out / d.sprite_vtt).read_text(encoding="utf-8").split("\n")
    assert lines[0] == "WEBVTT" and lines[1] == ""
    cues = [lines[i : i + 3] for i in range(2, len(lines) - 1, 3)]
    assert len(cues) == 16  # 76 s, one tile every 5 s
    previous_end, rects = 0.0, set()
    for timing, ref, blank in cues:
        t = CUE_TIME.match(timing)
        r = CUE_REF.match(ref)
        assert t and r and blank == "", (timing, ref, blank)
        start, end = _seconds(*t.groups()[:4]), _seconds(*t.groups()[4:])
        assert start == previous_end and end > start
        previous_end = end
        x, y, w, h = map(int, r.groups())
        assert (w, h) == (160, 90)
        assert x + w <= sheet.shape[1] and y + h <= sheet.shape[0]
        rects.add((x, y))
    assert previous_end == 76.0
    assert len(rects) == len(cues)  # every cue has its own tile


def test_no_proxy_for_h264_source(h264_counter: Analysed) -> None:
    d = h264_counter.result.derivatives
    assert d is not None and d.proxy is None
    assert not (h264_counter.outputs / "proxy.mp4").exists()
    assert not needs_proxy("h264", "yuv420p")


def test_proxy_for_mpeg4_source_is_playable_h264_faststart(mpeg4_counter: Analysed) -> None:
    source = probe(mpeg4_counter.clip.path)
    assert source.codec == "mpeg4" and needs_proxy(source.codec, source.pix_fmt)
    d = mpeg4_counter.result.derivatives
    assert d is not None and d.proxy == "proxy.mp4"
    path = mpeg4_counter.outputs / d.proxy
    info = probe(path)
    assert info.codec == "h264" and info.pix_fmt == "yuv420p"
    assert (info.width, info.height) == (320, 180)
    assert abs(info.duration - source.duration) <= 0.2
    boxes = _top_level_boxes(path)
    assert boxes.index("moov") < boxes.index("mdat"), boxes  # faststart: index first
    with av.open(str(path)) as container:
        assert container.streams.video[0].codec_context.profile in {"High", "Main", "Constrained Baseline"}
    with av.open(str(path)) as container:
        frames = sum(1 for _ in container.decode(video=0))
    assert frames == source.frame_count == 760
    # encoder left free to choose frame types: a few hundred bytes a frame, not a stream of I-frames
    assert path.stat().st_size < 1_000 * frames
    assert not list(mpeg4_counter.outputs.glob("*.part"))


def test_no_outputs_means_no_files(h264_counter: Analysed, tmp_path: Path) -> None:
    result = analyze(h264_counter.clip.path, zones=h264_counter.clip.zones)
    assert result.derivatives is None
    assert all(e.thumbnail is None for e in result.events)
