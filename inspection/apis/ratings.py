"""Citizen satisfaction ratings: the list, the counter devices, review, volumes, CSV imports, integrity."""
from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from backend.accounts.models import ApiToken, Role
from backend.accounts.selectors import require_role, require_token_kind
from backend.core.actors import AuthedRequest
from backend.core.errors import DomainError, NotFound
from backend.core.pagination import Pagination
from backend.core.params import REASON_MAX, PlainTextField, Query, parse_text
from backend.core.parsers import JSONParser
from backend.core.schema import q_bool, q_date, q_id, q_int
from backend.core.store import get_store
from backend.org.apis import paginate
from backend.org.models import Counter
from inspection import selectors_ratings, services_ratings, services_volumes
from inspection.apis.common import TEAM, CounterWithUnitSerializer, _counter_brief, _unit_brief, ref_brief_field
from inspection.models import CsvImport, SatisfactionRating


class DeviceThrottle(ScopedRateThrottle):
    """Rate-limits device posts only (scope 'device')."""

    def allow_request(self, request: Request, view: Any) -> bool:
        if request.method != "POST":
            return True
        return super().allow_request(request, view)


class RatingOutputSerializer(serializers.ModelSerializer):
    counter = serializers.SerializerMethodField()

    class Meta:
        model = SatisfactionRating
        fields = ["id", "counter", "device_code", "device_rating_id", "rated_at", "score", "comment", "source",
                  "received_at", "held", "hold_reason", "review", "review_note", "reviewed_at"]

    @extend_schema_field(CounterWithUnitSerializer)
    def get_counter(self, obj: SatisfactionRating) -> dict[str, Any] | None:
        return {**(_counter_brief(obj.counter) or {}), "unit": _unit_brief(obj.counter.unit)}


class RatingErrorSerializer(serializers.Serializer):
    field = serializers.CharField()
    vi = serializers.CharField()
    en = serializers.CharField()


class RatingResultSerializer(serializers.Serializer):
    """One posted rating's outcome (`services_ratings.ratings_record`)."""

    index = serializers.IntegerField()
    id = serializers.CharField(required=False, help_text="The device's own id for the rating")
    status = serializers.ChoiceField(choices=["created", "duplicate", "conflict", "invalid"])
    rating_id = serializers.IntegerField(required=False, allow_null=True)
    errors = RatingErrorSerializer(many=True, required=False)  # type: ignore[assignment]  # the metaclass takes fields off the class
    held = serializers.BooleanField(required=False)


class RatingBatchOutputSerializer(serializers.Serializer):
    results = RatingResultSerializer(many=True)
    summary = inline_serializer("RatingBatchSummary", {
        s: serializers.IntegerField() for s in ("created", "duplicate", "conflict", "invalid")})


RATING_POST_RESULT = PolymorphicProxySerializer(
    component_name="RatingPostResult", serializers=[RatingBatchOutputSerializer, RatingResultSerializer],
    resource_type_field_name=None, many=False)


