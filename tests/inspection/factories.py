"""factory_boy factories for small inspection worlds built for the case at hand."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import factory
from django.utils import timezone

from backend.accounts.models import Role, User
from backend.org.models import Assignment, Counter, Officer, Unit
from inspection.models import Finding, FindingCategory, SurpriseCheck


class UnitFactory(factory.django.DjangoModelFactory[Unit]):
    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"U-{n:04d}")
    name = factory.Sequence(lambda n: f"Công an xã Thử {n}")
    level = "commune"
    valid_from = date(2020, 1, 1)


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.INSPECTOR
    is_active = True
    # a team account is linked to its officer (conflicts of interest are read from it): one may be put on a team
    officer = factory.SubFactory("tests.inspection.factories.OfficerFactory")


class CheckFactory(factory.django.DjangoModelFactory[SurpriseCheck]):
    class Meta:
        model = SurpriseCheck
        skip_postgeneration_save = True

    reference = factory.Sequence(lambda n: f"KT-T{n:05d}")
    unit = factory.SubFactory(UnitFactory)
    window_start = factory.LazyFunction(lambda: timezone.now() + timedelta(days=2))
    window_end = factory.LazyAttribute(lambda o: o.window_start + timedelta(hours=2))
    lead = factory.SubFactory(UserFactory, role=Role.INSPECTION_LEAD)
    created_by = factory.SelfAttribute("lead")

    @factory.post_generation
    def team(self, create: bool, extracted: list[User] | None, **kwargs: object) -> None:
        if create:
            self.team.set([self.lead, *(extracted or [])])


class CategoryFactory(factory.django.DjangoModelFactory[FindingCategory]):
    class Meta:
        model = FindingCategory
        django_get_or_create = ("code",)

    code = "T_VANG"
    name_vi = "Vắng mặt (thử)"
    default_severity = "less_serious"


class FindingFactory(factory.django.DjangoModelFactory[Finding]):
    class Meta:
        model = Finding

    reference = factory.Sequence(lambda n: f"VP-T-{n:05d}")
    source = Finding.Source.CHECK
    category = factory.SubFactory(CategoryFactory)
    title = "Vi phạm thử"
    unit = factory.SubFactory(UnitFactory)
    severity = "less_serious"
    occurred_from = factory.LazyFunction(timezone.now)
    state = Finding.State.CONFIRMED
    created_by = factory.SubFactory(UserFactory, role=Role.INSPECTION_LEAD)


HOURS = {"mon-fri": [["07:30", "11:30"], ["13:30", "17:00"]], "sat": [["07:30", "11:30"]]}


class CounterFactory(factory.django.DjangoModelFactory[Counter]):
    class Meta:
        model = Counter

    unit = factory.SubFactory(UnitFactory)
    code = factory.Sequence(lambda n: f"Q-{n:04d}")
    name = factory.Sequence(lambda n: f"Quầy một cửa {n}")
    opening_hours = factory.LazyFunction(lambda: dict(HOURS))
    active = True


class OfficerFactory(factory.django.DjangoModelFactory[Officer]):
    class Meta:
        model = Officer

    service_number = factory.Sequence(lambda n: f"T-{n:05d}")
    # letters, not the sequence's digits: a name part "234" is refused in a password such as "Demo@12345"
    # (passwords are checked against the linked officer's name), which made tests depend on the count
    full_name = factory.Sequence(lambda n: "Cán bộ Thử " + "".join("qxzjvkfwyp"[int(d)] for d in str(n)).title())
    search_name = factory.LazyAttribute(lambda o: o.full_name.lower())
    # a birth date each: names one letter apart ("Thử Q", "Thử X") with no birth date may be one person
    # (backend/org/identity.py), which the two-person rules refuse
    date_of_birth = factory.Sequence(lambda n: date(1960, 1, 1) + timedelta(days=n))


class AssignmentFactory(factory.django.DjangoModelFactory[Assignment]):
    class Meta:
        model = Assignment

    officer = factory.SubFactory(OfficerFactory)
    unit = factory.SubFactory(UnitFactory)
    position = "Cán bộ"
    valid_from = date(2020, 1, 1)


def report_version(check: Any) -> int:
    """The current version of a check's report: every PUT of the report names the version it edits."""
    from inspection.models import CheckReport

    uid = check if isinstance(check, str) else check.uid
    return CheckReport.objects.get(surprise_check__uid=uid).version


def photo_bytes(fmt: str = "JPEG", size: tuple[int, int] = (64, 48), color: tuple[int, int, int] = (30, 90, 160)) -> bytes:
    """A real, decodable photo (the server decodes every report photo)."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, fmt)
    return out.getvalue()
