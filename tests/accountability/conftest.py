"""Fixtures for accountability tests: findings, checks and reports built on the demo province."""
from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
_seq = itertools.count(1)


def at(d: date, hour: int = 9) -> datetime:
    return datetime.combine(d, time(hour), tzinfo=HCM)


@pytest.fixture
def category(db: Any) -> Any:
    from backend.org.models import FieldOfCharge
    from inspection.models import FindingCategory

    cat, _ = FindingCategory.objects.get_or_create(
        code="ACC-VANG-MAT", defaults={"name_vi": "Vắng mặt tại quầy một cửa",
                                       "name_en": "Absent from the one-stop counter"})
    cat.fields.set([FieldOfCharge.objects.get(code="HANH_CHINH")])
    return cat


@pytest.fixture
def other_category(db: Any) -> Any:
    from backend.org.models import FieldOfCharge
    from inspection.models import FindingCategory

    cat, _ = FindingCategory.objects.get_or_create(
        code="ACC-SACH-NHIEU", defaults={"name_vi": "Gây phiền hà, sách nhiễu", "name_en": "Harassing citizens"})
    cat.fields.set([FieldOfCharge.objects.get(code="HANH_CHINH")])
    return cat


@pytest.fixture
def make_finding(demo: Any, category: Any) -> Callable[..., Any]:
    """make_finding("CAX-TC", "less_serious", date(...), violators=["NA-2104"], ...) -> Finding."""
    from inspection.models import Finding, FindingSubject

    def make(unit: str, severity: str, when: date, *, to: date | None = None, violators: tuple[str, ...] = (),
             subjects: tuple[tuple[str, str, bool, bool], ...] = (), state: str = "confirmed",
             cat: Any = None, counter: bool = False, title: str = "Cán bộ vắng mặt tại quầy",
             check: Any = None) -> Finding:
        u = demo.units[unit]
        finding = Finding.objects.create(
            reference=f"VP-T{next(_seq):05d}", source="check" if check else "footage", category=cat or category,
            severity=severity, title=title, unit=u, surprise_check=check,
            counter=u.counters.first() if counter else None,
            occurred_from=at(when), occurred_to=at(to, 17) if to else None, state=state,
            created_by=demo.users["inspector"], confirmed_at=at(when, 18) if state == "confirmed" else None)
        for sn in violators:
            FindingSubject.objects.create(finding=finding, officer=demo.officers[sn], role="violator")
        for sn, role, knew, covered in subjects:
            FindingSubject.objects.create(finding=finding, officer=demo.officers[sn], role=role,
                                          knew_and_did_not_act=knew, covered_up=covered)
        return finding

    return make


@pytest.fixture
def make_check(demo: Any) -> Callable[..., Any]:
    """A surprise check on a unit; `signed_on` + `percent` adds a signed report."""
    from inspection.models import CheckReport, CriteriaSet, SurpriseCheck

    def make(unit: str, day: date, *, state: str = "signed", percent: float | None = None) -> Any:
        cs, _ = CriteriaSet.objects.get_or_create(code="ACC-TEST", year=day.year, version=1,
                                                  defaults={"name": "Bộ tiêu chí thử"})
        started = at(day, 8) if state != "planned" else None
        check = SurpriseCheck.objects.create(
            reference=f"KT-T{next(_seq):05d}", unit=demo.units[unit], window_start=at(day, 7),
            window_end=at(day, 17), lead=demo.users["lead"], created_by=demo.users["lead"], state=state,
            started_at=started, criteria_set=cs)
        if percent is not None:
            CheckReport.objects.create(surprise_check=check, criteria_set=cs, score=percent, max_score=100,
                                       percent=percent, signed_at=at(day, 16), signed_by=demo.users["lead"])
        return check

    return make


@pytest.fixture
def ruleset(db: Any) -> Any:
    from inspection.accountability.models import RuleSet

    return RuleSet.objects.get(version=1)
