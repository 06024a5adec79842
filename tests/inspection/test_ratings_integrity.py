"""Ratings that count once (issue 13, observation 8): one natural key (device, time, counter)
whatever the channel, and a burst from one device held for review instead of counted."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import timezone

from backend.accounts.services import api_token_create, user_create
from inspection import services_ratings, services_risk
from inspection.models import SatisfactionRating
from tests.inspection.factories import CounterFactory


@pytest.fixture
def device():
    counter = CounterFactory()
    svc = user_create(by="test", username=f"svc-{counter.code.lower()}", password=None, role="service")
    token, _key = api_token_create(by="test", name="Thiết bị thử", kind="rating_device", user=svc, counter=counter)
    services_ratings.rating_device_register(by="test", counter=counter, serial="TB-0001", token=token)
    return token


def _csv(counter_code: str, rows: list[tuple[str, str, str, int]]) -> io.StringIO:
    lines = ["counter_code,device_id,rating_id,rated_at,score"]
    lines += [f"{counter_code},{dev},{rid},{at},{score}" for dev, rid, at, score in rows]
    return io.StringIO("\n".join(lines) + "\n")


@pytest.mark.django_db
def test_the_same_rating_by_device_and_by_csv_is_stored_once(device):
    at = (timezone.now() - timedelta(days=2)).replace(microsecond=0)
    [posted] = services_ratings.ratings_record(token=device, items=[{"id": "r-1", "rated_at": at.isoformat(), "score": 2}])
    assert posted["status"] == "created"
    # the device's CSV export numbers its rows its own way: same device, same instant, same counter
    record = services_ratings.csv_import_start(by="test", filename="tb.csv", sha256="0" * 64)
    done = services_ratings.ratings_import_csv(by="test", csv_import=record, text_stream=_csv(
        device.counter.code, [("TB-0001", "export-77", at.isoformat(), 2)]))
    assert (done.imported, done.duplicates) == (0, 1)
    assert SatisfactionRating.objects.count() == 1
    # and the other way round: imported first, then posted by the device under its own id
    later = at + timedelta(hours=1)
    record = services_ratings.csv_import_start(by="test", filename="tb2.csv", sha256="1" * 64)
    services_ratings.ratings_import_csv(by="test", csv_import=record, text_stream=_csv(
        device.counter.code, [("TB-0001", "export-78", later.isoformat(), 4)]))
    [again] = services_ratings.ratings_record(token=device, items=[{"id": "r-2", "rated_at": later.isoformat(), "score": 4}])
    assert again["status"] == "duplicate" and SatisfactionRating.objects.count() == 2


@pytest.mark.django_db
def test_a_device_of_another_counter_cannot_be_imported_here(device):
    other = CounterFactory()
    record = services_ratings.csv_import_start(by="test", filename="x.csv", sha256="2" * 64)
    done = services_ratings.ratings_import_csv(by="test", csv_import=record, text_stream=_csv(
        other.code, [("TB-0001", "e-1", timezone.now().isoformat(), 1)]))
    assert done.imported == 0 and done.errors[0]["column"] == "device_id"


@pytest.mark.django_db
def test_a_burst_from_one_device_is_held_for_review_and_not_counted(device):
    start = (timezone.now() - timedelta(days=1)).replace(microsecond=0)
    burst = [{"id": f"b-{i}", "rated_at": (start + timedelta(seconds=i)).isoformat(), "score": 1} for i in range(50)]
    results = services_ratings.ratings_record(token=device, items=burst)
    assert all(r["status"] == "created" and r.get("held") for r in results)
    assert SatisfactionRating.objects.filter(held=True, hold_reason="burst").count() == 50
    # citizens served one after another: counted
    spaced = [{"id": f"s-{i}", "rated_at": (start + timedelta(hours=2, minutes=10 * i)).isoformat(), "score": 1}
              for i in range(3)]
    assert not any(r.get("held") for r in services_ratings.ratings_record(token=device, items=spaced))
    [snap] = services_risk.risk_compute(by="test", units=[device.counter.unit])
    # only the three spaced ratings count (each decayed by about a day of age), not the 50 of the burst
    assert 2.5 < snap.features["unsatisfied_ratings"] < 3.0


@pytest.mark.django_db
def test_held_ratings_are_listed_for_review(device):
    from rest_framework.test import APIClient

    from backend.accounts.models import Role
    from tests.inspection.factories import UserFactory

    start = (timezone.now() - timedelta(hours=5)).replace(microsecond=0)
    services_ratings.ratings_record(token=device, items=[
        {"id": f"h-{i}", "rated_at": (start + timedelta(seconds=2 * i)).isoformat(), "score": 1} for i in range(5)])
    services_ratings.ratings_record(token=device, items=[{"id": "ok", "rated_at": (start + timedelta(hours=2)).isoformat(),
                                                          "score": 5}])
    client = APIClient()
    client.force_login(UserFactory(role=Role.INSPECTION_LEAD))
    held = client.get("/api/inspection/ratings/?held=true")
    assert held.status_code == 200, held.content
    rows = held.json()["results"]
    assert len(rows) == 5 and all(r["held"] and r["hold_reason"] == "burst" for r in rows)
    counted = client.get("/api/inspection/ratings/?held=false").json()["results"]
    assert [r["device_rating_id"] for r in counted] == ["ok"]
