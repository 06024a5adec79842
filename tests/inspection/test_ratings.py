"""Rating devices, CSV backfill (API and command) and the integrity report."""
from __future__ import annotations

import io
from datetime import datetime, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from inspection.draw import LOCAL_TZ
from inspection.models import Complaint, CsvImport, SatisfactionRating


def _iso(minutes_ago: int) -> str:
    return (timezone.now() - timedelta(minutes=minutes_ago)).isoformat()


@pytest.mark.django_db
def test_device_posts_one_rating_and_replays_are_idempotent(device_client, demo):
    client, token = device_client("Q-CAX-TC")
    body = {"id": "r-1", "rated_at": _iso(5), "score": 2}
    first = client.post("/api/inspection/ratings/", body, format="json")
    assert first.status_code == 201 and first.json()["status"] == "created"
    replay = client.post("/api/inspection/ratings/", body, format="json")
    assert replay.status_code == 200 and replay.json()["status"] == "duplicate"
    assert SatisfactionRating.objects.filter(device_token=token).count() == 1
    conflict = client.post("/api/inspection/ratings/", {**body, "score": 5}, format="json")
    assert conflict.status_code == 409 and conflict.json()["error"]["code"] == "replay_conflict"
    rating = SatisfactionRating.objects.get(device_token=token)
    assert rating.score == 2 and rating.counter.code == "Q-CAX-TC" and rating.unsatisfied


@pytest.mark.django_db
@pytest.mark.parametrize("body, field", [
    ({"id": "x", "rated_at": "yesterday", "score": 3}, "rated_at"),
    ({"id": "x", "rated_at": "2026-01-01T10:00:00+07:00", "score": 6}, "score"),
    ({"id": "x", "rated_at": "2026-01-01T10:00:00+07:00", "score": True}, "score"),
    ({"rated_at": "2026-01-01T10:00:00+07:00", "score": 3}, "id"),
    ({"id": "x", "rated_at": (datetime.now(LOCAL_TZ) + timedelta(days=1)).isoformat(), "score": 3}, "rated_at"),
])
def test_device_bad_input(device_client, demo, body, field):
    client, _ = device_client("Q-CAX-TC")
    response = client.post("/api/inspection/ratings/", body, format="json")
    assert response.status_code == 400 and field in response.json()["error"]["fields"]
    assert not SatisfactionRating.objects.exists()


@pytest.mark.django_db
def test_device_batch_reports_each_item(device_client, demo):
    client, token = device_client("Q-CAX-ND")
    t30 = _iso(30)
    batch = {"ratings": [{"id": "b1", "rated_at": t30, "score": 5},
                         {"id": "b2", "rated_at": _iso(20), "score": 0},
                         {"id": "b1", "rated_at": t30, "score": 5},
                         {"id": "b3", "rated_at": _iso(10), "score": 4}]}
    response = client.post("/api/inspection/ratings/", batch, format="json")
    assert response.status_code == 200
    statuses = [r["status"] for r in response.json()["results"]]
    assert statuses == ["created", "invalid", "duplicate", "created"]
    again = client.post("/api/inspection/ratings/", batch, format="json").json()
    assert again["summary"] == {"created": 0, "duplicate": 3, "conflict": 0, "invalid": 1}
    assert SatisfactionRating.objects.filter(device_token=token).count() == 2


@pytest.mark.django_db
def test_only_rating_device_tokens_post(api_as, demo):
    from rest_framework.test import APIClient

    from backend.accounts.services import api_token_create, user_create

    svc = user_create(by="t", username="hook", password=None, role="service")
    _, key = api_token_create(by="t", name="hook", kind="minio_webhook", user=svc)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.post("/api/inspection/ratings/", {"id": "x", "rated_at": _iso(1), "score": 3},
                       format="json").status_code == 403
    assert api_as("lead").post("/api/inspection/ratings/", {"id": "x", "rated_at": _iso(1), "score": 3},
                               format="json").status_code == 403
    assert not SatisfactionRating.objects.exists()


CSV = """counter_code,device_id,rating_id,rated_at,score,comment
Q-CAX-TC,DEV-1,1,2026-10-01 08:00,5,Tốt
Q-CAX-TC,DEV-1,2,2026-10-01T08:00:10+07:00,5,
Q-NOPE,DEV-1,3,2026-10-01 08:05,4,
Q-CAX-TC,DEV-1,4,01/10/2026 08:06,4,
Q-CAX-TC,DEV-1,5,2026-10-01 08:07,9,
Q-CAX-TC,DEV-1,6,2026-10-01 08:08
Q-CAX-TC,,7,2026-10-01 08:09,3,
Q-CAX-ND,DEV-2,1,2026-10-02 09:00,1,Chờ lâu
Q-CAX-TC,DEV-1,1,2026-10-01 08:00,5,trùng trong tệp
"""


