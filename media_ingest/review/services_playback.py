"""Playback, previews and posters issued to a reader (each one logged in the custody log), and the
coverage a reviewer records for a clip."""
from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from backend.accounts.models import User
from backend.audit.services import audit_record
from backend.core.errors import Conflict
from backend.core.params import MAX_ID
from backend.core.store import get_store
from media_ingest.models import Clip
from media_ingest.review import custody_repeats, selectors
from media_ingest.review.models import AccessLog, ReviewCoverage
from media_ingest.review.ranges import merge_ranges, parse_ranges, total
from media_ingest.review.services import _invalid, _worded_reason, access_log_add, expired_clip_refusal
from media_ingest.selectors import clip_object_store, preservation_for_reader


@transaction.atomic
def playback_issue(*, by: User, clip: Clip, reason: str, variant: str = "auto", download: bool = False,
                   ip: str | None = None, user_agent: str = "",
                   session: str = "") -> tuple[str, datetime, AccessLog]:
    """A short-lived URL to the proxy (when there is one) or the original, logged as custody; it
    serves only `by` in the session that asked for it (`session`: signed_urls.link_session)."""
    selectors.require_footage(by)
    reason = _worded_reason(reason)  # the purpose of watching, in words: "xin chào" opened footage (insider S2-2)
    if variant not in ("auto", "proxy", "original"):
        raise _invalid("variant phải là auto, proxy hoặc original.", "variant is auto, proxy or original.",
                       "variant")
    source_key, proxy_key, store, finding = clip.key, clip.proxy_key, None, None
    if clip.state == Clip.State.EXPIRED:
        # the sealed copy, for a reader who may see a finding it was kept for; anyone else gets the
        # answer of every expired clip (media_ingest.services_preservation)
        served = preservation_for_reader(clip=clip, user=by)
        if served is None:
            raise expired_clip_refusal()
        preservation, finding = served
        source_key, proxy_key, store = preservation.keys["source"], preservation.keys.get("proxy", ""), get_store()
    if variant == "proxy" and not proxy_key:
        raise Conflict("Đoạn video chưa có bản xem trên trình duyệt (proxy).",
                       "This clip has no browser proxy.", code="no_proxy")
    key = proxy_key if variant == "proxy" or (variant == "auto" and proxy_key and not download) else source_key
    used = "proxy" if key == proxy_key and proxy_key else "original"
    seconds = int(settings.PLAYBACK_URL_TTL_SECONDS)
    filename = None
    if download:
        stamp = timezone.localtime(clip.started_at).strftime("%Y%m%d-%H%M%S") if clip.started_at else str(clip.pk)
        code = clip.camera.code if clip.camera is not None else "unassigned"
        filename = f"{code}_{stamp}{Path(key).suffix or '.mp4'}"
    store = store or clip_object_store(clip=clip, key=key)
    url = store.playback_url(key, seconds=seconds, filename=filename, viewer=by.pk, session=session)
    now = timezone.now()
    expires_at = now + timedelta(seconds=seconds)
    action = AccessLog.Action.DOWNLOAD if download else AccessLog.Action.VIEW
    repeat = custody_repeats.repeat_of(user=by, clip=clip, action=action, object_key=key, reason=reason, ip=ip,
                                       user_agent=user_agent, variant=used, now=now)
    if repeat is not None:  # the same access again: counted on its entry, audited on its own
        return url, expires_at, custody_repeats.count_repeat(log=repeat, user=by, now=now, expires_at=expires_at)
    # a play of a sealed copy names its finding: withheld like the rest of a draft's custody
    log = access_log_add(user=by, action=AccessLog.Action.DOWNLOAD if download else AccessLog.Action.VIEW,
                         clip=clip, finding=finding, object_key=key, reason=reason, ip=ip, user_agent=user_agent,
                         expires_at=expires_at,
                         detail={"variant": used, "ttl_seconds": seconds, "clip_sha256": clip.sha256,
                                 "clip_version_id": clip.version_id,
                                 **({"preserved_copy": True} if finding is not None else {})})
    return url, expires_at, log


