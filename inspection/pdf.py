"""The signed report as check minutes (biên bản kiểm tra), in PDF with a Unicode font.

Vietnamese needs a TrueType font with its diacritics: DejaVu Sans is embedded (subset) in the file.
"""
from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from django.utils import timezone

from backend.core.errors import DomainError
from inspection.models import CheckReport, CriterionResult, Finding, Severity

FONT_PATH = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
FONT_BOLD_PATH = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
_registered = False


def _register_fonts() -> None:
    global _registered
    if _registered:
        return
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if not FONT_PATH.is_file():
        raise DomainError(
            f"Không tìm thấy phông chữ {FONT_PATH} để in biên bản tiếng Việt; cài gói fonts-dejavu-core.",
            f"Font {FONT_PATH} is missing, so Vietnamese minutes cannot be rendered; install fonts-dejavu-core.",
            code="font_missing", status=503)
    pdfmetrics.registerFont(TTFont("DejaVuSans", str(FONT_PATH)))
    bold = FONT_BOLD_PATH if FONT_BOLD_PATH.is_file() else FONT_PATH
    pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(bold)))
    _registered = True


def _local(dt: Any) -> str:
    return timezone.localtime(dt).strftime("%H:%M ngày %d/%m/%Y") if dt else "—"


OUTCOME_VI = dict(CriterionResult.Outcome.choices)


def _result_text(value: Any) -> str:
    if not value:
        return "—"
    text = f"{OUTCOME_VI.get(value.get('outcome'), value.get('outcome'))}, {value.get('points')} điểm"
    return text + (f" ({value['note']})" if value.get("note") else "")


def _signature_image(report: CheckReport, width: float, height: float) -> Any:
    """The representative's drawn signature from the store, fitted into width × height; None when the
    representative confirmed with an account (or the image is gone: the hash in the text still stands)."""
    if not report.rep_signature_key:
        return None
    from reportlab.lib.utils import ImageReader
    from reportlab.platypus import Image

    from backend.core.store import ObjectMissing, get_store

    try:
        handle = get_store().open(report.rep_signature_key)
    except ObjectMissing:
        return None
    try:
        data = handle.read()
    finally:
        handle.close()
    reader = ImageReader(io.BytesIO(data))
    w, h = reader.getSize()
    scale = min(width / w, height / h)
    return Image(io.BytesIO(data), width=w * scale, height=h * scale)


