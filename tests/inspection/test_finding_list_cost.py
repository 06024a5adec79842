"""The findings list's cost is pinned: a fixed number of queries whatever its page holds (subjects,
several creators and confirmers, checks, counters), and each row written exactly as the detail
writes the same finding (issue 18: the list reads values() rows, the detail a loaded instance)."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

pytestmark = pytest.mark.django_db

LIST = "/api/inspection/findings/?page_size=100"


def _add(client: Any, insp: Any, n: int, *, confirm_with: Any = None) -> None:
    for i in range(n):
        created = client.post("/api/inspection/findings/", {
            "source": "footage", "category": "VANG_MAT", "title": f"Vắng mặt {i}", "unit_id": insp.units["CAX-TC"].pk,
            "occurred_from": (timezone.now() - timedelta(days=2, minutes=i)).isoformat(),
            "subjects": [{"officer_id": insp.officers["NA-2104"].pk, "role": "violator", "note": f"ghi chú {i}"},
                         {"officer_id": insp.officers["NA-2102"].pk, "role": "responsible_head",
                          "knew_and_did_not_act": True}]}, format="json")
        assert created.status_code == 201, created.content
        if confirm_with is not None:
            r = confirm_with.post(f"/api/inspection/findings/{created.json()['id']}/transition/",
                                  {"to": "confirmed", "reason": "Có biên bản xác nhận."}, format="json")
            assert r.status_code == 200, r.content


def _queries(client: Any) -> tuple[int, dict[str, Any]]:
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(LIST)
    assert r.status_code == 200, r.content
    return len(ctx.captured_queries), r.json()


def test_findings_list_query_count_is_pinned(api_as: Any, insp: Any) -> None:
    lead, inspector = api_as("lead"), api_as("inspector")
    _add(lead, insp, 1)
    small, _ = _queries(lead)
    # more rows, more subjects, another creator, a confirmer: the same queries
    _add(inspector, insp, 6, confirm_with=lead)
    _add(lead, insp, 3)
    big, body = _queries(lead)
    assert big == small
    # the request's own (session, user, second factor, the lead's conflicted units) and the list's:
    # count, page, the page's subjects, the page's creators and confirmers
    assert big <= 8
    rows = body["results"]
    assert len(rows) >= 10 and {r["created_by"]["username"] for r in rows} >= {"lead", "inspector"}
    assert any(r["confirmed_by"] and r["confirmed_by"]["username"] == "lead" for r in rows)
    assert all(len(r["subjects"]) == 2 for r in rows if r["title"].startswith("Vắng mặt"))


def test_findings_list_rows_are_written_as_the_detail_writes_them(api_as: Any, insp: Any) -> None:
    lead, inspector = api_as("lead"), api_as("inspector")
    _add(inspector, insp, 2, confirm_with=lead)
    _add(lead, insp, 1)
    rows = lead.get(LIST).json()["results"]
    assert rows
    for row in rows:
        detail = lead.get(f"/api/inspection/findings/{row['id']}/").json()
        assert list(detail)[:len(row)] == list(row)  # same keys, same order
        assert {key: detail[key] for key in row} == row


def test_the_count_reads_keys_only(api_as: Any, insp: Any) -> None:
    """The count does not carry the page's columns, joins or annotated subqueries."""
    lead = api_as("lead")
    _add(lead, insp, 2)
    with CaptureQueriesContext(connection) as ctx:
        assert lead.get(LIST).status_code == 200
    counts = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("SELECT COUNT(*)")]
    assert len(counts) == 1
    assert "inspection_findingcategory" not in counts[0] and "org_unit" not in counts[0]
