"""Ingest APIs: MinIO webhook, uploads, admin status/retry/assign, signed object access.

The clip list, events and playback for reviewers are in media_ingest/review (issue 6).
"""
from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from typing import Any

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIRequest
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.models import ApiToken
from backend.accounts.selectors import require_token_kind
from backend.core import jobs
from backend.core.actors import AuthedRequest
from backend.core.errors import DomainError, error_body
from backend.core.params import DateTimeField, IdField, PlainTextField, Query
from backend.core.signed_urls import SignedUrlError, link_refused_for, verify_object_token
from backend.core.store import (
    ObjectMissing,
    StoreError,
    get_footage_store,
    guess_content_type,
    store_for_bucket,
    stores_health,
)
from backend.org.apis import paginate
from media_ingest import (
    discovery,
    selectors,
    services_admin,
    services_discovery,
    services_indexing,
    services_retention,
    services_uploads,
)
from media_ingest.models import CameraAnalysis, Clip


# --- serializers -----------------------------------------------------------------------------------
class CameraBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()


class IngestClipOutputSerializer(serializers.ModelSerializer):
    camera = CameraBriefSerializer(allow_null=True)
    warnings = serializers.ListField(child=serializers.CharField(), read_only=True)
    error_params = serializers.DictField(read_only=True, help_text="The parameters of error_code's message")

    class Meta:
        model = Clip
        fields = ["id", "bucket", "key", "version_id", "etag", "sha256", "size_bytes", "camera",
                  "unassigned_reason", "started_at", "duration_s", "state", "progress", "error", "error_en",
                  "error_code", "error_params", "warnings", "attempts", "analysis_version", "event_count", "source",
                  "discovered_at", "indexed_at"]


# --- MinIO webhook ----------------------------------------------------------------------------------
class MinioHookApi(APIView):
    """MinIO bucket notifications (webhook target). Auth: `Authorization: Bearer <minio_webhook token>`."""

    @extend_schema(request=inline_serializer("MinioEvent", {"EventName": serializers.CharField(),
                                                            "Records": serializers.ListField()}),
                   responses=inline_serializer("MinioHookResult", {
                       "records": serializers.IntegerField(), "created": serializers.IntegerField(),
                       "known": serializers.IntegerField(), "ignored": serializers.IntegerField(),
                       "clips": serializers.ListField(child=serializers.IntegerField())}))
    def post(self, request: AuthedRequest) -> Response:
        require_token_kind(request.auth, ApiToken.Kind.MINIO_WEBHOOK)
        try:
            refs, ignored = discovery.parse_minio_event(request.data)
        except discovery.EventParseError as exc:
            raise DomainError(f"Thông báo MinIO không hợp lệ: {exc}.", f"Not a MinIO notification: {exc}.",
                              code="invalid_event") from exc
        bucket = get_footage_store().bucket  # notifications of any other bucket are not footage
        ours = [r for r in refs if r.bucket == bucket]
        ignored += len(refs) - len(ours)
        results = services_discovery.clips_discover(refs=ours, source=Clip.Source.WEBHOOK, by=request.user)
        clips = [r.clip.pk for r in results if r.clip is not None]
        created = sum(1 for r in results if r.created)
        return Response({"records": len(refs), "created": created, "known": len(clips) - created,
                         "ignored": ignored + sum(1 for r in results if r.clip is None), "clips": clips})


# --- uploads ----------------------------------------------------------------------------------------
class UploadCreateApi(APIView):
    class InputSerializer(serializers.Serializer):
        camera_id = IdField()
        started_at = DateTimeField()
        filename = serializers.CharField(max_length=255)
        content_type = serializers.CharField(max_length=100)

    class OutputSerializer(serializers.Serializer):
        key = serializers.CharField()
        url = serializers.CharField()
        method = serializers.CharField()
        headers = serializers.DictField(child=serializers.CharField())
        expires_at = serializers.DateTimeField()

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer})
    def post(self, request: AuthedRequest) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        camera = selectors.camera_get_for_upload(user=request.user, id=v["camera_id"])
        ticket = services_uploads.upload_ticket_create(camera=camera, started_at=v["started_at"], filename=v["filename"],
                                                       content_type=v["content_type"], by=request.user)
        return Response(self.OutputSerializer(ticket).data, status=status.HTTP_201_CREATED)