def _stills_log(*, by: User, clip: Clip, objects: dict[str, str], ip: str | None, user_agent: str,
                session: str, expires_at: datetime | None, served: str = "",
                finding: Any = None) -> AccessLog | None:
    """Log one showing of a clip's stills (poster, sprite sheet and its WebVTT, event thumbnails): they
    are frames of the footage, so every fetch is custody, logged the way playback is (issue 15; a
    re-fetch used to be left out when the session had been shown the still before).

    The same stills shown again to the same person, address and browser within CUSTODY_REPEAT_SECONDS
    of the last showing are counted on that entry (`count`, `last_at`), each with its own audit event
    (custody_repeats), so a list page re-fetching a poster per row on every visit makes one entry per
    clip and sitting, not a wall of rows. Call inside the caller's transaction."""
    if not objects:
        return None
    now = timezone.now()
    variant = "stills:" + hashlib.sha256(
        "\n".join(f"{name}={key}" for name, key in sorted(objects.items())).encode()).hexdigest()[:16]
    first_key = next(iter(objects.values()))
    # One showing of a clip's page asks for its stills twice at once (the clip's detail: its poster; the
    # timeline: poster, sprite, thumbnails), which made two "Xem ảnh đại diện" entries with the same start
    # and the same count (UX review). The clip's row is locked so simultaneous requests take turns, and a
    # showing of the same clip's stills by the same person and browser counts on the sitting's entry whatever
    # subset it asked for (any variant, any first object: one still fetched alone, the sprite sheet or an event's
    # thumbnail, counts there too); the entry's objects grow to all those shown.
    Clip.objects.select_for_update().filter(pk=clip.pk).exists()
    repeat = custody_repeats.repeat_of(user=by, clip=clip, action=AccessLog.Action.PREVIEW, object_key=None,
                                       reason="", ip=ip, user_agent=user_agent, variant=None, now=now)
    if repeat is not None:
        shown = dict((repeat.detail or {}).get("objects") or {})
        if not objects.items() <= shown.items():
            shown.update(objects)
            repeat.detail = {**repeat.detail, "objects": shown, "variant": "stills:" + hashlib.sha256(
                "\n".join(f"{name}={key}" for name, key in sorted(shown.items())).encode()).hexdigest()[:16]}
            repeat.save(update_fields=["detail"])
        return custody_repeats.count_repeat(log=repeat, user=by, now=now, expires_at=expires_at or now)
    return access_log_add(user=by, action=AccessLog.Action.PREVIEW, clip=clip, finding=finding,
                          object_key=first_key, ip=ip,
                          user_agent=user_agent, expires_at=expires_at,
                          detail={"objects": objects, "variant": variant, "clip_sha256": clip.sha256,
                                  **({"ttl_seconds": int((expires_at - now).total_seconds())} if expires_at else {}),
                                  **({"served": served} if served else {}),
                                  **({"session": session} if session else {})})


def still_url(*, clip: Clip, name: str) -> str:
    """Where a clip's still is shown: the still endpoint, which checks the reader and logs every
    fetch (still_open). Stills are not handed out as store links: those were fetched with no custody
    entry (insider review S2-2)."""
    from django.urls import reverse

    return reverse("review-clip-still", kwargs={"pk": clip.pk, "name": name.replace(":", "-")})


@transaction.atomic
def previews_issue(*, by: User, clip: Clip, keys: dict[str, str], ip: str | None = None,
                   user_agent: str = "", session: str = "") -> dict[str, str | None]:
    """The URLs of a clip's derived images (poster, sprite sheet and its WebVTT, event thumbnails) for
    a page that shows them. They show the footage, so every issue is custody (_stills_log): who, when,
    which objects; each URL is the still endpoint, whose every fetch is logged the same way."""
    selectors.require_footage(by)
    seconds = int(settings.PLAYBACK_URL_TTL_SECONDS)
    finding = None
    if keys.get("poster") == "" and (served := preservation_for_reader(clip=clip, user=by)) is not None:
        # an expired clip's poster, from its sealed copy, for a reader of a finding it was kept for
        keys = {**keys, "poster": served[0].keys.get("poster", "")}
        finding = served[1] if keys["poster"] else None
    issued = {name: key for name, key in keys.items() if key}
    urls: dict[str, str | None] = {name: None for name in keys}
    urls.update({name: still_url(clip=clip, name=name) for name in issued})
    _stills_log(by=by, clip=clip, objects=issued, ip=ip, user_agent=user_agent, session=session,
                expires_at=timezone.now() + timedelta(seconds=seconds), finding=finding)
    return urls


