"""API under load: p50/p95 latency and throughput of the main list and detail endpoints, how the
list endpoints hold up when the data grows 10x, and (with --baseline) how this checkout compares
with another checkout of the code serving the same data sizes in the same run.

Seeds dedicated PostgreSQL databases (dropped at the end): 500 units (with a counter and a camera
each), then 10,000 clips + 2,000 findings ("1x"); a copy of that database is grown to 100,000 clips
+ 20,000 findings ("10x"). Each database is served by its own uvicorn (N worker processes on one
port, the scaled mode's "same app behind N processes"); this process is only the load client (httpx,
asyncio, signed in as the inspection lead: province-wide, sees drafts and footage). Every server runs
with the same settings (DEBUG off, the same operator environment).

With --baseline PATH (another checkout with its own .venv, e.g. the issue's baseline commit), that
checkout's code migrates and seeds its own pair of databases with its own bench seed scripts (the
schemas may differ; the sizes and the seeded rows are the same), and serves them the same way (the
same .venv's libraries when it links this one's, the same settings and environment, the same warm-up).

What is measured, so the figures mean something on a shared 2-core machine:
- `--rounds` rounds; in each round every code in turn (the order rotating between rounds) has its
  two servers (1x and 10x) started and warmed up untimed (every path of every endpoint once, then
  2x the concurrency requests per endpoint, so each worker process has imported its code, opened its
  database connections and read the pages it needs), then every endpoint driven with
  requests/rounds timed requests per server, in steps of 8x the concurrency alternating between the
  two servers (which size goes first alternates between rounds), and both servers stopped. The
  growth thus compares figures taken seconds apart: one server at a time per code, as before,
  compared blocks taken minutes apart and a load of 12-21 from other suites moved them more than
  the data did (2026-12-01: the findings list "grew" 1.87x/2.47x under load while its in-process
  CPU and query times were flat). Two servers at a time, not four: each keeps a database connection
  per busy thread, and the PostgreSQL server is shared;
- per endpoint and server: p50 and p95 of all its timed requests (default 1,000: ~50 above the
  p95), throughput = requests / the wall time spent driving it; a request that does not answer 200
  (or not at all) is counted with what it answered, and any such request makes the run NOT VALID
  (printed, with the endpoint, code and size);
- in process, after the load (`--batches`, each code in its own checkout, signed in as the lead):
  Python CPU per request (min of batches of 20) and the database's planning + execution time of
  the queries one request makes (EXPLAIN ANALYZE, min of 3): figures the machine's load moves
  little, for the same growth and, as the inverse CPU ratio, the same this/baseline comparison;
- the lists' summary: per list, each code's growth (10x / 1x, p50 and p95, and in process) against
  the 1.1x target, and this / baseline req/s at each size against the 2x target (clip and findings
  lists); the 1-minute load average as each couple's timed requests start.

    .venv/bin/python bench/api_load.py [--clips 100000 --findings 20000 --units 500]
                                       [--requests 1000 --rounds 4 --concurrency 8 --servers 2]
                                       [--batches 5] [--baseline /work/wt/base18] [--json out.json]

With --baseline on a shared PostgreSQL, mind its connections: the baseline's servers (Django's stock
ASGI path, CONN_MAX_AGE 60) leave a connection open per request thread, 26-76 for one server under 8
concurrent requests (this code's keeps 11); two of them filled a shared server's 100 connections
(2026-12-01), every request then answered 500 and other people's test databases refused connections
too. Point BENCH_PG_URL at a PostgreSQL of the bench's own with room for them.

Databases are named BENCH_DB_NAME (when set) or cw_bench_<random>, plus a suffix per size and code
(dropped first if they exist). Needs PostgreSQL (BENCH_PG_URL, default
postgres://postgres@127.0.0.1:5432/postgres); prints why and exits 0 when it is not reachable
(`make bench` runs every bench on any machine).
"""
from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
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


