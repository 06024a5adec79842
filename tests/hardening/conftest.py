"""Fixtures of the hardening suite: one rich world (every app's demo data plus clips, tags and
evidence in two units), seeded once per module and rolled back at the end, and per-role clients."""
from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
ROLES = ["admin", "lead", "inspector", "reviewer", "discipline", "unithead"]


def seed_world() -> Any:
    """Org, inspection and accountability demo data, then for CAX-TC and CAX-ND each: an indexed
    clip with an event, a tag, a confirmed finding with the tag linked as evidence; a planned
    (secret) check in each unit. Returns the demo context with `extra["world"]` ids."""
    from backend.org.demo import DemoContext
    from backend.org.demo import seed as seed_org
    from backend.org.models import Camera, Counter
    from inspection import services_checks
    from inspection.accountability import services_cases, services_liabilities
    from inspection.accountability.demo import seed as seed_acc
    from inspection.demo import seed as seed_insp
    from inspection.models import Finding, FindingCategory
    from media_ingest.demo import seed as seed_media
    from media_ingest.models import Clip, ClipEvent
    from media_ingest.review import services

    ctx = DemoContext()
    seed_org(ctx)
    seed_insp(ctx)
    seed_acc(ctx)
    seed_media(ctx)
    services.tag_labels_seed()
    lead = ctx.users["lead"]
    reviewer = ctx.users["reviewer"]
    world: dict[str, Any] = {}
    category, _ = FindingCategory.objects.get_or_create(
        code="footage", defaults={"name_vi": "Vi phạm qua hình ảnh", "name_en": "Seen on footage"})
    t0 = datetime(2026, 5, 4, 9, 0, tzinfo=LOCAL)
    for n, (unit, cam) in enumerate((("CAX-TC", "CAM-TC-01"), ("CAX-ND", "CAM-ND-01")), start=1):
        camera = Camera.objects.get(code=cam)
        clip = Clip.objects.create(
            bucket="counterwatch", key=f"{cam}/2026/05/04/090000.mp4", version_id=f"v{n}", etag=f"e{n}",
            sha256=hashlib.sha256(f"clip-{n}".encode()).hexdigest(), size_bytes=1000, camera=camera,
            started_at=t0, duration_s=120.0, fps=10.0, width=320, height=180, codec="h264",
            state=Clip.State.INDEXED, activity=[0.1] * 120, event_count=1, source=Clip.Source.SEED)
        ClipEvent.objects.create(clip=clip, kind="officer_absent", zone="officer", start_s=10, end_s=40,
                                 score=0.9)
        tag = services.tag_create(by=reviewer, clip=clip, label_code=review_label(), start_s=10.0, end_s=40.0,
                                  note=f"Vắng mặt {unit}")
        finding = Finding.objects.create(
            reference=f"VP-HARD-{n}", source=Finding.Source.FOOTAGE, category=category,
            severity="less_serious", title=f"Cán bộ vắng mặt tại quầy {unit}", unit=ctx.units[unit],
            occurred_from=t0, state="confirmed", created_by=lead)
        item = services.evidence_link_tag(by=reviewer, finding=finding, tag=tag, note="hardening")
        # nobody is on two checks at once (check_create refuses it): each check has its own time
        start = datetime.combine(date_in(5), datetime.min.time().replace(hour=7 + 4 * n), tzinfo=LOCAL)
        planned = services_checks.check_create(by=lead, mode="bi_mat", unit=ctx.units[unit],
                                               counter=Counter.objects.get(code=f"Q-{unit}"), window_start=start,
                                               window_end=start + timedelta(hours=2), team=[ctx.users["inspector"]])
        _trace, proposed, _ = services_liabilities.liabilities_propose(by=ctx.users["discipline"], finding=finding)
        case = services_cases.case_create(by=ctx.users["discipline"], subject_kind="unit", officer=None, unit=ctx.units[unit],
                                          findings=[finding], title=f"Xem xét trách nhiệm {unit}")
        started = services_checks.check_create(by=lead, mode="dot_xuat", unit=ctx.units[unit],
                                               counter=Counter.objects.get(code=f"Q-{unit}"),
                                               window_start=start + timedelta(days=1),
                                               window_end=start + timedelta(days=1, hours=2), team=[ctx.users["inspector"]])
        started = services_checks.check_start(by=lead, check=started)
        world[unit] = {"clip": clip.pk, "case": case.pk, "started": str(started.uid),
                       "liability": proposed[0].pk if proposed else None, "tag": tag.pk, "finding": finding.pk, "evidence": item.pk,
                       "planned": str(planned.uid), "camera": camera.pk, "counter": camera.counter_id,
                       "unit": ctx.units[unit].pk}
    # a request under the two-person rule (an admin gives a throwaway account a team role), so the
    # team-grant endpoints meet a real request (grounding.REAL)
    from backend.accounts.services import user_create, user_update
    from backend.core.actors import SystemActor
    from backend.org.models import Officer

    free = Officer.objects.filter(user__isnull=True).order_by("pk").first()  # a team role needs an officer
    grantee = user_create(by=SystemActor("hardening"), username="grant-target", password=None, role="reviewer",
                          officer=free)
    user_update(by=ctx.users["admin"], user=grantee, role="inspector")
    ctx.extra["world"] = world
    return ctx


def review_label() -> str:
    from media_ingest.review.models import TagLabel

    return str(TagLabel.objects.filter(active=True).order_by("position").values_list("code", flat=True)[0])


def date_in(days: int) -> Any:
    from django.utils import timezone

    return timezone.localdate() + timedelta(days=days)


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Any]:
    """The seeded world for a whole module, inside a transaction rolled back after the module
    (each test then runs in its own savepoint, like Django's TestCase.setUpTestData)."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield seed_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(scope="module")
def sessions(world: Any, django_db_blocker: Any) -> dict[str, dict[str, str]]:
    """Per role: the session and CSRF cookies of a real login (session rows live in the world)."""
    from django.test import Client

    from backend.org.demo import DEMO_PASSWORD

    out: dict[str, dict[str, str]] = {}
    with django_db_blocker.unblock():
        for username in ROLES:
            client = Client(enforce_csrf_checks=True)
            token = client.get("/api/auth/csrf/").json()["csrf_token"]
            response = client.post("/api/auth/login/", {"username": username, "password": DEMO_PASSWORD},
                                   content_type="application/json", HTTP_X_CSRFTOKEN=token)
            assert response.status_code == 200, response.content
            csrf = client.cookies["csrftoken"].value
            out[username] = {"sessionid": client.cookies["sessionid"].value, "csrftoken": csrf}
    return out


@pytest.fixture(autouse=True)
def _fast_hasher(settings: Any) -> None:
    """Cheap password hashing in this suite only (speed); production hashing is untouched."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
