"""factory_boy factories for accountability scenarios: each test builds the world it talks about.

Units, officers and assignments go through the org services (so the temporal parent links and
the audit trail are what production writes); findings and their subjects are plain rows.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import factory
from factory.django import DjangoModelFactory

from backend.accounts.models import Role, User
from backend.core.actors import SystemActor
from backend.org.models import Assignment, FieldOfCharge, Officer, Unit
from inspection.models import Finding, FindingCategory, FindingSubject

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
PASSWORD = "Kiem#Tra-2026-an-toan"
BY = SystemActor("test_factory")


def at(d: date, hour: int = 9) -> datetime:
    return datetime.combine(d, time(hour), tzinfo=HCM)


class UnitFactory(DjangoModelFactory[Unit]):
    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"F-U{n:04d}")
    name = factory.Sequence(lambda n: f"Công an xã Thử Nghiệm {n}")
    level = Unit.Level.COMMUNE
    parent = None
    valid_from = date(2000, 1, 1)
    valid_to = None

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Unit:
        from backend.org.services_units import unit_create

        successor = kwargs.pop("successor", None)
        unit = unit_create(by=BY, **kwargs)
        if successor is not None:
            Unit.objects.filter(pk=unit.pk).update(successor=successor)
            unit.refresh_from_db()
        return unit


class OfficerFactory(DjangoModelFactory[Officer]):
    class Meta:
        model = Officer

    service_number = factory.Sequence(lambda n: f"F-{n:05d}")
    # the number twice, zero-padded: any two names differ in two places at least, never one letter or a dropped
    # letter apart ("Thử 103", "Thử 104" were look-alikes, and a guarded person's look-alike needs a worded reason
    # whatever the birth dates: backend/org/identity.py)
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Thử {n:04d}{n:04d}")
    # a birth date each too: look-alikes with no birth date may be one person
    date_of_birth = factory.Sequence(lambda n: date(1960, 1, 1) + timedelta(days=n))
    rank = "Đại úy"

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Officer:
        from backend.org.services_officers import officer_create

        return officer_create(by=BY, **kwargs)


class AssignmentFactory(DjangoModelFactory[Assignment]):
    class Meta:
        model = Assignment

    officer = factory.SubFactory(OfficerFactory)
    unit = factory.SubFactory(UnitFactory)
    position = "Cán bộ"
    valid_from = date(2020, 1, 1)
    valid_to = None
    is_head = False
    is_deputy = False
    is_acting = False
    in_charge_of = ""
    decision_ref = ""

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Assignment:
        from backend.org.services_officers import assignment_create

        field = kwargs.pop("field", None)  # a field of charge by code: field="HANH_CHINH"
        if isinstance(field, str):
            field = FieldOfCharge.objects.get(code=field)
        # a test builds its world after its findings at times: the post is then a recorded correction
        kwargs.setdefault("reason", "Dữ liệu kiểm thử")
        return assignment_create(by=BY, field=field, **kwargs)


_FAMILIES = ("Nguyễn", "Lê", "Phạm", "Hoàng", "Huỳnh", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ")
_GIVENS = ("Bình", "Cường", "Dũng", "Giang", "Hải", "Khánh", "Lâm", "Minh", "Phúc", "Quý")


class UserFactory(DjangoModelFactory[User]):
    """A user who logs in with PASSWORD through the real login endpoint."""

    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"nguoidung{n}")
    # a name each, none like another (backend/org/identity.py: one person, one account): family and given name
    # from n, each list's words at least two letters apart, so that no two of the first 100 are alike
    full_name = factory.Sequence(lambda n: f"{_FAMILIES[n % 10]} Dùng Thử {_GIVENS[n // 10 % 10]}")
    role = Role.DISCIPLINARY
    scope_unit = None
    officer = None

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> User:
        from backend.accounts.services import user_create

        # the names repeat after 100 accounts (a worker's sequence runs on across tests, and a module's seeded
        # accounts stay): each is said to be a person of its own, as an administrator would (one person, one account)
        kwargs.setdefault("distinct_reason", "Tài khoản kiểm thử của một cán bộ khác, không phải cùng một người")
        return user_create(by=BY, password=PASSWORD, **kwargs)


class CategoryFactory(DjangoModelFactory[FindingCategory]):
    class Meta:
        model = FindingCategory
        django_get_or_create = ("code",)
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"F-CAT-{n}")
    name_vi = factory.Sequence(lambda n: f"Loại vi phạm thử {n}")
    name_en = factory.Sequence(lambda n: f"Test category {n}")

    @factory.post_generation
    def fields(obj: FindingCategory, create: bool, extracted: Any, **kwargs: Any) -> None:  # noqa: N805
        """`fields=["HANH_CHINH"]`: the fields of charge (by code) the category belongs to."""
        if extracted is not None:
            obj.fields.set(FieldOfCharge.objects.filter(code__in=extracted))


class FindingFactory(DjangoModelFactory[Finding]):
    """A confirmed finding; `on` (and `to` for a period) as dates; `violators=[officer, ...]`;
    `recorded_on` backdates when the finding was recorded (its discovery)."""

    class Meta:
        model = Finding
        exclude = ("on", "to")
        skip_postgeneration_save = True

    reference = factory.Sequence(lambda n: f"VP-F{n:05d}")
    source = Finding.Source.FOOTAGE
    category = factory.SubFactory(CategoryFactory)
    severity = "less_serious"
    title = "Cán bộ vắng mặt tại quầy"
    unit = factory.SubFactory(UnitFactory)
    state = Finding.State.CONFIRMED
    on = date(2026, 6, 1)
    to = None
    occurred_from = factory.LazyAttribute(lambda o: at(o.on))
    occurred_to = factory.LazyAttribute(lambda o: at(o.to, 17) if o.to else None)
    confirmed_at = factory.LazyAttribute(lambda o: at(o.to or o.on, 18))
    created_by = factory.LazyFunction(lambda: UserFactory(role=Role.INSPECTOR))

    @factory.post_generation
    def violators(obj: Finding, create: bool, extracted: Any, **kwargs: Any) -> None:  # noqa: N805
        for officer in extracted or ():
            FindingSubject.objects.create(finding=obj, officer=officer, role=FindingSubject.Role.VIOLATOR)

    @factory.post_generation
    def recorded_on(obj: Finding, create: bool, extracted: Any, **kwargs: Any) -> None:  # noqa: N805
        if extracted is not None:
            Finding.objects.filter(pk=obj.pk).update(created_at=at(extracted))
            obj.refresh_from_db()


def case_opened_on(case_id: int, day: date) -> None:
    """Backdate when a disciplinary case was opened (a case opened in the past, for dated steps)."""
    from inspection.accountability.models import DisciplinaryCase

    DisciplinaryCase.objects.filter(pk=case_id).update(created_at=at(day, 8))
