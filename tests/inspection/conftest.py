"""Fixtures of the inspection suite: the demo organisation plus the inspection demo data."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from backend.core.actors import SystemActor


def _seed_inspection(ctx: Any) -> Any:
    from inspection.demo import seed

    seed(ctx)
    return ctx


@pytest.fixture(scope="module")
def _shared_insp(_shared_seed: Any) -> Any:
    """The inspection demo on top of the module's shared org seed (tests/conftest.py SharedSeed)."""
    if _shared_seed is not None and _shared_seed.active:
        _shared_seed.build("inspection", lambda: _seed_inspection(_shared_seed.copy("org")))
    return _shared_seed


@pytest.fixture
def insp(demo: Any, _shared_insp: Any) -> Any:
    """Demo org + inspection demo (criteria, catalogue, ratings, complaints, a signed and a planned
    check): seeded once per module run with the org, per test for transactional tests. The same
    object as `demo` in the test (both fixtures name one context)."""
    if _shared_insp is not None and _shared_insp.active and "inspection" in _shared_insp.layers:
        seeded = _shared_insp.copy("inspection")
        demo.units, demo.officers, demo.users, demo.extra = seeded.units, seeded.officers, seeded.users, seeded.extra
        return demo
    return _seed_inspection(demo)


@pytest.fixture
def device_client(demo: Any) -> Callable[[str], tuple[APIClient, Any]]:
    """A rating device for a counter: (client with its token, ApiToken)."""
    from backend.accounts.services import api_token_create, user_create
    from backend.org.models import Counter

    def make(counter_code: str) -> tuple[APIClient, Any]:
        svc = user_create(by=SystemActor("test"), username=f"svc-{counter_code.lower()}", password=None, role="service")
        token, key = api_token_create(by=SystemActor("test"), name=f"Thiết bị {counter_code}", kind="rating_device", user=svc,
                                      counter=Counter.objects.get(code=counter_code))
        client = APIClient(enforce_csrf_checks=True)
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client, token

    return make


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings: Any) -> None:
    """The demo users' passwords are hashed (and checked at each login) with a cheap hasher in
    this suite only; PBKDF2 made every test's setup take seconds. Production hashing is untouched."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def rating_devices(demo: Any) -> None:
    """The rating devices the CSV samples name, registered at their counters (CSV rows must name a
    registered device of their counter: issue 13 F8)."""
    from backend.org.models import Counter
    from inspection.services_ratings import rating_device_register

    for serial, code in (("DEV-1", "Q-CAX-TC"), ("DEV-2", "Q-CAX-ND"), ("TB-1", "Q-CAX-TC")):
        rating_device_register(by=SystemActor("test"), counter=Counter.objects.get(code=code), serial=serial)