@dataclass(frozen=True)
class Code:
    """A checkout whose code serves the API: this one, or the --baseline one (with its own .venv)."""
    label: str
    root: Path
    seed_org: str
    seed_grow: str

    @classmethod
    def at(cls, label: str, root: Path) -> Code:
        if root == ROOT:
            return cls(label, root, SEED_ORG, SEED_GROW)
        # the other checkout seeds with its own bench's scripts: they speak its schema and services
        spec = importlib.util.spec_from_file_location(f"api_load_{label}", root / "bench" / "api_load.py")
        if spec is None or spec.loader is None or not (root / ".venv" / "bin" / "python").exists():
            raise SystemExit(f"--baseline {root}: not a checkout with bench/api_load.py and .venv")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return cls(label, root, module.SEED_ORG, module.SEED_GROW)

    def manage(self, env: dict[str, str], *args: str) -> str:
        out = subprocess.run([str(self.root / ".venv" / "bin" / "python"), "manage.py", *args], cwd=self.root,
                             env=env, capture_output=True, text=True)
        if out.returncode:
            raise SystemExit(f"{self.label}: manage.py {args[0]} failed:\n{out.stdout[-2000:]}\n{out.stderr[-4000:]}")
        return out.stdout.strip()


class Servers:
    def __init__(self, code: Code, env: dict[str, str], count: int) -> None:
        self.port = free_port()
        # one port, N uvicorn worker processes (the scaled mode's "same app behind N processes")
        self.proc = subprocess.Popen(
            [str(code.root / ".venv" / "bin" / "uvicorn"), "backend.asgi:application", "--host", "127.0.0.1",
             "--port", str(self.port), "--workers", str(count), "--lifespan", "off", "--no-access-log",
             "--log-level", "warning"], cwd=code.root, env=env, start_new_session=True)
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.base + "/api/health/", timeout=2).status_code in (200, 503):
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        self.stop()
        raise SystemExit(f"{code.label}: the API server did not start")

    def stop(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=20)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)


async def signed_in(base: str) -> httpx.AsyncClient:
    http = httpx.AsyncClient(base_url=base, timeout=60, limits=httpx.Limits(max_connections=64))
    csrf = (await http.get("/api/auth/csrf/")).json()["csrf_token"]
    r = await http.post("/api/auth/login/", json={"username": "lead", "password": "Demo@12345"},
                        headers={"X-CSRFToken": csrf})
    r.raise_for_status()
    return http


@dataclass
class Sample:
    latencies: list[float] = field(default_factory=list)
    wall: float = 0.0
    errors: int = 0
    statuses: dict[str, int] = field(default_factory=dict)  # what the failed requests answered, and how often

    def summary(self) -> dict[str, Any]:
        return {"p50": percentile(self.latencies, 0.5) * 1000, "p95": percentile(self.latencies, 0.95) * 1000,
                "rps": len(self.latencies) / self.wall, "errors": self.errors, "statuses": self.statuses}


async def drive(http: httpx.AsyncClient, paths: list[str], first: int, requests: int, concurrency: int,
                sample: Sample | None) -> None:
    """`requests` GETs, `concurrency` at a time, cycling through `paths` from index `first`; timed into
    `sample` (None: a warm-up, not recorded). A request that does not answer 200 (or does not answer:
    a dropped connection, a timeout) is counted with what it answered, so a run says why it is not valid."""
    counter = iter(range(first, first + requests))
    latencies: list[float] = []
    statuses: dict[str, int] = {}

    async def one_worker() -> None:
        for n in counter:
            path = paths[n % len(paths)]
            t = time.perf_counter()
            try:
                r = await http.get(path)
                status = str(r.status_code)
            except httpx.HTTPError as exc:
                status = type(exc).__name__
            latencies.append(time.perf_counter() - t)
            if status != "200":
                statuses[status] = statuses.get(status, 0) + 1
                if sample is not None and sum(statuses.values()) == 1:
                    print(f"  {path}: {status}", file=sys.stderr, flush=True)

    t0 = time.perf_counter()
    await asyncio.gather(*(one_worker() for _ in range(concurrency)))
    if sample is not None:
        sample.wall += time.perf_counter() - t0
        sample.latencies += latencies
        sample.errors += sum(statuses.values())
        for status, n in statuses.items():
            sample.statuses[status] = sample.statuses.get(status, 0) + n


