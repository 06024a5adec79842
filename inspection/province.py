"""A province of the real size (the shared DESIGN.md, ../shared/DESIGN.md from the repository root, "Domain",
"Scale the product is built for"), for benchmarks and for people to look at.

~460 commune-level units under 20 district-level units until 28 February 2025, under the province
from 1 March 2025 (district level abolished), merged on 1 July 2025 into 130 communes (successor
links); officers with head/deputy appointments and their history; a one-stop counter per commune,
25 of them with a camera and a rating device; a year of ratings, complaints on 3 hotlines, signed
checks with reports and findings. Each commune has a hidden "trouble" level that drives what it
generates, so the risk model has something true to find.

Rows are written with bulk_create (one audit record for the whole seed): the seed must take well
under a minute. Deterministic for a given `seed`.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from backend.accounts.models import Role, User
from backend.audit.services import audit_record
from backend.core.actors import SystemActor
from backend.core.text import fold
from backend.org import services_officers
from backend.org.models import Assignment, Camera, Counter, FieldOfCharge, Officer, Unit, UnitLink
from inspection import draw as drawing
from inspection import services_criteria, services_ratings
from inspection.models import (
    CheckReport,
    Complaint,
    CounterVolume,
    CriterionResult,
    Finding,
    FindingCategory,
    RatingDevice,
    SatisfactionRating,
    SurpriseCheck,
)
from inspection.selectors_criteria import criteria_leaves

PROVINCE = "CAT-NA"
SEED = SystemActor("seed_province")
DISTRICTS_END = date(2025, 2, 28)  # district-level police abolished from 1 March 2025
MERGED_ON = date(2025, 7, 1)
HOURS = {"mon-fri": [["07:30", "11:30"], ["13:30", "17:00"]], "sat": [["07:30", "11:30"]]}
FIRST = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Quang", "Hữu", "Thanh", "Công"]
LAST = ["An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Khoa", "Lâm", "Long", "Nam", "Phong", "Quân", "Sơn",
        "Tâm", "Thắng", "Tuấn", "Việt", "Vinh"]
PLACES = ["Hưng", "Nghi", "Diễn", "Quỳnh", "Yên", "Đô", "Thanh", "Anh", "Nam", "Con", "Tân", "Quế", "Kỳ", "Tương"]


@dataclass
class Province:
    districts: list[Unit] = field(default_factory=list)
    old_communes: list[Unit] = field(default_factory=list)
    communes: list[Unit] = field(default_factory=list)  # after 1 July 2025
    trouble: dict[int, float] = field(default_factory=dict)  # hidden truth per current commune
    counters: list[Counter] = field(default_factory=list)
    lead: User | None = None
    stats: dict[str, int] = field(default_factory=dict)


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(MIDDLE)} {rng.choice(LAST)}"


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=drawing.LOCAL_TZ)


def _units(p: Province, rng: random.Random, communes_before: int, communes_after: int) -> Unit:
    province = Unit.objects.create(code=PROVINCE, name="Công an tỉnh Nghệ An", search_name=fold("Công an tỉnh Nghệ An"),
                                   level=Unit.Level.PROVINCE, valid_from=date(2000, 1, 1))
    p.districts = Unit.objects.bulk_create([
        Unit(code=f"CAH-{i:02d}", name=f"Công an huyện {PLACES[i % len(PLACES)]} {i}",
             search_name=fold(f"Công an huyện {PLACES[i % len(PLACES)]} {i}"), level=Unit.Level.DISTRICT,
             parent=province, valid_from=date(2000, 1, 1), valid_to=DISTRICTS_END) for i in range(1, 21)])
    p.communes = Unit.objects.bulk_create([
        Unit(code=f"CAX-{i:03d}", name=f"Công an xã {PLACES[i % len(PLACES)]} {i}",
             search_name=fold(f"Công an xã {PLACES[i % len(PLACES)]} {i}"), level=Unit.Level.COMMUNE,
             parent=province, valid_from=MERGED_ON) for i in range(1, communes_after + 1)])
    # every successor takes 3 or 4 old communes of one district
    old: list[Unit] = []
    owners: list[Unit] = []
    for i in range(communes_before):
        succ = p.communes[i * communes_after // communes_before]
        district = p.districts[i * len(p.districts) // communes_before]
        name = f"Công an xã {PLACES[(i * 7) % len(PLACES)]} cũ {i + 1}"
        old.append(Unit(code=f"CAXC-{i + 1:03d}", name=name, search_name=fold(name), level=Unit.Level.COMMUNE,
                        parent=province, valid_from=date(2000, 1, 1), valid_to=MERGED_ON - timedelta(days=1),
                        successor=succ))
        owners.append(district)
    p.old_communes = Unit.objects.bulk_create(old)
    links = []
    for unit, district in zip(p.old_communes, owners, strict=True):
        links.append(UnitLink(unit=unit, parent=district, valid_from=date(2000, 1, 1), valid_to=DISTRICTS_END))
        links.append(UnitLink(unit=unit, parent=province, valid_from=DISTRICTS_END + timedelta(days=1),
                              valid_to=MERGED_ON - timedelta(days=1)))
    links += [UnitLink(unit=d, parent=province, valid_from=date(2000, 1, 1), valid_to=DISTRICTS_END)
              for d in p.districts]
    links += [UnitLink(unit=c, parent=province, valid_from=MERGED_ON) for c in p.communes]
    UnitLink.objects.bulk_create(links)
    # hidden trouble: most communes are fine, a few are not (a long right tail)
    p.trouble = {c.pk: min(rng.lognormvariate(0, 0.9), 12.0) for c in p.communes}
    return province


def _officers(p: Province, rng: random.Random) -> None:
    officers: list[Officer] = []
    plan: list[tuple[int, Unit, str, bool, bool, date, date | None]] = []
    n = 0

    def officer() -> int:
        nonlocal n
        n += 1
        name = _name(rng)
        officers.append(Officer(service_number=f"NA-{n:05d}", full_name=name, search_name=fold(name),
                                rank=rng.choice(["Đại úy", "Thiếu tá", "Trung tá", "Thượng úy"])))
        return len(officers) - 1

    for unit in p.old_communes:
        head, deputy = officer(), officer()
        change = date(2022, 1, 1) + timedelta(days=rng.randrange(900))  # a head changed once before the merger
        first_head = officer()
        plan.append((first_head, unit, "Trưởng Công an xã", True, False, date(2018, 1, 1), change - timedelta(days=1)))
        plan.append((head, unit, "Trưởng Công an xã", True, False, change, unit.valid_to))
        plan.append((deputy, unit, "Phó Trưởng Công an xã", False, True, date(2019, 1, 1), unit.valid_to))
    for unit in p.communes:
        for position, is_head, is_deputy in (("Trưởng Công an xã", True, False),
                                             ("Phó Trưởng Công an xã", False, True), ("Cán bộ một cửa", False, False),
                                             ("Cán bộ một cửa", False, False)):
            plan.append((officer(), unit, position, is_head, is_deputy, MERGED_ON, None))
    created = Officer.objects.bulk_create(officers)
    # each commune's deputy is in charge of administration and the one-stop counter (the field the
    # surprise checks look at); the field list itself is seeded by the org migration
    services_officers.fields_of_charge_seed(by=SEED)
    one_stop = FieldOfCharge.objects.get(code="HANH_CHINH")
    Assignment.objects.bulk_create([
        Assignment(officer=created[i], unit=unit, position=position, is_head=is_head, is_deputy=is_deputy,
                   field=one_stop if is_deputy else None,
                   in_charge_of="Phụ trách hành chính, bộ phận một cửa" if is_deputy else "",
                   valid_from=start, valid_to=end)
        for i, unit, position, is_head, is_deputy, start, end in plan])
    p.stats["officers"] = len(created)


def _counters(p: Province, rng: random.Random, with_devices: int) -> list[Counter]:
    p.counters = Counter.objects.bulk_create([
        Counter(unit=c, code=f"Q-{c.code}", name=f"Bộ phận một cửa {c.name}", opening_hours=dict(HOURS))
        for c in p.communes])
    equipped = sorted(rng.sample(p.counters, with_devices), key=lambda c: c.pk)
    Camera.objects.bulk_create([Camera(code=f"CAM-{c.unit.code}", counter=c, name=f"Camera {c.name}")
                                for c in equipped])
    RatingDevice.objects.bulk_create([RatingDevice(serial=f"TB-{c.unit.code}", counter=c) for c in equipped])
    return equipped


def _ratings(p: Province, rng: random.Random, equipped: list[Counter], start: date, end: date) -> None:
    rows: list[SatisfactionRating] = []
    day = start
    while day <= end:
        if day.weekday() < 5:
            for counter in equipped:
                unsatisfied = min(0.03 * p.trouble[counter.unit_id], 0.6)
                for k in range(rng.randint(6, 16)):
                    at = _at(day, 7, 40) + timedelta(minutes=20 * k + rng.randrange(15))
                    score = rng.choice([1, 2]) if rng.random() < unsatisfied else rng.choice([3, 4, 5, 5, 5])
                    rows.append(SatisfactionRating(
                        counter=counter, device_code=services_ratings.device_code_for_serial(f"TB-{counter.unit.code}"),
                        device_rating_id=f"{day:%Y%m%d}-{k}", rated_at=at, score=score,
                        source=SatisfactionRating.Source.DEVICE))
        day += timedelta(days=1)
    SatisfactionRating.objects.bulk_create(rows, batch_size=5000)
    p.stats["ratings"] = len(rows)
    rated: dict[tuple[int, date], int] = {}
    for r in rows:
        key = (r.counter_id, timezone.localdate(r.rated_at))
        rated[key] = rated.get(key, 0) + 1
    # its own random stream, so the rest of the province is the same as before volumes were seeded
    p.stats["volume_days"] = seed_volumes(p.counters, start, end, random.Random(7919),
                                          rated)


def seed_volumes(counters: list[Counter], start: date, end: date, rng: random.Random,
                 rated: dict[tuple[int, date], int] | None = None) -> int:
    """Transactions served per counter per working day (weekdays, and Saturday mornings at a third of a
    weekday): each counter has its own size (15-70 a weekday), Mondays busier, the day varies +-35%,
    and a day never has fewer transactions than ratings given. Returns rows written."""
    rated = rated or {}
    rows = []
    for counter in counters:
        base = rng.randint(15, 70)
        day = start
        while day <= end:
            if day.weekday() < 6:
                factor = (1.25 if day.weekday() == 0 else 1.0) * (0.33 if day.weekday() == 5 else 1.0)
                count = max(round(base * factor * rng.uniform(0.65, 1.35)), rated.get((counter.pk, day), 0))
                rows.append(CounterVolume(counter=counter, day=day, transactions=count,
                                          source=CounterVolume.Source.SEED))
            day += timedelta(days=1)
    CounterVolume.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def _complaints(p: Province, rng: random.Random, start: date, days: int) -> None:
    channels = [Complaint.Channel.HOTLINE_1, Complaint.Channel.HOTLINE_2, Complaint.Channel.HOTLINE_3,
                Complaint.Channel.WEB, Complaint.Channel.IN_PERSON]
    rows: list[Complaint] = []
    for commune in p.communes:
        for _ in range(_poisson(rng, 0.9 * p.trouble[commune.pk])):
            day = start + timedelta(days=rng.randrange(days))
            rows.append(Complaint(reference=f"PA-S-{len(rows) + 1:05d}", channel=rng.choice(channels),
                                  received_at=_at(day, rng.randint(8, 16)), unit=commune,
                                  summary=rng.choice(["Cán bộ vắng mặt tại quầy", "Yêu cầu thêm giấy tờ",
                                                      "Thái độ thiếu tôn trọng", "Hẹn trả hồ sơ trễ"]),
                                  state=Complaint.State.RECEIVED))
    Complaint.objects.bulk_create(rows)
    p.stats["complaints"] = len(rows)


def _poisson(rng: random.Random, mean: float) -> int:
    count, limit, product = 0, 2.718281828 ** (-mean), rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def _checks(p: Province, rng: random.Random, today: date) -> None:
    """Signed checks of the year before today: the old communes before the merger, the new after."""
    criteria_set = services_criteria.criteria_set_seed_default(by=SEED, year=2025)
    leaves = criteria_leaves(criteria_set=criteria_set)
    categories = list(FindingCategory.objects.order_by("code"))
    lead = p.lead
    assert lead is not None
    plan: list[tuple[Unit, date, float]] = []
    for unit in rng.sample(p.old_communes, 90):
        day = MERGED_ON - timedelta(days=rng.randint(10, 170))
        assert unit.successor_id is not None, "an old commune was merged into a new one"
        plan.append((unit, day, p.trouble[unit.successor_id]))
    for unit in rng.sample(p.communes, 70):
        day = MERGED_ON + timedelta(days=rng.randint(20, max((today - MERGED_ON).days - 30, 21)))
        plan.append((unit, day, p.trouble[unit.pk]))
    checks = SurpriseCheck.objects.bulk_create([
        SurpriseCheck(reference=f"KT-S{i:05d}", unit=unit, window_start=_at(day, 8), window_end=_at(day, 10),
                      lead=lead, created_by=lead, criteria_set=criteria_set, state=SurpriseCheck.State.SIGNED,
                      started_at=_at(day, 8), completed_at=_at(day, 10)) for i, (unit, day, _) in enumerate(plan)])
    reports: list[CheckReport] = []
    results: list[tuple[CheckReport, CriterionResult]] = []
    findings: list[Finding] = []
    for check, (unit, day, trouble) in zip(checks, plan, strict=True):
        report = CheckReport(surprise_check=check, criteria_set=criteria_set, signed_at=_at(day, 11), signed_by=lead,
                             content_hash="0" * 64)
        earned = maximum = Decimal(0)
        for crit in leaves:
            roll = rng.random()
            failed = roll < min(0.01 + 0.02 * trouble, 0.4)
            partial = not failed and roll < min(0.08 + 0.05 * trouble, 0.6) and crit.max_points > 1
            if failed:
                outcome, points, note = CriterionResult.Outcome.FAIL, Decimal(0), "Không đạt khi kiểm tra"
            elif partial:
                points = (crit.max_points / 2).quantize(Decimal("0.01"))
                outcome, note = CriterionResult.Outcome.PARTIAL, "Đạt một phần"
            else:
                outcome, points, note = CriterionResult.Outcome.PASS, crit.max_points, ""
            results.append((report, CriterionResult(criterion=crit, outcome=outcome, points=points, note=note)))
            earned += points * crit.weight
            maximum += crit.max_points * crit.weight
            if failed and (crit.critical or rng.random() < 0.3):
                findings.append(Finding(
                    reference=f"VP-S-{len(findings) + 1:05d}", source=Finding.Source.CHECK, surprise_check=check,
                    criterion=crit, category=rng.choice(categories), severity=rng.choice(
                        ["less_serious", "serious", "serious", "very_serious"]),
                    title=f"Vi phạm tiêu chí {crit.code}", unit=unit, occurred_from=_at(day, 9),
                    state=Finding.State.CONFIRMED, created_by=lead, confirmed_at=_at(day, 15)))
        report.score, report.max_score = earned, maximum
        report.percent = (earned * 100 / maximum).quantize(Decimal("0.01")) if maximum else Decimal(0)
        reports.append(report)
    CheckReport.objects.bulk_create(reports)
    for report, result in results:
        result.report = report
    CriterionResult.objects.bulk_create([r for _, r in results], batch_size=5000)
    Finding.objects.bulk_create(findings)
    p.stats.update(checks=len(checks), findings=len(findings))


_TEAM_NAMES = ("Trịnh Quốc Hưng", "Lương Thị Hạnh", "Tạ Minh Khôi", "Đinh Văn Sơn", "Mai Thị Yến", "Kiều Đức Toàn",
               "Phan Gia Bảo")


@transaction.atomic
def seed_province(*, seed: int = 13, today: date | None = None, communes_before: int = 460,
                  communes_after: int = 130, equipped_counters: int = 25) -> Province:
    """Write the province into an empty database (see the module docstring)."""
    if Unit.objects.filter(code=PROVINCE).exists():
        raise ValueError("A province is already seeded (unit CAT-NA exists).")
    rng = random.Random(seed)
    today = today or timezone.localdate()
    p = Province()
    _units(p, rng, communes_before, communes_after)
    _officers(p, rng)
    equipped = _counters(p, rng, equipped_counters)
    services_criteria.catalogue_seed(by=SEED)
    # the team's accounts are linked to their officers (no posting in a commune): an account without one may not
    # be put on a check team (inspection.secrecy.team_unfit_reason)
    # seven people, named and born apart: names one letter apart with no birth date ("Cán bộ kiểm tra 1", "... 2")
    # may be one person (backend/org/identity.py), and the draw puts no one twice on a team
    team = Officer.objects.bulk_create([
        Officer(service_number=f"NA-T{i:03d}", full_name=name, search_name=fold(name),
                date_of_birth=date(1980 + i, 1 + i, 10 + i))
        for i, name in enumerate(_TEAM_NAMES)])
    p.lead = User.objects.create(username="province-lead", role=Role.INSPECTION_LEAD,
                                 password=make_password(None), first_name="Tổ trưởng", officer=team[0])
    User.objects.bulk_create([User(username=f"province-inspector-{i}", role=Role.INSPECTOR,
                                   password=make_password(None), officer=team[i]) for i in range(1, 7)])
    year_ago = today - timedelta(days=365)
    _ratings(p, rng, equipped, year_ago, today - timedelta(days=1))
    _complaints(p, rng, year_ago, 364)
    _checks(p, rng, today)
    p.stats.update(districts=len(p.districts), old_communes=len(p.old_communes), communes=len(p.communes),
                   counters=len(p.counters), equipped_counters=len(equipped))
    audit_record(actor=SEED, verb="province.seed", object_type="org.unit",
                 payload={"seed": seed, **p.stats})
    return p


def summary(p: Province) -> dict[str, Any]:
    return dict(p.stats)
