"""Indexing (worker side): claim a clip, analyse it in one decode pass, store its derivatives, write
its events and activity, and finish or fail it."""
from __future__ import annotations

import shutil
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from backend.audit.services import audit_record
from backend.core.errors import DomainError
from backend.core.store import (
    ObjectChanged,
    ObjectMissing,
    StoreError,
    derived_key,
    get_footage_store,
    get_store,
    object_version,
)
from backend.org.models import Camera
from media_ingest.models import CameraAnalysis, Clip, ClipEvent
from media_ingest.services_common import SYSTEM
from media_ingest.services_discovery import refused_key_reason
from media_ingest.services_lease import _claim, _lease_drop, _lease_take, _release
from media_ingest.services_messages import _broadcast

if TYPE_CHECKING:  # the vision package (cv2, av) is imported where a clip is analysed, not with this module
    from media_ingest.vision.errors import VisionError

PROGRESS_STEP = 0.1


class TransientStoreError(Exception):
    """The store failed in a way worth retrying (the clip was released back to `discovered`)."""


class _Progress:
    """Analysis progress -> the clip row and a broadcast, at most every 10 %."""

    def __init__(self, clip: Clip, low: float, high: float) -> None:
        self.clip, self.low, self.high = clip, low, high
        self.sent = -1.0

    def __call__(self, fraction: float) -> None:
        value = round(self.low + (self.high - self.low) * max(0.0, min(1.0, fraction)), 3)
        if value - self.sent < PROGRESS_STEP and fraction < 1.0:
            return
        self.sent = value
        Clip.objects.filter(pk=self.clip.pk, state=Clip.State.INDEXING).update(progress=value)
        self.clip.progress = value
        _broadcast(self.clip, "clip.progress")  # autocommit here: goes out at once


def _zones_of(clip: Clip) -> Any:
    return clip.camera.zones if clip.camera is not None and clip.camera.zones else None


def analysis_overrides_for(camera: Camera | None) -> dict[str, Any]:
    """Deployment defaults (settings.MEDIA_ANALYSIS_DEFAULTS) overlaid with the camera's own."""
    merged = dict(getattr(settings, "MEDIA_ANALYSIS_DEFAULTS", {}) or {})
    if camera is not None:
        own = CameraAnalysis.objects.filter(camera=camera).values_list("overrides", flat=True).first()
        merged.update(own or {})
    return merged


def _config_errors(overrides: dict[str, Any]) -> dict[str, list[str]]:
    from pydantic import ValidationError

    from media_ingest.vision import AnalysisConfig

    try:
        AnalysisConfig(**overrides)
    except ValidationError as exc:
        errors: dict[str, list[str]] = {}
        for err in exc.errors():
            field = ".".join(str(p) for p in err.get("loc", ())) or "non_field_errors"
            errors.setdefault(field, []).append(err.get("msg", "invalid"))
        return errors
    return {}


def clip_index(*, clip_id: int, final_attempt: bool = False) -> str:
    """Index one clip. Returns what happened: indexed | partial | failed | skipped.

    Idempotent: a clip already indexed (at the current analysis version) or being indexed by
    another run is left alone. Store trouble raises TransientStoreError (clip released) unless
    this is the final attempt, which marks the clip failed.
    """
    if not _lease_take(clip_id):
        return "skipped"  # a live run holds this clip
    try:
        return _clip_index_leased(clip_id=clip_id, final_attempt=final_attempt)
    finally:
        _lease_drop(clip_id)


