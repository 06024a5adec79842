"""A planned check does not exist outside the inspection team: every read path, counts,
search, export, audit trail and the websocket, for every other role, until the lead starts it."""
from __future__ import annotations

import io
import uuid
from datetime import datetime, time, timedelta
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from inspection import services_checks
from inspection.draw import LOCAL_TZ
from inspection.models import SurpriseCheck

OUTSIDERS = ["admin", "reviewer", "discipline", "unithead"]


def _plan(ctx: Any, unit_code: str = "CAX-TC", days: int = 3) -> SurpriseCheck:
    from backend.org.models import Counter

    d = timezone.localdate() + timedelta(days=days)
    start = datetime.combine(d, time(9, 0), tzinfo=LOCAL_TZ)
    return services_checks.check_create(by=ctx.users["lead"], mode="bi_mat", unit=ctx.units[unit_code],
                                        counter=Counter.objects.get(code=f"Q-{unit_code}"), window_start=start,
                                        window_end=start + timedelta(hours=2), team=[ctx.users["inspector"]])


def _paths(uid: Any) -> list[tuple[str, str, dict]]:
    base = f"/api/inspection/checks/{uid}/"
    return [("get", base, {}), ("get", base + "report/", {}), ("get", base + "report/?version=original", {}),
            ("get", base + "report/pdf/", {}), ("get", base + "report/evidence/1/", {}),
            ("post", base + "start/", {}), ("post", base + "complete/", {}),
            ("post", base + "cancel/", {"reason": "x"}), ("put", base + "report/", {"results": []}),
            ("post", base + "report/sign/", {}), ("post", base + "report/amendments/", {"reason": "x"})]


def _call(client: Any, method: str, path: str, data: dict) -> Any:
    return getattr(client, method)(path, data, format="json") if method != "get" else client.get(path)


@pytest.mark.django_db
@pytest.mark.parametrize("username", OUTSIDERS)
def test_planned_check_is_invisible_everywhere(api_as, insp, username):
    planned = _plan(insp)  # in CAX-TC: inside the unit head's own scope
    missing = uuid.uuid4()
    client = api_as(username)

    # single reads and every action: the same 404 body as an id that never existed
    for (method, path, data), (_, missing_path, _) in zip(_paths(planned.uid), _paths(missing), strict=True):
        got = _call(client, method, path, data)
        ref = _call(client, method, missing_path, data)
        assert got.status_code == ref.status_code == 404, (path, got.status_code, ref.status_code)
        assert got.json() == ref.json(), path

    # lists, search, filters, counts
    listing = client.get("/api/inspection/checks/?page_size=200").json()
    ids = {c["id"] for c in listing["results"]}
    assert str(planned.uid) not in ids
    assert str(insp.extra["inspection"]["planned_check"]) not in ids
    assert all(c["state"] != "planned" for c in listing["results"])
    visible = SurpriseCheck.objects.filter(started_at__isnull=False)
    if username == "unithead":
        visible = visible.filter(unit__code="CAX-TC")
    assert listing["count"] == visible.count()
    for query in (f"search={planned.reference}", "state=planned", f"unit={planned.unit_id}&state=planned",
                  f"search={planned.unit.code}&state=planned"):
        assert client.get(f"/api/inspection/checks/?{query}").json()["count"] == 0, query
    counts = client.get("/api/inspection/checks/counts/").json()
    assert "planned" not in counts and counts["total"] == visible.count()
    # findings filtered by the secret check: nothing, not an error that would confirm it exists
    assert client.get(f"/api/inspection/findings/?check={planned.uid}").json()["count"] == 0

    # export
    export = client.get("/api/inspection/checks/export/")
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.content)).active
    cells = {str(c.value) for row in sheet.iter_rows() for c in row}
    assert planned.reference not in cells and "Đã lên kế hoạch" not in cells

    # draws and risk name targets: team only
    assert client.get("/api/inspection/draws/").status_code == 403
    assert client.get("/api/inspection/risk/").status_code == 403

    # the audit trail records the planning sealed (no id, reference or unit) and lists it to nobody:
    # its verb, actor and time would say a secret check was planned, and when
    if username == "admin":
        trail = client.get("/api/audit/events/?page_size=200").content.decode()
        assert str(planned.uid) not in trail and planned.reference not in trail
        assert "sealed_sha256" not in trail and "check.plan" not in trail


@pytest.mark.django_db
def test_cancelled_before_start_stays_secret(api_as, insp):
    planned = _plan(insp)
    services_checks.check_cancel(by=insp.users["lead"], check=planned, reason="Lộ kế hoạch")
    for username in OUTSIDERS:
        assert api_as(username).get(f"/api/inspection/checks/{planned.uid}/").status_code == 404
        assert api_as(username).get("/api/inspection/checks/?state=cancelled").json()["count"] == 0


@pytest.mark.django_db
def test_team_sees_planned_and_outsiders_see_it_once_started(api_as, insp):
    planned = _plan(insp)
    inspector = api_as("inspector")
    assert inspector.get(f"/api/inspection/checks/{planned.uid}/").json()["state"] == "planned"
    assert inspector.get("/api/inspection/checks/counts/").json()["planned"] == 2  # with the demo's ND check
    assert api_as("lead").post(f"/api/inspection/checks/{planned.uid}/start/", {}, format="json").status_code == 200
    head = api_as("unithead")
    assert head.get(f"/api/inspection/checks/{planned.uid}/").json()["state"] == "in_progress"
    assert head.get(f"/api/inspection/checks/?search={planned.reference}").json()["count"] == 1
    # the demo's other planned check (CAX-ND, outside the head's scope anyway) is still secret for admin
    nd = insp.extra["inspection"]["planned_check"]
    assert api_as("admin").get(f"/api/inspection/checks/{nd}/").status_code == 404


# --- websocket -------------------------------------------------------------------------------------

ORIGIN = (b"origin", b"http://testserver")


def _cookie(user: Any) -> bytes:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}".encode()


async def _connect(user: Any) -> WebsocketCommunicator:
    from backend.asgi import application

    cookie = await database_sync_to_async(_cookie)(user)
    comm = WebsocketCommunicator(application, "/ws/review/", headers=[ORIGIN, (b"cookie", cookie)])
    connected, _ = await comm.connect()
    assert connected
    assert (await comm.receive_json_from())["type"] == "hello"
    return comm


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("username", ["admin", "reviewer", "discipline"])
async def test_websocket_hears_nothing_until_start(insp, username):
    """Outsiders who may use the websocket subscribe to the unit: silence while the check is
    planned (created, edited, cancelled), then check.started when the lead starts one."""
    unit = insp.units["CAX-TC"]
    comm = await _connect(insp.users[username])
    await comm.send_json_to({"type": "subscribe", "topic": f"unit:{unit.pk}"})
    assert (await comm.receive_json_from())["type"] == "subscribed"

    def plan_and_cancel() -> SurpriseCheck:
        other = _plan(insp, days=5)
        services_checks.check_cancel(by=insp.users["lead"], check=other, reason="Đổi lịch")
        return _plan(insp)

    planned = await database_sync_to_async(plan_and_cancel)()
    assert await comm.receive_nothing(timeout=0.3)

    await database_sync_to_async(services_checks.check_start)(by=insp.users["lead"], check=planned)
    message = await comm.receive_json_from(timeout=3)
    assert message["type"] == "check.started"
    assert message["check"]["id"] == str(planned.uid) and message["check"]["state"] == "in_progress"
    await comm.disconnect()