class RatingListApi(APIView):
    """GET (users): ratings in scope. POST (rating device token): one rating or {"ratings": [...]}."""

    throttle_classes = [DeviceThrottle]
    throttle_scope = "device"

    pagination_class = Pagination  # the schema's page shape (paginate() pages the body)

    @extend_schema(parameters=[q_id("counter"), q_id("unit"), q_int("max_score"), q_date("from"), q_date("to"),
                               q_bool("held")], responses=RatingOutputSerializer(many=True))
    def get(self, request: AuthedRequest) -> Response:
        q = Query(request)
        start, end = q.day_range()
        filters = {"counter_id": q.id("counter"), "unit_id": q.id("unit"),
                   "max_score": q.int("max_score", lo=1, hi=5), "from": start, "to": end, "held": q.bool("held")}
        return paginate(request, self, selectors_ratings.ratings_list(user=request.user, filters=filters),
                        RatingOutputSerializer)

    @extend_schema(request=OpenApiTypes.OBJECT, description='One rating {"id", "rated_at", "score", '
                   '"comment"?} or a batch {"ratings": [...]} (rating-device token).',
                   responses={200: RATING_POST_RESULT, 201: RatingResultSerializer})
    def post(self, request: AuthedRequest) -> Response:
        token: ApiToken = require_token_kind(request.auth, ApiToken.Kind.RATING_DEVICE)
        body = request.data
        batch = isinstance(body, dict) and "ratings" in body
        items = body["ratings"] if isinstance(body, dict) and batch else [body]
        results = services_ratings.ratings_record(token=token, items=items)
        if batch:
            summary = {s: sum(1 for r in results if r["status"] == s)
                       for s in ("created", "duplicate", "conflict", "invalid")}
            return Response({"results": results, "summary": summary}, status=200)
        result = results[0]
        if result["status"] == "invalid":
            first = result["errors"][0]
            raise DomainError(f"Lượt đánh giá không hợp lệ — {first['vi']}", f"Invalid rating — {first['en']}",
                              code="invalid", fields={e["field"]: [e["en"]] for e in result["errors"]})
        if result["status"] == "conflict":
            raise DomainError("Mã đánh giá này đã được dùng cho một lượt đánh giá khác.",
                              "This rating id was already used for a different rating.", code="replay_conflict",
                              fields={"id": ["already used"]}, status=409)
        return Response(result, status=201 if result["status"] == "created" else 200)


class RatingReviewApi(APIView):
    """The inspection team accepts (counted again) or rejects (kept out, with a note) held ratings."""

    class InputSerializer(serializers.Serializer):
        ids = serializers.ListField(child=serializers.IntegerField(min_value=1), min_length=1, max_length=500)
        decision = serializers.ChoiceField(choices=["accepted", "rejected"])
        note = PlainTextField(required=False, allow_blank=True, default="", max_length=2000)

    class OutputSerializer(serializers.Serializer):
        reviewed = serializers.IntegerField()

    @extend_schema(responses=OutputSerializer)
    def post(self, request: AuthedRequest) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        count = services_ratings.ratings_review(by=request.user, **data.validated_data)
        return Response(self.OutputSerializer({"reviewed": count}).data)


class RatingDeviceApi(APIView):
    """Rating devices (administrator). GET: the registered devices. POST {"serial", "counter_id",
    "token_id"?}: register a counter's device by its serial and the rating-device token it posts with,
    so its posts and its CSV exports count each rating once (device:<serial>)."""

    class InputSerializer(serializers.Serializer):
        serial = PlainTextField(one_line=True, max_length=80)
        counter_id = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
        token_id = serializers.IntegerField(min_value=1, max_value=2**31 - 1, required=False, allow_null=True)

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        serial = serializers.CharField()
        counter = serializers.SerializerMethodField()
        token_id = serializers.IntegerField(allow_null=True)
        registered_at = serializers.DateTimeField()

        @ref_brief_field
        def get_counter(self, obj: Any) -> dict[str, Any] | None:
            return _counter_brief(obj.counter)

    pagination_class = Pagination  # the schema's page shape (paginate() pages the body)

    @extend_schema(responses=OutputSerializer(many=True))
    def get(self, request: AuthedRequest) -> Response:
        require_role(request.user, Role.ADMIN, *TEAM)
        from inspection.models import RatingDevice

        return paginate(request, self, RatingDevice.objects.select_related("counter").order_by("serial"),
                        self.OutputSerializer)

    @extend_schema(responses={201: OutputSerializer})
    def post(self, request: AuthedRequest) -> Response:
        require_role(request.user, Role.ADMIN)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        counter = Counter.objects.filter(pk=data.validated_data["counter_id"]).first()
        if counter is None:
            raise DomainError("Không có quầy này.", "No such counter.", code="invalid",
                              fields={"counter_id": ["not found"]})
        token = None
        if data.validated_data.get("token_id"):
            token = ApiToken.objects.filter(pk=data.validated_data["token_id"]).first()
            if token is None:
                raise DomainError("Không có mã truy cập này.", "No such token.", code="invalid",
                                  fields={"token_id": ["not found"]})
        device = services_ratings.rating_device_register(by=request.user, counter=counter,
                                                         serial=data.validated_data["serial"], token=token)
        return Response(self.OutputSerializer(device).data, status=201)


class VolumeOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    counter = serializers.SerializerMethodField()
    day = serializers.DateField()
    transactions = serializers.IntegerField()
    source = serializers.CharField()  # type: ignore[assignment]  # as FindingListApi's source
    recorded_at = serializers.DateTimeField()

    @extend_schema_field(CounterWithUnitSerializer)
    def get_counter(self, obj: Any) -> dict[str, Any] | None:
        return {**(_counter_brief(obj.counter) or {}), "unit": _unit_brief(obj.counter.unit)}


class VolumeListApi(APIView):
    """Transactions served per counter per day. GET: in scope (filters counter, unit, from, to).
    POST: {"items": [{"counter": code, "day": "YYYY-MM-DD", "transactions": n}, ...]} or a CSV file
    (field `file`, columns counter, day, transactions). A later, different figure for a recorded day
    is a correction: inspection team only, with `reason`; audited old -> new."""

    parser_classes = [JSONParser, MultiPartParser, FormParser]

    class OutputSerializer(serializers.Serializer):
        created = serializers.IntegerField()
        updated = serializers.IntegerField()
        unchanged = serializers.IntegerField()

    pagination_class = Pagination  # the schema's page shape (paginate() pages the body)

    @extend_schema(parameters=[q_id("counter"), q_id("unit"), q_date("from"), q_date("to")],
                   responses=VolumeOutputSerializer(many=True))
    def get(self, request: AuthedRequest) -> Response:
        q = Query(request)
        filters = {"counter_id": q.id("counter"), "unit_id": q.id("unit"), "from": q.date("from"), "to": q.date("to")}
        return paginate(request, self, selectors_ratings.volumes_list(user=request.user, filters=filters),
                        VolumeOutputSerializer)

    @extend_schema(request={
        "application/json": inline_serializer("VolumeItemsInput", {
            "items": serializers.ListField(child=inline_serializer("VolumeItem", {
                "counter": serializers.CharField(), "day": serializers.DateField(),
                "transactions": serializers.IntegerField()})),
            "reason": serializers.CharField(required=False)}),
        "multipart/form-data": inline_serializer("VolumeCsvInput", {
            "file": serializers.FileField(), "reason": serializers.CharField(required=False)})},
        responses={201: OutputSerializer})
    def post(self, request: AuthedRequest) -> Response:
        require_role(request.user, *services_volumes.VOLUME_WRITERS)
        upload = request.FILES.get("file")
        body = request.data if isinstance(request.data, dict) else {}  # JSON object or form (a QueryDict)
        if upload is not None:
            if upload.size > SYNC_IMPORT_BYTES:
                raise DomainError("Tệp CSV quá lớn (tối đa 2 MB).", "The CSV is too large (2 MB at most).",
                                  code="too_large", fields={"file": ["too large"]})
            try:
                text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise DomainError("Tệp CSV phải mã hóa UTF-8.", "The CSV must be UTF-8.", code="invalid",
                                  fields={"file": ["not UTF-8"]}) from None
            summary = services_volumes.volumes_import_csv(
                by=request.user, text=text,
                reason=parse_text(body.get("reason"), "reason", max_length=REASON_MAX))
        else:
            items = request.data.get("items") if isinstance(request.data, dict) else None
            if not isinstance(items, list):
                raise DomainError("Cần danh sách items hoặc tệp CSV.", "Give a list 'items' or a CSV 'file'.",
                                  code="required", fields={"items": ["required"]})
            summary = services_volumes.volumes_record(
                by=request.user, items=items,
                reason=parse_text(body.get("reason"), "reason", max_length=REASON_MAX))
        return Response(self.OutputSerializer(summary).data, status=201)


