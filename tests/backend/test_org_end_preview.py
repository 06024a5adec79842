"""Ending a unit (a merger or an abolition): what the end preview lists before the confirmation, the dates it
refuses, and the merge's confirmation asked in Vietnamese.

Where these came from:
Issue 15: merging or abolishing a unit was one click that ended the head's, the deputies' and the
officers' posts without showing them. GET /api/org/units/{id}/end-preview/?on= lists, before any
confirmation, the posts that end (rank and name, head/deputy and the deputy's field), the sub-units that
need a new parent and what an end in the past would cut; the merge then ends exactly those posts.
Reviewer, issue 15 (the last two tests): the merge's confirm message said "(confirm)" in English; the end
preview showed a last day before the unit's first day (a date before the start) instead of refusing it, as the
merge itself does."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from backend.org.models import Assignment, FieldOfCharge
from tests.inspection.factories import AssignmentFactory, OfficerFactory, UnitFactory

pytestmark = pytest.mark.django_db


def test_the_preview_lists_the_posts_a_merger_ends_and_the_merger_ends_exactly_those(api_as, demo):
    admin = api_as("admin")
    province = demo.units["CAT-NA"]
    a = UnitFactory(parent=province)
    into = UnitFactory(parent=province)
    field = FieldOfCharge.objects.order_by("pk").first() or FieldOfCharge.objects.create(
        code="tt", name_vi="Trật tự", name_en="Public order")
    head = AssignmentFactory(unit=a, is_head=True, position="Trưởng Công an xã",
                             officer=OfficerFactory(full_name="Lê Văn Hải", rank="Thiếu tá"))
    deputy = AssignmentFactory(unit=a, is_deputy=True, position="Phó Trưởng Công an xã", field=field,
                               officer=OfficerFactory(full_name="Phạm Thị Lan", rank="Đại úy"))
    officer = AssignmentFactory(unit=a, position="Cán bộ một cửa", officer=OfficerFactory(full_name="Hồ Văn An"))
    ended = AssignmentFactory(unit=a, position="Cán bộ", valid_to=date(2023, 12, 31))
    on = timezone.localdate() + timedelta(days=30)

    preview = admin.get(f"/api/org/units/{a.pk}/end-preview/?on={on.isoformat()}")
    assert preview.status_code == 200, preview.content
    body = preview.json()
    assert body["last_day"] == (on - timedelta(days=1)).isoformat() and body["already_ended"] is False
    posts = [p["assignment"] for p in body["posts"]]
    assert [p["id"] for p in posts] == [head.pk, deputy.pk, officer.pk]  # head first, then deputies
    assert posts[0]["officer"]["rank"] == "Thiếu tá" and posts[0]["officer"]["full_name"] == "Lê Văn Hải"
    assert posts[0]["is_head"] is True and posts[1]["is_deputy"] is True
    assert posts[1]["field"]["name_vi"] == field.name_vi
    assert ended.pk not in [p["id"] for p in posts]
    assert body["children"] == [] and body["records"]["findings"] == []

    # the merger from that day (a future day: no confirmation asked by the server) ends those posts
    merged = admin.post("/api/org/units/merge/", {"unit_ids": [a.pk], "into_id": into.pk, "on": on.isoformat()},
                        format="json")
    assert merged.status_code == 200, merged.content
    changed = set(Assignment.objects.filter(unit=a, valid_to=on - timedelta(days=1)).values_list("pk", flat=True))
    assert changed == {head.pk, deputy.pk, officer.pk}


def test_the_preview_names_the_sub_units_an_abolition_moves(api_as, demo):
    district = demo.units["CAH-TC"]
    body = api_as("admin").get(f"/api/org/units/{district.pk}/end-preview/?on=2025-02-01").json()
    assert body["children"] and all(c["level"] for c in body["children"])
    assert "CAX-TD" in {c["code"] for c in body["children"]}


def test_only_the_admin_reads_it_and_the_date_is_required_in_words(api_as, demo):
    unit = demo.units["CAX-KL"]
    assert api_as("lead").get(f"/api/org/units/{unit.pk}/end-preview/?on=2030-01-01").status_code == 403
    missing = api_as("admin").get(f"/api/org/units/{unit.pk}/end-preview/")
    assert missing.status_code == 400 and missing.json()["error"]["message"].startswith("Cần chọn ngày hiệu lực")
    bad = api_as("admin").get(f"/api/org/units/{unit.pk}/end-preview/?on=01/07/2025")
    assert bad.status_code == 400


def test_an_end_in_the_past_lists_the_findings_it_would_cut_that_the_admin_may_see(api_as, demo):
    """The preview reads the records as the write's refusal names them, for this admin (the secrecy rule
    of unit_records_after): a confirmed finding after the last day is named; nothing tells whether unseen records exist."""
    from tests.inspection.factories import FindingFactory

    unit = UnitFactory(parent=demo.units["CAT-NA"], valid_from=date(2020, 1, 1))
    finding = FindingFactory(unit=unit, occurred_from=timezone.now() - timedelta(days=2))
    on = timezone.localdate() - timedelta(days=5)
    body = api_as("admin").get(f"/api/org/units/{unit.pk}/end-preview/?on={on.isoformat()}").json()
    assert [f.split(" ")[0] for f in body["records"]["findings"]] == [finding.reference]
    assert "unpublished" not in body["records"]


def test_the_confirm_message_is_vietnamese_only(api_as: Any, demo: Any) -> None:
    a: Any = UnitFactory(parent=demo.units["CAT-NA"])
    into: Any = UnitFactory(parent=demo.units["CAT-NA"], valid_from=date(2026, 7, 1))
    AssignmentFactory(unit=a, is_head=True)
    body = {"unit_ids": [a.pk], "into_id": into.pk, "on": "2026-07-01", "reason": "Quyết định sáp nhập bổ sung"}
    r = api_as("admin").post("/api/org/units/merge/", body, format="json")
    assert r.status_code == 409 and r.json()["error"]["code"] == "confirm_required"
    assert "confirm" not in r.json()["error"]["message"].lower() and "Xác nhận" in r.json()["error"]["message"]


def test_the_end_preview_refuses_a_day_before_the_unit_began(api_as: Any, demo: Any) -> None:
    a: Any = UnitFactory(parent=demo.units["CAT-NA"], valid_from=date(2026, 5, 10))
    for on in ("2026-05-10", "2026-01-01"):
        r = api_as("admin").get(f"/api/org/units/{a.pk}/end-preview/?on={on}")
        assert r.status_code == 400, r.content
        body = r.json()["error"]
        assert body["code"] == "invalid_period" and "ngày thành lập" in body["message"] and "10/05/2026" in body["message"]
    assert api_as("admin").get(f"/api/org/units/{a.pk}/end-preview/?on=2026-05-11").status_code == 200
