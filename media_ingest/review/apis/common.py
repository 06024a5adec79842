"""Helpers shared by the footage review views: query parameters for the schema, the custody log's
session tag, client address and user agent, input validation."""
from __future__ import annotations

import hashlib
import ipaddress
from typing import Any
from zoneinfo import ZoneInfo

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.request import Request

from backend.accounts.network import client_ip as network_client_ip
from backend.core.signed_urls import link_session

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
OBJ = OpenApiTypes.OBJECT


def q(name: str, kind: Any = str, description: str = "") -> OpenApiParameter:
    return OpenApiParameter(name, kind, OpenApiParameter.QUERY, required=False, description=description)


def session_tag(request: Request) -> str:
    """A stable, non-secret name of the browser session for the custody log (a hash of the session
    key, never the key itself); "" for clients without a session (tokens)."""
    session = getattr(request, "session", None)
    key = getattr(session, "session_key", None) if session is not None else None
    return hashlib.sha256(f"custody:{key}".encode()).hexdigest()[:20] if key else ""


def opener_session(request: Request) -> str:
    """The session a footage link is bound to (signed_urls.link_session of the request's session key);
    "" for clients without a session, whose links no browser session can use."""
    session = getattr(request, "session", None)
    return link_session(getattr(session, "session_key", None) if session is not None else None)


def client_ip(request: Request) -> str | None:
    """The client's address for the custody log, by the one rule that decides whom to believe
    (backend.accounts.network: the TCP peer, or the hop behind a trusted proxy)."""
    address = network_client_ip(request.META)
    try:  # the custody log stores an IP address; a peer that is not one (a test harness) is unknown
        ipaddress.ip_address(address)
    except ValueError:
        return None
    return address


def client_ua(request: Request) -> str:
    return str(request.META.get("HTTP_USER_AGENT", ""))[:300]


def validated(serializer_class: type[serializers.Serializer], data: Any) -> dict[str, Any]:
    ser = serializer_class(data=data)
    ser.is_valid(raise_exception=True)
    return dict(ser.validated_data)
