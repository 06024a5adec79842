"""Ratings per transaction served and the review of held ratings: volumes entered by API or CSV, risk per 1,000
transactions, held bursts accepted or rejected by the team, volume changes audited.

Where these came from:
Ratings per transaction served and the review of held ratings (issue 13, lead's walk of the full
province): transactions served per counter and day are entered by API or CSV, risk reads low ratings
per 1,000 transactions (a busy counter is not punished for being busy), and the inspection team
accepts or rejects ratings held as a burst. Small factory worlds, through the API."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from backend.accounts.models import Role
from backend.accounts.services import api_token_create, user_create
from inspection import services_ratings, services_risk
from inspection.models import CounterVolume, SatisfactionRating
from tests.inspection.factories import CounterFactory, UserFactory


def _client(role: str, **fields) -> APIClient:
    client = APIClient()
    client.force_login(UserFactory.create(role=role, **fields))
    return client


def _ratings(counter, *, low: int, good: int, days_ago: int = 3) -> None:
    at = timezone.now() - timedelta(days=days_ago)
    SatisfactionRating.objects.bulk_create(
        [SatisfactionRating(counter=counter, device_code=f"d-{counter.code}", device_rating_id=f"l{i}",
                            rated_at=at + timedelta(minutes=5 * i), score=1) for i in range(low)]
        + [SatisfactionRating(counter=counter, device_code=f"d-{counter.code}", device_rating_id=f"g{i}",
                              rated_at=at + timedelta(minutes=5 * i + 2), score=5) for i in range(good)])


def _volumes(counter, per_day: int, days: int = 20) -> list[dict]:
    today = timezone.localdate()
    return [{"counter": counter.code, "day": (today - timedelta(days=d)).isoformat(), "transactions": per_day}
            for d in range(1, days + 1)]


@pytest.mark.django_db
def test_risk_reads_low_ratings_per_transaction_served():
    busy, quiet = CounterFactory.create(), CounterFactory.create()
    _ratings(busy, low=20, good=180)  # 20 low ratings out of 20 x 400 transactions
    _ratings(quiet, low=10, good=30)  # 10 low ratings out of 20 x 20 transactions
    lead = _client(Role.INSPECTION_LEAD)
    recorded = lead.post("/api/inspection/volumes/", {"items": _volumes(busy, 400) + _volumes(quiet, 20)},
                         format="json")
    assert recorded.status_code == 201, recorded.content
    assert recorded.json() == {"created": 40, "updated": 0, "unchanged": 0}
    rows = {r["unit"]["id"]: r for r in lead.post("/api/inspection/risk/", {}, format="json").json()["results"]}
    b, q = rows[busy.unit_id], rows[quiet.unit_id]
    # the absolute count says the busy counter is worse; per transaction served it is the quiet one
    assert b["features"]["unsatisfied_ratings"] > q["features"]["unsatisfied_ratings"]
    assert q["features"]["unsatisfied_per_1000"] > 5 * b["features"]["unsatisfied_per_1000"]
    assert q["score"] > b["score"]
    assert b["features"]["transactions_served"] > 10 * q["features"]["transactions_served"]
    # the weights are shown as today: each contribution is its weight times its feature
    for row in (b, q):
        assert row["weights"]["unsatisfied_per_1000"] > 0
        assert row["contributions"]["unsatisfied_per_1000"] == pytest.approx(
            row["weights"]["unsatisfied_per_1000"] * row["features"]["unsatisfied_per_1000"], abs=1e-5)
        assert row["contributions"]["unsatisfied_ratings"] == 0  # the absolute count is shown, not weighted


@pytest.mark.django_db
def test_without_volume_data_the_rate_is_per_rating_received_not_zero():
    counter = CounterFactory.create()
    _ratings(counter, low=5, good=5)
    [snap] = services_risk.risk_compute(by="test", units=[counter.unit])
    assert snap.features["transactions_served"] == 0
    assert snap.features["unsatisfied_per_1000"] == pytest.approx(500, rel=0.02)


@pytest.mark.django_db
def test_volumes_are_checked_before_anything_is_written_and_replaced_per_day():
    counter = CounterFactory.create()
    lead = _client(Role.INSPECTION_LEAD)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    bad = lead.post("/api/inspection/volumes/", {"items": [
        {"counter": counter.code, "day": "2026-01-05", "transactions": 30},
        {"counter": "NO-SUCH", "day": "2026-01-05", "transactions": 30},
        {"counter": counter.code, "day": tomorrow, "transactions": 30},
        {"counter": counter.code, "day": "2026-01-06", "transactions": -3},
        {"counter": counter.code, "day": "2026-01-07", "transactions": 999999}]}, format="json")
    assert bad.status_code == 400, bad.content
    assert len(bad.json()["error"]["fields"]["items"]) == 4 and not CounterVolume.objects.exists()
    csv = f"counter;day;transactions\n{counter.code};2026-01-05;30\n{counter.code};2026-01-06;41\n".encode()
    done = lead.post("/api/inspection/volumes/", {"file": SimpleUploadedFile("v.csv", csv, "text/csv")},
                     format="multipart")
    assert done.status_code == 201, done.content
    again = lead.post("/api/inspection/volumes/", {"items": [
        {"counter": counter.code, "day": "2026-01-05", "transactions": 35},
        {"counter": counter.code, "day": "2026-01-06", "transactions": 41}],
        "reason": "Sổ theo dõi ghi 35 lượt ngày 05/01"}, format="json")
    assert again.json() == {"created": 0, "updated": 1, "unchanged": 1}
    assert CounterVolume.objects.get(day="2026-01-05").transactions == 35
    listed = lead.get(f"/api/inspection/volumes/?counter={counter.pk}").json()["results"]
    assert [(r["day"], r["transactions"]) for r in listed] == [("2026-01-06", 41), ("2026-01-05", 35)]
    assert _client(Role.UNIT_HEAD, scope_unit=counter.unit).post("/api/inspection/volumes/", {"items": []}, format="json").status_code == 403
    assert _client(Role.REVIEWER).post("/api/inspection/volumes/", {"items": _volumes(counter, 3)},
                                       format="json").status_code == 403


@pytest.fixture
def device():
    counter = CounterFactory.create()
    svc = user_create(by="test", username=f"svc-{counter.code.lower()}", password=None, role="service")
    token, _key = api_token_create(by="test", name="Thiết bị thử", kind="rating_device", user=svc, counter=counter)
    services_ratings.rating_device_register(by="test", counter=counter, serial="TB-0009", token=token)
    return token


@pytest.mark.django_db
def test_the_team_accepts_or_rejects_held_ratings(device):
    start = (timezone.now() - timedelta(days=1)).replace(microsecond=0)
    services_ratings.ratings_record(token=device, items=[
        {"id": f"b-{i}", "rated_at": (start + timedelta(seconds=3 * i)).isoformat(), "score": 1} for i in range(8)])
    held = list(SatisfactionRating.objects.filter(held=True).order_by("id").values_list("id", flat=True))
    assert len(held) == 8
    unit = device.counter.unit
    [before] = services_risk.risk_compute(by="test", units=[unit])
    assert before.features["unsatisfied_ratings"] == 0
    inspector = _client(Role.INSPECTOR)
    assert _client(Role.UNIT_HEAD, scope_unit=unit).post("/api/inspection/ratings/review/", {"ids": held, "decision": "accepted"},
                                        format="json").status_code == 403
    no_note = inspector.post("/api/inspection/ratings/review/", {"ids": held[:4], "decision": "rejected"},
                             format="json")
    assert no_note.status_code == 400 and SatisfactionRating.objects.filter(review="").count() == 8
    rejected = inspector.post("/api/inspection/ratings/review/", {"ids": held[:4], "decision": "rejected",
                                                                  "note": "Bấm liên tục, không phải công dân"},
                              format="json")
    assert rejected.status_code == 200 and rejected.json() == {"reviewed": 4}
    accepted = inspector.post("/api/inspection/ratings/review/", {"ids": held[4:], "decision": "accepted",
                                                                  "note": "Đoàn công dân xếp hàng"}, format="json")
    assert accepted.status_code == 200
    [after] = services_risk.risk_compute(by="test", units=[unit])
    assert 3.5 < after.features["unsatisfied_ratings"] < 4.0  # the four accepted count, the rejected do not
    # a later rating from the device in the same minute does not hold the accepted ones again
    services_ratings.ratings_record(token=device, items=[{"id": "late", "rated_at": (start + timedelta(seconds=30)).isoformat(),
                                                          "score": 1}])
    assert set(SatisfactionRating.objects.filter(pk__in=held[4:]).values_list("held", flat=True)) == {False}
    rows = {r["id"]: r for r in inspector.get("/api/inspection/ratings/?held=true").json()["results"]}
    assert rows[held[0]]["review"] == "rejected" and rows[held[0]]["review_note"].startswith("Bấm")
    # a decision can be revised (with a note for a rejection); a rating never held is not for review
    revised = inspector.post("/api/inspection/ratings/review/", {"ids": [held[5]], "decision": "rejected",
                                                                 "note": "Xem lại camera: một người bấm"},
                             format="json")
    assert revised.status_code == 200 and SatisfactionRating.objects.get(pk=held[5]).held
    [spaced] = services_ratings.ratings_record(token=device, items=[{"id": "calm", "rated_at": (
        start + timedelta(hours=3)).isoformat(), "score": 4}])
    assert inspector.post("/api/inspection/ratings/review/", {"ids": [spaced["rating_id"]], "decision": "accepted"},
                          format="json").status_code == 400


@pytest.mark.django_db
def test_changing_recorded_volumes_needs_the_team_and_a_reason_and_is_audited_old_to_new():
    """Issue 13 F11: the admin (not on the inspection team) rewrote 77 days of the risk denominator silently."""
    from backend.audit.models import AuditEvent

    counter = CounterFactory.create()
    admin, lead = _client(Role.ADMIN), _client(Role.INSPECTION_LEAD)
    first = admin.post("/api/inspection/volumes/", {"items": [
        {"counter": counter.code, "day": "2026-01-05", "transactions": 30}]}, format="json")
    assert first.status_code == 201  # a first figure: the admin may record it
    rewrite = {"items": [{"counter": counter.code, "day": "2026-01-05", "transactions": 5000},
                         {"counter": counter.code, "day": "2026-01-06", "transactions": 5000}]}
    r = admin.post("/api/inspection/volumes/", {**rewrite, "reason": "Cập nhật số liệu từ phần mềm"}, format="json")
    assert r.status_code == 403, r.content
    r = lead.post("/api/inspection/volumes/", rewrite, format="json")
    assert r.status_code == 400 and "reason" in r.json()["error"]["fields"]
    r = lead.post("/api/inspection/volumes/", {**rewrite, "reason": "."}, format="json")
    assert r.status_code == 400
    assert list(CounterVolume.objects.values_list("day", "transactions")) == [(timezone.datetime(2026, 1, 5).date(), 30)]
    r = lead.post("/api/inspection/volumes/", {**rewrite, "reason": "Sổ theo dõi của quầy ghi khác"}, format="json")
    assert r.status_code == 201 and r.json() == {"created": 1, "updated": 1, "unchanged": 0}
    event = AuditEvent.objects.filter(verb="volumes.record").latest("id")
    assert event.payload["reason"] == "Sổ theo dõi của quầy ghi khác"
    assert event.payload["corrections"] == [{"counter": counter.pk, "day": "2026-01-05", "before": 30, "after": 5000}]
