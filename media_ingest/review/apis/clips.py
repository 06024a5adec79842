"""Clips for review: list, detail, events, playback, custody (and its export), poster, coverage."""
from __future__ import annotations

from collections import Counter as Tally
from datetime import timedelta
from typing import Any, NoReturn

from django.conf import settings
from django.http import FileResponse, HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.core.actors import AuthedRequest
from backend.core.errors import DomainError
from backend.core.pagination import Pagination
from backend.core.params import PlainTextField, Query
from media_ingest.models import Clip, ClipEvent
from media_ingest.review import custody_repeats, selectors, selectors_custody, services_playback
from media_ingest.review.apis.common import LOCAL, OBJ, client_ip, client_ua, q, session_tag, validated
from media_ingest.review.models import AccessLog

CLIP_FILTERS = [q("unit", int, "unit id (with its subtree)"), q("counter", int), q("camera", str, "id or code"),
                q("from", str, "ISO date/datetime; naive = Asia/Ho_Chi_Minh"), q("to", str),
                q("state", str), q("event_kind", str), q("tagged", bool), q("unassigned", bool),
                q("page", int), q("page_size", int)]


class ClipOutputSerializer(serializers.Serializer):
    def to_representation(self, clip: Clip) -> dict[str, Any]:
        camera = clip.camera
        counter = camera.counter if camera else None
        unit = counter.unit if counter else None
        ended = None
        if clip.started_at and clip.duration_s:
            ended = clip.started_at + timedelta(seconds=clip.duration_s)
        kinds = getattr(clip, "event_list", None)
        return {
            "id": clip.pk, "bucket": clip.bucket, "key": clip.key, "version_id": clip.version_id,
            "etag": clip.etag, "sha256": clip.sha256, "size_bytes": clip.size_bytes,
            "camera": {"id": camera.pk, "code": camera.code, "name": camera.name} if camera else None,
            "counter": {"id": counter.pk, "code": counter.code, "name": counter.name} if counter else None,
            "unit": {"id": unit.pk, "code": unit.code, "name": unit.name} if unit else None,
            "unassigned_reason": clip.unassigned_reason,
            "started_at": clip.started_at.isoformat() if clip.started_at else None,
            "ended_at": ended.isoformat() if ended else None,
            "duration_s": clip.duration_s, "fps": clip.fps, "width": clip.width, "height": clip.height,
            "codec": clip.codec, "state": clip.state, "state_label": clip.get_state_display(),
            "progress": clip.progress, "error": clip.error, "error_en": clip.error_en, "analysis_version": clip.analysis_version,
            "has_proxy": bool(clip.proxy_key),
            "has_poster": bool(clip.poster_key) and clip.state != Clip.State.EXPIRED,
            "tag_count": getattr(clip, "tag_count", None),
            "event_count": clip.event_count,
            "event_kinds": dict(Tally(e.kind for e in kinds)) if kinds is not None else None,
        }


class ClipListApi(APIView):
    @extend_schema(responses=OBJ, parameters=CLIP_FILTERS)
    def get(self, request: AuthedRequest) -> Response:
        q = Query(request)
        filters = selectors.ClipFilters(
            unit_id=q.id("unit"),
            counter_id=q.id("counter"),
            camera=q.text("camera", max_length=40) or None,
            start=q.datetime("from"),
            end=q.datetime("to", end_of_day=True),
            state=q.choice("state", Clip.State.values),
            event_kind=q.choice("event_kind", ClipEvent.Kind.values),
            tagged=q.bool("tagged"),
            unassigned=q.bool("unassigned"),
        )
        if filters.start and filters.end and filters.end <= filters.start:
            raise DomainError("Đến ngày phải sau hoặc bằng Từ ngày.", "The end date must be on or after the start date.",
                              code="invalid_range", fields={"to": ["after from"]})
        qs = selectors.clips_for_review(user=request.user, filters=filters)
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(ClipOutputSerializer(page, many=True).data)


