"""Jobs of footage review: thin (load by id, call a service), idempotent, on their own queue."""
from __future__ import annotations

from celery import shared_task


@shared_task(name="review.evidence_package_build", queue="evidence", acks_late=True,
             time_limit=60 * 30, soft_time_limit=60 * 28)
def evidence_package_build(package_id: int) -> str:
    from media_ingest.review.services_packages import package_build

    return package_build(package_id=package_id).state
