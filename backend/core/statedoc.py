"""Documents in the state format for administrative documents (Nghị định 30/2020/NĐ-CP, Phụ lục I).

One owner for what every PDF and XLSX the system issues shares: the font (a Times New Roman
compatible serif with Vietnamese), the national header and motto with their underlines, the issuing
body, "Số: …/…", the "<place>, ngày … tháng … năm …" line, the signature block, and numbers in the
Vietnamese way (decimal comma: "92,5/98"). The minutes (inspection/pdf.py) and the accountability
reports (inspection/accountability/reports.py) and the checks workbook build their content and call
these helpers for the frame.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from itertools import combinations
from pathlib import Path
from typing import Any

from django.utils import timezone

from backend.core.errors import DomainError
from backend.core.text import visible_chars

NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
# The printed fallback when the org tree has no province unit (a bare install).
DEFAULT_PROVINCE = "Công an tỉnh"

_TRUETYPE = Path("/usr/share/fonts/truetype")
# NĐ 30 prescribes Times New Roman. Liberation Serif 2 has the same metrics and Vietnamese
# (package fonts-liberation2; version 1 in fonts-liberation has no Vietnamese and is skipped by the
# coverage check); DejaVu (fonts-dejavu-extra / fonts-dejavu-core) is the fallback.
FONT_FAMILIES: list[tuple[str, dict[str, Path]]] = [
    ("LiberationSerif", {"regular": _TRUETYPE / "liberation2/LiberationSerif-Regular.ttf",
                         "bold": _TRUETYPE / "liberation2/LiberationSerif-Bold.ttf",
                         "italic": _TRUETYPE / "liberation2/LiberationSerif-Italic.ttf",
                         "bold_italic": _TRUETYPE / "liberation2/LiberationSerif-BoldItalic.ttf"}),
    ("LiberationSerif", {"regular": _TRUETYPE / "liberation/LiberationSerif-Regular.ttf",
                         "bold": _TRUETYPE / "liberation/LiberationSerif-Bold.ttf",
                         "italic": _TRUETYPE / "liberation/LiberationSerif-Italic.ttf",
                         "bold_italic": _TRUETYPE / "liberation/LiberationSerif-BoldItalic.ttf"}),
    ("DejaVuSerif", {"regular": _TRUETYPE / "dejavu/DejaVuSerif.ttf",
                     "bold": _TRUETYPE / "dejavu/DejaVuSerif-Bold.ttf",
                     "italic": _TRUETYPE / "dejavu/DejaVuSerif-Italic.ttf",
                     "bold_italic": _TRUETYPE / "dejavu/DejaVuSerif-BoldItalic.ttf"}),
    ("DejaVuSans", {"regular": _TRUETYPE / "dejavu/DejaVuSans.ttf",
                    "bold": _TRUETYPE / "dejavu/DejaVuSans-Bold.ttf",
                    "italic": _TRUETYPE / "dejavu/DejaVuSans-Oblique.ttf",
                    "bold_italic": _TRUETYPE / "dejavu/DejaVuSans-BoldOblique.ttf"}),
]
# The font name XLSX cells ask for (the reader's Excel or LibreOffice supplies it).
XLSX_FONT = "Times New Roman"


@dataclass(frozen=True)
class Fonts:
    regular: str
    bold: str
    italic: str
    bold_italic: str


_fonts: Fonts | None = None
# Letters only Vietnamese uses: a font without them prints empty boxes.
VIETNAMESE_PROBE = "ẠỆỘỮịệộữơưđ"


def covers_vietnamese(path: Path) -> bool:
    from reportlab.pdfbase.ttfonts import TTFontFile

    try:
        glyphs = TTFontFile(str(path)).charToGlyph
    except Exception:  # noqa: BLE001 - an unreadable font file is simply not a candidate
        return False
    return all(ord(ch) in glyphs for ch in VIETNAMESE_PROBE)


def fonts() -> Fonts:
    """Register the document font family once; a clear 503 when no Vietnamese font is installed."""
    global _fonts
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if _fonts is not None and _fonts.regular in pdfmetrics.getRegisteredFontNames():
        return _fonts
    for family, paths in FONT_FAMILIES:
        if not paths["regular"].is_file() or not covers_vietnamese(paths["regular"]):
            continue
        names = {}
        for style, path in paths.items():
            name = family if style == "regular" else f"{family}-{style}"
            source = path if path.is_file() else (paths["bold"] if "bold" in style and paths["bold"].is_file()
                                                  else paths["regular"])
            if name not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(TTFont(name, str(source)))
            names[style] = name
        for bold, italic, style in ((0, 0, "regular"), (1, 0, "bold"), (0, 1, "italic"), (1, 1, "bold_italic")):
            addMapping(family, bold, italic, names[style])
        _fonts = Fonts(**names)
        return _fonts
    wanted = ", ".join(str(paths["regular"]) for _, paths in FONT_FAMILIES)
    raise DomainError(
        f"Không tìm thấy phông chữ tiếng Việt để in văn bản ({wanted}); cài gói fonts-liberation "
        "hoặc fonts-dejavu-core.",
        f"No Vietnamese font to render documents ({wanted}); install fonts-liberation or fonts-dejavu-core.",
        code="font_missing", status=503)


# --- words and numbers ---------------------------------------------------------------------------------


def vn_number(value: Any, *, digits: int = 2) -> str:
    """A number as Vietnamese documents write it: "92,5", "1.234", "0" (at most `digits` decimals)."""
    if value is None or value == "":
        return "—"
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    number = round(number, digits)
    text = f"{number:,.{digits}f}" if digits else f"{number:,.0f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")


def vn_score(points: Any, max_points: Any) -> str:
    """"92,5/98": points out of a maximum."""
    return f"{vn_number(points)}/{vn_number(max_points)}"


def vn_date(value: Any) -> str:
    """dd/mm/yyyy for a date, an aware datetime (in local time) or an ISO date string; "" for none."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.strftime("%d/%m/%Y")
    return value.strftime("%d/%m/%Y")


