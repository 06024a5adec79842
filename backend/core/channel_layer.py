"""The scaled mode's channel layer: channels_redis' pub/sub layer, one decoded message per process.

channels_redis' RedisPubSubChannelLayer receives a group message once per server process and puts
the same received bytes in the queue of every consumer of the group, but each consumer decodes them
again (msgpack) into its own dict. Here the bytes of a message decode once: the consumers of that
message in this process get one dict, which lets the review consumer encode it (JSON, and its
deduplication digest) once per message instead of once per client (media_ingest/review/consumers.py).
Consumers must treat a received message as read-only (they do: channels' dispatch only reads it).
"""
from __future__ import annotations

from collections import OrderedDict
from typing import Any

from channels_redis.pubsub import RedisPubSubChannelLayer

DECODED_KEPT = 32  # messages in flight to this process's consumers at once; more only decode again


class SharedDecodePubSubLayer(RedisPubSubChannelLayer):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # id(raw bytes) -> (the bytes, kept so the id is not reused while cached; the decoded message)
        self._decoded: OrderedDict[int, tuple[bytes, Any]] = OrderedDict()

    def deserialize(self, message: bytes) -> Any:
        key = id(message)
        hit = self._decoded.get(key)
        if hit is not None and hit[0] is message:
            return hit[1]
        value = super().deserialize(message)
        self._decoded[key] = (message, value)
        if len(self._decoded) > DECODED_KEPT:
            self._decoded.popitem(last=False)
        return value