class ClipDetailApi(APIView):
    @extend_schema(responses=OBJ)
    def get(self, request: AuthedRequest, pk: int) -> Response:
        clip = selectors.clip_get_for(user=request.user, id=pk)
        data = ClipOutputSerializer(clip).data
        data["tag_count"] = clip.tags.filter(deleted_at__isnull=True).count()
        data["warnings"] = clip.warnings
        urls = services_playback.previews_issue(by=request.user, clip=clip, keys={"poster": clip.poster_key},
                                                ip=client_ip(request), user_agent=client_ua(request),
                                                session=session_tag(request))
        data["poster_url"] = urls["poster"]
        return Response(data)


class ClipEventsApi(APIView):
    """The timeline: events, per-second activity, and short-lived URLs of poster/sprite/VTT."""

    @extend_schema(responses=OBJ)
    def get(self, request: AuthedRequest, pk: int) -> Response:
        clip = selectors.clip_get_for(user=request.user, id=pk)
        events = selectors.clip_events(clip=clip)
        urls = services_playback.previews_issue(
            by=request.user, clip=clip, ip=client_ip(request), user_agent=client_ua(request),
            session=session_tag(request),
            keys={"poster": clip.poster_key, "sprite": clip.sprite_key, "vtt": clip.vtt_key,
                  **{f"event:{e.pk}": e.thumbnail_key for e in events}})
        return Response({
            "clip_id": clip.pk, "duration_s": clip.duration_s, "state": clip.state,
            "analysis_version": clip.analysis_version,
            "events": [{"id": e.pk, "kind": e.kind, "kind_label": e.get_kind_display(), "zone": e.zone,
                        "start_s": e.start_s, "end_s": e.end_s, "score": e.score, "detail": e.detail,
                        "thumbnail_url": urls[f"event:{e.pk}"]} for e in events],
            "activity": clip.activity,
            "poster_url": urls["poster"],
            "sprite_url": urls["sprite"],
            "vtt_url": urls["vtt"],
            "url_ttl_seconds": int(settings.PLAYBACK_URL_TTL_SECONDS),
        })


class PlaybackApi(APIView):
    """A short-lived playback/download URL, logged as custody (repeats counted on one entry); at most
    PLAYBACK_THROTTLE_RATE per person, past it 429 `playback_throttled` with when to retry."""

    throttle_classes = [custody_repeats.PlaybackThrottle]

    def throttled(self, request: Request, wait: float | None) -> NoReturn:
        raise custody_repeats.playback_refused(wait)

    class PlaybackInputSerializer(serializers.Serializer):
        reason = PlainTextField(max_length=1000)
        variant = serializers.ChoiceField(choices=["auto", "proxy", "original"], default="auto")
        download = serializers.BooleanField(default=False)

    @extend_schema(request=PlaybackInputSerializer, responses={201: OBJ, 429: OBJ})
    def post(self, request: AuthedRequest, pk: int) -> Response:
        clip = selectors.clip_get_for(user=request.user, id=pk)
        data = validated(self.PlaybackInputSerializer, request.data)
        url, expires_at, log = services_playback.playback_issue(by=request.user, clip=clip, ip=client_ip(request),
                                                                user_agent=client_ua(request), **data)
        return Response({"url": url, "expires_at": expires_at.isoformat(),
                         "ttl_seconds": int(settings.PLAYBACK_URL_TTL_SECONDS),
                         "variant": log.detail.get("variant"), "access_id": log.pk,
                         "clip_sha256": clip.sha256}, status=201)


def custody_filtered(request: Request, logs: Any) -> Any:
    """?action= one kind of entry; ?previews=false folds the thumbnail views away (issue 15: a clip on
    the list every day collects one preview row per opening, burying the views, tags and exports)."""
    q = Query(request)
    action = q.choice("action", AccessLog.Action.values)
    if action:
        logs = logs.filter(action=action)
    if q.bool("previews") is False:
        logs = logs.exclude(action=AccessLog.Action.PREVIEW)
    return logs


CUSTODY_FILTERS = [q("action", str, "one action (view, download, tag_create, …, preview)"),
                   q("previews", bool, "false: leave out thumbnail views")]


