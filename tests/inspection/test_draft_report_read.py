"""rev15 F8: the unsigned report of a check in progress (on-site notes, scores) is the check team's
working paper; other roles read the report once it is signed."""
from __future__ import annotations

import pytest

from inspection.models import SurpriseCheck
from inspection.selectors_criteria import criteria_leaves
from tests.inspection.factories import report_version
from tests.inspection.test_secrecy import _plan

pytestmark = pytest.mark.django_db


def test_the_unsigned_report_is_read_by_the_team_only_and_the_signed_one_by_all_readers(api_as, insp):
    check = _plan(insp)
    lead = api_as("lead")
    assert lead.post(f"/api/inspection/checks/{check.uid}/start/", {}, format="json").status_code == 200
    url = f"/api/inspection/checks/{check.uid}/report/"
    draft = lead.put(url, {"version": report_version(check), "summary": "NHÁP: cán bộ Thu nghi nhận tiền"}, format="json")
    assert draft.status_code == 200, draft.content
    assert api_as("inspector").get(url).json()["summary"] == "NHÁP: cán bộ Thu nghi nhận tiền"  # team

    for reader in ("reviewer", "discipline", "admin"):
        got = api_as(reader).get(url)
        assert got.status_code == 404, (reader, got.content)
        assert "NHÁP" not in got.content.decode()
        assert got.json()["error"]["message"].startswith("Biên bản chưa được ký")

    # once signed, every reader of the check reads it
    results = [{"criterion": c.code, "outcome": "pass"} for c in criteria_leaves(criteria_set=check.criteria_set)]
    assert lead.put(url, {"version": report_version(check), "results": results}, format="json").status_code == 200
    assert lead.post(f"/api/inspection/checks/{check.uid}/complete/", {}, format="json").status_code == 200
    assert lead.post(url + "sign/", {}, format="json").status_code == 200
    assert SurpriseCheck.objects.get(pk=check.pk).report.is_signed
    for reader in ("reviewer", "discipline", "admin"):
        assert api_as(reader).get(url).status_code == 200, reader


def test_the_check_list_and_detail_show_an_unsigned_score_to_the_team_only(api_as, insp):
    """Left over by the F8 fix: the check list and detail carried the draft report's score to everyone."""
    check = _plan(insp)
    lead = api_as("lead")
    assert lead.post(f"/api/inspection/checks/{check.uid}/start/", {}, format="json").status_code == 200
    results = [{"criterion": c.code, "outcome": "pass"} for c in criteria_leaves(criteria_set=check.criteria_set)]
    assert lead.put(f"/api/inspection/checks/{check.uid}/report/", {"version": report_version(check), "results": results},
                    format="json").status_code == 200

    def score(reader: str) -> tuple:
        client = api_as(reader)
        listed = [c for c in client.get("/api/inspection/checks/").json()["results"] if c["id"] == str(check.uid)
                  or c.get("uid") == str(check.uid) or c.get("reference") == check.reference]
        detail = client.get(f"/api/inspection/checks/{check.uid}/").json()
        return (listed[0]["score"] if listed else "absent"), detail.get("score")

    team_list, team_detail = score("lead")
    assert team_list is not None and team_detail is not None
    for reader in ("reviewer", "discipline", "admin"):
        assert score(reader) in ((None, None), ("absent", None)), reader
