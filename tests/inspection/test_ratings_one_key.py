"""One rating, one row, whatever the channel; CSV rows from registered devices only; ratings bounded by
transactions served and by time (issue 13 F7, F8, F16)."""
from __future__ import annotations

import io
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from backend.org.models import Counter
from inspection.draw import LOCAL_TZ
from inspection.models import SatisfactionRating


def _csv(text: str) -> io.BytesIO:
    upload = io.BytesIO(text.encode())
    upload.name = "export.csv"
    return upload


HEADER = "counter_code,device_id,rating_id,rated_at,score\n"


@pytest.mark.django_db
def test_a_registered_device_and_its_csv_export_count_a_rating_once(api_as, device_client, demo):
    client, token = device_client("Q-CAX-TC")
    counter = Counter.objects.get(code="Q-CAX-TC")
    when = (timezone.now() - timedelta(hours=3)).astimezone(LOCAL_TZ).replace(microsecond=0)
    # posted before the device was registered: keyed by its token for now
    assert client.post("/api/inspection/ratings/", {"id": "r-0000", "rated_at": (when - timedelta(hours=1)).isoformat(),
                                                    "score": 2}, format="json").status_code == 201
    assert api_as("lead").post("/api/inspection/ratings/devices/", {"serial": "TB-002", "counter_id": counter.pk,
                                                                    "token_id": token.pk},
                               format="json").status_code == 403  # the administrator registers devices
    r = api_as("admin").post("/api/inspection/ratings/devices/", {"serial": "TB-002", "counter_id": counter.pk,
                                                                  "token_id": token.pk}, format="json")
    assert r.status_code == 201, r.content
    assert r.json()["serial"] == "TB-002" and r.json()["token_id"] == token.pk
    assert api_as("admin").get("/api/inspection/ratings/devices/").json()["results"][0]["serial"] == "TB-002"
    assert client.post("/api/inspection/ratings/", {"id": "r-0001", "rated_at": when.isoformat(), "score": 1},
                       format="json").status_code == 201
    csv = (HEADER + f"Q-CAX-TC,TB-002,r-0001,{when.isoformat()},1\n"
           f"Q-CAX-TC,TB-002,r-0000,{(when - timedelta(hours=1)).isoformat()},2\n")
    body = api_as("lead").post("/api/inspection/ratings/import/", {"file": _csv(csv)}, format="multipart").json()
    assert body["imported"] == 0 and body["duplicates"] == 2, body
    assert SatisfactionRating.objects.filter(counter=counter).count() == 2
    assert set(SatisfactionRating.objects.values_list("device_code", flat=True)) == {"device:TB-002"}


@pytest.mark.django_db
def test_csv_rows_of_unregistered_devices_are_row_errors(api_as, demo, rating_devices):
    base = (timezone.now() - timedelta(days=2)).astimezone(LOCAL_TZ).replace(microsecond=0)
    rows = [f"Q-CAX-TC,FAKE-{i},c{i},{(base + timedelta(seconds=3 * i)).isoformat()},5" for i in range(10)]
    rows.append(f"Q-CAX-ND,DEV-1,w1,{base.isoformat()},5")  # DEV-1 belongs to Q-CAX-TC
    body = api_as("lead").post("/api/inspection/ratings/import/", {"file": _csv(HEADER + "\n".join(rows))},
                               format="multipart").json()
    assert body["imported"] == 0 and len(body["errors"]) == 11
    assert all(e["column"] == "device_id" for e in body["errors"])
    assert "chưa được đăng ký" in body["errors"][0]["reason"]
    assert not SatisfactionRating.objects.exists()


@pytest.mark.django_db
def test_ratings_beyond_the_transactions_served_are_held(api_as, device_client, demo):
    client, _ = device_client("Q-CAX-TC")
    day = timezone.localdate() - timedelta(days=5)
    assert api_as("lead").post("/api/inspection/volumes/", {"items": [
        {"counter": "Q-CAX-TC", "day": day.isoformat(), "transactions": 10}]}, format="json").status_code == 201
    start = datetime(day.year, day.month, day.day, 8, tzinfo=LOCAL_TZ)
    batch = [{"id": f"v{i}", "rated_at": (start + timedelta(seconds=21 * i)).isoformat(), "score": 5}
             for i in range(14)]
    r = client.post("/api/inspection/ratings/", {"ratings": batch}, format="json")
    assert r.status_code == 200, r.content
    counted = SatisfactionRating.objects.filter(counter__code="Q-CAX-TC", held=False, rated_at__date__gte=day)
    assert counted.count() == 10
    held = SatisfactionRating.objects.filter(hold_reason="over_volume")
    assert held.count() == 4 and sum(1 for x in r.json()["results"] if x.get("held")) == 4


@pytest.mark.django_db
@pytest.mark.parametrize("when", ["1900-01-01T09:00:00+07:00", "2000-06-01T09:00:00+07:00"])
def test_ratings_far_in_the_past_are_refused(device_client, demo, when):
    client, _ = device_client("Q-CAX-TC")
    r = client.post("/api/inspection/ratings/", {"id": "old", "rated_at": when, "score": 5}, format="json")
    assert r.status_code == 400 and "rated_at" in r.json()["error"]["fields"], r.content
    assert not SatisfactionRating.objects.exists()
