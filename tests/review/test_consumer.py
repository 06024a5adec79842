"""The review websocket on the real ASGI app (backend.asgi.application)."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import transaction
from django.test import Client
from django.utils import timezone

from backend.asgi import application
from backend.core.events import broadcast_on_commit

pytestmark = pytest.mark.django_db(transaction=True)
ORIGIN = (b"origin", b"http://testserver")


def _cookie(user: Any) -> bytes:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}".encode()


async def ws(user: Any = None, *, expect_hello: bool = True) -> WebsocketCommunicator:
    headers = [ORIGIN]
    if user is not None:
        headers.append((b"cookie", await database_sync_to_async(_cookie)(user)))
    comm = WebsocketCommunicator(application, "/ws/review/", headers=headers)
    connected, _ = await comm.connect()
    assert connected
    if expect_hello:
        hello = await comm.receive_json_from()
        assert hello["type"] == "hello" and hello["user_id"] == user.pk
    return comm


async def subscribe(comm: WebsocketCommunicator, topic: str) -> dict:
    await comm.send_json_to({"type": "subscribe", "topic": topic})
    return await comm.receive_json_from()


def _publish(topics: list[str], message: dict) -> None:
    with transaction.atomic():
        broadcast_on_commit(topics, message)


async def test_anonymous_is_refused() -> None:
    comm = WebsocketCommunicator(application, "/ws/review/", headers=[ORIGIN])
    connected, code = await comm.connect()
    assert not connected and code == 4401


async def test_foreign_origin_is_refused(demo: Any) -> None:
    cookie = await database_sync_to_async(_cookie)(demo.users["reviewer"])
    comm = WebsocketCommunicator(application, "/ws/review/", headers=[(b"origin", b"http://evil.example"),
                                                                      (b"cookie", cookie)])
    connected, _ = await comm.connect()
    assert not connected


async def test_service_account_is_refused(demo: Any) -> None:
    from backend.accounts.models import Role, User

    svc = await database_sync_to_async(User.objects.create)(username="svc-ws", role=Role.SERVICE)
    cookie = await database_sync_to_async(_cookie)(svc)
    comm = WebsocketCommunicator(application, "/ws/review/", headers=[ORIGIN, (b"cookie", cookie)])
    connected, code = await comm.connect()
    assert not connected and code == 4403


async def test_unit_head_follows_own_unit_notices_only(demo: Any, make_clip: Any) -> None:
    """A unit head hears that a check started in their unit, and nothing about footage."""
    own, other = demo.units["CAX-TC"].pk, demo.units["CAX-ND"].pk
    comm = await ws(demo.users["unithead"])
    assert (await subscribe(comm, f"unit:{own}"))["type"] == "subscribed"
    assert (await subscribe(comm, f"unit:{other}"))["code"] == "forbidden"
    assert (await subscribe(comm, "camera:CAM-TC-01"))["code"] == "forbidden"
    await comm.send_json_to({"type": "viewing", "clip_id": 1})
    assert (await comm.receive_json_from())["code"] == "forbidden"
    await database_sync_to_async(_publish)([f"unit:{own}"], {"type": "tag.created", "tag": {"id": 1}})
    await database_sync_to_async(_publish)([f"unit:{own}"], {"type": "clip.indexed", "clip": {"id": 1}})
    await database_sync_to_async(_publish)([f"unit:{own}"], {"type": "check.started", "check": {"unit": own}})
    message = await comm.receive_json_from(timeout=2)
    assert message["type"] == "check.started"  # the footage events before it were not delivered
    assert await comm.receive_nothing(timeout=0.3)
    await comm.disconnect()


async def test_ping_pong_and_heartbeat(demo: Any, settings: Any) -> None:
    settings.WS_HEARTBEAT_SECONDS = 0.2
    comm = await ws(demo.users["reviewer"])
    await comm.send_json_to({"type": "ping", "id": "a1"})
    pong = await comm.receive_json_from()
    assert pong["type"] == "pong" and pong["id"] == "a1"
    beat = await comm.receive_json_from(timeout=2)
    assert beat["type"] == "heartbeat"
    await comm.send_json_to({"type": "dance"})
    assert (await comm.receive_json_from())["code"] == "unknown_type"
    await comm.send_to(text_data="{not json")
    assert (await comm.receive_json_from())["code"] == "bad_message"
    await comm.disconnect()


async def test_scope_refusal_joins_no_group(demo: Any, make_clip: Any) -> None:
    from backend.accounts.services import user_create

    scoped = await database_sync_to_async(user_create)(by="test", username="ws-tc", password=None, role="reviewer",
                                                       scope_unit=demo.units["CAX-TC"])
    kl_clip = await database_sync_to_async(make_clip)(camera="CAM-KL-01")
    loose = await database_sync_to_async(make_clip)(camera=None)
    comm = await ws(scoped)
    kl_unit = demo.units["CAX-KL"].pk
    for topic in ("camera:CAM-KL-01", f"unit:{kl_unit}", f"clip:{kl_clip.pk}", f"clip:{loose.pk}"):
        reply = await subscribe(comm, topic)
        assert reply["type"] == "error" and reply["code"] == "forbidden", (topic, reply)
        assert reply["message"] and reply["message_en"]
    assert (await subscribe(comm, "everything"))["code"] == "invalid_topic"
    assert (await subscribe(comm, "camera:CAM-TC-01"))["type"] == "subscribed"
    # Nothing published on the refused topics reaches this connection.
    await database_sync_to_async(_publish)(["camera:CAM-KL-01", f"unit:{kl_unit}", f"clip:{kl_clip.pk}"],
                                           {"type": "clip.indexed", "clip": {"id": kl_clip.pk}})
    assert await comm.receive_nothing(timeout=0.3)
    await comm.send_json_to({"type": "viewing", "clip_id": kl_clip.pk})
    assert (await comm.receive_json_from())["code"] == "forbidden"
    await comm.disconnect()


async def test_clip_events_go_out_after_commit_only(demo: Any, make_clip: Any) -> None:
    clip = await database_sync_to_async(make_clip)(camera="CAM-TC-01")
    comm = await ws(demo.users["reviewer"])
    assert (await subscribe(comm, "camera:CAM-TC-01"))["topic"] == "camera:CAM-TC-01"
    for kind in ("clip.discovered", "clip.progress", "clip.indexed", "clip.failed"):
        await database_sync_to_async(_publish)([f"clip:{clip.pk}", "camera:CAM-TC-01",
                                                f"unit:{demo.units['CAX-TC'].pk}"],
                                               {"type": kind, "clip": {"id": clip.pk}})
        got = await comm.receive_json_from()
        assert got["type"] == kind and got["clip"]["id"] == clip.pk
    assert await comm.receive_nothing(timeout=0.2)
    # Following the clip, its camera and its unit, an event still arrives once.
    await subscribe(comm, f"clip:{clip.pk}")
    assert (await comm.receive_json_from())["type"] == "presence"
    await subscribe(comm, f"unit:{demo.units['CAX-TC'].pk}")
    await database_sync_to_async(_publish)([f"clip:{clip.pk}", "camera:CAM-TC-01", f"unit:{demo.units['CAX-TC'].pk}"],
                                           {"type": "clip.progress", "clip": {"id": clip.pk, "progress": 0.5}})
    assert (await comm.receive_json_from())["clip"]["progress"] == 0.5
    assert await comm.receive_nothing(timeout=0.2)
    for topic in (f"clip:{clip.pk}", f"unit:{demo.units['CAX-TC'].pk}"):
        await comm.send_json_to({"type": "unsubscribe", "topic": topic})
        assert (await comm.receive_json_from())["type"] == "unsubscribed"

    def rolled_back() -> None:
        try:
            with transaction.atomic():
                broadcast_on_commit(["camera:CAM-TC-01"], {"type": "clip.indexed", "clip": {"id": clip.pk}})
                raise RuntimeError("write failed")
        except RuntimeError:
            pass

    await database_sync_to_async(rolled_back)()
    assert await comm.receive_nothing(timeout=0.3)
    await comm.send_json_to({"type": "unsubscribe", "topic": "camera:CAM-TC-01"})
    assert (await comm.receive_json_from())["type"] == "unsubscribed"
    await database_sync_to_async(_publish)(["camera:CAM-TC-01"], {"type": "clip.progress", "clip": {"id": clip.pk}})
    assert await comm.receive_nothing(timeout=0.3)
    await comm.disconnect()


async def test_ingest_broadcasts_reach_subscribers(demo: Any, make_clip: Any) -> None:
    """The ingest app's own broadcast helper, end to end through the consumer."""
    from media_ingest import services_messages

    clip = await database_sync_to_async(make_clip)(camera="CAM-TC-01")
    comm = await ws(demo.users["reviewer"])
    await subscribe(comm, f"clip:{clip.pk}")
    assert (await comm.receive_json_from())["type"] == "presence"  # snapshot on subscribing to a clip

    def fire() -> None:
        from media_ingest.models import Clip

        with transaction.atomic():
            services_messages._broadcast(Clip.objects.select_related("camera__counter").get(pk=clip.pk), "clip.indexed")

    await database_sync_to_async(fire)()
    got = await comm.receive_json_from()
    assert got["type"] == "clip.indexed" and got["clip"]["id"] == clip.pk
    await comm.disconnect()


