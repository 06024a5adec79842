"""Seed a province of the real size (inspection/province.py) into an empty database."""
from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from backend.org.models import Unit
from inspection.province import PROVINCE, seed_province, summary


class Command(BaseCommand):
    help = ("Seed a province of the real size: ~460 communes under 20 districts, merged into 130 on "
            "1 July 2025, officers, counters, a year of ratings, complaints and checks.")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--seed", type=int, default=13, help="Random seed (the same seed, the same province).")
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when a province exists.")

    def handle(self, *args: Any, **options: Any) -> None:
        if Unit.objects.filter(code=PROVINCE).exists():
            if options["if_empty"]:
                return
            raise CommandError("Đã có dữ liệu tỉnh (CAT-NA). / A province is already seeded (CAT-NA).")
        began = time.perf_counter()
        province = seed_province(seed=options["seed"])
        figures = ", ".join(f"{k}={v}" for k, v in sorted(summary(province).items()))
        self.stdout.write(f"Đã tạo dữ liệu tỉnh / province seeded in {time.perf_counter() - began:.1f} s: {figures}")
