"""Writes of counters and cameras (with their detection zones). Each one audited, each one validated
before anything is saved."""
from __future__ import annotations

import re
from typing import Any

from django.db import transaction

from backend.audit.services import audit_record
from backend.core.actors import Actor
from backend.core.errors import DomainError
from backend.org.models import Camera, Counter, Unit
from media_ingest.vision.zones import validate_zones as vision_validate_zones

CAMERA_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{1,39}$")


def validate_zones(zones: Any) -> list[dict[str, Any]]:
    try:
        parsed = vision_validate_zones(zones)
    except ValueError as exc:
        raise DomainError(f"Vùng camera không hợp lệ: {exc}", f"Invalid camera zones: {exc}",
                          code="invalid_zones", fields={"zones": [str(exc)]}) from exc
    return [z.to_dict() for z in parsed]


@transaction.atomic
def counter_create(*, by: Actor, unit: Unit, code: str, name: str,
                   opening_hours: dict[str, Any] | None = None) -> Counter:
    if Counter.objects.filter(code=code).exists():
        raise DomainError("Mã quầy đã tồn tại.", "Counter code already exists.", code="duplicate")
    counter = Counter.objects.create(unit=unit, code=code, name=name, opening_hours=opening_hours or {})
    audit_record(actor=by, verb="counter.create", obj=counter, payload={"code": code, "unit": unit.pk})
    return counter


@transaction.atomic
def camera_create(*, by: Actor, counter: Counter, code: str, name: str = "",
                  zones: Any = None) -> Camera:
    if not CAMERA_CODE.match(code):
        raise DomainError("Mã camera chỉ gồm chữ, số, '-' và '_' (2–40 ký tự).",
                          "Camera code: letters, digits, '-' and '_' only (2–40 chars).",
                          code="invalid_code", fields={"code": ["invalid"]})
    if Camera.objects.filter(code=code).exists():
        raise DomainError("Mã camera đã tồn tại.", "Camera code already exists.", code="duplicate")
    camera = Camera.objects.create(counter=counter, code=code, name=name,
                                   zones=validate_zones(zones or []))
    audit_record(actor=by, verb="camera.create", obj=camera,
                 payload={"code": code, "counter": counter.pk, "zones": camera.zones})
    return camera


@transaction.atomic
def camera_update(*, by: Actor, camera: Camera, name: str | None = None, zones: Any = None,
                  active: bool | None = None) -> Camera:
    changes: dict[str, Any] = {}
    if name is not None:
        camera.name = name
        changes["name"] = name
    if zones is not None:
        camera.zones = validate_zones(zones)
        changes["zones"] = camera.zones
    if active is not None:
        camera.active = active
        changes["active"] = active
    camera.save()
    audit_record(actor=by, verb="camera.update", obj=camera, payload=changes)
    return camera
