"""Job dispatch adapter: Celery when CELERY_BROKER_URL is set, an in-process pool otherwise.

Callers never choose: they call `enqueue_on_commit(task, *ids)` with a Celery task object.
In the embedded mode the very same task body runs on a thread pool inside the web process
through Celery's local `apply()` (so retries and failure handling are the same code).
"""
from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from django.conf import settings
from django.db import transaction

from backend.core.sqlite_reads import between_units_of_work

log = logging.getLogger(__name__)

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()
_pending: set[Future[None]] = set()
_pending_lock = threading.Lock()


def uses_celery() -> bool:
    return bool(settings.CELERY_BROKER_URL) and not settings.CELERY_TASK_ALWAYS_EAGER


def _get_pool() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=settings.JOB_WORKERS, thread_name_prefix="job")
        return _pool


def _run_local(task: Any, args: tuple[Any, ...]) -> None:
    between_units_of_work()
    try:
        result = task.apply(args=args)
        if result.failed():
            log.error("job %s%r failed: %s", task.name, args, result.result)
    finally:
        between_units_of_work()


def enqueue(task: Any, *args: Any) -> Future[None] | None:
    """Send a task now. Prefer enqueue_on_commit from services."""
    if uses_celery():
        task.apply_async(args=args)
        return None
    if settings.CELERY_TASK_ALWAYS_EAGER:
        _run_local(task, args)
        return None
    future = _get_pool().submit(_run_local, task, args)
    with _pending_lock:
        _pending.add(future)
    return future


def enqueue_on_commit(task: Any, *args: Any) -> None:
    transaction.on_commit(lambda: enqueue(task, *args))


def _queue_depths(conn: Any, names: list[str]) -> dict[str, int | None]:
    """Messages waiting in each queue (None when the broker cannot say)."""
    depths: dict[str, int | None] = {}
    channel = conn.default_channel
    for name in names:
        try:
            depths[name] = int(channel.queue_declare(queue=name, passive=True).message_count)
        except Exception:  # noqa: BLE001 - a queue never declared holds nothing yet
            depths[name] = 0 if conn.transport_cls in ("redis", "rediss") else None
    return depths


def _listeners(app: Any, timeout: float) -> dict[str, list[str]]:
    """Queue -> workers consuming it, from the workers' own answer (a broadcast with a timeout)."""
    replies = app.control.inspect(timeout=timeout).active_queues() or {}
    listening: dict[str, list[str]] = {}
    for worker, queues in replies.items():
        for queue in queues or []:
            listening.setdefault(str(queue.get("name")), []).append(worker)
    return listening


def pool_status(*, inspect_timeout: float = 1.0) -> dict[str, Any]:
    """Scaled: the broker, and per queue of the project's tasks whether a worker is listening and
    how many messages wait; ok only when every queue has a consumer. Embedded: the pool."""
    if uses_celery():
        from backend.celery import app, task_queues

        routed = task_queues()
        try:
            with app.connection_for_write() as conn:
                conn.ensure_connection(max_retries=1, timeout=2)
                depths = _queue_depths(conn, sorted(routed))
            listening = _listeners(app, inspect_timeout)
        except Exception as exc:  # noqa: BLE001 - health reports any broker failure
            return {"ok": False, "mode": "celery", "error": str(exc)[:200]}
        queues = {name: {"workers": len(listening.get(name, [])), "listening": bool(listening.get(name)),
                         "depth": depths.get(name), "tasks": tasks}
                  for name, tasks in sorted(routed.items())}
        idle = [name for name, q in queues.items() if not q["listening"]]
        result: dict[str, Any] = {"ok": not idle, "mode": "celery", "queues": queues}
        if idle:
            result["error"] = (f"Không có tiến trình nào xử lý hàng đợi: {', '.join(idle)} / "
                               f"no worker consumes: {', '.join(idle)}")
        return result
    pool = _get_pool()
    return {"ok": not pool._shutdown, "mode": "in-process", "workers": settings.JOB_WORKERS}


def wait_idle(timeout: float = 60.0) -> None:
    """Block until in-process jobs (including jobs they queue) are done. Tests and seeding."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        with _pending_lock:
            pending = [f for f in _pending if not f.done()]
            _pending.difference_update({f for f in _pending if f.done()})
        if not pending:
            return
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError(f"{len(pending)} background job(s) still running")
        pending[0].result(timeout=remaining)
