"""Thin views for footage review: clips, tags, taxonomy, evidence, packages, custody, moments."""
from __future__ import annotations

import hashlib
import ipaddress
import tempfile
from collections import Counter as Tally
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import FileResponse, HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.network import client_ip as network_client_ip
from backend.core.errors import DomainError, NotFound
from backend.core.pagination import Pagination
from backend.core.params import REASON_MAX, IdField, PlainTextField, Query
from backend.core.parsers import JSONParser
from backend.core.store import StoreError, get_store
from media_ingest.models import Clip, ClipEvent
from media_ingest.review import selectors, services, signing
from media_ingest.review.models import AccessLog, EvidencePackage, TagLabel
from media_ingest.review.package import VerifyReport, verify_package

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
OBJ = OpenApiTypes.OBJECT


def q(name: str, kind: Any = str, description: str = "") -> OpenApiParameter:
    return OpenApiParameter(name, kind, OpenApiParameter.QUERY, required=False, description=description)


CLIP_FILTERS = [q("unit", int, "unit id (with its subtree)"), q("counter", int), q("camera", str, "id or code"),
                q("from", str, "ISO date/datetime; naive = Asia/Ho_Chi_Minh"), q("to", str),
                q("state", str), q("event_kind", str), q("tagged", bool), q("unassigned", bool),
                q("page", int), q("page_size", int)]
MOMENT_FILTERS = [q("from", str, "default: 30 days before `to`"), q("to", str, "default: now"), q("unit", int),
                  q("counter", int), q("kind", str, "complaint | rating"), q("footage", bool), q("page", int),
                  q("page_size", int)]


# --- helpers --------------------------------------------------------------------------------------
def session_tag(request: Request) -> str:
    """A stable, non-secret name of the browser session for the custody log (a hash of the session
    key, never the key itself); "" for clients without a session (tokens)."""
    session = getattr(request, "session", None)
    key = getattr(session, "session_key", None) if session is not None else None
    return hashlib.sha256(f"custody:{key}".encode()).hexdigest()[:20] if key else ""


def client_ip(request: Request) -> str | None:
    """The client's address for the custody log, by the one rule that decides whom to believe
    (backend.accounts.network: the TCP peer, or the hop behind a trusted proxy)."""
    address = network_client_ip(request.META)
    try:  # the custody log stores an IP address; a peer that is not one (a test harness) is unknown
        ipaddress.ip_address(address)
    except ValueError:
        return None
    return address


def client_ua(request: Request) -> str:
    return str(request.META.get("HTTP_USER_AGENT", ""))[:300]


def validated(serializer_class: type[serializers.Serializer], data: Any) -> dict[str, Any]:
    ser = serializer_class(data=data)
    ser.is_valid(raise_exception=True)
    return dict(ser.validated_data)


# --- clips ----------------------------------------------------------------------------------------
class ClipOutputSerializer(serializers.Serializer):
    def to_representation(self, clip: Clip) -> dict[str, Any]:
        camera = clip.camera
        counter = camera.counter if camera else None
        unit = counter.unit if counter else None
        ended = None
        if clip.started_at and clip.duration_s:
            ended = clip.started_at + timezone.timedelta(seconds=clip.duration_s)
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
    def get(self, request: Request) -> Response:
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
    def get(self, request: Request, pk: int) -> Response:
        clip = selectors.clip_get_for(user=request.user, id=pk)
        data = ClipOutputSerializer(clip).data
        data["tag_count"] = clip.tags.filter(deleted_at__isnull=True).count()
        data["warnings"] = clip.warnings
        urls = services.previews_issue(by=request.user, clip=clip, keys={"poster": clip.poster_key},
                                       ip=client_ip(request), user_agent=client_ua(request),
                                       session=session_tag(request))
        data["poster_url"] = urls["poster"]
        return Response(data)


