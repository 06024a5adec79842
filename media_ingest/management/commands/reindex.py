"""Re-run the analysis on clips indexed by an older analysis version, with a progress bar."""
from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from backend.core import jobs
from backend.core.actors import SystemActor
from media_ingest import services_admin
from media_ingest.models import Clip


class Command(BaseCommand):
    help = ("Lập chỉ mục lại các đoạn video được phân tích bằng phiên bản cũ / "
            "re-index clips analysed by an older analysis version.")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--limit", type=int, default=None, help="at most this many clips")
        parser.add_argument("--dry-run", action="store_true", help="only count them")
        parser.add_argument("--no-wait", action="store_true",
                            help="queue them and return (scaled mode: Celery workers do the work)")
        parser.add_argument("--timeout", type=float, default=24 * 3600, help="seconds to wait at most")

    def handle(self, *args: Any, **options: Any) -> None:
        from media_ingest.vision import ANALYSIS_VERSION

        outdated = (Clip.objects.filter(state__in=[Clip.State.INDEXED, Clip.State.PARTIAL])
                    .exclude(analysis_version=ANALYSIS_VERSION))
        total = outdated.count() if options["limit"] is None else min(outdated.count(), options["limit"])
        self.stdout.write(f"{total} clip(s) analysed by an older version than {ANALYSIS_VERSION}.")
        if options["dry_run"] or total == 0:
            return
        ids = services_admin.clips_reindex_outdated(current_version=ANALYSIS_VERSION, by=SystemActor("manage.py reindex"),
                                                    limit=options["limit"])
        if options["no_wait"]:
            self.stdout.write(f"Queued {len(ids)} clip(s).")
            return
        deadline = time.monotonic() + options["timeout"]
        pending_states = [Clip.State.DISCOVERED, Clip.State.INDEXING]
        with tqdm(total=len(ids), unit="clip", desc="reindex", disable=None) as bar:
            done = 0
            while done < len(ids):
                if not jobs.uses_celery():
                    try:
                        jobs.wait_idle(timeout=1.0)
                    except TimeoutError:
                        pass
                else:
                    time.sleep(1.0)
                now_done = len(ids) - Clip.objects.filter(pk__in=ids, state__in=pending_states).count()
                bar.update(now_done - done)
                done = now_done
                if done < len(ids) and time.monotonic() > deadline:
                    raise CommandError(f"{len(ids) - done} clip(s) still not indexed after the timeout.")
        states = dict.fromkeys(Clip.State.values, 0)
        for state in Clip.objects.filter(pk__in=ids).values_list("state", flat=True):
            states[state] += 1
        self.stdout.write(self.style.SUCCESS(
            f"Re-indexed {len(ids)} clip(s): {states['indexed']} indexed, {states['partial']} partial, "
            f"{states['failed']} failed."))
