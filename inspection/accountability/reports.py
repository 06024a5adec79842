"""Accountability reports as PDF (reportlab) and XLSX (openpyxl), in the state format (NĐ 30/2020/NĐ-CP).

A report is built once as a neutral document (title, sections of paragraphs and tables) and then
rendered to either format, so the two always say the same thing. The frame (national header,
issuer, number, place and date line, signature block, font, vi-VN numbers) is backend/core/statedoc.
These are Vietnamese documents: Vietnamese only, no internal ids, labels instead of stored codes.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.http import HttpResponse
from django.utils import timezone

from backend.core import statedoc
from inspection.accountability.engine import regulation_numbers, render_basis, rule_name, sev_vi
from inspection.accountability.issuer import NOBODY, Subjects, report_issuer
from inspection.accountability.issuer import Issuer as ReportIssuer
from inspection.accountability.models import DisciplinaryCase, LeaderLiability, Rule
from inspection.models import Finding, FindingSubject

# The issuing body, its symbol and the signer come from the org data as of the document's date
# (inspection.accountability.issuer: the author's unit and its head), not from a constant.
RECIPIENTS = ["Lãnh đạo Công an tỉnh (để báo cáo);", "Lưu: hồ sơ kỷ luật."]


@dataclass
class Table:
    headers: list[str]
    rows: list[list[Any]]
    widths: list[float] | None = None
    # columns printed centred and never wrapped (numbers, dates)
    numeric: tuple[int, ...] = ()


@dataclass
class Section:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    after: list[str] = field(default_factory=list)  # paragraphs printed after the tables


@dataclass
class Doc:
    title: str
    subject: str
    sections: list[Section]
    # whom it is about: never its issuing unit nor its signer (inspection.accountability.issuer)
    about: Subjects = NOBODY


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, str) and len(value) >= 10 and value[4:5] == "-" and value[7:8] == "-":
        try:
            if len(value) == 10:
                return date.fromisoformat(value).strftime("%d/%m/%Y")
            return _text(datetime.fromisoformat(value.replace(" ", "T")))
        except ValueError:
            return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return statedoc.vn_number(value)
    return str(value)


def _label(choices: Any, value: str) -> str:
    """The Vietnamese label of a stored code (the code itself only if it is unknown)."""
    return str(dict(choices.choices).get(value, value))


def _span(start: Any, end: Any) -> str:
    """'01/06/2026' for one day, '01/06/2026 – 10/06/2026' for a period, 'từ 01/06/2026' when open."""
    lo, hi = _text(start), _text(end)
    if not hi:
        return f"từ {lo}"
    return lo if lo == hi else f"{lo} – {hi}"


def _outcome(state: str, confirmed_form: str) -> str:
    """One column for where a proposal stands: its state, and the form when one was confirmed (two columns
    "Xác nhận: Chưa xác nhận" and "Trạng thái: Đề xuất" said the same thing twice)."""
    return f"{state}: {confirmed_form}" if confirmed_form else state


def _person(officer: dict[str, Any]) -> str:
    return f"{officer.get('rank') or ''} {officer['full_name']}".strip()


# --- content ----------------------------------------------------------------------------------------


def _rule(rule: dict[str, Any], numbers: dict[str, Any] | None = None) -> str:
    """A rule as a reader knows it: its name in words and its legal basis (its regulation tokens written out),
    never its code ("(V1)" meant nothing to a reader: reviewer, issue 15)."""
    name = rule_name(rule.get("text_vi", "")) or rule.get("code", "")
    basis = render_basis(rule.get("basis") or "", numbers if numbers is not None else {})
    return f"{name}; căn cứ: {basis}" if basis else name


def finding_report(*, trace: dict[str, Any], liabilities: list[Any]) -> Doc:
    f = trace["finding"]
    period = (f"từ {_text(trace['as_of']['from'])} đến {_text(trace['as_of']['to'])}" if f["is_period"]
              else _text(trace["as_of"]["from"]))
    sections = [Section("I. VI PHẠM", [
        f"Số vi phạm: {f['reference']}. Nội dung: {f['title']}.",
        f"Loại vi phạm: {f['category']['name_vi']}; mức độ: {f['severity_vi']}; "
        f"tình trạng: {_label(Finding.State, f['state']).lower()}.",
        f"Đơn vị xảy ra vi phạm: {f['unit']['name']}; thời điểm: {period}.",
        f"Bộ quy tắc áp dụng: phiên bản {trace['ruleset']['version']}.",
    ])]
    for note in trace["notes"]:
        sections[0].paragraphs.append(f"Ghi chú: {note['vi']}")
    for number, group in enumerate(trace["units"], start=1):
        unit = group["unit"]
        paragraphs = [p for p in (unit.get("note_vi"),) if p]
        if group.get("from") and group.get("to"):
            paragraphs.append(f"Giai đoạn truy theo đơn vị này: {_span(group['from'], group['to'])}.")
        if len(group.get("parents") or []) > 1:
            paragraphs.append("Cấp trên trực tiếp: " + "; ".join(
                f"{p['name']} ({_span(p['from'], p['to'])})" for p in group["parents"]) + ".")
        elif group["parent"]:
            paragraphs.append(f"Cấp trên trực tiếp: {group['parent']['name']}.")
        for v in group["violators"]:
            paragraphs.append(f"- {_person(v['officer'])} ({_label(FindingSubject.Role, v['role']).lower()}): "
                              f"{v['why_vi']}")
        for note in group["notes"]:
            paragraphs.append(f"Ghi chú: {note['vi']}")
        rows = [[ld["role_label_vi"], _person(ld["officer"]),
                 ld["assignment"]["position"] + (" (quyền)" if ld["is_acting"] else "")
                 + (f" — lĩnh vực {ld['field']['name_vi']}" if ld.get("field") else ""),
                 _span(ld["in_charge_from"], ld["in_charge_to"]),
                 ld["assignment"]["decision_ref"] or "Chưa ghi số",
                 _rule(ld["rule"]) if ld["rule"] else "Không có quy tắc áp dụng",
                 ld["suggested_form"]["name_vi"] if ld["suggested_form"] else "Không đề xuất"]
                for ld in group["leaders"]]
        sections.append(Section(
            f"{_roman(number + 1)}. NGƯỜI ĐỨNG ĐẦU VÀ CẤP PHÓ: {unit['name'].upper()}", paragraphs,
            [Table(["Vai trò", "Họ tên", "Chức vụ", "Thời gian phụ trách", "Quyết định bổ nhiệm",
                    "Quy tắc, căn cứ", "Đề xuất"], rows, [50, 55, 55, 50, 42, 108, 45], numeric=())],
            [f"- {ld['officer']['full_name']}: {ld['why_vi']}" for ld in group["leaders"]]))
    numbers = regulation_numbers()  # a stored rule cites its regulations by token
    rows = [[x.officer.full_name, x.get_role_display(), _rule({"text_vi": x.rule.text_vi, "basis": x.rule.basis}, numbers),
             x.suggested_form.name_vi,
             _outcome(x.get_state_display(), x.confirmed_form.name_vi if x.confirmed_form else ""),
             x.decision_reason or "", x.ruleset.version] for x in liabilities]
    sections.append(Section(f"{_roman(len(sections) + 1)}. ĐỀ XUẤT TRÁCH NHIỆM",
                            [] if rows else ["Chưa có đề xuất."],
                            [Table(["Họ tên", "Vai trò", "Quy tắc", "Đề xuất", "Kết quả xem xét", "Lý do",
                                    "Phiên bản quy tắc"], rows, [55, 50, 108, 45, 50, 66, 36],
                                   numeric=(6,))] if rows else []))
    return Doc(title="BÁO CÁO TRÁCH NHIỆM NGƯỜI ĐỨNG ĐẦU",
               subject=f"Về trách nhiệm của người đứng đầu đối với vi phạm số {f['reference']}",
               sections=sections, about=_finding_subjects(trace, liabilities))


def _finding_subjects(trace: dict[str, Any], liabilities: list[Any]) -> Subjects:
    """The finding's unit, every unit traced, its violators, the heads and deputies traced and those proposed."""
    groups = trace["units"]
    return Subjects.of(
        officers=[*(v["officer"]["id"] for g in groups for v in g["violators"]),
                  *(ld["officer"]["id"] for g in groups for ld in g["leaders"]),
                  *(x.officer_id for x in liabilities)],
        units=[trace["finding"]["unit"]["id"], *(g["unit"]["id"] for g in groups)])


