"""A check's report: results, signing, the representative, the handover of the device, amendments, evidence photos, the PDF minutes."""
from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from django.http import FileResponse, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, PolymorphicProxySerializer, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.errors import HandoverLocked
from backend.accounts.network import LoginRateThrottle, client_ip
from backend.accounts.selectors import HANDOVER_CHECK, session_handover
from backend.audit.services import audit_access
from backend.core.actors import AuthedRequest
from backend.core.errors import DomainError, NotFound
from backend.core.params import (
    REASON_MAX,
    TEXT_MAX,
    PlainTextField,
    TextDictField,
    parse_datetime,
    parse_text,
)
from backend.core.store import ObjectMissing, get_store
from inspection import selectors_checks, selectors_reports, services_reports, services_signoff
from inspection.apis.common import CriteriaSetRefSerializer, ReportFlagSerializer, UserBriefSerializer, _user_brief
from inspection.minutes import report_minutes_pdf
from inspection.models import CheckReport, CriterionResult

DEVICE_CLOCK_SLACK = timedelta(minutes=10)


def _report_data(report: CheckReport) -> dict[str, Any]:
    results = [{"criterion": r.criterion.code, "text": r.criterion.text, "max_points": r.criterion.max_points,
                "weight": r.criterion.weight, "critical": r.criterion.critical, "outcome": r.outcome,
                "points": r.points, "note": r.note}
               for r in sorted(report.results.all(), key=lambda r: (r.criterion.position, r.criterion_id))]
    return {
        "check": str(report.surprise_check.uid), "criteria_set": {"id": report.criteria_set_id,
                                                                  "name": report.criteria_set.name},
        "summary": report.summary, "score": report.score, "max_score": report.max_score, "percent": report.percent,
        "flags": report.flags, "results": results,
        # why the lead's signature would be refused now (the web app holds its button and says why); an
        # unsigned report is read by the check's team only, so the draft findings they count stay theirs
        "sign_blockers": [] if report.is_signed else services_reports.report_sign_blockers(report),
        # The time and position of a photo are what the inspector's device declared (its clock and GPS,
        # not verified); `received_at` is the server's own clock when the upload arrived.
        "evidence": [{"id": e.pk, "filename": e.filename, "size": e.size, "sha256": e.sha256,
                      "content_type": e.content_type,
                      "criterion": e.result.criterion.code if e.result is not None else None,
                      "received_at": e.uploaded_at,
                      "device_declared": {"captured_at": e.captured_at, "latitude": e.latitude,
                                          "longitude": e.longitude, "accuracy_m": e.accuracy_m},
                      # a device clock that says the photo predates the check: shown as doubtful
                      "device_time_before_check": bool(
                          e.captured_at and report.surprise_check.started_at
                          and e.captured_at < report.surprise_check.started_at - DEVICE_CLOCK_SLACK)}
                     for e in report.evidence.all()],
        "signed": report.is_signed, "signed_at": report.signed_at, "signed_by": _user_brief(report.signed_by),
        "content_hash": report.content_hash, "version": report.version,
        "lead_content_hash": report.lead_content_hash,
        "representative": ({"name": report.rep_name, "post": report.rep_post, "opinion": report.rep_opinion,
                            "method": report.rep_method, "identity": report.rep_identity,
                            "user": _user_brief(report.rep_user),
                            "signature_sha256": report.rep_signature_sha256, "signed_at": report.rep_signed_at}
                           if report.rep_signed_at else None),
        "amendments": [{"number": a.number, "author": _user_brief(a.author), "reason": a.reason,
                        "changes": a.changes, "content_hash": a.content_hash, "at": a.at}
                       for a in report.amendments.all()],
    }


class ReportResultSerializer(serializers.Serializer):
    criterion = serializers.CharField()
    text = serializers.CharField()
    max_points = serializers.FloatField()
    weight = serializers.FloatField()
    critical = serializers.BooleanField()
    outcome = serializers.ChoiceField(choices=CriterionResult.Outcome.choices)
    points = serializers.FloatField()
    note = serializers.CharField(allow_blank=True)


