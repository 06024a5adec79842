"""Broadcast to channel groups, only after the surrounding transaction commits.

Group names are built from topics by `group_for(topic)` so consumers and publishers agree.
Messages carry ids and plain values, never model instances.
"""
from __future__ import annotations

import logging
import re
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

log = logging.getLogger(__name__)
_ALLOWED = re.compile(r"[^A-Za-z0-9_.-]")


def group_for(topic: str) -> str:
    """`camera:CAM-01` -> `camera.CAM-01`; only characters channels allows, max 90."""
    return _ALLOWED.sub("_", topic.replace(":", ".", 1))[:90]


def send_now(topics: list[str], message: dict[str, Any]) -> None:
    """Publish to every topic's group, in order, in one trip to the event loop: called from a request's
    thread, each `async_to_sync` call waits for the server's loop, and a loop that is writing the first
    topic's message to its own subscribers answered the second and third calls only after that
    fan-out (the request's response waited behind it)."""
    layer = get_channel_layer()
    if layer is None:
        return
    payload = {"type": "broadcast", "message": message}
    try:
        async_to_sync(_group_send_each)(layer, list(dict.fromkeys(topics)), payload)
    except Exception:  # noqa: BLE001 - a broadcast failure must not break the write
        log.exception("broadcast to %s failed", topics)


async def _group_send_each(layer: Any, topics: list[str], payload: dict[str, Any]) -> None:
    for topic in topics:
        try:
            await layer.group_send(group_for(topic), payload)
        except Exception:  # noqa: BLE001 - one topic's failure does not keep the message from the others
            log.exception("broadcast to %s failed", topic)


def broadcast_on_commit(topics: list[str], message: dict[str, Any]) -> None:
    transaction.on_commit(lambda: send_now(topics, message))


def account_changed_on_commit(user_id: int) -> None:
    """After the transaction: close every open websocket of this user (role, scope, active flag or
    password changed), so the browser reconnects and is authorized afresh, or is refused."""

    def send() -> None:
        layer = get_channel_layer()
        if layer is None:
            return
        try:
            async_to_sync(layer.group_send)(user_group(user_id), {"type": "account.changed"})
        except Exception:  # noqa: BLE001 - a broken layer must not fail the admin's change
            log.warning("could not notify the sockets of user %s", user_id, exc_info=True)

    transaction.on_commit(send)


def user_group(user_id: int) -> str:
    return f"user.{int(user_id)}"
