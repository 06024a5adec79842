"""Insider S2-2: reasons that say nothing ("xin chào các bạn nhé", "không có gì", "lý do", "ok") were accepted by
the one reason rule (require_worded_reason) and, where it was not applied, by a check cancellation, an amendment
after sign-off, a unit merge from a past day, a team-grant approval and refusal and the identity overrides. The
rule refuses a reason made only of greetings and filler words; every one of these applies it."""
from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from inspection.services_common import is_worded_reason, says_nothing
from tests.inspection.factories import AssignmentFactory, UnitFactory
from tests.inspection.test_field_signoff import running  # noqa: F401 - the fixture
from tests.inspection.test_report_signoff_rules import _signed_clean
from tests.inspection.test_reports import _url
from tests.inspection.test_secrecy import _plan

NOTHING = ["xin chào", "xin chào các bạn nhé", "aaaa aaaa", "lý do", "ok", "test", "không có gì", "ok test ok",
           "lý do lý do lý do", "không không không không", "qwrt zxcv bnm", "chào buổi sáng các đồng chí"]
REAL = ["Cán bộ nghỉ phép theo quyết định số 12/QĐ-CAX ngày 3/5", "Nhập nhầm điểm tiêu chí 4, biên bản gốc ghi 2 điểm",
        "Hai cán bộ khác nhau, cùng tên", "Không có quyết định điều động", "Đồng chí Bình nghỉ phép buổi sáng"]
FILLER = "xin chào các bạn nhé"
# the insider's re-check of stop 26: whims, the weather, counting
WHIMS = ["Làm cho có", "Không thích", "Vì thích thế", "Trời hôm nay đẹp quá", "Chẳng có gì để nói cả", "gõ đại cho xong",
         "Một hai ba bốn năm sáu bảy", "Chưa nghĩ ra lý do gì cả", "Đã xem"]


def test_the_rule_refuses_what_says_nothing_and_keeps_real_reasons() -> None:
    for text in NOTHING:
        assert not is_worded_reason(text, words=2, letters=6), text
    for text in REAL:
        assert is_worded_reason(text, words=3, letters=12) and not says_nothing(text), text


def test_whims_the_weather_and_counting_say_nothing_either() -> None:
    for text in WHIMS:
        assert says_nothing(text), text
    for text in REAL + ["Hủy cho nhanh vì đơn vị đã sáp nhập", "Nhầm ngày, cán bộ nghỉ ốm"]:
        assert not says_nothing(text), text


def test_the_web_app_refuses_the_same_words() -> None:
    """One owner: the web app's copy of the list (frontend/src/components/reasonRule.ts) is the server's."""
    import re
    from pathlib import Path

    from inspection.services_common import FILLER_WORDS

    source = (Path(__file__).resolve().parents[2] / "frontend/src/components/reasonRule.ts").read_text(encoding="utf-8")
    block = source.split("const FILLER_WORDS = new Set(", 1)[1].split(".split(", 1)[0]
    assert set(" ".join(re.findall(r'"([^"]*)"', block)).split()) == set(FILLER_WORDS)


def _refused(response: Any) -> None:
    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] in ("reason_says_nothing", "reason_not_words"), response.content


@pytest.mark.django_db
def test_a_check_cancellation_needs_a_reason(api_as: Any, insp: Any) -> None:
    check = _plan(insp)
    _refused(api_as("lead").post(f"/api/inspection/checks/{check.uid}/cancel/", {"reason": FILLER}, format="json"))
    done = api_as("lead").post(f"/api/inspection/checks/{check.uid}/cancel/",
                               {"reason": "Đơn vị đã sáp nhập theo quyết định mới"}, format="json")
    assert done.status_code == 200, done.content


@pytest.mark.django_db
def test_an_amendment_after_sign_off_needs_a_reason(api_as: Any, running: Any) -> None:  # noqa: F811
    lead = _signed_clean(api_as, running)
    _refused(lead.post(_url(running, "amendments/"), {"reason": "không có gì", "summary": "Đơn vị làm đúng."},
                       format="json"))


@pytest.mark.django_db
def test_a_unit_merge_from_a_past_day_needs_a_reason(api_as: Any, demo: Any) -> None:
    a: Any = UnitFactory(parent=demo.units["CAT-NA"])
    into: Any = UnitFactory(parent=demo.units["CAT-NA"], valid_from=date(2026, 7, 1))
    AssignmentFactory(unit=a, is_head=True)
    body = {"unit_ids": [a.pk], "into_id": into.pk, "on": "2026-07-01", "reason": FILLER}
    _refused(api_as("admin").post("/api/org/units/merge/", body, format="json"))


@pytest.mark.django_db
def test_team_grant_approval_and_refusal_need_a_reason(api_as: Any, demo: Any) -> None:
    from backend.accounts.models import TeamGrant
    from tests.backend.test_team_grants import _free_officer

    admin, lead = api_as("admin"), api_as("lead")
    for username in ("tkmot", "tkhai"):
        created = admin.post("/api/auth/users/", {"username": username, "role": "inspector",
                                                  "officer_id": _free_officer().pk}, format="json")
        assert created.status_code == 201, created.content
    first, second = (TeamGrant.objects.get(target__username=u) for u in ("tkmot", "tkhai"))
    _refused(lead.post(f"/api/auth/team-grants/{first.pk}/approve/", {"reason": "ok"}, format="json"))
    _refused(lead.post(f"/api/auth/team-grants/{second.pk}/refuse/", {"reason": FILLER}, format="json"))
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.state == second.state == TeamGrant.State.PENDING


@pytest.mark.django_db
def test_an_identity_override_needs_a_reason(api_as: Any) -> None:
    from tests.backend.test_names_typed_unconverted import _account, _officer

    admin = api_as("admin")
    _refused(_officer(admin, full_name="Đặng Văn Bìn", distinct_reason=FILLER))
    _refused(_account(admin, full_name="Đặng Văn Bình", distinct_reason="không có gì"))
