"""Review fixtures: clips in the store (real footage), findings, ratings and complaints."""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tests.conftest import footage_file

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
T0 = datetime(2026, 5, 4, 9, 0, 0, tzinfo=LOCAL)


@pytest.fixture(autouse=True)
def _fresh_playback_throttle() -> None:
    """Playback links are rate-limited per person (DRF's cache, LocMemCache here): each test starts
    with an empty count, whatever the tests before it issued."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    """The demo users' passwords are hashed per test; a fast hasher keeps this suite quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def make_clip(demo: Any) -> Callable[..., Any]:
    """Index a clip row; with `footage=` a real-format file (tests.conftest.footage_file) is put in the store."""
    from backend.core.store import get_footage_store
    from backend.org.models import Camera
    from media_ingest.models import Clip
    from media_ingest.review.services import tag_labels_seed

    tag_labels_seed()  # transactional tests flush what the data migration seeded
    seq = iter(range(1, 10_000))

    def make(camera: str | None = "CAM-TC-01", started_at: datetime | None = T0, duration: float = 139.0,
             state: str = Clip.State.INDEXED, footage: str | None = None, **extra: Any) -> Clip:
        n = next(seq)
        cam = Camera.objects.get(code=camera) if camera else None
        stamp = (started_at or T0).astimezone(LOCAL)
        suffix = Path(footage).suffix if footage else ".mp4"
        key = f"{camera or 'misc'}/{stamp:%Y/%m/%d/%H%M%S}{suffix}" if camera else f"misc/clip-{n}{suffix}"
        sha = hashlib.sha256(f"clip-{n}".encode()).hexdigest()
        size = 1000
        etag = f"etag-{n}"
        if footage:
            source = footage_file(footage)
            info = get_footage_store().put_file(key, source, "video/mp4")
            data = source.read_bytes()
            sha, size, etag = hashlib.sha256(data).hexdigest(), len(data), info.etag
        fields = dict(bucket="counterwatch", key=key, version_id="" if footage else f"v{n}", etag=etag, sha256=sha, size_bytes=size,
                      camera=cam, started_at=started_at, duration_s=duration, fps=10.0, width=768, height=432,
                      codec="h264", state=state, activity=[0.1] * int(duration))
        fields.update(extra)
        return Clip.objects.create(**fields)

    return make


@pytest.fixture
def finding_for(demo: Any) -> Callable[..., Any]:
    from inspection.models import Finding, FindingCategory

    seq = iter(range(1, 10_000))

    def make(unit_code: str = "CAX-TC", state: str = "confirmed", **extra: Any) -> Finding:
        category, _ = FindingCategory.objects.get_or_create(
            code="footage", defaults={"name_vi": "Vi phạm qua hình ảnh", "name_en": "Seen on footage"})
        n = next(seq)
        fields = dict(reference=f"VP-TEST-{n}", source=Finding.Source.FOOTAGE, category=category,
                      severity="less_serious", title=f"Vắng mặt tại quầy {n}", unit=demo.units[unit_code],
                      occurred_from=T0, occurred_to=T0 + timedelta(hours=1),  # the period the clips show
                      state=state, created_by=demo.users["lead"])
        fields.update(extra)
        if "occurred_from" in extra and "occurred_to" not in extra:
            fields["occurred_to"] = None  # an instant
        return Finding.objects.create(**fields)

    return make


@pytest.fixture
def counter_of(demo: Any) -> Callable[[str], Any]:
    from backend.org.models import Counter

    return lambda unit_code: Counter.objects.get(code=f"Q-{unit_code}")


@pytest.fixture
def now() -> datetime:
    return timezone.now()


def days_ago(n: float) -> datetime:
    return timezone.now() - timedelta(days=n)
