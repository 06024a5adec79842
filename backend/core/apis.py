from __future__ import annotations

import asyncio
import contextlib
import uuid
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import connection
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.core import jobs
from backend.core.store import stores_health


def _check_db() -> dict[str, Any]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return {"ok": True, "engine": connection.vendor}
    except Exception as exc:  # noqa: BLE001 - health reports any failure
        return {"ok": False, "engine": connection.vendor, "error": str(exc)[:200]}


def _check_store() -> dict[str, Any]:
    return stores_health()


def _check_channels() -> dict[str, Any]:
    layer = get_channel_layer()
    if layer is None:
        return {"ok": False, "error": "no channel layer configured"}
    name = type(layer).__name__
    try:
        return {"ok": async_to_sync(_ping)(layer), "layer": name}
    except Exception as exc:  # noqa: BLE001
        return {"ok": False, "layer": name, "error": str(exc)[:200]}


async def _ping(layer: Any) -> bool:
    """A message sent to a new channel comes back, all within one event loop (a pub/sub layer
    subscribes per loop) and a few seconds; the channel is released afterwards."""
    channel = await layer.new_channel("health.")
    try:
        token = uuid.uuid4().hex
        await layer.send(channel, {"type": "health.ping", "token": token})
        message = await asyncio.wait_for(layer.receive(channel), timeout=5)
        return bool(message.get("token") == token)
    finally:
        # a cancelled receive is how a consumer leaves: the pub/sub layer unsubscribes the channel
        pending = asyncio.ensure_future(layer.receive(channel))
        await asyncio.sleep(0)
        pending.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await pending


def _signed_in(request: Request) -> bool:
    from django.contrib.auth import get_user

    from backend.accounts.selectors import session_may_use_api

    user = get_user(request._request)  # DRF replaced request.user with the anonymous user
    if not user.is_authenticated or not user.is_active:
        return False
    return bool(session_may_use_api(user=user, session=request._request.session))


class HealthApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []

    @extend_schema(responses=inline_serializer("Health", {
        "status": serializers.CharField(), "checks": serializers.DictField()}))
    def get(self, request: Request) -> Response:
        checks = {"database": _check_db(), "store": _check_store(),
                  "channel_layer": _check_channels(), "job_queue": jobs.pool_status()}
        ok = all(c.get("ok") for c in checks.values())
        # Details (paths, hosts, each queue's workers and depth) only for signed-in users; the public
        # sees ok/failing per part. No DRF authentication runs here (health must answer any caller,
        # a half-signed-in session included), so the session is read as Django's middleware left it.
        if not _signed_in(request):
            checks = {k: {"ok": bool(v.get("ok"))} for k, v in checks.items()}
        return Response({"status": "ok" if ok else "degraded", "checks": checks},
                        status=200 if ok else 503)