# --- admin ------------------------------------------------------------------------------------------
class ReconcileCursorSerializer(serializers.Serializer):
    prefix = serializers.CharField()
    last_key = serializers.CharField()
    passes = serializers.IntegerField()
    objects_seen = serializers.IntegerField()
    clips_created = serializers.IntegerField()
    last_run_at = serializers.DateTimeField(allow_null=True)
    last_full_pass_at = serializers.DateTimeField(allow_null=True)
    last_error = serializers.CharField()


class StoresHealthSerializer(serializers.Serializer):
    """backend.core.store.stores_health: ok when both stores are, each as its adapter reports it."""

    ok = serializers.BooleanField()
    footage = serializers.DictField()
    app = serializers.DictField()


class JobQueueSerializer(serializers.Serializer):
    workers = serializers.IntegerField()
    listening = serializers.BooleanField()
    depth = serializers.IntegerField(allow_null=True)
    tasks = serializers.ListField(child=serializers.CharField())


class JobPoolSerializer(serializers.Serializer):
    """backend.core.jobs.pool_status: the Celery queues (scaled), or the in-process pool."""

    ok = serializers.BooleanField()
    mode = serializers.CharField(help_text="celery or in-process")
    queues = serializers.DictField(child=JobQueueSerializer(), required=False, help_text="Scaled: by queue name")
    workers = serializers.IntegerField(required=False, help_text="In-process: the pool's size")
    error = serializers.CharField(required=False)


class IngestStatusSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    by_state = serializers.DictField(child=serializers.IntegerField())
    unassigned = serializers.IntegerField()
    analysis_version = serializers.CharField()
    outdated = serializers.IntegerField(help_text="Indexed clips analysed by an older analysis version")
    reconcile = ReconcileCursorSerializer(many=True)
    store = StoresHealthSerializer()
    job_queue = JobPoolSerializer()


class IngestStatusApi(APIView):
    @extend_schema(responses=IngestStatusSerializer)
    def get(self, request: AuthedRequest) -> Response:
        from media_ingest.vision import ANALYSIS_VERSION

        st = selectors.ingest_status(user=request.user)
        store = stores_health()
        return Response({
            "total": st.total, "by_state": st.by_state, "unassigned": st.unassigned,
            "analysis_version": ANALYSIS_VERSION,
            "outdated": Clip.objects.filter(state__in=[Clip.State.INDEXED, Clip.State.PARTIAL])
            .exclude(analysis_version=ANALYSIS_VERSION).count(),
            "reconcile": [{"prefix": c.prefix, "last_key": c.last_key, "passes": c.passes,
                           "objects_seen": c.objects_seen, "clips_created": c.clips_created,
                           "last_run_at": c.last_run_at, "last_full_pass_at": c.last_full_pass_at,
                           "last_error": c.last_error} for c in st.cursors],
            "store": store,
            "job_queue": jobs.pool_status(),
        })


class IngestClipListApi(APIView):
    @extend_schema(parameters=[
        OpenApiParameter("problem", str, enum=list(selectors.PROBLEM_FILTERS)),
        OpenApiParameter("camera_id", int), OpenApiParameter("page", int), OpenApiParameter("page_size", int)],
        responses=inline_serializer("PaginatedIngestClipList", {
            "count": serializers.IntegerField(), "count_exact": serializers.BooleanField(),
            "next": serializers.CharField(allow_null=True), "previous": serializers.CharField(allow_null=True),
            "results": IngestClipOutputSerializer(many=True)}))
    def get(self, request: AuthedRequest) -> Response:
        q = Query(request)
        qs = selectors.ingest_clips(user=request.user, problem=q.choice("problem", selectors.PROBLEM_FILTERS),
                                    camera_id=q.id("camera_id"))
        return paginate(request, self, qs, IngestClipOutputSerializer)


class ClipRetryApi(APIView):
    @extend_schema(request=None, responses={202: IngestClipOutputSerializer})
    def post(self, request: AuthedRequest, pk: int) -> Response:
        clip = selectors.clip_get_admin(user=request.user, id=pk)
        clip = services_admin.clip_retry(clip=clip, by=request.user)
        return Response(IngestClipOutputSerializer(clip).data, status=status.HTTP_202_ACCEPTED)