# Long on purpose: claim, analyse and finish in one try block, so every store or vision error maps to one outcome.
def _clip_index_leased(*, clip_id: int, final_attempt: bool) -> str:
    from media_ingest.vision import ANALYSIS_VERSION, AnalysisConfig, VisionError, analyze, sha256_file

    clip = _claim(clip_id)
    if clip is None:
        return "skipped"
    store = get_footage_store()
    workdir = Path(tempfile.mkdtemp(prefix=f"cw-clip-{clip_id}-"))
    try:
        # 1. the exact version, never whole in memory
        try:
            local = getattr(store, "local_path", None)
            if local is not None:
                info = store.stat(clip.key)
                if object_version(info.version, info.etag) != clip.version_id:
                    raise ObjectChanged(clip.key)
                source = local(clip.key)
            else:
                source = workdir / "source"
                real_version = clip.version_id if clip.version_id != clip.etag else ""
                store.download(clip.key, source, version=real_version,
                               etag="" if real_version else clip.etag)
        except ObjectChanged:
            return clip_fail(clip_id=clip_id,
                             reason_en="this version of the file was replaced in the store before it "
                                       "was indexed; the new version is indexed as its own clip",
                             reason_vi="Phiên bản tệp này đã bị ghi đè trước khi lập chỉ mục; "
                                       "phiên bản mới được lập chỉ mục riêng")
        except ObjectMissing:
            return clip_fail(clip_id=clip_id, reason_en="the file is no longer in the store (deleted)",
                             reason_vi="Tệp không còn trong kho lưu trữ (đã bị xóa)")
        except StoreError as exc:
            return _store_trouble(clip_id, exc, final_attempt)
        except DomainError:  # a key the adapter refuses (recorded before discovery checked keys)
            vi, en = refused_key_reason(clip.key) or ("Kho lưu trữ từ chối tên tệp này", "the store refused this key")
            return clip_fail(clip_id=clip_id, reason_en=en, reason_vi=vi)
        _Progress(clip, 0.0, 0.05)(1.0)

        # 2. hash + one decode pass
        sha256, size = sha256_file(source)
        outputs = workdir / "derived"
        overrides = analysis_overrides_for(clip.camera)
        if _config_errors(overrides):
            return clip_fail(clip_id=clip_id, reason_en=f"the analysis settings are invalid: {_config_errors(overrides)}",
                             reason_vi="Cấu hình phân tích của camera không hợp lệ, cần sửa lại",
                             sha256=sha256, size=size)
        previous, background = _previous_background(clip)
        try:
            result = analyze(source, zones=_zones_of(clip), config=AnalysisConfig(**overrides), outputs=outputs,
                             progress=_Progress(clip, 0.05, 0.9), background=background)
        except VisionError as exc:
            return clip_fail(clip_id=clip_id, vision=exc, sha256=sha256, size=size)
        except ValueError as exc:  # the camera's zones are invalid
            return clip_fail(clip_id=clip_id, reason_en=f"the camera's zones are invalid: {exc}",
                             reason_vi="Vùng giám sát của camera không hợp lệ, cần sửa lại cấu hình camera",
                             sha256=sha256, size=size)

        # 3. derivatives beside the clip, keyed by clip and kind
        try:
            uploaded = _upload_derivatives(clip, result, outputs)
        except StoreError as exc:
            return _store_trouble(clip_id, exc, final_attempt)
        params = dict(overrides)
        if previous is not None and background is not None:
            params["background_from_clip"] = previous
        return clip_index_finish(clip_id=clip_id, result=result, sha256=sha256, size=size,
                                 derived=uploaded, analysis_version=ANALYSIS_VERSION, params=params)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _store_trouble(clip_id: int, exc: Exception, final_attempt: bool) -> str:
    if final_attempt:
        return clip_fail(clip_id=clip_id,
                         reason_en=f"the object store could not be reached after several attempts; "
                                   f"it will be retried later ({exc})",
                         reason_vi="Không kết nối được kho lưu trữ sau nhiều lần thử; sẽ tự thử lại sau",
                         transient=True)
    _release(clip_id)
    raise TransientStoreError(str(exc)) from exc


_DERIVED_TYPES = {".jpg": "image/jpeg", ".vtt": "text/vtt", ".mp4": "video/mp4", ".png": "image/png"}


BACKGROUND_NAME = "background.png"
# a clip continues the previous one of its camera when it starts at most this long after its end
CHAIN_GAP = timedelta(minutes=2)


def _previous_background(clip: Clip) -> tuple[int | None, Any]:
    """The background model at the end of the camera's previous clip, when this clip follows it
    closely: people already standing still when this clip starts are then seen as present."""
    import cv2
    import numpy as np

    if clip.camera_id is None or clip.started_at is None:
        return None, None
    prev = (Clip.objects.filter(camera_id=clip.camera_id, started_at__lt=clip.started_at,
                                started_at__gte=clip.started_at - timedelta(hours=6),
                                state__in=[Clip.State.INDEXED, Clip.State.PARTIAL])
            .exclude(background_key="").exclude(pk=clip.pk).order_by("-started_at")
            .only("pk", "started_at", "duration_s", "background_key").first())
    if prev is None or prev.started_at is None:
        return None, None
    end = prev.started_at + timedelta(seconds=prev.duration_s or 0.0)
    if clip.started_at - end > CHAIN_GAP:
        return None, None
    try:
        with get_store().open(prev.background_key) as fh:
            data = fh.read(8 * 1024 * 1024)  # a small grey PNG (analysis size), never a video
    except StoreError:
        return None, None  # only a help: the clip is analysed on its own
    image = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_GRAYSCALE)
    return (prev.pk, image) if image is not None else (None, None)


def _upload_derivatives(clip: Clip, result: Any, outputs: Path) -> dict[str, str]:
    """Upload what analyze wrote (and the final background model); returns local name -> store key."""
    import cv2

    store = get_store()
    d = result.derivatives
    names: list[str] = []
    if d is not None:
        names = [n for n in (d.poster, d.sprite, d.sprite_vtt, d.proxy) if n] + list(d.thumbnails)
    if result.background is not None:
        ok, png = cv2.imencode(".png", result.background)
        if ok:
            (outputs / BACKGROUND_NAME).write_bytes(png.tobytes())
            names.append(BACKGROUND_NAME)
    keys: dict[str, str] = {}
    for name in names:
        path = outputs / name
        if not path.is_file():
            continue
        key = derived_key(clip.key, f"{clip.pk}/{name}")
        store.put_file(key, path, _DERIVED_TYPES.get(path.suffix, "application/octet-stream"))
        keys[name] = key
    return keys