class CsvImportOutputSerializer(serializers.ModelSerializer):
    progress = serializers.SerializerMethodField()

    class Meta:
        model = CsvImport
        fields = ["id", "state", "filename", "sha256", "started_at", "finished_at", "total_rows", "processed_rows",
                  "imported", "duplicates", "errors", "failure", "progress"]

    def get_progress(self, obj: CsvImport) -> float | None:
        if obj.state == CsvImport.State.DONE:
            return 1.0
        return None if not obj.total_rows else round(obj.processed_rows / obj.total_rows, 4)


SYNC_IMPORT_BYTES = 2 * 1024 * 1024


class RatingImportApi(APIView):
    """Upload a CSV (counter_code, device_id, rating_id, rated_at, score[, comment]).
    Small files are imported at once (201); larger ones are queued (202) and polled."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": inline_serializer("RatingCsvInput", {
        "file": serializers.FileField()})}, responses={201: CsvImportOutputSerializer, 202: CsvImportOutputSerializer})
    def post(self, request: AuthedRequest) -> Response:
        require_role(request.user, *TEAM, Role.ADMIN)
        upload = request.FILES.get("file")
        if upload is None:
            raise DomainError("Chưa chọn tệp CSV.", "No CSV file uploaded (field 'file').", code="required",
                              fields={"file": ["required"]})
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        if upload.size <= SYNC_IMPORT_BYTES:
            record = services_ratings.ratings_import_upload(by=request.user, fileobj=upload.file, filename=upload.name,
                                                            sha256=digest.hexdigest())
            return Response(CsvImportOutputSerializer(record).data, status=201)
        from inspection.tasks import ratings_import_task

        key = f"inspection/imports/{digest.hexdigest()}.csv"
        get_store().put(key, upload, upload.size, "text/csv")
        record = services_ratings.csv_import_queue(by=request.user, filename=upload.name, sha256=digest.hexdigest(), key=key,
                                                   task=ratings_import_task)
        return Response(CsvImportOutputSerializer(record).data, status=202)


class RatingImportDetailApi(APIView):
    @extend_schema(responses=CsvImportOutputSerializer)
    def get(self, request: AuthedRequest, pk: int) -> Response:
        require_role(request.user, *TEAM, Role.ADMIN)
        record = CsvImport.objects.filter(pk=pk).first()
        if record is None:
            raise NotFound("Không tìm thấy lượt nhập.", "Import not found.")
        return Response(CsvImportOutputSerializer(record).data)


class IntegrityRowSerializer(serializers.Serializer):
    counter = CounterWithUnitSerializer()
    ratings = serializers.IntegerField()
    mean_score = serializers.FloatField(allow_null=True)
    top_share = serializers.FloatField()
    satisfied_share = serializers.FloatField()
    unsatisfied = serializers.IntegerField()
    too_soon = serializers.IntegerField()
    too_soon_share = serializers.FloatField()
    complaints = serializers.IntegerField()
    complaints_per_100_ratings = serializers.FloatField()
    disagrees_with_complaints = serializers.BooleanField()
    flags = serializers.ListField(child=serializers.ChoiceField(
        choices=["top_share_high", "too_soon", "disagrees_with_complaints"]))


class RatingIntegrityApi(APIView):
    @extend_schema(parameters=[q_date("from"), q_date("to"), q_int("too_soon_seconds")],
                   responses=inline_serializer("RatingIntegrity", {
                       "from": serializers.DateTimeField(), "to": serializers.DateTimeField(),
                       "too_soon_seconds": serializers.IntegerField(),
                       "counters": IntegrityRowSerializer(many=True)}))
    def get(self, request: AuthedRequest) -> Response:
        q = Query(request)
        start, end = q.day_range()
        now = timezone.now()
        start = start or now - timedelta(days=90)
        end = end or now
        too_soon = q.int("too_soon_seconds", lo=1, hi=86400, default=20)
        rows = selectors_ratings.rating_integrity(user=request.user, start=start, end=end, too_soon_seconds=too_soon)
        return Response({"from": start, "to": end, "too_soon_seconds": too_soon, "counters": rows})
