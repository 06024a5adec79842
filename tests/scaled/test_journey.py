"""The scaled mode as production runs it (issue 14): two uvicorn processes, the Celery workers that
docker-compose.yml declares (their exact queues, no eager mode), the MinIO adapter against a local S3
server, the Redis channel layer, PostgreSQL. One journey: presigned upload -> webhook -> indexed ->
two reviewers on different web processes see each other's tags live -> evidence package built by a
worker -> downloaded and verified -> a rating CSV imported by a worker.

Runs whenever PostgreSQL and Redis answer (127.0.0.1 by default; SCALED_PG_URL / SCALED_REDIS_URL),
whatever the mode of the rest of the run; skipped otherwise."""
from __future__ import annotations

import hashlib
import json
import os
import secrets
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"
PG_ADMIN = os.environ.get("SCALED_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS_BASE = os.environ.get("SCALED_REDIS_URL", "redis://127.0.0.1:6379")


def _reachable() -> str:
    try:
        import psycopg

        psycopg.connect(PG_ADMIN, connect_timeout=2).close()
        import redis

        redis.Redis.from_url(f"{REDIS_BASE}/0", socket_connect_timeout=2).ping()
    except Exception as exc:  # noqa: BLE001 - any failure means: skip
        return str(exc)
    return ""


REASON = _reachable()
pytestmark = [pytest.mark.skipif(bool(REASON), reason=f"needs PostgreSQL and Redis: {REASON}"),
              pytest.mark.timeout(900),
              # one worker runs the started stacks (this and the ingest faults) one after another: each picks
              # a Redis db among 8-15 and flushes it (tests/settings.py gives the xdist workers dbs 1..n)
              pytest.mark.xdist_group("started_stacks")]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def compose_worker_commands() -> dict[str, list[str]]:
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    return {name: svc["command"] for name, svc in services.items()
            if svc.get("command", [None])[0] == "celery" and "worker" in svc["command"]}


@dataclass
class Stack:
    tmp: Path
    env: dict[str, str]
    db: str
    redis_db: int
    webs: list[str] = field(default_factory=list)
    procs: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def manage(self, *args: str) -> str:
        out = subprocess.run([str(BIN / "python"), "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True,
                             text=True, timeout=600)
        assert out.returncode == 0, f"manage.py {args[0]} failed:\n{out.stdout}\n{out.stderr}"
        return out.stdout

    def shell(self, code: str) -> str:
        return self.manage("shell", "-v", "0", "-c", code)

    def start(self, name: str, command: list[str]) -> None:
        log = (self.tmp / f"{name}.log").open("wb")
        self.procs.append(subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                           start_new_session=True))

    def logs(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}" for p in self.tmp.glob("*.log"))


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    import psycopg
    import redis
    from minio import Minio
    from moto.server import ThreadedMotoServer

    tmp = tmp_path_factory.mktemp("scaled")
    db = f"cw_scaled_{secrets.token_hex(4)}"
    redis_db = 8 + secrets.randbelow(8)
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{db}"')
    s3_port = _free_port()
    s3 = ThreadedMotoServer(ip_address="127.0.0.1", port=s3_port, verbose=False)
    s3.start()
    footage, app = "cw-footage", "cw-app"
    direct = Minio(f"127.0.0.1:{s3_port}", access_key="testing", secret_key="testing", secure=False)
    for bucket in (footage, app):
        direct.make_bucket(bucket)
    ports = [_free_port(), _free_port()]
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DJANGO_", "MINIO_", "COUNTERWATCH_", "CELERY_", "PYTEST", "TEST_DB", "DATABASE_",
                                "REDIS_"))}
    redis_url = f"{REDIS_BASE}/{redis_db}"
    env.update({
        "DJANGO_SETTINGS_MODULE": "backend.settings", "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": f"{PG_ADMIN.rsplit('/', 1)[0]}/{db}", "REDIS_URL": redis_url, "CELERY_BROKER_URL": redis_url,
        "MINIO_ENDPOINT": f"127.0.0.1:{s3_port}", "MINIO_ACCESS_KEY": "testing", "MINIO_SECRET_KEY": "testing",
        "MINIO_BUCKET": footage, "MINIO_APP_BUCKET": app, "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing", "COUNTERWATCH_VAR_DIR": str(tmp / "var"), "COUNTERWATCH_BACKGROUND": "0",
        "DJANGO_SECURE_COOKIES": "0", "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_CSRF_TRUSTED_ORIGINS": ",".join(f"http://127.0.0.1:{p}" for p in ports),
        "LOG_LEVEL": "WARNING", "PYTHONUNBUFFERED": "1", "LOGIN_THROTTLE_RATE": "1000/min",
    })
    st = Stack(tmp=tmp, env=env, db=db, redis_db=redis_db)
    redis.Redis.from_url(redis_url).flushdb()
    try:
        st.manage("migrate", "--noinput", "-v0")
        st.shell("from backend.org.demo import DemoContext, seed; seed(DemoContext())\n"
                 "from media_ingest.review.services import tag_labels_seed; tag_labels_seed()")
        for name, command in compose_worker_commands().items():  # exactly the compose workers' queues
            command = [str(BIN / "celery"), *command[1:]]
            command[command.index("--concurrency") + 1] = "1"
            st.start(name, [*command, "-n", f"{name}@%h", "--without-gossip", "--without-mingle"])
        for n, port in enumerate(ports):
            st.start(f"web{n}", [str(BIN / "uvicorn"), "backend.asgi:application", "--host", "127.0.0.1",
                                 "--port", str(port), "--lifespan", "off", "--ws", "websockets"])
            st.webs.append(f"http://127.0.0.1:{port}")
        deadline = time.monotonic() + 180
        for web in st.webs:  # healthy = database, both buckets, Redis layer, every queue has a worker
            while True:
                try:
                    if httpx.get(f"{web}/api/health/", timeout=10).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                assert time.monotonic() < deadline, f"{web} never became healthy\n{st.logs()}"
                time.sleep(1)
        yield st
    finally:
        for proc in st.procs:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=20)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        s3.stop()
        redis.Redis.from_url(redis_url).flushdb()
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


