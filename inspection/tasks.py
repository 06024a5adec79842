"""Thin Celery tasks of the inspection app (ids in, a service call, nothing else)."""
from __future__ import annotations

from celery import shared_task

from inspection import services_ratings

IMPORT_QUEUE = "imports"


@shared_task(name="inspection.ratings_import", queue=IMPORT_QUEUE, acks_late=True, reject_on_worker_lost=True,
             soft_time_limit=1800, time_limit=1900, max_retries=3)
def ratings_import_task(csv_import_id: int) -> str:
    record = services_ratings.csv_import_run(csv_import_id=csv_import_id)
    return record.state if record is not None else "missing"
