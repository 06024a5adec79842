"""Who is viewing a clip, shared by every web process through Django's cache.

Embedded mode: the local-memory cache (one process). Scaled mode: Redis, so N ASGI processes see
the same viewers. Each clip has one cache entry {channel_name: {user_id, name, position, at}};
read-modify-write happens under a short lock taken with the atomic `cache.add`. Entries older than
PRESENCE_TTL_SECONDS are dropped on every read, so a process that died without saying goodbye
leaves no ghost viewer behind for long (live connections refresh their entry on every heartbeat).
"""
from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache

LOCK_SECONDS = 3
LOCK_WAIT_SECONDS = 2.0


def presence_ttl_seconds() -> int:
    return int(getattr(settings, "PRESENCE_TTL_SECONDS", 90))


def _key(clip_id: int) -> str:
    return f"cw:presence:clip:{clip_id}"


def _locked(clip_id: int, change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    lock_key = _key(clip_id) + ":lock"
    token = uuid.uuid4().hex
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    acquired = cache.add(lock_key, token, LOCK_SECONDS)
    while not acquired and time.monotonic() < deadline:
        time.sleep(0.01)
        acquired = cache.add(lock_key, token, LOCK_SECONDS)
    # Without the lock after LOCK_WAIT_SECONDS (a holder died) we proceed: presence is advisory
    # and the lock expires on its own; the worst case is one lost update until the next heartbeat.
    try:
        entries: dict[str, Any] = cache.get(_key(clip_id)) or {}
        now = time.time()
        ttl = presence_ttl_seconds()
        entries = {ch: e for ch, e in entries.items() if now - e.get("at", 0) <= ttl}
        change(entries)
        if entries:
            cache.set(_key(clip_id), entries, ttl * 2)
        else:
            cache.delete(_key(clip_id))
        return entries
    finally:
        if acquired and cache.get(lock_key) == token:
            cache.delete(lock_key)


def viewers_of(entries: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per user (a user with two tabs open is one viewer), earliest first."""
    by_user: dict[int, dict[str, Any]] = {}
    for entry in sorted(entries.values(), key=lambda e: e.get("since", 0)):
        row = by_user.setdefault(entry["user_id"], {"user_id": entry["user_id"], "name": entry["name"],
                                                    "position": entry.get("position")})
        if entry.get("position") is not None:
            row["position"] = entry["position"]
    return list(by_user.values())


def presence_join(*, clip_id: int, channel_name: str, user_id: int, name: str,
                  position: float | None) -> tuple[list[dict[str, Any]], bool]:
    """Record that this connection views the clip. Returns (viewers, whether the set changed)."""
    changed = False

    def change(entries: dict[str, Any]) -> None:
        nonlocal changed
        now = time.time()
        old = entries.get(channel_name)
        changed = old is None
        entries[channel_name] = {"user_id": user_id, "name": name, "position": position,
                                 "at": now, "since": old["since"] if old else now}

    entries = _locked(clip_id, change)
    return viewers_of(entries), changed


def presence_leave(*, clip_id: int, channel_name: str) -> list[dict[str, Any]]:
    entries = _locked(clip_id, lambda e: e.pop(channel_name, None))
    return viewers_of(entries)


def presence_touch(*, clip_id: int, channel_name: str) -> None:
    def change(entries: dict[str, Any]) -> None:
        if channel_name in entries:
            entries[channel_name]["at"] = time.time()

    _locked(clip_id, change)


def presence_viewers(*, clip_id: int) -> list[dict[str, Any]]:
    return viewers_of(_locked(clip_id, lambda e: None))