def vn_datetime(value: Any) -> str:
    """"08 giờ 20 phút, ngày 14/04/2026" is for prose; this is the compact "08:20 ngày 14/04/2026"."""
    if not value:
        return "—"
    local = timezone.localtime(value)
    return f"{local:%H:%M} ngày {local:%d/%m/%Y}"


def place_date_line(place: str, day: date) -> str:
    """"Nghệ An, ngày 05 tháng 02 năm 2026" (NĐ 30: a leading zero on days below 10 and months 1 and 2)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def province_name() -> str:
    """The force's own name from the org tree ("Công an tỉnh Nghệ An"), the top unit valid today."""
    from backend.org.models import Unit

    today = timezone.localdate()
    unit = (Unit.objects.filter(level=Unit.Level.PROVINCE, parent__isnull=True, valid_from__lte=today)
            .exclude(valid_to__lt=today).order_by("valid_from", "id").first())
    return unit.name if unit else DEFAULT_PROVINCE


def place_of(province: str) -> str:
    """"Công an tỉnh Nghệ An" -> "Nghệ An" (the place in the date line)."""
    for prefix in ("Công an tỉnh ", "Công an thành phố ", "Công an TP. ", "Công an "):
        if province.startswith(prefix):
            return province[len(prefix):].strip() or province
    return province


def vn_upper(text: str) -> str:
    return text.upper()


# --- PDF frame -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Heading:
    """What the top of a document says: who issues it, its number and symbol, where and when."""

    parent_body: str          # "Công an tỉnh Nghệ An": the body above the issuer (printed in capitals)
    issuer: str               # "Tổ kiểm tra đặc biệt": the issuing body (bold capitals, underlined)
    number: str               # "KT-D57C884D/BB-TKTĐB" or "     /BC-PX03" (blank for the clerk to fill)
    place: str                # "Nghệ An"
    day: date


# Page margins (NĐ 30, Phụ lục I: top/bottom 20-25 mm, left 30-35 mm, right 15-20 mm).
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
BODY_SIZE = 13


