"""Org administration through the API as the admin: tree as of a date, rename, merge, abolish with
successors, officers, appointments and their Vietnamese refusals, history per unit and officer."""
from __future__ import annotations

from datetime import date

import pytest

from backend.audit.models import AuditEvent
from backend.org.models import Assignment, Officer, Unit, UnitLink
from tests.inspection.factories import AssignmentFactory, OfficerFactory, UnitFactory


def _tree(client, at: str) -> dict[str, dict]:
    body = client.get(f"/api/org/units/tree/?at={at}").json()
    return {n["code"]: n for n in body["units"]}


def test_tree_follows_the_2025_reorganisation(api_as, demo):
    admin = api_as("admin")
    before = _tree(admin, "2025-02-01")
    after_districts = _tree(admin, "2025-03-01")
    after_merger = _tree(admin, "2025-07-01")
    province = demo.units["CAT-NA"].pk
    # before 1 March 2025 a commune sat under its district; from then under the province
    assert before["CAX-TD"]["parent_id"] == demo.units["CAH-TC"].pk
    assert "CAH-TC" not in after_districts and after_districts["CAX-TD"]["parent_id"] == province
    # from 1 July 2025 the merged communes are gone and the new commune exists
    assert "CAX-TD" not in after_merger and after_merger["CAX-TC"]["parent_id"] == province
    assert "CAX-TC" not in before
    # parents come before their children
    codes = list(_tree(admin, "2025-02-01"))
    assert codes.index("CAT-NA") < codes.index("CAH-TC") < codes.index("CAX-TD")


def test_tree_names_the_head_of_that_day(api_as, demo):
    admin = api_as("admin")
    assert [h["officer"]["full_name"] for h in _tree(admin, "2026-03-15")["CAX-TC"]["heads"]] == ["Nguyễn Văn Hùng"]
    assert [h["officer"]["full_name"] for h in _tree(admin, "2026-03-16")["CAX-TC"]["heads"]] == ["Trần Minh Đức"]


def test_tree_is_scoped_for_a_unit_head(api_as, demo):
    codes = set(_tree(api_as("unithead"), "2026-04-01"))
    assert codes == {"CAX-TC"}


def test_tree_query_count_does_not_grow_with_units(api_as, demo, django_assert_max_num_queries):
    admin = api_as("admin")
    for _ in range(30):
        AssignmentFactory(unit=UnitFactory(parent=demo.units["CAT-NA"]), is_head=True)
    with django_assert_max_num_queries(9):
        assert admin.get("/api/org/units/tree/?at=2026-01-01").status_code == 200


def test_rename_is_audited_and_searchable(api_as, demo):
    unit = demo.units["CAX-KL"]
    response = api_as("admin").patch(f"/api/org/units/{unit.pk}/", {"name": "Công an xã Kim Liên (mới)"},
                                     format="json")
    assert response.status_code == 200, response.content
    assert AuditEvent.objects.filter(verb="unit.rename", object_id=str(unit.pk)).exists()
    found = api_as("admin").get("/api/org/units/?search=kim lien (moi)").json()["results"]
    assert [u["code"] for u in found] == ["CAX-KL"]
    assert api_as("lead").patch(f"/api/org/units/{unit.pk}/", {"name": "X"}, format="json").status_code == 403
    assert api_as("admin").patch(f"/api/org/units/{unit.pk}/", {"name": "   "}, format="json").status_code == 400


def test_merge_links_successor_and_ends_appointments(api_as, demo):
    admin = api_as("admin")
    a = UnitFactory(parent=demo.units["CAT-NA"])
    b = UnitFactory(parent=demo.units["CAT-NA"])
    into = UnitFactory(parent=demo.units["CAT-NA"], valid_from=date(2026, 7, 1))
    post = AssignmentFactory(unit=a, is_head=True)
    body = {"unit_ids": [a.pk, b.pk], "into_id": into.pk, "on": "2026-07-01"}
    assert admin.post("/api/org/units/merge/", body, format="json").json()["error"]["code"] == "reason_required"
    body["reason"] = "Quyết định sáp nhập nhập bổ sung"
    unconfirmed = admin.post("/api/org/units/merge/", body, format="json")  # the open post would be cut
    assert unconfirmed.status_code == 409 and unconfirmed.json()["error"]["code"] == "confirm_required"
    assert post.officer.full_name in unconfirmed.json()["error"]["message"]
    body["confirm"] = True
    response = admin.post("/api/org/units/merge/", body, format="json")
    assert response.status_code == 200, response.content
    for u in (a, b):
        u.refresh_from_db()
        assert u.valid_to == date(2026, 6, 30) and u.successor_id == into.pk
    post.refresh_from_db()
    assert post.valid_to == date(2026, 6, 30)
    history = admin.get(f"/api/org/units/{into.pk}/history/").json()
    assert {p["id"] for p in history["predecessors"]} == {a.pk, b.pk}