class CustodyApi(APIView):
    @extend_schema(responses=OBJ, parameters=CUSTODY_FILTERS)
    def get(self, request: AuthedRequest, pk: int) -> Response:
        clip = selectors.clip_get_for(user=request.user, id=pk)
        paginator = Pagination()
        page = paginator.paginate_queryset(custody_filtered(request, selectors_custody.custody_for_clip(clip=clip)), request, view=self)
        page = selectors_custody.custody_for_reader(user=request.user, logs=page or [])
        response = paginator.get_paginated_response([selectors_custody.access_to_dict(log) for log in page])
        # What the log is of, in the words of the footage (camera, start), for the page's title; read
        # here rather than from the clip detail, which would issue preview links and log them.
        response.data["clip"] = {"id": clip.pk, "camera": clip.camera.code if clip.camera else None,
                                 "started_at": clip.started_at.isoformat() if clip.started_at else None}
        return response


EXPORT_TYPES = {"csv": "text/csv; charset=utf-8",
                "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def custody_download(request: AuthedRequest, *, logs: Any, title: str, name: str, object_type: str,
                     object_id: int) -> HttpResponse:
    """The custody log as CSV or XLSX (?type=); reading it is recorded in the audit trail."""
    from backend.audit.services import audit_access
    from media_ingest.review import custody_export

    kind = Query(request).choice("type", list(EXPORT_TYPES)) or "xlsx"
    entries = selectors_custody.custody_for_reader(user=request.user, logs=logs)
    body = (custody_export.render_csv if kind == "csv" else custody_export.render_xlsx)(title, entries)
    audit_access(actor=request.user, document=f"custody.{kind}", object_type=object_type, object_id=str(object_id),
                 payload={"entries": len(entries)})
    return HttpResponse(body, content_type=EXPORT_TYPES[kind],
                        headers={"Content-Disposition": f'attachment; filename="{name}.{kind}"'})


class CustodyExportApi(APIView):
    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
                   parameters=[q("type", str, "csv | xlsx (default)")])
    def get(self, request: AuthedRequest, pk: int) -> HttpResponse:
        clip = selectors.clip_get_for(user=request.user, id=pk)
        where = f"{clip.camera.code} " if clip.camera is not None else ""
        started = timezone.localtime(clip.started_at, LOCAL).strftime("%d/%m/%Y %H:%M:%S") if clip.started_at else ""
        return custody_download(request, logs=selectors_custody.custody_for_clip(clip=clip),
                                title=f"Nhật ký lưu giữ chứng cứ — đoạn video #{clip.pk} {where}{started}".strip(),
                                name=f"nhat-ky-luu-giu-doan-video-{clip.pk}", object_type="media.clip",
                                object_id=clip.pk)


class PosterApi(APIView):
    """A clip's poster image for the clip list, under the clip's access rule, logged as a preview."""

    @extend_schema(responses={(200, "image/jpeg"): OpenApiTypes.BINARY})
    def get(self, request: AuthedRequest, pk: int) -> FileResponse:
        clip = selectors.clip_get_for(user=request.user, id=pk)
        handle = services_playback.poster_open(by=request.user, clip=clip, ip=client_ip(request),
                                               user_agent=client_ua(request), session=session_tag(request))
        response = FileResponse(handle, content_type="image/jpeg")
        # not kept by the browser: every showing reaches the server and is custody (repeats counted)
        response["Cache-Control"] = "private, no-store"
        return response


class CoverageApi(APIView):
    class CoverageInputSerializer(serializers.Serializer):
        ranges = serializers.JSONField()

    @extend_schema(responses=OBJ)
    def get(self, request: AuthedRequest, pk: int) -> Response:
        clip = selectors.clip_get_for(user=request.user, id=pk)
        return Response(selectors_custody.coverage_for_clip(clip=clip))

    @extend_schema(request=CoverageInputSerializer, responses=OBJ)
    def post(self, request: AuthedRequest, pk: int) -> Response:
        clip = selectors.clip_get_for(user=request.user, id=pk)
        data = validated(self.CoverageInputSerializer, request.data)
        services_playback.coverage_record(by=request.user, clip=clip, ranges=data["ranges"])
        return Response(selectors_custody.coverage_for_clip(clip=clip), status=201)