async def test_tag_and_evidence_events(demo: Any, make_clip: Any, finding_for: Any) -> None:
    from media_ingest.review import services

    clip = await database_sync_to_async(make_clip)(camera="CAM-TC-01")
    finding = await database_sync_to_async(finding_for)()
    reviewer, lead = demo.users["reviewer"], demo.users["lead"]
    watcher = await ws(lead)
    await subscribe(watcher, f"unit:{demo.units['CAX-TC'].pk}")

    tag = await database_sync_to_async(services.tag_create)(by=reviewer, clip=clip, label_code="unofficial_fee",
                                                            start_s=3, end_s=9, note="nhận phong bì")
    created = await watcher.receive_json_from()
    assert created["type"] == "tag.created" and created["tag"]["id"] == tag.pk
    assert created["tag"]["label"]["code"] == "unofficial_fee" and created["tag"]["author"]["id"] == reviewer.pk
    tag = await database_sync_to_async(services.tag_update)(by=lead, tag=tag, revision=1, end_s=11)
    updated = await watcher.receive_json_from()
    assert updated["type"] == "tag.updated" and updated["tag"]["end_s"] == 11 and updated["tag"]["revision"] == 2
    await database_sync_to_async(services.tag_delete)(by=lead, tag=tag, revision=2, reason="trùng thẻ khác")
    deleted = await watcher.receive_json_from()
    assert deleted["type"] == "tag.deleted" and deleted["tag"]["deleted"] is True

    other = await database_sync_to_async(services.tag_create)(by=reviewer, clip=clip, label_code="rude_conduct",
                                                              start_s=20, end_s=30)
    assert (await watcher.receive_json_from())["type"] == "tag.created"
    item = await database_sync_to_async(services.evidence_link_tag)(by=reviewer, finding=finding, tag=other)
    linked = await watcher.receive_json_from()
    assert linked["type"] == "evidence.linked" and linked["finding_id"] == finding.pk
    assert linked["evidence"]["id"] == item.pk and linked["evidence"]["clip_sha256"] == clip.sha256
    assert await watcher.receive_nothing(timeout=0.2)
    await watcher.disconnect()


