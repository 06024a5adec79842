"""manage.py backup DEST [--footage]: the database and the app's objects, with a hashed manifest."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from backend.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = ("Sao lưu cơ sở dữ liệu và tệp của hệ thống (kèm hình ảnh nếu --footage) / back up the database "
            "and the app's objects (and footage with --footage).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dest", help="a new or empty folder")
        parser.add_argument("--footage", action="store_true",
                            help="also copy the footage bucket (else rely on MinIO's replication)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = backup_create(dest=Path(options["dest"]), footage=options["footage"])
        except BackupError as exc:
            raise CommandError(f"{exc.message} / {exc.message_en}") from exc
        self.stdout.write(f"backup written to {result.path}: {result.files} files, {result.bytes} bytes, "
                          f"audit chain of {result.manifest['audit']['events']} events")
