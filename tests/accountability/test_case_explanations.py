"""Issue 15: the disciplinary case page did not show what the unit answered (giải trình, tự kiểm điểm)
to the case's findings; only the trace page did. The case carries them, by finding, with the author
named by rank and name."""
from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from backend.accounts.models import User

pytestmark = pytest.mark.django_db

TEXT = "Cán bộ tiếp nhận đi họp đột xuất, đơn vị chưa bố trí người trực thay; đã chấn chỉnh lịch trực."


def test_the_case_shows_the_units_explanations_of_its_findings(api_as: Any, make_finding: Any) -> None:
    f1 = make_finding("CAX-TC", "less_serious", date(2026, 6, 1), violators=("NA-2104",))
    f2 = make_finding("CAX-TC", "less_serious", date(2026, 6, 5), violators=("NA-2104",))
    other = make_finding("CAX-TC", "less_serious", date(2026, 6, 9), violators=("NA-2104",))
    head = api_as("unithead")
    for finding, kind in ((f2, "self_review"), (f1, "explanation"), (other, "explanation")):
        r = head.post(f"/api/inspection/findings/{finding.pk}/explanations/", {"kind": kind, "text": TEXT},
                      format="json")
        assert r.status_code == 201, r.content
    d = api_as("discipline")
    r = d.post("/api/accountability/cases/", {"subject_kind": "officer", "officer_id": f1.subjects.first().officer_id,
                                              "finding_ids": [f1.pk, f2.pk], "title": "Xử lý cán bộ một cửa"},
               format="json")
    assert r.status_code == 201, r.content
    case = d.get(f"/api/accountability/cases/{r.json()['id']}/").json()
    got = case["explanations"]
    # the two findings of the case, not the third; the finding's reference beside each
    assert sorted((x["finding_id"], x["kind"]) for x in got) == sorted(
        [(f1.pk, "explanation"), (f2.pk, "self_review")])
    assert {x["finding_reference"] for x in got} == {f1.reference, f2.reference}
    author = User.objects.select_related("officer").get(username="unithead")
    assert author.officer is not None and author.officer.rank
    assert got[0]["author"]["name"] == f"{author.officer.rank} {author.officer.full_name}"
    assert got[0]["text"] == TEXT and got[0]["kind_label"] in ("Giải trình", "Tự kiểm điểm")


def test_a_case_with_no_answer_yet_says_so(api_as: Any, make_finding: Any) -> None:
    f1 = make_finding("CAX-TC", "less_serious", date(2026, 6, 1), violators=("NA-2104",))
    d = api_as("discipline")
    r = d.post("/api/accountability/cases/", {"subject_kind": "officer", "officer_id": f1.subjects.first().officer_id,
                                              "finding_ids": [f1.pk], "title": "Hồ sơ"}, format="json")
    assert r.status_code == 201 and r.json()["explanations"] == []
