"""Isolation and secrecy over HTTP: a user scoped to CAX-TC cannot read or change CAX-ND's
objects through any list, detail or action endpoint; a planned check is indistinguishable from
one that never existed (status, body and response time); playback URLs expire; the audit
chain command catches an edited or a deleted row. (Websocket topics: test_isolation_ws.py.)"""
from __future__ import annotations

import json
import statistics
import time
import uuid
from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from backend.core.actors import SystemActor
from tests.conftest import login_client

# CAX-TC-scoped users (the demo's `unithead` is one). The inspection team (lead, inspectors) is
# province-wide by design (inspection.secrecy.checks_visible_to: "the inspection team sees all"),
# so a unit scope on them is not an isolation boundary and they are not listed here.
SCOPED = {"unithead": None, "reviewer_tc": "reviewer", "discipline_tc": "disciplinary"}
# Anything of Nam Đàn that must never show up for them
ND_MARKERS = ("CAX-ND", "Nam Đàn", "CAM-ND-01", "VP-HARD-2", "Q-CAX-ND")


@pytest.fixture(scope="module")
def clients(world: Any, django_db_blocker: Any) -> dict[str, APIClient]:
    from backend.accounts.services import user_create
    from backend.org.demo import DEMO_PASSWORD

    out = {}
    with django_db_blocker.unblock():
        for username, role in SCOPED.items():
            if role is not None:
                user_create(by=SystemActor("test"), username=username, password=DEMO_PASSWORD, role=role,
                            full_name=username, scope_unit=world.units["CAX-TC"])
            out[username] = login_client(username, DEMO_PASSWORD)
        for username in ("admin", "lead", "inspector", "reviewer", "discipline"):
            out[username] = login_client(username, DEMO_PASSWORD)
    return out


