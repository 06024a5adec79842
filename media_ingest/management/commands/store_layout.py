"""Move what the app wrote into the footage bucket to the app's own store, and drop the documents
the reconcile scan indexed as clips (custody entries kept). Idempotent; migration 0007 runs it."""
from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand

from media_ingest.layout import split


class Command(BaseCommand):
    help = "Tách kho: chuyển tài liệu của ứng dụng ra khỏi bucket hình ảnh / split the footage bucket from the app's."

    def handle(self, *args: Any, **options: Any) -> None:
        report = split(apps)
        self.stdout.write(report.summary())
