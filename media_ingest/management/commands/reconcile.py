"""One reconcile pass over the bucket now (the same pass the background loop / beat runs)."""
from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from backend.core import jobs
from media_ingest import services_reconcile


class Command(BaseCommand):
    help = ("Quét đối soát kho lưu trữ, phát hiện đoạn video bị bỏ sót / "
            "scan the bucket for clips that notifications missed.")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--batch", type=int, default=services_reconcile.RECONCILE_BATCH,
                            help="objects listed per cursor in this pass")
        parser.add_argument("--wait", action="store_true",
                            help="embedded mode: wait until the clips found are indexed")

    def handle(self, *args: Any, **options: Any) -> None:
        report = services_reconcile.reconcile_run(full_batch=options["batch"])
        self.stdout.write(f"scanned {report.scanned} object(s), {report.created} new clip(s), "
                          f"{report.requeued} stuck clip(s) queued again"
                          + (", the whole bucket was covered" if report.wrapped else ""))
        for error in report.errors or []:
            self.stderr.write(f"error: {error}")
        if options["wait"] and not jobs.uses_celery():
            jobs.wait_idle(timeout=24 * 3600)
