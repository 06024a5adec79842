"""Isolation over the review websocket: a reviewer scoped to CAX-TC is refused every CAX-ND topic
(unit, camera, clip), receives nothing of CAX-ND's activity even when it is published to topics
they did subscribe to the same moment, and can follow their own unit (the control)."""
from __future__ import annotations

import asyncio
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from backend.asgi import application
from backend.core.actors import SystemActor
from tests.hardening.conftest import seed_world

pytestmark = pytest.mark.django_db(transaction=True)
ORIGIN = (b"origin", b"http://testserver")


def _setup() -> tuple[Any, bytes]:
    from backend.accounts.services import user_create

    world = seed_world()
    user = user_create(by=SystemActor("test"), username="reviewer_tc", password="Demo@12345", role="reviewer",
                       full_name="reviewer_tc", scope_unit=world.units["CAX-TC"])
    client = Client()
    client.force_login(user)
    return world, f"sessionid={client.cookies['sessionid'].value}".encode()


def _tag_in(world: Any, unit: str) -> int:
    from media_ingest.models import Clip
    from media_ingest.review import services
    from tests.hardening.conftest import review_label

    clip = Clip.objects.get(pk=world.extra["world"][unit]["clip"])
    return services.tag_create(by=world.users["reviewer"], clip=clip, label_code=review_label(),
                               start_s=50.0, end_s=60.0, note=f"live {unit}").pk


async def _connect(cookie: bytes) -> WebsocketCommunicator:
    comm = WebsocketCommunicator(application, "/ws/review/", headers=[ORIGIN, (b"cookie", cookie)])
    connected, _ = await comm.connect()
    assert connected
    assert (await comm.receive_json_from())["type"] == "hello"
    return comm


async def test_scoped_reviewer_cannot_follow_or_overhear_another_unit() -> None:
    world, cookie = await database_sync_to_async(_setup)()
    nd, tc = world.extra["world"]["CAX-ND"], world.extra["world"]["CAX-TC"]
    comm = await _connect(cookie)
    for topic in (f"unit:{nd['unit']}", "camera:CAM-ND-01", f"clip:{nd['clip']}"):
        await comm.send_json_to({"type": "subscribe", "topic": topic})
        reply = await comm.receive_json_from()
        assert reply["type"] == "error" and reply["code"] == "forbidden", (topic, reply)
    # viewing (presence) on the other unit's clip is refused too
    await comm.send_json_to({"type": "viewing", "clip_id": nd["clip"]})
    reply = await comm.receive_json_from()
    assert reply["type"] == "error", reply
    for topic in (f"unit:{tc['unit']}", "camera:CAM-TC-01", f"clip:{tc['clip']}"):
        await comm.send_json_to({"type": "subscribe", "topic": topic})
        reply = await comm.receive_json_from()
        assert reply["type"] in ("subscribed", "presence"), (topic, reply)
        if reply["type"] == "presence" or topic.startswith("clip:"):
            while reply["type"] != "subscribed":
                reply = await comm.receive_json_from()
    while not await comm.receive_nothing(timeout=0.2):
        await comm.receive_json_from()  # drain presence messages
    # activity in Nam Đàn: nothing arrives; activity in Thanh Chương: it does
    await database_sync_to_async(_tag_in)(world, "CAX-ND")
    assert await comm.receive_nothing(timeout=0.5)
    own = await database_sync_to_async(_tag_in)(world, "CAX-TC")
    got = await asyncio.wait_for(comm.receive_json_from(), timeout=5)
    assert got["type"] == "tag.created" and got["tag"]["id"] == own, got
    await comm.disconnect()