def styles() -> dict[str, Any]:
    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
    from reportlab.lib.styles import ParagraphStyle

    f = fonts()
    base = ParagraphStyle("body", fontName=f.regular, fontSize=BODY_SIZE, leading=BODY_SIZE * 1.25,
                          alignment=TA_JUSTIFY, firstLineIndent=0, spaceAfter=3)
    return {
        "body": base,
        "indent": ParagraphStyle("indent", parent=base, firstLineIndent=28),
        "cell": ParagraphStyle("cell", parent=base, fontSize=11, leading=13, alignment=TA_LEFT, spaceAfter=0),
        "cell_center": ParagraphStyle("cellc", parent=base, fontSize=11, leading=13, alignment=TA_CENTER,
                                      spaceAfter=0),
        "cell_head": ParagraphStyle("cellh", parent=base, fontName=f.bold, fontSize=11, leading=13,
                                    alignment=TA_CENTER, spaceAfter=0),
        "small": ParagraphStyle("small", parent=base, fontSize=11, leading=13.5, alignment=TA_LEFT),
        "heading": ParagraphStyle("heading", parent=base, fontName=f.bold, spaceBefore=6, spaceAfter=3,
                                  alignment=TA_LEFT, keepWithNext=1),
        "title": ParagraphStyle("title", parent=base, fontName=f.bold, fontSize=14, leading=18,
                                alignment=TA_CENTER, spaceBefore=14, spaceAfter=2),
        "subject": ParagraphStyle("subject", parent=base, fontName=f.bold, alignment=TA_CENTER, spaceAfter=10),
        "center": ParagraphStyle("center", parent=base, alignment=TA_CENTER, spaceAfter=0),
        "center_bold": ParagraphStyle("centerb", parent=base, fontName=f.bold, alignment=TA_CENTER, spaceAfter=0),
        "center_italic": ParagraphStyle("centeri", parent=base, fontName=f.italic, alignment=TA_CENTER,
                                        spaceAfter=0),
        "header_left": ParagraphStyle("hl", parent=base, fontSize=12.5, leading=15, alignment=TA_CENTER,
                                      spaceAfter=0),
        "header_left_bold": ParagraphStyle("hlb", parent=base, fontName=f.bold, fontSize=12.5, leading=15,
                                           alignment=TA_CENTER, spaceAfter=0),
        "nation": ParagraphStyle("nation", parent=base, fontName=f.bold, fontSize=12.5, leading=15,
                                 alignment=TA_CENTER, spaceAfter=0),
        "motto": ParagraphStyle("motto", parent=base, fontName=f.bold, fontSize=13.5, leading=16,
                                alignment=TA_CENTER, spaceAfter=0),
        "number": ParagraphStyle("number", parent=base, fontSize=13, leading=16, alignment=TA_CENTER,
                                 spaceAfter=0),
        "date_line": ParagraphStyle("date", parent=base, fontName=f.italic, fontSize=13.5, leading=16,
                                    alignment=TA_CENTER, spaceAfter=0),
        "recipients_head": ParagraphStyle("rh", parent=base, fontName=f.bold_italic, fontSize=12, leading=14,
                                          alignment=TA_LEFT, spaceAfter=0),
        "recipients": ParagraphStyle("rl", parent=base, fontSize=11, leading=13, alignment=TA_LEFT, spaceAfter=0),
    }


def para(text: str, style: Any) -> Any:
    """A paragraph of plain text (escaped; newlines kept)."""
    from xml.sax.saxutils import escape

    from reportlab.platypus import Paragraph

    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def _rule(width: float) -> Any:
    """A centred solid line of the given width (the underline below the motto and the issuer)."""
    from reportlab.platypus import Flowable

    class Rule(Flowable):
        def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
            self._avail = avail_width
            return avail_width, 7

        def draw(self) -> None:  # 4 pt below the line of text above, clear of its descenders
            x = (self._avail - width) / 2
            self.canv.setLineWidth(0.6)
            self.canv.line(x, 2, x + width, 2)

    return Rule()