def officer_report(*, profile: dict[str, Any]) -> Doc:
    o = profile["officer"]
    p = profile["period"]
    s = profile["summary"]
    sections = [Section("I. TÓM TẮT", [
        f"Họ tên: {_person(o)}; số hiệu: {o['service_number']}.",
        f"Kỳ báo cáo: từ {_text(p['from']) or '…'} đến {_text(p['to'])}.",
        f"Số vi phạm trong đơn vị khi phụ trách: {s['findings']}.",
        "Theo mức độ: " + ("; ".join(f"{sev_vi(k)}: {v}" for k, v in s["findings_by_severity"].items())
                           or "không có") + ".",
        "Trách nhiệm: " + ("; ".join(f"{_label(LeaderLiability.State, k).lower()}: {v}"
                                     for k, v in s["liabilities_by_state"].items()) or "không có") + ".",
        f"Hồ sơ kỷ luật: {s['cases']}.",
    ])]
    rows = []
    for t in profile["tenures"]:
        rows.append([t["unit"]["name"], t["assignment"]["position"] + (" (quyền)" if t["is_acting"] else ""),
                     _span(t["from"], t["to"]), t["assignment"]["decision_ref"] or "Chưa ghi số",
                     len(t["findings"])])
    sections.append(Section("II. ĐƠN VỊ VÀ THỜI GIAN PHỤ TRÁCH", [] if rows else ["Không có."],
                            [Table(["Đơn vị", "Chức vụ", "Thời gian", "Quyết định", "Số vi phạm"], rows,
                                   [130, 100, 90, 70, 40], numeric=(4,))] if rows else []))
    frows = [[fd["reference"], fd["title"], sev_vi(fd["severity"]), _text(fd["occurred_from"]), fd["unit"]["name"]]
             for t in profile["tenures"] for fd in t["findings"]]
    sections.append(Section("III. VI PHẠM", [] if frows else ["Không có."],
                            [Table(["Số", "Nội dung", "Mức độ", "Thời điểm", "Đơn vị"], frows,
                                   [62, 150, 60, 70, 90], numeric=(0, 3))] if frows else []))
    numbers = regulation_numbers()
    # the API's rule brief has no basis: read it once for the rules named (a rule named by its basis, issue 15)
    bases = dict(Rule.objects.filter(pk__in={x["rule"]["id"] for x in profile["liabilities"]})
                 .values_list("id", "basis"))
    lrows = [[x["finding"]["reference"], _label(LeaderLiability.Role, x["role"]),
              _rule({**x["rule"], "basis": bases.get(x["rule"]["id"], "")}, numbers),
              x["suggested_form"]["name_vi"],
              _outcome(_label(LeaderLiability.State, x["state"]), (x["confirmed_form"] or {}).get("name_vi", "")),
              x["decision_reason"]]
             for x in profile["liabilities"]]
    sections.append(Section("IV. TRÁCH NHIỆM", [] if lrows else ["Không có."],
                            [Table(["Vi phạm", "Vai trò", "Quy tắc", "Đề xuất", "Kết quả xem xét", "Lý do"],
                                   lrows, [55, 55, 110, 50, 60, 75], numeric=(0,))] if lrows else []))
    crows = [[c["reference"], c["title"], _label(DisciplinaryCase.State, c["state"]),
              (c["decided_form"] or c["proposed_form"] or {}).get("name_vi", ""),
              c["decision_number"], _text(c["decision_date"]),
              ((c["computed"] or {}).get("limitation") or {}).get("message_vi", "")] for c in profile["cases"]]
    sections.append(Section("V. HỒ SƠ KỶ LUẬT", [] if crows else ["Không có."],
                            [Table(["Số hồ sơ", "Tiêu đề", "Trạng thái", "Hình thức", "Số quyết định", "Ngày quyết định",
                                    "Thời hiệu"], crows, [55, 90, 50, 60, 50, 50, 90], numeric=(0, 5))]
                            if crows else []))
    return Doc(title="BÁO CÁO TRÁCH NHIỆM CỦA NGƯỜI ĐỨNG ĐẦU",
               subject=f"Về trách nhiệm của đồng chí {o['full_name']} khi đứng đầu, phụ trách đơn vị",
               sections=sections, about=Subjects.of(officers=[o["id"]],
                                                    units=[t["unit"]["id"] for t in profile["tenures"]]))


