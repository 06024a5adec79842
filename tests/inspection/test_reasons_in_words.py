"""Reasons that carry legal weight are written in words: not junk, keyboard runs, one letter repeated, or words
without the Vietnamese marks.

Where these came from:
Issue 15, S2-2: a finding was confirmed with the unit-level reason "aaaaaaaaaaaaaaaaaaaa" and the
confirmation reason ".". Reasons that carry legal weight (confirm, dismiss, action, unit-level) must be
written in words: a few different words of two letters or more, not one letter repeated."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from inspection.models import Finding
from inspection.services_common import is_worded_reason, reason_words

pytestmark = pytest.mark.django_db


def _when(days: int) -> str:
    return (timezone.now() - timedelta(days=days)).isoformat()


def _draft(api_as, insp, reason: str):
    body = {"source": "footage", "category": "CAMERA_CHE", "title": "Camera bị che bằng giấy",
            "unit_id": insp.units["CAX-ND"].pk, "occurred_from": _when(2), "occurred_to": _when(1),
            "unit_level_reason": reason}
    return api_as("reviewer").post("/api/inspection/findings/", body, format="json")


@pytest.mark.parametrize("junk", ["aaaaaaaaaaaaaaaaaaaa", "aaaa bbbb cccc dddd eeee", "xyz1234567890123456789",
                                  "không không không không không", "asdf qwer zxcv hjkl uiop ghjk"])
def test_a_junk_unit_level_reason_is_refused(api_as, insp, junk: str) -> None:
    r = _draft(api_as, insp, junk)
    assert r.status_code == 400, r.content
    error = r.json()["error"]
    assert "unit_level_reason" in error["fields"] and "thành lời" in error["message"]


@pytest.mark.parametrize("junk", [".", "x", "aaaaaaaa", "ok ok ok", "Đúng", "xx yy", "12/QĐ", "asdf qwer", "jkl; zxcv"])
@pytest.mark.parametrize("to", ["confirmed", "dismissed"])
def test_a_junk_transition_reason_is_refused(api_as, insp, junk: str, to: str) -> None:
    fid = _draft(api_as, insp, "Hình ảnh không cho thấy cán bộ nào, chưa xác định được cá nhân").json()["id"]
    r = api_as("lead").post(f"/api/inspection/findings/{fid}/transition/", {"to": to, "reason": junk}, format="json")
    assert r.status_code == 400, r.content
    assert "reason" in r.json()["error"]["fields"]
    assert Finding.objects.get(pk=fid).state == "draft"


def test_an_action_reason_is_in_words_too(api_as, insp) -> None:
    fid = insp.extra["inspection"]["findings"][0]  # confirmed in the demo
    discipline = api_as("discipline")
    url = f"/api/inspection/findings/{fid}/transition/"
    assert discipline.post(url, {"to": "actioned", "reason": "."}, format="json").status_code == 400
    done = discipline.post(url, {"to": "actioned", "reason": "Quyết định kỷ luật số 12/QĐ"}, format="json")
    assert done.status_code == 200 and done.json()["state"] == "actioned"


def test_real_reasons_pass(api_as, insp) -> None:
    r = _draft(api_as, insp, "Hình ảnh không cho thấy cán bộ nào, chưa xác định được cá nhân")
    assert r.status_code == 201, r.content
    ok = api_as("lead").post(f"/api/inspection/findings/{r.json()['id']}/transition/",
                             {"to": "confirmed", "reason": "Xác minh"}, format="json")
    assert ok.status_code == 200 and ok.json()["state"] == "confirmed"


def test_the_word_rule() -> None:
    assert reason_words("Aaaa aaaa AAAA bb Xác minh xác") == ["Xác", "minh"]
    assert not is_worded_reason("a\u200ba\u200ba cd", words=2, letters=4)
    assert is_worded_reason("Có biên lai", words=2, letters=6)


def test_keyboard_runs_are_not_words_but_vietnamese_is() -> None:
    """Issue 15, S2 (re-check): "asdf qwer" passed, two different words of four letters. A word counts when
    it is shaped like a Vietnamese syllable; codes and numbers stand beside the words without counting."""
    assert not is_worded_reason("asdf qwer", words=2, letters=6)
    assert not is_worded_reason("asdf qwer zxcv hjkl uiop", words=4, letters=20)
    assert is_worded_reason("Quyết định kỷ luật số 12/QĐ-CAT", words=2, letters=6)
    assert is_worded_reason("người nghiêng khuya quyết được tuyển gìn giữ", words=4, letters=20)


@pytest.mark.parametrize("junk", ["asdfgh", "qwerty uiop", "zxcvbn 2026", "an em asdfgh", "bo bi xxxxx"])
def test_a_published_reason_is_in_words_too(junk: str) -> None:
    """Insider re-check: a draw whose checks were all cancelled was closed with the reason "asdfgh", which then stood
    in the draw's published commitments. Draw, check-cancel, absence and risk-weight reasons share one rule."""
    from backend.core.errors import DomainError
    from inspection.services_common import _require_reason

    with pytest.raises(DomainError) as refused:
        _require_reason(junk, "reason", "lý do khóa sổ")
    assert "tiếng Việt" in refused.value.message
    assert _require_reason("Bão số 3, hoãn cả đợt", "reason", "lý do") == "Bão số 3, hoãn cả đợt"


def test_keyboard_runs_beside_short_syllables_are_not_reasons() -> None:
    """Insider re-check: "an em asdfgh" passed (two syllables of two letters, the rest a keyboard run)."""
    assert not is_worded_reason("an em asdfgh qwerty", words=2, letters=4)
    assert is_worded_reason("Camera tải lên nhầm quầy Nam Đàn", words=3, letters=15)
    assert is_worded_reason("Đơn vị đang diễn tập PCCC theo kế hoạch UBND", words=2, letters=6)


@pytest.mark.parametrize("unmarked", ["the man can go in the tin", "ba bo bi be bu ca co", "mot hai ba bon nam sau bay",
                                      "xin chao ban nhe asdfghjkl"])
def test_words_shaped_like_vietnamese_but_without_its_marks_are_not_a_reason(api_as, insp, unmarked: str) -> None:
    """Insider re-check: English words, a count typed without marks and a row of syllables passed as reasons
    (they are shaped like syllables); Vietnamese is written with its marks, as every document the reason goes into."""
    assert not is_worded_reason(unmarked, words=2, letters=6)
    r = _draft(api_as, insp, unmarked + " " + unmarked.upper())
    assert r.status_code == 400, r.content
    assert "có dấu" in r.json()["error"]["message"]
    for marked in ("Cán bộ vắng mặt tại quầy", "Camera tải lên nhầm quầy", "Không có cán bộ tại quầy lúc 09:40."):
        assert is_worded_reason(marked, words=3, letters=12), marked
