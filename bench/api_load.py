"""API under load: p50/p95 latency and throughput of the main list and detail endpoints, and how
the list endpoints hold up when the data grows 10x.

Creates a dedicated PostgreSQL database (dropped at the end), seeds 500 units (with a counter and
a camera each), then 10,000 clips + 2,000 findings, measures, grows to 100,000 clips + 20,000
findings, measures again. The app is served by uvicorn in separate processes; this process is
only the load client (httpx, asyncio, signed in as the inspection lead: province-wide, sees
drafts and footage).

    .venv/bin/python bench/api_load.py [--clips 100000 --findings 20000 --units 500]
                                       [--requests 300 --concurrency 8 --servers 2]

The database is named BENCH_DB_NAME when set (dropped first if it exists), else cw_bench_<random>.
Needs PostgreSQL (BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432/postgres); prints why
and exits 0 when it is not reachable (`make bench` runs every bench on any machine).
"""
from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
PY = str(ROOT / ".venv" / "bin" / "python")
PG_ADMIN = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")

SEED_ORG = """
from django.db import transaction
from backend.core.actors import SystemActor
from backend.org import services_devices, services_units
from backend.org.demo import DEMO_ZONES, HOURS, DemoContext, seed
from inspection.demo import seed as seed_inspection
from datetime import date
ctx = DemoContext()
with transaction.atomic():
    seed(ctx)
    seed_inspection(ctx)
    province = ctx.units["CAT-NA"]
    have = 0
    from backend.org.models import Unit
    have = Unit.objects.count()
    for n in range({units} - have):
        unit = services_units.unit_create(by=SystemActor("bench"), code=f"CAX-B{{n:04d}}", name=f"Công an xã Bench {{n}}",
                                    level="commune", parent=province, valid_from=date(2025, 7, 1))
        counter = services_devices.counter_create(by=SystemActor("bench"), unit=unit, code=f"Q-B{{n:04d}}",
                                          name=f"Bộ phận một cửa {{n}}", opening_hours=HOURS)
        services_devices.camera_create(by=SystemActor("bench"), counter=counter, code=f"CAM-B{{n:04d}}", name=f"Camera {{n}}",
                               zones=DEMO_ZONES)
print("units", Unit.objects.count())
"""

