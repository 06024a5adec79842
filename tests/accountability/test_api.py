"""The accountability API through its URLs, with real logins and CSRF."""
from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from inspection.accountability import defaults
from inspection.accountability.models import DisciplinaryCase, LeaderLiability, RuleSet
from tests.accountability.factories import case_opened_on

pytestmark = pytest.mark.django_db


def err(response: Any) -> dict[str, Any]:
    body = response.json()["error"]
    assert body["message"] and body["message_en"]
    return body


def test_trace_endpoint_and_who_may_read_it(api_as: Any, make_finding: Any,
                                            django_assert_max_num_queries: Any) -> None:
    f = make_finding("CAX-TC", "less_serious", date(2026, 3, 1), to=date(2026, 4, 10), violators=("NA-2104",),
                     counter=True)
    client = api_as("discipline")
    with django_assert_max_num_queries(19):  # session + user, finding, rule book (+ regulation numbers, + as of the violation), trace reads (+ category fields, + the unit's explanations, + the first standing liability for the org-correction notice)
        r = client.get(f"/api/accountability/findings/{f.pk}/trace/")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["ruleset"]["version"] == 1
    heads = [ld["officer"]["service_number"] for ld in body["units"][0]["leaders"] if ld["role"] == "head"]
    assert heads == ["NA-2101", "NA-2102"]
    for username in ("reviewer", "inspector", "lead", "admin"):
        assert api_as(username).get(f"/api/accountability/findings/{f.pk}/trace/").status_code == 200
    # the unit head of Thanh Chương sees his own unit
    assert api_as("unithead").get(f"/api/accountability/findings/{f.pk}/trace/").status_code == 200
    assert client.get("/api/accountability/findings/999999/trace/").status_code == 404
    r = client.get(f"/api/accountability/findings/{f.pk}/trace/?version=7")
    assert r.status_code == 404 and err(r)["code"] == "not_found"
    r = client.get(f"/api/accountability/findings/{f.pk}/trace/?version=abc")
    assert r.status_code == 400


def test_scope_drafts_and_secret_checks(api_as: Any, make_finding: Any, make_check: Any) -> None:
    other_unit = make_finding("CAX-ND", "less_serious", date(2026, 6, 1), violators=("NA-2202",))
    draft = make_finding("CAX-TC", "less_serious", date(2026, 6, 1), violators=("NA-2104",), state="draft")
    planned = make_check("CAX-TC", date(2026, 12, 1), state="planned")
    secret = make_finding("CAX-TC", "less_serious", date(2026, 6, 1), violators=("NA-2104",), check=planned)
    unithead, discipline, lead = api_as("unithead"), api_as("discipline"), api_as("lead")
    assert unithead.get(f"/api/accountability/findings/{other_unit.pk}/trace/").status_code == 404
    assert unithead.get(f"/api/accountability/findings/{draft.pk}/trace/").status_code == 404
    assert discipline.get(f"/api/accountability/findings/{draft.pk}/trace/").status_code == 404
    assert discipline.get(f"/api/accountability/findings/{secret.pk}/trace/").status_code == 404
    assert lead.get(f"/api/accountability/findings/{secret.pk}/trace/").status_code == 200
    r = discipline.post("/api/accountability/liabilities/", {"finding_id": secret.pk}, format="json")
    assert r.status_code == 404
    assert not LeaderLiability.objects.exists()