def endpoints(code: Code, env: dict[str, str]) -> dict[str, list[str]]:
    ids = code.manage(env, "shell", "-c", (
        "from media_ingest.models import Clip; from inspection.models import Finding; "
        "from backend.org.models import Unit, Camera; import random; r = random.Random(1); "
        "pks = lambda m: list(m.objects.order_by('pk').values_list('pk', flat=True)); "
        "c, f, u, cam = pks(Clip), pks(Finding), pks(Unit), pks(Camera); "
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


Pair = tuple[str, str]  # (code label, size label)


async def warm(http: httpx.AsyncClient, paths: dict[str, list[str]], concurrency: int) -> None:
    """Untimed: every path once, then 2x the concurrency requests per endpoint, `concurrency` at a time
    (all of an endpoint's paths at once overran a server's backlog on a loaded machine: a dropped
    connection ended the run)."""
    for endpoint_paths in paths.values():
        await drive(http, endpoint_paths, 0, len(endpoint_paths), concurrency, None)
        await drive(http, endpoint_paths, 0, 2 * concurrency, concurrency, None)


async def drive_couple(couple: list[Pair], bases: dict[Pair, str], paths: dict[Pair, dict[str, list[str]]],
                       samples: dict[str, dict[Pair, Sample]], first: int, requests: int,
                       args: argparse.Namespace, loads: list[float]) -> None:
    """Both servers of a couple warmed, then every endpoint driven in steps of STEP x concurrency requests,
    alternating between the two (an idle server costs no CPU), so their figures are taken seconds apart."""
    https = {pair: await signed_in(bases[pair]) for pair in couple}
    for pair in couple:
        await warm(https[pair], paths[pair], args.concurrency)
    loads.append(os.getloadavg()[0])
    step = STEP * args.concurrency
    for name in samples:
        for done in range(0, requests, step):
            for pair in couple:
                await drive(https[pair], paths[pair][name], first + done, min(step, requests - done),
                            args.concurrency, samples[name][pair])
    for http in https.values():
        await http.aclose()


STEP = 8  # requests per endpoint and server between two switches of a couple, in units of the concurrency


def measure(targets: dict[Pair, tuple[Code, dict[str, str], dict[str, list[str]]]], args: argparse.Namespace
            ) -> tuple[dict[str, dict[Pair, dict[str, Any]]], list[float]]:
    """Round by round, each code in turn (the order rotating): its two servers (1x and 10x) started,
    warmed and driven side by side in alternating steps (the growth compares figures taken seconds
    apart, whatever the machine's other load does meanwhile; which size goes first alternates between
    rounds), then stopped (two servers at a time: each keeps a database connection per busy thread,
    and the PostgreSQL server is shared). Also the machine's 1-minute load average as each couple's
    timed requests start."""
    names = list(next(iter(targets.values()))[2])
    samples = {name: {pair: Sample() for pair in targets} for name in names}
    per_round = max(1, args.requests // args.rounds)
    labels = list(dict.fromkeys(label for label, _ in targets))
    loads: list[float] = []
    for r in range(args.rounds):
        for label in labels[r % len(labels):] + labels[:r % len(labels)]:
            couple: list[Pair] = [(label, "1x"), (label, "10x")][::1 if r % 2 == 0 else -1]
            servers: dict[Pair, Servers] = {}
            try:
                for pair in couple:
                    servers[pair] = Servers(targets[pair][0], targets[pair][1], args.servers)
                asyncio.run(drive_couple(couple, {pair: s.base for pair, s in servers.items()},
                                         {pair: targets[pair][2] for pair in couple}, samples, r * per_round,
                                         per_round, args, loads))
            finally:
                for server in servers.values():
                    server.stop()
            print(f"  round {r + 1}/{args.rounds}: {label} 1x and 10x measured (load {loads[-1]:.1f})",
                  file=sys.stderr, flush=True)
    return {name: {pair: s.summary() for pair, s in by_pair.items()} for name, by_pair in samples.items()}, loads


# In process (the code's own checkout, manage.py shell), signed in as the lead: figures the machine's load
# moves little. Python CPU per request (min of batches of 20, the endpoint's paths in turn) and the
# database's own time for the request's queries (planning + execution of each SELECT the first path
# makes, EXPLAIN ANALYZE, min of 3).
IN_PROCESS = """
import json, time
from django.db import connection
from django.test import Client
from backend.accounts.models import User
paths = json.loads({paths!r})
client = Client(HTTP_HOST="127.0.0.1")
client.force_login(User.objects.get(username="lead"))
out = {{}}
for name, ps in paths.items():
    failed = [p for p in ps if client.get(p).status_code != 200]
    cpu = []
    for _ in range({batches}):
        t = time.process_time()
        for n in range(20):
            client.get(ps[n % len(ps)])
        cpu.append((time.process_time() - t) / 20 * 1000)
    captured = []
    def record(execute, sql, params, many, context):
        captured.append((sql, params))
        return execute(sql, params, many, context)
    with connection.execute_wrapper(record):
        client.get(ps[0])
    sql = 0.0
    for text, params in captured:
        if not text.lstrip("( ").upper().startswith("SELECT"):
            continue
        best = None
        for _ in range(3):
            with connection.cursor() as c:
                c.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + text, params)
                plan = c.fetchone()[0]
            plan = (json.loads(plan) if isinstance(plan, str) else plan)[0]
            t = plan["Planning Time"] + plan["Execution Time"]
            best = t if best is None else min(best, t)
        sql += best
    out[name] = {{"cpu": min(cpu), "queries": len(captured), "sql": sql, "failed": len(failed)}}
print(json.dumps(out))
"""


def in_process(targets: dict[Pair, tuple[Code, dict[str, str], dict[str, list[str]]]], batches: int
               ) -> dict[str, dict[Pair, dict[str, float]]]:
    out: dict[str, dict[Pair, dict[str, float]]] = {}
    for pair, (code, env, paths) in targets.items():
        script = IN_PROCESS.format(paths=json.dumps(paths), batches=batches)
        for name, figures in json.loads(code.manage(env, "shell", "-c", script).splitlines()[-1]).items():
            out.setdefault(name, {})[pair] = figures
        print(f"  in process: {pair[0]} {pair[1]} measured", file=sys.stderr, flush=True)
    return out


def print_table(title: str, rows: dict[str, dict[str, Any]]) -> None:
    print(f"\n{title}")
    print(f"  {'endpoint':42} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>8} {'errors':>6}")
    for name, r in rows.items():
        failed = " ".join(f"{status}x{n}" for status, n in r["statuses"].items())
        print(f"  {name:42} {r['p50']:8.1f} {r['p95']:8.1f} {r['rps']:8.1f} {int(r['errors']):6d} {failed}")


FLAT, FASTER = 1.10, 2.00  # the targets: lists within 1.1x as the data grows 10x; 2x the baseline's req/s
FASTER_LISTS = ("GET /api/media/clips/ (list)", "GET /api/inspection/findings/ (list)")


def report_lists(results: dict[str, dict[Pair, dict[str, Any]]], inproc: dict[str, dict[Pair, dict[str, float]]],
                 codes: list[Code], valid: bool) -> None:
    """Per list endpoint: its growth (10x / 1x) under load and in process, and this / baseline req/s."""
    labels = [code.label for code in codes]
    print(f"\nlists, against the targets (growth 10x / 1x within {FLAT:.2f}x at p50 and p95; clip and findings "
          f"lists >= {FASTER:.2f}x the baseline's req/s at each size){'' if valid else ' -- RUN NOT VALID'}:")
    for name in (n for n in results if n.endswith("(list)")):
        r = results[name]
        print(f"  {name}")
        for label in labels:
            small, big = r[(label, "1x")], r[(label, "10x")]
            g50, g95 = big["p50"] / small["p50"], big["p95"] / small["p95"]
            line = f"    {label:8} growth p50 {g50:5.2f}x  p95 {g95:5.2f}x  {'flat' if max(g50, g95) <= FLAT else 'NOT flat'}"
            if name in inproc:
                i_small, i_big = inproc[name][(label, "1x")], inproc[name][(label, "10x")]
                line += (f";  in process 1x/10x: CPU {i_small['cpu']:.1f}/{i_big['cpu']:.1f} ms per request "
                         f"({i_big['cpu'] / i_small['cpu']:.2f}x), SQL {i_small['sql']:.2f}/{i_big['sql']:.2f} ms "
                         f"({i_big['sql'] / i_small['sql']:.2f}x) in {int(i_small['queries'])}/{int(i_big['queries'])} queries")
            print(line)
        if len(labels) > 1:
            ratios = [r[(labels[0], size)]["rps"] / r[(labels[1], size)]["rps"] for size in ("1x", "10x")]
            verdict = ("" if name not in FASTER_LISTS else
                       "  met" if min(ratios) >= FASTER else "  NOT met")
            line = f"    req/s {labels[0]} / {labels[1]}: 1x {ratios[0]:5.2f}x  10x {ratios[1]:5.2f}x{verdict}"
            if name in inproc:  # CPU-bound requests: the CPU per request's inverse ratio is the load-free throughput ratio
                line += "; in process CPU per request {1} / {0}: ".format(*labels) + "  ".join(
                    f"{size} {inproc[name][(labels[1], size)]['cpu'] / inproc[name][(labels[0], size)]['cpu']:.2f}x"
                    for size in ("1x", "10x"))
            print(line)


def report(results: dict[str, dict[Pair, dict[str, Any]]], inproc: dict[str, dict[Pair, dict[str, float]]],
           loads: list[float], codes: list[Code], sizes: dict[str, str], args: argparse.Namespace) -> None:
    for code in codes:
        for size, title in sizes.items():
            print_table(f"{code.label} ({code.root}): {title}", {n: r[(code.label, size)] for n, r in results.items()})
    failed_in_process = {f"{pair[0]} {pair[1]} {name} (in process)": {"paths not 200": int(r["failed"])}
                         for name, by_pair in inproc.items() for pair, r in by_pair.items() if r.get("failed")}
    failed = failed_in_process | {f"{pair[0]} {pair[1]} {name}": r["statuses"] for name, by_pair in results.items()
              for pair, r in by_pair.items() if r["errors"]}
    if failed:
        print(f"\nNOT VALID: {sum(sum(s.values()) for s in failed.values())} requests did not answer 200 "
              f"(the figures above are not valid): {failed}")
    for code in codes:
        print(f"\n{code.label}: as the data grows 10x (10x / 1x; 1.00 = flat):")
        for name, r in results.items():
            small, big = r[(code.label, "1x")], r[(code.label, "10x")]
            print(f"  {name:42} p50 {big['p50'] / small['p50']:5.2f}x   p95 {big['p95'] / small['p95']:5.2f}x")
    if len(codes) > 1:
        this, base = codes[0].label, codes[1].label
        print(f"\nthroughput {this} / {base} (same data sizes, same run; 2.00 = twice as many requests/s):")
        for name, r in results.items():
            print(f"  {name:42} " + "   ".join(
                f"{size} {r[(this, size)]['rps'] / r[(base, size)]['rps']:5.2f}x" for size in sizes))
    report_lists(results, inproc, codes, not failed)
    print(f"\nmachine: {os.cpu_count()} cores, {os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB, "
          f"1-minute load average as each couple's timed requests started {min(loads):.1f}-{max(loads):.1f} "
          f"(median {percentile(loads, 0.5):.1f}), {' '.join(f'{x:.2f}' for x in os.getloadavg())} at the end; "
          f"{args.servers} uvicorn processes per server, {args.concurrency} concurrent client requests, "
          f"{args.requests} timed requests per endpoint and pair in {args.rounds} rounds")


def save(args: argparse.Namespace, results: dict[str, dict[Pair, dict[str, Any]]], loads: list[float],
         inproc: dict[str, dict[Pair, dict[str, float]]]) -> None:
    if args.json:
        args.json.write_text(json.dumps({"loads": loads, "results": {
            name: {" ".join(pair): r for pair, r in by_pair.items()} for name, by_pair in results.items()},
            "in_process": {name: {" ".join(pair): r for pair, r in by_pair.items()}
                           for name, by_pair in inproc.items()}}, indent=1))


def seed(code: Code, admin: Any, env: dict[str, str], db: str, args: argparse.Namespace) -> dict[str, str]:
    """Two databases for `code`: `db`_1x seeded at a tenth of the sizes, `db`_10x a copy grown to them."""
    url = PG_ADMIN.rsplit("/", 1)[0]
    small, big = f"{db}_1x", f"{db}_10x"
    t = time.perf_counter()
    admin.execute(f'CREATE DATABASE "{small}"')
    env = {**env, "DATABASE_URL": f"{url}/{small}"}
    code.manage(env, "migrate", "--noinput", "-v0")
    print(code.label, code.manage(env, "shell", "-c", code.seed_org.format(units=args.units)).splitlines()[-1])
    print(code.label, code.manage(env, "shell", "-c", code.seed_grow.format(
        seed=1, clips=args.clips // 10, findings=args.findings // 10)).splitlines()[-1])
    admin.execute(f'CREATE DATABASE "{big}" TEMPLATE "{small}"')
    env["DATABASE_URL"] = f"{url}/{big}"
    print(code.label, code.manage(env, "shell", "-c", code.seed_grow.format(
        seed=2, clips=args.clips, findings=args.findings)).splitlines()[-1],
        f"(seeded in {time.perf_counter() - t:.0f} s)")
    return {"1x": f"{url}/{small}", "10x": f"{url}/{big}"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=int, default=100_000)
    parser.add_argument("--findings", type=int, default=20_000)
    parser.add_argument("--units", type=int, default=500)
    parser.add_argument("--requests", type=int, default=1000, help="timed requests per endpoint, size and code")
    parser.add_argument("--rounds", type=int, default=4, help="the timed requests are split into this many rounds")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--servers", type=int, default=2, help="uvicorn worker processes per server")
    parser.add_argument("--batches", type=int, default=5,
                        help="in-process batches of 20 requests per endpoint and pair (0: none)")
    parser.add_argument("--json", type=Path, help="also write the raw figures to this file")
    parser.add_argument("--baseline", type=Path, help="another checkout to serve the same sizes in the same run")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("api_load: stopped"))  # still stops servers, drops databases

    try:
        import psycopg

        psycopg.connect(PG_ADMIN, connect_timeout=3).close()
    except Exception as exc:  # noqa: BLE001
        print(f"api_load: skipped, PostgreSQL not reachable at {PG_ADMIN} ({exc})")
        return 0
    codes = [Code.at("this", ROOT)]
    if args.baseline:
        codes.append(Code.at("baseline", args.baseline.resolve()))
    sizes = {"1x": f"{args.clips // 10:,} clips, {args.findings // 10:,} findings, {args.units} units",
             "10x": f"{args.clips:,} clips, {args.findings:,} findings, {args.units} units"}
    prefix = os.environ.get("BENCH_DB_NAME") or f"cw_bench_{secrets.token_hex(4)}"
    dbs = [f"{prefix}_{code.label}_{size}" for code in codes for size in sizes]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CELERY_", "MINIO_", "REDIS_", "TEST_DB"))}
    env.update({"DJANGO_SETTINGS_MODULE": "backend.settings", "COUNTERWATCH_BACKGROUND": "0", "LOG_LEVEL": "WARNING",
                "LOGIN_THROTTLE_RATE": "1000/min", "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
                "DJANGO_SECURE_COOKIES": "0",  # plain http on 127.0.0.1
                "DJANGO_DEBUG": "0",
                "TWO_FACTOR_REQUIRED_ROLES": ""})  # measures the API, not the sign-in: password alone
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        try:
            for db in dbs:
                admin.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
            targets: dict[Pair, tuple[Code, dict[str, str], dict[str, list[str]]]] = {}
            for code in codes:
                urls = seed(code, admin, env, f"{prefix}_{code.label}", args)
                for size, url in urls.items():
                    served = {**env, "DATABASE_URL": url, "COUNTERWATCH_VAR_DIR": tempfile.mkdtemp(prefix="cw-bench-")}
                    targets[(code.label, size)] = (code, served, endpoints(code, served))
            results, loads = measure(targets, args)
            save(args, results, loads, {})  # the raw figures, before anything else can go wrong
            inproc = in_process(targets, args.batches) if args.batches else {}
            save(args, results, loads, inproc)
            report(results, inproc, loads, codes, sizes, args)
        finally:
            for db in dbs:
                admin.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
    return 0


if __name__ == "__main__":
    sys.exit(main())
