"""The custody log as CSV/XLSX for people, and clip posters for the clip list under the clip's rule."""
from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from openpyxl import load_workbook

from backend.audit.models import AuditEvent
from backend.core.actors import SystemActor
from backend.core.store import get_store
from media_ingest.review.models import AccessLog

pytestmark = pytest.mark.django_db


def _view(client: Any, clip: Any, reason: str) -> None:
    r = client.post(f"/api/media/clips/{clip.pk}/playback/", {"reason": reason}, format="json",
                    HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0")
    assert r.status_code == 201, r.content


def test_clip_custody_exports_in_vietnamese(api_as: Any, make_clip: Any, demo: Any) -> None:
    client = api_as("reviewer")
    clip = make_clip()
    _view(client, clip, "Xác minh phản ánh của công dân")
    # a formula inside a reason in words stays text (a bare formula is no reason since the playback purpose follows
    # the reason rule, insider S2-2)
    _view(client, clip, "=HYPERLINK(\"http://x\") Xác minh lại phản ánh của công dân")
    r = client.get(f"/api/media/clips/{clip.pk}/custody/export/?type=csv")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    assert f"nhat-ky-luu-giu-doan-video-{clip.pk}.csv" in r["Content-Disposition"]
    text = r.content.decode("utf-8")
    assert text.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert table[1][:4] == ["STT", "Thời điểm (giờ Việt Nam)", "Người thực hiện", "Thao tác"]
    first = table[2]
    assert first[2] == demo.users["reviewer"].get_full_name() and first[3] == "Xem" and first[5] == "Xác minh phản ánh của công dân"
    assert first[4].startswith(f"Đoạn video #{clip.pk}") and "Chrome/131.0" in first[7]
    assert first[1][2] == "/" and first[1][5] == "/"  # dd/mm/yyyy local time
    assert table[3][5].startswith("'=")

    x = client.get(f"/api/media/clips/{clip.pk}/custody/export/")  # XLSX by default
    assert x.status_code == 200 and "spreadsheetml" in x["Content-Type"]
    ws = load_workbook(io.BytesIO(x.content)).active
    assert ws["A2"].value == "STT" and ws["D3"].value == "Xem" and ws["F4"].value.startswith("'=")
    assert ws["F4"].data_type == "s"
    assert AuditEvent.objects.filter(verb__in=["custody.csv.download", "custody.xlsx.download"]).count() == 2
    bad = client.get(f"/api/media/clips/{clip.pk}/custody/export/?type=pdf")
    assert bad.status_code == 400


def test_custody_export_follows_the_clip_rule(api_as: Any, make_clip: Any, demo: Any) -> None:
    from backend.accounts.services import user_create
    from backend.org.demo import DEMO_PASSWORD
    from tests.conftest import login_client

    clip = make_clip(camera="CAM-KL-01")
    user_create(by=SystemActor("test"), username="rv-tc4", password=DEMO_PASSWORD, role="reviewer", scope_unit=demo.units["CAX-TC"])
    scoped = login_client("rv-tc4", DEMO_PASSWORD)
    assert scoped.get(f"/api/media/clips/{clip.pk}/custody/export/?type=csv").status_code == 404
    assert api_as("unithead").get(f"/api/media/clips/{clip.pk}/custody/export/?type=csv").status_code == 403


def test_poster_is_served_under_the_clip_rule_and_logged(api_as: Any, make_clip: Any, demo: Any) -> None:
    from backend.accounts.services import user_create
    from backend.org.demo import DEMO_PASSWORD
    from tests.conftest import login_client

    key = "derived/test/poster.jpg"
    jpeg = b"\xff\xd8\xff\xe0 poster bytes"
    get_store().put(key, io.BytesIO(jpeg), len(jpeg), "image/jpeg")
    clip = make_clip(camera="CAM-KL-01", poster_key=key)
    client = api_as("reviewer")
    r = client.get(f"/api/media/clips/{clip.pk}/poster/", HTTP_USER_AGENT="test-browser")
    assert r.status_code == 200 and r["Content-Type"] == "image/jpeg"
    assert b"".join(r.streaming_content) == jpeg
    assert "private" in r["Cache-Control"]
    log = AccessLog.objects.get(clip=clip, action="preview")
    assert log.object_key == key and log.user_agent == "test-browser"

    user_create(by=SystemActor("test"), username="rv-tc5", password=DEMO_PASSWORD, role="reviewer", scope_unit=demo.units["CAX-TC"])
    assert login_client("rv-tc5", DEMO_PASSWORD).get(f"/api/media/clips/{clip.pk}/poster/").status_code == 404
    assert api_as("unithead").get(f"/api/media/clips/{clip.pk}/poster/").status_code == 403
    no_poster = make_clip(camera="CAM-KL-01")
    assert client.get(f"/api/media/clips/{no_poster.pk}/poster/").status_code == 404
    assert AccessLog.objects.filter(action="preview").count() == 1
