"""Clips for review: list, detail, events, playback, custody (and its export), poster, coverage."""
from __future__ import annotations

from collections import Counter as Tally
from collections.abc import Mapping
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
from backend.core.store import guess_content_type
from media_ingest.models import Clip, ClipEvent
from media_ingest.review import custody_repeats, selectors, selectors_custody, services_playback
from media_ingest.review.apis.common import (
    LOCAL,
    OBJ,
    client_ip,
    client_ua,
    opener_session,
    q,
    session_tag,
    validated,
)
from media_ingest.review.apis.outputs import (
    ClipCoverageSerializer,
    PlaybackIssuedSerializer,
    ReviewClipDetailSerializer,
    ReviewClipSerializer,
    ReviewClipTimelineSerializer,
    clip_custody_page,
    page_of,
)
from media_ingest.review.models import AccessLog

CLIP_FILTERS = [q("unit", int, "unit id (with its subtree)"), q("counter", int), q("camera", str, "id or code"),
                q("from", str, "ISO date/datetime; naive = Asia/Ho_Chi_Minh"), q("to", str),
                q("state", str), q("event_kind", str), q("tagged", bool), q("unassigned", bool),
                q("page", int), q("page_size", int)]


# a clip row as the list reads it (values(): no model instance, no JSON column decoded)
CLIP_ROW_FIELDS = (
    "id", "bucket", "key", "version_id", "etag", "sha256", "size_bytes", "camera_id", "camera__code", "camera__name",
    "camera__counter_id", "camera__counter__code", "camera__counter__name", "camera__counter__unit_id",
    "camera__counter__unit__code", "camera__counter__unit__name", "unassigned_reason", "started_at", "duration_s",
    "fps", "width", "height", "codec", "state", "progress", "error", "error_en", "analysis_version", "proxy_key",
    "poster_key", "event_count")


def clip_output(c: Mapping[str, Any], *, tag_count: int | None, kinds: list[str] | None,
                state_labels: Mapping[str, str]) -> dict[str, Any]:
    """One clip as the API writes it, from CLIP_ROW_FIELDS: the list's rows and the detail's clip alike."""
    camera_id, counter_id, unit_id = c["camera_id"], c["camera__counter_id"], c["camera__counter__unit_id"]
    started, duration = c["started_at"], c["duration_s"]
    ended = started + timedelta(seconds=duration) if started and duration else None
    return {
        "id": c["id"], "bucket": c["bucket"], "key": c["key"], "version_id": c["version_id"],
        "etag": c["etag"], "sha256": c["sha256"], "size_bytes": c["size_bytes"],
        "camera": {"id": camera_id, "code": c["camera__code"], "name": c["camera__name"]} if camera_id else None,
        "counter": ({"id": counter_id, "code": c["camera__counter__code"], "name": c["camera__counter__name"]}
                    if camera_id and counter_id else None),
        "unit": ({"id": unit_id, "code": c["camera__counter__unit__code"], "name": c["camera__counter__unit__name"]}
                 if camera_id and counter_id and unit_id else None),
        "unassigned_reason": c["unassigned_reason"],
        "started_at": started.isoformat() if started else None,
        "ended_at": ended.isoformat() if ended else None,
        "duration_s": duration, "fps": c["fps"], "width": c["width"], "height": c["height"],
        "codec": c["codec"], "state": c["state"], "state_label": state_labels.get(c["state"], c["state"]),
        "progress": c["progress"], "error": c["error"], "error_en": c["error_en"],
        "analysis_version": c["analysis_version"],
        "has_proxy": bool(c["proxy_key"]),
        "has_poster": bool(c["poster_key"]) and c["state"] != Clip.State.EXPIRED,
        "tag_count": tag_count,
        "event_count": c["event_count"],
        "event_kinds": dict(Tally(kinds)) if kinds is not None else None,
    }