SEED_GROW = """
import hashlib, random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo
from backend.accounts.models import User
from backend.org.models import Camera, Unit
from inspection.models import Finding, FindingCategory
from media_ingest.models import Clip
rng = random.Random({seed})
cams = list(Camera.objects.values_list("pk", "code"))
units = list(Unit.objects.values_list("pk", flat=True))
t0 = datetime(2025, 7, 1, 7, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
start = Clip.objects.count()
batch = []
for n in range(start, {clips}):
    pk, code = cams[n % len(cams)]
    at = t0 + timedelta(minutes=10 * (n // len(cams)))
    batch.append(Clip(bucket="counterwatch", key=f"{{code}}/{{at:%Y/%m/%d/%H%M%S}}.mp4", version_id=f"v{{n}}",
                      etag=f"e{{n}}", sha256=hashlib.sha256(str(n).encode()).hexdigest(), size_bytes=50_000_000,
                      camera_id=pk, started_at=at, duration_s=600.0, fps=15.0, width=1280, height=720,
                      codec="h264", state="indexed", progress=1.0, event_count=rng.randint(0, 12),
                      activity=[], source="reconcile", indexed_at=at + timedelta(minutes=12)))
    if len(batch) == 5000:
        Clip.objects.bulk_create(batch); batch = []
Clip.objects.bulk_create(batch)
categories = list(FindingCategory.objects.values_list("pk", flat=True))
lead = User.objects.get(username="lead")
severities = ["less_serious", "serious", "very_serious", "especially_serious"]
start = Finding.objects.count()
batch = []
for n in range(start, {findings}):
    at = t0 + timedelta(hours=n % 9000)
    batch.append(Finding(reference=f"VP-B{{n:06d}}", source="footage", category_id=categories[n % len(categories)],
                         severity=severities[n % 4], title=f"Vi phạm tại quầy {{n}}", unit_id=units[n % len(units)],
                         occurred_from=at, state=["draft", "confirmed", "actioned", "dismissed"][n % 4],
                         created_by=lead))
    if len(batch) == 5000:
        Finding.objects.bulk_create(batch); batch = []
Finding.objects.bulk_create(batch)
from django.db import connection
with connection.cursor() as c:
    # what autovacuum does for a table that grew: fresh statistics and a visibility map
    # (index-only scans for counts), so the two sizes are compared in the same steady state
    c.execute("VACUUM ANALYZE")
print("clips", Clip.objects.count(), "findings", Finding.objects.count())
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def manage(env: dict[str, str], *args: str) -> str:
    out = subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"manage.py {args[0]} failed:\n{out.stdout[-2000:]}\n{out.stderr[-4000:]}")
    return out.stdout.strip()


class Servers:
    def __init__(self, env: dict[str, str], count: int) -> None:
        self.port = free_port()
        # one port, N uvicorn worker processes (the scaled mode's "same app behind N processes")
        self.proc = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "uvicorn"), "backend.asgi:application", "--host", "127.0.0.1",
             "--port", str(self.port), "--workers", str(count), "--lifespan", "off", "--no-access-log",
             "--log-level", "warning"], cwd=ROOT, env=env, start_new_session=True)
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.base + "/api/health/", timeout=2).status_code in (200, 503):
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        raise SystemExit("the API server did not start")

    def stop(self) -> None:
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)


async def signed_in(base: str) -> httpx.AsyncClient:
    http = httpx.AsyncClient(base_url=base, timeout=60, limits=httpx.Limits(max_connections=64))
    csrf = (await http.get("/api/auth/csrf/")).json()["csrf_token"]
    r = await http.post("/api/auth/login/", json={"username": "lead", "password": "Demo@12345"},
                        headers={"X-CSRFToken": csrf})
    r.raise_for_status()
    return http


async def drive(http: httpx.AsyncClient, paths: list[str], requests: int, concurrency: int) -> dict[str, float]:
    latencies: list[float] = []
    errors = 0
    counter = iter(range(requests))

    async def one_worker() -> None:
        nonlocal errors
        for n in counter:
            path = paths[n % len(paths)]
            t = time.perf_counter()
            r = await http.get(path)
            latencies.append(time.perf_counter() - t)
            if r.status_code != 200:
                errors += 1

    for path in paths[:3]:  # warm-up
        await http.get(path)
    t0 = time.perf_counter()
    await asyncio.gather(*(one_worker() for _ in range(concurrency)))
    wall = time.perf_counter() - t0
    return {"p50": percentile(latencies, 0.5) * 1000, "p95": percentile(latencies, 0.95) * 1000,
            "rps": len(latencies) / wall, "errors": errors}


def endpoints(env: dict[str, str]) -> dict[str, list[str]]:
    ids = manage(env, "shell", "-c", (
        "from media_ingest.models import Clip; from inspection.models import Finding; "
        "from backend.org.models import Unit, Camera; import random; r = random.Random(1); "
        "c = list(Clip.objects.values_list('pk', flat=True)); f = list(Finding.objects.values_list('pk', flat=True)); "
        "u = list(Unit.objects.values_list('pk', flat=True)); cam = list(Camera.objects.values_list('pk', flat=True)); "
        "print(' '.join(map(str, r.sample(c, 50))), '|', ' '.join(map(str, r.sample(f, 50))), '|', "
        "' '.join(map(str, r.sample(u, 50))), '|', ' '.join(map(str, r.sample(cam, 20))))")).splitlines()[-1]
    clips, findings, units, cams = (part.split() for part in ids.split("|"))
    return {
        "GET /api/media/clips/ (list)": ["/api/media/clips/?page_size=50"] +
                                        [f"/api/media/clips/?page_size=50&camera={c}" for c in cams],
        "GET /api/media/clips/{id}/": [f"/api/media/clips/{c}/" for c in clips],
        "GET /api/inspection/findings/ (list)": ["/api/inspection/findings/?page_size=50",
                                                 "/api/inspection/findings/?state=confirmed&page_size=50",
                                                 "/api/inspection/findings/?severity=serious&page_size=50"],
        "GET /api/inspection/findings/{id}/": [f"/api/inspection/findings/{f}/" for f in findings],
        "GET /api/org/units/ (list)": ["/api/org/units/?page_size=50", "/api/org/units/?page=3&page_size=50"],
        "GET /api/org/units/{id}/": [f"/api/org/units/{u}/" for u in units],
    }


def measure(env: dict[str, str], servers: int, requests: int, concurrency: int) -> dict[str, dict[str, float]]:
    server = Servers(env, servers)
    try:
        async def run() -> dict[str, dict[str, float]]:
            http = await signed_in(server.base)
            out = {}
            for name, paths in endpoints(env).items():
                out[name] = await drive(http, paths, requests, concurrency)
            await http.aclose()
            return out

        return asyncio.run(run())
    finally:
        server.stop()


def print_table(title: str, rows: dict[str, dict[str, float]]) -> None:
    print(f"\n{title}")
    print(f"  {'endpoint':42} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>8} {'errors':>6}")
    for name, r in rows.items():
        print(f"  {name:42} {r['p50']:8.1f} {r['p95']:8.1f} {r['rps']:8.1f} {int(r['errors']):6d}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=int, default=100_000)
    parser.add_argument("--findings", type=int, default=20_000)
    parser.add_argument("--units", type=int, default=500)
    parser.add_argument("--requests", type=int, default=300, help="requests per endpoint and size")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--servers", type=int, default=2, help="uvicorn worker processes")
    args = parser.parse_args()

    try:
        import psycopg

        psycopg.connect(PG_ADMIN, connect_timeout=3).close()
    except Exception as exc:  # noqa: BLE001
        print(f"api_load: skipped, PostgreSQL not reachable at {PG_ADMIN} ({exc})")
        return 0
    db = os.environ.get("BENCH_DB_NAME") or f"cw_bench_{secrets.token_hex(4)}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{db}"')
    var = tempfile.mkdtemp(prefix="cw-bench-")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CELERY_", "MINIO_", "REDIS_", "TEST_DB"))}
    env.update({"DJANGO_SETTINGS_MODULE": "backend.settings", "DATABASE_URL": f"{PG_ADMIN.rsplit('/', 1)[0]}/{db}",
                "COUNTERWATCH_VAR_DIR": var, "COUNTERWATCH_BACKGROUND": "0", "LOG_LEVEL": "WARNING",
                "LOGIN_THROTTLE_RATE": "1000/min", "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
                "DJANGO_SECURE_COOKIES": "0",  # plain http on 127.0.0.1
                "TWO_FACTOR_REQUIRED_ROLES": ""})  # measures the API, not the sign-in: password alone
    try:
        t = time.perf_counter()
        manage(env, "migrate", "--noinput", "-v0")
        print(manage(env, "shell", "-c", SEED_ORG.format(units=args.units)).splitlines()[-1])
        small_clips, small_findings = args.clips // 10, args.findings // 10
        print(manage(env, "shell", "-c", SEED_GROW.format(seed=1, clips=small_clips, findings=small_findings))
              .splitlines()[-1], f"(seeded in {time.perf_counter() - t:.0f} s)")
        small = measure(env, args.servers, args.requests, args.concurrency)
        print_table(f"{small_clips:,} clips, {small_findings:,} findings, {args.units} units", small)
        t = time.perf_counter()
        print(manage(env, "shell", "-c", SEED_GROW.format(seed=2, clips=args.clips, findings=args.findings))
              .splitlines()[-1], f"(grown in {time.perf_counter() - t:.0f} s)")
        big = measure(env, args.servers, args.requests, args.concurrency)
        print_table(f"{args.clips:,} clips, {args.findings:,} findings, {args.units} units", big)
        failed = sum(int(r["errors"]) for r in (*small.values(), *big.values()))
        if failed:
            print(f"\n{failed} requests did not answer 200: the figures above are not valid")
        print("\nlist endpoints as the data grows 10x (p50 at 10x / p50 at 1x; 1.0 = flat):")
        for name in small:
            print(f"  {name:42} {big[name]['p50'] / small[name]['p50']:5.2f}x"
                  f"   (p95 {big[name]['p95'] / small[name]['p95']:5.2f}x)")
        print(f"\nmachine: {os.cpu_count()} cores, {os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB; "
              f"{args.servers} uvicorn processes, {args.concurrency} concurrent client requests, "
              f"{args.requests} requests per endpoint")
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
    return 0


if __name__ == "__main__":
    sys.exit(main())
