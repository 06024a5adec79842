from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from backend.audit.models import AuditEvent, AuditHead
from backend.core.actors import Actor, actor_label, actor_user

GENESIS = "0" * 64


def _canonical(event: AuditEvent) -> bytes:
    body = {
        "at": event.at.isoformat(),
        "actor": event.actor_id,
        "actor_label": event.actor_label,
        "verb": event.verb,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "payload": event.payload,
        "prev": event.prev_hash,
    }
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      cls=DjangoJSONEncoder).encode()


def compute_hash(event: AuditEvent) -> str:
    return hashlib.sha256(_canonical(event)).hexdigest()


def audit_record(
    *,
    actor: Actor | None,
    verb: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    payload: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain. Call it inside the service's transaction."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        # An object addressed by a random uid (a surprise check) is recorded by it: its sequential pk
        # would let a reader count the secret ones between two that were started.
        object_id = object_id or getattr(obj, "uid", None) or obj.pk
    # Round-trip through JSON so what is hashed is exactly what is stored and read back.
    clean_payload = json.loads(json.dumps(payload or {}, cls=DjangoJSONEncoder, ensure_ascii=False))
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(
            id=1, defaults={"last_hash": GENESIS, "count": 0}
        )
        event = AuditEvent(
            at=timezone.now(),
            actor=actor_user(actor),
            actor_label=actor_label(actor)[:150],
            verb=verb,
            object_type=object_type,
            object_id=str(object_id),
            payload=clean_payload,
            prev_hash=head.last_hash,
        )
        event.hash = compute_hash(event)
        event.save()
        head.last_hash = event.hash
        head.count += 1
        head.save(update_fields=["last_hash", "count"])
    return event


@dataclass
class ChainReport:
    ok: bool
    checked: int
    broken_at: int | None = None
    reason: str = ""


def audit_verify_chain(events: Iterable[AuditEvent] | None = None) -> ChainReport:
    """Walk the chain in order; report the first edited, deleted, inserted or re-ordered row.

    Consistent under concurrent writes: a writer appends its event and moves the head in one
    transaction, holding the head's lock, so any committed head counts at least the events a walk
    has already seen. The head is read after the walk; if it counts more (events were appended
    meanwhile) the walk goes on from where it stopped; if it counts fewer, events were forged.
    """
    prev = GENESIS
    checked = 0
    last_id = 0

    def walk(rows: Iterable[AuditEvent]) -> ChainReport | None:
        nonlocal prev, checked, last_id
        for event in rows:
            if event.prev_hash != prev:
                return ChainReport(False, checked, event.id,
                                   f"event {event.id}: previous link does not match "
                                   "(a row before it was deleted, inserted or edited)")
            if compute_hash(event) != event.hash:
                return ChainReport(False, checked, event.id, f"event {event.id}: content was edited")
            prev = event.hash
            checked += 1
            last_id = event.id
        return None

    def rows_after(event_id: int) -> Iterable[AuditEvent]:
        if events is not None:
            return events if event_id == 0 else []
        return AuditEvent.objects.filter(id__gt=event_id).order_by("id").iterator(chunk_size=2000)

    for _round in range(1000):
        broken = walk(rows_after(last_id))
        if broken is not None:
            return broken
        head = AuditHead.objects.filter(id=1).first()
        if head is None or head.count == checked:
            break
        if head.count < checked or events is not None:
            break  # more events than the head ever counted (forged), or a fixed set that stops short
        # the head moved on while we walked: verify the events appended since
    if head is not None and (head.last_hash != prev or head.count != checked):
        return ChainReport(False, checked, None,
                           "the chain and its head disagree: events were deleted at its end or appended "
                           f"outside the chain (the head counts {head.count} events ending in "
                           f"{head.last_hash[:12]}…, the chain has {checked})")
    return ChainReport(True, checked)


def audit_access(*, actor: Actor, document: str, obj: models.Model | None = None, object_type: str = "",
                 object_id: str | int = "", payload: dict[str, Any] | None = None) -> AuditEvent:
    """Record that `actor` read a document or file (minutes, export, evidence, case file): every
    access to footage and documents is in the trail, with who and what."""
    return audit_record(actor=actor, verb=f"{document}.download", obj=obj, object_type=object_type,
                        object_id=object_id, payload=payload)
