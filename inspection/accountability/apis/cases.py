"""Disciplinary cases: list and create, detail, findings, factors, documents, transitions, proposal,
decision, council, and the appeals against a decision."""
from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.selectors import require_role
from backend.audit.services import audit_access
from backend.core.actors import AuthedRequest
from backend.core.errors import DomainError, NotFound
from backend.core.pagination import Pagination
from backend.core.params import TEXT_MAX, DateField, IdField, PlainTextField, Query, parse_id
from backend.core.schema import q_choice, q_id
from backend.core.store import ObjectMissing, get_store
from backend.org.models import Officer, Unit
from inspection.accountability import selectors, selectors_case_views, services_appeals, services_cases
from inspection.accountability.apis.common import CaseDetailOutputSerializer, CaseOutputSerializer, _case_response
from inspection.accountability.models import CaseDocument, CaseFactor, DisciplinaryCase, SubjectKind
from inspection.models import Finding

if TYPE_CHECKING:
    from backend.accounts.models import User


def _findings_by_ids(user: User, ids: list[int]) -> list[Finding]:
    found = {f.pk: f for f in selectors.findings_for(user).filter(pk__in=ids)}
    missing = [i for i in ids if i not in found]
    if missing:
        raise DomainError("Không tìm thấy vi phạm: " + ", ".join(map(str, missing)) + ".",
                          "Findings not found: " + ", ".join(map(str, missing)) + ".", code="not_found",
                          fields={"finding_ids": missing}, status=400)
    return [found[i] for i in ids]


class CaseListApi(APIView):
    class InputSerializer(serializers.Serializer):
        subject_kind = serializers.ChoiceField(choices=SubjectKind.choices)
        officer_id = IdField(required=False, allow_null=True)
        unit_id = IdField(required=False, allow_null=True)
        finding_ids = serializers.ListField(child=IdField(), min_length=0, max_length=50, required=False,
                                            default=list)
        liability_id = IdField(required=False, allow_null=True,
                               help_text="Open the case from a confirmed liability (its officer and finding)")
        title = PlainTextField(one_line=True, max_length=300)
        summary = PlainTextField(required=False, allow_blank=True, default="", max_length=TEXT_MAX)
        is_complex = serializers.BooleanField(required=False, default=False)

    pagination_class = Pagination  # the schema's page shape

    @extend_schema(parameters=[q_choice("state", DisciplinaryCase.State.values), q_id("officer"), q_id("unit"),
                               q_id("finding"), q_choice("limitation", ["ok", "warning", "expired"])],
                   responses=CaseOutputSerializer(many=True))
    def get(self, request: AuthedRequest) -> Response:
        qp = request.query_params
        state = Query(qp).choice("state", DisciplinaryCase.State.values) or ""
        limitation = Query(qp).choice("limitation", ["ok", "warning", "expired"]) or ""
        qs = selectors.cases_list(user=request.user, filters={
            "state": state, "officer_id": parse_id(qp.get("officer"), "officer"),
            "unit_id": parse_id(qp.get("unit"), "unit"),
            "finding_id": parse_id(qp.get("finding"), "finding")})
        paginator = Pagination()
        page = list(paginator.paginate_queryset(qs, request, view=self) or [])
        views = selectors_case_views.case_views(page, reader=request.user)
        if limitation:
            page = [c for c in page if views[c.pk].limitation and views[c.pk].limitation.status == limitation]
        return paginator.get_paginated_response(CaseOutputSerializer(page, many=True, context={"views": views}).data)

    @extend_schema(request=InputSerializer, responses={201: CaseDetailOutputSerializer})
    def post(self, request: AuthedRequest) -> Response:
        require_role(request.user, *selectors.DECIDERS)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        officer = unit = None
        if v.get("officer_id"):
            officer = Officer.objects.filter(pk=v["officer_id"]).first()
            if officer is None:
                raise DomainError("Không tìm thấy cán bộ.", "Officer not found.", fields={"officer_id": ["not found"]})
        if v.get("unit_id"):
            unit = Unit.objects.filter(pk=v["unit_id"]).first()
            if unit is None:
                raise DomainError("Không tìm thấy đơn vị.", "Unit not found.", fields={"unit_id": ["not found"]})
        liability = None
        if v.get("liability_id"):
            liability = selectors.liability_get_for(user=request.user, id=v["liability_id"], roles=selectors.DECIDERS)
        elif not v["finding_ids"]:
            raise DomainError("Cần ít nhất một vi phạm hoặc một trách nhiệm đã xác nhận.",
                              "At least one finding or a confirmed liability is needed.",
                              fields={"finding_ids": ["required"]})
        findings = _findings_by_ids(request.user, list(dict.fromkeys(v["finding_ids"])))
        case = services_cases.case_create(by=request.user, subject_kind=v["subject_kind"], officer=officer, unit=unit,
                                          findings=findings, title=v["title"], summary=v["summary"],
                                          is_complex=v["is_complex"], liability=liability)
        return _case_response(case, request.user, status=201)


