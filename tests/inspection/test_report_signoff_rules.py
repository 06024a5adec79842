"""Sign-off rules that cannot be walked around (issue 13 F4, F5, F6, F13): minutes saying "no violation"
in any common phrasing, amendments after signing, draft or dismissed findings for a failed critical
criterion, and n.a. on critical criteria."""
from __future__ import annotations

import pytest
from django.utils import timezone

from inspection.models import CheckReport, Finding, SurpriseCheck
from tests.inspection.factories import report_version
from tests.inspection.test_reports import _all, _url
from tests.inspection.test_secrecy import _plan


@pytest.fixture
def running(api_as, insp):
    check = _plan(insp)
    assert api_as("lead").post(f"/api/inspection/checks/{check.uid}/start/", {}, format="json").status_code == 200
    return SurpriseCheck.objects.get(pk=check.pk)


def _complete(api_as, check, results, summary=""):
    lead = api_as("lead")
    r = lead.put(_url(check), {"version": report_version(check), "results": results, "summary": summary}, format="json")
    assert r.status_code == 200, r.content
    assert lead.post(f"/api/inspection/checks/{check.uid}/complete/", {}, format="json").status_code == 200
    return lead


def _finding(client, check, criterion):
    r = client.post("/api/inspection/findings/", {
        "source": "check", "category": "BAO_MAT", "title": "Thu tiền ngoài quy định",
        "occurred_from": timezone.now().isoformat(), "unit_id": check.unit_id, "check": str(check.uid),
        "criterion": criterion, "unit_level_reason": "Hình ảnh không cho thấy cán bộ nào, chưa xác định được cá nhân"}, format="json")
    assert r.status_code == 201, r.content
    return r.json()["id"]


def _transition(client, finding_id, to, reason):
    return client.post(f"/api/inspection/findings/{finding_id}/transition/", {"to": to, "reason": reason},
                       format="json")


@pytest.mark.django_db
@pytest.mark.parametrize("summary", [
    "Qua kiểm tra, không phát hiện hành vi vi phạm nào.",
    "Chưa phát hiện vi phạm.",
    "Đoàn không phát hiện ra sai phạm gì.",
    "Không có sai sót.",
    "Không có hành vi vi phạm.",
    "Qua kiem tra khong phat hien vi pham.",
    "KHÔNG GHI NHẬN SAI PHẠM",
])
def test_minutes_saying_no_violation_in_any_phrasing_are_not_signed_with_a_failure(api_as, running, summary):
    lead = _complete(api_as, running, _all(running, **{"4.4": {"outcome": "fail", "note": "Không có văn bản xin lỗi"}}),
                     summary)
    r = lead.post(_url(running, "sign/"), {}, format="json")
    assert r.status_code == 409 and r.json()["error"]["code"] == "minutes_contradict_results", r.content
    assert not CheckReport.objects.get(surprise_check=running).is_signed


@pytest.mark.django_db
@pytest.mark.parametrize("summary", [
    "Cán bộ không có mặt tại quầy, vi phạm quy định về giờ làm việc.",
    "Không có văn bản xin lỗi. Vi phạm tiêu chí 4.4.",
    "Không phát hiện thu tiền, nhưng có vi phạm về xin lỗi.",
])
def test_minutes_stating_a_violation_are_signed(api_as, running, summary):
    lead = _complete(api_as, running, _all(running, **{"4.4": {"outcome": "fail", "note": "Không có văn bản xin lỗi"}}),
                     summary)
    assert lead.post(_url(running, "sign/"), {}, format="json").status_code == 200


def _signed_clean(api_as, check):
    lead = _complete(api_as, check, _all(check), "Đơn vị thực hiện đúng quy định.")
    assert lead.post(_url(check, "sign/"), {}, format="json").status_code == 200
    return lead


@pytest.mark.django_db
def test_an_amendment_goes_through_the_sign_off_rules(api_as, running):
    lead = _signed_clean(api_as, running)
    # a failed critical criterion with no finding, by amendment: refused, nothing changes
    r = lead.post(_url(running, "amendments/"), {"reason": "Bổ sung kết quả", "results": [
        {"criterion": "1.1", "outcome": "fail", "note": "Vắng mặt tại quầy"}]}, format="json")
    assert r.status_code == 409 and r.json()["error"]["code"] == "critical_without_finding", r.content
    # a failure with "no violation" minutes: refused too
    r = lead.post(_url(running, "amendments/"), {"reason": "Bổ sung kết quả", "summary": "Không có vi phạm.",
                                                 "results": [{"criterion": "4.4", "outcome": "fail",
                                                              "note": "Không có văn bản xin lỗi"}]}, format="json")
    assert r.status_code == 409 and r.json()["error"]["code"] == "minutes_contradict_results", r.content
    report = CheckReport.objects.get(surprise_check=running)
    assert not report.amendments.exists() and not report.results.filter(outcome="fail").exists()
    assert report.summary == "Đơn vị thực hiện đúng quy định."
    # the same failure with honest minutes is an amendment
    r = lead.post(_url(running, "amendments/"), {"reason": "Bổ sung kết quả", "summary": "Vi phạm tiêu chí 4.4.",
                                                 "results": [{"criterion": "4.4", "outcome": "fail",
                                                              "note": "Không có văn bản xin lỗi"}]}, format="json")
    assert r.status_code == 201, r.content


