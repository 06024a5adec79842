"""Helpers shared by the inspection views: object lookup and the brief shapes of users, units, counters."""
from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from backend.accounts.models import Role, User
from backend.core.errors import DomainError
from backend.org.models import Counter, Unit
from inspection import selectors_common

TEAM = selectors_common.TEAM
LEAD = (Role.INSPECTION_LEAD,)


def _get_or_404(model: Any, pk: Any, vi: str, en: str, **filters: Any) -> Any:
    obj = model.objects.filter(pk=pk, **filters).first() if pk not in (None, "") else None
    if obj is None:
        raise DomainError(vi, en, code="invalid_reference", fields={model.__name__.lower(): [en]})
    return obj


def _user_brief(user: User | None) -> dict[str, Any] | None:
    if user is None:
        return None
    # an officer's rank and name where people are listed (draw team, calendar), the login only as a last resort
    officer = user.officer if user.officer_id else None
    return {"id": user.pk, "username": user.get_username(),
            "full_name": user.get_full_name() or (officer.full_name if officer else ""),
            "rank": officer.rank if officer else ""}


def _unit_brief(unit: Unit | None) -> dict[str, Any] | None:
    return {"id": unit.pk, "code": unit.code, "name": unit.name} if unit else None


def _counter_brief(counter: Counter | None) -> dict[str, Any] | None:
    return {"id": counter.pk, "code": counter.code, "name": counter.name} if counter else None


# --- what the brief shapes above look like, for the OpenAPI schema (issue 17) ---------------------

class UserBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    full_name = serializers.CharField(allow_blank=True)
    rank = serializers.CharField(allow_blank=True)


class RefBriefSerializer(serializers.Serializer):
    """A unit's or a counter's brief shape (`_unit_brief`, `_counter_brief`)."""

    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


user_brief_field = extend_schema_field(UserBriefSerializer(allow_null=True))
ref_brief_field = extend_schema_field(RefBriefSerializer(allow_null=True))
ref_brief_required = extend_schema_field(RefBriefSerializer())  # a unit a row always has (a non-null key)


class CounterWithUnitSerializer(RefBriefSerializer):
    """A counter's brief shape with its unit's."""

    unit = RefBriefSerializer(allow_null=True)


class CriteriaSetRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ReportFlagSerializer(serializers.Serializer):
    """A report's flag (`services_reports`): what the score does not show, in both languages."""

    code = serializers.CharField()
    criteria = serializers.ListField(child=serializers.CharField())
    vi = serializers.CharField()
    en = serializers.CharField()