async def test_footage_linked_to_a_draft_is_told_to_nobody_outside_the_team(demo: Any, make_clip: Any,
                                                                           finding_for: Any) -> None:
    """Issue 15, insider review: evidence.linked went to every follower of the clip and the unit (the
    administrator, every reviewer) for a draft finding too, naming the draft's id when it was made."""
    from media_ingest.review import services

    clip = await database_sync_to_async(make_clip)(camera="CAM-TC-01")
    draft = await database_sync_to_async(finding_for)(state="draft")
    published = await database_sync_to_async(finding_for)()
    lead, reviewer, admin = demo.users["lead"], demo.users["reviewer"], demo.users["admin"]
    watchers = [await ws(reviewer), await ws(admin)]
    for watcher in watchers:
        assert (await subscribe(watcher, f"clip:{clip.pk}"))["type"] == "subscribed"
        assert (await watcher.receive_json_from())["type"] == "presence"
    tag = await database_sync_to_async(services.tag_create)(by=reviewer, clip=clip, label_code="rude_conduct",
                                                            start_s=20, end_s=30)
    for watcher in watchers:
        assert (await watcher.receive_json_from())["type"] == "tag.created"
    await database_sync_to_async(services.evidence_link_tag)(by=lead, finding=draft, tag=tag)
    for watcher in watchers:
        assert await watcher.receive_nothing(timeout=0.3)
    await database_sync_to_async(services.evidence_link_tag)(by=lead, finding=published, tag=tag)
    for watcher in watchers:
        linked = await watcher.receive_json_from()
        assert linked["type"] == "evidence.linked" and linked["finding_id"] == published.pk
        await watcher.disconnect()