def nd_targets(world: Any) -> list[tuple[str, str, dict[str, Any]]]:
    """Every detail read and every action on an object of CAX-ND."""
    from backend.org.models import Officer
    from inspection.models import Complaint

    nd = world.extra["world"]["CAX-ND"]
    unit, clip, tag, finding = nd["unit"], nd["clip"], nd["tag"], nd["finding"]
    officer = Officer.objects.get(service_number="NA-2202").pk
    from backend.org.models import Assignment

    nd_assignment = Assignment.objects.filter(unit_id=unit).values_list("pk", flat=True).first()
    complaint = Complaint.objects.filter(unit_id=unit).values_list("pk", flat=True).first()
    started, case, liability = nd["started"], nd["case"], nd["liability"]
    targets: list[tuple[str, str, dict[str, Any]]] = [
        ("get", f"/api/org/units/{unit}/", {}), ("get", f"/api/org/units/{unit}/heads/", {}),
        ("get", f"/api/org/cameras/{nd['camera']}/", {}), ("patch", f"/api/org/cameras/{nd['camera']}/", {"name": "x"}),
        ("get", f"/api/inspection/findings/{finding}/", {}),
        ("patch", f"/api/inspection/findings/{finding}/", {"title": "đổi tên"}),
        ("post", f"/api/inspection/findings/{finding}/transition/", {"to": "closed", "reason": "x"}),
        ("get", f"/api/inspection/checks/{started}/", {}), ("get", f"/api/inspection/checks/{started}/report/", {}),
        ("put", f"/api/inspection/checks/{started}/report/", {"results": []}),
        ("post", f"/api/inspection/checks/{started}/complete/", {}),
        ("get", f"/api/accountability/findings/{finding}/trace/", {}),
        ("get", f"/api/accountability/findings/{finding}/report.pdf", {}),
        ("get", f"/api/accountability/cases/{case}/", {}),
        ("post", f"/api/accountability/cases/{case}/factors/", {"kind": "mitigating", "text": "x"}),
        # paths added by the accountability rework, the documents and retention (issues 11, 12, 14)
        ("get", f"/api/accountability/findings/{finding}/report.xlsx", {}),
        ("post", f"/api/accountability/findings/{finding}/self-detections/", {"officer_id": officer, "note": "x"}),
        ("post", f"/api/accountability/findings/{finding}/self-detections/1/withdraw/", {"reason": "Ghi nhầm"}),
        ("post", f"/api/accountability/cases/{case}/propose/", {}),
        ("post", f"/api/accountability/cases/{case}/council/", {"date": "2026-01-05", "note": "x"}),
        ("post", f"/api/accountability/cases/{case}/decide/", {"form": "khien_trach", "number": "1"}),
        ("post", f"/api/accountability/cases/{case}/appeal/", {"text": "x"}),
        ("post", f"/api/accountability/cases/{case}/appeal/accept/", {"accepted_on": "2026-01-05"}),
        ("post", f"/api/accountability/cases/{case}/complaints/refuse/", {"received_on": "2026-01-05", "text": "x"}),
        ("get", f"/api/org/assignments/{nd_assignment}/", {}),
        ("patch", f"/api/org/assignments/{nd_assignment}/", {"in_charge_of": "x"}),
        ("get", f"/api/accountability/officers/{officer}/report.pdf", {}),
        ("get", f"/api/inspection/checks/{started}/report/pdf/", {}),
        ("post", f"/api/inspection/findings/{finding}/evidence/", {"media_ref": "x"}),
        ("post", f"/api/media/clips/{clip}/holds/", {"reason": "giữ"}),
        ("get", f"/api/accountability/officers/{officer}/", {}),
        ("get", f"/api/media/clips/{clip}/", {}), ("get", f"/api/media/clips/{clip}/events/", {}),
        ("post", f"/api/media/clips/{clip}/playback/", {"reason": "xem"}),
        ("get", f"/api/media/clips/{clip}/custody/", {}), ("get", f"/api/media/clips/{clip}/coverage/", {}),
        ("post", f"/api/media/clips/{clip}/coverage/", {"ranges": [[0, 5]]}),
        ("post", f"/api/media/clips/{clip}/retry/", {}),
        ("get", f"/api/media/tags/{tag}/", {}), ("patch", f"/api/media/tags/{tag}/", {"note": "x", "revision": 1}),
        ("delete", f"/api/media/tags/{tag}/", {"reason": "x", "revision": 1}),
        ("post", "/api/media/tags/", {"clip_id": clip, "label": "x", "start_s": 1, "end_s": 2}),
        ("get", f"/api/media/evidence/{nd['evidence']}/", {}), ("get", f"/api/media/evidence/?finding={finding}", {}),
        ("get", f"/api/media/evidence/packages/?finding={finding}", {}),
        ("post", "/api/media/evidence/", {"finding_id": finding, "tag_id": tag}),
        ("get", f"/api/media/cameras/{nd['camera']}/analysis/", {}),
    ]
    if liability:
        targets += [("get", f"/api/accountability/liabilities/{liability}/", {}),
                    ("post", f"/api/accountability/liabilities/{liability}/confirm/", {"reason": "x"})]
    if complaint:
        targets += [("get", f"/api/inspection/complaints/{complaint}/", {})]
    return targets


LISTS = ["/api/org/units/", "/api/org/officers/", "/api/org/assignments/", "/api/org/counters/",
         "/api/org/cameras/", "/api/inspection/checks/", "/api/inspection/checks/counts/",
         "/api/inspection/findings/", "/api/inspection/ratings/", "/api/inspection/complaints/",
         "/api/inspection/risk/", "/api/accountability/liabilities/", "/api/accountability/cases/",
         "/api/accountability/cchc-tasks/", "/api/media/clips/", "/api/media/tags/",
         "/api/media/moments/", "/api/audit/events/", "/api/inspection/draws/commitments/",
         "/api/media/retention/", "/api/accountability/rankings/"]


def _call(client: APIClient, method: str, path: str, data: dict[str, Any]) -> Any:
    if method == "get":
        return client.get(path)
    return getattr(client, method)(path, data, format="json")


