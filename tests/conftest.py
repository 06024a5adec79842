"""Shared fixtures. Tests run against a throwaway var dir (objects, sqlite) per run."""
from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from rest_framework.test import APIClient

SHARED_FOOTAGE = Path(__file__).resolve().parents[2] / "shared" / "footage"
# Length of each file in ../shared/footage, for the stand-ins used where that folder is absent.
_FOOTAGE_SECONDS = {"counter-visits.mp4": 140.0, "street-traffic.mp4": 30.0,
                    "person-at-desk-1.mkv": 3.0, "person-at-desk-2.mkv": 3.0}
_STAND_INS = Path(tempfile.mkdtemp(prefix="cw-footage-"))


def footage_file(name: str) -> Path:
    """A real file from ../shared/footage, or, where that folder is absent (a checkout elsewhere),
    a synthetic H.264 stand-in of the same name and length made by the project's own generator.

    For tests that need *a* real-format clip; tests about what the real footage shows read
    SHARED_FOOTAGE directly and skip when it is absent.
    """
    real = SHARED_FOOTAGE / name
    if real.is_file():
        return real
    stand_in = _STAND_INS / name
    if not stand_in.is_file():
        from media_ingest.vision.synth import still_person_scenario, write_clip

        scenario = still_person_scenario(width=160, height=96, fps=10, duration=_FOOTAGE_SECONDS.get(name, 10.0))
        write_clip(stand_in, scenario, seed=7, codec="h264")
    return stand_in


@pytest.fixture
def demo(db: Any) -> Any:
    """The demo organisation and one user per role (see backend/org/demo.py)."""
    from backend.org.demo import DemoContext, seed

    ctx = DemoContext()
    seed(ctx)
    return ctx


def login_client(username: str, password: str) -> APIClient:
    """A browser-like client: real login endpoint, session cookie, CSRF enforced."""
    client = APIClient(enforce_csrf_checks=True)
    csrf = client.get("/api/auth/csrf/")
    assert csrf.status_code == 200, csrf.content
    token = csrf.json()["csrf_token"]
    response = client.post("/api/auth/login/", {"username": username, "password": password},
                           format="json", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200, response.content
    client.credentials(HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)
    return client


@pytest.fixture
def api_as(demo: Any) -> Callable[[str], APIClient]:
    """`api_as("lead")` -> a client logged in as that demo user."""
    from backend.org.demo import DEMO_PASSWORD

    cache: dict[str, APIClient] = {}

    def make(username: str) -> APIClient:
        if username not in cache:
            cache[username] = login_client(username, DEMO_PASSWORD)
        return cache[username]

    return make


@pytest.fixture
def anon() -> APIClient:
    return APIClient(enforce_csrf_checks=True)


@pytest.fixture(autouse=True)
def _isolated_store(settings: Any, tmp_path: Path) -> Iterator[None]:
    """Each test gets its own objects folder; the store adapter is rebuilt from settings."""
    from backend.core.store import stores_reset

    settings.OBJECTS_DIR = tmp_path / "objects"
    stores_reset()
    yield
    stores_reset()