async def test_presence_join_and_leave(demo: Any, make_clip: Any) -> None:
    clip = await database_sync_to_async(make_clip)(camera="CAM-TC-01")
    a, b = demo.users["reviewer"], demo.users["lead"]
    ca = await ws(a)
    await ca.send_json_to({"type": "viewing", "clip_id": clip.pk, "position": 12.5})
    first = await ca.receive_json_from()
    assert first == {"type": "presence", "clip_id": clip.pk,
                     "viewers": [{"user_id": a.pk, "name": "Ngô Thị Mai", "position": 12.5}]}
    cb = await ws(b)
    await subscribe(cb, f"clip:{clip.pk}")
    snapshot = await cb.receive_json_from()
    assert [v["user_id"] for v in snapshot["viewers"]] == [a.pk]
    await cb.send_json_to({"type": "viewing", "clip_id": clip.pk})
    for comm in (ca, cb):
        both = await comm.receive_json_from()
        assert both["type"] == "presence" and [v["user_id"] for v in both["viewers"]] == [a.pk, b.pk]
    await ca.disconnect()
    left = await cb.receive_json_from()
    assert left["type"] == "presence" and [v["user_id"] for v in left["viewers"]] == [b.pk]
    await cb.send_json_to({"type": "viewing", "clip_id": None})
    assert (await cb.receive_json_from())["viewers"] == []
    await cb.disconnect()


async def test_nothing_about_a_planned_check_goes_out(demo: Any) -> None:
    from inspection import services_checks, services_criteria

    lead = demo.users["lead"]
    unit = demo.units["CAX-TC"]
    comm = await ws(demo.users["reviewer"])
    await subscribe(comm, f"unit:{unit.pk}")

    def plan() -> Any:
        services_criteria.criteria_set_seed_default(by=lead, year=timezone.localdate().year)
        start = timezone.now() + timedelta(hours=1)
        with transaction.atomic():
            return services_checks.check_create(by=lead, mode="dot_xuat", unit=unit, window_start=start,
                                                window_end=start + timedelta(hours=4), team=[demo.users["inspector"]])

    check = await database_sync_to_async(plan)()
    assert await comm.receive_nothing(timeout=0.3)  # planning a check is silent
    # Even a message published by mistake is dropped by the consumer's guard.
    for leak in ({"type": "check.planned", "check": {"id": "x", "state": "planned"}},
                 {"type": "tag.created", "secret": True},
                 {"type": "check.created", "state": "planned"}):
        await database_sync_to_async(_publish)([f"unit:{unit.pk}"], leak)
    assert await comm.receive_nothing(timeout=0.3)
    await database_sync_to_async(services_checks.check_start)(by=lead, check=check)
    started = await comm.receive_json_from()
    assert started["type"] == "check.started" and started["check"]["state"] == "in_progress"
    await comm.disconnect()


async def test_an_account_change_closes_the_users_open_sockets(demo: Any) -> None:
    """Deactivating (or re-scoping, demoting) a user ends their live connections at once; a
    reconnect is authorized afresh, so a deactivated reviewer gets no more footage events."""
    from backend.accounts import services as accounts

    reviewer, admin = demo.users["reviewer"], demo.users["admin"]
    comm = await ws(reviewer)
    assert (await subscribe(comm, "camera:CAM-TC-01"))["type"] == "subscribed"
    bystander = await ws(demo.users["lead"])

    def deactivate() -> None:
        with transaction.atomic():
            accounts.user_update(by=admin, user=reviewer, is_active=False)

    await database_sync_to_async(deactivate)()
    closed = await comm.receive_output(timeout=2)
    assert closed["type"] == "websocket.close" and closed["code"] == 4409
    assert await bystander.receive_nothing(timeout=0.3)  # other users' sockets stay open
    # reconnecting with the same (now inactive) session is refused
    again = WebsocketCommunicator(application, "/ws/review/",
                                  headers=[ORIGIN, (b"cookie", await database_sync_to_async(_cookie)(reviewer))])
    connected, code = await again.connect()
    assert not connected and code == 4401
    await bystander.disconnect()


