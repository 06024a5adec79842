"""Risk features, configurable weights stored with each snapshot, and criteria sets (import/export)."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from inspection import services_draws
from inspection.models import CriteriaSet, RiskSnapshot, SatisfactionRating
from tests.inspection.draw_helpers import partner_id


@pytest.mark.django_db
def test_risk_features_and_explanation(api_as, insp):
    from backend.org.models import Camera, Counter
    from media_ingest.models import Clip, ClipEvent

    lead = api_as("lead")
    baseline = {r["unit"]["code"]: r for r in lead.post("/api/inspection/risk/", {}, format="json").json()["results"]}
    kl = Counter.objects.get(code="Q-CAX-KL")
    now = timezone.now()
    SatisfactionRating.objects.bulk_create([
        SatisfactionRating(counter=kl, device_code="t", device_rating_id=str(i), rated_at=now - timedelta(days=1),
                           score=1) for i in range(10)])
    clip = Clip.objects.create(bucket="b", key="CAM-KL-01/x.mp4", camera=Camera.objects.get(code="CAM-KL-01"),
                               started_at=now - timedelta(days=2))
    ClipEvent.objects.create(clip=clip, kind="officer_absent", zone="officer", start_s=0, end_s=300)
    ClipEvent.objects.create(clip=clip, kind="tamper", zone="scene", start_s=10, end_s=40)
    ClipEvent.objects.create(clip=clip, kind="presence", zone="officer", start_s=0, end_s=10)
    after = {r["unit"]["code"]: r for r in lead.post("/api/inspection/risk/", {}, format="json").json()["results"]}
    before, now_kl = baseline["CAX-KL"], after["CAX-KL"]
    assert now_kl["features"]["unsatisfied_ratings"] - before["features"]["unsatisfied_ratings"] == pytest.approx(
        10 * 0.5 ** (1 / 90), rel=1e-3)
    assert now_kl["features"]["footage_absent"] == pytest.approx(0.5 ** (2 / 90), rel=1e-3)
    assert now_kl["features"]["footage_tamper"] == pytest.approx(0.5 ** (2 / 90), rel=1e-3)
    assert now_kl["score"] > before["score"]
    for name, value in now_kl["contributions"].items():
        if name != "base":
            assert value == pytest.approx(now_kl["weights"][name] * now_kl["features"][name], abs=1e-5)
    # Thanh Chương has two confirmed findings (serious + less serious), decayed by age
    assert after["CAX-TC"]["features"]["findings"] > 0
    # GET gives the latest per unit
    latest = {r["unit"]["code"]: r["id"] for r in lead.get("/api/inspection/risk/").json()["results"]}
    assert latest["CAX-KL"] == now_kl["id"]


@pytest.mark.django_db
def test_weights_are_configurable_and_stored_with_snapshots(api_as, insp):
    lead = api_as("lead")
    assert api_as("inspector").put("/api/inspection/risk/weights/", {"weights": {"complaints": 9}},
                                   format="json").status_code == 403
    for bad in ({"weights": {"astrology": 1}}, {"weights": {"base": 0}}, {"weights": {"complaints": -1}},
                {"params": {"half_life_days": 0}}):
        response = lead.put("/api/inspection/risk/weights/", bad, format="json")
        assert response.status_code == 400, bad
    ok = lead.put("/api/inspection/risk/weights/", {"weights": {"complaints": 9}, "params": {"half_life_days": 30},
                                                     "note": "Tăng trọng số phản ánh"}, format="json")
    assert ok.status_code == 200 and ok.json()["weights"]["complaints"] == 9
    assert lead.get("/api/inspection/risk/weights/").json()["params"]["half_life_days"] == 30
    lead.post("/api/inspection/risk/", {}, format="json")
    snap = RiskSnapshot.objects.order_by("-id").first()
    assert snap.weights["complaints"] == 9 and snap.weights["param.half_life_days"] == 30


CUSTOM = {"code": "MOT-CUA-TEST", "year": 2027, "name": "Bộ thử", "criteria": [
    {"code": "A", "text": "Nhóm A", "children": [
        {"code": "A.1", "text": "Tiêu chí 1", "max_points": 6, "weight": 2, "critical": True},
        {"code": "A.2", "text": "Tiêu chí 2", "max_points": 4}]},
    {"code": "B", "text": "Tiêu chí B", "max_points": 10}]}


@pytest.mark.django_db
def test_criteria_import_export_roundtrip_and_versions(api_as, insp):
    lead = api_as("lead")
    created = lead.post("/api/inspection/criteria-sets/", CUSTOM, format="json")
    assert created.status_code == 201, created.content
    cs = created.json()
    assert cs["version"] == 1 and cs["criteria"][0]["max_points"] == 10.0  # group = sum of children
    exported = lead.get(f"/api/inspection/criteria-sets/{cs['id']}/export/")
    assert "attachment" in exported["Content-Disposition"]
    data = json.loads(exported.content)
    assert data["criteria"][0]["children"][0] == {"code": "A.1", "text": "Tiêu chí 1", "text_en": "",
                                                  "max_points": 6.0, "weight": 2.0, "critical": True}
    again = lead.post("/api/inspection/criteria-sets/", {**data, "version": None}, format="json")
    assert again.status_code == 201 and again.json()["version"] == 2
    assert again.json()["criteria"] == cs["criteria"]
    conflict = lead.post("/api/inspection/criteria-sets/", {**data, "version": 2}, format="json")
    assert conflict.status_code == 409 and conflict.json()["error"]["code"] == "version_exists"
    # the default set exported has its 23 criteria
    default = CriteriaSet.objects.get(code="MOT-CUA", year=timezone.localdate().year)
    tree = lead.get(f"/api/inspection/criteria-sets/{default.pk}/").json()["criteria"]
    assert sum(len(g["children"]) for g in tree) >= 20
    assert sum(c["max_points"] for g in tree for c in g["children"]) == 100


@pytest.mark.django_db
@pytest.mark.parametrize("mutate, field", [
    (lambda d: d["criteria"][1].update(code="A.1"), "duplicate"),
    (lambda d: d["criteria"][1].update(max_points=0), "max_points"),
    (lambda d: d["criteria"][1].update(max_points="lots"), "number"),
    (lambda d: d["criteria"][0]["children"][0].pop("text"), "text"),
    (lambda d: d.update(year=1999), "year"),
    (lambda d: d.update(criteria=[]), "criterion"),
    (lambda d: d.update(criteria="A"), "list"),
])
def test_criteria_import_bad_input_writes_nothing(api_as, insp, mutate, field):
    data = json.loads(json.dumps(CUSTOM))
    mutate(data)
    before = CriteriaSet.objects.count()
    response = api_as("lead").post("/api/inspection/criteria-sets/", data, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["message_en"].lower() or field in json.dumps(response.json()["error"])
    assert CriteriaSet.objects.count() == before
    assert api_as("inspector").post("/api/inspection/criteria-sets/", CUSTOM, format="json").status_code == 403


@pytest.mark.django_db
def test_manual_check_rejects_conflicted_team_and_bad_windows(api_as, insp):
    from backend.org.models import Counter

    lead = api_as("lead")
    start = timezone.now() + timedelta(days=3)
    body = {"mode": "dot_xuat", "unit_id": insp.units["CAX-KL"].pk,
            "counter_id": Counter.objects.get(code="Q-CAX-KL").pk, "window_start": start.isoformat(),
            "window_end": (start + timedelta(hours=2)).isoformat(), "team_ids": [insp.users["inspector"].pk]}
    conflicted = lead.post("/api/inspection/checks/", body, format="json")
    assert conflicted.status_code == 400 and "conflict" in conflicted.json()["error"]["message_en"]
    wrong_counter = lead.post("/api/inspection/checks/", {**body, "team_ids": [partner_id()],
                                                          "counter_id": Counter.objects.get(code="Q-CAX-TC").pk},
                              format="json")
    assert wrong_counter.status_code == 400
    backwards = lead.post("/api/inspection/checks/", {**body, "team_ids": [partner_id()], "window_end": start.isoformat()},
                          format="json")
    assert backwards.status_code == 400
    reviewer_on_team = lead.post("/api/inspection/checks/", {**body, "team_ids": [insp.users["reviewer"].pk]},
                                 format="json")
    assert reviewer_on_team.status_code == 400
    ok = lead.post("/api/inspection/checks/", {**body, "team_ids": [partner_id()]}, format="json")
    assert ok.status_code == 201 and ok.json()["state"] == "planned" and ok.json()["reference"].startswith("KT-")
    assert api_as("inspector").post("/api/inspection/checks/", {**body, "team_ids": [partner_id()]},
                                    format="json").status_code == 403
    # the draw rejects bad parameters with a clear message
    bad = lead.post("/api/inspection/draws/", {"n": 1, "start": "2020-01-01", "end": "2020-01-31"}, format="json")
    assert bad.status_code == 400 and "past" in bad.json()["error"]["message_en"]
    holidays_only = lead.post("/api/inspection/draws/", {"n": 1, "start": "2027-01-01", "end": "2027-01-01"},
                              format="json")
    assert holidays_only.status_code == 400 and "working day" in holidays_only.json()["error"]["message_en"]


@pytest.mark.django_db
def test_services_require_the_lead_to_draw(insp):
    from datetime import date

    from backend.core.errors import Forbidden

    with pytest.raises(Forbidden):
        services_draws.draw_create(by=insp.users["inspector"], n=1, start=date(2027, 3, 1), end=date(2027, 3, 31))


@pytest.mark.django_db
def test_a_criterion_names_the_kind_of_violation_its_failure_is_filed_as(api_as, insp):
    """Issue 15: the finding form filed from a failed criterion starts from the criterion's category; the
    default set has one for each criterion, an import names them by code and an unknown code is refused."""
    lead = api_as("lead")
    default = CriteriaSet.objects.get(code="MOT-CUA", year=timezone.localdate().year)
    tree = lead.get(f"/api/inspection/criteria-sets/{default.pk}/").json()["criteria"]
    leaves = {c["code"]: c.get("category") for g in tree for c in g["children"]}
    assert leaves["1.1"] == "VANG_MAT" and leaves["3.1"] == "THU_PHI" and leaves["6.2"] == "CAMERA_CHE"
    assert all(leaves.values())
    data = json.loads(json.dumps(CUSTOM))
    data["criteria"][0]["children"][0]["category"] = "THU_PHI"
    created = lead.post("/api/inspection/criteria-sets/", data, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["criteria"][0]["children"][0]["category"] == "THU_PHI"
    assert "category" not in created.json()["criteria"][0]["children"][1]
    exported = json.loads(lead.get(f"/api/inspection/criteria-sets/{created.json()['id']}/export/").content)
    assert exported["criteria"][0]["children"][0]["category"] == "THU_PHI"
    data["criteria"][0]["children"][0]["category"] = "KHONG_CO_MA_NAY"
    data["code"] = "CUSTOM-CAT"
    refused = lead.post("/api/inspection/criteria-sets/", data, format="json")
    assert refused.status_code == 400 and "category" in refused.json()["error"]["message_en"], refused.content