class ClipEventsApi(APIView):
    """The timeline: events, per-second activity, and short-lived URLs of poster/sprite/VTT."""

    @extend_schema(responses=OBJ)
    def get(self, request: Request, pk: int) -> Response:
        clip = selectors.clip_get_for(user=request.user, id=pk)
        events = selectors.clip_events(clip=clip)
        urls = services.previews_issue(
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
    class PlaybackInputSerializer(serializers.Serializer):
        reason = PlainTextField(max_length=1000)
        variant = serializers.ChoiceField(choices=["auto", "proxy", "original"], default="auto")
        download = serializers.BooleanField(default=False)

    @extend_schema(request=PlaybackInputSerializer, responses=OBJ)
    def post(self, request: Request, pk: int) -> Response:
        clip = selectors.clip_get_for(user=request.user, id=pk)
        data = validated(self.PlaybackInputSerializer, request.data)
        url, expires_at, log = services.playback_issue(by=request.user, clip=clip, ip=client_ip(request),
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
    def get(self, request: Request, pk: int) -> Response:
        clip = selectors.clip_get_for(user=request.user, id=pk)
        paginator = Pagination()
        page = paginator.paginate_queryset(custody_filtered(request, selectors.custody_for_clip(clip=clip)), request, view=self)
        page = selectors.custody_for_reader(user=request.user, logs=page or [])
        response = paginator.get_paginated_response([selectors.access_to_dict(log) for log in page])
        # What the log is of, in the words of the footage (camera, start), for the page's title; read
        # here rather than from the clip detail, which would issue preview links and log them.
        response.data["clip"] = {"id": clip.pk, "camera": clip.camera.code if clip.camera else None,
                                 "started_at": clip.started_at.isoformat() if clip.started_at else None}
        return response


EXPORT_TYPES = {"csv": "text/csv; charset=utf-8",
                "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def custody_download(request: Request, *, logs: Any, title: str, name: str, object_type: str,
                     object_id: int) -> HttpResponse:
    """The custody log as CSV or XLSX (?type=); reading it is recorded in the audit trail."""
    from backend.audit.services import audit_access
    from media_ingest.review import custody_export

    kind = Query(request).choice("type", list(EXPORT_TYPES)) or "xlsx"
    entries = selectors.custody_for_reader(user=request.user, logs=logs)
    body = (custody_export.render_csv if kind == "csv" else custody_export.render_xlsx)(title, entries)
    audit_access(actor=request.user, document=f"custody.{kind}", object_type=object_type, object_id=str(object_id),
                 payload={"entries": len(entries)})
    return HttpResponse(body, content_type=EXPORT_TYPES[kind],
                        headers={"Content-Disposition": f'attachment; filename="{name}.{kind}"'})


class CustodyExportApi(APIView):
    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
                   parameters=[q("type", str, "csv | xlsx (default)")])
    def get(self, request: Request, pk: int) -> HttpResponse:
        clip = selectors.clip_get_for(user=request.user, id=pk)
        where = f"{clip.camera.code} " if clip.camera_id else ""
        started = timezone.localtime(clip.started_at, LOCAL).strftime("%d/%m/%Y %H:%M:%S") if clip.started_at else ""
        return custody_download(request, logs=selectors.custody_for_clip(clip=clip),
                                title=f"Nhật ký lưu giữ chứng cứ — đoạn video #{clip.pk} {where}{started}".strip(),
                                name=f"nhat-ky-luu-giu-doan-video-{clip.pk}", object_type="media.clip",
                                object_id=clip.pk)


class PosterApi(APIView):
    """A clip's poster image for the clip list, under the clip's access rule, logged as a preview."""

    @extend_schema(responses={(200, "image/jpeg"): OpenApiTypes.BINARY})
    def get(self, request: Request, pk: int) -> FileResponse:
        clip = selectors.clip_get_for(user=request.user, id=pk)
        handle = services.poster_open(by=request.user, clip=clip, ip=client_ip(request),
                                      user_agent=client_ua(request), session=session_tag(request))
        response = FileResponse(handle, content_type="image/jpeg")
        response["Cache-Control"] = "private, max-age=300"
        return response


class CoverageApi(APIView):
    class CoverageInputSerializer(serializers.Serializer):
        ranges = serializers.JSONField()

    @extend_schema(responses=OBJ)
    def get(self, request: Request, pk: int) -> Response:
        clip = selectors.clip_get_for(user=request.user, id=pk)
        return Response(selectors.coverage_for_clip(clip=clip))

    @extend_schema(request=CoverageInputSerializer, responses=OBJ)
    def post(self, request: Request, pk: int) -> Response:
        clip = selectors.clip_get_for(user=request.user, id=pk)
        data = validated(self.CoverageInputSerializer, request.data)
        services.coverage_record(by=request.user, clip=clip, ranges=data["ranges"])
        return Response(selectors.coverage_for_clip(clip=clip), status=201)


# --- taxonomy -------------------------------------------------------------------------------------
def label_to_dict(label: TagLabel) -> dict[str, Any]:
    return {"code": label.code, "name_vi": label.name_vi, "name_en": label.name_en,
            "description": label.description, "finding_category_code": label.finding_category_code,
            "position": label.position, "active": label.active}


class TaxonomyApi(APIView):
    class TaxonomyInputSerializer(serializers.Serializer):
        code = serializers.CharField(max_length=40)
        name_vi = PlainTextField(one_line=True, max_length=120)
        name_en = PlainTextField(one_line=True, max_length=120)
        description = PlainTextField(required=False, allow_blank=True, default="", max_length=REASON_MAX)
        finding_category_code = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
        position = serializers.IntegerField(min_value=0, max_value=100_000, required=False, default=0)

    @extend_schema(responses=OBJ)
    def get(self, request: Request) -> Response:
        selectors.require_footage(request.user)
        include = Query(request).bool("include_inactive", default=False)
        return Response({"results": [label_to_dict(x) for x in selectors.tag_labels(include_inactive=include)]})

    @extend_schema(request=TaxonomyInputSerializer, responses=OBJ)
    def post(self, request: Request) -> Response:
        services.require_admin(request.user)
        data = validated(self.TaxonomyInputSerializer, request.data)
        return Response(label_to_dict(services.tag_label_create(by=request.user, **data)), status=201)


class TaxonomyDetailApi(APIView):
    class TaxonomyDetailInputSerializer(serializers.Serializer):
        name_vi = PlainTextField(one_line=True, max_length=120, required=False)
        name_en = PlainTextField(one_line=True, max_length=120, required=False)
        description = PlainTextField(required=False, allow_blank=True, max_length=REASON_MAX)
        finding_category_code = serializers.CharField(max_length=40, required=False, allow_blank=True)
        position = serializers.IntegerField(min_value=0, max_value=100_000, required=False)
        active = serializers.BooleanField(required=False)

    @extend_schema(request=TaxonomyDetailInputSerializer, responses=OBJ)
    def patch(self, request: Request, code: str) -> Response:
        services.require_admin(request.user)
        label = TagLabel.objects.filter(code=code).first()
        if label is None:
            raise NotFound("Không tìm thấy nhãn.", "Label not found.")
        data = validated(self.TaxonomyDetailInputSerializer, request.data)
        return Response(label_to_dict(services.tag_label_update(by=request.user, label=label, changes=data)))


# --- tags -----------------------------------------------------------------------------------------
def revision_to_dict(rev: Any) -> dict[str, Any]:
    return {"revision": rev.revision, "action": rev.action, "label": rev.label.code, "start_s": rev.start_s,
            "end_s": rev.end_s, "note": rev.note, "reason": rev.reason,
            "by": {"id": rev.by_id, "name": selectors.user_label(rev.by)}, "at": rev.at.isoformat()}


class TagListApi(APIView):
    class TagListInputSerializer(serializers.Serializer):
        clip_id = IdField()
        label = PlainTextField(one_line=True, max_length=40)
        start_s = serializers.FloatField(min_value=0)
        end_s = serializers.FloatField(min_value=0)
        note = PlainTextField(required=False, allow_blank=True, default="", max_length=4000)

    @extend_schema(responses=OBJ, parameters=[q("clip", int), q("label"), q("author", int), q("include_deleted", bool), q("page", int)])
    def get(self, request: Request) -> Response:
        q = Query(request)
        qs = selectors.tags_list(user=request.user, clip_id=q.id("clip"),
                                 label=q.text("label", max_length=40) or None,
                                 author_id=q.id("author"),
                                 include_deleted=q.bool("include_deleted", default=False))
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response([selectors.tag_to_dict(t) for t in page])

    @extend_schema(request=TagListInputSerializer, responses=OBJ)
    def post(self, request: Request) -> Response:
        data = validated(self.TagListInputSerializer, request.data)
        clip = selectors.clip_get_for(user=request.user, id=data.pop("clip_id"))
        tag = services.tag_create(by=request.user, clip=clip, label_code=data.pop("label"),
                                  ip=client_ip(request), user_agent=client_ua(request), **data)
        return Response(selectors.tag_to_dict(tag), status=201)


class TagDetailApi(APIView):
    class TagDetailUpdateSerializer(serializers.Serializer):
        revision = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
        label = PlainTextField(one_line=True, max_length=40, required=False)
        start_s = serializers.FloatField(min_value=0, required=False)
        end_s = serializers.FloatField(min_value=0, required=False)
        note = PlainTextField(required=False, allow_blank=True, max_length=4000)
        reason = PlainTextField(required=False, allow_blank=True, default="", max_length=1000)

    class TagDetailDeleteSerializer(serializers.Serializer):
        revision = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
        reason = PlainTextField(max_length=1000)

    @extend_schema(responses=OBJ)
    def get(self, request: Request, pk: int) -> Response:
        tag = selectors.tag_get_for(user=request.user, id=pk)
        data = selectors.tag_to_dict(tag)
        data["history"] = [revision_to_dict(r) for r in selectors.tag_history(tag=tag)]
        data["evidence"] = selectors.tag_evidence_for_reader(user=request.user, tag=tag)
        data["version_matches_clip"] = (tag.clip_sha256 == tag.clip.sha256)
        return Response(data)

    @extend_schema(request=TagDetailUpdateSerializer, responses=OBJ)
    def patch(self, request: Request, pk: int) -> Response:
        tag = selectors.tag_get_for(user=request.user, id=pk)
        data = validated(self.TagDetailUpdateSerializer, request.data)
        tag = services.tag_update(by=request.user, tag=tag, revision=data.pop("revision"),
                                  label_code=data.pop("label", None), ip=client_ip(request),
                                  user_agent=client_ua(request), **data)
        return Response(selectors.tag_to_dict(tag))

    @extend_schema(request=TagDetailDeleteSerializer, responses=OBJ)
    def delete(self, request: Request, pk: int) -> Response:
        tag = selectors.tag_get_for(user=request.user, id=pk)
        source = request.data if request.data else request.query_params
        data = validated(self.TagDetailDeleteSerializer, source)
        tag = services.tag_delete(by=request.user, tag=tag, revision=data["revision"], reason=data["reason"],
                                  ip=client_ip(request), user_agent=client_ua(request))
        return Response(selectors.tag_to_dict(tag))


# --- evidence -------------------------------------------------------------------------------------
class EvidenceListApi(APIView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    class EvidenceListInputSerializer(serializers.Serializer):
        finding_id = IdField()
        tag_id = IdField(required=False)
        file = serializers.FileField(required=False, allow_empty_file=False)
        note = PlainTextField(required=False, allow_blank=True, default="", max_length=4000)

        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            if ("tag_id" in attrs) == ("file" in attrs):
                raise serializers.ValidationError("Gửi đúng một trong tag_id hoặc file. / Send exactly one of "
                                                  "tag_id or file.")
            return attrs

    @extend_schema(responses=OBJ, parameters=[q("finding", int), q("page", int)])
    def get(self, request: Request) -> Response:
        finding_id = Query(request).id("finding")
        if finding_id is None:
            raise DomainError("Cần tham số finding.", "The finding parameter is required.", code="invalid_param",
                              fields={"finding": ["required"]})
        finding = selectors.finding_get_for_evidence(user=request.user, id=finding_id)
        items = selectors.evidence_list(user=request.user, finding=finding)
        paginator = Pagination()
        page = paginator.paginate_queryset(items, request, view=self)
        return paginator.get_paginated_response([services.evidence_to_dict(i) for i in page])

    @extend_schema(request=EvidenceListInputSerializer, responses=OBJ)
    def post(self, request: Request) -> Response:
        data = validated(self.EvidenceListInputSerializer, request.data)
        finding = selectors.finding_get_for_evidence(user=request.user, id=data["finding_id"])
        if "tag_id" in data:
            tag = selectors.tag_get_for(user=request.user, id=data["tag_id"])
            item = services.evidence_link_tag(by=request.user, finding=finding, tag=tag, note=data["note"],
                                              ip=client_ip(request), user_agent=client_ua(request))
        else:
            upload = data["file"]
            item = services.evidence_add_file(by=request.user, finding=finding, fileobj=upload,
                                              filename=upload.name, content_type=upload.content_type or "",
                                              size=upload.size, note=data["note"], ip=client_ip(request),
                                              user_agent=client_ua(request))
        return Response(services.evidence_to_dict(item), status=201)


class EvidenceDetailApi(APIView):
    @extend_schema(responses=OBJ)
    def get(self, request: Request, pk: int) -> Response:
        return Response(services.evidence_to_dict(selectors.evidence_get_for(user=request.user, id=pk)))


def package_to_dict(p: EvidencePackage) -> dict[str, Any]:
    signature = p.manifest_signature
    return {"id": p.pk, "finding_id": p.finding_id,
            "finding_reference": p.finding.reference if p.finding is not None else None,
            "kind": "finding" if p.finding_id else "selection",
            "tag_ids": sorted(t.pk for t in p.tags.all()) if not p.finding_id else [],
            "signed": bool(signature),
            "state": p.state, "state_label": p.get_state_display(),
            "requested_by": {"id": p.requested_by_id, "name": selectors.user_label(p.requested_by)},
            "requested_at": p.requested_at.isoformat(), "reason": p.reason, "progress": p.progress,
            "finished_at": p.finished_at.isoformat() if p.finished_at else None,
            "size_bytes": p.size_bytes, "sha256": p.sha256, "manifest_sha256": p.manifest_sha256,
            "error_en": p.error_en,
            "files": p.manifest.get("files", []) if p.manifest else [], "error": p.error}


class PackageListApi(APIView):
    class PackageListInputSerializer(serializers.Serializer):
        finding_id = IdField(required=False)
        tag_ids = serializers.ListField(child=IdField(), required=False, allow_empty=False,
                                        max_length=services.PACKAGE_TAGS_MAX)
        reason = PlainTextField(max_length=1000)

        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            if ("finding_id" in attrs) == ("tag_ids" in attrs):
                raise serializers.ValidationError("Gửi đúng một trong finding_id hoặc tag_ids. / Send exactly one "
                                                  "of finding_id or tag_ids.")
            return attrs

    @extend_schema(responses=OBJ, parameters=[q("finding", int), q("clip", int), q("page", int)])
    def get(self, request: Request) -> Response:
        query = Query(request)
        finding_id, clip_id = query.id("finding"), query.id("clip")
        if (finding_id is None) == (clip_id is None):
            raise DomainError("Cần đúng một tham số finding hoặc clip.", "Give exactly one of finding or clip.",
                              code="invalid_param", fields={"finding": ["required"]})
        if finding_id is not None:
            finding = selectors.finding_get_for_evidence(user=request.user, id=finding_id)
            qs = selectors.packages_list(user=request.user, finding=finding)
        else:
            clip = selectors.clip_get_for(user=request.user, id=clip_id)  # type: ignore[arg-type]
            qs = selectors.packages_list(user=request.user, clip=clip)
        paginator = Pagination()
        page = paginator.paginate_queryset(qs.prefetch_related("tags"), request, view=self)
        return paginator.get_paginated_response([package_to_dict(p) for p in page])

    @extend_schema(request=PackageListInputSerializer, responses=OBJ)
    def post(self, request: Request) -> Response:
        data = validated(self.PackageListInputSerializer, request.data)
        if "finding_id" in data:
            finding = selectors.finding_get_for_evidence(user=request.user, id=data["finding_id"])
            package = services.package_request(by=request.user, finding=finding, reason=data["reason"],
                                               ip=client_ip(request), user_agent=client_ua(request))
        else:
            tags = [selectors.tag_get_for(user=request.user, id=pk) for pk in dict.fromkeys(data["tag_ids"])]
            package = services.package_request_tags(by=request.user, tags=tags, reason=data["reason"],
                                                    ip=client_ip(request), user_agent=client_ua(request))
        return Response(package_to_dict(package), status=202)


class PackageDetailApi(APIView):
    @extend_schema(responses=OBJ)
    def get(self, request: Request, pk: int) -> Response:
        return Response(package_to_dict(selectors.package_get_for(user=request.user, id=pk)))


class PackageCustodyApi(APIView):
    """The chain of custody the package carries (the finding's, or its clips'), with its own exports."""

    @extend_schema(responses=OBJ, parameters=CUSTODY_FILTERS)
    def get(self, request: Request, pk: int) -> Response:
        package = selectors.package_get_for(user=request.user, id=pk)
        paginator = Pagination()
        page = paginator.paginate_queryset(custody_filtered(request, selectors.custody_for_package(package=package)),
                                           request, view=self)
        page = selectors.custody_for_reader(user=request.user, logs=page or [])
        return paginator.get_paginated_response([selectors.access_to_dict(log) for log in page])


class PackageCustodyExportApi(APIView):
    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
                   parameters=[q("type", str, "csv | xlsx (default)")])
    def get(self, request: Request, pk: int) -> HttpResponse:
        package = selectors.package_get_for(user=request.user, id=pk)
        what = f"kết luận {package.finding.reference}" if package.finding is not None else "thẻ được chọn"
        return custody_download(request, logs=selectors.custody_for_package(package=package),
                                title=f"Nhật ký lưu giữ chứng cứ — gói chứng cứ #{package.pk} ({what})",
                                name=f"nhat-ky-luu-giu-goi-{package.pk}", object_type="review.evidencepackage",
                                object_id=package.pk)


class SigningKeyApi(APIView):
    """The public key that verifies the signature (manifest.sig) of the server's evidence packages."""

    @extend_schema(responses=OBJ)
    def get(self, request: Request) -> Response:
        selectors.require_footage(request.user)
        return Response(signing.public_key_info())


class PackageDownloadApi(APIView):
    class PackageDownloadInputSerializer(serializers.Serializer):
        reason = PlainTextField(max_length=1000)

    @extend_schema(request=PackageDownloadInputSerializer, responses=OBJ)
    def post(self, request: Request, pk: int) -> Response:
        package = selectors.package_get_for(user=request.user, id=pk)
        data = validated(self.PackageDownloadInputSerializer, request.data)
        url, expires_at = services.package_download(by=request.user, package=package, reason=data["reason"],
                                                    ip=client_ip(request), user_agent=client_ua(request))
        return Response({"url": url, "expires_at": expires_at.isoformat(), "sha256": package.sha256}, status=201)


class PackageFileApi(APIView):
    """The ZIP itself, for the signed-in user who asked for it (?access=<id from …/download/>)."""

    @extend_schema(responses={(200, "application/zip"): OpenApiTypes.BINARY},
                   parameters=[q("access", int, "the access id issued by …/download/")])
    def get(self, request: Request, pk: int) -> FileResponse:
        from backend.audit.services import audit_access
        from backend.core.store import ObjectMissing

        package = selectors.package_get_for(user=request.user, id=pk)
        grant = selectors.package_download_grant(user=request.user, package=package,
                                                 access_id=Query(request).id("access"))
        try:
            handle = get_store().open(package.key)
        except ObjectMissing as exc:
            raise NotFound("Tệp ZIP của gói chứng cứ không còn trong kho lưu trữ.",
                           "The package ZIP is missing from the store.") from exc
        audit_access(actor=request.user, document="evidence.package.zip", object_type="review.evidencepackage",
                     object_id=package.pk, payload={"access_id": grant.pk, "sha256": package.sha256,
                                                    "ip": client_ip(request)})
        return FileResponse(handle, as_attachment=True, content_type="application/zip",
                            filename=f"evidence-{services.package_reference(package)}-{package.pk}.zip")


class PackageVerifyApi(APIView):
    """Re-hash the stored ZIP against what was recorded when it was built."""

    @extend_schema(request=None, responses=OBJ)
    def post(self, request: Request, pk: int) -> Response:
        package = selectors.package_get_for(user=request.user, id=pk)
        if package.state != EvidencePackage.State.READY:
            raise DomainError("Gói chứng cứ chưa sẵn sàng.", "The package is not ready.", code="not_ready",
                              status=409)
        with tempfile.TemporaryDirectory(prefix="cw-verify-") as tmp:
            path = Path(tmp) / "package.zip"
            try:
                get_store().download(package.key, path)
            except StoreError as exc:
                report = VerifyReport(ok=False, package_id=package.pk)
                report.problem("không đọc được tệp ZIP đã lưu trong kho lưu trữ",
                               f"the stored ZIP cannot be read from the store: {exc}")
                return Response(report.to_dict())
            report = verify_package(path, expected_manifest_sha256=package.manifest_sha256,
                                    expected_zip_sha256=package.sha256, **signature_rule(package))
        return Response(report.to_dict())


def signature_rule(package: EvidencePackage) -> dict[str, Any]:
    """Verify against the server's key; a package built signed must still carry its signature."""
    return {"trusted_public_keys": [signing.public_key_info()["public_key"]],
            "require_signature": bool(package.manifest_signature)}


class UploadedPackageVerifyApi(APIView):
    """Verify a package someone holds: every hash, and the manifest against the server's record."""

    parser_classes = [MultiPartParser, FormParser]

    class UploadedPackageVerifyInputSerializer(serializers.Serializer):
        file = serializers.FileField(allow_empty_file=False)

    @extend_schema(request=UploadedPackageVerifyInputSerializer, responses=OBJ)
    def post(self, request: Request) -> Response:
        selectors.require_footage(request.user)
        data = validated(self.UploadedPackageVerifyInputSerializer, request.data)
        upload = data["file"]
        first = verify_package(upload)
        recorded = None
        if first.package_id is not None:
            recorded = EvidencePackage.objects.filter(pk=first.package_id).first()
            if recorded is not None:
                selectors.package_get_for(user=request.user, id=recorded.pk)
        if recorded is None:
            first.ok = False
            first.problem("hệ thống không có bản ghi gói chứng cứ mang số này",
                          "no package with this id was recorded by this server")
            return Response(first.to_dict())
        upload.seek(0)
        report = verify_package(upload, expected_manifest_sha256=recorded.manifest_sha256,
                                expected_zip_sha256=recorded.sha256, **signature_rule(recorded))
        return Response(report.to_dict())


# --- moments --------------------------------------------------------------------------------------
class MomentsApi(APIView):
    @extend_schema(responses=OBJ, parameters=MOMENT_FILTERS)
    def get(self, request: Request) -> Response:
        q = Query(request)
        filters = selectors.MomentFilters(
            start=q.datetime("from"), end=q.datetime("to", end_of_day=True),
            unit_id=q.id("unit"), counter_id=q.id("counter"),
            kind=q.choice("kind", ["complaint", "rating"]),
            footage=q.bool("footage"))
        moments = selectors.moments_to_review(user=request.user, filters=filters)
        paginator = Pagination()
        page = paginator.paginate_queryset(moments, request, view=self)  # type: ignore[arg-type]
        tags = selectors.moment_tags(user=request.user, moments=list(page or []))
        return paginator.get_paginated_response([_moment(m, tags.get((m["kind"], m["id"]), [])) for m in page or []])


def _moment(m: dict[str, Any], tags: list[Any]) -> dict[str, Any]:
    counter = m["counter"]
    return {"kind": m["kind"], "id": m["id"], "at": m["at"].isoformat(),
            "at_local": timezone.localtime(m["at"], LOCAL).strftime("%d/%m/%Y %H:%M:%S"),
            "risk": m["risk"], "summary": m["summary"], "detail": m["detail"],
            "counter": {"id": counter.pk, "code": counter.code, "name": counter.name},
            "unit": {"id": counter.unit.pk, "code": counter.unit.code, "name": counter.unit.name},
            "footage": m["footage"],
            "tags": [{"id": t.pk, "clip_id": t.clip_id, "label": {"code": t.label.code, "name_vi": t.label.name_vi,
                                                                 "name_en": t.label.name_en},
                      "start_s": t.start_s, "end_s": t.end_s, "note": t.note,
                      "author": {"id": t.author_id, "name": selectors.user_label(t.author)}} for t in tags]}

