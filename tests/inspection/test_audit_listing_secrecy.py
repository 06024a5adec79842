"""The audit listing hides what its reader may not know: nothing links events so hidden ones show, no value derives
from a masked field, a draft finding's events are absent, a team's export does not count secret checks.

Where these came from:
Issue 15 (insider review, audit trail): the listing the administrator reads leaked what is hidden from him.
1. each event carried its chain hash: rebuilt from the listed fields, two events that do not link show hidden
   events between them, dated to the second (a surprise check being planned);
2. the hash over the unmasked payload let the reader guess an absence's masked kind and reason;
3. a draft finding's events (category, severity, unit, subjects, new title) were listed and filterable;
4. an inspector's export of checks listed `rows` and its query: counting the secret planned checks."""
from __future__ import annotations

import io
import re
from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone
from rest_framework.test import APIClient

from backend.audit.models import AuditEvent
from backend.audit.selectors import ACTOR_ONLY
from inspection.draw import LOCAL_TZ

pytestmark = pytest.mark.django_db
HEX64 = re.compile(r"\b[0-9a-f]{64}\b")


def _as(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)  # no sign-in event: the admin's listing moves only with what is tested
    return client


def _plan(insp: Any) -> None:
    start = datetime.combine(timezone.localdate() + timedelta(days=5), time(9, 0), tzinfo=LOCAL_TZ)
    response = _as(insp.users["lead"]).post("/api/inspection/checks/", {
        "mode": "bi_mat", "unit_id": insp.units["CAX-ND"].pk, "team_ids": [insp.users["inspector"].pk],
        "window_start": start.isoformat(), "window_end": (start + timedelta(hours=2)).isoformat()}, format="json")
    assert response.status_code == 201, response.content


def _rename(admin: APIClient, insp: Any, tag: str) -> None:
    # a word, not "A1": "A1" reads as "Á" typed in VNI and is refused (issue 15)
    name = "Ngô Thị Mai " + {"A1": "An", "A2": "Anh", "A3": "Ánh", "B1": "Bình"}[tag]
    r = admin.patch(f"/api/auth/users/{insp.users['reviewer'].pk}/", {"full_name": name}, format="json")
    assert r.status_code == 200, r.content


def test_the_listing_carries_nothing_that_links_events_so_hidden_ones_cannot_be_detected(insp: Any) -> None:
    admin = _as(insp.users["admin"])
    _rename(admin, insp, "A1")
    _rename(admin, insp, "A2")
    _plan(insp)  # a sealed event between A2 and A3
    _rename(admin, insp, "A3")
    body = admin.get("/api/audit/events/?page_size=500")
    assert body.status_code == 200
    events = body.json()["results"]
    stored = {e.hash for e in AuditEvent.objects.all()} | {e.prev_hash for e in AuditEvent.objects.all()}
    for event in events:
        assert set(event) == {"ref", "at", "actor_label", "verb", "object_type", "object_id", "payload"}
        assert event["ref"] not in stored and not event["ref"].isdigit()
    assert not HEX64.findall(body.content.decode()) or not set(HEX64.findall(body.content.decode())) & stored
    refs = [e["ref"] for e in events]
    assert len(set(refs)) == len(refs)
    # the same event keeps its reference from one reading to the next (a key for the page)
    assert [e["ref"] for e in admin.get("/api/audit/events/?page_size=500").json()["results"]] == refs


def test_verify_names_a_broken_event_by_its_listing_ref_never_by_its_hash(insp: Any) -> None:
    from django.db import connection

    admin = _as(insp.users["admin"])
    _rename(admin, insp, "B1")
    last = AuditEvent.objects.filter(verb="user.update").order_by("-id").first()
    assert last is not None
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET payload = %s WHERE id = %s", ['{"forged": 1}', last.pk])
    answer = admin.get("/api/audit/verify/").json()
    assert answer["ok"] is False and answer["broken_at"] != last.hash
    listed = admin.get("/api/audit/events/?verb=user.update&page_size=1").json()["results"][0]
    assert answer["broken_at"] == listed["ref"]


