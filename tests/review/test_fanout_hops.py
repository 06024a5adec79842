"""Fan-out latency: what a broadcast waits for between the commit and the client's socket.

- The review consumer forwards a channel-layer broadcast without channels' per-message
  `close_old_connections` hop to the shared thread (it reads no database); handlers that do read it
  keep the hop.
- `send_now` publishes all of a message's topics in one trip from the request's thread to the event
  loop, in order, and one topic's failure does not keep the message from the others.
Both run on whichever channel layer the settings give (in-memory, or Redis pub/sub with REDIS_URL).
"""
from __future__ import annotations

import logging
from typing import Any

import channels.consumer
import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer

from backend.core import events
from tests.review.test_consumer import _publish, subscribe, ws

pytestmark = pytest.mark.django_db(transaction=True)


async def test_a_broadcast_is_forwarded_without_the_database_hop(demo: Any, make_clip: Any,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    hops: list[int] = []
    real = channels.consumer.aclose_old_connections

    async def counted() -> None:
        hops.append(1)
        await real()

    monkeypatch.setattr(channels.consumer, "aclose_old_connections", counted)
    clip = await database_sync_to_async(make_clip)(camera="CAM-TC-01")
    comm = await ws(demo.users["reviewer"])
    assert (await subscribe(comm, f"clip:{clip.pk}"))["type"] == "subscribed"
    assert (await comm.receive_json_from())["type"] == "presence"
    assert hops, "a client message (subscribe: it reads the database) still gets channels' hop"
    before = len(hops)
    for n in range(3):
        await database_sync_to_async(_publish)([f"clip:{clip.pk}"], {"type": "tag.created", "clip_id": clip.pk,
                                                                     "tag": {"id": n, "note": f"thẻ {n}"}})
        got = await comm.receive_json_from()
        assert got == {"type": "tag.created", "clip_id": clip.pk, "tag": {"id": n, "note": f"thẻ {n}"}}
    assert len(hops) == before  # three broadcasts delivered, no hop to the database thread
    # the broadcast's own checks stay: a secret-flagged message never goes out
    await database_sync_to_async(_publish)([f"clip:{clip.pk}"], {"type": "tag.created", "secret": True})
    assert await comm.receive_nothing(timeout=0.2)
    await comm.disconnect()


async def test_send_now_publishes_every_topic_in_one_trip_in_order(monkeypatch: pytest.MonkeyPatch,
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    layer = get_channel_layer()
    topics = ["clip:7", "camera:CAM-TC-01", "unit:12"]
    channels_of = {}
    for topic in topics:
        channels_of[topic] = await layer.new_channel()
        await layer.group_add(events.group_for(topic), channels_of[topic])
    trips: list[Any] = []
    real = events.async_to_sync

    def counted(fn: Any) -> Any:
        trips.append(fn)
        return real(fn)

    monkeypatch.setattr(events, "async_to_sync", counted)
    sent: list[str] = []
    real_send = layer.group_send

    async def recorded(group: str, message: dict[str, Any]) -> None:
        sent.append(group)
        if group == events.group_for("camera:CAM-TC-01"):
            raise ConnectionError("camera group unreachable")
        await real_send(group, message)

    monkeypatch.setattr(layer, "group_send", recorded)
    message = {"type": "tag.created", "clip_id": 7}
    with caplog.at_level(logging.ERROR, logger="backend.core.events"):
        await database_sync_to_async(events.send_now)([*topics, "clip:7"], message)
    assert len(trips) == 1  # one trip to the loop for three topics (was one per topic)
    assert sent == [events.group_for(t) for t in topics]  # in order, each once
    for topic in ("clip:7", "unit:12"):  # the camera group's failure did not stop the unit's
        assert await layer.receive(channels_of[topic]) == {"type": "broadcast", "message": message}
    assert "camera:CAM-TC-01" in caplog.text
