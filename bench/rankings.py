"""Rankings benchmark: unit scores, ranking, trend and emulation for 500 communes over a year.

    .venv/bin/python bench/rankings.py [--units 500] [--repeat 3]
    .venv/bin/python bench/rankings.py --province [--repeat 3]

With --province the data is the full province of inspection/province.py (460 communes merged into
130, a year of ratings, volumes, complaints, checks and findings), and besides the rankings it times
the risk model on it: recomputing every unit's risk (`risk_compute`) and reading the risk table
(`risk_latest`), each against the 1 s target.

Builds a throwaway database (a temporary SQLite file, or, when DATABASE_URL points at
PostgreSQL, a temporary database created next to it and dropped afterwards), migrates it, fills
it with two years (the ranked year and the year before, for the trend) of signed check reports,
confirmed findings, CCHC tasks and head assignments (with mid-year head changes), then times
`compute_rankings` for the year (best and worst of --repeat) and prints the figure against the
2 s target.
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TARGET_SECONDS = 2.0
HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def _temp_postgres(url: str) -> tuple[str, str, str]:
    """Create a throwaway database on the server of `url`; returns (new url, admin url, name)."""
    import psycopg

    name = f"cw_bench_rankings_{os.getpid()}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    base, _, _ = url.rpartition("/")
    return f"{base}/{name}", url, name


def _drop_postgres(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _local(d: date, hour: int) -> datetime:
    return datetime(d.year, d.month, d.day, hour, tzinfo=HCM)


# Long on purpose: the synthetic province as data (units, heads, checks, findings, tasks) built in order; no rule lives here.
def build(units_count: int, year: int, seed: int = 11) -> None:
    from backend.accounts.models import User
    from backend.org.models import Assignment, Officer, Unit, UnitLink
    from inspection.accountability.models import CchcTask
    from inspection.models import CheckReport, CriteriaSet, Finding, FindingCategory, SurpriseCheck

    rng = random.Random(seed)
    user = User.objects.create(username="bench", role="inspection_lead")
    province = Unit.objects.create(code="BENCH-P", name="Công an tỉnh (bench)", search_name="cong an tinh bench",
                                   level="province", valid_from=date(2000, 1, 1))
    units = Unit.objects.bulk_create([
        Unit(code=f"BX-{i:04d}", name=f"Công an xã {i}", search_name=f"cong an xa {i}", level="commune",
             parent=province, valid_from=date(2000, 1, 1)) for i in range(units_count)])
    UnitLink.objects.bulk_create([UnitLink(unit=u, parent=province, valid_from=date(2000, 1, 1)) for u in units])
    officers = Officer.objects.bulk_create([
        Officer(service_number=f"BN-{i:05d}", full_name=f"Cán bộ {i}", search_name=f"can bo {i}")
        for i in range(units_count * 2)])
    assignments = []
    for i, u in enumerate(units):
        change = date(year, rng.randint(2, 11), rng.randint(1, 28)) if i % 5 == 0 else None
        first_end = change - timedelta(days=1) if change else None
        assignments.append(Assignment(officer=officers[2 * i], unit=u, position="Trưởng Công an xã", is_head=True,
                                      valid_from=date(year - 3, 1, 1), valid_to=first_end))
        if change:
            assignments.append(Assignment(officer=officers[2 * i + 1], unit=u, position="Trưởng Công an xã",
                                          is_head=True, valid_from=change))
    Assignment.objects.bulk_create(assignments)
    cats = [FindingCategory.objects.create(code=f"BENCH-{k}", name_vi=f"Loại {k}", name_en=f"Kind {k}")
            for k in range(3)]
    checks, tasks, findings = [], [], []
    sev = ["less_serious"] * 6 + ["serious"] * 3 + ["very_serious"]
    for y in (year - 1, year):
        cs = CriteriaSet.objects.create(code="BENCH", year=y, version=1, name="Bench")
        for u in units:
            for _ in range(4):
                d = date(y, rng.randint(1, 12), rng.randint(1, 28))
                checks.append((SurpriseCheck(
                    reference=f"BK-{uuid.uuid4().hex[:12]}", unit=u, window_start=_local(d, 8),
                    window_end=_local(d, 11), lead=user, created_by=user, state="signed",
                    started_at=_local(d, 8), completed_at=_local(d, 11), criteria_set=cs), cs, d))
            for k in range(5):
                due = date(y, rng.randint(3, 12), rng.randint(1, 28))
                r = rng.random()
                delivered = due - timedelta(days=3) if r < 0.7 else due + timedelta(days=9) if r < 0.85 else None
                tasks.append(CchcTask(unit=u, year=y, title=f"Nhiệm vụ {k}", target="100%", due_date=due,
                                      delivered_on=delivered, registered_by=user,
                                      registered_at=_local(date(y - 1, 10, 15), 9)))
            for _ in range(rng.randint(0, 6)):
                d = date(y, rng.randint(1, 12), rng.randint(1, 28))
                findings.append(Finding(
                    reference=f"BF-{uuid.uuid4().hex[:12]}", source="footage", category=rng.choice(cats),
                    severity=rng.choice(sev), title="Vi phạm (bench)", unit=u, occurred_from=_local(d, 9),
                    state="confirmed", created_by=user, confirmed_at=_local(d, 15)))
    created = SurpriseCheck.objects.bulk_create([c for c, _, _ in checks], batch_size=2000)
    CheckReport.objects.bulk_create([
        CheckReport(surprise_check=check, criteria_set=cs, score=p, max_score=100, percent=p,
                    signed_at=_local(d, 12), signed_by=user)
        for check, (_, cs, d), p in zip(created, checks, (rng.randint(55, 100) for _ in checks), strict=False)],
        batch_size=2000)
    CchcTask.objects.bulk_create(tasks, batch_size=2000)
    Finding.objects.bulk_create(findings, batch_size=2000)
    print(f"data: {units_count} units, {len(checks)} signed reports, {len(findings)} findings, "
          f"{len(tasks)} CCHC tasks, {len(assignments)} head assignments (2 years)", flush=True)


# Long on purpose: a benchmark script read top to bottom: a throwaway database, the data, each timing, the verdict.
def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument("--province", action="store_true", help="the full province (inspection/province.py)")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="cw-bench-rankings-")
    os.environ["COUNTERWATCH_VAR_DIR"] = tmp
    os.environ.setdefault("COUNTERWATCH_BACKGROUND", "0")
    os.environ["DJANGO_SETTINGS_MODULE"] = "backend.settings"
    pg = None
    if os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        new_url, admin_url, name = _temp_postgres(os.environ["DATABASE_URL"])
        os.environ["DATABASE_URL"] = new_url
        pg = (admin_url, name)
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        print(f"database: {connection.vendor} (throwaway)", flush=True)
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        if args.province:
            from django.utils import timezone

            from inspection.province import seed_province, summary

            print(f"province: {summary(seed_province(seed=13))}", flush=True)
            args.year = timezone.localdate().year
        else:
            build(args.units, args.year)
        print(f"setup: {time.perf_counter() - started:.1f} s", flush=True)

        from inspection.accountability.models import ScoringPolicy
        from inspection.accountability.scoring import compute_rankings, year_period

        policy = ScoringPolicy.objects.order_by("-version").first()
        assert policy is not None, "the accountability migration seeds a scoring policy"
        timings = []
        result = None
        for _ in range(max(1, args.repeat)):
            t0 = time.perf_counter()
            result = compute_rankings(level="commune", period=year_period(args.year), policy=policy,
                                      today=None if args.province else date(args.year + 1, 1, 15))
            timings.append(time.perf_counter() - t0)
        assert result is not None
        worst, best = max(timings), min(timings)
        target = 1.0 if args.province else TARGET_SECONDS
        risk_ok = True
        if args.province:
            from backend.accounts.models import User
            from inspection.selectors_risk import risk_latest
            from inspection.services_risk import risk_compute

            lead = User.objects.get(username="province-lead")
            computes, reads = [], []
            for _ in range(max(1, args.repeat)):
                t0 = time.perf_counter()
                snaps = risk_compute(by=lead)
                computes.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                rows = list(risk_latest(user=lead))
                reads.append(time.perf_counter() - t0)
            print(f"risk recompute {len(snaps)} units: {min(computes):.2f} s best, {max(computes):.2f} s worst "
                  f"(target < 1 s)")
            print(f"risk table read {len(rows)} rows: {min(reads):.3f} s best, {max(reads):.3f} s worst (target < 1 s)")
            risk_ok = max(computes) < 1.0 and max(reads) < 1.0
        ranked = result["ranked"]
        consequences = sum(1 for r in result["rows"] if r["emulation"]["unit"])
        print(f"ranked {ranked}/{result['units']} units; {consequences} with an emulation consequence")
        print(f"rankings {result['units']} units: {best:.2f} s best, {worst:.2f} s worst of {len(timings)} "
              f"(target < {target:.0f} s; worst/target = {worst / target:.2f})")
        connection.close()
        return 0 if worst < target and risk_ok else 1
    finally:
        if pg is not None:
            _drop_postgres(*pg)


if __name__ == "__main__":
    sys.exit(main())
