"""Insider review (secrecy, severity one): the admin could date an unpublished draft finding by bisecting
the `on` date of the unit end preview (`unpublished: true/false`) or of a refused abolish, merge or posting
end. An org change now does not look at a record the caller may not see (as for a planned check): every
answer is identical with and without the draft. The law is kept on the other side: confirming the draft
afterwards re-checks the org record and is refused in words (docs/architecture.md, "Org changes and
secret records")."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from backend.org.models import Assignment, Unit
from inspection.models import Finding
from tests.inspection.factories import UnitFactory

VN = timezone.get_fixed_timezone(7 * 60)
DRAFT_DAY = date(2026, 10, 5)
pytestmark = pytest.mark.django_db


def _draft(client: Any, unit: Unit, officer_id: int) -> dict:
    response = client.post("/api/inspection/findings/", {
        "source": "footage", "category": "VANG_MAT", "title": "Vắng mặt tại quầy", "unit_id": unit.pk,
        "occurred_from": datetime(DRAFT_DAY.year, DRAFT_DAY.month, DRAFT_DAY.day, 9, 0, tzinfo=VN).isoformat(),
        "subjects": [{"officer_id": officer_id, "role": "violator"}]}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def _answer(client: Any, method: str, url: str, body: dict | None = None) -> tuple[int, Any]:
    """The caller's full answer; a write that succeeds is rolled back, so the same question can be asked
    again in the other world (with / without the draft)."""
    with transaction.atomic():
        response = client.get(url) if method == "get" else client.post(url, body, format="json")
        transaction.set_rollback(True)
    return response.status_code, response.json()


def _questions(insp: Any, into: Unit) -> list[tuple[str, str, dict | None]]:
    tc = insp.units["CAX-TC"]
    anh = Assignment.objects.get(officer=insp.officers["NA-2104"], unit=tc)
    questions: list[tuple[str, str, dict | None]] = []
    for on in ("2026-09-30", "2026-10-04", "2026-10-05", "2026-10-06", "2026-10-20"):
        questions += [
            ("get", f"/api/org/units/{tc.pk}/end-preview/?on={on}", None),
            ("post", f"/api/org/units/{tc.pk}/abolish/", {"on": on}),
            ("post", f"/api/org/units/{tc.pk}/abolish/", {"on": on, "reason": "Giải thể theo quyết định",
                                                          "confirm": True}),
            ("post", "/api/org/units/merge/", {"unit_ids": [tc.pk], "into_id": into.pk, "on": on}),
            ("post", "/api/org/units/merge/", {"unit_ids": [tc.pk], "into_id": into.pk, "on": on,
                                               "reason": "Sáp nhập theo quyết định", "confirm": True}),
            ("post", f"/api/org/assignments/{anh.pk}/end/", {"on": on}),
        ]
    return questions


def test_the_admins_answers_are_the_same_with_and_without_a_draft(api_as, insp):
    admin = api_as("admin")
    into = UnitFactory.create(parent=insp.units["CAT-NA"], valid_from=date(2025, 7, 1))
    questions = _questions(insp, into)
    without = [_answer(admin, *q) for q in questions]
    draft = _draft(api_as("inspector"), insp.units["CAX-TC"], insp.officers["NA-2104"].pk)
    assert admin.get(f"/api/inspection/findings/{draft['id']}/").status_code == 404  # the admin may not know
    with_draft = [_answer(admin, *q) for q in questions]
    for question, before, after in zip(questions, without, with_draft, strict=True):
        assert before == after, (question, before, after)
    for (_method, url, _), (status, body) in zip(questions, with_draft, strict=True):
        text = str(body)
        assert "unpublished" not in text and "chưa công bố" not in text and draft["reference"] not in text
        if "end-preview" in url:
            assert status == 200 and "unpublished" not in body["records"]
    # the questions did reach the writes' refusals (a reason demanded for a past day), not an early 4xx
    assert {body["error"]["code"] for status, body in with_draft if status >= 400} >= {"reason_required"}


def test_confirming_a_draft_on_a_unit_abolished_since_is_refused_in_words(api_as, insp):
    tc = insp.units["CAX-TC"]
    draft = _draft(api_as("inspector"), tc, insp.officers["NA-2104"].pk)
    done = api_as("admin").post(f"/api/org/units/{tc.pk}/abolish/", {
        "on": "2026-10-01", "reason": "Giải thể theo quyết định", "confirm": True}, format="json")
    assert done.status_code == 200, done.content  # the draft did not block it (nor was it named)
    assert draft["reference"] not in done.content.decode()
    refused = api_as("lead").post(f"/api/inspection/findings/{draft['id']}/transition/",
                                  {"to": "confirmed", "reason": "Đã xác minh qua hình ảnh"}, format="json")
    assert refused.status_code == 409, refused.content
    error = refused.json()["error"]
    assert error["code"] == "org_changed_since_draft"
    assert error["message"].startswith(f"Không thể xác nhận vi phạm {draft['reference']}")
    assert tc.name in error["message"] and "unit_id" in error["fields"]
    assert Finding.objects.get(pk=draft["id"]).state == Finding.State.DRAFT


def test_confirming_a_draft_naming_a_posting_ended_since_is_refused_in_words(api_as, insp):
    tc = insp.units["CAX-TC"]
    anh = Assignment.objects.get(officer=insp.officers["NA-2104"], unit=tc)
    draft = _draft(api_as("inspector"), tc, anh.officer_id)
    ended = api_as("admin").post(f"/api/org/assignments/{anh.pk}/end/", {"on": "2026-09-30"}, format="json")
    assert ended.status_code == 200, ended.content  # no reason demanded: the draft is not looked at
    refused = api_as("lead").post(f"/api/inspection/findings/{draft['id']}/transition/",
                                  {"to": "confirmed", "reason": "Đã xác minh qua hình ảnh"}, format="json")
    assert refused.status_code == 409, refused.content
    error = refused.json()["error"]
    assert error["code"] == "org_changed_since_draft" and "không công tác tại" in error["message"]
    assert Finding.objects.get(pk=draft["id"]).state == Finding.State.DRAFT
    # the team corrects the draft (drops the subject, says why no one is named) and may then publish it
    edited = api_as("inspector").patch(f"/api/inspection/findings/{draft['id']}/", {
        "subjects": [], "unit_level_reason": "Hình ảnh không cho thấy cán bộ nào, chưa xác định được cá nhân"}, format="json")
    assert edited.status_code == 200, edited.content
    confirmed = api_as("lead").post(f"/api/inspection/findings/{draft['id']}/transition/",
                                    {"to": "confirmed", "reason": "Đã xác minh qua hình ảnh"}, format="json")
    assert confirmed.status_code == 200, confirmed.content
