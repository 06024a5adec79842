"""What the audit trail hides from its reader about findings (backend.audit.selectors.register_hidden).

A finding the reader may not see — a draft (secret to the inspection team), one dismissed before it was
ever confirmed, one of a check he may not know of, one outside his scope — is not in his listing: not its
own events (create, update, transitions, explanations, accountability records), nor other objects'
events whose payload names it (`finding`: its evidence, a complaint linked to it, footage opened for it).
Readers outside the team see a finding's trail once it was confirmed (published)."""
from __future__ import annotations

from typing import Any

from django.db.models import Q

from backend.accounts.models import INSPECTION_TEAM
from inspection.models import Finding
from inspection.selectors_findings import findings_visible_to


def hidden_finding_events(reader: Any) -> Q | None:
    shown = findings_visible_to(reader)
    if getattr(reader, "role", None) not in INSPECTION_TEAM:
        shown = shown.filter(confirmed_at__isnull=False)
    hidden = list(Finding.objects.exclude(pk__in=shown.values("pk")).values_list("pk", flat=True))
    if not hidden:
        return None
    return (Q(object_type="inspection.finding", object_id__in=[str(pk) for pk in hidden])
            | Q(payload__finding__in=hidden))
