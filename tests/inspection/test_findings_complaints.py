"""Findings (sources, subjects, states, visibility) and complaints (intake, triage, links)."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import timezone

from inspection.models import Complaint, Finding, FindingTransition


def _when(days: int = 2) -> str:
    return (timezone.now() - timedelta(days=days)).isoformat()


@pytest.mark.django_db
def test_complaint_intake_triage_and_finding_from_it(api_as, insp):
    lead = api_as("lead")
    tc = insp.units["CAX-TC"]
    created = lead.post("/api/inspection/complaints/", {
        "channel": "hotline_2", "summary": "Cán bộ đòi tiền bồi dưỡng", "counter_id": insp.units["CAX-TC"].counters.get().pk,
        "officer_id": insp.officers["NA-2105"].pk, "occurred_at": _when(3), "received_at": _when(2),
        "complainant_phone": "0912345678"}, format="json")
    assert created.status_code == 201, created.content
    complaint = created.json()
    assert complaint["unit"]["code"] == "CAX-TC" and complaint["state"] == "received"  # unit from the counter
    assert complaint["reference"].startswith("PA-")
    # the order of states is enforced
    bad = lead.post(f"/api/inspection/complaints/{complaint['id']}/transition/", {"to": "resolved", "note": "x"},
                    format="json")
    assert bad.status_code == 409 and bad.json()["error"]["code"] == "invalid_transition"
    triaged = lead.post(f"/api/inspection/complaints/{complaint['id']}/triage/",
                        {"category": "THU_PHI", "priority": "high"}, format="json")
    assert triaged.status_code == 200 and triaged.json()["state"] == "triaged"
    assert lead.post(f"/api/inspection/complaints/{complaint['id']}/transition/", {"to": "investigating"},
                     format="json").json()["state"] == "investigating"

    finding = lead.post("/api/inspection/findings/", {
        "source": "complaint", "complaint_id": complaint["id"], "category": "THU_PHI", "title": "Đòi tiền bồi dưỡng",
        "occurred_from": _when(3), "subjects": [{"officer_id": insp.officers["NA-2105"].pk, "role": "violator"}]},
        format="json")
    assert finding.status_code == 201, finding.content
    assert finding.json()["unit"]["code"] == "CAX-TC" and finding.json()["complaint_id"] == complaint["id"]
    detail = lead.get(f"/api/inspection/complaints/{complaint['id']}/").json()
    assert [f["id"] for f in detail["findings"]] == [finding.json()["id"]]
    # resolving needs a note
    assert lead.post(f"/api/inspection/complaints/{complaint['id']}/transition/", {"to": "resolved"},
                     format="json").status_code == 400
    done = lead.post(f"/api/inspection/complaints/{complaint['id']}/transition/",
                     {"to": "resolved", "note": "Đã xác minh, chuyển xử lý kỷ luật"}, format="json")
    assert done.status_code == 200 and done.json()["closed_at"]
    assert tc.pk == done.json()["unit"]["id"]


@pytest.mark.django_db
@pytest.mark.parametrize("body, status", [
    ({"channel": "fax", "summary": "x"}, 400),
    ({"channel": "web", "summary": ""}, 400),
    ({"channel": "web", "summary": "x", "received_at": (timezone.now() + timedelta(days=2)).isoformat()}, 400),
    ({"channel": "web", "summary": "x", "unit_id": 999999}, 400),
    ({"channel": "web", "summary": "x", "occurred_at": _when(1), "received_at": _when(2)}, 400),
])
def test_complaint_bad_input(api_as, insp, body, status):
    before = Complaint.objects.count()
    response = api_as("lead").post("/api/inspection/complaints/", body, format="json")
    assert response.status_code == status and response.json()["error"]["message"]
    assert Complaint.objects.count() == before


@pytest.mark.django_db
def test_complaints_hidden_from_unit_heads(api_as, insp):
    assert api_as("unithead").get("/api/inspection/complaints/").status_code == 403
    assert api_as("reviewer").get("/api/inspection/complaints/").status_code == 200
    assert api_as("reviewer").post("/api/inspection/complaints/", {"channel": "web", "summary": "x"},
                                   format="json").status_code == 403


@pytest.mark.django_db
def test_finding_from_footage_by_reviewer_and_visibility(api_as, insp):
    reviewer = api_as("reviewer")
    body = {"source": "footage", "category": "CAMERA_CHE", "title": "Camera bị che bằng giấy",
            "unit_id": insp.units["CAX-ND"].pk, "occurred_from": _when(2), "occurred_to": _when(1),
            "unit_level_reason": "Hình ảnh không cho thấy cán bộ nào, chưa xác định được cá nhân"}
    created = reviewer.post("/api/inspection/findings/", body, format="json")
    assert created.status_code == 201, created.content
    fid = created.json()["id"]
    assert created.json()["severity"] == "serious"  # the category's default
    # media evidence pointer
    ev = reviewer.post(f"/api/inspection/findings/{fid}/evidence/", {"media_ref": "tag:42"}, format="json")
    assert ev.status_code == 201 and ev.json()["kind"] == "note" and ev.json()["media_ref"] == "tag:42"
    # a reviewer may not log a check finding; a draft is not visible to a disciplinary officer
    assert reviewer.post("/api/inspection/findings/", {**body, "source": "complaint"}, format="json").status_code == 403
    assert api_as("discipline").get(f"/api/inspection/findings/{fid}/").status_code == 404
    api_as("lead").post(f"/api/inspection/findings/{fid}/transition/", {"to": "confirmed", "reason": "Đã xác minh đúng"},
                        format="json")
    assert api_as("discipline").get(f"/api/inspection/findings/{fid}/").status_code == 200
    # the Thanh Chương unit head sees their own confirmed findings, not Nam Đàn's
    head = api_as("unithead")
    assert head.get(f"/api/inspection/findings/{fid}/").status_code == 404
    units = {f["unit"]["code"] for f in head.get("/api/inspection/findings/").json()["results"]}
    assert units == {"CAX-TC"}


@pytest.mark.django_db
@pytest.mark.parametrize("patch, code", [
    ({"category": "NOPE"}, 400),
    ({"severity": "catastrophic"}, 400),
    ({"occurred_to": "2020-01-01T00:00:00+07:00"}, 400),
    ({"subjects": [{"officer_id": 999999, "role": "violator"}]}, 400),
    ({"subjects": [{"officer_id": 1, "role": "bystander"}]}, 400),
])
def test_finding_bad_edits_change_nothing(api_as, insp, patch, code):
    lead = api_as("lead")
    f = lead.post("/api/inspection/findings/", {
        "source": "footage", "category": "VANG_MAT", "title": "Vắng mặt", "unit_id": insp.units["CAX-TC"].pk,
        "occurred_from": _when(5), "subjects": [{"officer_id": insp.officers["NA-2104"].pk, "role": "violator"}]},
        format="json").json()
    response = lead.patch(f"/api/inspection/findings/{f['id']}/", patch, format="json")
    assert response.status_code == code
    finding = Finding.objects.get(pk=f["id"])
    assert finding.category.code == "VANG_MAT" and finding.severity == "less_serious"
    assert [s.officer.service_number for s in finding.subjects.all()] == ["NA-2104"]


@pytest.mark.django_db
def test_finding_state_machine(api_as, insp):
    lead, discipline = api_as("lead"), api_as("discipline")
    fid = insp.extra["inspection"]["findings"][0]  # confirmed in the demo
    assert lead.patch(f"/api/inspection/findings/{fid}/", {"title": "x"}, format="json").status_code == 409
    assert lead.post(f"/api/inspection/findings/{fid}/transition/", {"to": "draft", "reason": "x"},
                     format="json").status_code == 409
    actioned = discipline.post(f"/api/inspection/findings/{fid}/transition/",
                               {"to": "actioned", "reason": "Quyết định kỷ luật số 12/QĐ"}, format="json")
    assert actioned.status_code == 200 and actioned.json()["state"] == "actioned"
    assert lead.post(f"/api/inspection/findings/{fid}/transition/", {"to": "dismissed", "reason": "x"},
                     format="json").status_code == 409
    trail = list(FindingTransition.objects.filter(finding_id=fid).values_list("to_state", "actor__username"))
    assert trail == [("draft", "lead"), ("confirmed", "lead"), ("actioned", "discipline")]
    # the history shows people by name, and the recording itself carries no stored bilingual text
    # ("Lập vi phạm / finding created" was printed as is in either language): the UI names it
    history = lead.get(f"/api/inspection/findings/{fid}/").json()["transitions"]
    assert history[0]["from"] == "" and history[0]["reason"] == ""
    assert [h["actor"]["full_name"] for h in history] == [
        insp.users[u].get_full_name() for u in ("lead", "lead", "discipline")]
    assert all(h["actor"]["full_name"] for h in history)


@pytest.mark.django_db
def test_finding_bad_creation(api_as, insp):
    from tests.inspection.test_secrecy import _plan

    lead = api_as("lead")
    planned = _plan(insp)
    before = Finding.objects.count()
    cases = [
        {"source": "check", "check": str(planned.uid), "category": "VANG_MAT", "title": "x", "occurred_from": _when()},
        {"source": "check", "category": "VANG_MAT", "title": "x", "occurred_from": _when()},
        {"source": "footage", "category": "VANG_MAT", "title": "x", "unit_id": insp.units["CAX-TC"].pk,
         "occurred_from": (timezone.now() + timedelta(days=1)).isoformat()},
        {"source": "footage", "category": "VANG_MAT", "title": "x", "unit_id": insp.units["CAX-TC"].pk,
         "occurred_from": _when(1), "occurred_to": _when(3)},
        {"source": "footage", "category": "VANG_MAT", "title": "x", "occurred_from": _when()},
        {"source": "rating", "category": "VANG_MAT", "title": "x", "occurred_from": _when()},
        {"source": "footage", "category": "VANG_MAT", "title": "x", "unit_id": insp.units["CAX-TC"].pk,
         "occurred_from": _when(), "subjects": [{"officer_id": insp.officers["NA-2104"].pk, "role": "violator"},
                                                {"officer_id": insp.officers["NA-2104"].pk, "role": "violator"}]},
    ]
    statuses = [lead.post("/api/inspection/findings/", body, format="json").status_code for body in cases]
    assert statuses == [409, 400, 400, 400, 400, 400, 400]
    assert Finding.objects.count() == before


@pytest.mark.django_db
def test_finding_file_evidence_is_hashed(api_as, insp):
    import hashlib

    fid = insp.extra["inspection"]["findings"][1]
    upload = io.BytesIO(b"bang cham cong")
    upload.name = "bảng chấm công.xlsx"
    response = api_as("inspector").post(f"/api/inspection/findings/{fid}/evidence/", {"file": upload},
                                        format="multipart")
    assert response.status_code == 201 and response.json()["sha256"] == hashlib.sha256(b"bang cham cong").hexdigest()
    both = io.BytesIO(b"y")
    both.name = "y.txt"
    assert api_as("inspector").post(f"/api/inspection/findings/{fid}/evidence/", {"file": both, "media_ref": "tag:1"},
                                    format="multipart").status_code == 400


@pytest.mark.django_db
def test_list_query_counts(api_as, insp, django_assert_max_num_queries):
    from tests.inspection.test_secrecy import _plan

    for days in range(3, 9):
        _plan(insp, days=days)
    lead = api_as("lead")
    for _ in range(5):
        lead.post("/api/inspection/findings/", {
            "source": "footage", "category": "VANG_MAT", "title": "Vắng", "unit_id": insp.units["CAX-TC"].pk,
            "occurred_from": _when(), "subjects": [{"officer_id": insp.officers["NA-2104"].pk, "role": "violator"},
                                                   {"officer_id": insp.officers["NA-2102"].pk,
                                                    "role": "responsible_head"}]}, format="json")
    for path, minimum in (("/api/inspection/checks/", 8), ("/api/inspection/findings/", 7),
                          ("/api/inspection/complaints/", 5), ("/api/inspection/criteria-sets/", 2),
                          ("/api/inspection/draws/", 0)):
        with django_assert_max_num_queries(8):
            response = lead.get(path + "?page_size=100")
        assert response.status_code == 200 and response.json()["count"] >= minimum, path


@pytest.mark.django_db
def test_finding_evidence_file_downloads_as_stored_and_is_logged(api_as, insp):
    import hashlib

    from backend.audit.models import AuditEvent

    finding = Finding.objects.get(pk=insp.extra["inspection"]["findings"][1])
    content = "biên bản làm việc".encode()
    upload = io.BytesIO(content)
    upload.name = "biên bản.pdf"
    item = api_as("inspector").post(f"/api/inspection/findings/{finding.pk}/evidence/", {"file": upload},
                                    format="multipart").json()
    url = f"/api/inspection/findings/{finding.pk}/evidence/{item['id']}/"
    response = api_as("lead").get(url)
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert hashlib.sha256(body).hexdigest() == item["sha256"]
    assert "attachment" in response["Content-Disposition"]
    logged = AuditEvent.objects.filter(verb="finding.evidence_download").latest("pk")
    assert logged.actor.username == "lead" and logged.payload["sha256"] == item["sha256"]
    # a media pointer has no file; an unknown id and another finding's id are 404s
    pointer = api_as("reviewer").post(f"/api/inspection/findings/{finding.pk}/evidence/", {"media_ref": "tag:7"},
                                      format="json").json()
    assert api_as("lead").get(f"/api/inspection/findings/{finding.pk}/evidence/{pointer['id']}/").status_code == 404
    assert api_as("lead").get(f"/api/inspection/findings/{finding.pk}/evidence/987654/").status_code == 404
    other = Finding.objects.exclude(pk=finding.pk).first()
    assert api_as("lead").get(f"/api/inspection/findings/{other.pk}/evidence/{item['id']}/").status_code == 404


@pytest.mark.django_db
def test_finding_evidence_file_is_not_served_outside_the_unit_scope_nor_to_unit_heads(api_as, insp):
    from backend.accounts.models import User

    scope = User.objects.get(username="unithead").scope_unit
    items = {}
    for code in ("CAX-ND", scope.code):
        created = api_as("lead").post("/api/inspection/findings/", {
            "source": "footage", "category": "VANG_MAT", "title": f"Vắng mặt tại quầy {code}",
            "unit_id": insp.units[code].pk, "occurred_from": _when()}, format="json")
        assert created.status_code == 201, created.content
        finding = Finding.objects.get(pk=created.json()["id"])
        Finding.objects.filter(pk=finding.pk).update(state="confirmed")  # unit heads see confirmed ones
        upload = io.BytesIO(f"anh chup quay {code}".encode())
        upload.name = "quay.jpg"
        item = api_as("inspector").post(f"/api/inspection/findings/{finding.pk}/evidence/", {"file": upload},
                                        format="multipart").json()
        items[code] = (finding.pk, item["id"])
    head = api_as("unithead")
    other, own = items["CAX-ND"], items[scope.code]
    assert head.get(f"/api/inspection/findings/{other[0]}/").status_code == 404
    assert head.get(f"/api/inspection/findings/{other[0]}/evidence/{other[1]}/").status_code == 404
    # their own unit's confirmed finding is readable, its evidence files are not (no footage role)
    assert head.get(f"/api/inspection/findings/{own[0]}/").status_code == 200
    assert head.get(f"/api/inspection/findings/{own[0]}/evidence/{own[1]}/").status_code == 403
    assert api_as("discipline").get(f"/api/inspection/findings/{own[0]}/evidence/{own[1]}/").status_code == 200


@pytest.mark.django_db
def test_a_finding_dismissed_before_confirmation_stays_the_teams(api_as, insp):
    """Insider review, issue 15: a draft dismissed by the team was never an allegation; the admin, the
    disciplinary officer and the unit head opened it through the findings API once it left the draft state."""
    lead = api_as("lead")
    body = {"source": "footage", "category": "VANG_MAT", "title": "Nghi vắng mặt, chưa xác minh",
            "unit_id": insp.units["CAX-TC"].pk, "occurred_from": _when(3)}
    fid = lead.post("/api/inspection/findings/", body, format="json").json()["id"]
    dismissed = lead.post(f"/api/inspection/findings/{fid}/transition/",
                          {"to": "dismissed", "reason": "Không đủ căn cứ"}, format="json")
    assert dismissed.status_code == 200, dismissed.content
    assert lead.get(f"/api/inspection/findings/{fid}/").status_code == 200
    assert api_as("inspector").get(f"/api/inspection/findings/{fid}/").status_code == 200
    for outsider in ("admin", "discipline", "unithead"):
        client = api_as(outsider)
        assert client.get(f"/api/inspection/findings/{fid}/").status_code == 404, outsider
        listed = client.get("/api/inspection/findings/?state=dismissed")
        assert listed.status_code in (200, 403), outsider
        if listed.status_code == 200:
            assert fid not in [f["id"] for f in listed.json()["results"]], outsider
