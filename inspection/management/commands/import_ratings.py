"""Backfill satisfaction ratings from a CSV file, with a progress bar and a per-row error report.

    python manage.py import_ratings ratings.csv [--errors errors.csv]

Columns: counter_code, device_id, rating_id, rated_at (ISO 8601; without an offset it is local
time Asia/Ho_Chi_Minh), score (1-5), optional comment. Valid rows are imported; a row whose
device and rating id are already known is skipped as a duplicate, so re-running is safe.
"""
from __future__ import annotations

import csv
import hashlib
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from backend.core.actors import SystemActor
from backend.core.errors import DomainError
from inspection import services_ratings


class Command(BaseCommand):
    help = "Nhập lượt đánh giá hài lòng từ tệp CSV / Import satisfaction ratings from CSV."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--errors", type=Path, help="Write the per-row error report to this CSV file.")
        parser.add_argument("--no-progress", action="store_true", help="Hide the progress bar.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp / file not found: {path}")
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        with path.open(encoding="utf-8-sig", errors="replace", newline="") as fh:
            total = max(sum(1 for _ in fh) - 1, 0)
        record = services_ratings.csv_import_start(by=SystemActor("import_ratings"), filename=path.name, sha256=digest)
        bar = tqdm(total=total, unit="dòng", desc="Nhập đánh giá", disable=options["no_progress"],
                   file=self.stderr._out)
        try:
            with path.open(encoding="utf-8-sig", errors="replace", newline="") as fh:
                record = services_ratings.ratings_import_csv(by=SystemActor("import_ratings"), text_stream=fh, csv_import=record,
                                                             progress=bar.update)
        except DomainError as exc:
            raise CommandError(f"{exc.message} / {exc.message_en}") from exc
        finally:
            bar.close()
        self.stdout.write(f"Đã nhập {record.imported}, trùng {record.duplicates}, lỗi {len(record.errors)} "
                          f"trên {record.total_rows} dòng / imported {record.imported}, duplicates "
                          f"{record.duplicates}, errors {len(record.errors)} of {record.total_rows} rows.")
        for error in record.errors[:20]:
            self.stdout.write(f"  dòng {error['row']} [{error['column'] or '-'}]: {error['reason']} "
                              f"/ {error['reason_en']}")
        if options["errors"] and record.errors:
            with options["errors"].open("w", encoding="utf-8", newline="") as out:
                writer = csv.DictWriter(out, fieldnames=["row", "column", "reason", "reason_en"])
                writer.writeheader()
                writer.writerows(record.errors)
            self.stdout.write(f"Báo cáo lỗi / error report: {options['errors']}")
