"""Reads of the risk snapshots the draw is weighted by (the inspection team only)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from backend.accounts.selectors import require_role
from inspection.models import RiskSnapshot
from inspection.selectors_common import TEAM

if TYPE_CHECKING:
    from backend.accounts.models import User


def risk_latest(*, user: User) -> list[RiskSnapshot]:
    require_role(user, *TEAM)
    latest: dict[int, RiskSnapshot] = {}
    for snap in RiskSnapshot.objects.select_related("unit").order_by("unit_id", "-computed_at", "-id"):
        latest.setdefault(snap.unit_id, snap)
    return sorted(latest.values(), key=lambda s: (-s.score, s.unit.code))