def _still_key(*, by: User, clip: Clip, name: str) -> tuple[str, str, Any]:
    """(the name the custody log gives it, object key, finding of a sealed copy) of one still of a
    clip: poster, sprite, vtt or event-<id>; "" when the clip has none."""
    if name == "poster":
        if clip.state == Clip.State.EXPIRED and (served := preservation_for_reader(clip=clip, user=by)) is not None:
            return name, served[0].keys.get("poster", ""), served[1]  # the sealed copy's, for its finding's readers
        return name, ("" if clip.state == Clip.State.EXPIRED else clip.poster_key), None
    if name in ("sprite", "vtt"):
        return name, ("" if clip.state == Clip.State.EXPIRED else getattr(clip, f"{name}_key")), None
    event_id = name.removeprefix("event-")
    # ASCII digits of an id that can exist ("event-²" or "event-" and 30 digits are no event: a 404, not a 500)
    if (name.startswith("event-") and event_id.isascii() and event_id.isdigit() and int(event_id) <= MAX_ID
            and clip.state != Clip.State.EXPIRED):
        thumb = clip.events.filter(pk=int(event_id)).values_list("thumbnail_key", flat=True).first()
        return f"event:{event_id}", thumb or "", None
    return name, "", None


def still_open(*, by: User, clip: Clip, name: str = "poster", ip: str | None = None, user_agent: str = "",
               session: str = "", served: str = "") -> tuple[BinaryIO, str]:
    """Open one still of a clip's footage (poster, sprite sheet, its WebVTT, an event's thumbnail) and
    its key: refused like the footage (role, scope, expired clip), and logged in the clip's custody on
    every fetch (_stills_log: one entry per clip and sitting)."""
    from backend.core.errors import NotFound
    from backend.core.store import StoreError

    selectors.require_footage(by)
    logged_as, key, finding = _still_key(by=by, clip=clip, name=name)
    if not key:
        if name == "poster":
            raise NotFound("Đoạn video chưa có ảnh đại diện.", "The clip has no poster image.")
        raise NotFound("Đoạn video không có ảnh này.", "The clip has no such image.")
    try:
        handle = get_store().open(key)
    except StoreError as exc:
        raise NotFound("Ảnh không còn trong kho lưu trữ.", "The image is missing from the store.") from exc
    with transaction.atomic():
        _stills_log(by=by, clip=clip, objects={logged_as: key}, ip=ip, user_agent=user_agent,
                    session=session, expires_at=None, served=served, finding=finding)
    return handle, key


@transaction.atomic
def coverage_record(*, by: User, clip: Clip, ranges: Any) -> ReviewCoverage:
    """Merge the ranges a reviewer's player actually played into their coverage of the clip."""
    selectors.require_footage(by)
    try:
        parsed = parse_ranges(ranges, duration=clip.duration_s)
    except ValueError as exc:
        raise _invalid(f"khoảng đã xem không hợp lệ: {exc}.", f"bad played ranges: {exc}.", "ranges") from exc
    now = timezone.now()
    row = ReviewCoverage.objects.select_for_update().filter(clip=clip, user=by).first()
    if row is None:
        row = ReviewCoverage(clip=clip, user=by, ranges=[], seconds=0.0, first_at=now, updated_at=now)
    before = row.seconds
    row.ranges = merge_ranges([*row.ranges, *parsed], join_gap=0.05)
    row.seconds = round(total(row.ranges), 3)
    row.updated_at = now
    row.save()
    audit_record(actor=by, verb="footage.coverage", obj=row,
                 payload={"clip": clip.pk, "added": [list(r) for r in parsed[:50]],
                          "seconds_before": before, "seconds_after": row.seconds})
    return row
