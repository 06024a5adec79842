"""How a finding is written in the API (list, detail, create), from plain rows.

The findings list reads its page as values() rows (the finding and its category, unit, counter and
check: one query whose plan stays cheap) and its people in two more queries (the page's subjects,
the page's creators and confirmers), instead of a model instance per row and related row and a DRF
field per value: the list's CPU per request was mostly that (issue 18). The detail and create answers
go through `finding_from_instance`, so every answer is written by `finding_output`, one shape.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import tzinfo
from typing import Any

from django.utils import timezone
from rest_framework import ISO_8601, serializers
from rest_framework.settings import api_settings

from backend.accounts.models import User
from inspection.apis.common import _user_brief
from inspection.models import Finding, FindingSubject

# the page query's columns: the finding's own, and the few of its category, unit, counter and check
FINDING_ROW_FIELDS = (
    "id", "reference", "source", "state", "severity", "title", "description", "occurred_from", "occurred_to",
    "unit_level_reason", "complaint_id", "rating_id", "created_by_id", "created_at", "confirmed_at", "confirmed_by_id",
    "category__code", "category__name_vi", "category__name_en", "unit_id", "unit__code", "unit__name",
    "counter_id", "counter__code", "counter__name", "surprise_check_id", "surprise_check__uid",
    "surprise_check__reference")
SUBJECT_ROW_FIELDS = ("finding_id", "officer_id", "officer__service_number", "officer__full_name", "officer__rank",
                      "role", "knew_and_did_not_act", "covered_up", "note")

_DATETIME = serializers.DateTimeField()  # DRF's own writing of a datetime (current time zone, "Z" for UTC)


def _when(value: Any, tz: tzinfo | None = None) -> str | None:
    """A datetime as DRF writes it. With `tz` (the current time zone, read once per page by
    `finding_rows_output`) an aware value is written here without DRF's per-call settings and time
    zone look-ups (four dates a row): the same text (tests/inspection/test_finding_rows_when.py)."""
    if value is None:
        return None
    if tz is None or timezone.is_naive(value) or api_settings.DATETIME_FORMAT.lower() != ISO_8601:
        return _DATETIME.to_representation(value)
    text = value.astimezone(tz).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _subject(s: Mapping[str, Any]) -> dict[str, Any]:
    return {"officer": {"id": s["officer_id"], "service_number": s["officer__service_number"],
                        "full_name": s["officer__full_name"], "rank": s["officer__rank"]},
            "role": s["role"], "knew_and_did_not_act": s["knew_and_did_not_act"], "covered_up": s["covered_up"],
            "note": s["note"]}


def finding_output(f: Mapping[str, Any], *, subjects: Iterable[Mapping[str, Any]],
                   users: Mapping[int, User], tz: tzinfo | None = None) -> dict[str, Any]:
    """One finding as the API writes it: `f` has FINDING_ROW_FIELDS, `subjects` its SUBJECT_ROW_FIELDS
    rows in order, `users` its creator and confirmer by id (`tz`: see `_when`)."""
    check_id, counter_id = f["surprise_check_id"], f["counter_id"]
    return {
        "id": f["id"], "reference": f["reference"], "source": f["source"], "state": f["state"],
        "severity": f["severity"],
        "category": {"code": f["category__code"], "name_vi": f["category__name_vi"],
                     "name_en": f["category__name_en"]},
        "title": f["title"], "description": f["description"],
        "unit": {"id": f["unit_id"], "code": f["unit__code"], "name": f["unit__name"]},
        "counter": ({"id": counter_id, "code": f["counter__code"], "name": f["counter__name"]}
                    if counter_id is not None else None),
        "occurred_from": _when(f["occurred_from"], tz), "occurred_to": _when(f["occurred_to"], tz),
        "unit_level_reason": f["unit_level_reason"],
        "check": ({"id": str(f["surprise_check__uid"]), "reference": f["surprise_check__reference"]}
                  if check_id is not None else None),
        "complaint_id": f["complaint_id"], "rating_id": f["rating_id"],
        "subjects": [_subject(s) for s in subjects],
        "created_by": _user_brief(users.get(f["created_by_id"])),
        "created_at": _when(f["created_at"], tz), "confirmed_at": _when(f["confirmed_at"], tz),
        "confirmed_by": _user_brief(users.get(f["confirmed_by_id"])) if f["confirmed_by_id"] is not None else None,
    }


def finding_rows_output(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A page of FINDING_ROW_FIELDS rows as the API writes them: two queries whatever the page's size
    (its subjects with their officers; its creators and confirmers with theirs)."""
    ids = [f["id"] for f in rows]
    subjects: dict[int, list[dict[str, Any]]] = {pk: [] for pk in ids}
    if ids:
        for s in FindingSubject.objects.filter(finding_id__in=ids).values(*SUBJECT_ROW_FIELDS):
            subjects[s["finding_id"]].append(s)
    people = {pk for f in rows for pk in (f["created_by_id"], f["confirmed_by_id"]) if pk is not None}
    users = User.objects.select_related("officer").in_bulk(people) if people else {}
    tz = timezone.get_current_timezone()
    return [finding_output(f, subjects=subjects[f["id"]], users=users, tz=tz) for f in rows]


def finding_from_instance(finding: Finding) -> dict[str, Any]:
    """One loaded finding (its category, unit, counter, check, people and subjects selected with it)
    written by finding_output."""
    category, unit, counter, check = finding.category, finding.unit, finding.counter, finding.surprise_check
    row = {name: getattr(finding, name) for name in FINDING_ROW_FIELDS if "__" not in name}
    row.update({"category__code": category.code, "category__name_vi": category.name_vi,
                "category__name_en": category.name_en, "unit__code": unit.code, "unit__name": unit.name,
                "counter__code": counter.code if counter else None, "counter__name": counter.name if counter else None,
                "surprise_check__uid": check.uid if check else None,
                "surprise_check__reference": check.reference if check else None})
    subjects = [{"finding_id": s.finding_id, "officer_id": s.officer_id, "officer__service_number": s.officer.service_number,
                 "officer__full_name": s.officer.full_name, "officer__rank": s.officer.rank, "role": s.role,
                 "knew_and_did_not_act": s.knew_and_did_not_act, "covered_up": s.covered_up, "note": s.note}
                for s in finding.subjects.all()]
    users = {u.pk: u for u in (finding.created_by, finding.confirmed_by) if u is not None}
    return finding_output(row, subjects=subjects, users=users)