def _text(response: Any) -> str:
    try:
        return json.dumps(response.json(), ensure_ascii=False)
    except (ValueError, TypeError):
        return response.content.decode("utf-8", "replace")


@pytest.mark.django_db
@pytest.mark.parametrize("username", list(SCOPED))
def test_other_units_objects_cannot_be_read_or_changed(world, clients, username):
    client = clients[username]
    before = _fingerprint()
    for method, path, data in nd_targets(world):
        response = _call(client, method, path, data)
        assert response.status_code in (403, 404), (username, method, path, response.status_code, _text(response)[:300])
        assert not any(m in _text(response) for m in ND_MARKERS), (username, path, _text(response)[:300])
    assert _fingerprint() == before, "a refused request changed something"


@pytest.mark.django_db
@pytest.mark.parametrize("username", list(SCOPED))
def test_lists_of_a_scoped_user_hold_nothing_of_other_units(world, clients, username):
    client = clients[username]
    for path in LISTS:
        response = client.get(path + ("&" if "?" in path else "?") + "page_size=200")
        assert response.status_code in (200, 403), (username, path, response.status_code)
        text = _text(response)
        leaked = [m for m in ND_MARKERS if m in text]
        assert not leaked, (username, path, leaked, text[:400])
    # and a search or filter naming the other unit finds nothing rather than failing
    nd_unit = world.extra["world"]["CAX-ND"]["unit"]
    for path in ("/api/inspection/findings/", "/api/media/clips/", "/api/inspection/checks/"):
        response = client.get(f"{path}?unit={nd_unit}")
        assert response.status_code in (200, 403), (path, response.status_code)
        if response.status_code == 200:
            assert response.json()["count"] == 0, (username, path)


@pytest.mark.django_db
def test_the_same_user_sees_their_own_unit(world, clients):
    """The control: the refusals above are about the unit, not a broken client."""
    tc = world.extra["world"]["CAX-TC"]
    assert clients["reviewer_tc"].get(f"/api/media/clips/{tc['clip']}/").status_code == 200
    assert clients["reviewer_tc"].get(f"/api/media/tags/{tc['tag']}/").status_code == 200
    assert clients["discipline_tc"].get(f"/api/inspection/findings/{tc['finding']}/").status_code == 200
    assert clients["unithead"].get(f"/api/inspection/checks/{tc['started']}/").status_code == 200
    assert clients["reviewer"].get(f"/api/media/clips/{world.extra['world']['CAX-ND']['clip']}/").status_code == 200
    # the markers do show up for a province-wide user, so their absence above means something
    assert "CAM-ND-01" in _text(clients["reviewer"].get("/api/media/clips/?page_size=200"))
    assert "VP-HARD-2" in _text(clients["discipline"].get("/api/inspection/findings/?page_size=200"))


def _fingerprint() -> tuple[Any, ...]:
    from backend.audit.models import AuditEvent
    from inspection.accountability.models import CaseFactor
    from inspection.models import Finding
    from media_ingest.models import Clip
    from media_ingest.review.models import EvidenceItem, Tag

    return (AuditEvent.objects.count(), list(Finding.objects.order_by("pk").values_list("title", "state")),
            list(Tag.objects.order_by("pk").values_list("note", "revision", "deleted_at")),
            EvidenceItem.objects.count(), CaseFactor.objects.count(),
            list(Clip.objects.order_by("pk").values_list("state", flat=True)))


# --- planned checks: same status, same body, same time as a check that never existed ----------
OUTSIDERS = ["admin", "reviewer", "discipline", "unithead"]