class DeviceDeclaredSerializer(serializers.Serializer):
    captured_at = serializers.DateTimeField(allow_null=True)
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    accuracy_m = serializers.FloatField(allow_null=True)


class ReportEvidenceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    filename = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    content_type = serializers.CharField(allow_blank=True)
    criterion = serializers.CharField(allow_null=True)
    received_at = serializers.DateTimeField()
    device_declared = DeviceDeclaredSerializer(help_text="What the inspector's device declared (not verified)")
    device_time_before_check = serializers.BooleanField()


class RepresentativeSerializer(serializers.Serializer):
    name = serializers.CharField(allow_blank=True)
    post = serializers.CharField(allow_blank=True)
    opinion = serializers.CharField(allow_blank=True)
    method = serializers.CharField(allow_blank=True)
    identity = serializers.CharField(allow_blank=True)
    user = UserBriefSerializer(allow_null=True)
    signature_sha256 = serializers.CharField(allow_blank=True)
    signed_at = serializers.DateTimeField()


class AmendmentSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    author = UserBriefSerializer(allow_null=True)
    reason = serializers.CharField()
    changes = serializers.JSONField()
    content_hash = serializers.CharField()
    at = serializers.DateTimeField()


class SignBlockerSerializer(serializers.Serializer):
    code = serializers.CharField()
    vi = serializers.CharField()
    en = serializers.CharField()


class ReportOutputSerializer(serializers.Serializer):
    """The report as `_report_data` writes it."""

    check = serializers.UUIDField()
    criteria_set = CriteriaSetRefSerializer()
    summary = serializers.CharField(allow_blank=True)
    score = serializers.FloatField()
    max_score = serializers.FloatField()
    percent = serializers.FloatField()
    flags = ReportFlagSerializer(many=True)
    sign_blockers = SignBlockerSerializer(many=True, help_text="Why the lead's signature would be refused now "
                                                              "(empty once signed)")
    results = ReportResultSerializer(many=True)
    evidence = ReportEvidenceSerializer(many=True)
    signed = serializers.BooleanField()
    signed_at = serializers.DateTimeField(allow_null=True)
    signed_by = UserBriefSerializer(allow_null=True)
    content_hash = serializers.CharField(allow_blank=True)
    version = serializers.IntegerField()
    lead_content_hash = serializers.CharField(allow_blank=True)
    representative = RepresentativeSerializer(allow_null=True)
    amendments = AmendmentSerializer(many=True)


class SignedReportOutputSerializer(serializers.Serializer):
    """?version=original: the content frozen at signing."""

    check = serializers.UUIDField()
    content_hash = serializers.CharField()
    content = serializers.JSONField()


class HandoverLeadSerializer(serializers.Serializer):
    """The team lead as the signed minutes print him (services_signoff._lead_block); only his name when
    the signed content names no lead."""

    name = serializers.CharField(allow_blank=True)
    username = serializers.CharField(required=False)
    rank = serializers.CharField(required=False, allow_blank=True)
    post = serializers.CharField(required=False, allow_blank=True)
    unit = serializers.CharField(required=False, allow_blank=True)
    signed_at = serializers.CharField(required=False, help_text="When he signed (ISO 8601, as sealed)")
    signature_sha256 = serializers.CharField(required=False, allow_null=True)


class HandoverResultSerializer(serializers.Serializer):
    """One criterion's result as the lead signed it."""

    criterion = serializers.CharField()
    text = serializers.CharField(allow_blank=True)
    outcome = serializers.CharField()
    points = serializers.CharField(help_text="Decimal, as sealed")
    note = serializers.CharField(allow_blank=True)


class HandoverRepresentativeSerializer(serializers.Serializer):
    """The unit's signature, once given (services_reports._representative_content, in part)."""

    name = serializers.CharField(allow_blank=True)
    post = serializers.CharField(allow_blank=True)
    opinion = serializers.CharField(allow_blank=True)
    method = serializers.CharField(allow_blank=True)
    identity = serializers.CharField(allow_blank=True)
    signed_at = serializers.CharField(allow_null=True, help_text="ISO 8601, as sealed")


