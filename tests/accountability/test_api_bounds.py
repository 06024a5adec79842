"""Out-of-range ids and numbers are a clear 4xx, never a database overflow (5xx)."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db
H = "99999999999999999999999"

@pytest.mark.parametrize("url", [f"/api/accountability/findings/{H}/trace/", f"/api/accountability/cases/{H}/",
    f"/api/accountability/liabilities/{H}/", f"/api/accountability/traces/{H}/", f"/api/accountability/officers/{H}/",
    f"/api/accountability/findings/{H}/report.pdf", f"/api/accountability/officers/{H}/report.xlsx",
    f"/api/accountability/rulesets/{H}/", "/api/accountability/liabilities/?finding=" + H,
    "/api/accountability/cchc-tasks/?year=" + H, "/api/accountability/rankings/?year=" + H,
    "/api/accountability/cases/?unit=" + H])
def test_probe_get(api_as, url):
    r = api_as("discipline").get(url)
    assert r.status_code in (400, 404), (url, r.status_code)

@pytest.mark.parametrize("url,body", [(f"/api/accountability/cchc-tasks/{H}/delivery/", {"delivered_on": "2026-01-01"}),
    (f"/api/accountability/liabilities/{H}/confirm/", {"reason": "abcdef"}),
    (f"/api/accountability/cases/{H}/transition/", {"to": "dropped", "note": "abcdef"}),
    ("/api/accountability/liabilities/", {"finding_id": int(H)}),
    ("/api/accountability/cases/", {"subject_kind": "officer", "officer_id": int(H), "finding_ids": [1], "title": "x"})])
def test_probe_post(api_as, url, body):
    for user in ("discipline", "admin"):
        r = api_as(user).post(url, body, format="json")
        assert r.status_code in (400, 403, 404), (url, r.status_code)