def test_merge_into_a_unit_that_does_not_exist_yet_is_refused(api_as, demo):
    a = UnitFactory()
    into = UnitFactory(valid_from=date(2026, 8, 1))
    response = api_as("admin").post("/api/org/units/merge/", {"unit_ids": [a.pk], "into_id": into.pk,
                                                              "on": "2026-07-01"}, format="json")
    assert response.status_code == 400
    assert "không tồn tại vào ngày 01/07/2026" in response.json()["error"]["message"]
    # the field the request named (issue 15, adv 8: it pointed at successor_id)
    assert response.json()["error"]["fields"] == {"into_id": ["not active"]}
    assert response.json()["error"]["message"].startswith("Đơn vị nhận sáp nhập ")
    a.refresh_from_db()
    assert a.valid_to is None


def test_abolish_with_children_to_a_unit_that_does_not_exist_names_children_to(api_as, demo):
    province = demo.units["CAT-NA"]
    district = UnitFactory(level="district", parent=province, valid_from=date(2000, 1, 1))
    UnitLink.objects.create(unit=district, parent=province, valid_from=date(2000, 1, 1))
    UnitFactory(parent=district, valid_from=date(2000, 1, 1))
    later = UnitFactory(valid_from=date(2026, 8, 1))
    r = api_as("admin").post(f"/api/org/units/{district.pk}/abolish/",
                             {"on": "2025-03-01", "children_to_id": later.pk, "reason": "Bỏ cấp huyện"}, format="json")
    assert r.status_code == 400
    assert r.json()["error"]["fields"] == {"children_to_id": ["not active"]}
    assert r.json()["error"]["message"].startswith("Đơn vị cấp trên mới ")
    district.refresh_from_db()
    assert district.valid_to is None


def test_abolishing_a_district_moves_its_communes_under_the_new_parent(api_as, demo):
    admin = api_as("admin")
    province = demo.units["CAT-NA"]
    district = UnitFactory(level="district", parent=province, valid_from=date(2000, 1, 1))
    UnitLink.objects.create(unit=district, parent=province, valid_from=date(2000, 1, 1))
    commune = UnitFactory(parent=district, valid_from=date(2000, 1, 1))  # a legacy unit with no link rows
    url = f"/api/org/units/{district.pk}/abolish/"
    reason = "Bỏ cấp huyện từ 01/03/2025"
    refused = admin.post(url, {"on": "2025-03-01", "reason": reason}, format="json")
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "children_remain"
    assert "đơn vị trực thuộc" in refused.json()["error"]["message"]
    done = admin.post(url, {"on": "2025-03-01", "children_to_id": province.pk, "reason": reason}, format="json")
    assert done.status_code == 200, done.content
    assert done.json()["valid_to"] == "2025-02-28"
    assert _tree(admin, "2025-02-28")[commune.code]["parent_id"] == district.pk
    assert _tree(admin, "2025-03-01")[commune.code]["parent_id"] == province.pk
    assert district.code not in _tree(admin, "2025-03-01")
    assert AuditEvent.objects.filter(verb="unit.abolish", object_id=str(district.pk)).exists()
    again = admin.post(url, {"on": "2025-04-01"}, format="json")
    assert again.status_code == 400 and "đã chấm dứt hoạt động" in again.json()["error"]["message"]


def test_officer_edit_and_search(api_as, demo):
    admin = api_as("admin")
    officer = OfficerFactory(full_name="Đặng Văn Tùng", search_name="dang van tung")
    response = admin.patch(f"/api/org/officers/{officer.pk}/", {"full_name": "Đặng Văn Tuấn", "rank": "Đại úy"},
                           format="json")
    assert response.status_code == 200, response.content
    assert [o["id"] for o in admin.get("/api/org/officers/?search=dang van tuan").json()["results"]] == [officer.pk]
    clash = admin.patch(f"/api/org/officers/{officer.pk}/", {"service_number": "NA-2101"}, format="json")
    assert clash.status_code == 400 and clash.json()["error"]["message"].startswith("Số hiệu đã tồn tại")
    assert Officer.objects.get(pk=officer.pk).service_number != "NA-2101"
    assert AuditEvent.objects.filter(verb="officer.update", object_id=str(officer.pk)).exists()


def _appoint(client, **body):
    return client.post("/api/org/assignments/", body, format="json")


