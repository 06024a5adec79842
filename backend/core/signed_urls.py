"""Short-lived signed URLs for the local (embedded) store.

The MinIO adapter hands out S3 presigned URLs; the local folder store hands out these instead:
`/api/media/objects/<token>/`, where the token is a django.core.signing blob naming the bucket,
key, HTTP method, expiry and (for uploads) the only content type the PUT may carry. The view
that serves them lives in media_ingest (it streams with HTTP Range support).
"""
from __future__ import annotations

import hashlib
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
    session: str | None = None


def link_session(session_key: str | None) -> str:
    """The name a footage link carries of the browser session that opened it: a hash of the session
    key (the link is signed, not secret, so never the key itself); "" for a client with no session."""
    if not session_key:
        return ""
    return hashlib.sha256(f"counterwatch.link-session:{session_key}".encode()).hexdigest()[:32]


def link_refused_for(signed: SignedObject, *, user: Any, session_key: str | None) -> bool:
    """Whether a request may not use a viewer-bound link: it must be signed in as the link's viewer,
    in the session that opened it (insider review S2-1: a new sign-in of the same person played it)."""
    if signed.viewer is None:
        return False
    if user is None or not user.is_authenticated or not user.is_active or user.pk != signed.viewer:
        return True
    return signed.session is not None and signed.session != link_session(session_key)


class SignedUrlError(DomainError):
    status = 403


def sign_object_url(key: str, *, seconds: int, method: str = "GET", filename: str | None = None,
                    content_type: str | None = None, bucket: str | None = None,
                    viewer: int | None = None, session: str | None = None) -> str:
    """A relative URL valid for `seconds` (1..24 h) for one method on one object; with `viewer`
    (a user id) only for requests signed in as that user (footage: a forwarded link shows nothing), and
    with `session` (link_session of the opener's session) only in that session."""
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
    if session is not None:
        payload["s"] = session
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
                        viewer=int(data["u"]) if data.get("u") is not None else None,
                        session=str(data["s"]) if data.get("s") is not None else None)
