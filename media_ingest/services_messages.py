"""What goes out about a clip: its message and topics, the broadcast, and the human (Vietnamese and
English) reason of a failure."""
from __future__ import annotations

import re
from typing import Any

from backend.core.events import broadcast_on_commit
from media_ingest.models import Clip


def clip_message(clip: Clip) -> dict[str, Any]:
    """The `clip` part of websocket messages (ids and plain values only)."""
    camera = clip.camera
    return {
        "id": clip.pk,
        "key": clip.key,
        "camera": camera.code if camera else None,
        "camera_id": clip.camera_id,
        "state": clip.state,
        "progress": round(clip.progress, 3),
        "started_at": clip.started_at.isoformat() if clip.started_at else None,
        "duration_s": clip.duration_s,
        "error": clip.error,
        "error_en": clip.error_en,
        "unassigned_reason": clip.unassigned_reason,
        "analysis_version": clip.analysis_version,
        "events": clip.event_count,
    }


def clip_topics(clip: Clip) -> list[str]:
    topics = [f"clip:{clip.pk}"]
    if clip.camera is not None:
        topics.append(f"camera:{clip.camera.code}")
        topics.append(f"unit:{clip.camera.counter.unit_id}")
    return topics


def _broadcast(clip: Clip, kind: str) -> None:
    broadcast_on_commit(clip_topics(clip), {"type": kind, "clip": clip_message(clip)})


_REASONS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^empty file"), "Tệp rỗng (0 byte), không có gì để xem"),
    (re.compile(r"^incomplete MP4"), "Tệp MP4 chưa hoàn chỉnh: thiếu phần chỉ mục (moov), "
                                     "việc ghi hình có lẽ bị ngắt giữa chừng"),
    (re.compile(r"^damaged Matroska"), "Tệp Matroska/WebM bị hỏng phần đầu, không đọc được"),
    (re.compile(r"^not a video file \(it contains text\)"), "Không phải tệp video (đây là tệp văn bản)"),
    (re.compile(r"^not a video file"), "Không phải tệp video (không nhận ra định dạng)"),
    (re.compile(r"^no video stream"), "Tệp không có hình (không có luồng video)"),
    (re.compile(r"contains no video"), "Tệp không có hình: không có khung hình nào được ghi"),
    (re.compile(r"codec of this file is not supported"), "Định dạng nén video của tệp không được hỗ trợ"),
    (re.compile(r"no picture size"), "Phần đầu luồng video bị hỏng (không có kích thước khung hình)"),
    (re.compile(r"no frame could be decoded"), "Dữ liệu video bị hỏng: không giải mã được khung hình nào"),
    (re.compile(r"video stream but no frames"), "Tệp có luồng video nhưng không có khung hình nào"),
    (re.compile(r"^file ends early: video decoded up to (?P<a>[\d.]+) s of (?P<b>[\d.]+) s"),
     "Tệp bị cắt cụt: chỉ đọc được {a} s trên {b} s"),
    (re.compile(r"^(?P<n>\d+) damaged video packet\(s\) skipped between (?P<a>[\d.]+) s and (?P<b>[\d.]+) s"),
     "Bỏ qua {n} gói dữ liệu video bị hỏng trong khoảng {a}–{b} s"),
    (re.compile(r"^(?P<n>\d+) damaged frame\(s\)"), "Có {n} khung hình bị hỏng không phân tích được"),
    (re.compile(r"^reading stopped at (?P<a>[\d.]+) s"), "Việc đọc tệp dừng ở giây {a} do dữ liệu hỏng"),
    (re.compile(r"^cannot open the file"), "Không mở được tệp video"),
]


def translate_reason(reason_en: str) -> str:
    """Vietnamese for the vision package's one-line English reasons (numbers kept)."""
    for pattern, text in _REASONS:
        match = pattern.search(reason_en)
        if match:
            return text.format(**match.groupdict())
    return "Không lập chỉ mục được tệp video"
