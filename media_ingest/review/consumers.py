"""The review websocket (/ws/review/). Protocol: docs/websocket.md.

The consumer holds no rules: who may subscribe to what is `selectors.topic_authorize`, who is
viewing a clip is `presence`. It authorizes in connect() and before every group_add, forwards
channel-layer "broadcast" messages to the client, and drops anything flagged secret.
"""
from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import math
import time
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings

from backend.core.errors import DomainError
from backend.core.events import group_for, user_group
from media_ingest.review import presence, selectors

log = logging.getLogger(__name__)

CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_ACCOUNT_CHANGED = 4409
MAX_TOPICS = 200
PROTOCOL_VERSION = 1
DEDUP_SECONDS = 2.0


def heartbeat_seconds() -> float:
    return float(getattr(settings, "WS_HEARTBEAT_SECONDS", 25))


def _error(code: str, message: str, message_en: str, **extra: Any) -> dict[str, Any]:
    return {"type": "error", "code": code, "message": message, "message_en": message_en, **extra}


def is_secret(message: dict[str, Any]) -> bool:
    """A last guard: anything about a planned (secret) check never leaves the server."""
    if not isinstance(message, dict):
        return True
    if message.get("secret"):
        return True
    for key in ("check", "data"):
        inner = message.get(key)
        if isinstance(inner, dict) and (inner.get("secret") or inner.get("state") == "planned"):
            return True
    kind = str(message.get("type", ""))
    return kind.startswith("check.") and message.get("state") == "planned"



def _not_json(token: str) -> Any:
    raise ValueError(f"{token} is not JSON")


def _finite(text: str) -> float:
    value = float(text)
    if math.isinf(value) or math.isnan(value):
        raise ValueError("number out of range")
    return value

class _Encoded:
    """A broadcast message's deduplication digest and JSON text (the text when first asked for)."""

    __slots__ = ("_text", "digest", "message")

    def __init__(self, message: dict[str, Any]) -> None:
        self.message = message
        self.digest = hashlib.sha1(json.dumps(message, sort_keys=True, default=str).encode()).hexdigest()  # noqa: S324
        self._text: str | None = None

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = json.dumps(self.message)  # as AsyncJsonWebsocketConsumer.encode_json
        return self._text


_last_encoded: _Encoded | None = None


def _encoded(message: dict[str, Any]) -> _Encoded:
    """Encoded once per message, not once per client: the channel layer hands one message object to
    all the consumers of this process it is for (backend/core/channel_layer.py), one after another on
    this event loop, so the last one encoded is reused while the same object comes in. Another layer
    (in-memory: a copy per consumer) only encodes as before."""
    global _last_encoded
    last = _last_encoded
    if last is None or last.message is not message:
        last = _last_encoded = _Encoded(message)
    return last


