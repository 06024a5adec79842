"""The custody log as a document a person reads: Vietnamese columns, local time (vi-VN), who, what,
from where. CSV (UTF-8 with BOM, so spreadsheet programs read the diacritics) or XLSX (openpyxl).

Cells that a spreadsheet would run as a formula (a reason typed as "=HYPERLINK(...)") are written
as text.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

from backend.core import statedoc
from media_ingest.review.models import AccessLog

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
HEADERS = ["STT", "Thời điểm (giờ Việt Nam)", "Người thực hiện", "Thao tác", "Đối tượng", "Lý do",
           "Địa chỉ IP", "Trình duyệt / thiết bị", "Liên kết hết hạn lúc", "Mã bản ghi", "Số lần",
           "Lần cuối (giờ Việt Nam)"]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
VARIANTS = {"proxy": "bản xem trên trình duyệt", "original": "tệp gốc"}
SERVER_SIDE = "máy chủ (tác vụ nền)"  # recorded by a job, not from a browser


def _local(value: Any) -> str:
    return value.astimezone(LOCAL).strftime("%d/%m/%Y %H:%M:%S") if value else ""


def describe(log: AccessLog) -> str:
    """What the entry touched, in words."""
    parts: list[str] = []
    detail = log.detail or {}
    if log.clip_id:
        clip = f"Đoạn video #{log.clip_id}"
        if log.object_key and log.action in (AccessLog.Action.VIEW, AccessLog.Action.DOWNLOAD):
            variant = VARIANTS.get(str(detail.get("variant", "")), "")
            clip += f" ({variant})" if variant else ""
        parts.append(clip)
    if log.tag_id:
        span = ""
        if "start_s" in detail and "end_s" in detail:
            span = f", {_seconds(detail['start_s'])}–{_seconds(detail['end_s'])}"
        parts.append(f"thẻ #{log.tag_id}{span}")
    if log.package_id:
        parts.append(f"gói chứng cứ #{log.package_id}")
    if log.finding is not None:
        parts.append(f"vi phạm {log.finding.reference}")
    redacted = getattr(log, "redacted", None)  # set by custody_for_reader on what the reader may not see
    if redacted:
        parts.append(str(redacted))
    if detail.get("filename"):
        parts.append(f"tệp {detail['filename']}")
    if log.action == AccessLog.Action.PREVIEW and isinstance(detail.get("objects"), dict):
        parts.append(f"{len(detail['objects'])} ảnh")
    if detail.get("state") == "requested":
        parts.append("yêu cầu tạo")
    elif detail.get("state") == "ready":
        parts.append("đã tạo xong")
    return "; ".join(parts) or (log.object_key or "")


def _seconds(value: Any) -> str:
    try:
        total = float(value)
    except (TypeError, ValueError):
        return str(value)
    minutes, seconds = divmod(total, 60)
    return f"{int(minutes):02d}:{seconds:04.1f}".replace(".", ",")


def _safe(text: Any) -> str:
    value = statedoc.xlsx_text(text)  # rows stored before inputs were cleaned may hold a BEL
    return "'" + value if value.startswith(FORMULA_START) else value


def rows(logs: Iterable[AccessLog]) -> list[list[str]]:
    return [[str(n), _local(log.at), _safe(log.user_label), log.get_action_display(), _safe(describe(log)),
             _safe(log.reason), log.ip or ("" if log.user_agent else SERVER_SIDE), _safe(log.user_agent),
             _local(log.expires_at), str(log.pk), str(log.count), _local(log.last_at or log.at)]
            for n, log in enumerate(logs, start=1)]


def render_csv(title: str, logs: Iterable[AccessLog]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_safe(title)])
    writer.writerow(HEADERS)
    writer.writerows(rows(logs))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def render_xlsx(title: str, logs: Iterable[AccessLog]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = Workbook()
    ws = wb.active
    ws.title = "Nhật ký lưu giữ"
    ws.append([_safe(title)])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append(HEADERS)
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E8EEF7")
    for row in rows(logs):
        ws.append(row)  # every text went through _safe (statedoc.xlsx_text)
        for cell in ws[ws.max_row]:
            cell.data_type = "s"  # never a formula, whatever the text
    for col, width in zip("ABCDEFGHIJKL", (6, 21, 24, 22, 40, 36, 16, 36, 21, 10, 8, 21), strict=True):
        ws.column_dimensions[col].width = width
    for row in ws.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A3"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
