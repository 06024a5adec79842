"""Accountability reports as PDF (reportlab, DejaVu Sans for Vietnamese) and XLSX (openpyxl).

A report is built once as a neutral document (title, sections of paragraphs and tables) and then
rendered to either format, so the two always say the same thing.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.http import HttpResponse
from django.utils import timezone

from backend.core.errors import DomainError
from inspection.accountability.engine import sev_vi
from inspection.accountability.models import DisciplinaryCase, LeaderLiability
from inspection.models import Finding, FindingSubject

FONT_PATH = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
FONT_BOLD_PATH = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"


@dataclass
class Table:
    headers: list[str]
    rows: list[list[Any]]
    widths: list[float] | None = None


@dataclass
class Section:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


@dataclass
class Doc:
    title: str
    subtitle: str
    sections: list[Section]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return date.fromisoformat(value).strftime("%d/%m/%Y")
        except ValueError:
            return value
    return str(value)


def _label(choices: Any, value: str) -> str:
    """The Vietnamese label of a stored code (the code itself only if it is unknown)."""
    return str(dict(choices.choices).get(value, value))


def _span(start: Any, end: Any) -> str:
    """'01/06/2026' for one day, '01/06/2026 – 10/06/2026' for a period."""
    lo, hi = _text(start), _text(end)
    return lo if lo == hi else f"{lo} – {hi}"


# --- content ----------------------------------------------------------------------------------------


def finding_report(*, trace: dict[str, Any], liabilities: list[Any]) -> Doc:
    f = trace["finding"]
    period = (f"{_text(trace['as_of']['from'])} – {_text(trace['as_of']['to'])}" if f["is_period"]
              else _text(trace["as_of"]["from"]))
    sections = [Section("Vi phạm / Finding", [
        f"{f['reference']} — {f['title']}",
        f"Mức độ / Severity: {f['severity_vi']} / {f['severity_en']}; trạng thái: {_label(Finding.State, f['state'])}",
        f"Loại / Category: {f['category']['name_vi']} / {f['category']['name_en']}",
        f"Đơn vị / Unit: {f['unit']['name']} ({f['unit']['code']}); thời điểm / when: {period}",
        f"Bộ quy tắc: phiên bản {trace['ruleset']['version']}",
    ])]
    for group in trace["units"]:
        unit = group["unit"]
        paragraphs = [p for p in (unit.get("note_vi"), unit.get("note_en")) if p]
        if group["parent"]:
            paragraphs.append(f"Cấp trên trực tiếp / Parent unit: {group['parent']['name']}")
        for v in group["violators"]:
            paragraphs.append(f"• {v['officer']['full_name']} ({_label(FindingSubject.Role, v['role'])}): {v['why_vi']}")
            paragraphs.append(f"  {v['why_en']}")
        for note in group["notes"]:
            paragraphs.append(f"Ghi chú: {note['vi']} / Note: {note['en']}")
        rows = [[ld["role_label_vi"], f"{ld['officer']['rank']} {ld['officer']['full_name']}".strip(),
                 ld["assignment"]["position"] + (" (quyền)" if ld["is_acting"] else "")
                 + (f" — lĩnh vực {ld['field']['name_vi']}" if ld.get("field") else ""),
                 _span(ld["in_charge_from"], ld["in_charge_to"]),
                 ld["assignment"]["decision_ref"] or f"#{ld['assignment']['id']}",
                 f"{ld['rule']['code']} ({ld['rule']['basis']})" if ld["rule"] else "—",
                 ld["suggested_form"]["name_vi"] if ld["suggested_form"] else "—"]
                for ld in group["leaders"]]
        sections.append(Section(
            f"{unit['name']} ({unit['code']})", paragraphs,
            [Table(["Vai trò", "Họ tên", "Chức vụ", "Phụ trách", "Căn cứ", "Quy tắc", "Đề xuất"], rows,
                   [70, 90, 90, 80, 60, 35, 80])]))
        for ld in group["leaders"]:
            sections[-1].paragraphs.append(f"{ld['officer']['full_name']}: {ld['why_vi']}")
            sections[-1].paragraphs.append(f"  {ld['why_en']}")
    for note in trace["notes"]:
        sections[0].paragraphs.append(f"Ghi chú: {note['vi']} / Note: {note['en']}")
    rows = [[x.officer.full_name, x.get_role_display(), x.rule.code, x.suggested_form.name_vi,
             x.confirmed_form.name_vi if x.confirmed_form else "", x.get_state_display(),
             x.decision_reason, f"Phiên bản {x.ruleset.version}"] for x in liabilities]
    sections.append(Section("Đề xuất trách nhiệm / Liabilities",
                            [] if rows else ["Chưa có đề xuất. / No liability proposed yet."],
                            [Table(["Họ tên", "Vai trò", "Quy tắc", "Đề xuất", "Xác nhận", "Trạng thái", "Lý do",
                                    "Bộ quy tắc"], rows, [80, 70, 35, 75, 70, 55, 90, 30])] if rows else []))
    return Doc(title="BÁO CÁO TRÁCH NHIỆM NGƯỜI ĐỨNG ĐẦU",
               subtitle=f"Leader accountability report — {f['reference']}", sections=sections)


def officer_report(*, profile: dict[str, Any]) -> Doc:
    o = profile["officer"]
    p = profile["period"]
    s = profile["summary"]
    sections = [Section("Tóm tắt / Summary", [
        f"{o['rank']} {o['full_name']} — số hiệu / service number {o['service_number']}".strip(),
        f"Kỳ / Period: {_text(p['from']) or '…'} – {_text(p['to'])}",
        f"Vi phạm trong đơn vị khi phụ trách / Findings while in charge: {s['findings']}",
        "Theo mức độ: " + (", ".join(f"{sev_vi(k)}: {v}" for k, v in s["findings_by_severity"].items()) or "—"),
        "Trách nhiệm: " + (", ".join(f"{_label(LeaderLiability.State, k)}: {v}"
                                     for k, v in s["liabilities_by_state"].items()) or "—"),
        f"Hồ sơ kỷ luật / Cases: {s['cases']}",
    ])]
    rows = []
    for t in profile["tenures"]:
        rows.append([t["unit"]["name"], t["assignment"]["position"] + (" (quyền)" if t["is_acting"] else ""),
                     _span(t["from"], t["to"]), t["assignment"]["decision_ref"],
                     len(t["findings"])])
    sections.append(Section("Đơn vị và thời gian phụ trách / Units and periods led", [],
                            [Table(["Đơn vị", "Chức vụ", "Thời gian", "Quyết định", "Số vi phạm"], rows,
                                   [150, 110, 110, 70, 50])]))
    frows = [[fd["reference"], fd["title"], sev_vi(fd["severity"]), _text(fd["occurred_from"]), fd["unit"]["name"]]
             for t in profile["tenures"] for fd in t["findings"]]
    sections.append(Section("Vi phạm / Findings", [] if frows else ["Không có. / None."],
                            [Table(["Số", "Nội dung", "Mức độ", "Thời điểm", "Đơn vị"], frows,
                                   [70, 170, 70, 80, 100])] if frows else []))
    lrows = [[x["finding"]["reference"], _label(LeaderLiability.Role, x["role"]), x["rule"]["code"],
              x["suggested_form"]["name_vi"], (x["confirmed_form"] or {}).get("name_vi", ""),
              _label(LeaderLiability.State, x["state"]), x["decision_reason"]]
             for x in profile["liabilities"]]
    sections.append(Section("Trách nhiệm / Liabilities", [] if lrows else ["Không có. / None."],
                            [Table(["Vi phạm", "Vai trò", "Quy tắc", "Đề xuất", "Xác nhận", "Trạng thái", "Lý do"],
                                   lrows, [70, 60, 40, 90, 90, 60, 80])] if lrows else []))
    crows = [[c["reference"], c["title"], _label(DisciplinaryCase.State, c["state"]), (c["decided_form"] or c["proposed_form"] or {}).get("name_vi", ""),
              c["decision_number"], _text(c["decision_date"]),
              ((c["computed"] or {}).get("limitation") or {}).get("message_vi", "")] for c in profile["cases"]]
    sections.append(Section("Hồ sơ kỷ luật / Disciplinary cases", [] if crows else ["Không có. / None."],
                            [Table(["Số hồ sơ", "Tiêu đề", "Trạng thái", "Hình thức", "Số QĐ", "Ngày QĐ", "Thời hiệu"],
                                   crows, [60, 110, 55, 80, 55, 55, 100])] if crows else []))
    return Doc(title="BÁO CÁO TRÁCH NHIỆM CỦA NGƯỜI ĐỨNG ĐẦU", subtitle=f"Head accountability report — {o['full_name']}",
               sections=sections)


# --- rendering ----------------------------------------------------------------------------------------


def _register_fonts() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if not FONT_PATH.is_file():
        raise DomainError(
            f"Thiếu phông chữ DejaVu Sans ({FONT_PATH}); cài gói fonts-dejavu-core để xuất PDF tiếng Việt.",
            f"The DejaVu Sans font is missing ({FONT_PATH}); install fonts-dejavu-core to export Vietnamese PDFs.",
            code="font_missing", status=503)
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(FONT_PATH)))
        bold = FONT_BOLD_PATH if FONT_BOLD_PATH.is_file() else FONT_PATH
        pdfmetrics.registerFont(TTFont(FONT_BOLD, str(bold)))


def render_pdf(doc: Doc) -> bytes:
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, TableStyle
    from reportlab.platypus import Table as PdfTable

    _register_fonts()
    body = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=12)
    cell = ParagraphStyle("cell", fontName=FONT, fontSize=7.5, leading=9.5)
    head = ParagraphStyle("head", fontName=FONT_BOLD, fontSize=11, leading=14, spaceBefore=8, spaceAfter=4)
    title = ParagraphStyle("title", fontName=FONT_BOLD, fontSize=14, leading=18, alignment=1)
    sub = ParagraphStyle("sub", fontName=FONT, fontSize=9, leading=12, alignment=1, textColor=colors.grey)
    buffer = io.BytesIO()
    pdf = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm,
                            bottomMargin=15 * mm, title=doc.title, author="Counterwatch")
    story: list[Any] = [Paragraph(escape(doc.title), title), Paragraph(escape(doc.subtitle), sub),
                        Paragraph(escape(f"Lập lúc / Generated: {_text(timezone.now())}"), sub), Spacer(1, 6)]
    for section in doc.sections:
        story.append(Paragraph(escape(section.heading), head))
        for text in section.paragraphs:
            story.append(Paragraph(escape(text), body))
        for table in section.tables:
            data = [[Paragraph(escape(h), cell) for h in table.headers]]
            data += [[Paragraph(escape(_text(v)), cell) for v in row] for row in table.rows]
            widths = [w * 180 * mm / sum(table.widths) for w in table.widths] if table.widths else None
            t = PdfTable(data, colWidths=widths, repeatRows=1)
            t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                                   ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef7")),
                                   ("VALIGN", (0, 0), (-1, -1), "TOP")]))
            story.extend([Spacer(1, 3), t, Spacer(1, 3)])
    pdf.build(story)
    return buffer.getvalue()


def render_xlsx(doc: Doc) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = Workbook()
    ws = wb.active
    ws.title = "Báo cáo"
    ws.append([doc.title])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([doc.subtitle])
    ws.append([f"Lập lúc / Generated: {_text(timezone.now())}"])
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="E8EEF7")
    for section in doc.sections:
        ws.append([])
        ws.append([section.heading])
        ws.cell(row=ws.max_row, column=1).font = Font(bold=True, size=12)
        for text in section.paragraphs:
            ws.append([text])
        for table in section.tables:
            ws.append(table.headers)
            for c in ws[ws.max_row]:
                c.font, c.fill = bold, fill
            for row in table.rows:
                ws.append([v if isinstance(v, int | float) else _text(v) for v in row])
    for col, width in zip("ABCDEFGH", (28, 30, 28, 24, 22, 18, 40, 14), strict=False):
        ws.column_dimensions[col].width = width
    for row in ws.iter_rows():
        for c in row:
            c.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def respond(doc: Doc, *, fmt: str, name: str, reader: Any) -> HttpResponse:
    """The document as a download; the read is recorded in the audit trail (who, which document)."""
    from backend.audit.services import audit_access

    audit_access(actor=reader, document=f"accountability.report.{fmt}", object_type="accountability.report",
                 object_id=name[:60], payload={"title": doc.title[:200]})
    if fmt == "pdf":
        return HttpResponse(render_pdf(doc), content_type="application/pdf",
                            headers={"Content-Disposition": f'attachment; filename="{name}.pdf"'})
    return HttpResponse(render_xlsx(doc),
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'})
