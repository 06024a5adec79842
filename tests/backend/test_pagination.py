"""The list count stops at COUNT_CAP rows (or just past the page asked for): the one part of a list
request that grew with the table. Below the cap it is exact; beyond it a lower bound, said so."""
from __future__ import annotations

from typing import Any

import pytest
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from backend.core import pagination
from backend.core.pagination import Pagination
from backend.org.models import Unit

pytestmark = pytest.mark.django_db


def _page(qs: Any, query: str) -> dict[str, Any]:
    request = Request(APIRequestFactory().get(f"/api/x/?{query}"))
    p = Pagination()
    rows: list[Any] | None = p.paginate_queryset(qs, request)
    assert rows is not None
    data = p.get_paginated_response([r.pk for r in rows]).data
    return dict(data)


def test_count_is_exact_below_the_cap_and_a_lower_bound_beyond(demo: Any, monkeypatch: Any) -> None:
    total = Unit.objects.count()
    assert total >= 5
    qs = Unit.objects.order_by("pk")
    exact = _page(qs, "page_size=2")
    assert exact["count"] == total and exact["count_exact"] is True

    monkeypatch.setattr(pagination, "COUNT_CAP", 3)
    capped = _page(qs, "page_size=2")
    assert capped["count"] == 4 and capped["count_exact"] is False  # "more than 3"
    assert capped["next"] and len(capped["results"]) == 2

    # a page past the cap is served in full, and knows whether another follows
    last = (total + 1) // 2
    deep = _page(qs, f"page_size=2&page={last}")
    assert deep["results"] == list(qs.values_list("pk", flat=True))[2 * (last - 1):]
    assert deep["next"] is None
    before_last = _page(qs, f"page_size=2&page={last - 1}")
    assert before_last["next"] and len(before_last["results"]) == 2


def test_counting_reads_at_most_the_cap(demo: Any, monkeypatch: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    monkeypatch.setattr(pagination, "COUNT_CAP", 3)
    with CaptureQueriesContext(connection) as ctx:
        _page(Unit.objects.order_by("pk"), "page_size=2")
    counts = [q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"].upper()]
    assert counts and all("LIMIT 4" in sql for sql in counts), counts


def test_api_list_says_whether_its_count_is_exact(api_as: Any) -> None:
    body = api_as("lead").get("/api/org/units/?page_size=2").json()
    assert body["count_exact"] is True and body["count"] >= 2
