"""Delete footage past its retention period (legal holds kept); --dry-run only reports."""
from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from backend.core.actors import SystemActor
from media_ingest import selectors, services_retention


class Command(BaseCommand):
    help = ("Xóa hình ảnh hết thời hạn lưu trữ (trừ đoạn đang bị giữ lại) / delete expired footage, "
            "except clips on legal hold.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="report only, delete nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["dry_run"]:
            report = selectors.retention_report(now=timezone.now())
            for clip in report.expired:
                held = report.held.get(clip.pk)
                what = f"GIỮ LẠI / HELD ({', '.join(held)})" if held else "SẼ XÓA / WOULD DELETE"
                self.stdout.write(f"{clip.pk}\t{clip.key}\t{clip.started_at or clip.discovered_at:%Y-%m-%d}\t{what}")
            self.stdout.write(f"{len(report.deletable)} to delete ({report.expired_bytes} bytes), "
                              f"{len(report.held)} held, {report.expiring_this_week} more expire within 7 days")
            return
        result = services_retention.retention_run(by=SystemActor("manage.py retention"))
        self.stdout.write(f"deleted {len(result.deleted)} clip(s), {result.bytes_freed} bytes; "
                          f"{result.versions_deleted} stored version(s)/delete marker(s) removed; "
                          f"held {len(result.held)}; errors {len(result.errors)}")
        for clip_id, kept in result.versions_kept.items():
            self.stdout.write(f"clip {clip_id}: other version(s) of its key kept (another clip's, or newer "
                              f"than the retention period): {', '.join(kept)}")
        for clip_id, error in result.errors.items():
            self.stderr.write(f"clip {clip_id}: {error}")