def _absence_listed(insp: Any, kind: str, reason: str) -> dict[str, Any]:
    start = timezone.localdate() + timedelta(days=20)
    with transaction.atomic():
        r = _as(insp.users["lead"]).post("/api/inspection/absences/", {
            "user": insp.users["inspector"].pk, "kind": kind, "start": start.isoformat(),
            "end": (start + timedelta(days=2)).isoformat(), "reason": reason}, format="json")
        assert r.status_code == 201, r.content
        event = _as(insp.users["admin"]).get("/api/audit/events/?verb=absence.create").json()["results"][0]
        transaction.set_rollback(True)
    return event


def test_no_listed_value_derives_from_an_absences_hidden_kind_and_reason(insp: Any, monkeypatch: Any) -> None:
    fixed = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: fixed)
    one = _absence_listed(insp, "illness", "Nằm viện điều trị")
    other = _absence_listed(insp, "leave", "Việc gia đình")
    # everything but the opaque reference and the row's own id (a new row on a database whose ids do not
    # roll back) is the same: no hash, nothing computed over the hidden fields
    for event in (one, other):
        event.pop("ref", None)
        event.pop("object_id")
    assert one == other
    assert "Nằm viện" not in str(one) and "illness" not in str(one)


FILTERS = ["", "?page_size=500", "?object_type=inspection.finding", "?verb=finding.", "?verb=finding.create",
           "?object_type=inspection.findingevidence", "?object_type=review.accesslog", "?verb=footage.evidence_link",
           "?verb=complaint.", "?object_type=inspection.complaint"]


def _admin_view(admin: APIClient, extra: list[str]) -> list[bytes]:
    out = []
    for query in FILTERS + extra:
        r = admin.get("/api/audit/events/" + query)
        assert r.status_code == 200, r.content
        out.append(r.content)
    out.append(admin.get("/api/audit/verify/").content)
    return out


def test_the_admins_listing_is_byte_identical_with_and_without_a_draft_finding(insp: Any) -> None:
    admin, reviewer, lead = _as(insp.users["admin"]), _as(insp.users["reviewer"]), _as(insp.users["lead"])
    from inspection.models import Complaint

    complaint = Complaint.objects.order_by("id").first()
    assert complaint is not None
    probe = ["?object_type=inspection.finding&object_id=999999999"]
    before = _admin_view(admin, probe)
    created = reviewer.post("/api/inspection/findings/", {
        "source": "footage", "category": "VANG_MAT", "title": "Nghi vấn nhận tiền của công dân",
        "unit_id": insp.units["CAX-TC"].pk, "occurred_from": (timezone.now() - timedelta(days=2)).isoformat(),
        "subjects": [{"officer_id": insp.officers["NA-2104"].pk, "role": "violator", "note": "ghi chú nội bộ"}]},
        format="json")
    assert created.status_code == 201, created.content
    draft = created.json()
    assert draft["state"] == "draft"
    edited = reviewer.patch(f"/api/inspection/findings/{draft['id']}/", {
        "title": "Nhận tiền của công dân (đã xác minh)", "severity": "very_serious", "version": draft.get("version")},
        format="json")
    assert edited.status_code == 200, edited.content
    # evidence attached on the draft's page (one evidence model, issue 17): its custody event names the draft
    upload = io.BytesIO(b"anh chup quay")
    upload.name = "quay.jpg"
    attached = reviewer.post(f"/api/inspection/findings/{draft['id']}/evidence/", {"file": upload}, format="multipart")
    assert attached.status_code == 201, attached.content
    assert AuditEvent.objects.filter(verb="footage.evidence_link", payload__finding=draft["id"]).exists()
    # the complaint is one the admin's trail lists; its link to the draft names the draft
    linked = lead.post(f"/api/inspection/complaints/{complaint.pk}/findings/", {"finding_id": draft["id"]},
                       format="json")
    assert linked.status_code == 201, linked.content
    assert AuditEvent.objects.filter(object_type="inspection.finding", object_id=str(draft["id"])).count() >= 2
    after = _admin_view(admin, [f"?object_type=inspection.finding&object_id={draft['id']}"])
    assert after == before
    # dismissed before it was ever confirmed: still never listed
    gone = lead.post(f"/api/inspection/findings/{draft['id']}/transition/",
                     {"to": "dismissed", "reason": "Không đủ căn cứ."}, format="json")
    assert gone.status_code == 200, gone.content
    assert _admin_view(admin, [f"?object_type=inspection.finding&object_id={draft['id']}"])[:-1] == before[:-1]


