"""Insider re-check S1: the reason rule took any Latin letter, so umlauts ("nöi"), carons, "ɑ", dotless "ı" or
Icelandic "Ð"/"ð" passed for Vietnamese. One strict alphabet now: a-z, đ/Đ and the Vietnamese marks only."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from backend.core.text import foreign_letters, has_vietnamese_marks, is_vietnamese_syllable

pytestmark = pytest.mark.django_db

LOOKALIKES = {
    "umlaut": ("Không có căn cứ xử lý theo quy đinh nöi bộ", "ö"),
    "caron": ("Không có căn cứ xử lý theo quy đǐnh của ngành", "ǐ"),
    "alpha": ("Không có căn cứ xử lý theo quy định cɑ nhân", "ɑ"),
    "dotless": ("Không có căn cứ xử lý theo quy định qu\u0131 ngành", "\u0131"),
    "eth": ("Không có căn cứ xử lý theo quy Ðịnh của ngành", "Ð"),
}


def test_only_the_vietnamese_alphabet_is_vietnamese() -> None:
    assert not foreign_letters("Đặng Văn Bình, Trương Lượng, người ở đây: ăn, âm, ê, ô, ơ, ư (12/QĐ)")
    assert foreign_letters("ĐẶNG VĂN ВÌNН") == "ВН"
    assert foreign_letters("ä ö ü ï ǎ ɑ ı Ð ð") == "äöüïǎɑıÐð"
    assert foreign_letters("na\u0308m") == "ä"
    assert not is_vietnamese_syllable("nöi") and not has_vietnamese_marks("nöi")
    for text, letter in LOOKALIKES.values():
        assert foreign_letters(text) == letter, text


@pytest.mark.parametrize("name", sorted(LOOKALIKES))
def test_the_api_names_the_foreign_letter(api_as, insp, name: str) -> None:
    text, letter = LOOKALIKES[name]
    body = {"source": "footage", "category": "CAMERA_CHE", "title": "Camera bị che bằng giấy",
            "unit_id": insp.units["CAX-ND"].pk, "occurred_from": (timezone.now() - timedelta(days=2)).isoformat(),
            "occurred_to": (timezone.now() - timedelta(days=1)).isoformat(), "unit_level_reason": text}
    r = api_as("reviewer").post("/api/inspection/findings/", body, format="json")
    error = r.json()["error"]
    assert r.status_code == 400 and error["code"] == "reason_foreign_letters", r.content
    assert letter in error["message"] and "không thuộc bảng chữ cái tiếng Việt" in error["message"]
