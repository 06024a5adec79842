"""rev15 F8: the unsigned report of a check in progress (on-site notes, scores) is the check team's
working paper; other roles read the report once it is signed."""
from __future__ import annotations

import pytest

from inspection.models import SurpriseCheck
from inspection.selectors import criteria_leaves
from tests.inspection.test_secrecy import _plan

pytestmark = pytest.mark.django_db


def test_the_unsigned_report_is_read_by_the_team_only_and_the_signed_one_by_all_readers(api_as, insp):
    check = _plan(insp)
    lead = api_as("lead")
    assert lead.post(f"/api/inspection/checks/{check.uid}/start/", {}, format="json").status_code == 200
    url = f"/api/inspection/checks/{check.uid}/report/"
    draft = lead.put(url, {"summary": "NHÁP: cán bộ Thu nghi nhận tiền"}, format="json")
    assert draft.status_code == 200, draft.content
    assert api_as("inspector").get(url).json()["summary"] == "NHÁP: cán bộ Thu nghi nhận tiền"  # team

    for reader in ("reviewer", "discipline", "admin"):
        got = api_as(reader).get(url)
        assert got.status_code == 404, (reader, got.content)
        assert "NHÁP" not in got.content.decode()
        assert got.json()["error"]["message"].startswith("Biên bản chưa được ký")

    # once signed, every reader of the check reads it
    results = [{"criterion": c.code, "outcome": "pass"} for c in criteria_leaves(criteria_set=check.criteria_set)]
    assert lead.put(url, {"results": results}, format="json").status_code == 200
    assert lead.post(f"/api/inspection/checks/{check.uid}/complete/", {}, format="json").status_code == 200
    assert lead.post(url + "sign/", {}, format="json").status_code == 200
    assert SurpriseCheck.objects.get(pk=check.pk).report.is_signed
    for reader in ("reviewer", "discipline", "admin"):
        assert api_as(reader).get(url).status_code == 200, reader
