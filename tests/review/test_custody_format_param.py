"""Reviewer, issue 15: `?format=xlsx` on the custody export answered a bare 404 (DRF's format override); the export
takes `?format=` as `?type=`, and a format it does not make is refused in words."""
from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db


def test_the_custody_export_takes_format_as_type(api_as: Any, make_clip: Any) -> None:
    client = api_as("reviewer")
    clip = make_clip()
    r = client.get(f"/api/media/clips/{clip.pk}/custody/export/?format=csv")
    assert r.status_code == 200, r.content
    assert r["Content-Type"].startswith("text/csv") and r.content.decode("utf-8").lstrip("\ufeff")
    r = client.get(f"/api/media/clips/{clip.pk}/custody/export/?format=xlsx")
    assert r.status_code == 200 and "spreadsheetml" in r["Content-Type"]
    r = client.get(f"/api/media/clips/{clip.pk}/custody/export/?format=pdf")
    assert r.status_code == 406, r.content
    assert "định dạng" in r.json()["error"]["message"] and "csv" in r.json()["error"]["message"]