def state_labels() -> dict[str, str]:
    """The clip states' names in the request's language."""
    return {value: str(label) for value, label in Clip.State.choices}


def clip_row_from_instance(clip: Clip) -> dict[str, Any]:
    camera = clip.camera
    counter = camera.counter if camera else None
    unit = counter.unit if counter else None
    row = {name: getattr(clip, name) for name in CLIP_ROW_FIELDS if "__" not in name}
    row.update({"camera__code": camera.code if camera else None, "camera__name": camera.name if camera else None,
                "camera__counter_id": counter.pk if counter else None,
                "camera__counter__code": counter.code if counter else None,
                "camera__counter__name": counter.name if counter else None,
                "camera__counter__unit_id": unit.pk if unit else None,
                "camera__counter__unit__code": unit.code if unit else None,
                "camera__counter__unit__name": unit.name if unit else None})
    return row


class ClipListApi(APIView):
    @extend_schema(operation_id="media_clips_list", responses={200: page_of("PaginatedReviewClipList", ReviewClipSerializer(many=True))},
                   parameters=CLIP_FILTERS)
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
        page = paginator.paginate_values(qs, request, self, (*CLIP_ROW_FIELDS, "tags_open", "tags_kept"))
        kinds = selectors.clip_event_kinds(clip_ids=[c["id"] for c in page])
        # a clip with tags on its sealed copy is counted by the rule of who may know of them
        kept = [c["id"] for c in page if c["tags_kept"]]
        tags = selectors.clip_tag_counts(user=request.user, clip_ids=kept) if kept else {}
        labels = state_labels()
        return paginator.get_paginated_response(
            [clip_output(c, tag_count=tags.get(c["id"], c["tags_open"]), kinds=kinds[c["id"]], state_labels=labels)
             for c in page])


class ClipDetailApi(APIView):
    @extend_schema(responses=ReviewClipDetailSerializer)
    def get(self, request: AuthedRequest, pk: int) -> Response:
        clip = selectors.clip_get_for(user=request.user, id=pk)
        data = clip_output(clip_row_from_instance(clip), tag_count=None, kinds=None, state_labels=state_labels())
        data["tag_count"] = selectors.clip_tag_counts(user=request.user, clip_ids=[clip.pk])[clip.pk]
        data["warnings"] = clip.warnings
        urls = services_playback.previews_issue(by=request.user, clip=clip, keys={"poster": clip.poster_key},
                                                ip=client_ip(request), user_agent=client_ua(request),
                                                session=session_tag(request))
        data["poster_url"] = urls["poster"]
        return Response(data)


class ClipEventsApi(APIView):
    """The timeline: events, per-second activity, and short-lived URLs of poster/sprite/VTT."""

    @extend_schema(responses=ReviewClipTimelineSerializer)
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

    @extend_schema(request=PlaybackInputSerializer, responses={201: PlaybackIssuedSerializer, 429: OBJ})
    def post(self, request: AuthedRequest, pk: int) -> Response:
        clip = selectors.clip_get_for(user=request.user, id=pk)
        data = validated(self.PlaybackInputSerializer, request.data)
        url, expires_at, log = services_playback.playback_issue(by=request.user, clip=clip, ip=client_ip(request),
                                                                user_agent=client_ua(request),
                                                                session=opener_session(request), **data)
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
    @extend_schema(responses=clip_custody_page(), parameters=CUSTODY_FILTERS)
    def get(self, request: AuthedRequest, pk: int) -> Response:
        clip = selectors.clip_get_for(user=request.user, id=pk)
        paginator = Pagination()
        page = paginator.paginate_queryset(custody_filtered(request, selectors_custody.custody_for_clip(clip=clip, user=request.user)), request, view=self)
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

    # `?type=` or `?format=` (reviewer, issue 15: `?format=xlsx` answered a bare 404; see CUSTODY_EXPORT_FORMATS)
    kind = Query(request).choice("type", list(EXPORT_TYPES)) or Query(request).choice("format", list(EXPORT_TYPES)) \
        or "xlsx"
    entries = selectors_custody.custody_for_reader(user=request.user, logs=logs)
    body = (custody_export.render_csv if kind == "csv" else custody_export.render_xlsx)(title, entries)
    audit_access(actor=request.user, document=f"custody.{kind}", object_type=object_type, object_id=str(object_id),
                 payload={"entries": len(entries)})
    return HttpResponse(body, content_type=EXPORT_TYPES[kind],
                        headers={"Content-Disposition": f'attachment; filename="{name}.{kind}"'})