def balanced_lines(text: str, width: float, *, font: str, size: float) -> list[str]:
    """`text` on as few lines as fit `width`, the words split so the lines are about as long as each
    other: "PHÒNG THANH TRA / CÔNG AN TỈNH", never "PHÒNG THANH TRA CÔNG AN / TỈNH" with a word alone."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    words = text.split()
    if stringWidth(text, font, size) <= width or len(words) < 2:
        return [text]
    for count in range(2, len(words) + 1):
        fitting = []
        for cuts in combinations(range(1, len(words)), count - 1):
            bounds = (0, *cuts, len(words))
            lines = [" ".join(words[a:b]) for a, b in zip(bounds, bounds[1:], strict=False)]
            widths = [stringWidth(line, font, size) for line in lines]
            if max(widths) <= width:
                # the most even split; among those, one whose lines narrow downwards (a header's shape)
                narrowing = all(a >= b for a, b in zip(widths, widths[1:], strict=False))
                fitting.append((not narrowing, max(widths), lines))
        if fitting:
            return min(fitting, key=lambda x: (x[0], x[1]))[2]
    return [text]


def header(heading: Heading, *, width: float) -> Any:
    """The national header (NĐ 30, ô 1-4): issuer left, nation and motto right, number, place and date."""
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.platypus import Table, TableStyle

    s = styles()
    f = fonts()
    left_w = width * 0.40
    right_w = width - left_w
    size = s["header_left_bold"].fontSize
    issuer_lines = balanced_lines(vn_upper(heading.issuer), left_w - 4, font=f.bold, size=size)
    issuer_w = max(stringWidth(line, f.bold, size) for line in issuer_lines)
    motto_w = stringWidth(MOTTO, f.bold, s["motto"].fontSize)
    left = [para(vn_upper(heading.parent_body), s["header_left"]), para("\n".join(issuer_lines), s["header_left_bold"]),
            _rule(min(issuer_w, left_w - 8) / 2.5)]
    right = [para(NATION, s["nation"]), para(MOTTO, s["motto"]), _rule(motto_w)]
    table = Table([[left, right],
                   [para(f"Số: {heading.number}", s["number"]),
                    para(place_date_line(heading.place, heading.day), s["date_line"])]],
                  colWidths=[left_w, right_w])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 1), (-1, 1), 6)]))
    return table


@dataclass(frozen=True)
class Signer:
    position: str          # "Tổ trưởng" (printed in bold capitals)
    name: str              # "" leaves the space for a hand-written name
    note: str = "(Ký, ghi rõ họ tên)"
    image: Any = None      # a drawn signature (a reportlab flowable) in place of the blank space


def signatures(signers: list[Signer | None], *, width: float, recipients: list[str] | None = None) -> Any:
    """Signature blocks side by side (None leaves a column empty); "Nơi nhận" in the left column."""
    from reportlab.platypus import Spacer, Table, TableStyle

    s = styles()
    cells: list[Any] = []
    for signer in signers:
        if signer is None:
            block: list[Any] = []
            if recipients:
                block = [para("Nơi nhận:", s["recipients_head"])] + [para(f"- {r}", s["recipients"])
                                                                     for r in recipients]
            cells.append(block)
            continue
        cells.append([para(vn_upper(signer.position), s["center_bold"]),
                      para(signer.note, s["center_italic"]), signer.image or Spacer(1, 22 * 2.835),
                      para(signer.name or " ", s["center_bold"])])
    table = Table([cells], colWidths=[width / len(cells)] * len(cells))
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    table.keepWithNext = False
    return table


def grid(rows: list[list[Any]], widths: list[float], *, header_rows: int = 1) -> Any:
    """A bordered table with a repeated header row."""
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    table = Table(rows, colWidths=widths, repeatRows=header_rows)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                               ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("VALIGN", (0, 0), (-1, header_rows - 1), "MIDDLE"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3)]))
    return table


def fit_widths(columns: list[list[str]], weights: list[float], *, nowrap: tuple[int, ...], total: float,
               size: float = 11) -> list[float]:
    """Column widths: the `nowrap` columns (numbers, codes, dates) get the width of their longest
    value so they never break mid-number; the others share what is left by their weights."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    f = fonts()
    fixed = {i: max((stringWidth(text, f.regular, size) for text in columns[i]), default=0) + 8 for i in nowrap}
    fixed = {i: max(w, total * weights[i] / sum(weights)) for i, w in fixed.items()}
    rest = total - sum(fixed.values())
    free = sum(w for i, w in enumerate(weights) if i not in fixed) or 1
    if rest < total * 0.3:  # the fixed columns would crowd out the text: fall back to the weights
        return [total * w / sum(weights) for w in weights]
    return [fixed[i] if i in fixed else rest * w / free for i, w in enumerate(weights)]


def build_pdf(story: list[Any], *, title: str, subject: str = "", first_page: int = 1,
              invariant: bool = False) -> bytes:
    """An A4 document with the NĐ 30 margins and the page number centred at the top from page 2.
    `first_page`: the number of its first page, for a part printed after another (numbered on every page).
    `invariant`: the same story gives the same bytes (no creation time, no random document id)."""
    import io

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    f = fonts()

    def later_pages(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(f.regular, 12)
        canvas.drawCentredString(A4[0] / 2 + (MARGINS_MM["left"] - MARGINS_MM["right"]) * mm / 2,
                                 A4[1] - 12 * mm, str(doc.page + first_page - 1))
        canvas.restoreState()

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=MARGINS_MM["left"] * mm,
                            rightMargin=MARGINS_MM["right"] * mm, topMargin=MARGINS_MM["top"] * mm,
                            bottomMargin=MARGINS_MM["bottom"] * mm, title=title, author="Counterwatch",
                            subject=subject, invariant=1 if invariant else 0)
    if first_page > 1:
        doc.build(story, onFirstPage=later_pages, onLaterPages=later_pages)
    else:
        doc.build(story, onLaterPages=later_pages)
    return buffer.getvalue()