@pytest.mark.django_db
def test_a_draft_finding_does_not_cover_a_failed_critical_criterion_and_dismissing_it_later_is_flagged(
        api_as, running):
    lead = _complete(api_as, running, _all(running, **{"3.1": {"outcome": "fail",
                                                               "note": "Thu tiền ngoài quy định 200.000đ"}}),
                     "Phát hiện thu tiền ngoài quy định.")
    finding_id = _finding(api_as("inspector"), running, "3.1")
    r = lead.post(_url(running, "sign/"), {}, format="json")
    assert r.status_code == 409 and r.json()["error"]["code"] == "critical_without_finding", r.content
    assert _transition(lead, finding_id, "confirmed", "Có biên lai và lời khai").status_code == 200
    assert lead.post(_url(running, "sign/"), {}, format="json").status_code == 200
    # dismissing it right after sign-off with a non-reason: refused, the finding stays confirmed
    r = _transition(lead, finding_id, "dismissed", ".")
    assert r.status_code == 400 and "reason" in r.json()["error"]["fields"], r.content
    assert Finding.objects.get(pk=finding_id).state == "confirmed"
    # with a real reason it is dismissed, and the signed report is flagged ...
    r = _transition(lead, finding_id, "dismissed", "Đơn vị xuất trình biên lai thu phí hợp lệ sau kiểm tra")
    assert r.status_code == 200, r.content
    report = CheckReport.objects.get(surprise_check=running)
    flag = {f["code"]: f for f in report.flags}["critical_without_confirmed_finding"]
    assert flag["criteria"] == ["3.1"]
    # ... and the rankings do not show the unit as clean
    year = timezone.localdate().year
    ranking = api_as("discipline").get(f"/api/accountability/rankings/?year={year}&level=commune").json()
    [row] = [x for x in ranking["rows"] if x["unit"]["id"] == running.unit_id]
    assert row["components"]["checks"]["critical_failed_reports"] >= 1
    assert row["components"]["checks"]["critical_uncovered_reports"] == 1 and "bác bỏ" in row["note_vi"]


@pytest.mark.django_db
def test_not_applicable_on_a_critical_criterion_is_flagged_and_a_dot_is_not_a_reason(api_as, running):
    lead = api_as("lead")
    r = lead.put(_url(running), {"version": report_version(running), "results": _all(running, **{"3.1": {"outcome": "not_applicable", "note": "."}})},
                 format="json")
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_results"
    r = lead.put(_url(running), {"version": report_version(running), "results": _all(running, **{"3.1": {"outcome": "not_applicable",
                                                                     "note": "\u200b"}})}, format="json")
    assert r.status_code == 400
    r = lead.put(_url(running), {"version": report_version(running), "results": _all(running, **{"3.1": {"outcome": "not_applicable",
                                                                     "note": "Quầy không thu phí"}})}, format="json")
    assert r.status_code == 200, r.content
    flags = {f["code"]: f for f in CheckReport.objects.get(surprise_check=running).flags}
    assert flags["critical_not_applicable"]["criteria"] == ["3.1"]
    assert SurpriseCheck.objects.get(pk=running.pk).state == "in_progress"


@pytest.mark.django_db
def test_the_report_says_why_the_lead_could_not_sign_it_yet(api_as, running):
    """The web app holds "Ký biên bản" with its reason (issue 15): the report carries the very reasons the
    signature would be refused for."""
    lead = _complete(api_as, running, _all(running, **{"4.4": {"outcome": "fail", "note": "Không có văn bản xin lỗi"}}),
                     "Chưa phát hiện vi phạm.")
    blockers = lead.get(_url(running)).json()["sign_blockers"]
    refused = lead.post(_url(running, "sign/"), {}, format="json")
    assert refused.status_code == 409
    assert [b["code"] for b in blockers] == [refused.json()["error"]["code"]] == ["minutes_contradict_results"]
    assert "Nhận xét chung ghi không có vi phạm" in blockers[0]["vi"]


@pytest.mark.django_db
def test_a_report_that_may_be_signed_has_no_blockers(api_as, running):
    lead = _complete(api_as, running, _all(running), "Đơn vị thực hiện đúng quy định.")
    assert lead.get(_url(running)).json()["sign_blockers"] == []
    assert lead.post(_url(running, "sign/"), {}, format="json").status_code == 200
    assert lead.get(_url(running)).json()["sign_blockers"] == []
