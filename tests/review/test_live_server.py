"""One end-to-end run: the real ASGI server process, a real websocket client, a clip dropped into
the store, discovered by the always-on reconcile loop, indexed, and announced as clip.indexed."""
from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import websockets

from tests.conftest import footage_file

ROOT = Path(__file__).resolve().parents[2]
SEED = ("from backend.org.demo import DemoContext, seed; from django.db import transaction\n"
        "with transaction.atomic(): seed(DemoContext())\n")


def serve_flags() -> list[str]:
    """The server flags `make run` uses (Makefile SERVE_FLAGS), so this test runs the shipped server."""
    found = re.search(r"^SERVE_FLAGS\s*:?=\s*(.+)$", (ROOT / "Makefile").read_text(), re.M)
    assert found, "SERVE_FLAGS not found in the Makefile"
    return found.group(1).split()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _server_env(var: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CELERY_TASK_ALWAYS_EAGER", "MINIO_ENDPOINT",
                        "COUNTERWATCH_OBJECTS_DIR", "TEST_DB_NAME"}}
    env.update({"DJANGO_SETTINGS_MODULE": "backend.settings", "COUNTERWATCH_VAR_DIR": str(var),
                "COUNTERWATCH_BACKGROUND": "1", "RECONCILE_INTERVAL_SECONDS": "1", "LOG_LEVEL": "WARNING",
                "PYTHONUNBUFFERED": "1", "LOGIN_THROTTLE_RATE": "5/min"})
    return env


@pytest.fixture(scope="module")
def seeded_var(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A var dir migrated and seeded with the demo, made once for the module (the slow part: a
    migrate and a seed in subprocesses); each server starts on its own copy."""
    var = tmp_path_factory.mktemp("live") / "var"
    env = _server_env(var)
    for args in (["manage.py", "migrate", "--noinput", "-v0"], ["manage.py", "shell", "-c", SEED]):
        done = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr[-3000:]
    return var


@pytest.fixture
def asgi_server(tmp_path: Path, seeded_var: Path) -> Iterator[tuple[str, Path]]:
    """uvicorn backend.asgi:application in embedded mode on its own copy of a freshly migrated and
    seeded var dir (SQLite file, objects folder): no state passes from one test's server to the next."""
    var = tmp_path / "var"
    shutil.copytree(seeded_var, var)
    env = _server_env(var)
    python = sys.executable
    port = _free_port()
    log = (tmp_path / "server.log").open("w")
    proc = subprocess.Popen([python, "-m", "uvicorn", "backend.asgi:application", "--host", "127.0.0.1",
                             "--port", str(port), *serve_flags()],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180  # the machine may be busy with other suites
        while True:
            assert proc.poll() is None, (tmp_path / "server.log").read_text()[-3000:]
            try:
                if httpx.get(f"{base}/api/health/", timeout=2).status_code in (200, 503):
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.2)
        yield base, var
    except BaseException:
        print((tmp_path / "server.log").read_text()[-5000:])  # shown by pytest on failure
        raise
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        log.close()


async def test_real_server_announces_clip_indexed(asgi_server: tuple[str, Path]) -> None:
    base, var = asgi_server
    async with httpx.AsyncClient(base_url=base, timeout=10) as http:
        csrf = (await http.get("/api/auth/csrf/")).json()["csrf_token"]
        r = await http.post("/api/auth/login/", json={"username": "reviewer", "password": "Demo@12345"},
                            headers={"X-CSRFToken": csrf})
        assert r.status_code == 200, r.text
        cookie = "; ".join(f"{k}={v}" for k, v in http.cookies.items())
    ws_url = base.replace("http://", "ws://") + "/ws/review/"
    async with websockets.connect(ws_url, origin=base, additional_headers={"Cookie": cookie},  # type: ignore[arg-type]
                                  open_timeout=10) as ws:
        hello = json.loads(await asyncio.wait_for(ws.recv(), 10))
        assert hello["type"] == "hello"
        await ws.send(json.dumps({"type": "subscribe", "topic": "camera:CAM-TC-01"}))
        assert json.loads(await asyncio.wait_for(ws.recv(), 10))["type"] == "subscribed"

        key = "CAM-TC-01/2026/05/04/093000.mkv"
        dest = var / "objects" / "counterwatch" / key
        dest.parent.mkdir(parents=True, exist_ok=True)
        partial = dest.parent / ".upload-live-test"
        shutil.copyfile(footage_file("person-at-desk-2.mkv"), partial)
        os.replace(partial, dest)  # appears whole, like an upload finishing

        seen: list[str] = []
        deadline = time.monotonic() + 300
        while True:
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"no clip.indexed within 300 s; saw {seen}"
            msg = json.loads(await asyncio.wait_for(ws.recv(), remaining))
            seen.append(msg["type"])
            if msg["type"] == "clip.failed":
                pytest.fail(f"the clip failed: {msg}")
            if msg["type"] == "clip.indexed" and msg["clip"]["key"] == key:
                break
        assert "clip.discovered" in seen
        assert msg["clip"]["camera"] == "CAM-TC-01" and msg["clip"]["state"] in ("indexed", "partial")


def test_the_shipped_server_does_not_let_x_forwarded_for_bypass_the_login_throttle(asgi_server):
    """Adversary finding F3: uvicorn rewrote the client address from X-Forwarded-For on loopback
    connections, so a new forged address per try escaped the per-address login throttle."""
    base, _ = asgi_server
    statuses = []
    with httpx.Client(base_url=base, timeout=10) as http:
        token = http.get("/api/auth/csrf/").json()["csrf_token"]
        for i in range(8):  # a different (unknown) account each time: the per-account lockout stays out of it
            response = http.post("/api/auth/login/", json={"username": f"nobody{i}", "password": "x" * 10},
                                 headers={"X-CSRFToken": token, "X-Forwarded-For": f"203.0.113.{i + 1}",
                                          "Origin": base, "Referer": base + "/"})
            statuses.append(response.status_code)
    assert 429 in statuses, statuses
    assert statuses.index(429) <= 5


def test_the_dockerfile_serves_like_make_run():
    cmd = (ROOT / "Dockerfile").read_text()
    for flag in serve_flags():
        assert f'"{flag}"' in cmd, flag


async def test_the_server_does_not_compress_websocket_messages(asgi_server: tuple[str, Path]) -> None:
    """SERVE_FLAGS turn permessage-deflate off: the events are small and go to many clients, and
    compressing each client's copy took most of the fan-out's time (bench/ws_fanout_500.py)."""
    base, _ = asgi_server
    async with httpx.AsyncClient(base_url=base, timeout=10) as http:
        csrf = (await http.get("/api/auth/csrf/")).json()["csrf_token"]
        r = await http.post("/api/auth/login/", json={"username": "reviewer", "password": "Demo@12345"},
                            headers={"X-CSRFToken": csrf})
        assert r.status_code == 200, r.text
        cookie = "; ".join(f"{k}={v}" for k, v in http.cookies.items())
    ws_url = base.replace("http://", "ws://") + "/ws/review/"
    async with websockets.connect(ws_url, origin=base, additional_headers={"Cookie": cookie},  # type: ignore[arg-type]
                                  open_timeout=10) as ws:  # the client offers permessage-deflate
        assert json.loads(await asyncio.wait_for(ws.recv(), 10))["type"] == "hello"
        assert ws.response is not None
        assert "Sec-WebSocket-Extensions" not in ws.response.headers
