"""What ending a unit (a merger or an abolition) would do, read before anyone confirms it (issue 15:
merging was one click that ended the head's, the deputies' and every officer's post without showing
them). The same filters as the write (services_units._end_unit, unit_abolish, _check_end_in_past), so the
preview and the change cannot disagree."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import Q

from backend.core.actors import Actor
from backend.org.models import Assignment, Unit
from backend.org.selectors import unit_children_at
from backend.org.services_units import require_end_after_start, unit_records_after


def posts_ending(*, unit: Unit, last_day: date) -> list[Assignment]:
    """The appointments still running after `last_day`: ending the unit ends them on that day."""
    return list(Assignment.objects.filter(unit=unit).filter(Q(valid_to__isnull=True) | Q(valid_to__gt=last_day))
                .select_related("officer", "field")
                .order_by("-is_head", "-is_deputy", "valid_from", "officer__full_name", "pk"))


def unit_end_preview(*, unit: Unit, on: date, viewer: Actor | None = None) -> dict[str, Any]:
    """For `unit` ending the day before `on`: the posts that end (head, deputies with their field,
    officers), the sub-units that need a new parent, and the records an end in the past would cut (only
    those `viewer` may see, as the write's refusal names them; nothing tells whether others exist)."""
    require_end_after_start(unit, on)
    last_day = on - timedelta(days=1)
    children = [c for c in unit_children_at(unit=unit, at=last_day) if c.valid_to is None or c.valid_to >= on]
    return {
        "unit": unit, "on": on, "last_day": last_day, "already_ended": unit.valid_to is not None,
        "posts": [{"assignment": a, "starts_after_end": a.valid_from > last_day}
                  for a in posts_ending(unit=unit, last_day=last_day)],
        "children": children,
        "records": unit_records_after(unit=unit, last_day=last_day, viewer=viewer),
    }
