"""Thin Celery tasks (ids in, a service call, nothing else).

`index_clip` runs on the `ingest` queue: acks late (a worker that dies mid-clip gives the
message back), retries transient store errors with exponential backoff, and is idempotent
(the service claims the clip with a conditional UPDATE, so a duplicate run is a no-op).
In the embedded mode the same task runs on the in-process pool (backend.core.jobs).
"""
from __future__ import annotations

from typing import Any

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import InterfaceError, OperationalError

from media_ingest import services_indexing, services_reconcile, services_retention

INGEST_QUEUE = "ingest"
MAX_RETRIES = 5
SOFT_TIME_LIMIT = 2 * 3600
TIME_LIMIT = SOFT_TIME_LIMIT + 300


@shared_task(
    bind=True,
    name="media_ingest.index_clip",
    queue=INGEST_QUEUE,
    acks_late=True,
    reject_on_worker_lost=True,
    # a lost database connection (restart, failover) is as transient as the store: retry, or the
    # message is acked as failed and a clip still `discovered` would wait for nothing
    autoretry_for=(services_indexing.TransientStoreError, OperationalError, InterfaceError),
    retry_backoff=5,
    retry_backoff_max=600,
    # No jitter: Celery's jitter draws each wait from [0, backoff], so all retries could fire within
    # a short store outage and fail the clip. 5+10+20+40+80 s rides out an outage of over 2 minutes
    # (found by tests/hardening/test_ingest_faults.py::test_store_unreachable_for_30s_nothing_lost).
    retry_jitter=False,
    max_retries=MAX_RETRIES,
    soft_time_limit=SOFT_TIME_LIMIT,
    time_limit=TIME_LIMIT,
)
def index_clip(self: Any, clip_id: int) -> str:
    try:
        return services_indexing.clip_index(clip_id=clip_id, final_attempt=self.request.retries >= MAX_RETRIES)
    except SoftTimeLimitExceeded:
        return services_indexing.clip_fail(
            clip_id=clip_id,
            reason_en=f"indexing took longer than {SOFT_TIME_LIMIT // 3600} h and was stopped",
            reason_vi=f"Lập chỉ mục quá {SOFT_TIME_LIMIT // 3600} giờ nên đã bị dừng")


@shared_task(name="media_ingest.reconcile", queue=INGEST_QUEUE, acks_late=True, soft_time_limit=600,
             time_limit=660)
def reconcile() -> dict[str, Any]:
    report = services_reconcile.reconcile_run()
    return {"scanned": report.scanned, "created": report.created, "requeued": report.requeued,
            "errors": report.errors or []}


MAINTENANCE_QUEUE = "maintenance"


@shared_task(name="media_ingest.retention", queue=MAINTENANCE_QUEUE, acks_late=True, soft_time_limit=3 * 3600,
             time_limit=3 * 3600 + 300)
def retention() -> dict[str, Any]:
    """Daily: delete footage past its camera's retention period, except clips on legal hold."""
    result = services_retention.retention_run()
    return {"deleted": result.deleted, "held": len(result.held), "errors": result.errors,
            "bytes_freed": result.bytes_freed}
