"""Websocket fan-out: delay from a tag being created to every subscribed client receiving it.

Starts N uvicorn processes of backend.asgi:application (with the Makefile's SERVE_FLAGS) on the
Redis channel layer (scaled mode's layer) with a fresh temporary SQLite database (or DATABASE_URL if --use-database-url),
connects --clients websocket clients spread over the processes, all subscribed to the same
clip topic, then creates tags through the HTTP API and measures, for every client, the time
from sending POST /api/media/tags/ to receiving the matching `tag.created`.

    .venv/bin/python bench/ws_fanout.py --clients 200 --servers 2 --rounds 5

Prints p50/p95/max over all (client, round) samples. Needs Redis (REDIS_URL, default
redis://127.0.0.1:6379/0).

"Receiving" is when this process's event loop hands the message's last bytes to that client's
connection (`StampedConnection.data_received`), the earliest moment this process can see them. All
the clients share one Python process, which a browser user does not: the time stamp used to be taken
after the client's task resumed from `recv()` — behind the decoding, task wake-ups and JSON parsing
of every other client's copy of the same message in that event-loop pass, and behind garbage
collections of the 500 connections' objects. The bench's own work is kept out of the figure: the
stamp comes before that, and the objects that exist once all clients are connected are frozen out
of the collector (`gc.freeze()`). Every client still receives and parses every message, and a round
only ends when all of them have it. The client process's CPU time per round is printed beside.
"""
from __future__ import annotations

import argparse
import asyncio
import collections
import gc
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
import websockets
from websockets.frames import DATA_OPCODES, Frame

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from overhead import serve_flags  # noqa: E402 - the Makefile's SERVE_FLAGS, what `make run` starts

SEED = """
import hashlib
from datetime import datetime
from zoneinfo import ZoneInfo
from django.db import transaction
from backend.org.demo import DemoContext, seed
from backend.org.models import Camera
from media_ingest.models import Clip
from media_ingest.review.services import tag_labels_seed
with transaction.atomic():
    seed(DemoContext())
    tag_labels_seed()
    clip = Clip.objects.create(bucket="counterwatch", key="CAM-TC-01/2026/05/04/090000.mp4", version_id="bench",
        etag="bench", sha256=hashlib.sha256(b"bench").hexdigest(), size_bytes=1, state="indexed",
        camera=Camera.objects.get(code="CAM-TC-01"), duration_s=600.0,
        started_at=datetime(2026, 5, 4, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")))
print("CLIP", clip.pk)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


async def login(base: str, username: str) -> str:
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        csrf = (await http.get("/api/auth/csrf/")).json()["csrf_token"]
        r = await http.post("/api/auth/login/", json={"username": username, "password": "Demo@12345"},
                            headers={"X-CSRFToken": csrf})
        r.raise_for_status()
        return "; ".join(f"{k}={v}" for k, v in http.cookies.items())


RETRIES = 3  # handshake attempts after the first
retried = [0]


class StampedConnection(websockets.ClientConnection):
    """A client connection that notes, for each complete message, when the event loop handed its last
    bytes to the connection (before this process decodes, wakes the reader or parses anything)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.stamps: collections.deque[float] = collections.deque()
        self._data_at = 0.0

    def data_received(self, data: bytes) -> None:
        self._data_at = time.perf_counter()
        super().data_received(data)

    def process_event(self, event: object) -> None:
        if self.response is not None and isinstance(event, Frame) and event.opcode in DATA_OPCODES and event.fin:
            self.stamps.append(self._data_at)  # one per message, in the order recv() returns them
        super().process_event(event)  # type: ignore[arg-type]


async def recv_stamped(ws: StampedConnection) -> tuple[float, dict]:
    raw = await ws.recv()
    return ws.stamps.popleft(), json.loads(raw)