async def test_a_scoped_subscriber_cannot_tell_missing_topics_from_other_units(demo: Any, make_clip: Any) -> None:
    """Issue 11.8: `unit:<id>` of another unit and of no unit at all (likewise cameras and clips) get
    the same answer, or the websocket is an oracle for which ids exist."""
    from backend.accounts.services import user_create
    from backend.org.models import Unit

    scoped = await database_sync_to_async(user_create)(by="test", username="ws-oracle", password=None,
                                                       role="reviewer", scope_unit=demo.units["CAX-TC"])
    kl_clip = await database_sync_to_async(make_clip)(camera="CAM-KL-01")
    missing_unit = await database_sync_to_async(lambda: Unit.objects.latest("pk").pk + 1000)()
    pairs = [(f"unit:{demo.units['CAX-KL'].pk}", f"unit:{missing_unit}"),
             ("camera:CAM-KL-01", "camera:NOPE"),
             (f"clip:{kl_clip.pk}", f"clip:{kl_clip.pk + 1000}")]
    for user in (scoped, demo.users["unithead"]):
        comm = await ws(user)
        for existing, absent in pairs:
            a, b = await subscribe(comm, existing), await subscribe(comm, absent)
            assert a["type"] == b["type"] == "error", (a, b)
            assert {k: v for k, v in a.items() if k != "topic"} == {k: v for k, v in b.items() if k != "topic"}
        await comm.disconnect()


@pytest.mark.parametrize("raw", ['{"type": "viewing", "clip_id": 1e999}', '{"type": "viewing", "clip_id": NaN}',
                                 '{"type": "subscribe", "topic": "clip:1", "x": -Infinity}'])
async def test_non_json_numbers_are_refused_and_never_echoed(demo: Any, raw: str) -> None:
    """Adversary finding F4: 1e999 was echoed back as `Infinity`, which no JSON client can read."""
    import json as std_json

    comm = await ws(demo.users["reviewer"])
    await comm.send_to(text_data=raw)
    text = await comm.receive_from()
    reply = std_json.loads(text, parse_constant=lambda token: pytest.fail(f"{token} in a reply"))
    assert reply["type"] == "error"
    await comm.disconnect()


async def test_evidence_of_a_draft_finding_is_not_broadcast(demo: Any, make_clip: Any, finding_for: Any) -> None:
    """Issue 17: evidence of a draft finding is the inspection team's only; those following the unit
    (a disciplinary officer, a reviewer in scope) are not told it was attached, from either page."""
    import io

    from media_ingest.review import services
    from media_ingest.review.models import EvidenceItem

    clip = await database_sync_to_async(make_clip)(camera="CAM-TC-01")
    draft = await database_sync_to_async(finding_for)(state="draft")
    lead = demo.users["lead"]
    watcher = await ws(demo.users["discipline"])
    await subscribe(watcher, f"unit:{demo.units['CAX-TC'].pk}")
    tag = await database_sync_to_async(services.tag_create)(by=lead, clip=clip, label_code="rude_conduct",
                                                            start_s=20, end_s=30)
    assert (await watcher.receive_json_from())["type"] == "tag.created"
    await database_sync_to_async(services.evidence_link_tag)(by=lead, finding=draft, tag=tag)
    await database_sync_to_async(services.evidence_add_file)(
        by=lead, finding=draft, fileobj=io.BytesIO(b"bien ban"), filename="bb.txt", content_type="text/plain",
        size=8, attached_in=EvidenceItem.AttachedIn.FINDING)
    assert await watcher.receive_nothing(timeout=0.3)
    await watcher.disconnect()