class ClipAssignApi(APIView):
    class InputSerializer(serializers.Serializer):
        camera_id = IdField()
        started_at = DateTimeField(required=False, allow_null=True)

    @extend_schema(request=InputSerializer, responses={202: IngestClipOutputSerializer})
    def post(self, request: AuthedRequest, pk: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        clip = selectors.clip_get_admin(user=request.user, id=pk)
        camera = selectors.camera_get_any(user=request.user, id=data.validated_data["camera_id"])
        clip = services_admin.clip_assign_camera(clip=clip, camera=camera,
                                                 started_at=data.validated_data.get("started_at"), by=request.user)
        return Response(IngestClipOutputSerializer(clip).data, status=status.HTTP_202_ACCEPTED)


class ReconcileNowApi(APIView):
    @extend_schema(request=None, responses={202: inline_serializer("ReconcileQueued", {
        "queued": serializers.BooleanField()})})
    def post(self, request: AuthedRequest) -> Response:
        from media_ingest.tasks import reconcile

        selectors.ingest_status(user=request.user)  # admin only
        with transaction.atomic():
            jobs.enqueue_on_commit(reconcile)
        return Response({"queued": True}, status=status.HTTP_202_ACCEPTED)


# --- signed object URLs (local store) ---------------------------------------------------------------
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
_CHUNK = 256 * 1024


class RangeNotSatisfiable(Exception):
    pass


def parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """(first, last) inclusive for a single `bytes=` range; None = whole body.

    Multiple ranges and other units are ignored (whole body), as RFC 9110 allows. A malformed or
    unsatisfiable bytes range raises RangeNotSatisfiable (416).
    """
    if not header:
        return None
    header = header.strip()
    if not header.lower().startswith("bytes="):
        return None
    if "," in header:
        return None
    match = _RANGE.match(header.replace(" ", ""))
    if match is None:
        raise RangeNotSatisfiable(header)
    first_s, last_s = match.groups()
    if first_s == "" and last_s == "":
        raise RangeNotSatisfiable(header)
    if first_s == "":
        suffix = int(last_s)
        if suffix == 0 or size == 0:
            raise RangeNotSatisfiable(header)
        return max(0, size - suffix), size - 1
    first = int(first_s)
    last = int(last_s) if last_s else size - 1
    if first >= size or last < first:
        raise RangeNotSatisfiable(header)
    return first, min(last, size - 1)


async def _astream(reader: Any, length: int) -> AsyncIterator[bytes]:
    """Under ASGI Django would buffer a sync iterator whole (sync_to_async(list)): read each
    chunk in a worker thread instead."""
    try:
        remaining = length
        while remaining > 0:
            chunk = await sync_to_async(reader.read, thread_sensitive=False)(min(_CHUNK, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            yield chunk
    finally:
        await sync_to_async(reader.close, thread_sensitive=False)()


def _stream(reader: Any, length: int) -> Iterator[bytes]:
    try:
        remaining = length
        while remaining > 0:
            chunk = reader.read(min(_CHUNK, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            yield chunk
    finally:
        reader.close()


def _error(status_code: int, code: str, vi: str, en: str) -> JsonResponse:
    return JsonResponse(error_body(code, vi, en), status=status_code,
                        json_dumps_params={"ensure_ascii": False})


# Long on purpose: GET/HEAD with HTTP Range and PUT of one signed object share the token check and the headers.
@csrf_exempt
def object_view(request: HttpRequest, token: str) -> HttpResponse | StreamingHttpResponse:
    """GET/HEAD (with HTTP Range, streamed) and PUT (upload) of one object by signed token."""
    method = request.method or "GET"
    if method not in ("GET", "HEAD", "PUT"):
        return _error(405, "method_not_allowed", "Phương thức không được hỗ trợ.", "Method not allowed.")
    try:
        signed = verify_object_token(token, method=method)
    except SignedUrlError as exc:
        return _error(exc.status, exc.code, exc.message, exc.message_en)
    session = getattr(request, "session", None)
    if link_refused_for(signed, user=getattr(request, "user", None),
                        session_key=session.session_key if session is not None else None):
        return _error(403, "not_your_link", "Liên kết xem hình ảnh này chỉ dùng được trong phiên đăng nhập của "
                      "người đã mở nó. Hãy đăng nhập và mở lại đoạn video.",
                      "This footage link works only in the session of the person who opened it. Sign in "
                      "and open the clip again.")
    store = store_for_bucket(signed.bucket)
    if store is None:
        return _error(404, "not_found", "Không tìm thấy tệp.", "Object not found.")
    if method == "PUT":
        if store.bucket != get_footage_store().bucket:  # uploads are footage; the app writes its own
            return _error(403, "wrong_method", "Liên kết này không dùng để tải lên.",
                          "This link cannot be used for uploads.")
        return _put(request, signed)
    try:
        info = store.stat(signed.key)
    except ObjectMissing:
        return _error(404, "not_found", "Không tìm thấy tệp.", "Object not found.")
    except StoreError:
        return _error(503, "store_unavailable", "Kho lưu trữ tạm thời không truy cập được.",
                      "The object store is temporarily unavailable.")
    size = info.size
    try:
        rng = parse_range(request.headers.get("Range"), size)
    except RangeNotSatisfiable:
        refused = _error(416, "range_not_satisfiable", "Đoạn byte yêu cầu không hợp lệ.",
                          "Requested range not satisfiable.")
        refused["Content-Range"] = f"bytes */{size}"
        refused["Accept-Ranges"] = "bytes"
        return refused
    first, last = rng if rng is not None else (0, size - 1)
    length = max(0, last - first + 1)
    if method == "HEAD" or length == 0:
        response: HttpResponse | StreamingHttpResponse = HttpResponse(status=206 if rng else 200)
    else:
        reader = store.open_range(signed.key, first, length)
        body = _astream(reader, length) if isinstance(request, ASGIRequest) else _stream(reader, length)
        response = StreamingHttpResponse(body, status=206 if rng else 200)
    response["Content-Type"] = guess_content_type(signed.key)
    response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    response["ETag"] = f'"{info.etag}"'
    response["Cache-Control"] = "private, max-age=60"
    if rng is not None:
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
    if signed.filename:
        from urllib.parse import quote

        response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(signed.filename)}"
    return response


def _put(request: HttpRequest, signed: Any) -> HttpResponse:
    sent_type = (request.content_type or "").lower()
    if signed.content_type and sent_type != signed.content_type:
        return _error(400, "wrong_content_type", "Loại nội dung không đúng với liên kết tải lên.",
                      f"Content-Type must be {signed.content_type}, got {sent_type or 'none'}.")
    raw_length = request.headers.get("Content-Length")
    if not raw_length or not raw_length.isdigit():
        return _error(411, "length_required", "Cần gửi kèm độ dài nội dung (Content-Length).",
                      "Content-Length is required.")
    store = get_footage_store()
    try:
        store.stat(signed.key)
    except ObjectMissing:
        pass
    else:
        return _error(409, "exists", "Tệp này đã được tải lên; không ghi đè hình ảnh đã lưu.",
                      "This object was already uploaded; stored footage is never overwritten.")
    try:
        result = services_uploads.object_put_signed(key=signed.key, data=request, length=int(raw_length),
                                                    content_type=sent_type)
    except DomainError as exc:
        return _error(exc.status, exc.code, exc.message, exc.message_en)
    clip = result.clip
    return JsonResponse({"key": signed.key, "clip_id": clip.pk if clip else None,
                         "etag": clip.etag if clip else ""}, status=201)


# --- per-camera analysis settings (admin) -----------------------------------------------------------
class CameraAnalysisApi(APIView):
    class InputSerializer(serializers.Serializer):
        overrides = serializers.DictField()

    def _body(self, camera: Any) -> dict[str, Any]:
        from media_ingest.vision import AnalysisConfig

        overrides = services_indexing.analysis_overrides_for(camera)
        own = CameraAnalysis.objects.filter(camera=camera).values_list("overrides", flat=True).first() or {}
        return {"camera_id": camera.pk, "camera": camera.code, "overrides": own,
                "effective": AnalysisConfig(**overrides).model_dump(),
                "defaults": AnalysisConfig().model_dump()}

    @extend_schema(responses=inline_serializer("CameraAnalysis", {
        "camera_id": serializers.IntegerField(), "camera": serializers.CharField(),
        "overrides": serializers.DictField(), "effective": serializers.DictField(),
        "defaults": serializers.DictField()}))
    def get(self, request: AuthedRequest, pk: int) -> Response:
        camera = selectors.camera_get_admin(user=request.user, id=pk)
        return Response(self._body(camera))

    @extend_schema(request=InputSerializer, responses=inline_serializer("CameraAnalysisSaved", {
        "camera_id": serializers.IntegerField(), "overrides": serializers.DictField()}))
    def put(self, request: AuthedRequest, pk: int) -> Response:
        camera = selectors.camera_get_admin(user=request.user, id=pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services_admin.camera_analysis_set(camera=camera, overrides=data.validated_data["overrides"], by=request.user)
        return Response(self._body(camera))


# --- retention and legal hold (admin) ---------------------------------------------------------------
class RetentionHoldOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    clip_id = serializers.IntegerField()
    reason = serializers.CharField()
    by = serializers.CharField(source="by.username")
    created_at = serializers.DateTimeField()
    released_at = serializers.DateTimeField(allow_null=True)
    release_reason = serializers.CharField()


class RetentionClipSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    key = serializers.CharField()
    camera = serializers.CharField(allow_null=True, help_text="The camera's code")
    started_at = serializers.DateTimeField(allow_null=True)
    size_bytes = serializers.IntegerField()
    hold = serializers.ListField(child=serializers.CharField(), help_text="Why retention keeps it")


class RetentionReportApi(APIView):
    """The dry-run report: storage used, what retention would delete now, what is held and why,
    what expires within the week."""

    @extend_schema(responses=inline_serializer("RetentionReport", {
        "retention_days_default": serializers.IntegerField(), "footage_bytes": serializers.IntegerField(),
        "deletable": RetentionClipSerializer(many=True),
        "deletable_bytes": serializers.IntegerField(),
        "held": RetentionClipSerializer(many=True),
        "expiring_this_week": serializers.IntegerField(), "manual_holds": serializers.IntegerField()}))
    def get(self, request: AuthedRequest) -> Response:
        from django.conf import settings
        from django.utils import timezone

        selectors.ingest_status(user=request.user)  # admin only
        report = selectors.retention_report(now=timezone.now())

        def row(clip: Any) -> dict[str, Any]:
            return {"id": clip.pk, "key": clip.key, "camera": clip.camera.code if clip.camera else None,
                    "started_at": clip.started_at, "size_bytes": clip.size_bytes,
                    "hold": report.held.get(clip.pk, [])}

        return Response({"retention_days_default": int(settings.MEDIA_RETENTION_DAYS),
                         "footage_bytes": report.footage_bytes,
                         "deletable": [row(c) for c in report.deletable], "deletable_bytes": report.expired_bytes,
                         "held": [row(c) for c in report.expired if c.pk in report.held],
                         "expiring_this_week": report.expiring_this_week, "manual_holds": report.held_total})


class RetentionRunApi(APIView):
    @extend_schema(request=None, responses={202: inline_serializer("RetentionQueued", {
        "queued": serializers.BooleanField()})})
    def post(self, request: AuthedRequest) -> Response:
        from media_ingest.tasks import retention

        selectors.ingest_status(user=request.user)  # admin only
        with transaction.atomic():
            jobs.enqueue_on_commit(retention)
        return Response({"queued": True}, status=status.HTTP_202_ACCEPTED)


class ClipHoldApi(APIView):
    class InputSerializer(serializers.Serializer):
        reason = PlainTextField(max_length=1000)

    @extend_schema(responses=RetentionHoldOutputSerializer(many=True))
    def get(self, request: AuthedRequest, pk: int) -> Response:
        clip = selectors.clip_get_admin(user=request.user, id=pk)
        return Response(RetentionHoldOutputSerializer(clip.holds.select_related("by").order_by("id"), many=True).data)

    @extend_schema(request=InputSerializer, responses={201: RetentionHoldOutputSerializer})
    def post(self, request: AuthedRequest, pk: int) -> Response:
        clip = selectors.clip_get_admin(user=request.user, id=pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        hold = services_retention.clip_hold_add(clip=clip, reason=data.validated_data["reason"], by=request.user)
        return Response(RetentionHoldOutputSerializer(hold).data, status=status.HTTP_201_CREATED)


class ClipHoldReleaseApi(APIView):
    class InputSerializer(serializers.Serializer):
        reason = PlainTextField(max_length=1000)

    @extend_schema(request=InputSerializer, responses=RetentionHoldOutputSerializer)
    def post(self, request: AuthedRequest, pk: int, hold_id: int) -> Response:
        clip = selectors.clip_get_admin(user=request.user, id=pk)
        hold = clip.holds.filter(pk=hold_id).first()
        if hold is None:
            raise DomainError("Không tìm thấy lệnh giữ lại.", "Hold not found.", code="not_found", status=404)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        hold = services_retention.clip_hold_release(hold=hold, reason=data.validated_data["reason"], by=request.user)
        return Response(RetentionHoldOutputSerializer(hold).data)


class CameraRetentionApi(APIView):
    class InputSerializer(serializers.Serializer):
        days = serializers.IntegerField(min_value=1, max_value=3650, allow_null=True)

    @extend_schema(request=InputSerializer, responses=inline_serializer("CameraRetention", {
        "camera_id": serializers.IntegerField(), "days": serializers.IntegerField()}))
    def put(self, request: AuthedRequest, pk: int) -> Response:
        camera = selectors.camera_get_admin(user=request.user, id=pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        days = services_retention.camera_retention_set(camera=camera, days=data.validated_data["days"], by=request.user)
        return Response({"camera_id": camera.pk, "days": days})