async def client(url: str, origin: str, cookie: str, topic: str, ready: asyncio.Event, counter: list[int],
                 total: int, inbox: dict[str, float], stop: asyncio.Event, arrived: dict[str, int]) -> None:
    for attempt in range(RETRIES + 1):
        try:
            ws = await websockets.connect(url, origin=origin, additional_headers={"Cookie": cookie},  # type: ignore[arg-type]
                                          open_timeout=60, max_queue=None, create_connection=StampedConnection)
            break
        except (websockets.InvalidMessage, OSError, TimeoutError):
            # the server closes a handshake it did not finish within 10 s (a busy machine): try
            # again, as the web app reconnects; counted and printed
            if attempt == RETRIES:
                raise
            retried[0] += 1
            await asyncio.sleep(0.5 * (attempt + 1))
    assert isinstance(ws, StampedConnection)
    async with ws:
        assert (await recv_stamped(ws))[1]["type"] == "hello"
        await ws.send(json.dumps({"type": "subscribe", "topic": topic}))
        while True:
            _, msg = await recv_stamped(ws)
            if msg["type"] == "subscribed":
                break
        counter[0] += 1
        if counter[0] == total:
            ready.set()
        # no polling timeout: 2,000 clients each waking twice a second kept this one process (the
        # clients' side) busy; the tasks are cancelled when the rounds are done
        while True:
            at, msg = await recv_stamped(ws)
            if msg.get("type") == "tag.created":
                note = msg["tag"]["note"]
                inbox.setdefault(note, at)
                arrived[note] = arrived.get(note, 0) + 1
                if arrived[note] == total:
                    stop.set()


