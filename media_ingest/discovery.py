"""How objects in the bucket become clips: key convention, MinIO notifications, reconcile scan.

Pure parsing lives here; the writes go through services (clip_discover), the scan loop through
`reconcile_bucket`. Key convention (the shared DESIGN.md, ../shared/DESIGN.md from the repository root,
"Domain", "Media"):

    <camera_code>/<YYYY>/<MM>/<DD>/<HHMMSS>.<ext>      local time, Asia/Ho_Chi_Minh

Anything else is indexed as unassigned with a reason an admin can act on.
"""
from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import unquote_plus
from zoneinfo import ZoneInfo

from backend.core.params import EARLIEST, LATEST
from backend.core.store import object_version

log = logging.getLogger(__name__)

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
VIDEO_EXTENSIONS = frozenset({"mp4", "m4v", "mov", "mkv", "webm", "avi", "ts", "mts", "3gp", "flv", "mpg",
                              "mpeg", "h264", "264"})
_KEY_RE = re.compile(
    r"^(?P<camera>[^/]+)/(?P<y>\d{4})/(?P<m>\d{2})/(?P<d>\d{2})/(?P<hms>\d{6})\.(?P<ext>[A-Za-z0-9]{1,5})$"
)
DERIVED_MARK = ".derived/"


@dataclass(frozen=True)
class KeyInfo:
    camera_code: str | None
    started_at: datetime | None
    reason: str  # why the key does not map to a camera + start time ("" when it does)


def is_derived_key(key: str) -> bool:
    """Derivatives (posters, sprites, proxies) live under `<clip key>.derived/` and are not clips."""
    return DERIVED_MARK in key


def is_ignorable_key(key: str) -> bool:
    """Keys that are never footage: derivatives, folder markers, hidden/partial upload files."""
    name = key.rsplit("/", 1)[-1]
    return is_derived_key(key) or key.endswith("/") or not name or name.startswith(".")


def parse_key(key: str) -> KeyInfo:
    """Camera code and start time from a key following the convention, or the reason it does not.

    The reason is bilingual on one line ("Vietnamese / English") because it is shown as-is to
    the admin who maps the clip.
    """
    match = _KEY_RE.match(key)
    if match is None:
        return KeyInfo(None, None,
                       "Tên tệp không theo quy ước <mã camera>/<năm>/<tháng>/<ngày>/<giờphútgiây>.<đuôi> / "
                       "key does not follow <camera>/<YYYY>/<MM>/<DD>/<HHMMSS>.<ext>")
    ext = match["ext"].lower()
    if ext not in VIDEO_EXTENSIONS:
        return KeyInfo(None, None,
                       f"Đuôi tệp .{ext} không phải video / extension .{ext} is not a video extension")
    hms = match["hms"]
    try:
        local = datetime(int(match["y"]), int(match["m"]), int(match["d"]), int(hms[:2]), int(hms[2:4]),
                         int(hms[4:]), tzinfo=LOCAL_TZ)
    except ValueError:
        return KeyInfo(None, None,
                       f"Ngày giờ trong tên tệp không hợp lệ ({match['y']}-{match['m']}-{match['d']} {hms}) / "
                       "the date or time in the key is not a real date")
    if not EARLIEST <= local.date() <= LATEST:  # year 1 cannot be converted to UTC; 9999 cannot be added to
        return KeyInfo(None, None,
                       f"Năm trong tên tệp ngoài khoảng {EARLIEST.year}–{LATEST.year} ({match['y']}) / "
                       f"the year in the key is outside {EARLIEST.year}-{LATEST.year}")
    return KeyInfo(match["camera"], local.astimezone(ZoneInfo("UTC")), "")


def build_key(camera_code: str, started_at: datetime, ext: str) -> str:
    """The conventional key of a clip of `camera_code` starting at `started_at` (aware)."""
    if started_at.tzinfo is None:
        raise ValueError("started_at must be timezone-aware")
    local = started_at.astimezone(LOCAL_TZ)
    return f"{camera_code}/{local:%Y/%m/%d/%H%M%S}.{ext.lower().lstrip('.')}"


@dataclass(frozen=True)
class ObjectRef:
    """One object version named by a notification or found by a scan."""

    bucket: str
    key: str
    size: int
    etag: str
    version: str  # store version id ("" when the bucket is unversioned)
    content_type: str = ""

    @property
    def identity(self) -> str:
        return object_version(self.version, self.etag)


