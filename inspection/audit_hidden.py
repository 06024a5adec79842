"""What the audit trail hides from its reader about findings (backend.audit.selectors.register_hidden).

A finding the reader may not see — a draft (secret to the inspection team), one dismissed before it was
ever confirmed, one of a check he may not know of, one outside his scope — is not in his listing: not its
own events (create, update, transitions, explanations, accountability records), nor other objects'
events whose payload names it (`finding`: its evidence, a complaint linked to it, footage opened for it).
Readers outside the team see a finding's trail once it was confirmed (published)."""
from __future__ import annotations

from typing import Any

from django.db.models import CharField, Q
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.db.models.lookups import In

from backend.accounts.models import INSPECTION_TEAM
from inspection.models import Finding
from inspection.selectors_findings import findings_visible_to


def hidden_finding_events(reader: Any) -> Q:
    """One subquery, never the hidden findings' ids read into Python: an event's object_id is text and
    its payload's `finding` a JSON number, so both sides are compared as text (the finding's pk cast)."""
    shown = findings_visible_to(reader)
    if getattr(reader, "role", None) not in INSPECTION_TEAM:
        shown = shown.filter(confirmed_at__isnull=False)
    hidden_ids = (Finding.objects.exclude(pk__in=shown.values("pk"))
                  .annotate(pk_text=Cast("pk", output_field=CharField())).values("pk_text"))
    named_in_payload = In(Cast(KeyTextTransform("finding", "payload"), output_field=CharField()), hidden_ids)
    return Q(object_type="inspection.finding", object_id__in=hidden_ids) | Q(named_in_payload)
