"""The server's HTTP handler (backend/core/asgi.py): one thread hop per request, on pooled threads.

Requests go through the real ASGI application (backend.asgi.application), as uvicorn calls it.
"""
from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.testing import HttpCommunicator
from django.core import signals
from django.test import Client

from backend.asgi import application
from backend.org.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def _session_cookie(username: str) -> bytes:
    client = Client()
    assert client.post("/api/auth/login/", {"username": username, "password": DEMO_PASSWORD},
                       content_type="application/json").status_code == 200
    return "; ".join(f"{k}={v.value}" for k, v in client.cookies.items()).encode()


async def _get(path: str, cookie: bytes = b"") -> dict[str, Any]:
    headers = [(b"host", b"127.0.0.1")] + ([(b"cookie", cookie)] if cookie else [])
    query = path.split("?", 1)[1] if "?" in path else ""
    comm = HttpCommunicator(application, "GET", path.split("?", 1)[0], headers=headers)
    comm.scope["query_string"] = query.encode()
    return await comm.get_response(timeout=10)


class Recorder:
    """Which thread ran each request's signals."""

    def __init__(self) -> None:
        self.started: list[str] = []
        self.finished: list[str] = []

    def on_started(self, **kwargs: Any) -> None:
        self.started.append(threading.current_thread().name)

    def on_finished(self, **kwargs: Any) -> None:
        self.finished.append(threading.current_thread().name)

    def __enter__(self) -> Recorder:
        signals.request_started.connect(self.on_started, weak=False)
        signals.request_finished.connect(self.on_finished, weak=False)
        return self

    def __exit__(self, *exc: Any) -> None:
        signals.request_started.disconnect(self.on_started)
        signals.request_finished.disconnect(self.on_finished)


def test_an_authenticated_get_is_served_whole_on_one_long_lived_thread(demo: Any) -> None:
    cookie = _session_cookie("lead")
    with Recorder() as rec:
        first = async_to_sync(_get)("/api/auth/me/", cookie)
        second = async_to_sync(_get)("/api/auth/me/", cookie)
    import json

    assert first["status"] == second["status"] == 200
    assert json.loads(first["body"])["username"] == "lead"
    # each request started and finished once, both signals on the same pooled thread; and the
    # next request reuses that thread (its database connection stays open as CONN_MAX_AGE allows),
    # where Django's own handler starts a new thread, and a new connection, for every request
    assert len(rec.started) == len(rec.finished) == 2
    assert rec.started[0].startswith("http-") and rec.started == rec.finished
    assert rec.started[0] == rec.started[1]


def test_requests_still_run_side_by_side(demo: Any) -> None:
    """A slow request does not hold up the others: the first waits inside Django until the second
    has reached Django too, which only happens when they run on different threads."""
    second_arrived = threading.Event()
    waited: list[bool] = []

    def on_started(scope: dict[str, Any] | None = None, **kwargs: Any) -> None:
        if scope and scope.get("query_string") == b"slow=1":
            waited.append(second_arrived.wait(timeout=5))
        else:
            second_arrived.set()

    signals.request_started.connect(on_started, weak=False)
    try:
        async def both() -> list[dict[str, Any]]:
            slow = asyncio.ensure_future(_get("/api/auth/csrf/?slow=1"))
            await asyncio.sleep(0.05)
            return [await _get("/api/auth/csrf/"), await slow]

        responses = async_to_sync(both)()
    finally:
        signals.request_started.disconnect(on_started)
    assert [r["status"] for r in responses] == [200, 200]
    assert waited == [True]


def test_a_refused_request_is_answered_and_finished_like_any_other(demo: Any) -> None:
    with Recorder() as rec:
        response = async_to_sync(_get)("/api/auth/me/")
    assert response["status"] in (401, 403)
    assert b"detail" in response["body"] or b"code" in response["body"]
    assert len(rec.started) == len(rec.finished) == 1
