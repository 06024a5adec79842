from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.models import Role
from backend.accounts.selectors import require_role
from backend.audit.models import AuditEvent
from backend.audit.selectors import audit_events, listed_payload
from backend.audit.services import audit_verify_chain
from backend.core.params import Query
from backend.org.apis import paginate


class AuditEventOutputSerializer(serializers.ModelSerializer):
    payload = serializers.SerializerMethodField()

    class Meta:
        model = AuditEvent
        # No sequential id: sealed events are left out of every listing, and the gaps they leave in
        # the ids would date them. The hash identifies an event.
        fields = ["at", "actor_label", "verb", "object_type", "object_id", "payload", "hash"]

    def get_payload(self, obj: AuditEvent) -> Any:
        return listed_payload(obj)


class AuditEventListApi(APIView):
    """Admins read the whole trail (planned checks' events included only for the team: see inspection)."""

    def get(self, request: Request) -> Response:
        require_role(request.user, Role.ADMIN)
        q = Query(request)
        qs = audit_events(object_type=q.text("object_type", max_length=60), object_id=q.text("object_id", max_length=64),
                          verb_prefix=q.text("verb", max_length=60))
        return paginate(request, self, qs, AuditEventOutputSerializer)


class AuditVerifyApi(APIView):
    def get(self, request: Request) -> Response:
        require_role(request.user, Role.ADMIN)
        report = audit_verify_chain()
        return Response({"ok": report.ok, "checked": report.checked, "broken_at": report.broken_at,
                         "reason": report.reason})
