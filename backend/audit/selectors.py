from __future__ import annotations

from django.db.models import QuerySet

from backend.audit.models import AuditEvent


def audit_events(*, object_type: str = "", object_id: str = "", verb_prefix: str = "") -> QuerySet[AuditEvent]:
    qs = AuditEvent.objects.order_by("-id")
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if verb_prefix:
        qs = qs.filter(verb__startswith=verb_prefix)
    return qs