class ReviewConsumer(AsyncJsonWebsocketConsumer):
    """One connection of one signed-in user."""

    async def connect(self) -> None:
        user = self.scope.get("user")
        self.topics: set[str] = set()
        self.viewing: int | None = None
        self._heartbeat: asyncio.Task[None] | None = None
        self._recent: dict[str, float] = {}
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        allowed = await database_sync_to_async(selectors.user_may_connect)(user=user)
        if not allowed:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.user = user
        # the admin changing this account (role, scope, active, password) closes the socket
        await self.channel_layer.group_add(user_group(user.pk), self.channel_name)
        # Unit heads follow their units' notices only: no footage, tag or presence traffic.
        self.footage = await database_sync_to_async(selectors.user_may_use_review)(user=user)
        await self.accept()
        await self.send_json({"type": "hello", "protocol": PROTOCOL_VERSION, "user_id": user.pk,
                              "heartbeat_seconds": heartbeat_seconds()})
        self._heartbeat = asyncio.ensure_future(self._heartbeat_loop())

    async def disconnect(self, code: int) -> None:
        if self._heartbeat is not None:
            self._heartbeat.cancel()
        if getattr(self, "user", None) is not None:
            await self.channel_layer.group_discard(user_group(self.user.pk), self.channel_name)
        if self.viewing is not None:
            await self._stop_viewing()
        for topic in list(self.topics):
            await self.channel_layer.group_discard(group_for(topic), self.channel_name)
        self.topics.clear()

    async def _heartbeat_loop(self) -> None:
        interval = heartbeat_seconds()
        try:
            while True:
                await asyncio.sleep(interval)
                if self.viewing is not None:
                    await database_sync_to_async(presence.presence_touch)(
                        clip_id=self.viewing, channel_name=self.channel_name)
                await self.send_json({"type": "heartbeat", "ts": time.time()})
        except asyncio.CancelledError:
            raise
        except Exception:  # noqa: BLE001 - the socket closed under us; disconnect() cleans up
            log.debug("heartbeat stopped", exc_info=True)

    # --- client -> server ------------------------------------------------------------------
    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if not isinstance(content, dict) or not isinstance(content.get("type"), str):
            await self.send_json(_error("bad_message", "Tin nhắn phải là đối tượng JSON có trường type.",
                                        "A message must be a JSON object with a type."))
            return
        handler = {
            "ping": self.on_ping,
            "subscribe": self.on_subscribe,
            "unsubscribe": self.on_unsubscribe,
            "viewing": self.on_viewing,
        }.get(content["type"])
        if handler is None:
            await self.send_json(_error("unknown_type", f"Loại tin nhắn không hỗ trợ: {content['type']}.",
                                        f"Unsupported message type: {content['type']}."))
            return
        await handler(content)

    async def decode_json(self, text_data: str) -> Any:  # type: ignore[override]
        """Strict JSON: NaN, Infinity and numbers too large for a float (1e999) are not JSON and would
        be echoed back as invalid JSON; such a message is treated as unreadable."""
        try:
            return json.loads(text_data, parse_constant=_not_json, parse_float=_finite)
        except ValueError:
            return None

    async def on_ping(self, content: dict[str, Any]) -> None:
        if self.viewing is not None:
            await database_sync_to_async(presence.presence_touch)(
                clip_id=self.viewing, channel_name=self.channel_name)
        await self.send_json({"type": "pong", "ts": time.time(), "id": content.get("id")})

    async def on_subscribe(self, content: dict[str, Any]) -> None:
        raw = content.get("topic")
        try:
            topic = await database_sync_to_async(selectors.topic_authorize)(user=self.user, topic=raw)
        except DomainError as exc:
            await self.send_json(_error(exc.code, exc.message, exc.message_en, topic=raw))
            return
        if topic not in self.topics and len(self.topics) >= MAX_TOPICS:
            await self.send_json(_error("too_many_topics", f"Tối đa {MAX_TOPICS} chủ đề mỗi kết nối.",
                                        f"At most {MAX_TOPICS} topics per connection.", topic=raw))
            return
        await self.channel_layer.group_add(group_for(topic), self.channel_name)
        self.topics.add(topic)
        await self.send_json({"type": "subscribed", "topic": topic})
        if topic.startswith("clip:"):
            viewers = await database_sync_to_async(presence.presence_viewers)(clip_id=int(topic[5:]))
            await self.send_json({"type": "presence", "clip_id": int(topic[5:]), "viewers": viewers})

    async def on_unsubscribe(self, content: dict[str, Any]) -> None:
        topic = str(content.get("topic", ""))
        if topic in self.topics:
            await self.channel_layer.group_discard(group_for(topic), self.channel_name)
            self.topics.discard(topic)
        await self.send_json({"type": "unsubscribed", "topic": topic})

    async def on_viewing(self, content: dict[str, Any]) -> None:
        if not self.footage:
            await self.send_json(_error("forbidden", "Đồng chí không có quyền xem hình ảnh camera.",
                                        "You may not view camera footage."))
            return
        clip_id = content.get("clip_id")
        if clip_id is None:  # stopped watching
            if self.viewing is not None:
                await self._stop_viewing()
            return
        position = content.get("position")
        if position is not None and (isinstance(position, bool) or not isinstance(position, int | float)):
            await self.send_json(_error("invalid", "position phải là số giây.", "position must be seconds."))
            return
        try:
            topic = await database_sync_to_async(selectors.topic_authorize)(user=self.user,
                                                                            topic=f"clip:{clip_id}")
        except DomainError as exc:
            echo = clip_id if isinstance(clip_id, int) and not isinstance(clip_id, bool) else None
            await self.send_json(_error(exc.code, exc.message, exc.message_en, clip_id=echo))
            return
        new_clip = int(topic[5:])
        if self.viewing is not None and self.viewing != new_clip:
            await self._stop_viewing()
        if topic not in self.topics:  # a viewer also gets the clip's events
            await self.channel_layer.group_add(group_for(topic), self.channel_name)
            self.topics.add(topic)
        self.viewing = new_clip
        name = self.user.get_full_name() or self.user.get_username()
        viewers, changed = await database_sync_to_async(presence.presence_join)(
            clip_id=new_clip, channel_name=self.channel_name, user_id=self.user.pk, name=name,
            position=float(position) if position is not None else None)
        if changed:
            await self._group_send(topic, {"type": "presence", "clip_id": new_clip, "viewers": viewers})

    async def account_changed(self, event: dict[str, Any]) -> None:
        """The account changed under this connection: end it; the client reconnects and is
        authorized again with the new role and scope (or refused if deactivated)."""
        await self.close(code=CLOSE_ACCOUNT_CHANGED)

    async def _stop_viewing(self) -> None:
        clip_id, self.viewing = self.viewing, None
        if clip_id is None:
            return
        viewers = await database_sync_to_async(presence.presence_leave)(
            clip_id=clip_id, channel_name=self.channel_name)
        await self._group_send(f"clip:{clip_id}", {"type": "presence", "clip_id": clip_id, "viewers": viewers})

    async def _group_send(self, topic: str, message: dict[str, Any]) -> None:
        await self.channel_layer.group_send(group_for(topic), {"type": "broadcast", "message": message})

    # --- channel layer -> client -------------------------------------------------------------
    async def dispatch(self, message: dict[str, Any]) -> None:
        """Channels' dispatch, except that a channel-layer broadcast skips the `close_old_connections`
        hop channels makes before every handler: that hop is a round trip to the one shared
        thread-sensitive thread, so a message to the 250 consumers of a process queued 250 hops
        there one after another, and each send waited for its hop (most of a fan-out's time).
        `broadcast` reads no database (it forwards what it was given, checked against what connect()
        stored); every handler that does query goes through `database_sync_to_async`, which closes
        old connections itself before and after, and still gets channels' hop here."""
        if message.get("type") == "broadcast":
            await self.broadcast(message)
            return
        await super().dispatch(message)

    async def broadcast(self, event: dict[str, Any]) -> None:
        message = event.get("message")
        if is_secret(message):  # type: ignore[arg-type]
            log.warning("dropped a secret-flagged message of type %r", (message or {}).get("type"))
            return
        if not self.footage and not str((message or {}).get("type", "")).startswith("check."):
            return
        encoded = _encoded(message)  # type: ignore[arg-type]
        if self._seen_recently(encoded.digest):
            return  # the same event via a second topic this connection follows (clip + camera + unit)
        await self.send(text_data=encoded.text)  # what send_json(message) sends

    def _seen_recently(self, digest: str) -> bool:
        now = time.monotonic()
        recent = self._recent
        if len(recent) > 256:
            for key in [k for k, at in recent.items() if now - at > DEDUP_SECONDS]:
                del recent[key]
        seen = digest in recent and now - recent[digest] < DEDUP_SECONDS
        recent[digest] = now
        return seen
