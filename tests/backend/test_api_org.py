"""The org API as real users: scope isolation, temporal heads, bad input."""
import pytest

from backend.audit.models import AuditEvent
from backend.org.models import Assignment, Camera, Unit


def test_heads_endpoint_answers_for_a_date(api_as, demo):
    tc = demo.units["CAX-TC"]
    client = api_as("discipline")
    before = client.get(f"/api/org/units/{tc.pk}/heads/?at=2026-03-15").json()
    after = client.get(f"/api/org/units/{tc.pk}/heads/?at=2026-03-16").json()
    assert [h["officer"]["full_name"] for h in before["heads"]] == ["Nguyễn Văn Hùng"]
    assert [h["officer"]["full_name"] for h in after["heads"]] == ["Trần Minh Đức"]
    fields = {d["officer"]["service_number"]: d["field"]["code"] for d in after["deputies"]}
    assert fields == {"NA-2103": "HANH_CHINH", "NA-2106": "GIAO_THONG"}


def test_heads_endpoint_rejects_a_bad_date(api_as, demo):
    response = api_as("discipline").get(f"/api/org/units/{demo.units['CAX-TC'].pk}/heads/?at=15-03-2026")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_date"
    assert "YYYY-MM-DD" in response.json()["error"]["message"]


def test_unit_head_sees_only_their_subtree(api_as, demo):
    client = api_as("unithead")  # scoped to CAX-TC
    codes = {u["code"] for u in client.get("/api/org/units/?page_size=200").json()["results"]}
    assert codes == {"CAX-TC"}
    other = demo.units["CAX-ND"]
    assert client.get(f"/api/org/units/{other.pk}/").status_code == 404
    assert client.get(f"/api/org/units/{other.pk}/heads/").status_code == 404
    cams = {c["code"] for c in client.get("/api/org/cameras/").json()["results"]}
    assert cams == {"CAM-TC-01"}
    counters = {c["code"] for c in client.get("/api/org/counters/").json()["results"]}
    assert counters == {"Q-CAX-TC"}
    nd_officer = demo.officers["NA-2202"]
    assert client.get(f"/api/org/officers/{nd_officer.pk}/").status_code == 404
    names = {o["full_name"] for o in client.get("/api/org/officers/?page_size=200").json()["results"]}
    assert "Nguyễn Thị Thu" not in names and "Phạm Quốc Anh" in names
    nd_cam = Camera.objects.get(code="CAM-ND-01")
    assert client.get(f"/api/org/cameras/{nd_cam.pk}/").status_code == 404


def test_province_roles_see_everything(api_as, demo):
    count = api_as("discipline").get("/api/org/units/").json()["count"]
    assert count == Unit.objects.count()


def test_anonymous_gets_401_everywhere(anon, demo):
    for path in ("/api/org/units/", "/api/org/officers/", "/api/auth/me/", "/api/org/cameras/"):
        response = anon.get(path)
        assert response.status_code == 401, path
        assert response.json()["error"]["code"] == "not_authenticated"


def test_only_admin_writes_org(api_as, demo):
    before = Unit.objects.count()
    response = api_as("lead").post("/api/org/units/", {"code": "X1", "name": "X", "level": "commune",
                                                       "valid_from": "2026-01-01"}, format="json")
    assert response.status_code == 403
    assert Unit.objects.count() == before


def test_admin_creates_unit_and_it_is_audited(api_as, demo):
    parent = demo.units["CAT-NA"]
    response = api_as("admin").post("/api/org/units/", {
        "code": "CAX-HS", "name": "Công an xã Hạnh Lâm", "level": "commune",
        "parent_id": parent.pk, "valid_from": "2026-01-01"}, format="json")
    assert response.status_code == 201, response.content
    unit_id = response.json()["id"]
    assert AuditEvent.objects.filter(verb="unit.create", object_id=str(unit_id)).exists()


@pytest.mark.parametrize("body,field", [
    ({"code": "Y", "name": "Y", "level": "galaxy", "valid_from": "2026-01-01"}, "level"),
    ({"code": "Y", "name": "Y", "level": "commune"}, "valid_from"),
    ({"code": "Y", "name": "Y", "level": "commune", "valid_from": "2026-02-30"}, "valid_from"),
    ({"name": "Y", "level": "commune", "valid_from": "2026-01-01"}, "code"),
])
def test_bad_unit_input_is_a_clear_400_and_writes_nothing(api_as, demo, body, field):
    admin = api_as("admin")
    before = (Unit.objects.count(), AuditEvent.objects.count())
    response = admin.post("/api/org/units/", body, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert field in error["fields"] and error["message"] and error["message_en"]
    assert (Unit.objects.count(), AuditEvent.objects.count()) == before


def test_unit_valid_to_before_valid_from_is_refused(api_as, demo):
    response = api_as("admin").post("/api/org/units/", {
        "code": "Z", "name": "Z", "level": "commune", "valid_from": "2026-01-01", "valid_to": "2025-01-01"},
        format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_period"


def test_overlapping_head_is_refused_with_the_name_of_the_current_head(api_as, demo):
    admin = api_as("admin")
    before = (Assignment.objects.count(), AuditEvent.objects.count())
    response = admin.post("/api/org/assignments/", {
        "officer_id": demo.officers["NA-2105"].pk, "unit_id": demo.units["CAX-TC"].pk,
        "position": "Trưởng Công an xã", "is_head": True, "valid_from": "2026-06-01"}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "head_overlap"
    assert "Trần Minh Đức" in response.json()["error"]["message"]
    assert (Assignment.objects.count(), AuditEvent.objects.count()) == before


def test_malformed_json_is_a_clear_400(api_as, demo):
    response = api_as("admin").post("/api/org/units/", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"


@pytest.mark.parametrize("zones,needle", [
    ([{"name": "officer", "points": [[0, 0], [1, 0]]}], "at least 3"),
    ([{"name": "officer", "points": [[0, 0], [1.5, 0], [1, 1]]}], "outside the frame"),
    ([{"name": "a", "points": [[0, 0], [1, 0], [1, 1]]}, {"name": "a", "points": [[0, 0], [1, 0], [1, 1]]}], "a"),
    ("not a list", ""),
])
def test_camera_zones_are_validated(api_as, demo, zones, needle):
    cam = Camera.objects.get(code="CAM-TC-01")
    before = cam.zones
    response = api_as("admin").patch(f"/api/org/cameras/{cam.pk}/", {"zones": zones}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_zones"
    assert needle in response.json()["error"]["message_en"]
    cam.refresh_from_db()
    assert cam.zones == before


def test_camera_zones_update(api_as, demo):
    cam = Camera.objects.get(code="CAM-TC-01")
    zones = [{"name": "officer", "points": [[0.1, 0.1], [0.5, 0.1], [0.5, 0.5]]}]
    response = api_as("admin").patch(f"/api/org/cameras/{cam.pk}/", {"zones": zones}, format="json")
    assert response.status_code == 200, response.content
    cam.refresh_from_db()
    assert cam.zones[0]["name"] == "officer"


def test_list_query_count_is_constant(api_as, demo, django_assert_max_num_queries):
    client = api_as("discipline")
    with django_assert_max_num_queries(6):
        assert client.get("/api/org/assignments/?page_size=100").status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get("/api/org/cameras/").status_code == 200
