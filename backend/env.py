"""The one place that reads the environment.

No variable set means the embedded mode (SQLite, local folder store, in-process jobs,
in-memory channel layer). Setting variables switches each piece to its scaled peer.
"""
from __future__ import annotations

import ipaddress
import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def get_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def get_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}.")


def get_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}.") from exc
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {value}.")
    return value


def get_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def get_ip_networks(name: str) -> list[str]:
    """Comma-separated IP addresses or CIDR blocks (`10.0.0.5,192.168.0.0/24`); a malformed entry
    is an error at start, not a proxy silently left untrusted (or trusted)."""
    items = get_list(name, [])
    for item in items:
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError as exc:
            raise ImproperlyConfigured(f"{name}: {item!r} is not an IP address or CIDR block.") from exc
    return items


def get_path(name: str, default: Path) -> Path:
    raw = get_str(name)
    return Path(raw).resolve() if raw else default


def require(name: str, *, reason: str) -> str:
    value = get_str(name)
    if not value:
        raise ImproperlyConfigured(
            f"{name} is not set. {reason} See .env.example for every variable."
        )
    return value


def generated_secret(path: Path) -> str:
    """The key stored at `path`, created on first use (random, mode 0600) and reused afterwards.

    Several processes may start at once: the file is created exclusively, and a loser reads the
    winner's key. A file that others can read is tightened to 0600; an empty or short one is an
    error rather than a weak key.
    """
    import secrets
    import stat

    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
    for _ in range(50):  # a concurrent creator may not have written its key yet
        key = path.read_text().strip()
        if key:
            break
        import time

        time.sleep(0.02)
    if len(key) < 40:
        raise ImproperlyConfigured(f"{path} holds no usable secret key (too short); delete it to generate one.")
    if stat.S_IMODE(path.stat().st_mode) & 0o077:
        path.chmod(0o600)
    return key
