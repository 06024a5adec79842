"""Fields of charge (lĩnh vực phụ trách): the force's list, a deputy's field, and who may set them."""
from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from backend.audit.models import AuditEvent
from backend.core.actors import SystemActor
from backend.org.models import Assignment, FieldOfCharge

pytestmark = pytest.mark.django_db


def test_the_fields_of_a_commune_police_are_seeded_and_listed(api_as: Any) -> None:
    body = api_as("discipline").get("/api/org/fields/").json()
    codes = [f["code"] for f in body["results"]]
    assert codes == ["HANH_CHINH", "AN_NINH", "TRAT_TU", "GIAO_THONG", "PCCC", "XDLL"]
    one_stop = body["results"][0]
    assert "một cửa" in one_stop["name_vi"] and "căn cước" in one_stop["name_vi"]


def test_an_admin_adds_a_field_and_others_may_not(api_as: Any) -> None:
    payload = {"code": "moi_truong", "name_vi": "Cảnh sát môi trường", "name_en": "Environment police"}
    assert api_as("discipline").post("/api/org/fields/", payload, format="json").status_code == 403
    r = api_as("admin").post("/api/org/fields/", payload, format="json")
    assert r.status_code == 201, r.content
    assert r.json()["code"] == "MOI_TRUONG" and r.json()["position"] == 7
    again = api_as("admin").post("/api/org/fields/", payload, format="json")
    assert again.status_code == 400 and again.json()["error"]["code"] == "duplicate"
    bad = api_as("admin").post("/api/org/fields/", {**payload, "code": "x y"}, format="json")
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid_code"
    assert AuditEvent.objects.filter(verb="field_of_charge.create").count() == 1


def test_a_deputy_is_appointed_with_a_field_and_a_head_cannot_have_one(api_as: Any, demo: Any) -> None:
    admin = api_as("admin")
    traffic = FieldOfCharge.objects.get(code="GIAO_THONG")
    base = {"officer_id": demo.officers["NA-2105"].pk, "unit_id": demo.units["CAX-ND"].pk,
            "valid_from": "2026-01-01", "field_id": traffic.pk}
    r = admin.post("/api/org/assignments/", {**base, "position": "Phó Trưởng Công an xã", "is_deputy": True},
                   format="json")
    assert r.status_code == 201, r.content
    assert r.json()["field"] == {"id": traffic.pk, "code": "GIAO_THONG", "name_vi": traffic.name_vi,
                                 "name_en": traffic.name_en}
    r = admin.post("/api/org/assignments/", {**base, "position": "Cán bộ"}, format="json")
    assert r.status_code == 400 and r.json()["error"]["code"] == "field_not_deputy"
    assert "cấp phó" in r.json()["error"]["message"]


def test_an_admin_records_the_field_of_a_deputy_who_had_none(api_as: Any, demo: Any) -> None:
    from backend.org.services_officers import assignment_create

    deputy = assignment_create(by=SystemActor("test"), officer=demo.officers["NA-2202"], unit=demo.units["CAX-ND"],
                               position="Phó Trưởng Công an xã", valid_from=date(2026, 1, 1), is_deputy=True)
    assert deputy.field is None
    security = FieldOfCharge.objects.get(code="AN_NINH")
    url = f"/api/org/assignments/{deputy.pk}/"
    assert api_as("discipline").patch(url, {"field_id": security.pk}, format="json").status_code == 403
    r = api_as("admin").patch(url, {"field_id": security.pk, "in_charge_of": "An ninh, chính trị nội bộ"},
                              format="json")
    assert r.status_code == 200, r.content
    assert r.json()["field"]["code"] == "AN_NINH" and r.json()["in_charge_of"] == "An ninh, chính trị nội bộ"
    event = AuditEvent.objects.filter(verb="assignment.set_field").latest("id")
    assert event.payload["field"] == {"from": None, "to": "AN_NINH"}
    FieldOfCharge.objects.filter(code="PCCC").update(active=False)
    pccc = FieldOfCharge.objects.get(code="PCCC")
    r = api_as("admin").patch(url, {"field_id": pccc.pk}, format="json")
    assert r.status_code == 400 and r.json()["error"]["code"] == "field_inactive"
    assert Assignment.objects.get(pk=deputy.pk).field_id == security.pk


def test_an_admin_says_which_fields_a_category_belongs_to(api_as: Any, demo: Any) -> None:
    from inspection.models import FindingCategory
    from inspection.services_criteria import catalogue_seed

    catalogue_seed(by=SystemActor("test"))
    cats = {c["code"]: c for c in api_as("discipline").get("/api/inspection/categories/").json()}
    assert [f["code"] for f in cats["VANG_MAT"]["fields_of_charge"]] == ["HANH_CHINH"]
    assert [f["code"] for f in cats["GIAO_THONG"]["fields_of_charge"]] == ["GIAO_THONG"]
    assert cats["KHAC"]["fields_of_charge"] == []
    other = FindingCategory.objects.get(code="KHAC")
    fields = {f.code: f.pk for f in FieldOfCharge.objects.all()}
    url = f"/api/inspection/categories/{other.pk}/fields/"
    body = {"field_ids": [fields["TRAT_TU"], fields["AN_NINH"]]}
    assert api_as("discipline").put(url, body, format="json").status_code == 403
    r = api_as("admin").put(url, body, format="json")
    assert r.status_code == 200, r.content
    assert sorted(f["code"] for f in r.json()["fields_of_charge"]) == ["AN_NINH", "TRAT_TU"]
    r = api_as("admin").put(url, {"field_ids": [999999]}, format="json")
    assert r.status_code == 400 and r.json()["error"]["code"] == "unknown_field"
    # a re-seed does not undo what the admin set
    catalogue_seed(by=SystemActor("test"))
    assert sorted(other.fields.values_list("code", flat=True)) == ["AN_NINH", "TRAT_TU"]