class HandoverOutputSerializer(serializers.Serializer):
    check = serializers.CharField()
    reference = serializers.CharField()
    unit = serializers.CharField()
    counter = serializers.CharField(allow_null=True)
    lead = HandoverLeadSerializer()
    lead_title = serializers.ChoiceField(choices=["team_lead", "check_lead"], allow_null=True,
                                         help_text="What the lead is called (selectors_checks.check_lead_is_team_lead)")
    signed_at = serializers.DateTimeField(allow_null=True)
    results = HandoverResultSerializer(many=True)
    score = serializers.CharField(allow_null=True)
    max_score = serializers.CharField(allow_null=True)
    percent = serializers.CharField(allow_null=True)
    summary = serializers.CharField(allow_blank=True)
    lead_content_hash = serializers.CharField(allow_blank=True)
    content_hash = serializers.CharField(allow_blank=True)
    representative = HandoverRepresentativeSerializer(allow_null=True)


RESULT_CAPS = {"criterion": 40, "outcome": 40, "note": REASON_MAX}  # a check report's result row: its typed text
RESULT_ONE_LINE = ("criterion", "outcome")
QUEUE_OWNER_HEADER = "X-Counterwatch-User"


def _require_queue_owner(request: Request) -> None:
    """A change queued on a device names the account that made it (header X-Counterwatch-User). If the
    session now belongs to someone else (another tab signed out and in), it is refused, never written under
    the other person's name."""
    owner = request.headers.get(QUEUE_OWNER_HEADER)
    if owner is not None and owner.strip() != str(request.user.pk):
        raise DomainError("Thay đổi này được ghi trên máy bởi một tài khoản khác với tài khoản đang đăng nhập; "
                          "không gửi dưới tên người khác. Đăng nhập lại bằng tài khoản đã ghi để gửi.",
                          "This change was made on the device by another account than the one signed in; it "
                          "is not sent under someone else's name. Sign in with the account that made it to "
                          "send it.", code="queue_owner_mismatch", status=403)


class ReportApi(APIView):
    """GET the report (?version=original: as signed). PUT results/summary while not signed."""

    class InputSerializer(serializers.Serializer):
        summary = PlainTextField(required=False, allow_blank=True, max_length=TEXT_MAX)
        results = serializers.ListField(child=TextDictField(caps=RESULT_CAPS, one_line=RESULT_ONE_LINE), required=False,
                                        default=list, max_length=1000)
        # required by the service (a clear 400 of its own when missing): a last write never silently wins
        version = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)

    @extend_schema(parameters=[OpenApiParameter("version", OpenApiTypes.STR, enum=["original"],
                                                description="original: the report as signed")],
                   responses=PolymorphicProxySerializer(
                       component_name="ReportOrSigned", resource_type_field_name=None, many=False,
                       serializers=[ReportOutputSerializer, SignedReportOutputSerializer]))
    def get(self, request: AuthedRequest, uid: str) -> Response:
        report = selectors_reports.report_get_for(user=request.user, uid=uid)
        if request.query_params.get("version") == "original":
            if not report.is_signed:
                raise NotFound("Biên bản chưa được ký.", "The report is not signed yet.")
            return Response({"check": str(uid), "content_hash": report.content_hash,
                             "content": report.signed_content})
        return Response(_report_data(report))

    @extend_schema(responses=ReportOutputSerializer)
    def put(self, request: AuthedRequest, uid: str) -> Response:
        _require_queue_owner(request)
        check = selectors_checks.check_get_for(user=request.user, uid=uid)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services_reports.report_update(by=request.user, check=check, results=data.validated_data["results"],
                                       summary=data.validated_data.get("summary"), version=data.validated_data.get("version"))
        return Response(_report_data(selectors_reports.report_get_for(user=request.user, uid=uid)))