class CaseDetailApi(APIView):
    class InputSerializer(serializers.Serializer):
        title = PlainTextField(one_line=True, max_length=300, required=False)
        summary = PlainTextField(required=False, allow_blank=True, max_length=TEXT_MAX)

    @extend_schema(responses=CaseDetailOutputSerializer)
    def get(self, request: AuthedRequest, pk: int) -> Response:
        return _case_response(selectors.case_get_for(user=request.user, id=pk), request.user)

    @extend_schema(request=InputSerializer, responses=CaseDetailOutputSerializer)
    def patch(self, request: AuthedRequest, pk: int) -> Response:
        case = selectors.case_get_for(user=request.user, id=pk, roles=selectors.DECIDERS)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services_cases.case_update(by=request.user, case=case, **data.validated_data)
        return _case_response(case, request.user)


class CaseFindingsApi(APIView):
    class InputSerializer(serializers.Serializer):
        finding_id = IdField()

    @extend_schema(request=InputSerializer, responses=CaseDetailOutputSerializer)
    def post(self, request: AuthedRequest, pk: int) -> Response:
        case = selectors.case_get_for(user=request.user, id=pk, roles=selectors.DECIDERS)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        finding = _findings_by_ids(request.user, [data.validated_data["finding_id"]])[0]
        services_cases.case_add_finding(by=request.user, case=case, finding=finding)
        return _case_response(case, request.user)


class CaseFindingDeleteApi(APIView):
    @extend_schema(responses=CaseDetailOutputSerializer)
    def delete(self, request: AuthedRequest, pk: int, finding_id: int) -> Response:
        case = selectors.case_get_for(user=request.user, id=pk, roles=selectors.DECIDERS)
        finding = case.findings.filter(pk=finding_id).first()
        if finding is None:
            raise NotFound("Vi phạm không có trong hồ sơ.", "The finding is not in the case.")
        services_cases.case_remove_finding(by=request.user, case=case, finding=finding)
        return _case_response(case, request.user)


class CaseFactorsApi(APIView):
    class InputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=CaseFactor.Kind.choices)
        text = PlainTextField(max_length=500)

    @extend_schema(request=InputSerializer, responses={201: CaseDetailOutputSerializer})
    def post(self, request: AuthedRequest, pk: int) -> Response:
        case = selectors.case_get_for(user=request.user, id=pk, roles=selectors.DECIDERS)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services_cases.case_add_factor(by=request.user, case=case, **data.validated_data)
        return _case_response(case, request.user, status=201)


class CaseFactorDeleteApi(APIView):
    @extend_schema(responses=CaseDetailOutputSerializer)
    def delete(self, request: AuthedRequest, pk: int, factor_id: int) -> Response:
        case = selectors.case_get_for(user=request.user, id=pk, roles=selectors.DECIDERS)
        services_cases.case_remove_factor(by=request.user, case=case, factor_id=factor_id)
        return _case_response(case, request.user)