class EventParseError(ValueError):
    """The webhook body is not a MinIO notification; the message says what is wrong."""


def parse_minio_event(body: Any) -> tuple[list[ObjectRef], int]:
    """ObjectCreated records of a MinIO notification -> refs; also how many records were ignored.

    MinIO posts `{"EventName": "s3:ObjectCreated:Put", "Key": "bucket/key", "Records": [...]}`
    where each record has `eventName` and `s3.bucket.name`, `s3.object.{key (URL-encoded), size,
    eTag, versionId, contentType}`.
    """
    if not isinstance(body, dict):
        raise EventParseError("the body must be a JSON object with a Records list")
    records = body.get("Records")
    if not isinstance(records, list):
        raise EventParseError("no Records list in the notification")
    refs: list[ObjectRef] = []
    ignored = 0
    for n, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            raise EventParseError(f"record {n} is not an object")
        name = record.get("eventName") or body.get("EventName") or ""
        if not isinstance(name, str):
            raise EventParseError(f"record {n}: eventName is not a string")
        if not name.startswith(("s3:ObjectCreated:", "ObjectCreated:")):
            ignored += 1
            continue
        s3 = record.get("s3")
        if not isinstance(s3, dict) or not isinstance(s3.get("bucket"), dict) \
                or not isinstance(s3.get("object"), dict):
            raise EventParseError(f"record {n}: s3.bucket and s3.object are required")
        bucket = s3["bucket"].get("name")
        obj = s3["object"]
        raw_key = obj.get("key")
        if not isinstance(bucket, str) or not bucket or not isinstance(raw_key, str) or not raw_key:
            raise EventParseError(f"record {n}: s3.bucket.name and s3.object.key are required")
        size = obj.get("size", 0)
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            raise EventParseError(f"record {n}: s3.object.size must be a non-negative integer")
        etag = obj.get("eTag") or obj.get("etag") or ""
        version = obj.get("versionId") or ""
        content_type = obj.get("contentType") or ""
        if not all(isinstance(v, str) for v in (etag, version, content_type)):
            raise EventParseError(f"record {n}: eTag, versionId and contentType must be strings")
        refs.append(ObjectRef(bucket=bucket, key=unquote_plus(raw_key), size=size,
                              etag=etag.strip('"'), version="" if version == "null" else version,
                              content_type=content_type))
    return refs, ignored


# --- the always-on reconcile loop (embedded mode) -----------------------------------------------
_loop_lock = threading.Lock()
_loop_thread: threading.Thread | None = None
_loop_stop = threading.Event()


def start_background_reconcile(interval_s: float) -> bool:
    """Start the daemon thread that runs the reconcile scan every `interval_s` (once per process)."""
    global _loop_thread
    with _loop_lock:
        if _loop_thread is not None and _loop_thread.is_alive():
            return False
        _loop_stop.clear()
        _loop_thread = threading.Thread(target=_loop, args=(interval_s,), name="reconcile", daemon=True)
        _loop_thread.start()
        return True


def start_background_if_enabled() -> bool:
    """Called by asgi.py: start the scan thread when settings.MEDIA_BACKGROUND and no Celery."""
    from django.conf import settings

    from backend.core.jobs import uses_celery

    if not settings.MEDIA_BACKGROUND or uses_celery():
        return False
    return start_background_reconcile(float(settings.RECONCILE_INTERVAL_SECONDS))


def stop_background_reconcile() -> None:
    _loop_stop.set()


RETENTION_EVERY_S = 24 * 3600


def _loop(interval_s: float) -> None:
    """Embedded mode: the reconcile scan every `interval_s`, and the retention job once a day (at
    start, then every 24 h; Celery beat does both in the scaled mode)."""
    import time

    from backend.core.sqlite_reads import between_units_of_work
    from media_ingest import services_reconcile, services_retention

    last_retention = float("-inf")
    while not _loop_stop.is_set():
        between_units_of_work()
        try:
            services_reconcile.reconcile_run()
            if time.monotonic() - last_retention >= RETENTION_EVERY_S:
                last_retention = time.monotonic()
                services_retention.retention_run()
        except Exception:  # noqa: BLE001 - the loop must survive a bad pass; the cursor keeps the error
            log.exception("reconcile or retention pass failed")
        finally:
            between_units_of_work()
        _loop_stop.wait(interval_s)