@pytest.mark.django_db
def test_csv_import_api_row_errors_and_idempotence(api_as, demo, rating_devices):
    client = api_as("lead")
    upload = io.BytesIO(CSV.encode())
    upload.name = "ratings.csv"
    response = client.post("/api/inspection/ratings/import/", {"file": upload}, format="multipart")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "done" and body["total_rows"] == 9 and body["imported"] == 3 and body["duplicates"] == 1
    errors = {(e["row"], e["column"]) for e in body["errors"]}
    assert errors == {(4, "counter_code"), (5, "rated_at"), (6, "score"), (7, ""), (8, "device_id")}
    assert all(e["reason"] and e["reason_en"] for e in body["errors"])
    first = SatisfactionRating.objects.get(device_code="device:DEV-1", device_rating_id="1")
    assert first.rated_at == datetime(2026, 10, 1, 8, 0, tzinfo=LOCAL_TZ) and first.source == "csv"
    # the same file again: nothing new
    upload = io.BytesIO(CSV.encode())
    upload.name = "ratings.csv"
    again = client.post("/api/inspection/ratings/import/", {"file": upload}, format="multipart").json()
    assert again["imported"] == 0 and again["duplicates"] == 4
    assert SatisfactionRating.objects.count() == 3
    assert client.get(f"/api/inspection/ratings/import/{again['id']}/").json()["progress"] == 1.0


@pytest.mark.django_db
def test_csv_without_required_columns_writes_nothing(api_as, demo):
    upload = io.BytesIO(b"counter,score\nQ-CAX-TC,5\n")
    upload.name = "bad.csv"
    response = api_as("lead").post("/api/inspection/ratings/import/", {"file": upload}, format="multipart")
    assert response.status_code == 400 and response.json()["error"]["code"] == "csv_header"
    assert "device_id" in response.json()["error"]["message_en"]
    assert not SatisfactionRating.objects.exists() and not CsvImport.objects.exists()
    assert api_as("unithead").post("/api/inspection/ratings/import/", {}, format="multipart").status_code == 403


@pytest.mark.django_db
def test_queued_import_task_reads_from_the_store(demo, rating_devices):
    from backend.core.store import get_store
    from inspection import services_ratings

    key = "inspection/imports/test.csv"
    get_store().put(key, io.BytesIO(CSV.encode()), len(CSV.encode()), "text/csv")
    record = services_ratings.csv_import_start(by=demo.users["lead"], filename="r.csv", sha256="0" * 64, key=key)
    assert record.state == "queued"
    done = services_ratings.csv_import_run(csv_import_id=record.pk)
    assert done.state == "done" and done.imported == 3 and len(done.errors) == 5 and done.total_rows == 9
    assert services_ratings.csv_import_run(csv_import_id=record.pk).imported == 3  # a retry changes nothing
    assert SatisfactionRating.objects.count() == 3


@pytest.mark.django_db
def test_import_command_with_progress_and_error_report(demo, tmp_path, rating_devices):
    path = tmp_path / "r.csv"
    path.write_text(CSV, encoding="utf-8")
    report = tmp_path / "errors.csv"
    out, err = io.StringIO(), io.StringIO()
    call_command("import_ratings", str(path), "--errors", str(report), stdout=out, stderr=err)
    assert "imported 3" in out.getvalue() and "errors 5" in out.getvalue()
    assert "Nhập đánh giá" in err.getvalue()  # the tqdm bar
    lines = report.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "row,column,reason,reason_en" and len(lines) == 6


@pytest.mark.django_db
def test_integrity_report_flags(api_as, demo):
    from backend.org.models import Counter

    tc, nd = Counter.objects.get(code="Q-CAX-TC"), Counter.objects.get(code="Q-CAX-ND")
    base = timezone.now() - timedelta(days=2)
    rows = [SatisfactionRating(counter=tc, device_code="d:tc", device_rating_id=str(i),
                               rated_at=base + timedelta(seconds=5 * i), score=5) for i in range(20)]
    rows += [SatisfactionRating(counter=nd, device_code="d:nd", device_rating_id=str(i),
                                rated_at=base + timedelta(minutes=10 * i), score=1 + i % 5) for i in range(20)]
    SatisfactionRating.objects.bulk_create(rows)
    for i in range(3):
        Complaint.objects.create(reference=f"PA-T-{i}", channel="hotline_1", received_at=base, summary="x",
                                 unit=tc.unit, counter=tc)
    client = api_as("lead")
    report = {r["counter"]["code"]: r for r in client.get("/api/inspection/ratings/integrity/").json()["counters"]}
    assert report["Q-CAX-TC"]["top_share"] == 1.0 and report["Q-CAX-TC"]["too_soon"] == 19
    assert report["Q-CAX-TC"]["disagrees_with_complaints"] is True
    assert set(report["Q-CAX-TC"]["flags"]) == {"top_share_high", "too_soon", "disagrees_with_complaints"}
    assert report["Q-CAX-ND"]["flags"] == [] and report["Q-CAX-ND"]["too_soon"] == 0
    # a unit head sees only their own counter
    head = api_as("unithead").get("/api/inspection/ratings/integrity/").json()["counters"]
    assert [r["counter"]["code"] for r in head] == ["Q-CAX-TC"]


@pytest.mark.django_db
def test_rating_list_query_count(api_as, demo, django_assert_max_num_queries):
    from backend.org.models import Counter

    counters = list(Counter.objects.all())
    SatisfactionRating.objects.bulk_create([
        SatisfactionRating(counter=counters[i % len(counters)], device_code="d", device_rating_id=str(i),
                           rated_at=timezone.now() - timedelta(hours=i), score=1 + i % 5) for i in range(60)])
    client = api_as("discipline")
    with django_assert_max_num_queries(6):
        response = client.get("/api/inspection/ratings/?page_size=100")
    assert response.json()["count"] == 60
    assert client.get("/api/inspection/ratings/?max_score=2").json()["count"] == 24
