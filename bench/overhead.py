"""Server path overhead: one authenticated GET through the real server against the same view in process.

    .venv/bin/python bench/overhead.py [--requests 300]

Builds a throwaway embedded-mode database (SQLite under a temporary var dir), migrates it and
seeds the demo org plus a few hundred clips and findings, then, in one run:
  in process: Django's test Client in this process (the whole middleware chain and view, no
              server, no socket)
  server:     uvicorn serving backend.asgi:application with the Makefile's SERVE_FLAGS (what
              `make run` starts), one keep-alive HTTP/1.1 connection, sequential requests
both signed in as the inspection lead with a password, one request of each in turn, and prints the median time per request
of each and their ratio (target: server / in process <= 1.3).
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shlex
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PY = str(ROOT / ".venv" / "bin" / "python")
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
TARGET = 1.3
PATHS = ["/api/auth/me/", "/api/media/clips/?page_size=50", "/api/inspection/findings/?page_size=50",
         "/api/org/units/?page_size=50"]

SEED = """
import hashlib
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo
from django.db import transaction
from backend.accounts.models import User
from backend.org.demo import DemoContext, seed
from backend.org.models import Camera
from inspection.demo import seed as seed_inspection
from inspection.models import Finding, FindingCategory
from media_ingest.models import Clip
with transaction.atomic():
    ctx = DemoContext()
    seed(ctx)
    seed_inspection(ctx)
    cams = list(Camera.objects.all())
    t0 = datetime(2026, 5, 4, 7, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    Clip.objects.bulk_create([
        Clip(bucket="counterwatch", key=f"{cams[n % len(cams)].code}/{t0 + timedelta(minutes=10 * n):%Y/%m/%d/%H%M%S}.mp4",
             version_id=f"v{n}", etag=f"e{n}", sha256=hashlib.sha256(str(n).encode()).hexdigest(),
             size_bytes=50_000_000, camera=cams[n % len(cams)], started_at=t0 + timedelta(minutes=10 * n),
             duration_s=600.0, fps=15.0, width=1280, height=720, codec="h264", state="indexed", progress=1.0,
             event_count=n % 7, activity=[], source="reconcile") for n in range(300)])
    lead = User.objects.get(username="lead")
    cats = list(FindingCategory.objects.values_list("pk", flat=True))
    units = [c.counter.unit_id for c in cams]
    Finding.objects.bulk_create([
        Finding(reference=f"VP-O{n:05d}", source="footage", category_id=cats[n % len(cats)],
                severity="serious", title=f"Vi phạm {n}", unit_id=units[n % len(units)],
                occurred_from=t0 + timedelta(hours=n), state="confirmed", created_by=lead) for n in range(300)])
print("seeded")
"""

def serve_flags() -> list[str]:
    """SERVE_FLAGS as the Makefile declares them (what `make run` starts uvicorn with)."""
    text = (ROOT / "Makefile").read_text()
    match = re.search(r"^SERVE_FLAGS\s*:=\s*(.+)$", text, re.MULTILINE)
    if not match:
        raise SystemExit("SERVE_FLAGS not found in the Makefile")
    return shlex.split(match.group(1))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run(env: dict[str, str], *args: str) -> str:
    out = subprocess.run([PY, *args], cwd=ROOT, env=env, capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"{args[:2]} failed:\n{out.stdout[-2000:]}\n{out.stderr[-4000:]}")
    return out.stdout


class Served:
    """One keep-alive HTTP/1.1 connection to the server, signed in as the lead."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        r = self.request("GET", "/api/auth/csrf/")
        cookies = {c.split("=", 1)[0]: c.split("=", 1)[1].split(";")[0] for c in r.headers.get_all("Set-Cookie") or []}
        csrf = cookies["csrftoken"]
        r = self.request("POST", "/api/auth/login/",
                         json.dumps({"username": "lead", "password": "Demo@12345"}).encode(),
                         {"Content-Type": "application/json", "X-CSRFToken": csrf, "Cookie": f"csrftoken={csrf}"})
        assert r.status == 200, r.status
        for c in r.headers.get_all("Set-Cookie") or []:
            name, value = c.split("=", 1)
            cookies[name] = value.split(";")[0]
        self.headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
                ) -> http.client.HTTPResponse:
        self.conn.request(method, path, body=body, headers=headers or {})
        resp = self.conn.getresponse()
        resp.read()
        return resp

    def get(self, path: str) -> int:
        return self.request("GET", path, headers=self.headers).status


