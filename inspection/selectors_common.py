"""What the inspection selectors share: who reads what (roles), and the unit scope of a reader.

Every read of inspection data lives in `selectors_<subdomain>.py` beside `services_<subdomain>.py` and
`apis/<subdomain>.py`, with its permission check. Secrecy of planned checks lives in ONE place:
`inspection.secrecy` (team membership, not role); every read of checks, reports, findings linked to checks,
counts, exports and search goes through it.
"""
from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from backend.accounts.models import INSPECTION_TEAM, Role, User
from backend.accounts.selectors import user_unit_ids
from inspection.secrecy import CHECK_READERS as _CHECK_READERS

TEAM = tuple(INSPECTION_TEAM)
# Who reads what (besides scope): ratings are not secret; complaints carry citizens' details.
RATING_READERS = (*TEAM, Role.ADMIN, Role.REVIEWER, Role.DISCIPLINARY, Role.UNIT_HEAD)
COMPLAINT_READERS = (*TEAM, Role.ADMIN, Role.REVIEWER, Role.DISCIPLINARY)
CHECK_READERS = tuple(_CHECK_READERS)
FINDING_READERS = (*TEAM, Role.ADMIN, Role.REVIEWER, Role.DISCIPLINARY, Role.UNIT_HEAD)


def is_team(user: User) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.role in INSPECTION_TEAM)


def scoped(qs: QuerySet[Any], user: User, field: str) -> QuerySet[Any]:
    ids = user_unit_ids(user)
    if ids is None:
        return qs
    return qs.filter(**{f"{field}__in": list(ids)})

