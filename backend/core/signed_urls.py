"""Short-lived signed URLs for the local (embedded) store.

The MinIO adapter hands out S3 presigned URLs; the local folder store hands out these instead:
`/api/media/objects/<token>/`, where the token is a django.core.signing blob naming the bucket,
key, HTTP method, expiry and (for uploads) the only content type the PUT may carry. The view
that serves them lives in media_ingest (it streams with HTTP Range support).
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.urls import reverse

from backend.core.errors import DomainError

_SALT = "counterwatch.objects.v1"
MAX_TTL_SECONDS = 24 * 3600


@dataclass(frozen=True)
class SignedObject:
    bucket: str
    key: str
    method: str
    expires_at: int
    filename: str | None = None
    content_type: str | None = None
    viewer: int | None = None


class SignedUrlError(DomainError):
    status = 403


def sign_object_url(key: str, *, seconds: int, method: str = "GET", filename: str | None = None,
                    content_type: str | None = None, bucket: str | None = None,
                    viewer: int | None = None) -> str:
    """A relative URL valid for `seconds` (1..24 h) for one method on one object; with `viewer`
    (a user id) only for requests signed in as that user (footage: a forwarded link shows nothing)."""
    if method not in ("GET", "PUT"):
        raise ValueError(f"unsupported method {method!r}")
    if not 1 <= seconds <= MAX_TTL_SECONDS:
        raise ValueError(f"seconds must be within 1..{MAX_TTL_SECONDS}, got {seconds}")
    payload: dict[str, Any] = {
        "b": bucket or settings.MINIO_BUCKET,
        "k": key,
        "m": method,
        "e": int(time.time()) + int(seconds),
    }
    if filename:
        payload["f"] = filename
    if content_type:
        payload["c"] = content_type
    if viewer is not None:
        payload["u"] = int(viewer)
    token = signing.dumps(payload, salt=_SALT, compress=True)
    return reverse("media-object", kwargs={"token": token})


def verify_object_token(token: str, *, method: str) -> SignedObject:
    """Check signature, expiry and method; raise SignedUrlError (403) with a clear reason."""
    try:
        data = signing.loads(token, salt=_SALT)
    except signing.BadSignature:
        raise SignedUrlError("Liên kết không hợp lệ hoặc đã bị sửa.",
                             "The link is invalid or was tampered with.", code="bad_signature") from None
    if not isinstance(data, dict) or not {"b", "k", "m", "e"} <= data.keys():
        raise SignedUrlError("Liên kết không hợp lệ.", "The link is invalid.", code="bad_signature")
    allowed = {data["m"], "HEAD"} if data["m"] == "GET" else {data["m"]}
    if method not in allowed:
        raise SignedUrlError("Liên kết này không dùng cho thao tác này.",
                             f"This link is for {data['m']}, not {method}.", code="wrong_method")
    if int(data["e"]) < int(time.time()):
        raise SignedUrlError("Liên kết đã hết hạn, hãy mở lại đoạn video để lấy liên kết mới.",
                             "The link has expired; open the clip again to get a new link.",
                             code="expired")
    return SignedObject(bucket=str(data["b"]), key=str(data["k"]), method=str(data["m"]),
                        expires_at=int(data["e"]), filename=data.get("f"), content_type=data.get("c"),
                        viewer=int(data["u"]) if data.get("u") is not None else None)