class ReportSignApi(APIView):
    """The team lead signs the minutes (optionally with a signature drawn on the screen)."""

    class InputSerializer(serializers.Serializer):
        signature = serializers.CharField(required=False, allow_blank=True, default="", max_length=800_000)

    @extend_schema(request=InputSerializer, responses=ReportOutputSerializer)
    def post(self, request: AuthedRequest, uid: str) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services_signoff.report_sign(by=request.user, check=selectors_checks.check_get_for(user=request.user, uid=uid),
                                     signature=data.validated_data["signature"])
        return Response(_report_data(selectors_reports.report_get_for(user=request.user, uid=uid)))


def _in_handover_of(request: Request, uid: Any) -> bool:
    """Whether this session is handed over; refused (403) when it is, but for another check."""
    handed = session_handover(request._request.session)
    if handed is not None and handed != str(uid):
        raise HandoverLocked()
    return handed is not None


class ReportRepresentativeApi(APIView):
    """The inspected unit's representative signs after the team lead, on the lead's device: with their own
    account (username, password and the second factor their account's sign-in asks, checked by the
    sign-in rules and their lockout; name and post then come from the officer records) or a drawn
    signature (name and post typed, recorded as declared). Answers a handed-over session too."""

    handover_step = True
    throttle_classes = [LoginRateThrottle]
    throttle_scope = "login"

    class InputSerializer(serializers.Serializer):
        name = PlainTextField(one_line=True, required=False, allow_blank=True, default="", max_length=200)
        post = PlainTextField(one_line=True, required=False, allow_blank=True, default="", max_length=200)
        opinion = PlainTextField(required=False, allow_blank=True, default="", max_length=TEXT_MAX)
        signature = serializers.CharField(required=False, allow_blank=True, default="", max_length=800_000)
        username = serializers.CharField(required=False, allow_blank=True, default="", max_length=150)
        password = serializers.CharField(required=False, allow_blank=True, default="", max_length=256,
                                         trim_whitespace=False)
        code = serializers.CharField(required=False, allow_blank=True, default="", max_length=32)

    @extend_schema(request=InputSerializer, responses=PolymorphicProxySerializer(
        component_name="ReportOrHandover", resource_type_field_name=None, many=False,
        serializers=[ReportOutputSerializer, HandoverOutputSerializer]))
    def post(self, request: AuthedRequest, uid: str) -> Response:
        from backend.accounts.services import identity_confirm

        handed_over = _in_handover_of(request, uid)
        check = selectors_checks.check_get_for(user=request.user, uid=uid)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        rep_user, factor = None, ""
        if v["username"] or v["password"]:
            if v["signature"]:
                raise DomainError("Chọn một cách xác nhận: tài khoản hoặc chữ ký vẽ.",
                                  "Choose one way to confirm: an account or a drawn signature.", code="invalid",
                                  fields={"signature": ["choose one"]})
            rep_user, factor = identity_confirm(request=request._request, username=v["username"],
                                                password=v["password"], code=v["code"], ip=client_ip(request.META))
        services_signoff.report_representative_sign(by=request.user, check=check, name=v["name"], post=v["post"],
                                                    opinion=v["opinion"], signature=v["signature"], rep_user=rep_user,
                                                    two_factor=factor)
        report = selectors_reports.report_get_for(user=request.user, uid=uid)
        return Response(_handover_data(report) if handed_over else _report_data(report))