@pytest.mark.parametrize("body,code,words", [
    ({"is_head": True, "valid_from": "2026-04-01"}, "head_overlap", "Đơn vị đã có thủ trưởng trong thời gian này"),
    ({"valid_from": "2026-04-01", "valid_to": "2026-03-01"}, "invalid_period",
     "Ngày kết thúc (01/03/2026) trước ngày bắt đầu (01/04/2026)"),
    ({"valid_from": "2025-01-01"}, "unit_not_active", "không tồn tại vào ngày 01/01/2025"),
    ({"valid_from": "2026-04-01", "is_acting": True}, "invalid", "Chỉ chức trưởng hoặc phó"),
])
def test_appointment_refusals_are_in_vietnamese_and_write_nothing(api_as, demo, body, code, words):
    officer = OfficerFactory()
    before = Assignment.objects.count()
    response = _appoint(api_as("admin"), **{"officer_id": officer.pk, "unit_id": demo.units["CAX-TC"].pk,
                                            "position": "Trưởng Công an xã", **body})
    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == code
    assert words in response.json()["error"]["message"]
    assert Assignment.objects.count() == before


def test_appointment_after_the_unit_merged_away_is_refused(api_as, demo):
    response = _appoint(api_as("admin"), officer_id=OfficerFactory().pk, unit_id=demo.units["CAX-TD"].pk,
                        position="Cán bộ", valid_from="2025-06-01")
    assert response.status_code == 400
    assert "chấm dứt hoạt động ngày 30/06/2025" in response.json()["error"]["message"]


def test_deputy_with_field_of_charge_and_decision_shows_in_histories(api_as, demo):
    admin = api_as("admin")
    officer = OfficerFactory()
    unit = demo.units["CAX-ND"]
    response = _appoint(admin, officer_id=officer.pk, unit_id=unit.pk, position="Phó Trưởng Công an xã",
                        is_deputy=True, in_charge_of="Bộ phận một cửa", valid_from="2026-01-05",
                        decision_ref="123/QĐ-CAT")
    assert response.status_code == 201, response.content
    unit_history = admin.get(f"/api/org/units/{unit.pk}/history/").json()
    posted = [a for a in unit_history["assignments"] if a["officer"]["id"] == officer.pk]
    assert posted[0]["in_charge_of"] == "Bộ phận một cửa" and posted[0]["decision_ref"] == "123/QĐ-CAT"
    officer_history = admin.get(f"/api/org/officers/{officer.pk}/").json()
    assert [a["unit"]["code"] for a in officer_history["assignments"]] == ["CAX-ND"]
    end = admin.post(f"/api/org/assignments/{posted[0]['id']}/end/", {"on": "2026-01-01"}, format="json")
    assert end.status_code == 400 and "trước ngày bắt đầu (05/01/2026)" in end.json()["error"]["message"]


def test_postings_list_who_served_in_the_unit_that_day(api_as, demo):
    lead = api_as("lead")
    tc = demo.units["CAX-TC"]
    names = [a["officer"]["full_name"] for a in
             lead.get(f"/api/org/units/{tc.pk}/officers/?at=2026-03-01").json()["results"]]
    assert names[0] == "Nguyễn Văn Hùng"  # the head first
    assert "Phạm Quốc Anh" in names and "Nguyễn Thị Thu" not in names  # NA-2202 serves in Nam Đàn
    later = [a["officer"]["full_name"] for a in
             lead.get(f"/api/org/units/{tc.pk}/officers/?at=2026-04-01").json()["results"]]
    assert "Nguyễn Văn Hùng" not in later and "Trần Minh Đức" in later
    searched = lead.get(f"/api/org/units/{tc.pk}/officers/?at=2026-04-01&search=quoc anh").json()["results"]
    assert [a["officer"]["full_name"] for a in searched] == ["Phạm Quốc Anh"]
    assert searched[0]["position"] == "Cán bộ một cửa"


def test_unit_not_existing_has_no_unit_rows_leaking(api_as, demo):
    assert Unit.objects.filter(code="CAX-TC").exists()
    assert api_as("unithead").get(f"/api/org/units/{demo.units['CAX-ND'].pk}/history/").status_code == 404


def test_ending_a_unit_before_an_appointment_in_it_began_is_refused_not_a_500(api_as, demo):
    unit = UnitFactory(valid_from=date(2020, 1, 1))
    AssignmentFactory(unit=unit, valid_from=date(2026, 2, 1), officer=OfficerFactory(full_name="Cán bộ Muộn"))
    into = UnitFactory(valid_from=date(2020, 1, 1))
    merge = api_as("admin").post("/api/org/units/merge/", {"unit_ids": [unit.pk], "into_id": into.pk,
                                                           "on": "2026-01-01"}, format="json")
    assert merge.status_code == 400 and merge.json()["error"]["code"] == "assignment_after_end"
    assert "Cán bộ Muộn" in merge.json()["error"]["message"]
    abolish = api_as("admin").post(f"/api/org/units/{unit.pk}/abolish/", {"on": "2026-01-01"}, format="json")
    assert abolish.status_code == 400 and abolish.json()["error"]["code"] == "assignment_after_end"
    unit.refresh_from_db()
    assert unit.valid_to is None