def test_a_confirmed_finding_is_in_the_admins_trail_with_its_history(insp: Any) -> None:
    admin, lead = _as(insp.users["admin"]), _as(insp.users["lead"])
    created = lead.post("/api/inspection/findings/", {
        "source": "footage", "category": "VANG_MAT", "title": "Vắng mặt tại quầy", "unit_id": insp.units["CAX-TC"].pk,
        "occurred_from": (timezone.now() - timedelta(days=2)).isoformat(),
        "subjects": [{"officer_id": insp.officers["NA-2104"].pk, "role": "violator"}]}, format="json")
    assert created.status_code == 201, created.content
    fid = created.json()["id"]
    query = f"/api/audit/events/?object_type=inspection.finding&object_id={fid}"
    assert admin.get(query).json()["count"] == 0
    r = lead.post(f"/api/inspection/findings/{fid}/transition/", {"to": "confirmed", "reason": "Có biên bản."},
                  format="json")
    assert r.status_code == 200, r.content
    assert {e["verb"] for e in admin.get(query).json()["results"]} == {"finding.create", "finding.confirmed"}


def test_an_export_by_the_team_does_not_tell_the_admin_how_many_checks_it_counted(insp: Any) -> None:
    admin = _as(insp.users["admin"])
    _plan(insp)
    exported = _as(insp.users["inspector"]).get("/api/inspection/checks/export/?state=planned")
    assert exported.status_code == 200
    own = admin.get("/api/inspection/checks/export/?state=planned")
    assert own.status_code == 200
    events = admin.get("/api/audit/events/?verb=checks.export").json()["results"]
    theirs = next(e for e in events if e["actor_label"] != insp.users["admin"].username
                  and e["payload"]["rows"] == ACTOR_ONLY)
    assert theirs["payload"] == {"rows": ACTOR_ONLY, "query": ACTOR_ONLY}
    mine = next(e for e in events if e["payload"]["rows"] != ACTOR_ONLY)
    assert isinstance(mine["payload"]["rows"], int) and mine["payload"]["query"] == "state=planned"
    stored = AuditEvent.objects.filter(verb="checks.export.download", actor=insp.users["inspector"]).get()
    assert stored.payload["rows"] > mine["payload"]["rows"]  # what the inspector got counts the secret check


def test_every_actor_view_value_is_masked_for_other_readers_and_shown_to_the_actor(insp: Any) -> None:
    from backend.audit.selectors import ACTOR_VIEW_KEYS, listed_payload

    admin, inspector = insp.users["admin"], insp.users["inspector"]
    for verb, keys in ACTOR_VIEW_KEYS.items():
        event = AuditEvent(verb=verb, actor=inspector, payload={**{k: 7 for k in keys}, "other": 1})
        assert listed_payload(event, admin) == {**{k: ACTOR_ONLY for k in keys}, "other": 1}
        assert listed_payload(event, inspector) == event.payload
        system = AuditEvent(verb=verb, actor=None, payload={k: 7 for k in keys})
        assert listed_payload(system, admin) == {k: ACTOR_ONLY for k in keys}