@pytest.mark.django_db
@pytest.mark.parametrize("username", OUTSIDERS)
def test_planned_check_answers_like_a_missing_one_in_status_body_and_time(world, clients, username):
    client = clients[username]
    planned = world.extra["world"]["CAX-TC"]["planned"]
    for suffix in ("", "report/", "report/pdf/"):
        missing = uuid.uuid4()
        a = client.get(f"/api/inspection/checks/{planned}/{suffix}")
        b = client.get(f"/api/inspection/checks/{missing}/{suffix}")
        assert a.status_code == b.status_code == 404, (suffix, a.status_code, b.status_code)
        assert a.json() == b.json()
        assert a.headers.get("Content-Length") == b.headers.get("Content-Length")

    def timed(path_for: Callable[[], str]) -> float:
        start = time.perf_counter()
        client.get(path_for())
        return time.perf_counter() - start

    samples_planned, samples_missing = [], []
    for _ in range(3):  # warm-up
        timed(lambda: f"/api/inspection/checks/{planned}/")
        timed(lambda: f"/api/inspection/checks/{uuid.uuid4()}/")
    for n in range(60):  # interleaved so machine noise hits both alike
        order = [("p", lambda: f"/api/inspection/checks/{planned}/"),
                 ("m", lambda: f"/api/inspection/checks/{uuid.uuid4()}/")]
        for kind, path_for in (order if n % 2 else order[::-1]):
            (samples_planned if kind == "p" else samples_missing).append(timed(path_for))
    p, m = statistics.median(samples_planned), statistics.median(samples_missing)
    assert abs(p - m) <= 0.25 * max(p, m) + 0.001, f"median planned {p * 1000:.2f} ms vs missing {m * 1000:.2f} ms"


@pytest.mark.django_db
@pytest.mark.parametrize("username", OUTSIDERS)
def test_planned_checks_are_not_counted_exported_or_audited_for_outsiders(world, clients, username):
    from inspection.models import SurpriseCheck

    client = clients[username]
    planned_refs = list(SurpriseCheck.objects.filter(state="planned").values_list("reference", flat=True))
    planned_uids = [str(u) for u in SurpriseCheck.objects.filter(state="planned").values_list("uid", flat=True)]
    assert planned_refs
    counts = client.get("/api/inspection/checks/counts/").json()
    assert "planned" not in json.dumps(counts)
    export = client.get("/api/inspection/checks/export/")
    assert export.status_code in (200, 403)
    body = export.content
    if export.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        import io

        from openpyxl import load_workbook

        wb = load_workbook(io.BytesIO(body))
        body = "\n".join(str(c.value) for ws in wb for row in ws.iter_rows() for c in row).encode()
    for secret in planned_refs + planned_uids:
        assert secret.encode() not in body, secret
    events = client.get("/api/audit/events/?page_size=200")
    if events.status_code == 200:
        for secret in planned_refs + planned_uids:
            assert secret not in _text(events), secret


# --- playback URLs expire ---------------------------------------------------------------------
@pytest.mark.django_db
def test_playback_url_works_then_expires(world, clients, settings, monkeypatch):
    from backend.core import signed_urls
    from backend.core.store import get_footage_store
    from media_ingest.models import Clip

    settings.PLAYBACK_URL_TTL_SECONDS = 1
    clip = Clip.objects.get(pk=world.extra["world"]["CAX-TC"]["clip"])
    get_footage_store().put(clip.key, StringIOBytes(b"\x00\x00\x00\x18ftypmp42" + b"0" * 2000), 2012, "video/mp4")
    issued = clients["reviewer"].post(f"/api/media/clips/{clip.pk}/playback/", {"reason": "xem lại"}, format="json")
    assert issued.status_code == 201, issued.content
    assert issued.json()["ttl_seconds"] == 1
    url = issued.json()["url"]
    fresh = clients["reviewer"].get(url)  # the link serves the person who opened it (not a forwarded copy)
    assert fresh.status_code == 200
    assert APIClient().get(url).status_code == 403
    real_time = time.time
    monkeypatch.setattr(signed_urls.time, "time", lambda: real_time() + 2.5)  # the clock moves on
    expired = clients["reviewer"].get(url)
    assert expired.status_code == 403
    assert expired.json()["error"]["code"] == "expired"
    # and a forged expiry does not help: the token is signed
    forged = APIClient().get(url[:-6] + "AAAAAA/")
    assert forged.status_code in (403, 404)


