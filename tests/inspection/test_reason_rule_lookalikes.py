"""Insider F-E (S2): the reason rule accepted one syllable under ten tones, words with two tone marks, and
Vietnamese words typed with Cyrillic look-alike letters. Distinct words count without their marks, a word with
two tone marks is not a word, and letters outside Latin and Vietnamese are refused with a message saying so."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from backend.core.text import foreign_letters, is_vietnamese_syllable, tone_marks
from inspection.services_common import is_worded_reason, reason_words

pytestmark = pytest.mark.django_db

TONES = "ba bá bà bả bã bạ ca cá cà cả"
DOUBLE_TONES = "Ngườí ngườì ngườỉ ngườĩ ngườị ngưới"
CYRILLIC = "Кhông сó căn сứ хử lý"


def _draft(api_as, insp, reason: str):
    body = {"source": "footage", "category": "CAMERA_CHE", "title": "Camera bị che bằng giấy",
            "unit_id": insp.units["CAX-ND"].pk, "occurred_from": (timezone.now() - timedelta(days=2)).isoformat(),
            "occurred_to": (timezone.now() - timedelta(days=1)).isoformat(), "unit_level_reason": reason}
    return api_as("reviewer").post("/api/inspection/findings/", body, format="json")


def test_the_words_count_without_their_marks_and_one_tone_each() -> None:
    assert [w.lower() for w in reason_words(TONES)] == ["ba", "ca"]
    assert tone_marks("người") == 1 and tone_marks("ngườí") == 2
    assert is_vietnamese_syllable("người") and not is_vietnamese_syllable("ngườí")
    assert foreign_letters(CYRILLIC) == "Ксх" and not foreign_letters("Không có căn cứ xử lý, đúng quy định")
    for text in (TONES, DOUBLE_TONES, CYRILLIC):
        assert not is_worded_reason(text, words=3, letters=10), text
    assert is_worded_reason("Không có căn cứ xử lý", words=3, letters=10)


@pytest.mark.parametrize("junk", [TONES, DOUBLE_TONES, CYRILLIC + " theo quy định"])
def test_the_api_refuses_them(api_as, insp, junk: str) -> None:
    r = _draft(api_as, insp, junk)
    assert r.status_code == 400, r.content
    assert "unit_level_reason" in r.json()["error"]["fields"]


def test_foreign_letters_are_named_in_the_refusal(api_as, insp) -> None:
    r = _draft(api_as, insp, CYRILLIC + " theo quy định của ngành")
    error = r.json()["error"]
    assert r.status_code == 400 and error["code"] == "reason_foreign_letters"
    assert "không thuộc bảng chữ cái tiếng Việt" in error["message"] and "Ксх" in error["message"]


def test_a_real_reason_still_passes(api_as, insp) -> None:
    r = _draft(api_as, insp, "Hình ảnh không cho thấy cán bộ nào, chưa xác định được cá nhân")
    assert r.status_code == 201, r.content
