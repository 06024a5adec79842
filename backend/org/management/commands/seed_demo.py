"""Load the demo data once: organisation, users, then each app's own demo seeder."""
from __future__ import annotations

import importlib
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from backend.org import demo
from backend.org.models import Unit

# Each module may define `seed(ctx)` (in the transaction) and `after_commit(ctx)` (jobs, files).
SEEDERS = ["backend.org.demo", "inspection.demo", "inspection.accountability.demo", "media_ingest.demo"]


class Command(BaseCommand):
    help = "Load demo data (once): a province, units, officers, cameras and one user per role."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when data exists.")

    def handle(self, *args: Any, **options: Any) -> None:
        if Unit.objects.filter(code="CAT-NA").exists():
            if not options["if_empty"]:
                self.stdout.write("Demo data already loaded; nothing to do.")
            self._print_logins()
            return
        ctx = demo.DemoContext()
        modules = []
        for name in SEEDERS:
            try:
                modules.append(importlib.import_module(name))
            except ModuleNotFoundError as exc:
                if exc.name != name:
                    raise
        with transaction.atomic():
            for module in modules:
                if hasattr(module, "seed"):
                    module.seed(ctx)
        for module in modules:
            if hasattr(module, "after_commit"):
                module.after_commit(ctx)
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self._print_logins()

    def _print_logins(self) -> None:
        self.stdout.write(f"Demo logins (password for all: {demo.DEMO_PASSWORD}):")
        for username, role, full_name, _sn, scope in demo.DEMO_USERS:
            suffix = f", scope {scope}" if scope else ""
            self.stdout.write(f"  {username:<11} {role.label} — {full_name}{suffix}")
