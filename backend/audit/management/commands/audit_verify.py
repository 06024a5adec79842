from typing import Any

from django.core.management.base import BaseCommand, CommandError

from backend.audit.services import audit_verify_chain


class Command(BaseCommand):
    help = "Verify the hash-chained audit trail; report the first broken link."

    def handle(self, *args: Any, **options: Any) -> None:
        report = audit_verify_chain()
        if not report.ok:
            raise CommandError(f"Audit chain BROKEN after {report.checked} good event(s): {report.reason}")
        self.stdout.write(self.style.SUCCESS(f"Audit chain OK: {report.checked} event(s) verified."))
