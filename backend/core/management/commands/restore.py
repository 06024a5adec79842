"""manage.py restore SOURCE [--force]: check every hash, then load the database and the objects."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from backend.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = ("Khôi phục từ bản sao lưu (dừng máy chủ trước) / restore a backup (stop the server first). "
            "Refuses an install that holds data unless --force.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", help="a folder written by manage.py backup")
        parser.add_argument("--force", action="store_true", help="overwrite an install that holds data")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = backup_restore(source=Path(options["source"]), force=options["force"])
        except BackupError as exc:
            raise CommandError(f"{exc.message} / {exc.message_en}") from exc
        self.stdout.write(f"restored: database, {result.objects} object(s), {result.footage} footage file(s)")
        for note in result.notes:
            self.stdout.write(f"note: {note}")
        self.stdout.write("next: python manage.py migrate && python manage.py audit_verify")