def _handover_data(report: CheckReport) -> dict[str, Any]:
    """What the hand-over screen shows: the minutes as the lead signed them (the signed content only) and,
    once given, the unit's signature. Nothing else of the check or of the app."""
    check = report.surprise_check
    signed = report.signed_content or {}
    texts = {r.criterion.code: r.criterion.text for r in report.results.all()}
    rep = signed.get("unit_representative") if report.rep_signed_at else None
    return {
        "check": str(check.uid), "reference": check.reference, "unit": check.unit.name,
        "counter": check.counter.name if check.counter else None,
        "lead": signed.get("lead") or {"name": report.signed_by.get_full_name() if report.signed_by else ""},
        "lead_title": (None if check.lead_id is None
                       else "team_lead" if selectors_checks.check_lead_is_team_lead(check) else "check_lead"),
        "signed_at": report.signed_at,
        "results": [{"criterion": code, "text": texts.get(code, ""), "outcome": outcome, "points": points, "note": note}
                    for code, outcome, points, note in signed.get("results", [])],
        "score": signed.get("score"), "max_score": signed.get("max_score"), "percent": signed.get("percent"),
        "summary": signed.get("summary", ""), "lead_content_hash": report.lead_content_hash,
        "content_hash": report.content_hash,
        "representative": ({k: rep.get(k) for k in ("name", "post", "opinion", "method", "identity", "signed_at")}
                           if rep else None),
    }


class ReportHandoverApi(APIView):
    """The team lead hands the device to the unit's representative: from now on this session answers only
    the signature step of this check, until the lead re-enters their password (HandoverExitApi)."""

    @extend_schema(request=None, responses=HandoverOutputSerializer)
    def post(self, request: AuthedRequest, uid: str) -> Response:
        check = selectors_checks.check_get_for(user=request.user, uid=uid)
        report = services_signoff.report_handover_start(by=request.user, check=check)
        request._request.session[HANDOVER_CHECK] = str(check.uid)
        return Response(HandoverOutputSerializer(_handover_data(report)).data)


class HandoverApi(APIView):
    """GET: the signature step of the handed-over check (404 when this session is not handed over)."""

    handover_step = True

    @extend_schema(responses=HandoverOutputSerializer)
    def get(self, request: AuthedRequest) -> Response:
        uid = session_handover(request._request.session)
        if uid is None:
            raise NotFound("Máy không ở chế độ trao cho đại diện đơn vị.", "This device is not handed over.")
        report = selectors_reports.report_get_for(user=request.user, uid=uid)
        return Response(HandoverOutputSerializer(_handover_data(report)).data)


class HandoverExitApi(APIView):
    """The team lead takes the device back by re-entering their password (the sign-in's password step and
    its lockout): the session answers the whole app again."""

    handover_step = True
    throttle_classes = [LoginRateThrottle]
    throttle_scope = "login"

    class InputSerializer(serializers.Serializer):
        password = serializers.CharField(max_length=256, trim_whitespace=False)

    @extend_schema(request=InputSerializer, responses={204: None})
    def post(self, request: AuthedRequest) -> Response:
        from backend.accounts.services import login_failures_clear, login_password_check

        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        session = request._request.session
        uid = session_handover(session)
        if uid is None:
            return Response(status=204)
        try:
            user = login_password_check(request=request._request, username=request.user.get_username(),
                                        password=data.validated_data["password"], ip=client_ip(request.META))
        except DomainError as error:
            if error.code != "bad_credentials":
                raise
            # only the password was asked for (the lead's own account): no "username or password"
            raise DomainError("Sai mật khẩu.", "Wrong password.", code="bad_credentials", status=400) from error
        if user.pk != request.user.pk:  # cannot happen with the same username; never trust it silently
            raise DomainError("Sai mật khẩu.", "Wrong password.", code="bad_credentials")
        login_failures_clear(username=user.get_username())
        session.pop(HANDOVER_CHECK, None)
        services_signoff.report_handover_end(by=request.user, check_uid=uid)
        return Response(status=204)


class ReportAmendApi(APIView):
    class InputSerializer(serializers.Serializer):
        reason = PlainTextField(max_length=REASON_MAX)
        summary = PlainTextField(required=False, allow_blank=True, max_length=TEXT_MAX)
        results = serializers.ListField(child=TextDictField(caps=RESULT_CAPS, one_line=RESULT_ONE_LINE), required=False,
                                        default=list, max_length=1000)

    @extend_schema(responses={201: ReportOutputSerializer})
    def post(self, request: AuthedRequest, uid: str) -> Response:
        check = selectors_checks.check_get_for(user=request.user, uid=uid)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        services_reports.report_amend(by=request.user, check=check, reason=v["reason"], results=v["results"],
                                      summary=v.get("summary"))
        return Response(_report_data(selectors_reports.report_get_for(user=request.user, uid=uid)), status=201)