def clip_index_finish(*, clip_id: int, result: Any, sha256: str, size: int, derived: dict[str, str],
                      analysis_version: str, params: dict[str, Any]) -> str:
    """Write events, activity, derivatives and the final state in one transaction."""
    from media_ingest.vision.errors import DAMAGE

    d = result.derivatives
    info = result.file
    with transaction.atomic():
        clip = Clip.objects.select_for_update(of=("self",)).select_related("camera__counter").get(pk=clip_id)
        if clip.state != Clip.State.INDEXING:
            return "skipped"  # taken back (e.g. stale) and finished by another run meanwhile
        ClipEvent.objects.filter(clip=clip).delete()
        ClipEvent.objects.bulk_create([
            ClipEvent(clip=clip, kind=e.kind, zone=e.zone, start_s=e.start, end_s=e.end,
                      score=e.score, detail={"subtype": e.detail} if e.detail else {},
                      thumbnail_key=derived.get(e.thumbnail or "", ""))
            for e in result.events
        ])
        clip.sha256 = sha256
        clip.size_bytes = size
        clip.duration_s = result.duration
        clip.fps = info.fps or None
        clip.width = info.width or None
        clip.height = info.height or None
        clip.codec = info.codec or ""
        clip.container = info.container or ""
        clip.activity = [round(float(v), 4) for v in result.activity]
        clip.warnings = list(result.warnings)
        clip.zones_used = [z.to_dict() for z in result.zones]
        clip.analysis_version = analysis_version
        clip.analysis_params = params
        clip.poster_key = derived.get(d.poster or "", "") if d else ""
        clip.sprite_key = derived.get(d.sprite or "", "") if d else ""
        clip.vtt_key = derived.get(d.sprite_vtt or "", "") if d else ""
        clip.proxy_key = derived.get(d.proxy or "", "") if d else ""
        clip.background_key = derived.get(BACKGROUND_NAME, "")
        clip.progress = 1.0
        clip.indexed_at = timezone.now()
        clip.event_count = len(result.events)
        damage = next((issue for issue in result.issues if issue.code in DAMAGE), None)
        if result.partial and damage is not None:
            clip.state = Clip.State.PARTIAL
            clip.error_code, clip.error_params = damage.code, damage.params
            clip.error_en = damage.message("en")
            clip.error = f"{damage.message('vi')}; đã lập chỉ mục phần đọc được"
        else:
            clip.state = Clip.State.INDEXED
            clip.error = clip.error_en = clip.error_code = ""
            clip.error_params = {}
        clip.save()
        audit_record(actor=SYSTEM, verb=f"clip.{clip.state}", obj=clip,
                     payload={"sha256": sha256, "size": size, "duration_s": clip.duration_s,
                              "events": clip.event_count, "analysis_version": analysis_version,
                              "warnings": clip.warnings})
        _broadcast(clip, "clip.indexed")
    return clip.state


def clip_fail(*, clip_id: int, reason_en: str = "", reason_vi: str = "", vision: VisionError | None = None,
              sha256: str = "", size: int | None = None, transient: bool = False) -> str:
    """The clip failed: for a file the vision package could not read, `vision` (its code and parameters are
    kept and the words come from vision.errors.MESSAGES); for a reason of the ingest itself (the store, the
    camera's settings, a time limit), both `reason_vi` and `reason_en`."""
    if vision is not None:
        code, params, reason_vi, reason_en = vision.code, vision.params, vision.message("vi"), vision.message("en")
    elif not reason_vi or not reason_en:
        raise ValueError("a failure without a vision code needs its reason in Vietnamese and English")
    else:
        code, params = "", {}
    reason_en = " ".join(reason_en.split())[:500]
    with transaction.atomic():
        clip = Clip.objects.select_for_update(of=("self",)).select_related("camera__counter").get(pk=clip_id)
        if clip.state != Clip.State.INDEXING:
            return "skipped"
        clip.state = Clip.State.FAILED
        clip.failure_transient = transient
        clip.error_en = reason_en
        clip.error = " ".join(reason_vi.split())[:500]
        clip.error_code, clip.error_params = code, params
        clip.progress = 1.0
        clip.indexed_at = timezone.now()
        if sha256:
            clip.sha256 = sha256
        if size is not None:
            clip.size_bytes = size
        clip.save()
        audit_record(actor=SYSTEM, verb="clip.failed", obj=clip,
                     payload={"reason": reason_en, **({"code": code, "params": params} if code else {})})
        _broadcast(clip, "clip.failed")
    return Clip.State.FAILED