def test_propose_confirm_reject_through_the_api(api_as: Any, make_finding: Any,
                                                django_assert_max_num_queries: Any) -> None:
    f = make_finding("CAX-TC", "serious", date(2026, 6, 1), violators=("NA-2104",), counter=True)
    discipline = api_as("discipline")
    r = api_as("reviewer").post("/api/accountability/liabilities/", {"finding_id": f.pk}, format="json")
    assert r.status_code == 403 and err(r)["code"] == "forbidden"
    r = discipline.post("/api/accountability/liabilities/", {"finding_id": "x"}, format="json")
    assert r.status_code == 400 and "finding_id" in err(r)["fields"]
    r = discipline.post("/api/accountability/liabilities/", {"finding_id": f.pk}, format="json")
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["trace"]["ruleset_version"] == 1
    by_role = {x["role"]: x for x in body["created"]}
    assert by_role["head"]["officer"]["service_number"] == "NA-2102"
    assert by_role["head"]["ruleset_version"] == 1 and by_role["head"]["rule"]["code"] == "LD-H1"
    trace = discipline.get(f"/api/accountability/traces/{body['trace']['id']}/")
    assert trace.status_code == 200 and trace.json()["ruleset_version"] == 1
    head_id, deputy_id = by_role["head"]["id"], by_role["deputy"]["id"]
    r = discipline.post(f"/api/accountability/liabilities/{head_id}/confirm/", {}, format="json")
    assert r.status_code == 400 and "reason" in err(r)["fields"]
    r = discipline.post(f"/api/accountability/liabilities/{head_id}/confirm/",
                        {"reason": "Đúng người đứng đầu tại thời điểm vi phạm"}, format="json")
    assert r.status_code == 200 and r.json()["state"] == "confirmed"
    r = discipline.post(f"/api/accountability/liabilities/{head_id}/reject/", {"reason": "Đổi ý hoàn toàn"},
                        format="json")
    assert r.status_code == 409 and err(r)["code"] == "invalid_state"
    r = api_as("admin").post(f"/api/accountability/liabilities/{deputy_id}/reject/", {"reason": "Không đồng ý"},
                             format="json")
    assert r.status_code == 403
    r = discipline.post(f"/api/accountability/liabilities/{deputy_id}/reject/",
                        {"reason": "Cấp phó đã kịp thời báo cáo"}, format="json")
    assert r.status_code == 200 and r.json()["decision_reason"] == "Cấp phó đã kịp thời báo cáo"
    for _ in range(3):
        make_finding("CAX-TC", "less_serious", date(2026, 6, 2), violators=("NA-2105",))
    with django_assert_max_num_queries(8):
        r = discipline.get("/api/accountability/liabilities/?state=confirmed")
    assert r.status_code == 200 and [x["id"] for x in r.json()["results"]] == [head_id]
    assert discipline.get("/api/accountability/liabilities/?state=bogus").status_code == 400
    # unit head reads his unit's liabilities, cannot decide
    uh = api_as("unithead")
    assert uh.get("/api/accountability/liabilities/").json()["count"] == len(body["created"]) == 2
    assert uh.post(f"/api/accountability/liabilities/{head_id}/confirm/", {"reason": "xxxxxx"},
                   format="json").status_code == 403


def test_rule_set_editing_by_admin_makes_a_new_version(api_as: Any) -> None:
    admin = api_as("admin")
    current = admin.get("/api/accountability/rulesets/current/").json()
    assert current["version"] == 1 and len(current["forms"]) == 13
    assert all(len(rule["basis"]) > 10 and "DESIGN.md" not in rule["basis"] for rule in current["rules"])
    payload = defaults.ruleset_payload()
    payload["rules"][0]["form"] = "canh_cao"
    payload["note"] = "Tăng TN-H1"
    assert api_as("discipline").post("/api/accountability/rulesets/", payload, format="json").status_code == 403
    bad = {**payload, "rules": [{**payload["rules"][0], "form": "khong_co"}]}
    r = admin.post("/api/accountability/rulesets/", bad, format="json")
    assert r.status_code == 400 and err(r)["fields"]
    bad = {**payload, "rules": [{**payload["rules"][0], "severities": ["rat_nhe"]}]}
    assert admin.post("/api/accountability/rulesets/", bad, format="json").status_code == 400
    bad = {**payload, "rules": [{**payload["rules"][0], "basis": ""}]}  # a rule with no legal basis
    assert admin.post("/api/accountability/rulesets/", bad, format="json").status_code == 400
    assert RuleSet.objects.count() == 1
    r = admin.post("/api/accountability/rulesets/", payload, format="json")
    assert r.status_code == 201, r.content
    assert r.json()["version"] == 2 and r.json()["rules"][0]["form"] == "canh_cao"
    assert admin.get("/api/accountability/rulesets/1/").json()["rules"][0]["form"] == "khien_trach"
    assert [x["version"] for x in admin.get("/api/accountability/rulesets/").json()["results"]] == [2, 1]