class CaseDocumentsApi(APIView):
    parser_classes = [MultiPartParser, FormParser]

    class InputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=CaseDocument.Kind.choices)
        file = serializers.FileField()

    @extend_schema(request={"multipart/form-data": InputSerializer}, responses={201: CaseDetailOutputSerializer})
    def post(self, request: AuthedRequest, pk: int) -> Response:
        case = selectors.case_get_for(user=request.user, id=pk, roles=selectors.DECIDERS)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        services_cases.case_add_document(by=request.user, case=case, kind=data.validated_data["kind"], fileobj=upload,
                                         filename=upload.name, size=upload.size,
                                         content_type=getattr(upload, "content_type", "") or "")
        return _case_response(case, request.user, status=201)


class CaseDocumentDownloadApi(APIView):
    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request: AuthedRequest, pk: int, doc_id: int) -> FileResponse:
        case = selectors.case_get_for(user=request.user, id=pk)
        doc = case.documents.filter(pk=doc_id).first()
        if doc is None:
            raise NotFound("Không tìm thấy tài liệu.", "Document not found.")
        try:
            handle = get_store().open(doc.key)
        except ObjectMissing as exc:
            raise NotFound("Tệp không còn trong kho lưu trữ.", "The file is missing from the store.") from exc
        audit_access(actor=request.user, document="case.document", obj=doc,
                     payload={"case": case.pk, "kind": doc.kind, "sha256": doc.sha256})
        return FileResponse(handle, as_attachment=True, filename=doc.filename,
                            content_type=doc.content_type or "application/octet-stream")


class CaseTransitionApi(APIView):
    class InputSerializer(serializers.Serializer):
        to = serializers.ChoiceField(choices=["self_review", "considering", "dropped", "closed"])
        no_self_review_reason = PlainTextField(required=False, allow_blank=True, default="", max_length=2000,
                                                      help_text="Why there is no self-review (instead of one)")
        note = PlainTextField(required=False, allow_blank=True, default="", max_length=2000)

    @extend_schema(request=InputSerializer, responses=CaseDetailOutputSerializer)
    def post(self, request: AuthedRequest, pk: int) -> Response:
        case = selectors.case_get_for(user=request.user, id=pk, roles=selectors.DECIDERS)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services_cases.case_transition(by=request.user, case=case, **data.validated_data)
        return _case_response(case, request.user)


class CaseProposeApi(APIView):
    class InputSerializer(serializers.Serializer):
        form = serializers.CharField(max_length=40)
        note = PlainTextField(required=False, allow_blank=True, default="", max_length=2000)

    @extend_schema(request=InputSerializer, responses=CaseDetailOutputSerializer)
    def post(self, request: AuthedRequest, pk: int) -> Response:
        case = selectors.case_get_for(user=request.user, id=pk, roles=selectors.DECIDERS)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services_cases.case_propose(by=request.user, case=case, form_code=data.validated_data["form"],
                                    note=data.validated_data["note"])
        return _case_response(case, request.user)


class CaseDecideApi(APIView):
    class InputSerializer(serializers.Serializer):
        form = serializers.CharField(max_length=40)
        decision_number = PlainTextField(one_line=True, max_length=60)
        authority = PlainTextField(one_line=True, max_length=200)
        decision_date = DateField()
        received_on = DateField(required=False, allow_null=True,
                                help_text="The day the subject received the decision (complaint window starts)")
        note = PlainTextField(required=False, allow_blank=True, default="", max_length=2000)

    @extend_schema(request=InputSerializer, responses=CaseDetailOutputSerializer)
    def post(self, request: AuthedRequest, pk: int) -> Response:
        case = selectors.case_get_for(user=request.user, id=pk, roles=selectors.DECIDERS)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        services_cases.case_decide(by=request.user, case=case, form_code=v["form"], decision_number=v["decision_number"],
                                   authority=v["authority"], decision_date=v["decision_date"], note=v["note"],
                                   received_on=v.get("received_on"))
        return _case_response(case, request.user)


