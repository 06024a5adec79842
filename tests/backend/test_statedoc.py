"""The state-format frame shared by every issued document (NĐ 30/2020/NĐ-CP): words, numbers, fonts."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from backend.core import statedoc
from backend.core.errors import DomainError


@pytest.mark.parametrize("value, digits, expected", [
    (Decimal("92.50"), 2, "92,5"), (92.5, 2, "92,5"), ("98.00", 2, "98"), (0, 2, "0"), (Decimal("0.00"), 2, "0"),
    (1234.5, 2, "1.234,5"), (1234567, 0, "1.234.567"), (85.5714, 2, "85,57"), (None, 2, "—"), ("abc", 2, "abc"),
])
def test_numbers_are_written_the_vietnamese_way(value, digits, expected):
    assert statedoc.vn_number(value, digits=digits) == expected


def test_a_score_is_points_over_the_maximum_with_a_decimal_comma():
    assert statedoc.vn_score(Decimal("92.50"), Decimal("98.00")) == "92,5/98"


@pytest.mark.parametrize("day, expected", [
    (date(2026, 2, 5), "Nghệ An, ngày 05 tháng 02 năm 2026"),   # day < 10 and months 1-2 get a zero
    (date(2026, 3, 9), "Nghệ An, ngày 09 tháng 3 năm 2026"),
    (date(2026, 11, 30), "Nghệ An, ngày 30 tháng 11 năm 2026"),
])
def test_the_place_and_date_line(day, expected):
    assert statedoc.place_date_line("Nghệ An", day) == expected


def test_the_place_is_the_province_name_without_its_force():
    assert statedoc.place_of("Công an tỉnh Nghệ An") == "Nghệ An"
    assert statedoc.place_of("Công an thành phố Hà Nội") == "Hà Nội"


def test_a_font_without_vietnamese_is_never_chosen(monkeypatch, tmp_path):
    vietnamese = statedoc.FONT_FAMILIES[-1][1]["regular"]  # DejaVu Sans (fonts-dejavu-core)
    assert statedoc.covers_vietnamese(vietnamese)
    broken = tmp_path / "NoVietnamese.ttf"
    broken.write_bytes(b"not a font")
    assert not statedoc.covers_vietnamese(broken)
    monkeypatch.setattr(statedoc, "_fonts", None)
    monkeypatch.setattr(statedoc, "FONT_FAMILIES", [
        ("Broken", {"regular": broken, "bold": broken, "italic": broken, "bold_italic": broken}),
        ("DejaVuSans", {"regular": vietnamese, "bold": vietnamese, "italic": Path("/nonexistent.ttf"),
                        "bold_italic": Path("/nonexistent.ttf")})])
    chosen = statedoc.fonts()
    assert chosen.regular == "DejaVuSans" and chosen.italic == "DejaVuSans-italic"


def test_no_vietnamese_font_is_a_clear_503(monkeypatch, tmp_path):
    monkeypatch.setattr(statedoc, "_fonts", None)
    missing = tmp_path / "missing.ttf"
    monkeypatch.setattr(statedoc, "FONT_FAMILIES", [
        ("Missing", {"regular": missing, "bold": missing, "italic": missing, "bold_italic": missing})])
    with pytest.raises(DomainError) as caught:
        statedoc.fonts()
    assert caught.value.code == "font_missing" and caught.value.status == 503
    assert "phông chữ" in caught.value.message


def test_the_issuer_in_the_header_is_split_into_balanced_lines_never_a_word_alone():
    # fixui (acc-1.png): "PHÒNG THANH TRA CÔNG AN / TỈNH" left "TỈNH" alone on the second line
    f = statedoc.fonts()
    size = statedoc.styles()["header_left_bold"].fontSize
    width = statedoc.content_width() * 0.40 - 4
    lines = statedoc.balanced_lines("PHÒNG THANH TRA CÔNG AN TỈNH", width, font=f.bold, size=size)
    assert lines == ["PHÒNG THANH TRA", "CÔNG AN TỈNH"]
    assert statedoc.balanced_lines("PHÒNG THANH TRA", width, font=f.bold, size=size) == ["PHÒNG THANH TRA"]
    heading = statedoc.Heading(parent_body="Công an tỉnh Nghệ An", issuer="Phòng Thanh tra Công an tỉnh",
                               number="/BC-PX03", place="Nghệ An", day=date(2026, 11, 30))
    issuer = statedoc.header(heading, width=statedoc.content_width())._cellvalues[0][0][1]
    assert issuer.text.replace("<br/>", "|") == "PHÒNG THANH TRA|CÔNG AN TỈNH"
