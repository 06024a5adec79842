"""The trace, the head profile and the rankings match their declared schema with real, full bodies
(issue 17): each is an output serializer in docs/openapi.yml (apis/outputs.py), checked strictly here, so
a key a view sends that the schema does not declare fails, as does a declared field of the wrong type or
a null where none is declared. The bodies are chosen to fill the nullable and list fields: a unit merged
since and its abolished parent, a change of head, a deputy in the field, a head who knew, other rules,
a time-barred violation, the unit's explanation; a decided case under complaint with its computed view
and the unit's explanation; a head's tenures with findings, liabilities and a case; rankings with a unit's and its head's emulation consequences and units with no data."""
from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.utils import timezone

from inspection.accountability import services_appeals, services_liabilities
from tests.accountability.test_cases import decide, open_case
from tests.accountability.test_profile_reports import history  # noqa: F401  (the fixture)
from tests.openapi_bodies import check

pytestmark = pytest.mark.django_db

TRACE = "/api/accountability/findings/{id}/trace/"


def test_traces_match_the_schema(api_as: Any, make_finding: Any, demo: Any) -> None:
    from inspection.models import FindingExplanation

    client = api_as("discipline")
    merged = make_finding("CAX-TTTC", "less_serious", date(2024, 5, 10), violators=("NA-2104",))
    old = make_finding("CAX-TC", "serious", date(2019, 3, 4), state="confirmed")  # no violator named, time-barred
    for earlier in (date(2026, 4, 2), date(2026, 5, 20), date(2026, 3, 1)):
        make_finding("CAX-TC", "serious", earlier, violators=("NA-2105",))
    spanning = make_finding("CAX-TC", "serious", date(2026, 3, 1), to=date(2026, 6, 5), violators=("NA-2104",),
                            subjects=(("NA-2102", "responsible_head", True, False),), counter=True)
    FindingExplanation.objects.create(finding=spanning, kind="explanation", author=demo.users["unithead"],
                                      text="Đơn vị đã chấn chỉnh bộ phận một cửa sau khi phát hiện sai sót",
                                      at=timezone.now())
    bodies = [check(client.get(TRACE.replace("{id}", str(f.pk))), "get", TRACE, strict=True)
              for f in (merged, old, spanning)]
    leaders = [ld for body in bodies for g in body["units"] for ld in g["leaders"]]
    assert {ld["role"] for ld in leaders} == {"head", "deputy", "upper_head"}
    assert any(ld["other_rules"] for ld in leaders) and any(ld["rule"] is None for ld in leaders)
    assert any(g["parent"] is not None and g["parents"] for body in bodies for g in body["units"])
    assert bodies[0]["units"][0]["unit"]["status"] == "merged"
    assert any(body["limitation"] is not None for body in bodies)
    assert bodies[2]["explanations"] and bodies[2]["finding"]["occurred_to"] is not None
    # a trace after a liability was recorded on the finding: the liabilities' own answers too
    services_liabilities.liabilities_propose(by=demo.users["discipline"], finding=merged)
    check(client.get(TRACE.replace("{id}", str(merged.pk))), "get", TRACE, strict=True)
    check(client.get("/api/accountability/liabilities/"), "get", "/api/accountability/liabilities/", strict=True)


def test_the_head_profile_matches_the_schema(api_as: Any, history: dict[str, Any]) -> None:  # noqa: F811
    path = "/api/accountability/officers/{id}/"
    client = api_as("discipline")
    body = check(client.get(path.replace("{id}", str(history["officer"].pk))), "get", path, strict=True)
    assert body["tenures"] and body["liabilities"] and body["cases"]
    assert any(t["findings"] for t in body["tenures"]) and body["period"]["from"] is None
    period = check(client.get(path.replace("{id}", str(history["officer"].pk)) + "?from=2026-01-01&to=2026-06-30"),
                   "get", path, strict=True)
    assert period["period"] == {"from": "2026-01-01", "to": "2026-06-30"}


def test_rankings_match_the_schema(api_as: Any, make_check: Any, make_finding: Any) -> None:
    path = "/api/accountability/rankings/"
    make_check("CAX-KL", date(2025, 9, 1), percent=95)
    make_check("CAX-TC", date(2025, 9, 3), percent=85)
    make_check("CAX-KL", date(2026, 4, 1), percent=40)  # below the thresholds: the longest-serving head answers
    make_check("CAX-TC", date(2026, 4, 3), percent=90)
    make_finding("CAX-TC", "very_serious", date(2026, 3, 10), violators=("NA-2104",))
    body = check(api_as("discipline").get(path + "?year=2026&level=commune"), "get", path, strict=True)
    rows = {r["unit"]["code"]: r for r in body["rows"]}
    assert rows["CAX-TC"]["emulation"]["unit"] and rows["CAX-TC"]["emulation"]["heads"]
    assert rows["CAX-KL"]["emulation"]["heads"] and rows["CAX-KL"]["previous"]["rank"] is not None
    assert any(r["score"] is None and r["rank"] is None for r in body["rows"])
    check(api_as("discipline").get(path + "?year=2026&quarter=2&level=commune"), "get", path, strict=True)


def test_a_case_with_its_computed_view_matches_the_schema(api_as: Any, make_finding: Any, demo: Any) -> None:
    from inspection.models import FindingExplanation

    path = "/api/accountability/cases/{id}/"
    finding = make_finding("CAX-TC", "serious", date(2026, 6, 1), violators=("NA-2104",))
    FindingExplanation.objects.create(finding=finding, kind="self_review", author=demo.users["unithead"],
                                      text="Cán bộ một cửa đã tự kiểm điểm và nhận khuyết điểm trước đơn vị",
                                      at=timezone.now())
    case = decide(demo, open_case(demo, [finding]), "canh_cao", date(2026, 6, 20))
    services_appeals.case_appeal(by=demo.users["discipline"], case=case, filed_on=date(2026, 6, 25),
                                 text="Đề nghị xem xét lại hình thức kỷ luật đã áp dụng")
    body = check(api_as("discipline").get(path.replace("{id}", str(case.pk))), "get", path, strict=True)
    computed = body["computed"]
    assert computed["violations"] and computed["steps"] and computed["computed_form"] is not None
    assert computed["deadlines"]["complaints"]["first"]["answer"] is not None
    assert body["explanations"] and body["explanations"][0]["author"]["name"]
    listed = check(api_as("discipline").get("/api/accountability/cases/"), "get", "/api/accountability/cases/",
                   strict=True)
    assert listed["results"][0]["computed"] is not None


def test_checks_behind_the_rankings_match_the_schema(api_as: Any, make_check: Any) -> None:
    """A check always names its unit (a non-null key): the schema says so, the rows and the detail agree."""
    check_row = make_check("CAX-KL", date(2026, 4, 1), percent=80)
    client = api_as("lead")
    listed = check(client.get("/api/inspection/checks/"), "get", "/api/inspection/checks/", strict=True)
    assert listed["results"] and all(row["unit"] is not None for row in listed["results"])
    detail = check(client.get(f"/api/inspection/checks/{check_row.uid}/"), "get", "/api/inspection/checks/{uid}/",
                   strict=True)
    assert detail["unit"]["code"] == "CAX-KL"
