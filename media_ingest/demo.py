"""Demo footage: a few short synthetic counter clips per demo camera, indexed at seeding time,
and a short clip behind every "moment to review" (an unsatisfied rating or a complaint with a time at
a counter with a camera), so each moment opens on video.

Made by the project's own generator (media_ingest/vision/synth.py), never read from ../shared:
a counter where people arrive and wait, an officer leaves the seat, a lens gets covered.
`seed(ctx)` runs inside the seeding transaction (camera analysis settings); `after_commit(ctx)`
writes the clips into the store under the cameras' keys, discovers them and waits until the
in-process jobs have indexed them, so a new user sees indexed footage at once.
"""
from __future__ import annotations

import dataclasses
import logging
import tempfile
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

from django.utils import timezone

from backend.core import jobs
from backend.core.actors import SystemActor
from backend.core.store import get_footage_store, get_store
from backend.org.models import Camera
from media_ingest import services_admin, services_discovery, services_uploads
from media_ingest.discovery import LOCAL_TZ, build_key
from media_ingest.models import Clip

log = logging.getLogger(__name__)
BY = SystemActor("seed_demo")

# Short clips need short rules: on the demo cameras a citizen waiting 5 s with nobody at the desk
# is `unattended`, an empty seat for 8 s is `officer_absent` (real counters use the defaults).
DEMO_ANALYSIS = {"unattended_after_s": 5.0, "officer_absent_after_s": 8.0}


@dataclass(frozen=True)
class DemoClip:
    camera: str
    days_ago: int
    at: time
    title: str
    officer: tuple[tuple[float, float], ...]
    citizens: tuple[tuple[float, float], ...]
    tampers: tuple[tuple[str, float, float], ...] = ()
    duration: float = 36.0


DEMO_CLIPS = [
    DemoClip("CAM-TC-01", 1, time(8, 30), "officer leaves while a citizen waits",
             officer=((0.0, 10.0), (26.0, 36.0)), citizens=((14.0, 30.0),)),
    DemoClip("CAM-TC-01", 1, time(9, 15), "lens covered",
             officer=((1.0, 30.0),), citizens=((3.0, 12.0),), tampers=(("covered", 18.0, 25.0),), duration=30.0),
    DemoClip("CAM-ND-01", 2, time(14, 0), "busy counter, officer at the desk",
             officer=((1.0, 32.0),), citizens=((3.0, 11.0), (16.0, 28.0)), duration=32.0),
    DemoClip("CAM-KL-01", 3, time(10, 45), "empty seat, then the view is moved",
             officer=((0.0, 6.0),), citizens=((9.0, 20.0),), tampers=(("moved", 26.0, 34.0),), duration=36.0),
]


def seed(ctx: Any) -> None:
    for camera in Camera.objects.filter(code__in={c.camera for c in DEMO_CLIPS}):
        services_admin.camera_analysis_set(camera=camera, overrides=dict(DEMO_ANALYSIS), by=BY)


def _scenario(spec: DemoClip) -> Any:
    from media_ingest.vision import synth

    width = 320
    return synth.Scenario(
        duration=spec.duration, fps=10, width=width, height=180,
        zones=(synth.OFFICER_ZONE, synth.CITIZEN_ZONE),
        actors=(
            synth.Actor("officer", "officer", (0.14, 0.32, 0.32, 0.78), spec.officer, (150, 70, 35),
                        sway_px=0.004 * width),
            synth.Actor("citizen", "citizen", (0.64, 0.30, 0.84, 0.97), spec.citizens, (40, 40, 170)),
        ),
        tampers=tuple(synth.TamperPeriod(kind, a, b) for kind, a, b in spec.tampers),
    )


def after_commit(ctx: Any) -> list[int]:
    """Put the demo clips in the store and index them; returns the clip ids."""
    from media_ingest.vision import synth

    store = get_footage_store()
    store.ensure_bucket()
    get_store().ensure_bucket()  # the derivatives' bucket
    today = timezone.now().astimezone(LOCAL_TZ).date()
    ids: list[int] = []
    with tempfile.TemporaryDirectory(prefix="cw-demo-") as tmp:
        for n, spec in enumerate(DEMO_CLIPS):
            started = datetime.combine(today - timedelta(days=spec.days_ago), spec.at, tzinfo=LOCAL_TZ)
            key = build_key(spec.camera, started, "mp4")
            path = Path(tmp) / f"demo-{n}.mp4"
            synth.write_clip(path, _scenario(spec), seed=100 + n, faststart=True)
            info = store.put_file(key, path, "video/mp4")
            found = services_discovery.clip_discover(ref=services_discovery.ref_from_info(store.bucket, info),
                                                     source=Clip.Source.SEED, by=BY)
            if found.clip is not None:
                ids.append(found.clip.pk)
        ids += _moment_clips(ctx, store, Path(tmp))
    if jobs.uses_celery():
        log.info("demo footage queued for the Celery ingest workers (%d clips)", len(ids))
        return ids
    services_uploads.wait_for_index(ids, timeout=300)
    return ids


MOMENT_LEAD_S = 8  # a moment clip starts this long before the rating or complaint ...
MOMENT_CLIP_S = 16.0  # ... and lasts this long: the citizen at the counter, and what the officer did


def moment_scenario(n: int) -> DemoClip:
    """What the camera saw around a moment: a citizen at the counter across it; every other clip the
    officer steps away while the citizen waits (what an unsatisfied rating often shows)."""
    away = n % 2 == 1
    # the desk is empty for the first second so the background model learns the empty scene
    officer = ((1.0, 3.5), (12.5, MOMENT_CLIP_S)) if away else ((1.0, MOMENT_CLIP_S),)
    return DemoClip("", 0, time(0, 0), "moment", officer=officer, citizens=((2.0, 14.0),), duration=MOMENT_CLIP_S)


def _moment_clips(ctx: Any, store: Any, tmp: Path) -> list[int]:
    """One short clip per moment without footage, keyed at the moment's camera and time."""
    from media_ingest.review.selectors_moments import MomentFilters, moments_to_review
    from media_ingest.vision import synth

    reviewer = ctx.users.get("reviewer")
    if reviewer is None:
        return []
    moments = moments_to_review(user=reviewer, filters=MomentFilters(footage=False))
    cameras = {c.counter_id: c.code for c in Camera.objects.filter(counter_id__in={m["counter"].pk for m in moments})
               .order_by("code")}
    done: set[str] = set()
    ids: list[int] = []
    for n, moment in enumerate(sorted(moments, key=lambda m: (m["at"], m["kind"], m["id"]))):
        code = cameras.get(moment["counter"].pk)
        if code is None:
            continue
        started = (moment["at"] - timedelta(seconds=MOMENT_LEAD_S)).astimezone(LOCAL_TZ).replace(microsecond=0)
        key = build_key(code, started, "mp4")
        if key in done:  # two moments in the same second at one counter share a clip
            continue
        done.add(key)
        path = tmp / f"moment-{n}.mp4"
        scenario = dataclasses.replace(_scenario(moment_scenario(n)), fps=8)  # small: ~60 kB a clip
        synth.write_clip(path, scenario, seed=500 + n, faststart=True, crf=28)
        info = store.put_file(key, path, "video/mp4")
        found = services_discovery.clip_discover(ref=services_discovery.ref_from_info(store.bucket, info), source=Clip.Source.SEED, by=BY)
        if found.clip is not None:
            ids.append(found.clip.pk)
    return ids