class ReportEvidenceApi(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": inline_serializer("ReportEvidenceInput", {
        "file": serializers.FileField(), "criterion": serializers.CharField(required=False),
        "reason": serializers.CharField(required=False), "sha256": serializers.CharField(required=False),
        "captured_at": serializers.DateTimeField(required=False), "latitude": serializers.CharField(required=False),
        "longitude": serializers.CharField(required=False), "accuracy": serializers.CharField(required=False)})},
        responses={201: inline_serializer("ReportEvidenceStored", {
            "id": serializers.IntegerField(), "filename": serializers.CharField(), "size": serializers.IntegerField(),
            "sha256": serializers.CharField()})})
    def post(self, request: AuthedRequest, uid: str) -> Response:
        _require_queue_owner(request)
        check = selectors_checks.check_get_for(user=request.user, uid=uid)
        upload = request.FILES.get("file")
        if upload is None:
            raise DomainError("Chưa chọn tệp.", "No file uploaded (field 'file').", code="required",
                              fields={"file": ["required"]})
        form = request.data if isinstance(request.data, dict) else {}  # multipart only: a QueryDict
        item = services_reports.report_evidence_add(by=request.user, check=check, fileobj=upload, filename=upload.name,
                                            content_type=upload.content_type or "",
                                            criterion_code=parse_text(form.get("criterion"), "criterion",
                                                                      max_length=40),
                                            reason=parse_text(form.get("reason"), "reason",
                                                              max_length=REASON_MAX),
                                            sha256=parse_text(form.get("sha256"), "sha256", max_length=64),
                                            captured_at=parse_datetime(form.get("captured_at"),
                                                                       "captured_at"),
                                            latitude=parse_text(form.get("latitude"), "latitude",
                                                                max_length=30) or None,
                                            longitude=parse_text(form.get("longitude"), "longitude",
                                                                 max_length=30) or None,
                                            accuracy=parse_text(form.get("accuracy"), "accuracy",
                                                                max_length=30) or None)
        return Response({"id": item.pk, "filename": item.filename, "size": item.size, "sha256": item.sha256}, status=201)


class ReportEvidenceDownloadApi(APIView):
    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request: AuthedRequest, uid: str, pk: int) -> FileResponse:
        report = selectors_reports.report_get_for(user=request.user, uid=uid)
        item = report.evidence.filter(pk=pk).first()
        if item is None:
            raise NotFound("Không tìm thấy tệp chứng cứ.", "Evidence file not found.")
        try:
            handle = get_store().open(item.key)
        except ObjectMissing as exc:
            raise NotFound("Tệp chứng cứ không còn trong kho lưu trữ.", "The evidence file is missing from the store.") \
                from exc
        audit_access(actor=request.user, document="report.evidence", obj=item,
                     payload={"check": str(report.surprise_check.uid), "sha256": item.sha256})
        return FileResponse(handle, as_attachment=True, filename=item.filename,
                            content_type=item.content_type or "application/octet-stream")


class ReportPdfApi(APIView):
    """The signed report as the check minutes (biên bản kiểm tra)."""

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request: AuthedRequest, uid: str) -> HttpResponse:
        report = selectors_reports.report_get_for(user=request.user, uid=uid)
        if not report.is_signed:
            raise DomainError("Chỉ in biên bản đã ký.", "Only a signed report can be printed.", code="not_signed",
                              status=409)
        pdf = report_minutes_pdf(report=report, user=request.user)
        audit_access(actor=request.user, document="report.minutes", obj=report,
                     payload={"check": str(report.surprise_check.uid), "sha256": hashlib.sha256(pdf).hexdigest()})
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="bien-ban-{report.surprise_check.reference}.pdf"'
        return response
