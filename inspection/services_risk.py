"""Writes of the risk model: weights, candidate units, snapshots (features in inspection/risk.py)."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from backend.accounts.models import User
from backend.accounts.selectors import require_role
from backend.audit.services import audit_record
from backend.core.actors import Actor, actor_user
from backend.org.models import Unit
from inspection import defaults, risk
from inspection.models import RiskSnapshot, RiskWeights
from inspection.services_common import LEAD, _decimal, _invalid, _require_reason


def risk_config() -> tuple[dict[str, float], dict[str, float]]:
    row = RiskWeights.objects.order_by("-created_at", "-id").first()
    weights = {**defaults.DEFAULT_RISK_WEIGHTS, **(row.weights if row else {})}
    params = {**defaults.DEFAULT_RISK_PARAMS, **(row.params if row else {})}
    return weights, params


@transaction.atomic
def risk_weights_set(*, by: User, weights: dict[str, Any], params: dict[str, Any], note: str = "") -> RiskWeights:
    require_role(by, *LEAD)
    # the weights steer which units are drawn: a change needs a reason, and each draw publishes the
    # version and a hash of the weights its scores were computed with (rev13adv F4)
    note = _require_reason(note, "note", "lý do thay đổi trọng số rủi ro")
    allowed_w = set(defaults.DEFAULT_RISK_WEIGHTS)
    allowed_p = set(defaults.DEFAULT_RISK_PARAMS)
    clean_w: dict[str, float] = {}
    for key, value in (weights or {}).items():
        if key not in allowed_w:
            raise _invalid(f"Trọng số không xác định: {key}.", f"Unknown weight {key!r}; allowed: {sorted(allowed_w)}.",
                           f"weights.{key}")
        number = float(_decimal(value, f"weights.{key}", minimum=Decimal(0)))
        clean_w[key] = number
    clean_p: dict[str, float] = {}
    for key, value in (params or {}).items():
        if key not in allowed_p:
            raise _invalid(f"Tham số không xác định: {key}.", f"Unknown parameter {key!r}; allowed: {sorted(allowed_p)}.",
                           f"params.{key}")
        number = float(_decimal(value, f"params.{key}", minimum=Decimal(0)))
        if key in ("lookback_days", "half_life_days") and number < 1:
            raise _invalid(f"{key} phải từ 1 ngày trở lên.", f"{key} must be at least 1 day.", f"params.{key}")
        clean_p[key] = number
    merged_w = {**risk_config()[0], **clean_w}
    if merged_w.get("base", 0) <= 0:
        raise _invalid("Trọng số nền (base) phải lớn hơn 0 để mọi đơn vị đều có cơ hội được chọn.",
                       "The base weight must be > 0 so every unit keeps a chance of being drawn.", "weights.base")
    row = RiskWeights.objects.create(weights=merged_w, params={**risk_config()[1], **clean_p}, note=note,
                                     created_by=by)
    audit_record(actor=by, verb="risk.weights_set", obj=row, payload={"weights": row.weights, "params": row.params})
    return row


def risk_candidate_units(*, on: date) -> list[Unit]:
    """Units that can be checked: existing on `on`, with at least one active counter."""
    return list(Unit.objects.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on), valid_from__lte=on,
                                    counters__active=True).distinct().order_by("id"))


@transaction.atomic
def risk_compute(*, by: Actor, as_of: datetime | None = None, units: list[Unit] | None = None) -> list[RiskSnapshot]:
    """Compute and store a snapshot per unit: the features, the weights used, each contribution."""
    now = timezone.now()
    as_of = as_of or now
    units = units if units is not None else risk_candidate_units(on=timezone.localdate(as_of))
    weights, params = risk_config()
    feats = risk.unit_features(units=units, as_of=as_of, params=params)
    snaps = []
    for unit in units:
        score, contributions = risk.score(feats[unit.pk], weights)
        snaps.append(RiskSnapshot(unit=unit, computed_at=now, as_of=as_of, features=feats[unit.pk],
                                  weights={**weights, **{f"param.{k}": v for k, v in params.items()}},
                                  contributions=contributions, score=score,
                                  computed_by=actor_user(by)))
    RiskSnapshot.objects.bulk_create(snaps)
    audit_record(actor=by, verb="risk.compute", object_type="inspection.risksnapshot",
                 payload={"units": len(snaps), "as_of": as_of.isoformat(), "weights": weights, "params": params})
    return snaps


def risk_weights_version() -> int:
    """The weights in force, as a number that grows with every change (0: the defaults)."""
    latest = RiskWeights.objects.order_by("-id").values_list("id", flat=True).first()
    return int(latest or 0)


def risk_weights_hash(snapshots: list[RiskSnapshot]) -> str:
    """SHA-256 of the distinct weights the given scores were computed with (canonical JSON)."""
    import hashlib
    import json

    distinct = sorted({json.dumps(s.weights or {}, sort_keys=True) for s in snapshots})
    return hashlib.sha256(json.dumps(distinct).encode()).hexdigest()
