from __future__ import annotations

from django.db.models import QuerySet

from backend.audit.models import AuditEvent

# An app seals an event by giving it the object type "<app>.sealed" (e.g. the plan of a surprise
# check, which must not exist for anyone outside the check's team). Sealed events stay in the chain,
# so verification covers them, but no listing shows them: their verb, actor and time would reveal
# that something secret was planned, and when.
SEALED_SUFFIX = ".sealed"


def audit_events(*, object_type: str = "", object_id: str = "", verb_prefix: str = "") -> QuerySet[AuditEvent]:
    qs = AuditEvent.objects.exclude(object_type__endswith=SEALED_SUFFIX).order_by("-id")
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if verb_prefix:
        qs = qs.filter(verb__startswith=verb_prefix)
    return qs
