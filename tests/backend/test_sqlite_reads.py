"""Embedded SQLite connections are kept between requests, and each request reads the database as it
is now (backend/core/sqlite_reads.py): a statement an earlier request left unfinished would hold an
old WAL snapshot open."""
from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core import signals
from django.db import connection
from django.db.backends.sqlite3.base import DatabaseWrapper  # noqa: TC002
from django.db.utils import ConnectionHandler

from backend.core import sqlite_reads


@pytest.fixture
def file_db(tmp_path: Path, django_db_blocker: Any) -> Any:
    """A Django SQLite connection on a WAL file, as the embedded server opens it."""
    handler = ConnectionHandler({"default": {
        "ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "db.sqlite3"), "CONN_MAX_AGE": 60,
        "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;"}}})
    wrapper = handler["default"]
    with django_db_blocker.unblock():  # a database of its own, not the test database
        with wrapper.cursor() as cur:
            cur.execute("CREATE TABLE t (x INTEGER)")
            cur.execute("INSERT INTO t VALUES (1), (2)")
        yield wrapper, tmp_path / "db.sqlite3"
        wrapper.close()


def _count(wrapper: DatabaseWrapper) -> int:
    with wrapper.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM t")
        return int(cur.fetchone()[0])


def _write_elsewhere(path: Path) -> None:
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("INSERT INTO t VALUES (3)")
    other.close()


def test_the_embedded_connection_is_kept_between_requests() -> None:
    if settings.SCALED_DB:
        pytest.skip("embedded mode")
    kept = settings.DATABASES["default"]["CONN_MAX_AGE"]
    assert kept is None or kept > 0  # None keeps it for good


def test_a_cursor_left_unfinished_no_longer_holds_an_old_snapshot(file_db: Any) -> None:
    wrapper, path = file_db
    left = wrapper.cursor()  # an earlier request's half-read cursor (an abandoned iterator)
    left.execute("SELECT x FROM t")
    left.fetchone()
    _write_elsewhere(path)
    assert _count(wrapper) == 2  # what the kept connection read before: the earlier snapshot
    assert sqlite_reads.finish_reads(wrapper) >= 1
    assert _count(wrapper) == 3  # the write is seen


def test_request_edges_finish_the_reads_of_this_threads_connections(django_db_blocker: Any) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("embedded mode")
    with django_db_blocker.unblock():
        cur = connection.cursor()
        cur.execute("SELECT 1 UNION SELECT 2")
        cur.fetchone()
        raw = cur.cursor
        signals.request_started.send(sender=None, scope={})
        with pytest.raises(sqlite3.ProgrammingError):  # closed: its statement no longer runs
            raw.fetchone()
        cur = connection.cursor()
        cur.execute("SELECT 1 UNION SELECT 2")
        raw = cur.cursor
        signals.request_finished.send(sender=None)
        with pytest.raises(sqlite3.ProgrammingError):
            raw.fetchone()


def test_inside_a_transaction_cursors_are_left_alone(file_db: Any) -> None:
    wrapper, _ = file_db
    wrapper.set_autocommit(False)
    wrapper.in_atomic_block = True
    try:
        cur = wrapper.cursor()
        cur.execute("SELECT x FROM t")
        assert sqlite_reads.finish_reads(wrapper) == 0
        assert cur.fetchone() is not None
    finally:
        wrapper.in_atomic_block = False
        wrapper.rollback()
        wrapper.set_autocommit(True)
