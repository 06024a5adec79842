"""Reads for ingest administration and uploads (the review list/playback live in review/)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet

from backend.accounts.models import Role
from backend.accounts.selectors import require_role, user_unit_ids
from backend.core.errors import DomainError, NotFound
from backend.core.store import Store, get_footage_store, get_store
from backend.org.models import Camera
from media_ingest.models import Clip, ReconcileCursor

UPLOAD_ROLES = (Role.REVIEWER, Role.ADMIN, Role.INSPECTION_LEAD, Role.INSPECTOR)
ADMIN_ROLES = (Role.ADMIN,)

PROBLEM_FILTERS: dict[str, dict[str, Any]] = {
    "failed": {"state": Clip.State.FAILED},
    "partial": {"state": Clip.State.PARTIAL},
    "unassigned": {"camera__isnull": True},
    "queued": {"state__in": [Clip.State.DISCOVERED, Clip.State.INDEXING]},
}


def clip_object_store(*, clip: Clip, key: str) -> Store:
    """Where an object of a clip lives: its source in the footage bucket, everything derived from
    it (proxy, poster, sprite, thumbnails, background) in the app's own store."""
    return get_footage_store() if key == clip.key else get_store()


@dataclass(frozen=True)
class IngestStatus:
    by_state: dict[str, int]
    unassigned: int
    total: int
    cursors: list[ReconcileCursor]


def ingest_status(*, user: Any) -> IngestStatus:
    require_role(user, *ADMIN_ROLES)
    counts = {state: 0 for state in Clip.State.values}
    for row in Clip.objects.order_by().values("state").annotate(n=Count("id")):
        counts[row["state"]] = row["n"]
    unassigned = Clip.objects.filter(camera__isnull=True).count()
    cursors = list(ReconcileCursor.objects.order_by("prefix"))
    return IngestStatus(by_state=counts, unassigned=unassigned, total=sum(counts.values()), cursors=cursors)


def ingest_clips(*, user: Any, problem: str | None = None, camera_id: int | None = None) -> QuerySet[Clip]:
    """Clips for the ingest admin page, newest discoveries first; `problem` narrows to one kind."""
    require_role(user, *ADMIN_ROLES)
    qs = Clip.objects.select_related("camera").order_by("-discovered_at", "-id")
    if problem:
        if problem not in PROBLEM_FILTERS:
            raise DomainError("Bộ lọc không hợp lệ.", f"Unknown filter {problem!r}; use one of "
                              f"{', '.join(PROBLEM_FILTERS)}.", code="invalid_filter",
                              fields={"problem": [f"one of {', '.join(PROBLEM_FILTERS)}"]})
        qs = qs.filter(**PROBLEM_FILTERS[problem])
    if camera_id is not None:
        qs = qs.filter(camera_id=camera_id)
    return qs.defer("activity", "zones_used")


def clip_get_admin(*, user: Any, id: int) -> Clip:  # noqa: A002 - styleguide name
    require_role(user, *ADMIN_ROLES)
    clip = Clip.objects.select_related("camera__counter").filter(pk=id).first()
    if clip is None:
        raise NotFound("Không tìm thấy đoạn video.", "Clip not found.")
    return clip


def camera_get_any(*, user: Any, id: int) -> Camera:  # noqa: A002
    require_role(user, *ADMIN_ROLES)
    camera = Camera.objects.select_related("counter").filter(pk=id).first()
    if camera is None:
        raise DomainError("Không có camera này.", f"No camera with id {id}.", code="invalid",
                          fields={"camera_id": ["not found"]})
    return camera


def camera_get_admin(*, user: Any, id: int) -> Camera:  # noqa: A002
    require_role(user, *ADMIN_ROLES)
    camera = Camera.objects.select_related("counter").filter(pk=id).first()
    if camera is None:
        raise NotFound("Không tìm thấy camera.", "Camera not found.")
    return camera


def camera_get_for_upload(*, user: Any, id: int) -> Camera:  # noqa: A002
    """A camera the user may upload footage for: their scope, and a role that handles footage."""
    require_role(user, *UPLOAD_ROLES)
    camera = Camera.objects.select_related("counter").filter(pk=id).first()
    ids = user_unit_ids(user)
    if camera is None or (ids is not None and camera.counter.unit_id not in ids):
        raise DomainError("Không có camera này hoặc camera nằm ngoài phạm vi của bạn.",
                          f"No camera {id} in your scope.", code="invalid", fields={"camera_id": ["not found"]})
    return camera