def StringIOBytes(data: bytes) -> Any:  # noqa: N802 - a tiny helper named like the type it returns
    import io

    return io.BytesIO(data)


# --- the audit chain catches an edited or a deleted row ----------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("tamper", ["edit_payload", "edit_actor", "delete_middle", "delete_last"])
def test_audit_verify_command_catches_tampering(world, tamper):
    from backend.audit.models import AuditEvent

    out = StringIO()
    call_command("audit_verify", stdout=out)  # intact first
    events = list(AuditEvent.objects.order_by("id").values_list("id", flat=True))
    assert len(events) > 10
    middle = events[len(events) // 2]
    if tamper == "edit_payload":
        AuditEvent.objects.filter(pk=middle).update(payload={"forged": True})
    elif tamper == "edit_actor":
        AuditEvent.objects.filter(pk=middle).update(actor_label="someone-else")
    elif tamper == "delete_middle":
        AuditEvent.objects.filter(pk=middle).delete()
    else:
        AuditEvent.objects.filter(pk=events[-1]).delete()
    with pytest.raises(CommandError, match="BROKEN") as failed:
        call_command("audit_verify", stdout=StringIO(), stderr=StringIO())
    expected = "deleted" if tamper.startswith("delete") else "edited"
    assert expected in str(failed.value), str(failed.value)


# --- the inspector and the unit head: which operations answer them at all ------------------------
# The schema fuzz runs as the roles whose permissions reach deep into the services
# (test_fuzz.py). For these two, every operation of the schema is called once, with ids of real
# objects in its path and an empty body: the operations below are the only ones that do not refuse
# them (403/404), with the status each answers; none answers 5xx, and a refused call writes nothing
# (the audit chain does not grow). A new endpoint, or a permission loosened for them, changes the
# map and fails here. A 400/415 means the input is checked before the role; whether the role may
# then write is asserted with valid input below (test_the_unit_head_writes_nothing_but_...).
# Not called, as in the fuzz: logout and login (they end or replace the session), the device
# handover (it locks the session to one check) and the signed-token object URLs.
NOT_CALLED = {("post", "/api/auth/logout/"), ("post", "/api/auth/login/"),
              ("post", "/api/inspection/checks/{uid}/report/handover/")}
REACHED: dict[str, dict[str, int]] = {
    "inspector": {
        "POST /api/accountability/cases/{id}/documents/": 415, "GET /api/accountability/cchc-tasks/": 200,
        "GET /api/accountability/findings/{id}/trace/": 200, "GET /api/accountability/liabilities/": 200,
        "GET /api/accountability/liabilities/{id}/": 200, "GET /api/accountability/officers/{id}/": 200,
        "GET /api/accountability/rankings/": 200, "GET /api/accountability/regulations/": 200,
        "GET /api/accountability/rulesets/": 200, "GET /api/accountability/rulesets/{version}/": 200,
        "GET /api/accountability/scoring-policy/": 200, "GET /api/accountability/traces/{id}/": 200,
        "GET /api/auth/2fa/": 200, "POST /api/auth/2fa/enrol/": 200, "POST /api/auth/2fa/enrol/confirm/": 400,
        "POST /api/auth/2fa/verify/": 400, "POST /api/auth/activate/": 400,
        "GET /api/auth/csrf/": 200, "GET /api/auth/me/": 200,
        "POST /api/auth/me/password/": 400, "GET /api/auth/session/": 200, "GET /api/health/": 200,
        "GET /api/home/": 200,
        "GET /api/inspection/absences/": 200, "GET /api/inspection/absences/team/": 200,
        "GET /api/inspection/categories/": 200, "GET /api/inspection/checks/": 200,
        "GET /api/inspection/checks/counts/": 200, "GET /api/inspection/checks/export/": 200,
        "GET /api/inspection/checks/{uid}/": 200, "POST /api/inspection/checks/{uid}/cancel/": 400,
        "GET /api/inspection/checks/{uid}/report/": 200, "PUT /api/inspection/checks/{uid}/report/": 409,
        "POST /api/inspection/checks/{uid}/report/amendments/": 400,
        "POST /api/inspection/checks/{uid}/report/evidence/": 415,
        "GET /api/inspection/checks/{uid}/report/pdf/": 200,
        "POST /api/inspection/checks/{uid}/report/representative/": 400, "GET /api/inspection/complaints/": 200,
        "POST /api/inspection/complaints/": 400, "GET /api/inspection/complaints/{id}/": 200,
        "POST /api/inspection/complaints/{id}/findings/": 400,
        "POST /api/inspection/complaints/{id}/transition/": 400,
        "POST /api/inspection/complaints/{id}/triage/": 409, "GET /api/inspection/criteria-sets/": 200,
        "GET /api/inspection/criteria-sets/{id}/": 200, "POST /api/inspection/criteria-sets/{id}/activate/": 400,
        "GET /api/inspection/criteria-sets/{id}/export/": 200, "GET /api/inspection/draws/": 200,
        "GET /api/inspection/draws/commitments/": 200, "POST /api/inspection/draws/{id}/cancel/": 400,
        "GET /api/inspection/findings/": 200, "POST /api/inspection/findings/": 400,
        "GET /api/inspection/findings/{id}/": 200, "PATCH /api/inspection/findings/{id}/": 409,
        "POST /api/inspection/findings/{id}/evidence/": 400,
        "POST /api/inspection/findings/{id}/explanations/": 400,
        "POST /api/inspection/findings/{id}/transition/": 400, "POST /api/inspection/handover/exit/": 400,
        "GET /api/inspection/ratings/": 200, "GET /api/inspection/ratings/devices/": 200,
        "POST /api/inspection/ratings/import/": 415, "GET /api/inspection/ratings/integrity/": 200,
        "POST /api/inspection/ratings/review/": 400, "GET /api/inspection/risk/": 200,
        "GET /api/inspection/risk/weights/": 200, "GET /api/inspection/volumes/": 200,
        "POST /api/inspection/volumes/": 400, "GET /api/media/clips/": 200, "GET /api/media/clips/{id}/": 200,
        "POST /api/media/clips/{id}/assign/": 400, "GET /api/media/clips/{id}/coverage/": 200,
        "POST /api/media/clips/{id}/coverage/": 400, "GET /api/media/clips/{id}/custody/": 200,
        "GET /api/media/clips/{id}/custody/export/": 200, "GET /api/media/clips/{id}/events/": 200,
        "POST /api/media/clips/{id}/playback/": 400, "GET /api/media/evidence/": 400,
        "POST /api/media/evidence/": 400, "GET /api/media/evidence/packages/": 400,
        "POST /api/media/evidence/packages/": 400, "GET /api/media/evidence/signing-key/": 200,
        "POST /api/media/evidence/verify/": 415, "GET /api/media/evidence/{id}/": 200,
        "GET /api/media/moments/": 200, "GET /api/media/tags/": 200, "POST /api/media/tags/": 400,
        "DELETE /api/media/tags/{id}/": 400, "GET /api/media/tags/{id}/": 200, "PATCH /api/media/tags/{id}/": 400,
        "GET /api/media/taxonomy/": 200, "POST /api/media/uploads/": 400, "GET /api/org/assignments/": 200,
        "GET /api/org/assignments/{id}/": 200, "GET /api/org/cameras/": 200, "GET /api/org/cameras/{id}/": 200,
        "GET /api/org/counters/": 200, "GET /api/org/fields/": 200, "GET /api/org/officers/": 200,
        "GET /api/org/officers/{id}/": 200, "GET /api/org/units/": 200, "GET /api/org/units/tree/": 200,
        "GET /api/org/units/{id}/": 200, "GET /api/org/units/{id}/heads/": 200,
        "GET /api/org/units/{id}/history/": 200, "GET /api/org/units/{id}/officers/": 200,
    },
    "unithead": {
        "GET /api/accountability/cases/": 200, "GET /api/accountability/cases/{id}/": 200,
        "POST /api/accountability/cases/{id}/documents/": 415, "GET /api/accountability/cchc-tasks/": 200,
        "POST /api/accountability/cchc-tasks/": 400, "POST /api/accountability/cchc-tasks/{id}/delivery/": 400,
        "GET /api/accountability/findings/{id}/trace/": 200, "GET /api/accountability/liabilities/": 200,
        "GET /api/accountability/liabilities/{id}/": 200, "GET /api/accountability/rankings/": 200,
        "GET /api/accountability/regulations/": 200, "GET /api/accountability/rulesets/": 200,
        "GET /api/accountability/rulesets/{version}/": 200, "GET /api/accountability/scoring-policy/": 200,
        "GET /api/accountability/traces/{id}/": 200, "GET /api/auth/2fa/": 200, "POST /api/auth/2fa/enrol/": 200,
        "POST /api/auth/2fa/enrol/confirm/": 400, "POST /api/auth/2fa/verify/": 400, "POST /api/auth/activate/": 400,
        "GET /api/auth/csrf/": 200,
        "GET /api/auth/me/": 200, "POST /api/auth/me/password/": 400, "GET /api/auth/session/": 200,
        "GET /api/health/": 200,
        "GET /api/home/": 200, "GET /api/inspection/categories/": 200, "GET /api/inspection/checks/": 200,
        "GET /api/inspection/checks/counts/": 200, "GET /api/inspection/checks/export/": 200,
        "GET /api/inspection/checks/{uid}/": 200, "POST /api/inspection/checks/{uid}/cancel/": 400,
        "GET /api/inspection/checks/{uid}/report/": 200,
        "POST /api/inspection/checks/{uid}/report/amendments/": 400,
        "POST /api/inspection/checks/{uid}/report/evidence/": 415,
        "GET /api/inspection/checks/{uid}/report/pdf/": 200, "GET /api/inspection/criteria-sets/": 200,
        "GET /api/inspection/criteria-sets/{id}/": 200, "POST /api/inspection/criteria-sets/{id}/activate/": 400,
        "GET /api/inspection/criteria-sets/{id}/export/": 200, "POST /api/inspection/draws/{id}/cancel/": 400,
        "GET /api/inspection/findings/": 200, "GET /api/inspection/findings/{id}/": 200,
        "POST /api/inspection/findings/{id}/explanations/": 400,
        "POST /api/inspection/findings/{id}/transition/": 400, "POST /api/inspection/handover/exit/": 400,
        "GET /api/inspection/ratings/": 200, "POST /api/inspection/ratings/import/": 415,
        "GET /api/inspection/ratings/integrity/": 200, "POST /api/inspection/ratings/review/": 400,
        "GET /api/inspection/volumes/": 200, "POST /api/media/clips/{id}/assign/": 400,
        "GET /api/media/evidence/": 400, "POST /api/media/evidence/": 400, "GET /api/media/evidence/packages/": 400,
        "POST /api/media/evidence/packages/": 400, "POST /api/media/evidence/verify/": 415,
        "POST /api/media/tags/": 400, "POST /api/media/uploads/": 400, "GET /api/org/assignments/": 200,
        "GET /api/org/cameras/": 200, "GET /api/org/cameras/{id}/": 200, "GET /api/org/counters/": 200,
        "GET /api/org/fields/": 200, "GET /api/org/officers/": 200, "GET /api/org/units/": 200,
        "GET /api/org/units/tree/": 200,
    },
}


def _operations() -> list[tuple[str, str]]:
    from drf_spectacular.generators import SchemaGenerator

    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    return [(method, path) for path, ops in paths.items() for method in ops
            if method in ("get", "post", "put", "patch", "delete")
            and (method, path) not in NOT_CALLED and not path.startswith("/api/media/objects/")]


def _on_real_objects(path: str) -> str:
    from tests.hardening.grounding import PARAM, real_values

    for _segment, name in PARAM.findall(path) + [("", n) for n in ("id", "finding_id") if f"{{{n}}}" in path]:
        real = real_values(path, name)
        path = path.replace(f"{{{name}}}", real[0] if real else "1")
    return path


@pytest.mark.django_db
@pytest.mark.parametrize("username", sorted(REACHED))
def test_the_inspector_and_the_unit_head_reach_only_their_operations(world, clients, username):
    from backend.audit.models import AuditEvent

    client = clients[username]
    reached: dict[str, int] = {}
    failed = []
    for method, template in _operations():
        before = AuditEvent.objects.count()
        response = _call(client, method, _on_real_objects(template), {})
        if response.status_code >= 500:
            failed.append((method, template, response.status_code, _text(response)[:200]))
        elif response.status_code in (403, 404):
            assert AuditEvent.objects.count() == before, (username, method, template, "a refused call wrote")
        else:
            reached[f"{method.upper()} {template}"] = response.status_code
    assert not failed, failed
    expected = REACHED[username]
    assert reached == expected, (
        f"{username} now also reaches {sorted(set(reached) - set(expected))}; "
        f"no longer reaches {sorted(set(expected) - set(reached))}; "
        f"answers otherwise {sorted((k, expected[k], v) for k, v in reached.items() if k in expected and expected[k] != v)}")


def unit_head_forbidden_writes(world: Any) -> list[tuple[str, str, dict[str, Any]]]:
    """Writes of other roles, with valid input, on objects of the unit head's own unit."""
    from inspection.models import CriteriaSet, SatisfactionRating

    tc = world.extra["world"]["CAX-TC"]
    started, finding, clip, tag, camera = tc["started"], tc["finding"], tc["clip"], tc["tag"], tc["camera"]
    criteria_set = CriteriaSet.objects.order_by("pk").values_list("pk", flat=True).first()
    rating = SatisfactionRating.objects.filter(counter_id=tc["counter"]).values_list("pk", flat=True).first() or 1
    return [
        ("post", f"/api/inspection/checks/{started}/cancel/", {"reason": "Hủy thử"}),
        ("post", f"/api/inspection/checks/{started}/report/amendments/", {"reason": "Sửa thử", "summary": "x"}),
        ("post", f"/api/inspection/criteria-sets/{criteria_set}/activate/", {"active": True}),
        ("post", f"/api/inspection/findings/{finding}/transition/", {"to": "actioned", "reason": "Xử lý thử"}),
        ("post", "/api/inspection/ratings/review/", {"ids": [rating], "decision": "rejected", "note": "x"}),
        ("post", f"/api/media/clips/{clip}/assign/", {"camera_id": camera}),
        ("post", "/api/media/evidence/", {"finding_id": finding, "tag_id": tag}),
        ("post", "/api/media/evidence/packages/", {"finding_id": finding, "reason": "Xuất thử"}),
        ("post", "/api/media/tags/", {"clip_id": clip, "label": "officer_absent", "start_s": 1, "end_s": 2}),
        ("post", "/api/media/uploads/", {"camera_id": camera, "started_at": "2026-05-04T09:00:00+07:00",
                                         "filename": "a.mp4", "content_type": "video/mp4"}),
    ]


@pytest.mark.django_db
def test_the_unit_head_writes_nothing_but_their_own_account_tasks_and_explanations(world, clients):
    """The unit head reads their unit's results (read-only role); the writes they reach above with an
    empty body are refused with valid input, on their own unit's objects, and change nothing."""
    client = clients["unithead"]
    before = _fingerprint()
    for method, path, data in unit_head_forbidden_writes(world):
        response = _call(client, method, path, data)
        assert response.status_code == 403, (method, path, response.status_code, _text(response)[:300])
    assert _fingerprint() == before, "a refused request changed something"