class CaseCouncilApi(APIView):
    class InputSerializer(serializers.Serializer):
        held_on = DateField()
        note = PlainTextField(max_length=5000)

    @extend_schema(request=InputSerializer, responses=CaseDetailOutputSerializer)
    def post(self, request: AuthedRequest, pk: int) -> Response:
        """Record the disciplinary council meeting (hội đồng kỷ luật)."""
        case = selectors.case_get_for(user=request.user, id=pk, roles=selectors.DECIDERS)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services_cases.case_record_council(by=request.user, case=case, **data.validated_data)
        return _case_response(case, request.user)


class CaseAppealApi(APIView):
    class InputSerializer(serializers.Serializer):
        filed_on = DateField(help_text="The day the complaint was received")
        text = PlainTextField(max_length=5000)
        accepted_on = DateField(required=False, allow_null=True, help_text="Day it was accepted (thụ lý)")
        is_complex = serializers.BooleanField(required=False, default=False)

    @extend_schema(request=InputSerializer, responses=CaseDetailOutputSerializer)
    def post(self, request: AuthedRequest, pk: int) -> Response:
        case = selectors.case_get_for(user=request.user, id=pk, roles=selectors.DECIDERS)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services_appeals.case_appeal(by=request.user, case=case, **data.validated_data)
        return _case_response(case, request.user)


class CaseAppealAcceptApi(APIView):
    class InputSerializer(serializers.Serializer):
        accepted_on = DateField()
        is_complex = serializers.BooleanField(required=False, default=False)

    @extend_schema(request=InputSerializer, responses=CaseDetailOutputSerializer)
    def post(self, request: AuthedRequest, pk: int) -> Response:
        """The day the pending complaint was accepted (thụ lý) and whether it is complex."""
        case = selectors.case_get_for(user=request.user, id=pk, roles=selectors.DECIDERS)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services_appeals.case_appeal_accept(by=request.user, case=case, **data.validated_data)
        return _case_response(case, request.user)


class CaseComplaintRefuseApi(APIView):
    class InputSerializer(serializers.Serializer):
        received_on = DateField()
        text = PlainTextField(max_length=5000)
        refused_on = DateField(required=False, allow_null=True)
        reason = PlainTextField(max_length=2000, required=False, allow_blank=True, default="")

    @extend_schema(request=InputSerializer, responses=CaseDetailOutputSerializer)
    def post(self, request: AuthedRequest, pk: int) -> Response:
        """A complaint received and refused (late, a third one, or another stated reason): on record."""
        case = selectors.case_get_for(user=request.user, id=pk, roles=selectors.DECIDERS)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services_appeals.case_complaint_refuse(by=request.user, case=case, **data.validated_data)
        return _case_response(case, request.user, status=201)


class CaseAppealResolveApi(APIView):
    class InputSerializer(serializers.Serializer):
        result = serializers.ChoiceField(choices=DisciplinaryCase.AppealResult.choices)
        decided_on = DateField()
        received_on = DateField(required=False, allow_null=True,
                                help_text="The day the complainant received this answer (second window starts)")
        note = PlainTextField(max_length=5000)
        form = serializers.CharField(max_length=40, required=False, allow_blank=True)
        decision_number = PlainTextField(one_line=True, max_length=60, required=False, allow_blank=True,
                                                help_text="Number of the complaint decision")
        signer = PlainTextField(max_length=200, required=False, allow_blank=True,
                                       help_text="Who signed the complaint decision")

    @extend_schema(request=InputSerializer, responses=CaseDetailOutputSerializer)
    def post(self, request: AuthedRequest, pk: int) -> Response:
        case = selectors.case_get_for(user=request.user, id=pk, roles=selectors.DECIDERS)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        services_appeals.case_appeal_resolve(by=request.user, case=case, result=v["result"], decided_on=v["decided_on"],
                                             note=v["note"], form_code=v.get("form") or None,
                                             received_on=v.get("received_on"), decision_number=v.get("decision_number", ""),
                                             signer=v.get("signer", ""))
        return _case_response(case, request.user)
