"""Issue 15 (insider review): typed text without spaces must wrap, not widen the page. A finding with a
300-character title and a 20,000-character description, all one "word", made its page 240,504 px wide."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

pytestmark = pytest.mark.e2e


def _csrf(session: Any) -> str:
    return next(c["value"] for c in session.context.cookies() if c["name"] == "csrftoken")


def test_a_finding_with_unbroken_text_fits_the_screen(login: Any) -> None:
    lead = login("lead")
    page = lead.page
    page.set_viewport_size({"width": 1366, "height": 768})
    units = page.request.get(lead.base + "/api/org/units/?search=CAX-TC").json()["results"]
    unit = next(u for u in units if u["code"] == "CAX-TC")
    title = "T" * 300
    body = {"source": "footage", "category": "VANG_MAT", "title": title, "description": "Mô" * 10_000,
            "unit_id": unit["id"], "occurred_from": (timezone.now() - timedelta(days=1)).isoformat(), "subjects": []}
    r = page.request.post(lead.base + "/api/inspection/findings/", data=body, headers={"X-CSRFToken": _csrf(lead)})
    assert r.status == 201, r.text()
    finding = r.json()
    lead.go(f"/inspection/findings/{finding['id']}")
    page.get_by_text("TTTTTTTTTT").first.wait_for()
    page.wait_for_timeout(300)
    page.screenshot(path=str(Path("/tmp/textfix-long-finding.png")), full_page=False)
    lead.shot("finding-long-text", full=False)
    widths = page.evaluate("() => ({doc: document.documentElement.scrollWidth, body: document.body.scrollWidth,"
                           " view: window.innerWidth})")
    assert widths["doc"] <= widths["view"] and widths["body"] <= widths["view"], widths