def login(web: str, username: str) -> httpx.Client:
    client = httpx.Client(base_url=web, timeout=60)
    token = client.get("/api/auth/csrf/").json()["csrf_token"]
    response = client.post("/api/auth/login/", json={"username": username, "password": "Demo@12345"},
                           headers={"X-CSRFToken": token})
    assert response.status_code == 200, response.text
    client.headers["X-CSRFToken"] = client.cookies["csrftoken"]
    return client


def wait_for(fetch: Any, done: Any, timeout: float, what: str, stack: Stack) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = fetch()
        if done(value):
            return value
        assert time.monotonic() < deadline, f"{what}: last {value}\n{stack.logs()}"
        time.sleep(1)


def test_the_scaled_journey(stack: Stack) -> None:
    from websockets.sync.client import connect

    from tests.conftest import footage_file
    from tests.media_ingest.conftest import minio_event

    web1, web2 = stack.webs
    webhook_key = stack.shell(
        "from backend.accounts.models import ApiToken, Role\n"
        "from backend.accounts.services import api_token_create, user_create\n"
        "svc = user_create(by='test', username='minio-svc', password='x-Long-pass-123', role=Role.SERVICE, full_name='MinIO')\n"
        "user_create(by='test', username='reviewer2', password='Demo@12345', role=Role.REVIEWER, full_name='Reviewer 2')\n"
        "print(api_token_create(by='test', name='hook', kind=ApiToken.Kind.MINIO_WEBHOOK, user=svc)[1])").strip()
    finding_id = int(stack.shell(
        "from datetime import timedelta\nfrom django.utils import timezone\n"
        "from backend.org.models import Unit\nfrom backend.accounts.models import User\n"
        "from inspection.models import Finding, FindingCategory\n"
        "cat, _ = FindingCategory.objects.get_or_create(code='footage', defaults={'name_vi': 'Hình ảnh', 'name_en': 'Footage'})\n"
        "f = Finding.objects.create(reference='VP-SCALED-1', source='footage', category=cat, severity='less_serious',"
        " title='Vắng mặt', unit=Unit.objects.get(code='CAX-TC'), occurred_from=timezone.now() - timedelta(hours=2),"
        " occurred_to=timezone.now(), state='confirmed',"
        " created_by=User.objects.get(username='lead'))\nprint(f.pk)").strip())
    alice, bob = login(web1, "reviewer"), login(web2, "reviewer2")
    camera_id = next(c["id"] for c in alice.get("/api/org/cameras/?page_size=200").json()["results"]
                     if c["code"] == "CAM-TC-01")

    # 1. presigned upload straight to the store, then MinIO's notification
    source = footage_file("person-at-desk-1.mkv").read_bytes()
    started = (time.time() // 1) - 3600
    from datetime import UTC, datetime

    ticket = alice.post("/api/media/uploads/", json={
        "camera_id": camera_id, "started_at": datetime.fromtimestamp(started, UTC).isoformat(),
        "filename": "clip.mkv", "content_type": "video/x-matroska"})
    assert ticket.status_code == 201, ticket.text
    put = httpx.put(ticket.json()["url"], content=source, headers=ticket.json()["headers"], timeout=60)
    assert put.status_code == 200, put.text
    key = ticket.json()["key"]
    hook = httpx.post(f"{web2}/api/media/hooks/minio/",
                      json=minio_event("cw-footage", key, size=len(source), etag=put.headers["etag"].strip('"')),
                      headers={"Authorization": f"Bearer {webhook_key}"}, timeout=60)
    assert hook.status_code == 200 and hook.json()["created"] == 1, hook.text
    clip_id = hook.json()["clips"][0]

    # 2. indexed by the ingest worker
    clip = wait_for(lambda: alice.get(f"/api/media/clips/{clip_id}/").json(),
                    lambda c: c["state"] in ("indexed", "partial", "failed"), 180, "indexing", stack)
    assert clip["state"] == "indexed", clip

    # 3. two reviewers on two web processes: a tag made on one is seen live on the other
    headers = {"Origin": web2, "Cookie": f"sessionid={bob.cookies['sessionid']}"}
    with connect(f"ws://{web2.removeprefix('http://')}/ws/review/", additional_headers=headers) as ws:
        json.loads(ws.recv(timeout=10))  # hello
        ws.send(json.dumps({"type": "subscribe", "topic": f"clip:{clip_id}"}))
        assert json.loads(ws.recv(timeout=10))["type"] == "subscribed"
        tag = alice.post("/api/media/tags/", json={"clip_id": clip_id, "label": "officer_absent", "start_s": 0.5,
                                                   "end_s": 2.0})
        assert tag.status_code == 201, tag.text
        deadline = time.monotonic() + 20
        while True:
            message = json.loads(ws.recv(timeout=max(0.1, deadline - time.monotonic())))
            if message.get("type") == "tag.created":
                break
        assert message["tag"]["id"] == tag.json()["id"]

    # 4. evidence package built by the documents worker, downloaded from the store and verified
    linked = alice.post("/api/media/evidence/", json={"finding_id": finding_id, "tag_id": tag.json()["id"]})
    assert linked.status_code == 201, linked.text
    asked = alice.post("/api/media/evidence/packages/", json={"finding_id": finding_id, "reason": "chuyển hội đồng"})
    assert asked.status_code == 202, asked.text
    package = wait_for(lambda: bob.get(f"/api/media/evidence/packages/{asked.json()['id']}/").json(),
                       lambda p: p["state"] in ("ready", "failed"), 180, "package", stack)
    assert package["state"] == "ready", package
    url = bob.post(f"/api/media/evidence/packages/{package['id']}/download/", json={"reason": "nộp hồ sơ"}).json()["url"]
    zipped = bob.get(url, timeout=60)  # not a bearer link: only the user who asked fetches it
    assert zipped.status_code == 200 and hashlib.sha256(zipped.content).hexdigest() == package["sha256"]
    verified = bob.post("/api/media/evidence/verify/", files={"file": ("p.zip", zipped.content, "application/zip")})
    assert verified.json()["ok"] is True, verified.json()

    # the package (a document) is in the app's bucket: a reconcile pass never makes a clip of it
    assert json.loads(stack.shell("import json\nfrom media_ingest.services_reconcile import reconcile_run\n"
                                  "print(json.dumps(reconcile_run().errors))").strip()) == []
    listed = alice.get("/api/media/clips/?page_size=200").json()["results"]
    assert [c["key"] for c in listed] == [key]

    # 5. a rating CSV too large to import in the request: queued, imported by a worker
    inspector = login(web2, "inspector")
    at = datetime.now(UTC) - timedelta(days=10)  # 30 s apart: the last one still in the past
    rows = ["counter_code,device_id,rating_id,rated_at,score,comment"]
    padding = "Cán bộ hướng dẫn tận tình - thủ tục nhanh " * 2
    n = 0
    while sum(len(r.encode()) + 1 for r in rows) < 2 * 1024 * 1024 + 10_000:
        n += 1
        rows.append(f"Q-CAX-TC,DEV-S,{n},{(at + timedelta(seconds=30 * n)).isoformat()},{1 + n % 5},{padding}")
    # CSV rows must name a registered device of their counter (issue 13 F8)
    stack.shell("from backend.org.models import Counter\nfrom inspection.services_ratings import rating_device_register\n"
                "rating_device_register(by='journey', counter=Counter.objects.get(code='Q-CAX-TC'), serial='DEV-S')")
    upload = inspector.post("/api/inspection/ratings/import/",
                            files={"file": ("ratings.csv", "\n".join(rows).encode(), "text/csv")})
    assert upload.status_code == 202, upload.text
    record = wait_for(lambda: inspector.get(f"/api/inspection/ratings/import/{upload.json()['id']}/").json(),
                      lambda r: r["state"] not in ("queued", "running", "pending"), 300, "ratings import", stack)
    assert record["state"] == "done" and record["imported"] == n and not record["errors"], (
        {k: v for k, v in record.items() if k != "errors"}, record["errors"][:3])
    assert int(stack.shell("from inspection.models import SatisfactionRating\n"
                           "print(SatisfactionRating.objects.filter(device_code='device:DEV-S').count())").strip()) == n
