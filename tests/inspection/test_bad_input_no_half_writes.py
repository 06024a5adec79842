"""Unicode digits, oversized CSV fields and broken files give a clear 400 and write nothing (issue 13, F10/F15)."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import timezone

from inspection.models import CounterVolume, CsvImport, SatisfactionRating


def _upload(text: str, name: str = "r.csv") -> io.BytesIO:
    upload = io.BytesIO(text.encode())
    upload.name = name
    return upload


@pytest.mark.django_db
@pytest.mark.parametrize("score", ["²", "٣", "5" * 5000])
def test_device_score_in_unicode_digits_is_a_400(device_client, demo, score):
    client, _ = device_client("Q-CAX-TC")
    response = client.post("/api/inspection/ratings/", {"id": "r-sup", "rated_at": timezone.now().isoformat(),
                                                         "score": score}, format="json")
    assert response.status_code == 400, response.content
    assert "score" in response.json()["error"]["fields"]
    assert not SatisfactionRating.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["²", "1²", "٣"])
def test_volumes_in_unicode_digits_are_a_400(api_as, demo, value):
    day = (timezone.localdate() - timedelta(days=3)).isoformat()
    response = api_as("lead").post("/api/inspection/volumes/", {"items": [
        {"counter": "Q-CAX-TC", "day": day, "transactions": value}]}, format="json")
    assert response.status_code == 400, response.content
    assert "Số giao dịch phải là số nguyên" in str(response.json()["error"]["fields"])
    assert not CounterVolume.objects.exists()


@pytest.mark.django_db
def test_csv_score_in_unicode_digits_is_a_row_error(api_as, demo, rating_devices):
    text = "counter_code,device_id,rating_id,rated_at,score\nQ-CAX-TC,TB-1,r-1,2026-10-01T09:15:00+07:00,²\n"
    response = api_as("lead").post("/api/inspection/ratings/import/", {"file": _upload(text)}, format="multipart")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "done" and body["imported"] == 0
    assert [(e["row"], e["column"]) for e in body["errors"]] == [(2, "score")]


@pytest.mark.django_db
def test_oversized_csv_field_after_a_full_chunk_is_a_400_and_nothing_is_written(api_as, demo, rating_devices):
    base = timezone.now() - timedelta(days=10)
    rows = [f"Q-CAX-TC,TB-1,r-{i},{(base + timedelta(minutes=2 * i)).isoformat()},4," for i in range(1100)]
    big = '"' + "x" * 200_000 + '"'
    text = "counter_code,device_id,rating_id,rated_at,score,comment\n" + "\n".join(rows) + \
        f"\nQ-CAX-TC,TB-1,r-big,{base.isoformat()},5,{big}\n"
    response = api_as("lead").post("/api/inspection/ratings/import/", {"file": _upload(text)}, format="multipart")
    assert response.status_code == 400, response.status_code
    error = response.json()["error"]
    assert error["code"] == "csv_unreadable" and "quá dài" in error["message"]
    assert not SatisfactionRating.objects.exists()  # the first 1,000-row chunk is not left behind
    record = CsvImport.objects.get()
    assert record.state == "failed" and record.failure and record.imported == 0


@pytest.mark.django_db
def test_oversized_field_in_volumes_csv_is_a_400(api_as, demo):
    text = 'counter,day,transactions\nQ-CAX-TC,2026-11-02,"' + "1" * 200_000 + '"\n'
    response = api_as("admin").post("/api/inspection/volumes/", {"file": _upload(text)}, format="multipart")
    assert response.status_code == 400, response.status_code
    assert response.json()["error"]["code"] == "csv_unreadable"
    assert not CounterVolume.objects.exists()


@pytest.mark.django_db
def test_queued_import_with_an_oversized_field_fails_cleanly(demo, rating_devices):
    from backend.core.store import get_store
    from inspection import services_ratings

    base = timezone.now() - timedelta(days=10)
    rows = [f"Q-CAX-TC,TB-1,q-{i},{(base + timedelta(minutes=2 * i)).isoformat()},4," for i in range(1001)]
    text = ("counter_code,device_id,rating_id,rated_at,score,comment\n" + "\n".join(rows)
            + '\nQ-CAX-TC,TB-1,q-big,' + base.isoformat() + ',5,"' + "y" * 200_000 + '"\n').encode()
    key = "inspection/imports/big.csv"
    get_store().put(key, io.BytesIO(text), len(text), "text/csv")
    record = services_ratings.csv_import_start(by=demo.users["lead"], filename="big.csv", sha256="1" * 64, key=key)
    done = services_ratings.csv_import_run(csv_import_id=record.pk)
    assert done.state == "failed" and "quá dài" in done.failure
    assert not SatisfactionRating.objects.exists()


@pytest.mark.django_db
def test_a_column_named_twice_is_refused_not_last_one_wins(api_as, demo, rating_devices):
    text = ("counter_code,device_id,rating_id,rated_at,score,score\n"
            f"Q-CAX-TC,TB-1,r-1,{(timezone.now() - timedelta(days=1)).isoformat()},1,5\n")
    response = api_as("lead").post("/api/inspection/ratings/import/", {"file": _upload(text)}, format="multipart")
    assert response.status_code == 400 and response.json()["error"]["code"] == "csv_header", response.content
    assert "score" in response.json()["error"]["message"]
    assert not SatisfactionRating.objects.exists() and not CsvImport.objects.exists()
    volumes = "counter,day,transactions,transactions\nQ-CAX-TC,2026-11-02,10,5000\n"
    response = api_as("lead").post("/api/inspection/volumes/", {"file": _upload(volumes)}, format="multipart")
    assert response.status_code == 400 and response.json()["error"]["code"] == "csv_header"
    assert not CounterVolume.objects.exists()
