"""Uploads by reviewers: a signed upload ticket, the signed PUT, and waiting for the clip's index."""
from __future__ import annotations

import re
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from backend.audit.services import audit_record
from backend.core.actors import Actor
from backend.core.errors import Conflict, DomainError
from backend.core.store import ObjectMissing, StoreError, get_footage_store
from backend.org.models import Camera
from media_ingest import discovery
from media_ingest.discovery import ObjectRef
from media_ingest.models import Clip
from media_ingest.services_common import SYSTEM
from media_ingest.services_discovery import Discovered, clip_discover

UPLOAD_URL_TTL_SECONDS = 3600
ALLOWED_UPLOAD_EXTENSIONS = ("mp4", "mkv", "mov", "webm", "avi", "m4v", "ts")


@dataclass(frozen=True)
class UploadTicket:
    key: str
    url: str
    method: str
    headers: dict[str, str]
    expires_at: datetime


def upload_ticket_create(*, camera: Camera, started_at: datetime, filename: str, content_type: str,
                         by: Actor) -> UploadTicket:
    """A presigned PUT for one clip under the camera's conventional key."""
    content_type = (content_type or "").strip().lower()
    errors: dict[str, list[str]] = {}
    if not re.fullmatch(r"video/[a-z0-9.+-]+", content_type):
        errors["content_type"] = ["must be video/*"]
    ext = Path(filename or "").suffix.lower().lstrip(".")
    if ext not in ALLOWED_UPLOAD_EXTENSIONS:
        errors["filename"] = [f"extension must be one of {', '.join(ALLOWED_UPLOAD_EXTENSIONS)}"]
    if timezone.is_naive(started_at):
        errors["started_at"] = ["timezone required"]
    elif started_at > timezone.now() + timedelta(minutes=5):
        errors["started_at"] = ["in the future"]
    if not camera.active:
        errors["camera_id"] = ["inactive"]
    if errors:
        raise DomainError(
            "Không tạo được liên kết tải lên: chỉ nhận tệp video (video/*, đuôi "
            f"{', '.join(ALLOWED_UPLOAD_EXTENSIONS)}), thời điểm có múi giờ và không ở tương lai, camera đang hoạt động.",
            "Cannot create an upload link: " + "; ".join(f"{k}: {', '.join(v)}" for k, v in errors.items()) + ".",
            code="invalid_upload", fields=errors)
    key = discovery.build_key(camera.code, started_at, ext)
    store = get_footage_store()
    try:
        store.stat(key)
    except ObjectMissing:
        pass
    except StoreError as exc:
        raise DomainError("Kho lưu trữ đang không truy cập được, hãy thử lại sau.",
                          f"The object store is unavailable, try again later ({exc}).",
                          code="store_unavailable", status=503) from exc
    else:
        raise Conflict("Camera này đã có đoạn video bắt đầu đúng thời điểm đó.",
                       "This camera already has a clip starting at that time.", code="key_exists",
                       fields={"started_at": ["a clip with this start time exists"]})
    seconds = UPLOAD_URL_TTL_SECONDS
    url = store.upload_url(key, seconds=seconds, content_type=content_type)
    with transaction.atomic():
        audit_record(actor=by, verb="clip.upload_url", obj=camera,
                     payload={"key": key, "content_type": content_type, "filename": filename})
    return UploadTicket(key=key, url=url, method="PUT", headers={"Content-Type": content_type},
                        expires_at=timezone.now() + timedelta(seconds=seconds))


def object_put_signed(*, key: str, data: Any, length: int, content_type: str) -> Discovered:
    """Store an upload that came through a signed local PUT URL, then discover it at once (the
    local folder has no notifications; the reconcile scan would find it too)."""
    store = get_footage_store()
    info = store.put(key, data, length, content_type)
    if 0 <= length != info.size:
        store.delete(key)
        raise DomainError("Tải lên không trọn vẹn.", f"Incomplete upload: got {info.size} of {length} bytes.",
                          code="incomplete_upload")
    ref = ObjectRef(bucket=store.bucket, key=key, size=info.size, etag=info.etag, version=info.version,
                    content_type=content_type)
    return clip_discover(ref=ref, source=Clip.Source.UPLOAD, by=SYSTEM)


def wait_for_index(clip_ids: Iterable[int], *, timeout: float = 120.0) -> None:
    """Block until none of the clips is queued or indexing (seeding and commands)."""
    from backend.core.jobs import wait_idle

    deadline = time.monotonic() + timeout
    wait_idle(timeout=timeout)
    ids = list(clip_ids)
    while Clip.objects.filter(pk__in=ids, state__in=[Clip.State.DISCOVERED, Clip.State.INDEXING]).exists():
        if time.monotonic() > deadline:
            raise TimeoutError("clips still being indexed")
        wait_idle(timeout=max(0.1, deadline - time.monotonic()))
        time.sleep(0.05)