async def test_tag_events_carry_no_readers_findings(demo: Any, make_clip: Any, finding_for: Any) -> None:
    """A tag's `findings` is per reader (media_ingest.review.selectors.tags_for_reader): a tag event goes
    to every follower of the clip, so it carries the shared shape only, never a draft's id or title; the
    page keeps what it fetched and refetches."""
    from media_ingest.review import services

    clip = await database_sync_to_async(make_clip)(camera="CAM-TC-01")
    draft = await database_sync_to_async(finding_for)(state="draft")
    lead = demo.users["lead"]
    watcher = await ws(demo.users["reviewer"])
    assert (await subscribe(watcher, f"clip:{clip.pk}"))["type"] == "subscribed"
    tag = await database_sync_to_async(services.tag_create)(by=lead, clip=clip, label_code="rude_conduct",
                                                            start_s=20, end_s=30)
    created = await watcher.receive_json_from()
    while created["type"] == "presence":  # who is viewing the clip, on subscribing
        created = await watcher.receive_json_from()
    assert created["type"] == "tag.created" and "findings" not in created["tag"]
    await database_sync_to_async(services.evidence_link_tag)(by=lead, finding=draft, tag=tag)
    await database_sync_to_async(services.tag_update)(by=lead, tag=tag, revision=1, note="ghi chú mới")
    text = await watcher.receive_from()
    while '"presence"' in text:
        text = await watcher.receive_from()
    assert '"tag.updated"' in text and '"findings"' not in text
    assert str(draft.pk) not in text and draft.reference not in text and draft.title not in text
    await watcher.disconnect()


def _sealed_copy_for_a_draft(clip: Any, draft: Any) -> None:
    """The state retention leaves a clip held only by a draft in: expired, a sealed copy kept for the draft."""
    from media_ingest.models import Clip
    from media_ingest.review.models import ClipPreservation

    Clip.objects.filter(pk=clip.pk).update(state=Clip.State.EXPIRED, expired_at=timezone.now())
    clip.refresh_from_db()
    kept = ClipPreservation.objects.create(clip=clip, keys={"source": "evidence/sealed/x/y.mp4"},
                                           sha256=clip.sha256, size_bytes=clip.size_bytes, created_at=timezone.now())
    kept.findings.set([draft])


async def test_a_tag_on_a_sealed_copy_is_told_to_nobody_outside_the_team(demo: Any, make_clip: Any,
                                                                         finding_for: Any) -> None:
    """Insider review S2: the team tags an expired clip's sealed copy kept for a draft; a tag.created on the
    clip, its camera or its unit would tell every outsider following them that the clip is still watched."""
    from media_ingest.review import services

    clip = await database_sync_to_async(make_clip)(camera="CAM-TC-01")
    control = await database_sync_to_async(make_clip)(camera="CAM-TC-01")
    draft = await database_sync_to_async(finding_for)(state="draft")
    await database_sync_to_async(_sealed_copy_for_a_draft)(clip, draft)
    lead, reviewer, admin = demo.users["lead"], demo.users["reviewer"], demo.users["admin"]
    watchers = [await ws(reviewer), await ws(admin)]
    for watcher in watchers:
        for topic in (f"clip:{clip.pk}", "camera:CAM-TC-01", f"unit:{demo.units['CAX-TC'].pk}"):
            assert (await subscribe(watcher, topic))["type"] == "subscribed"
            if topic.startswith("clip:"):
                assert (await watcher.receive_json_from())["type"] == "presence"
    tag = await database_sync_to_async(services.tag_create)(by=lead, clip=clip, label_code="rude_conduct",
                                                            start_s=2, end_s=5)
    assert tag.preservation_id is not None
    tag = await database_sync_to_async(services.tag_update)(by=lead, tag=tag, revision=1, end_s=6)
    await database_sync_to_async(services.tag_delete)(by=lead, tag=tag, revision=2, reason="gắn nhầm đoạn")
    # a tag on footage still goes out (to the camera and unit topics): the first thing each outsider hears
    await database_sync_to_async(services.tag_create)(by=reviewer, clip=control, label_code="rude_conduct",
                                                      start_s=2, end_s=5)
    for watcher in watchers:
        heard = await watcher.receive_json_from()
        assert heard["type"] == "tag.created" and heard["clip_id"] == control.pk
        assert await watcher.receive_nothing(timeout=0.3)
        await watcher.disconnect()