class CustodyExportApi(APIView):
    export_formats = tuple(EXPORT_TYPES)  # `?format=csv|xlsx` is this export's own (backend.core.negotiation)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
                   parameters=[q("type", str, "csv | xlsx (default)"), q("format", str, "the same as type")])
    def get(self, request: AuthedRequest, pk: int) -> HttpResponse:
        clip = selectors.clip_get_for(user=request.user, id=pk)
        where = f"{clip.camera.code} " if clip.camera is not None else ""
        started = timezone.localtime(clip.started_at, LOCAL).strftime("%d/%m/%Y %H:%M:%S") if clip.started_at else ""
        return custody_download(request, logs=selectors_custody.custody_for_clip(clip=clip, user=request.user),
                                title=f"Nhật ký lưu giữ chứng cứ — đoạn video #{clip.pk} {where}{started}".strip(),
                                name=f"nhat-ky-luu-giu-doan-video-{clip.pk}", object_type="media.clip",
                                object_id=clip.pk)


class PosterApi(APIView):
    """A clip's poster image for the clip list, under the clip's access rule, logged as a preview."""

    @extend_schema(responses={(200, "image/jpeg"): OpenApiTypes.BINARY})
    def get(self, request: AuthedRequest, pk: int) -> FileResponse:
        return still_response(request, pk=pk, name="poster", served="list")


class StillApi(APIView):
    """One still of a clip (poster, sprite, vtt, event-<id>: the timeline's poster_url, sprite_url, vtt_url
    and thumbnail_url), under the clip's access rule, every fetch logged as a preview."""

    @extend_schema(responses={(200, "image/jpeg"): OpenApiTypes.BINARY})
    def get(self, request: AuthedRequest, pk: int, name: str) -> FileResponse:
        return still_response(request, pk=pk, name=name)


def still_response(request: AuthedRequest, *, pk: int, name: str, served: str = "") -> FileResponse:
    clip = selectors.clip_get_for(user=request.user, id=pk)
    handle, key = services_playback.still_open(by=request.user, clip=clip, name=name, ip=client_ip(request),
                                               user_agent=client_ua(request), session=session_tag(request),
                                               served=served)
    kind = guess_content_type(key)
    response = FileResponse(handle, content_type="image/jpeg" if kind == "application/octet-stream" else kind)
    # not kept by the browser: every showing reaches the server and is custody (repeats counted)
    response["Cache-Control"] = "private, no-store"
    return response


class CoverageApi(APIView):
    class CoverageInputSerializer(serializers.Serializer):
        ranges = serializers.JSONField()

    @extend_schema(responses=ClipCoverageSerializer)
    def get(self, request: AuthedRequest, pk: int) -> Response:
        clip = selectors.clip_get_for(user=request.user, id=pk)
        return Response(selectors_custody.coverage_for_clip(clip=clip))

    @extend_schema(request=CoverageInputSerializer, responses={201: ClipCoverageSerializer})
    def post(self, request: AuthedRequest, pk: int) -> Response:
        clip = selectors.clip_get_for(user=request.user, id=pk)
        data = validated(self.CoverageInputSerializer, request.data)
        services_playback.coverage_record(by=request.user, clip=clip, ranges=data["ranges"])
        return Response(selectors_custody.coverage_for_clip(clip=clip), status=201)
