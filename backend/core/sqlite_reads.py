"""Embedded SQLite: a connection kept between requests, each request reading the database as it is now.

Opening a SQLite connection is cheap, but its first statement parses the whole schema (some 340
tables, indexes and triggers here): about 5 ms, paid on every request while connections were
reopened per request (CONN_MAX_AGE 0), more than the rest of a small request's server path.

A kept connection was dropped because it read an old WAL snapshot: in autocommit mode SQLite holds a
read transaction while any statement of the connection is unfinished, and a cursor an earlier
request left unfinished (an abandoned `.iterator()`, a half-read cursor) kept that request's snapshot
open, so a later request on the same thread saw the database as it was before (a check's results
looked unsaved). Every cursor Django opens on a SQLite connection is therefore recorded (an execute
wrapper), and `finish_reads` closes those still open at each unit of work's edges: request start and
end (signals), a background job, a reconcile pass. With no statement left, the next query starts a
fresh read transaction on the current database.
"""
from __future__ import annotations

import weakref
from typing import Any

from django.db import close_old_connections, connections
from django.db.backends.base.base import BaseDatabaseWrapper

_CURSORS = "_cw_open_cursors"


def _record(execute: Any, sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
    getattr(context["connection"], _CURSORS).add(context["cursor"].cursor)
    return execute(sql, params, many, context)


def track(sender: Any = None, connection: BaseDatabaseWrapper | None = None, **kwargs: Any) -> None:
    """connection_created receiver: record the cursors of a SQLite connection."""
    if connection is None or connection.vendor != "sqlite":
        return
    if not hasattr(connection, _CURSORS):
        setattr(connection, _CURSORS, weakref.WeakSet())
    if _record not in connection.execute_wrappers:
        # first, not last: `connection.execute_wrapper()` pops the last one when its block ends
        connection.execute_wrappers.insert(0, _record)


def finish_reads(connection: BaseDatabaseWrapper) -> int:
    """Close the cursors of `connection` left open (their statements end their read transaction).
    Returns how many were still open."""
    cursors = getattr(connection, _CURSORS, None)
    if not cursors or connection.in_atomic_block:  # inside a transaction its snapshot holds anyway
        return 0
    left = list(cursors)
    cursors.clear()
    for cursor in left:
        cursor.close()
    return len(left)


def finish_all_reads(**kwargs: Any) -> None:
    """request_started / request_finished receiver: every SQLite connection of this thread."""
    for connection in connections.all(initialized_only=True):
        finish_reads(connection)


def between_units_of_work() -> None:
    """For loops outside a request (jobs, the reconcile scan): Django's close_old_connections, then
    no statement of the previous unit left open."""
    close_old_connections()
    finish_all_reads()