def content_width() -> float:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm

    return A4[0] - (MARGINS_MM["left"] + MARGINS_MM["right"]) * mm


# --- XLSX frame ----------------------------------------------------------------------------------------


def xlsx_header(ws: Any, heading: Heading, *, title: str, subject: str = "", columns: int) -> int:
    """The same header rows as the PDF on a worksheet; returns the next free row.

    Columns 1..split hold the issuer, the rest the nation and motto; the title spans every column.
    """
    from openpyxl.styles import Alignment, Font

    columns = max(columns, 4)
    split = max(2, columns * 2 // 5)
    center = Alignment(horizontal="center", vertical="center", wrap_text=False)

    def put(row: int, c1: int, c2: int, text: str, font: Any) -> None:
        if c2 > c1:
            ws.merge_cells(start_row=row, start_column=c1, end_row=row, end_column=c2)
        cell = ws.cell(row=row, column=c1, value=xlsx_text(text))
        cell.font, cell.alignment = font, center

    put(1, 1, split, vn_upper(heading.parent_body), Font(name=XLSX_FONT, size=12))
    put(1, split + 1, columns, NATION, Font(name=XLSX_FONT, size=12, bold=True))
    put(2, 1, split, vn_upper(heading.issuer), Font(name=XLSX_FONT, size=12, bold=True, underline="single"))
    put(2, split + 1, columns, MOTTO, Font(name=XLSX_FONT, size=13, bold=True, underline="single"))
    put(3, 1, split, f"Số: {heading.number}", Font(name=XLSX_FONT, size=12))
    put(3, split + 1, columns, place_date_line(heading.place, heading.day),
        Font(name=XLSX_FONT, size=12, italic=True))
    put(5, 1, columns, title, Font(name=XLSX_FONT, size=14, bold=True))
    row = 6
    if subject:
        put(6, 1, columns, subject, Font(name=XLSX_FONT, size=12, bold=True))
        row = 7
    return row + 1


def xlsx_finish(ws: Any, *, first_row: int, widths: Sequence[float]) -> None:
    """Times New Roman everywhere below the header, wrapped text, column widths, A4 print setup."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    for row in ws.iter_rows(min_row=first_row):
        for cell in row:
            font = cell.font
            cell.font = Font(name=XLSX_FONT, size=font.size if font and font.size and font.size != 11 else 11,
                             bold=bool(font and font.bold), italic=bool(font and font.italic))
            if cell.alignment is None or not cell.alignment.horizontal:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


# Excel number formats; the reader's locale shows the decimal separator (a comma in vi-VN).
XLSX_NUMBER = "#,##0.0#"
XLSX_DATE = "dd/mm/yyyy"
XLSX_DATETIME = "dd/mm/yyyy hh:mm"


def xlsx_text(value: Any) -> str:
    """Text as a worksheet cell may hold it: every XLSX writer puts its text through here. Rows typed
    before the inputs were cleaned (backend.core.text.plain_text) may hold control characters, which
    openpyxl refuses (IllegalCharacterError, a 500 for every reader), or bidi overrides; they are
    dropped, line breaks and tabs stay."""
    return visible_chars("" if value is None else str(value))


def xlsx_value(cell: Any, value: Any) -> None:
    """Write a value with its number format: numbers stay numbers, dates stay dates (local time), text
    through `xlsx_text`."""
    if isinstance(value, datetime):
        cell.value = timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
        cell.number_format = XLSX_DATETIME
    elif isinstance(value, date):
        cell.value = value
        cell.number_format = XLSX_DATE
    elif isinstance(value, Decimal | float):
        cell.value = float(value)
        cell.number_format = "#,##0" if float(value).is_integer() else XLSX_NUMBER
    elif isinstance(value, int) and not isinstance(value, bool):
        cell.value = value
        cell.number_format = "#,##0"
    elif isinstance(value, str) or value is None:
        cell.value = xlsx_text(value)
    else:
        cell.value = value
