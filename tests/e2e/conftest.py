"""End-to-end fixtures: a live Counterwatch server (embedded mode, its own var dir, demo data)
started in a subprocess, and headless Debian Chromium driven through Playwright.

The pytest test database is not visible to a subprocess, so the server gets its own SQLite file:
`manage.py migrate` and `manage.py seed_demo` run first in a temporary COUNTERWATCH_VAR_DIR.
Set CW_E2E_BASE_URL to drive an already running server instead (development only).
"""
from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
DIST_INDEX = ROOT / "frontend" / "dist" / "index.html"
SCREENSHOTS = ROOT / "var" / "screenshots"
CHROMIUM = os.environ.get("CW_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--lang=vi-VN"]  # date inputs in dd/mm/yyyy, as on the force's machines
PASSWORD = "Demo@12345"
# The server always runs embedded (SQLite, local store, in-process jobs): never point it at the
# PostgreSQL/Redis/MinIO of a scaled test run.
SCALED_ENV = ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CELERY_TASK_ALWAYS_EAGER", "MINIO_ENDPOINT",
              "MINIO_ACCESS_KEY", "MINIO_SECRET_KEY", "TEST_DB_NAME")


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    # The browser journeys run once, in the embedded-mode pass of `make test`.
    if os.environ.get("DATABASE_URL") and not os.environ.get("CW_E2E_BASE_URL"):
        skip = pytest.mark.skip(reason="e2e journeys run in the embedded-mode pass (their server is embedded)")
        for item in items:
            if "e2e" in item.keywords:
                item.add_marker(skip)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _server_env(var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in SCALED_ENV}
    env.update({"DJANGO_SETTINGS_MODULE": "backend.settings", "COUNTERWATCH_VAR_DIR": str(var_dir),
                "LOGIN_THROTTLE_RATE": "1000/min", "PYTHONUNBUFFERED": "1", "LOG_LEVEL": "WARNING"})
    return env


def _run(args: list[str], env: dict[str, str], log: Path) -> None:
    with log.open("ab") as out:
        result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, stdout=out,
                                stderr=subprocess.STDOUT, timeout=600)
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed; see {log}:\n{log.read_text()[-3000:]}")


def _wait_healthy(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url + "/api/health/", timeout=2) as r:  # noqa: S310 - local URL
                if r.status in (200, 503):
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"the server did not answer within {timeout:.0f} s:\n{log.read_text()[-3000:]}")


@contextlib.contextmanager
def live_server(extra_env: dict[str, str] | None = None, unset: tuple[str, ...] = ()) -> Iterator[str]:
    """A fresh embedded server (own var dir, migrated, demo seeded) on a free port; `unset` drops
    variables this test process set (tests/settings.py), so the server reads the shipped default."""
    if not DIST_INDEX.is_file():
        pytest.fail(f"The web app is not built ({DIST_INDEX} is missing). Run `make test` (it builds "
                    "frontend/) or `cd frontend && npm ci && npm run build`.", pytrace=False)
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's `chromium` package "
                    "(.ci/run does) or set CW_CHROMIUM.", pytrace=False)
    var_dir = Path(tempfile.mkdtemp(prefix="cw-e2e-"))
    log = var_dir / "server.log"
    env = {k: v for k, v in {**_server_env(var_dir), **(extra_env or {})}.items() if k not in unset}
    _run(["migrate", "--noinput", "-v0"], env, log)
    _run(["seed_demo"], env, log)
    port = _free_port()
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "backend.asgi:application", "--host", "127.0.0.1", "--port", str(port),
             "--lifespan", "off", "--ws", "websockets", "--log-level", "warning"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc, log)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        shutil.rmtree(var_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def live_url() -> Iterator[str]:
    """The server the journeys share. Its demo users sign in with a password alone
    (TWO_FACTOR_REQUIRED_ROLES empty); test_two_factor.py runs its own with the shipped default."""
    external = os.environ.get("CW_E2E_BASE_URL")
    if external:
        yield external.rstrip("/")
        return
    with live_server({"TWO_FACTOR_REQUIRED_ROLES": ""}) as url:
        yield url


# Package scope: Playwright's sync API keeps an event loop running in the main thread while it
# lives; it must be closed before any later test package starts its own loop.
@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


class Session:
    """One signed-in browser context (its own cookies), Vietnamese UI, Hanoi time zone."""

    def __init__(self, browser: Any, base: str, username: str, password: str = PASSWORD) -> None:
        self.base = base
        self.context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="vi-VN",
                                           timezone_id="Asia/Ho_Chi_Minh", accept_downloads=True)
        self.context.set_default_timeout(15_000)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        # console errors from the very first page load (a 4xx/5xx answer shows up here as "Failed to
        # load resource"); modules marked `console_clean` fail on any that is not taken as expected
        self.console: list[str] = []
        self.page.on("console", lambda m: self.console.append(m.text) if m.type == "error" else None)
        self.page.goto(base + "/login")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", password)
        self.page.click("button[type=submit]")
        self.page.wait_for_selector("[data-testid=user]")

    def take_console(self, text: str) -> list[str]:
        """The console errors so far that contain `text` (a refusal the test caused on purpose),
        removed from those the end-of-test check looks at."""
        taken = [m for m in self.console if text in m]
        self.console[:] = [m for m in self.console if text not in m]
        return taken

    def go(self, path: str) -> Any:
        self.page.goto(self.base + path)
        return self.page

    def shot(self, name: str, *, full: bool = True) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.wait_for_timeout(300)  # let charts and transitions settle
        self.page.screenshot(path=str(path), full_page=full)
        return path

    def close(self) -> None:
        self.context.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: Any, call: Any) -> Any:
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture
def login(request: Any, browser: Any, live_url: str) -> Iterator[Any]:
    sessions: list[Session] = []

    def make(username: str, password: str = PASSWORD) -> Session:
        s = Session(browser, live_url, username, password)
        sessions.append(s)
        return s

    yield make
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    for i, s in enumerate(sessions):
        if failed:  # what the browser showed when the journey broke
            s.shot(f"FAILED-{request.node.name}-{i}")
        s.close()
    errors = [e for s in sessions for e in s.errors]
    assert not errors, f"JavaScript errors in the page: {errors}"
    if request.node.get_closest_marker("console_clean") is not None:
        console = [m for s in sessions for m in s.console]
        assert not console, f"Console errors (from the first page load on): {console}"


@pytest.fixture(scope="session")
def journey() -> dict[str, Any]:
    """State handed from one journey to the next (the finding filed by the inspector)."""
    return {}
