"""The checks list as an Excel workbook in the state format (the frame: backend/core/statedoc).

The rows are whatever the caller's selector gave for this reader (checks_list applies the secrecy
and scope rules); this module only lays them out: Vietnamese headers and labels, no internal ids,
dates as dates and scores as numbers (shown with the reader's decimal comma).
"""
from __future__ import annotations

import io
from collections.abc import Callable, Iterable

from django.utils import timezone

from backend.core import statedoc
from inspection.models import CheckReport, SurpriseCheck
from inspection.pdf import ISSUER

HEADERS = ["Số", "Hình thức", "Trạng thái", "Đơn vị", "Bộ phận một cửa", "Bắt đầu dự kiến", "Bắt đầu thực tế",
           "Tổ trưởng", "Điểm", "Điểm tối đa", "Tỷ lệ (%)"]
WIDTHS = [15, 12, 16, 26, 24, 17, 17, 20, 8, 9, 9]


def checks_workbook(checks: Iterable[SurpriseCheck], *,
                    report_of: Callable[[SurpriseCheck], CheckReport | None]) -> tuple[bytes, int]:
    """(xlsx bytes, number of rows)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    province = statedoc.province_name()
    heading = statedoc.Heading(parent_body=province, issuer=ISSUER, number=f"{chr(0xA0) * 10}/DS-TKTĐB",
                               place=statedoc.place_of(province), day=timezone.localdate())
    wb = Workbook()
    ws = wb.active
    ws.title = "Kiểm tra"
    row = statedoc.xlsx_header(ws, heading, title="DANH SÁCH CÁC CUỘC KIỂM TRA",
                               subject=f"Lập ngày {timezone.localdate():%d/%m/%Y}", columns=len(HEADERS))
    first = row
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for col, text in enumerate(HEADERS, start=1):
        cell = ws.cell(row=row, column=col, value=text)
        cell.font = Font(name=statedoc.XLSX_FONT, bold=True)
        cell.fill = PatternFill("solid", fgColor="F2F2F2")
        cell.border = border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    count = 0
    for check in checks:
        row += 1
        count += 1
        report = report_of(check)
        values = [check.reference, check.get_mode_display(), check.get_state_display(), check.unit.name,
                  check.counter.name if check.counter else "", check.window_start, check.started_at,
                  check.lead.get_full_name() or check.lead.get_username(),
                  report.score if report else None, report.max_score if report else None,
                  report.percent if report else None]
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=row, column=col)
            statedoc.xlsx_value(cell, value)
            cell.border = border
    statedoc.xlsx_finish(ws, first_row=first, widths=WIDTHS)
    ws.freeze_panes = ws.cell(row=first + 1, column=1)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue(), count
