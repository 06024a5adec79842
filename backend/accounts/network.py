"""The client address a request comes from: the one owner of that rule.

The TCP peer (REMOTE_ADDR) is the client, unless the peer is a trusted proxy (TRUSTED_PROXIES);
then X-Forwarded-For is read from the right, skipping trusted proxies, and the first hop that is
not one is the client. Hops further left were written by the client itself and are never used, so
a forged X-Forwarded-For changes nothing.
"""
from __future__ import annotations

import ipaddress
from functools import lru_cache
from typing import Any

from django.conf import settings
from rest_framework.throttling import ScopedRateThrottle

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(e, strict=False) for e in entries)


def _parse(value: str) -> Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [v6]:port
        value = value[1:value.index("]")]
    elif value.count(":") == 1:  # v4:port
        value = value.split(":", 1)[0]
    try:
        addr = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        return addr.ipv4_mapped
    return addr


def _trusted(addr: Address, networks: tuple[Network, ...]) -> bool:
    return any(addr.version == net.version and addr in net for net in networks)


def client_ip(meta: dict[str, Any]) -> str:
    """The client's address from a request's META (Django's, or an ASGI scope mapped to it)."""
    peer_raw = str(meta.get("REMOTE_ADDR") or "")
    peer = _parse(peer_raw)
    if peer is None:
        return peer_raw or "unknown"
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    if not networks or not _trusted(peer, networks):
        return str(peer)
    hops = [h for h in str(meta.get("HTTP_X_FORWARDED_FOR") or "").split(",") if h.strip()]
    client = peer
    for raw in reversed(hops):
        hop = _parse(raw)
        if hop is None:  # a garbled hop: nothing left of it can be trusted
            break
        client = hop
        if not _trusted(hop, networks):
            break
    return str(client)


class LoginRateThrottle(ScopedRateThrottle):
    """The `login` rate (LOGIN_THROTTLE_RATE) per client address as `client_ip` sees it.

    DRF's own identity takes the whole X-Forwarded-For header when NUM_PROXIES is unset, so a
    new header per request was a new throttle bucket."""

    scope_attr = "throttle_scope"

    def get_ident(self, request: Any) -> str:
        return client_ip(request.META)