# Long on purpose: the clients connected in batches, then the timed rounds, sharing the events and inboxes they fill.
async def run(args: argparse.Namespace, bases: list[str], clip_id: int) -> None:
    topic = f"clip:{clip_id}"
    cookie = await login(bases[0], "reviewer")
    ready, all_in = asyncio.Event(), asyncio.Event()  # all subscribed; all received the round's tag
    arrived: dict[str, int] = {}
    counter = [0]
    inboxes: list[dict[str, float]] = [{} for _ in range(args.clients)]
    t_connect = time.perf_counter()
    tasks = []
    # in batches of --batch, each batch subscribed before the next starts: every client's handshake
    # (session and user read, topic authorised) waits on the server's database thread, and the
    # websockets server closes a handshake not done within 10 s (2,000 clients at once were refused)
    for start in range(0, args.clients, args.batch):
        for i in range(start, min(start + args.batch, args.clients)):
            base = bases[i % len(bases)]
            url = base.replace("http://", "ws://") + "/ws/review/"
            tasks.append(asyncio.create_task(client(url, base, cookie, topic, ready, counter, args.clients,
                                                    inboxes[i], all_in, arrived)))
        deadline = time.perf_counter() + 120
        while counter[0] < min(start + args.batch, args.clients):
            failed = [t for t in tasks if t.done() and t.exception() is not None]
            if failed:
                raise SystemExit(f"a client could not connect ({counter[0]} subscribed, {retried[0]} handshakes "
                                 f"retried): {failed[0].exception()!r}")
            if time.perf_counter() > deadline:
                raise SystemExit(f"only {counter[0]} of {args.clients} clients subscribed after 120 s")
            await asyncio.sleep(0.02)
    await asyncio.wait_for(ready.wait(), 120)
    gc.collect()
    gc.freeze()  # the connections' objects: later collections do not walk them (see the docstring)
    print(f"{args.clients} clients connected and subscribed over {len(bases)} server process(es) "
          f"in {time.perf_counter() - t_connect:.1f} s, in batches of {args.batch}; "
          f"{retried[0]} handshake(s) retried")

    author = await login(bases[-1], "lead")
    csrf = author.split("csrftoken=")[1].split(";")[0]
    samples: list[float] = []
    last_per_round: list[float] = []
    async with httpx.AsyncClient(base_url=bases[-1], timeout=30, headers={"Cookie": author, "X-CSRFToken": csrf}) as http:
        for n in range(args.rounds):
            note = f"bench-{n}-{uuid.uuid4().hex[:8]}"
            cpu0 = time.process_time()
            t0 = time.perf_counter()
            r = await http.post("/api/media/tags/", json={"clip_id": clip_id, "label": "other",
                                                          "start_s": n, "end_s": n + 1, "note": note})
            r.raise_for_status()
            t_resp = time.perf_counter()
            deadline = time.perf_counter() + 30
            while arrived.get(note, 0) < args.clients and time.perf_counter() < deadline:
                all_in.clear()
                if arrived.get(note, 0) < args.clients:
                    try:
                        await asyncio.wait_for(all_in.wait(), max(0.0, deadline - time.perf_counter()))
                    except TimeoutError:
                        break
            got = [box[note] - t0 for box in inboxes if note in box]
            missing = args.clients - len(got)
            samples.extend(got)
            last_per_round.append(max(got) if got else float("nan"))
            print(f"round {n + 1}: HTTP create {1000 * (t_resp - t0):.1f} ms; {len(got)}/{args.clients} clients "
                  f"received; last after {1000 * max(got):.1f} ms; clients' CPU "
                  f"{1000 * (time.process_time() - cpu0):.0f} ms" + (f"; {missing} MISSING" if missing else ""))
            await asyncio.sleep(args.pause)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    ms = [1000 * s for s in samples]
    print(f"\ntag.created fan-out to {args.clients} clients, {args.rounds} rounds, {len(bases)} server process(es), "
          f"Redis channel layer:")
    print(f"  p50 {percentile(ms, 0.5):.1f} ms   p95 {percentile(ms, 0.95):.1f} ms   max {max(ms):.1f} ms   "
          f"mean {statistics.mean(ms):.1f} ms   (from sending the POST; n={len(ms)})")
    print(f"  slowest client per round: p50 {1000 * percentile(last_per_round, 0.5):.1f} ms")
    print(f"  machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; server and clients "
          f"(one Python process) on the same machine")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--servers", type=int, default=2, help="uvicorn processes sharing the Redis layer")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--pause", type=float, default=0.3, help="seconds between rounds")
    parser.add_argument("--batch", type=int, default=100, help="clients connecting at once")
    parser.add_argument("--redis", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    parser.add_argument("--use-database-url", action="store_true",
                        help="use DATABASE_URL (PostgreSQL) instead of a temporary SQLite file")
    args = parser.parse_args()

    var = Path(tempfile.mkdtemp(prefix="cw-bench-"))
    env = {k: v for k, v in os.environ.items()
           if k not in {"CELERY_BROKER_URL", "CELERY_TASK_ALWAYS_EAGER", "MINIO_ENDPOINT", "COUNTERWATCH_OBJECTS_DIR"}}
    if not args.use_database_url:
        env.pop("DATABASE_URL", None)
    env.update({"DJANGO_SETTINGS_MODULE": "backend.settings", "COUNTERWATCH_VAR_DIR": str(var),
                "REDIS_URL": args.redis, "COUNTERWATCH_BACKGROUND": "0", "LOG_LEVEL": "WARNING",
                "LOGIN_THROTTLE_RATE": "1000/min",
                "TWO_FACTOR_REQUIRED_ROLES": ""})  # measures the fan-out, not the sign-in: password alone
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    seeded = subprocess.run([python, "manage.py", "shell", "-c", SEED], cwd=ROOT, env=env, check=True,
                            capture_output=True, text=True)
    clip_id = int(seeded.stdout.split("CLIP")[1].split()[0])
    procs: list[subprocess.Popen[bytes]] = []
    bases: list[str] = []
    try:
        for _ in range(args.servers):
            port = free_port()
            procs.append(subprocess.Popen(
                [python, "-m", "uvicorn", "backend.asgi:application", "--host", "127.0.0.1", "--port", str(port),
                 *serve_flags(), "--log-level", "warning", "--backlog", "4096"],
                cwd=ROOT, env=env))
            bases.append(f"http://127.0.0.1:{port}")
        for base in bases:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(f"{base}/api/health/", timeout=2).status_code in (200, 503):
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise SystemExit(f"server {base} did not start")
                time.sleep(0.2)
        asyncio.run(run(args, bases, clip_id))
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
