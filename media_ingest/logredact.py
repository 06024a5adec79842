"""Signed object URLs never reach the server's logs (issue 11.8).

A signed URL is a bearer credential until it expires: the local store's `/api/media/objects/<token>/`
and S3 presigned query strings (`X-Amz-Signature`, `X-Amz-Credential`, ...). The uvicorn access
log and Django's request log print request paths whole, so a filter on those loggers replaces the
token with `[redacted]` before any handler formats the line. Installed by MediaIngestConfig.ready().
"""
from __future__ import annotations

import logging
import re
from typing import Any

_OBJECT_PATH = re.compile(r"(/api/media/objects/)[^/?#\s\"']+")
_SIGNED_QUERY = re.compile(
    r"((?:^|[?&;\s])(?:X-Amz-Signature|X-Amz-Credential|X-Amz-Security-Token|Signature|token|access_token)=)"
    r"[^&#\s\"']*", re.IGNORECASE)
LOGGERS = ("uvicorn.access", "uvicorn.error", "django.request", "django.server", "django.channels.server")


def redact(text: str) -> str:
    return _SIGNED_QUERY.sub(r"\1[redacted]", _OBJECT_PATH.sub(r"\1[redacted]", text))


def _clean(value: Any) -> Any:
    return redact(value) if isinstance(value, str) else value


class RedactSignedUrls(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_clean(a) for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: _clean(v) for k, v in record.args.items()}
        return True


def install() -> None:
    """Once per logger (idempotent: ready() may run more than once in tests)."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSignedUrls) for f in logger.filters):
            logger.addFilter(RedactSignedUrls())