def process_cpu(pid: int) -> float:
    """User + system CPU seconds of a process, all its threads."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def in_process_client() -> Any:
    """Django's test Client in this process, on the same database, signed in the same way."""
    import django

    django.setup()
    from django.test import Client

    client = Client()
    r = client.post("/api/auth/login/", {"username": "lead", "password": "Demo@12345"},
                    content_type="application/json")
    assert r.status_code == 200, r.content
    return client


# Long on purpose: a benchmark script read top to bottom: start the server, time both sides in turn per path, stop it.
def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300, help="timed requests per path and side")
    args = parser.parse_args()
    var = tempfile.mkdtemp(prefix="cw-bench-overhead-")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("CELERY_", "MINIO_", "REDIS_", "DATABASE_URL", "TEST_DB"))}
    env.update({"DJANGO_SETTINGS_MODULE": "backend.settings", "COUNTERWATCH_VAR_DIR": var,
                "COUNTERWATCH_BACKGROUND": "0", "LOG_LEVEL": "WARNING", "LOGIN_THROTTLE_RATE": "1000/min",
                "TWO_FACTOR_REQUIRED_ROLES": ""})  # measures the request path, not the sign-in
    run(env, "manage.py", "migrate", "--noinput", "-v0")
    run(env, "manage.py", "shell", "-c", SEED)

    port = free_port()
    flags = serve_flags()
    server = subprocess.Popen([str(ROOT / ".venv" / "bin" / "uvicorn"), "backend.asgi:application",
                               "--host", "127.0.0.1", "--port", str(port), *flags, "--no-access-log",
                               "--log-level", "warning"], cwd=ROOT, env=env, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("the server did not start") from None
                time.sleep(0.2)
        os.environ.update(env)
        local_client = in_process_client()
        served_client = Served(port)
        served: dict[str, list[float]] = {p: [] for p in PATHS}
        local: dict[str, list[float]] = {p: [] for p in PATHS}
        cpu_served: dict[str, float] = {}
        cpu_local: dict[str, float] = {}
        for path in PATHS:
            for _ in range(20):  # warm-up
                assert local_client.get(path).status_code == 200 and served_client.get(path) == 200
            # one in process, one through the server, in turn: drift in the machine's load falls on both
            server_cpu0, mine_local, mine_served = process_cpu(server.pid), 0.0, 0.0
            for _ in range(args.requests):
                c, t = time.process_time(), time.perf_counter()
                response = local_client.get(path)
                response.content  # noqa: B018 - rendered in full, as the server must
                local[path].append(time.perf_counter() - t)
                mine_local += time.process_time() - c
                c, t = time.process_time(), time.perf_counter()
                status = served_client.get(path)
                served[path].append(time.perf_counter() - t)
                mine_served += time.process_time() - c
                assert response.status_code == 200 and status == 200, (path, response.status_code, status)
            cpu_served[path] = (process_cpu(server.pid) - server_cpu0 + mine_served) / args.requests
            cpu_local[path] = mine_local / args.requests
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()

    print(f"authenticated GET, {args.requests} sequential requests per path (signed in as lead); wall = median "
          "time per request, cpu = mean CPU per request (server process + client for the server side):")
    print(f"  {'path':40} {'in process':>11} {'server':>9} {'ratio':>6}   {'cpu in pr.':>10} {'server':>9} {'ratio':>6}")
    ratios, cpu_ratios = [], []
    for p in PATHS:
        a, b = statistics.median(local[p]) * 1000, statistics.median(served[p]) * 1000
        ca, cb = cpu_local[p] * 1000, cpu_served[p] * 1000
        ratios.append(b / a)
        cpu_ratios.append(cb / ca)
        print(f"  {p:40} {a:8.2f} ms {b:6.2f} ms {b / a:5.2f}x   {ca:7.2f} ms {cb:6.2f} ms {cb / ca:5.2f}x")
    worst, worst_cpu = max(ratios), max(cpu_ratios)
    print(f"server / in process, wall: worst {worst:.2f}x, mean {statistics.mean(ratios):.2f}x (target <= {TARGET}x): "
          f"{'met' if worst <= TARGET else 'NOT met'}")
    print(f"server / in process, cpu:  worst {worst_cpu:.2f}x, mean {statistics.mean(cpu_ratios):.2f}x "
          f"(steadier when other work shares the machine)")
    print(f"server: uvicorn backend.asgi:application {' '.join(flags)} (1 process, SQLite, keep-alive client)")
    print(f"machine: {os.cpu_count()} cores, "
          f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB, "
          f"load average {os.getloadavg()[0]:.1f}, Python {sys.version.split()[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
