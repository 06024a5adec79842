"""What the audit trail's readers (administrators) are shown. The stored events are untouched (the hash
chain covers them); the listing leaves out, or masks, what the reader may not know (issue 15):

- no hash, no previous hash, no sequential id: the listed fields cannot be chained, so nothing tells
  whether (or when) an event the reader does not see lies between two that he does; an event is named by
  an opaque reference (`event_ref`), keyed on the server, that cannot be ordered or linked;
- sealed events (the plan of a surprise check) are listed to nobody;
- events about objects the reader may not see (registered by their app with `register_hidden`, e.g. a
  draft finding) are not listed, counted or filterable for him, nor events whose payload names them;
- personal details (why an inspector is away) and values derived from what the event's actor could see
  (how many rows an export had, its query) are shown masked."""
from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet

from backend.audit.models import AuditEvent

# An app seals an event by giving it the object type "<app>.sealed" (e.g. the plan of a surprise
# check, which must not exist for anyone outside the check's team). Sealed events stay in the chain,
# so verification covers them, but no listing shows them: their verb, actor and time would reveal
# that something secret was planned, and when.
SEALED_SUFFIX = ".sealed"

# An app registers a function giving, for a reader, the events he may not see (a Q over AuditEvent, or
# None when there are none): inspection hides the events of findings the reader cannot see.
HiddenRule = Callable[[Any], "Q | None"]
_HIDDEN_RULES: list[HiddenRule] = []


def register_hidden(rule: HiddenRule) -> HiddenRule:
    if rule not in _HIDDEN_RULES:
        _HIDDEN_RULES.append(rule)
    return rule


# Personal details some events carry, which the trail's reader (an administrator) is not to read: why an
# inspector is away (illness...) is for the inspection lead and the person only (inspection.selectors_absences.
# absence_details_visible). The listing shows that a value was there, not the value.
PERSONAL_KEYS: dict[str, tuple[str, ...]] = {"absence.create": ("kind", "reason"), "absence.withdraw": ("reason",)}
HIDDEN = "(ẩn — thông tin cá nhân / hidden — personal)"

# Values derived from what the event's actor could see, which another reader may not: an inspector's export
# of checks counts the planned (secret) ones and its query may name them; a custody log's export counts the
# accesses its reader was shown (footage opened for a draft finding among them); a draw cancelled or
# superseded counts the checks still planned, and a draw's flags and parameters count units kept out by secret
# checks (issue 15, S1-3: the pool size with the candidates). Shown to the actor himself, masked for every other reader.
ACTOR_VIEW_KEYS: dict[str, tuple[str, ...]] = {
    "checks.export.download": ("rows", "query"),
    "custody.csv.download": ("entries",),
    "custody.xlsx.download": ("entries",),
    "draw.create": ("flags", "parameters"),
    # a closed draw's flags count units kept out by secret checks: published with its commitment on the day fixed
    # by its window (inspection.selectors_draws.counts_published_at), not here at the close; the seed is revealed
    # with the commitment at the close, masked here alike for every reader but the actor
    "draw.supersede": ("cancelled", "flags", "seed"),
    "draw.cancel": ("cancelled", "flags", "seed"),
    "draw.close": ("flags", "seed"),
}
ACTOR_ONLY = "(ẩn — theo quyền xem của người thực hiện / hidden — as seen by the actor)"


def listed_payload(event: AuditEvent, reader: Any = None) -> Any:
    if not isinstance(event.payload, dict):
        return event.payload
    masked: dict[str, str] = {k: HIDDEN for k in PERSONAL_KEYS.get(event.verb, ())}
    if event.actor_id is None or event.actor_id != getattr(reader, "pk", None):
        masked.update({k: ACTOR_ONLY for k in ACTOR_VIEW_KEYS.get(event.verb, ())})
    if not masked:
        return event.payload
    return {k: (masked[k] if k in masked else v) for k, v in event.payload.items()}


def event_ref(event_id: int) -> str:
    """An opaque, stable name of an event for the listing (a key for the UI): keyed on the server's secret,
    so it cannot be ordered, linked to the chain or counted between two events."""
    key = hashlib.sha256(f"audit-event-ref:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, str(event_id).encode(), hashlib.sha256).hexdigest()[:24]


def audit_events(*, reader: Any, object_type: str = "", object_id: str = "",
                 verb_prefix: str = "") -> QuerySet[AuditEvent]:
    """The events `reader` is shown, newest first."""
    qs = AuditEvent.objects.exclude(object_type__endswith=SEALED_SUFFIX)
    for rule in _HIDDEN_RULES:
        hidden = rule(reader)
        if hidden is not None:
            # by key, not `exclude(hidden)`: a payload lookup on an event without that key is NULL, and
            # NOT (NULL) would drop the event too
            qs = qs.exclude(pk__in=AuditEvent.objects.filter(hidden).values("pk"))
    qs = qs.order_by("-id")
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if verb_prefix:
        qs = qs.filter(verb__startswith=verb_prefix)
    return qs