def render_minutes(report: CheckReport, findings: list[Finding]) -> bytes:
    _register_fonts()
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    check = report.surprise_check
    base = ParagraphStyle("base", fontName="DejaVuSans", fontSize=10, leading=13)
    small = ParagraphStyle("small", parent=base, fontSize=8.5, leading=11)
    center = ParagraphStyle("center", parent=base, alignment=TA_CENTER)
    bold_center = ParagraphStyle("boldc", parent=center, fontName="DejaVuSans-Bold")
    title = ParagraphStyle("title", parent=bold_center, fontSize=15, leading=20, spaceBefore=8, spaceAfter=4)
    heading = ParagraphStyle("heading", parent=base, fontName="DejaVuSans-Bold", spaceBefore=8, spaceAfter=3)

    def p(text: str, style: ParagraphStyle = base) -> Paragraph:
        return Paragraph(escape(text).replace("\n", "<br/>"), style)

    story: list[Any] = []
    header = Table([[p("CÔNG AN TỈNH NGHỆ AN", bold_center), p("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold_center)],
                    [p("TỔ KIỂM TRA ĐẶC BIỆT", center), p("Độc lập - Tự do - Hạnh phúc", bold_center)]],
                   colWidths=[75 * mm, 105 * mm])
    header.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [header, Spacer(1, 6 * mm), p("BIÊN BẢN KIỂM TRA", title),
              p(f"Số: {check.reference} — Hình thức: {check.get_mode_display()}", center), Spacer(1, 4 * mm)]
    team = ", ".join(sorted((u.get_full_name() or u.get_username()) for u in check.team.all()))
    lead = check.lead.get_full_name() or check.lead.get_username()
    counter = check.counter.name if check.counter_id else "—"
    story += [
        p(f"Đơn vị được kiểm tra: {check.unit.name} ({check.unit.code})"),
        p(f"Quầy: {counter}"),
        p(f"Thời gian bắt đầu kiểm tra: {_local(check.started_at)}; kết thúc: {_local(check.completed_at)}"),
        p(f"Tổ trưởng: {lead}"),
        p(f"Thành phần tổ kiểm tra: {team}"),
        p(f"Bộ tiêu chí: {report.criteria_set.name} (năm {report.criteria_set.year}, phiên bản "
          f"{report.criteria_set.version})"),
        p("I. KẾT QUẢ KIỂM TRA THEO TIÊU CHÍ", heading),
    ]
    rows: list[list[Any]] = [[p("Mã", small), p("Tiêu chí", small), p("Kết quả", small), p("Điểm", small),
                              p("Ghi chú", small)]]
    # The body is the text the signature covers (signed_content), never a later amendment: amendments
    # are printed after the signature, each with its author, time, reason and what it changed.
    signed = report.signed_content or {}
    criteria = {r.criterion.code: r.criterion for r in report.results.all()}
    signed_rows = signed.get("results") or [[r.criterion.code, r.outcome, str(r.points), r.note]
                                            for r in report.results.all()]
    for code, outcome, points, note in sorted(
            signed_rows, key=lambda row: (criteria[row[0]].position if row[0] in criteria else 0, row[0])):
        crit = criteria.get(code)
        text = (crit.text + (" (*)" if crit.critical else "")) if crit else code
        rows.append([p(code, small), p(text, small), p(OUTCOME_VI.get(outcome, outcome), small),
                     p(f"{points}/{crit.max_points if crit else '—'}", small), p(note, small)])
    table = Table(rows, colWidths=[12 * mm, 70 * mm, 25 * mm, 20 * mm, 53 * mm], repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [table, Spacer(1, 3 * mm),
              p(f"Tổng điểm: {signed.get('score', report.score)}/{signed.get('max_score', report.max_score)} "
                f"({signed.get('percent', report.percent)}%). (*) tiêu chí trọng yếu."),
              p("II. NHẬN XÉT CHUNG", heading), p(signed.get("summary", report.summary) or "—")]
    # What the signature covers ends with the results: the failed criteria are read from them. The
    # findings are listed after the signature, dated, because they move on after signing (a draft is
    # confirmed or dismissed) and a draft allegation is never printed.
    story.append(p("III. TIÊU CHÍ KHÔNG ĐẠT", heading))
    failed = sorted(row[0] for row in signed_rows if row[1] == "fail")
    story.append(p("Tiêu chí không đạt: " + ", ".join(failed) + " (xem mục I)." if failed
                   else "Không có tiêu chí không đạt."))
    evidence = list(report.evidence.all())
    if evidence:
        story.append(p("IV. TÀI LIỆU, CHỨNG CỨ KÈM THEO", heading))
        for e in evidence:
            story.append(p(f"- {e.filename} ({e.size} byte) SHA-256 {e.sha256}", small))
    signer = report.signed_by.get_full_name() or report.signed_by.get_username() if report.signed_by_id else "—"
    rep = signed.get("unit_representative") if report.rep_signed_at else None
    if rep:
        story += [p("V. Ý KIẾN CỦA ĐƠN VỊ ĐƯỢC KIỂM TRA", heading), p(rep.get("opinion") or "Không có ý kiến.")]
    story += [Spacer(1, 6 * mm), p(f"Biên bản được ký lúc {_local(report.signed_at)} bởi tổ trưởng {signer}.")]
    if rep:
        how = (f"xác nhận bằng tài khoản {rep.get('username')}" if rep.get("method") == "login"
               else f"ký tay trên màn hình (ảnh chữ ký SHA-256 {rep.get('signature_sha256')})")
        story += [p(f"Đại diện đơn vị được kiểm tra {rep.get('name')} ({rep.get('post')}) ký lúc "
                    f"{_local(report.rep_signed_at)}, {how}."),
                  p(f"Mã băm phần tổ kiểm tra ký (SHA-256): {report.lead_content_hash}", small)]
    story += [p(f"Mã băm nội dung (SHA-256): {report.content_hash}", small), Spacer(1, 10 * mm)]
    unit_cell: list[Any] = [p("(Ký, ghi rõ họ tên)", center)]
    if rep:
        unit_cell = []
        image = _signature_image(report, 60 * mm, 22 * mm)
        if image is not None:
            unit_cell.append(image)
        elif rep.get("method") == "login":
            unit_cell.append(p(f"(đã xác nhận bằng tài khoản {rep.get('username')})", center))
        unit_cell += [p(str(rep.get("name") or ""), center), p(str(rep.get("post") or ""), center)]
    story += [Table([[p("ĐẠI DIỆN ĐƠN VỊ ĐƯỢC KIỂM TRA", bold_center), p("TỔ TRƯỞNG TỔ KIỂM TRA", bold_center)],
                     [unit_cell, p(signer, center)]], colWidths=[90 * mm, 90 * mm],
                    style=TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))]
    from django.utils import timezone

    story += [Spacer(1, 8 * mm), p(f"VI PHẠM ĐÃ XÁC NHẬN LIÊN QUAN ĐẾN CUỘC KIỂM TRA (tình trạng đến "
                                   f"ngày {timezone.localdate():%d/%m/%Y}; không thuộc nội dung đã ký ở trên)", heading)]
    if findings:
        for f in findings:
            names = "; ".join(f"{s.officer.full_name} ({s.get_role_display()})" for s in f.subjects.all())
            period = _local(f.occurred_from) + (f" đến {_local(f.occurred_to)}" if f.occurred_to else "")
            story.append(p(f"- {f.reference}: {f.title} — {f.category.name_vi}; mức độ: "
                           f"{dict(Severity.choices)[f.severity].lower()}; thời điểm: {period}"
                           + (f"; người liên quan: {names}" if names else "")))
    else:
        story.append(p("Chưa có vi phạm nào được xác nhận."))
    amendments = list(report.amendments.all())
    if amendments:
        story += [Spacer(1, 8 * mm), p("SỬA ĐỔI, BỔ SUNG SAU KHI KÝ (không thuộc nội dung đã ký ở trên)", heading)]
        for a in amendments:
            author = a.author.get_full_name() or a.author.get_username()
            story.append(p(f"Lần {a.number} — {_local(a.at)} — {author}. Lý do: {a.reason}", base))
            changes = a.changes or {}
            for change in changes.get("results", []):
                story.append(p(f"• Tiêu chí {change.get('criterion', '')}: {_result_text(change.get('before'))} → "
                               f"{_result_text(change.get('after'))}", small))
            if "summary" in changes:
                story.append(p(f"• Nhận xét chung, sửa thành: {changes['summary'].get('after', '')}", small))
            if "score" in changes:
                story.append(p(f"• Tổng điểm: {changes['score'].get('before')} → {changes['score'].get('after')}",
                               small))
            story.append(p(f"Mã băm sau sửa đổi (SHA-256): {a.content_hash}", small))
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm,
                            bottomMargin=15 * mm, title=f"Biên bản kiểm tra {check.reference}",
                            author="Counterwatch", subject=check.unit.name)
    doc.build(story)
    return buffer.getvalue()
