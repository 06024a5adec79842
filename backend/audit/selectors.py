from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from backend.audit.models import AuditEvent

# An app seals an event by giving it the object type "<app>.sealed" (e.g. the plan of a surprise
# check, which must not exist for anyone outside the check's team). Sealed events stay in the chain,
# so verification covers them, but no listing shows them: their verb, actor and time would reveal
# that something secret was planned, and when.
SEALED_SUFFIX = ".sealed"


# Personal details some events carry, which the trail's reader (an administrator) is not to read: why an
# inspector is away (illness...) is for the inspection lead and the person only (inspection.selectors_absences.
# absence_details_visible). The stored payload is untouched (the hash chain covers it); the listing
# shows that a value was there, not the value.
PERSONAL_KEYS: dict[str, tuple[str, ...]] = {"absence.create": ("kind", "reason"), "absence.withdraw": ("reason",)}
HIDDEN = "(ẩn — thông tin cá nhân / hidden — personal)"


def listed_payload(event: AuditEvent) -> Any:
    keys = PERSONAL_KEYS.get(event.verb)
    if not keys or not isinstance(event.payload, dict):
        return event.payload
    return {k: (HIDDEN if k in keys else v) for k, v in event.payload.items()}


def audit_events(*, object_type: str = "", object_id: str = "", verb_prefix: str = "") -> QuerySet[AuditEvent]:
    qs = AuditEvent.objects.exclude(object_type__endswith=SEALED_SUFFIX).order_by("-id")
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if verb_prefix:
        qs = qs.filter(verb__startswith=verb_prefix)
    return qs