def _roman(n: int) -> str:
    return ["", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"][n] if n <= 12 else str(n)


def _issuer(reader: Any, doc: Doc) -> ReportIssuer:
    return report_issuer(author=reader, day=timezone.localdate(), subjects=doc.about)


def _heading(issuer: ReportIssuer) -> statedoc.Heading:
    province = statedoc.province_name()
    return statedoc.Heading(parent_body=issuer.parent_body, issuer=issuer.body,
                            number=f"{chr(0xA0) * 10}/{issuer.symbol}", place=statedoc.place_of(province),
                            day=timezone.localdate())


# --- rendering ----------------------------------------------------------------------------------------


def render_pdf(doc: Doc, *, issuer: ReportIssuer) -> bytes:
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Spacer

    st = statedoc.styles()
    P = statedoc.para  # noqa: N806
    width = statedoc.content_width()
    story: list[Any] = [statedoc.header(_heading(issuer), width=width), P(doc.title, st["title"]),
                        P(doc.subject, st["subject"])]
    for section in doc.sections:
        story.append(P(section.heading, st["heading"]))
        story += [P(text, st["indent"]) for text in section.paragraphs]
        for table in section.tables:
            data = [[P(h, st["cell_head"]) for h in table.headers]]
            data += [[P(_text(v), st["cell_center"] if i in table.numeric else st["cell"]) for i, v in enumerate(row)]
                     for row in table.rows]
            columns = [[_text(row[i]) for row in table.rows] for i in range(len(table.headers))]
            widths = statedoc.fit_widths(columns, table.widths or [1.0] * len(table.headers),
                                         nowrap=table.numeric, total=width)
            story += [Spacer(1, 2 * mm), statedoc.grid(data, widths), Spacer(1, 2 * mm)]
        story += [P(text, st["body"]) for text in section.after]
    story += [Spacer(1, 6 * mm),
              KeepTogether([statedoc.signatures([None, issuer.signer], width=width, recipients=RECIPIENTS)])]
    return statedoc.build_pdf(story, title=doc.title, subject=doc.subject)


# Long on purpose: the workbook as one sheet, written row block by row block in print order.
def render_xlsx(doc: Doc, *, issuer: ReportIssuer) -> bytes:
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    wb = Workbook()
    ws = wb.active
    ws.title = "Báo cáo"
    columns = max([len(t.headers) for s in doc.sections for t in s.tables] + [7])
    row = statedoc.xlsx_header(ws, _heading(issuer), title=doc.title, subject=doc.subject, columns=columns)
    first = row
    bold = Font(name=statedoc.XLSX_FONT, bold=True)
    fill = PatternFill("solid", fgColor="F2F2F2")
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)

    def line(text: str, font: Any = None) -> None:
        nonlocal row
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)
        cell = ws.cell(row=row, column=1)
        statedoc.xlsx_value(cell, text)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if font:
            cell.font = font
        # a merged cell does not grow by itself: about 110 characters fit on a line of these widths
        ws.row_dimensions[row].height = 15 * max(1, -(-len(text) // 110))
        row += 1

    for section in doc.sections:
        row += 1
        line(section.heading, bold)
        for text in section.paragraphs:
            line(text)
        for table in section.tables:
            for col, header in enumerate(table.headers, start=1):
                cell = ws.cell(row=row, column=col, value=statedoc.xlsx_text(header))
                cell.font, cell.fill, cell.border = bold, fill, border
                cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            row += 1
            for values in table.rows:
                for col, value in enumerate(values, start=1):
                    cell = ws.cell(row=row, column=col)
                    statedoc.xlsx_value(cell, value if isinstance(value, int | float | date) else _text(value))
                    cell.border = border
                    cell.alignment = Alignment(wrap_text=True, vertical="top",
                                               horizontal="center" if col - 1 in table.numeric else None)
                row += 1
        for text in section.after:
            line(text)
    row += 1
    _xlsx_recipients(ws, row=row, end_column=columns * 3 // 5)
    signer = issuer.signer
    # "KT. TRƯỞNG PHÒNG" above "PHÓ TRƯỞNG PHÒNG": one row a line
    for text, font in (*((line_.upper(), bold) for line_ in signer.position.split("\n")),
                       (signer.note, Font(name=statedoc.XLSX_FONT, italic=True)), ("", None), ("", None),
                       (signer.name, bold)):
        start = columns * 3 // 5 + 1
        ws.merge_cells(start_row=row, start_column=start, end_row=row, end_column=columns)
        cell = ws.cell(row=row, column=start, value=statedoc.xlsx_text(text))
        cell.alignment = Alignment(horizontal="center")
        if font:
            cell.font = font
        row += 1
    statedoc.xlsx_finish(ws, first_row=first, widths=[22, 24, 22, 20, 20, 22, 28, 14][:columns])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _xlsx_recipients(ws: Any, *, row: int, end_column: int) -> int:
    """"Nơi nhận:" and its lines in the columns left of the signature, from its first row, as the PDF prints
    them (NĐ 30/2020/NĐ-CP: the recipients block sits bottom left, beside the signer); the workbook had none
    (issue 15). Returns the row after the block."""
    from openpyxl.styles import Alignment, Font

    lines = [("Nơi nhận:", Font(name=statedoc.XLSX_FONT, bold=True, italic=True)),
             *((f"- {r}", Font(name=statedoc.XLSX_FONT, size=11)) for r in RECIPIENTS)]
    for text, font in lines:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=max(1, end_column))
        cell = ws.cell(row=row, column=1, value=statedoc.xlsx_text(text))
        cell.font = font
        cell.alignment = Alignment(horizontal="left", vertical="top")
        row += 1
    return row


def respond(doc: Doc, *, fmt: str, name: str, reader: Any) -> HttpResponse:
    """The document as a download; the read is recorded in the audit trail (who, which document). The issuer
    is settled first: a reader who cannot issue it (no posting, no signer) is refused before anything is
    recorded."""
    from backend.audit.services import audit_access

    issuer = _issuer(reader, doc)
    audit_access(actor=reader, document=f"accountability.report.{fmt}", object_type="accountability.report",
                 object_id=name[:60], payload={"title": doc.title[:200]})
    if fmt == "pdf":
        return HttpResponse(render_pdf(doc, issuer=issuer), content_type="application/pdf",
                            headers={"Content-Disposition": f'attachment; filename="{name}.pdf"'})
    return HttpResponse(render_xlsx(doc, issuer=issuer),
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'})