def test_case_api_flow(api_as: Any, make_finding: Any, django_assert_max_num_queries: Any) -> None:
    f1 = make_finding("CAX-TC", "less_serious", date(2026, 6, 1), violators=("NA-2104",))
    f2 = make_finding("CAX-TC", "less_serious", date(2026, 6, 5), violators=("NA-2104",))
    d = api_as("discipline")
    officer_id = f1.subjects.first().officer_id
    r = d.post("/api/accountability/cases/", {"subject_kind": "officer", "officer_id": officer_id,
                                              "finding_ids": [f1.pk, 999999], "title": "Hồ sơ"}, format="json")
    assert r.status_code == 400 and DisciplinaryCase.objects.count() == 0
    r = d.post("/api/accountability/cases/", {"subject_kind": "officer", "unit_id": f1.unit_id,
                                              "finding_ids": [f1.pk], "title": "Hồ sơ"}, format="json")
    assert r.status_code == 400
    r = d.post("/api/accountability/cases/", {"subject_kind": "officer", "officer_id": officer_id,
                                              "finding_ids": [f1.pk], "title": "Xử lý cán bộ một cửa"}, format="json")
    assert r.status_code == 201, r.content
    case = r.json()
    assert case["reference"].startswith("KL-") and case["computed"]["computed_form"]["code"] == "khien_trach"
    assert case["computed"]["limitation"]["status"] in ("ok", "warning")
    cid = case["id"]
    r = d.post(f"/api/accountability/cases/{cid}/findings/", {"finding_id": f2.pk}, format="json")
    assert r.status_code == 200
    assert [s["code"] for s in r.json()["computed"]["steps"]] == ["heaviest", "several", "factors"]
    r = d.post(f"/api/accountability/cases/{cid}/factors/", {"kind": "mitigating", "text": "Thành khẩn"},
               format="json")
    assert r.status_code == 201 and r.json()["computed"]["computed_form"]["code"] == "khien_trach"
    assert d.post(f"/api/accountability/cases/{cid}/factors/", {"kind": "x", "text": "y"},
                  format="json").status_code == 400
    r = d.post(f"/api/accountability/cases/{cid}/transition/", {"to": "decided"}, format="json")
    assert r.status_code == 400
    r = d.post(f"/api/accountability/cases/{cid}/transition/", {"to": "closed"}, format="json")
    assert r.status_code == 409 and err(r)["code"] == "invalid_transition"
    r = d.post(f"/api/accountability/cases/{cid}/transition/", {"to": "self_review"}, format="json")
    assert r.status_code == 200 and r.json()["state"] == "self_review"
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("kiem-diem.pdf", "%PDF bản tự kiểm điểm".encode(), content_type="application/pdf")
    r = d.post(f"/api/accountability/cases/{cid}/documents/", {"kind": "self_review", "file": upload},
               format="multipart")
    assert r.status_code == 201, r.content
    doc = r.json()["documents"][0]
    dl = d.get(f"/api/accountability/cases/{cid}/documents/{doc['id']}/")
    assert dl.status_code == 200 and b"".join(dl.streaming_content) == "%PDF bản tự kiểm điểm".encode()
    bad = SimpleUploadedFile("virus.exe", b"MZ", content_type="application/octet-stream")
    assert d.post(f"/api/accountability/cases/{cid}/documents/", {"kind": "self_review", "file": bad},
                  format="multipart").status_code == 400
    assert d.post(f"/api/accountability/cases/{cid}/transition/", {"to": "considering"},
                  format="json").status_code == 200
    case_opened_on(cid, date(2026, 6, 10))
    assert d.post(f"/api/accountability/cases/{cid}/propose/", {"form": "khien_trach"},
                  format="json").status_code == 200
    r = d.post(f"/api/accountability/cases/{cid}/council/", {"held_on": "2026-06-30",
                                                             "note": "Hội đồng kỷ luật biểu quyết khiển trách"},
               format="json")
    assert r.status_code == 200 and r.json()["council_held_on"] == "2026-06-30"
    r = d.post(f"/api/accountability/cases/{cid}/decide/", {"form": "khien_trach", "decision_number": "45/QĐ",
                                                            "authority": "Giám đốc", "decision_date": "2099-01-01"},
               format="json")
    assert r.status_code == 400
    r = d.post(f"/api/accountability/cases/{cid}/decide/", {"form": "don_vi_phe_binh", "decision_number": "45/QĐ",
                                                            "authority": "Giám đốc", "decision_date": "2026-07-01"},
               format="json")
    assert r.status_code == 400  # a unit form for an officer
    r = d.post(f"/api/accountability/cases/{cid}/decide/", {"form": "khien_trach", "decision_number": "45/QĐ-CAT",
                                                            "authority": "Giám đốc Công an tỉnh",
                                                            "decision_date": "2026-07-01"}, format="json")
    assert r.status_code == 200 and r.json()["state"] == "decided"
    assert [e["verb"] for e in r.json()["events"]][-1] == "decide"
    # the unit head of Thanh Chương may read it, not change it
    uh = api_as("unithead")
    assert uh.get(f"/api/accountability/cases/{cid}/").status_code == 200
    assert uh.patch(f"/api/accountability/cases/{cid}/", {"title": "x"}, format="json").status_code == 403
    for i in range(3):
        fx = make_finding("CAX-TC", "less_serious", date(2026, 8, 1 + i), violators=("NA-2105",))
        d.post("/api/accountability/cases/", {"subject_kind": "officer", "officer_id": fx.subjects.first().officer_id,
                                              "finding_ids": [fx.pk], "title": f"Hồ sơ {i}"}, format="json")
    with django_assert_max_num_queries(20):
        r = d.get("/api/accountability/cases/")
    assert r.status_code == 200 and r.json()["count"] == 4
    assert d.get("/api/accountability/cases/?limitation=soon").status_code == 400
