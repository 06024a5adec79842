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


def _transactional(item: pytest.Item) -> bool:
    """Whether pytest-django runs this test as a TransactionTestCase (real commits, flush after)."""
    from pytest_django.plugin import validate_django_db

    marker = item.get_closest_marker("django_db")
    if marker is not None:
        transaction, reset_sequences, *_ = validate_django_db(marker)
        if transaction or reset_sequences:
            return True
    return bool({"transactional_db", "live_server", "django_db_reset_sequences"} & set(getattr(item, "fixturenames", ())))


def _uses_db(item: pytest.Item) -> bool:
    names = set(getattr(item, "fixturenames", ()))
    return item.get_closest_marker("django_db") is not None or bool({"db", "transactional_db"} & names)


class SharedSeed:
    """Demo data seeded once for a module's tests, inside a transaction held open for them; each
    test runs in its own savepoint within it (pytest-django's `db`), so what a test writes is rolled
    back and the next one finds the seed as it was — Django's TestCase.setUpTestData. Each test gets
    a deep copy of the context's objects, as setUpTestData gives, so in-memory changes do not leak.

    Only tests that ask for the demo see it. Before any other database test of the module, and
    before a transactional test (real commits and a flush cannot happen inside the transaction), the
    seed is rolled back; the next demo test seeds it again (see pytest_runtest_setup)."""

    by_module: dict[str, SharedSeed] = {}

    def __init__(self, module: str, blocker: Any) -> None:
        self.module = module
        self.blocker = blocker
        self.builders: dict[str, Callable[[], Any]] = {}
        self.layers: dict[str, Any] = {}
        self.atomic: Any = None
        SharedSeed.by_module[module] = self

    @property
    def active(self) -> bool:
        return self.atomic is not None

    def open(self) -> None:
        """Open the transaction and seed every layer built so far, in order."""
        from django.db import transaction

        with self.blocker.unblock():
            self.atomic = transaction.atomic()
            self.atomic._from_testcase = True  # durable blocks inside act as they do under TestCase
            self.atomic.__enter__()
            self.layers = {}
            for name, seed in self.builders.items():
                self.layers[name] = seed()

    def build(self, name: str, seed: Callable[[], Any]) -> None:
        """Seed layer `name` in the open transaction. Only from a module-scoped fixture or the setup
        hook: those run before the test's own savepoint opens (a seed written inside it would be
        rolled back with the test)."""
        if name not in self.builders:
            self.builders[name] = seed
            with self.blocker.unblock():
                self.layers[name] = seed()

    def copy(self, name: str) -> Any:
        """A deep copy of the context after layer `name`, for one test."""
        import copy

        return copy.deepcopy(self.layers[name])

    def close(self) -> None:
        from django.db import transaction

        if self.atomic is None:
            return
        with self.blocker.unblock():
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)
        self.atomic = None


_running: dict[str, pytest.Item] = {}


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Before a test's fixtures: note the test (for `_shared_seed`); roll back the shared demo seed
    before a database test that did not ask for it or a transactional one, and seed it again before
    a demo test of its module that finds it rolled back."""
    _running["item"] = item
    module = item.getparent(pytest.Module)
    wants_seed = "demo" in getattr(item, "fixturenames", ()) and not _transactional(item)
    for name, seed in SharedSeed.by_module.items():
        mine = module is not None and name == module.nodeid
        if seed.active and _uses_db(item) and not (mine and wants_seed):
            seed.close()
        elif mine and wants_seed and not seed.active:
            seed.open()


@pytest.fixture(scope="module")
def _shared_seed(request: pytest.FixtureRequest, django_db_setup: Any,
                 django_db_blocker: Any) -> Iterator[SharedSeed | None]:
    """Set up (module scope) before the test's own transaction opens; None for transactional tests."""
    item = _running.get("item")
    if item is None or _transactional(item):
        yield None
        return
    seed = SharedSeed(request.node.nodeid, django_db_blocker)
    try:
        seed.open()
        seed.build("org", _seed_demo)
        yield seed
    finally:
        seed.close()
        SharedSeed.by_module.pop(seed.module, None)


def _seed_demo() -> Any:
    from backend.org.demo import DemoContext, seed

    ctx = DemoContext()
    seed(ctx)
    return ctx


@pytest.fixture
def demo(db: Any, _shared_seed: SharedSeed | None) -> Any:
    """The demo organisation and one user per role (see backend/org/demo.py): seeded once per module
    run (SharedSeed), per test for transactional tests."""
    if _shared_seed is not None and _shared_seed.active:
        return _shared_seed.copy("org")
    return _seed_demo()


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


# --- what the migrations wrote, back after a transactional test --------------------------------------
# A transactional test ends with a flush, which also empties what the data migrations seeded (the tag
# taxonomy, the accountability rule sets, the fields of charge...). In one process pytest-django runs
# those tests last, so no test saw the empty tables; on two processes (pytest-xdist hands out whole files)
# a worker goes on to other files after one. The data is serialized before the first transactional test
# of the process and loaded back after each, as Django's serialized_rollback does.
_MIGRATION_DATA: dict[str, str] = {}
_BLOCKER = pytest.StashKey[Any]()


@pytest.fixture(autouse=True)
def _migration_data_kept(request: pytest.FixtureRequest) -> None:
    if not _transactional(request.node) or "default" in _MIGRATION_DATA:
        return
    request.getfixturevalue("django_db_setup")
    from django.db import connections

    with request.getfixturevalue("django_db_blocker").unblock():
        _MIGRATION_DATA["default"] = connections["default"].creation.serialize_db_to_string()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    yield  # the test's fixtures are torn down: its flush is done
    if "default" not in _MIGRATION_DATA or not _transactional(item) or nextitem is None:
        return
    from django.core.management import call_command
    from django.db import connections

    blocker = item.config.stash.get(_BLOCKER, None)
    if blocker is None:
        return
    with blocker.unblock():
        # the flush ran the post-migrate signal (content types, permissions): empty again, then load it all
        call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
        connections["default"].creation.deserialize_db_from_string(_MIGRATION_DATA["default"])


@pytest.fixture(scope="session", autouse=True)
def _remember_blocker(request: pytest.FixtureRequest, django_db_blocker: Any) -> None:
    request.config.stash[_BLOCKER] = django_db_blocker
