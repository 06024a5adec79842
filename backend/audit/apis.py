from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.models import Role
from backend.accounts.selectors import require_role
from backend.audit.models import AuditEvent
from backend.audit.selectors import audit_events, event_ref, listed_payload
from backend.audit.services import ChainReport, audit_verify_chain
from backend.core.pagination import Pagination
from backend.core.params import Query
from backend.core.schema import q_text
from backend.org.apis import paginate


class AuditEventOutputSerializer(serializers.ModelSerializer):
    ref = serializers.SerializerMethodField()
    payload = serializers.SerializerMethodField()

    class Meta:
        model = AuditEvent
        # No sequential id, no hash, no previous hash (issue 15): events hidden from the reader (sealed,
        # about a draft finding...) would show as gaps in the ids or as links that do not chain, dated by
        # their neighbours. `ref` is an opaque key that cannot be ordered or linked.
        fields = ["ref", "at", "actor_label", "verb", "object_type", "object_id", "payload"]

    def get_ref(self, obj: AuditEvent) -> str:
        return event_ref(obj.pk)

    @extend_schema_field(serializers.JSONField(help_text="The event's payload as stored, with the keys this reader "
                                                         "may not see masked"))
    def get_payload(self, obj: AuditEvent) -> Any:
        request = self.context.get("request")
        return listed_payload(obj, getattr(request, "user", None))


class AuditEventListApi(APIView):
    """Admins read the whole trail (planned checks' events included only for the team: see inspection)."""

    pagination_class = Pagination  # the schema's page shape (paginate() pages the body)

    @extend_schema(parameters=[q_text("object_type"), q_text("object_id"), q_text("verb", "A prefix of the verb")],
                   responses=AuditEventOutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        require_role(request.user, Role.ADMIN)
        q = Query(request)
        qs = audit_events(reader=request.user, object_type=q.text("object_type", max_length=60), object_id=q.text("object_id", max_length=64),
                          verb_prefix=q.text("verb", max_length=60))
        return paginate(request, self, qs, AuditEventOutputSerializer)


_BROKEN_REASONS = {
    "edited": ("Nội dung một sự kiện đã bị sửa.", "An event's content was edited."),
    "link": ("Liên kết chuỗi bị đứt: một sự kiện trước đó đã bị xóa, chèn hoặc sửa.",
             "The chain's link is broken: an earlier event was deleted, inserted or edited."),
    "head": ("Chuỗi và điểm cuối của nó không khớp: sự kiện bị xóa ở cuối chuỗi hoặc được thêm ngoài chuỗi.",
             "The chain and its head disagree: events were deleted at its end or appended outside the chain."),
}


def verify_answer(report: ChainReport, reader: Any) -> dict[str, Any]:
    """What the API tells about the chain (issue 15): whether it holds, and, when it is broken, the
    kind of break and the first broken event by its listing reference (`ref`, never its hash), only when
    that event is one the listing shows this reader (a sealed or hidden event is named by nobody). No count and no sequential id: a count compared over time
    against the visible events would date the sealed ones (a planned check being made). The operator's
    `manage.py audit_verify` on the server names the row and the counts."""
    if report.ok:
        return {"ok": True, "broken_at": None, "reason": "", "reason_en": ""}
    kind = "head" if report.broken_at is None else ("edited" if "content was edited" in report.reason else "link")
    broken_at = None
    if report.broken_at is not None:
        if audit_events(reader=reader).filter(id=report.broken_at).exists():
            broken_at = event_ref(report.broken_at)
    vi, en = _BROKEN_REASONS[kind]
    return {"ok": False, "broken_at": broken_at, "reason": vi, "reason_en": en}


class AuditVerifyOutputSerializer(serializers.Serializer):
    """`verify_answer`'s shape."""

    ok = serializers.BooleanField()
    broken_at = serializers.CharField(allow_null=True, help_text="The first broken event's `ref`, when the listing "
                                                                 "shows it to this reader")
    reason = serializers.CharField(allow_blank=True)
    reason_en = serializers.CharField(allow_blank=True)


class AuditVerifyApi(APIView):
    """Admins check the chain: ok, or the kind of break and the first broken visible event's `ref`."""

    @extend_schema(responses=AuditVerifyOutputSerializer)
    def get(self, request: Request) -> Response:
        require_role(request.user, Role.ADMIN)
        return Response(verify_answer(audit_verify_chain(), request.user))
