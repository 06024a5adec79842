"""The demo seed shared by a module's tests (tests/conftest.py SharedSeed) isolates them as a fresh
seed per test did: what one test writes or changes in memory, the next never sees; a database test
that did not ask for the demo finds none; a transactional test commits for real.

Each pair below does the same thing, so whichever runs second fails if anything leaks."""
from __future__ import annotations

from typing import Any

import pytest

SENTINEL = "leak-sentinel"


def _write_and_change(demo: Any) -> None:
    from backend.org.models import Unit

    assert not Unit.objects.filter(code=SENTINEL).exists(), "a row written by another test is still there"
    lead = demo.officers["NA-1002"]
    assert lead.full_name == "Đặng Văn Bình", "an in-memory change made by another test is still there"
    Unit.objects.filter(pk=demo.units["CAX-TC"].pk).update(name="đổi tên")
    Unit.objects.create(code=SENTINEL, name="x", level=demo.units["CAX-TC"].level, valid_from="2026-01-01")
    lead.full_name = "changed in memory"


def _assert_seed_as_made(demo: Any) -> None:
    from backend.org.models import Unit

    assert Unit.objects.get(pk=demo.units["CAX-TC"].pk).name == demo.units["CAX-TC"].name != "đổi tên"


@pytest.mark.django_db
def test_writes_and_memory_changes_do_not_reach_the_next_test_a(demo: Any) -> None:
    _assert_seed_as_made(demo)
    _write_and_change(demo)


@pytest.mark.django_db
def test_writes_and_memory_changes_do_not_reach_the_next_test_b(demo: Any) -> None:
    _assert_seed_as_made(demo)
    _write_and_change(demo)


@pytest.mark.django_db
def test_a_database_test_without_the_demo_finds_none() -> None:
    from backend.accounts.models import User

    assert not User.objects.filter(username="lead").exists()


@pytest.mark.django_db
def test_the_demo_is_back_after_a_test_without_it(demo: Any) -> None:
    from backend.accounts.models import User

    assert User.objects.get(username="lead").pk == demo.users["lead"].pk


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_gets_its_own_seed_and_real_commits(demo: Any) -> None:
    from django.db import connection, transaction

    assert not connection.in_atomic_block, "a transactional test ran inside the shared seed's transaction"
    done: list[int] = []
    with transaction.atomic():
        transaction.on_commit(lambda: done.append(1))
    assert done == [1]
    assert demo.users["lead"].pk
