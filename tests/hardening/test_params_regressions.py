"""Regressions of issue 11 item 6 ("about 25 requests answer 500") and item 8 ("text fields accept
2 MB"): each request below answered 500 (or stored megabytes) before the parameters and bodies went
through backend/core/params.py and the capped JSON parser. Now each is a 4xx in the project's error
shape that names the parameter."""
from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.test import Client

from backend.core.actors import SystemActor

from .conftest import ROLES

pytestmark = pytest.mark.django_db

HUGE = str(10**30)
BIGINT_PLUS_ONE = str(2**63)


def _client(sessions: dict[str, dict[str, str]], role: str) -> Client:
    client = Client(raise_request_exception=False)
    for name, value in sessions[role].items():
        client.cookies[name] = value
    return client


def _assert_names(response: Any, name: str) -> None:
    assert response.status_code == 400, (response.status_code, response.content[:300])
    error = response.json()["error"]
    assert error["message"] and error["message_en"], error
    assert name in json.dumps(error["fields"]) or name in error["message_en"], error


# Every one of these answered 500 (OverflowError from the database driver, or date arithmetic out of
# range) for every role that may read the endpoint.
GET_500S = [
    ("/api/org/assignments/", "officer", HUGE), ("/api/org/assignments/", "officer", BIGINT_PLUS_ONE),
    ("/api/org/assignments/", "unit", HUGE), ("/api/org/counters/", "unit", HUGE),
    ("/api/org/cameras/", "counter", HUGE), ("/api/org/cameras/", "counter", BIGINT_PLUS_ONE),
    ("/api/inspection/checks/", "draw", HUGE), ("/api/inspection/checks/", "unit", HUGE),
    ("/api/inspection/checks/", "from", "0001-01-01"), ("/api/inspection/checks/", "to", "9999-12-31"),
    ("/api/inspection/checks/export/", "draw", HUGE), ("/api/inspection/checks/export/", "unit", HUGE),
    ("/api/inspection/checks/export/", "from", "0001-01-01"), ("/api/inspection/checks/export/", "to", "9999-12-31"),
    ("/api/inspection/findings/", "complaint", HUGE), ("/api/inspection/findings/", "officer", HUGE),
    ("/api/inspection/findings/", "unit", HUGE), ("/api/inspection/findings/", "from", "0001-01-01"),
    ("/api/inspection/findings/", "to", "9999-12-31"),
    ("/api/inspection/ratings/", "counter", HUGE), ("/api/inspection/ratings/", "unit", HUGE),
    ("/api/inspection/ratings/", "from", "0001-01-01"), ("/api/inspection/ratings/", "to", "9999-12-31"),
    ("/api/inspection/ratings/integrity/", "from", "0001-01-01"),
    ("/api/inspection/ratings/integrity/", "to", "9999-12-31"),
    ("/api/inspection/complaints/", "unit", HUGE),
    ("/api/media/ingest/clips/", "camera_id", HUGE), ("/api/media/ingest/clips/", "camera_id", BIGINT_PLUS_ONE),
    ("/api/media/clips/", "from", "0001-01-01"), ("/api/media/clips/", "from", "0001-01-01T00:00:00"),
    ("/api/media/clips/", "to", "0001-01-01"), ("/api/media/clips/", "to", "0001-01-01T00:00:00"),
    ("/api/media/moments/", "to", "0001-01-01"), ("/api/media/moments/", "to", "0001-01-01T00:00:00"),
]


@pytest.mark.parametrize(("url", "name", "value"), GET_500S)
def test_query_parameter_that_answered_500_is_a_named_400(url: str, name: str, value: str,
                                                          sessions: dict[str, dict[str, str]]) -> None:
    _assert_names(_client(sessions, "admin").get(url, {name: value}), name)


@pytest.mark.parametrize("role", ROLES)
def test_the_unit_filter_beyond_bigint_is_a_400_for_every_role(role: str, sessions: dict[str, dict[str, str]]) -> None:
    """The same request as each role: a 400 for those the endpoint lets in, 403 for the others."""
    response = _client(sessions, role).get("/api/inspection/checks/", {"unit": HUGE})
    assert response.status_code in (400, 403), (role, response.status_code)


# Bodies: {placeholders} are filled with the seeded world's ids.
BODY_500S = [
    ("lead", "post", "/api/inspection/checks/", "team_ids",
     {"mode": "dot_xuat", "unit_id": "{unit}", "window_start": "2026-12-01T09:00:00+07:00",
      "window_end": "2026-12-01T11:00:00+07:00", "team_ids": [2**70]}),
    ("lead", "post", "/api/inspection/checks/", "window_start",
     {"mode": "dot_xuat", "unit_id": "{unit}", "window_start": "0001-01-01T00:00:00",
      "window_end": "2026-12-01T11:00:00+07:00", "team_ids": ["{inspector}"]}),
    ("lead", "post", "/api/inspection/checks/", "window_start",
     {"mode": "dot_xuat", "unit_id": "{unit}", "window_start": "0001-01-01T00:00:00Z",
      "window_end": "2026-12-01T11:00:00+07:00", "team_ids": ["{inspector}"]}),
    ("lead", "post", "/api/inspection/draws/", "conflict_years",
     {"n": 2, "start": "2026-12-01", "end": "2026-12-10", "conflict_years": 2**70}),
    ("lead", "post", "/api/inspection/draws/", "floor_months",
     {"n": 2, "start": "2026-12-01", "end": "2026-12-10", "floor_months": 2**70}),
    ("lead", "post", "/api/inspection/findings/", "occurred_from",
     {"source": "check", "category": "{category}", "title": "t", "unit_id": "{unit}", "severity": "less_serious",
      "occurred_from": "0001-01-01T00:00:00"}),
    ("lead", "patch", "/api/inspection/findings/{finding}/", "occurred_from", {"occurred_from": "0001-01-01T00:00:00"}),
    ("lead", "post", "/api/inspection/complaints/", "received_at",
     {"channel": "web", "summary": "s", "unit_id": "{unit}", "received_at": "0001-01-01T00:00:00"}),
    ("lead", "post", "/api/inspection/complaints/", "occurred_at",
     {"channel": "web", "summary": "s", "unit_id": "{unit}", "occurred_at": "0001-01-01T00:00:00"}),
    ("admin", "post", "/api/media/uploads/", "started_at",
     {"camera_id": "{camera}", "filename": "a.mp4", "content_type": "video/mp4", "started_at": "0001-01-01T00:00:00"}),
    ("admin", "post", "/api/media/clips/{clip}/assign/", "started_at",
     {"camera_id": "{camera}", "started_at": "0001-01-01T00:00:00"}),
]


def _fill(value: Any, ids: dict[str, Any]) -> Any:
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    if isinstance(value, str) and value.startswith("{") and value.endswith("}") and value[1:-1] in ids:
        return ids[value[1:-1]]
    return value


@pytest.fixture
def ids(world: Any) -> dict[str, Any]:
    from backend.accounts.models import User
    from inspection.models import FindingCategory

    w = world.extra["world"]["CAX-TC"]
    return {**w, "inspector": User.objects.get(username="inspector").pk,
            "category": FindingCategory.objects.order_by("pk").values_list("code", flat=True).first()}


@pytest.mark.parametrize(("role", "method", "url", "name", "body"), BODY_500S)
def test_body_field_that_answered_500_is_a_named_400(role: str, method: str, url: str, name: str, body: dict[str, Any],
                                                    ids: dict[str, Any], sessions: dict[str, dict[str, str]]) -> None:
    response = getattr(_client(sessions, role), method)(url.format(**ids), json.dumps(_fill(body, ids)),
                                                        content_type="application/json")
    _assert_names(response, name)


def test_an_id_beyond_bigint_in_a_body_is_refused_not_ignored(ids: dict[str, Any],
                                                             sessions: dict[str, dict[str, str]]) -> None:
    """A user was created with no officer when officer_id was past the database's range."""
    from backend.accounts.models import User

    response = _client(sessions, "admin").post(
        "/api/auth/users/", json.dumps({"username": "zz-huge", "password": "Str0ng-pass-123!", "role": "inspector",
                                        "officer_id": 2**70}), content_type="application/json")
    _assert_names(response, "officer_id")
    assert not User.objects.filter(username="zz-huge").exists()


# --- item 8: text fields accepted 2 MB ------------------------------------------------------------


def test_a_two_megabyte_json_body_is_a_413(ids: dict[str, Any], sessions: dict[str, dict[str, str]]) -> None:
    from inspection.models import Complaint

    before = Complaint.objects.count()
    response = _client(sessions, "lead").post(
        "/api/inspection/complaints/", json.dumps({"channel": "web", "summary": "s", "unit_id": ids["unit"],
                                                   "details": "x" * 2_000_000}), content_type="application/json")
    assert response.status_code == 413, response.status_code
    error = response.json()["error"]
    assert error["code"] == "payload_too_large" and "MB" in error["message"] and "MB" in error["message_en"]
    assert Complaint.objects.count() == before


@pytest.mark.parametrize(("role", "method", "url", "name", "body"), [
    ("lead", "post", "/api/inspection/complaints/", "details",
     {"channel": "web", "summary": "s", "unit_id": "{unit}", "details": "x" * 30_000}),
    ("lead", "post", "/api/inspection/complaints/", "summary",
     {"channel": "web", "summary": "x" * 5_000, "unit_id": "{unit}"}),
    ("lead", "post", "/api/inspection/checks/{started}/cancel/", "reason", {"reason": "x" * 5_000}),
    ("lead", "post", "/api/inspection/findings/{finding}/transition/", "reason", {"to": "closed", "reason": "x" * 5_000}),
    ("lead", "patch", "/api/inspection/findings/{finding}/", "description", {"description": "x" * 30_000}),
    ("discipline", "patch", "/api/accountability/cases/{case}/", "summary", {"summary": "x" * 30_000}),
    ("admin", "post", "/api/media/taxonomy/", "description",
     {"code": "zz", "name_vi": "a", "name_en": "a", "description": "x" * 5_000}),
])
def test_free_text_over_its_cap_is_a_named_400(role: str, method: str, url: str, name: str, body: dict[str, Any],
                                              ids: dict[str, Any], sessions: dict[str, dict[str, str]]) -> None:
    response = getattr(_client(sessions, role), method)(url.format(**ids), json.dumps(_fill(body, ids)),
                                                        content_type="application/json")
    _assert_names(response, name)


def test_a_form_body_over_the_cap_is_a_413(ids: dict[str, Any], sessions: dict[str, dict[str, str]]) -> None:
    """Multipart text fields count against the same cap (files do not)."""
    response = _client(sessions, "lead").post(f"/api/inspection/findings/{ids['finding']}/evidence/",
                                              {"description": "x" * 2_000_000, "media_ref": "m"})
    assert response.status_code == 413, response.status_code
    assert response.json()["error"]["code"] == "payload_too_large"


@pytest.mark.parametrize("rated_at", ["0001-01-01T00:00:00", "0001-01-01T00:00:00+07:00", "0001-01-01"])
def test_a_rating_device_posting_year_one_gets_a_named_400(rated_at: str, world: Any) -> None:
    """The device's rated_at was parsed by a copy of the date parser without bounds: year 1, local
    time, overflowed on the way to UTC (500)."""
    from rest_framework.test import APIClient

    from backend.accounts.services import api_token_create, user_create
    from backend.org.models import Counter
    from inspection.models import SatisfactionRating

    svc = user_create(by=SystemActor("test"), username="svc-year-one", password=None, role="service")
    _, key = api_token_create(by=SystemActor("test"), name="Thiết bị", kind="rating_device", user=svc,
                              counter=Counter.objects.get(code="Q-CAX-TC"))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    before = SatisfactionRating.objects.count()
    response = client.post("/api/inspection/ratings/", {"id": "y1", "rated_at": rated_at, "score": 3}, format="json")
    _assert_names(response, "rated_at")
    assert SatisfactionRating.objects.count() == before


@pytest.mark.parametrize(("year", "day"), [("0001", "01/01/000000"), ("9999", "12/31/235959")])
def test_a_footage_key_dated_out_of_range_is_indexed_as_unassigned(year: str, day: str, world: Any,
                                                                   sessions: dict[str, dict[str, str]]) -> None:
    """A MinIO notification for `CAM/0001/01/01/000000.mp4` answered 500 (the key's local time cannot
    be converted to UTC); `CAM/9999/12/31/235959.mp4` was accepted as a clip whose end, in local time,
    is past the last date Python can hold. Both are now unassigned keys with the reason, for an admin
    to map."""
    from rest_framework.test import APIClient

    from backend.accounts.models import ApiToken, Role
    from backend.accounts.services import api_token_create, user_create
    from backend.core.store import get_footage_store
    from media_ingest.models import Clip

    service = user_create(by=SystemActor("test"), username="minio-year", password=None, role=Role.SERVICE)
    _, key = api_token_create(by=SystemActor("test"), name="MinIO", kind=ApiToken.Kind.MINIO_WEBHOOK, user=service)
    store = get_footage_store()
    object_key = f"CAM-TC-01/{year}/{day}.mp4"
    store.put(object_key, io.BytesIO(b"\x00" * 16), 16, "video/mp4")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    event = {"EventName": "s3:ObjectCreated:Put", "Key": f"{store.bucket}/{object_key}", "Records": [{
        "eventVersion": "2.0", "eventSource": "minio:s3", "eventTime": "2026-04-01T03:00:00.000Z",
        "eventName": "s3:ObjectCreated:Put",
        "s3": {"bucket": {"name": store.bucket}, "object": {"key": object_key, "size": 16, "eTag": "e-year"}}}]}
    response = client.post("/api/media/hooks/minio/", event, format="json")
    assert response.status_code < 300, (response.status_code, response.content[:300])
    clip = Clip.objects.get(key=object_key)
    assert clip.camera_id is None and clip.started_at is None and year in clip.unassigned_reason
    admin = _client(sessions, "admin")
    assert admin.get("/api/media/ingest/clips/", {"problem": "unassigned"}).status_code == 200
    assert admin.get("/api/media/clips/", {"unassigned": "true"}).status_code == 200


def test_a_criteria_set_version_past_the_database_is_a_named_400(sessions: dict[str, dict[str, str]]) -> None:
    """Importing a criteria set with version 2**70 answered 500 (OverflowError on insert)."""
    lead = _client(sessions, "lead")
    first = lead.get("/api/inspection/criteria-sets/").json()["results"][0]
    exported = json.loads(lead.get(f"/api/inspection/criteria-sets/{first['id']}/export/").content)
    response = lead.post("/api/inspection/criteria-sets/", json.dumps({**exported, "version": 2**70}),
                         content_type="application/json")
    _assert_names(response, "version")


@pytest.mark.parametrize(("section", "key", "value"), [
    ("params", "lookback_days", 1e300), ("params", "half_life_days", 10**30), ("weights", "base", 1e308),
])
def test_risk_settings_out_of_range_are_refused_so_the_risk_model_keeps_working(
        section: str, key: str, value: float, sessions: dict[str, dict[str, str]]) -> None:
    """A lead could store lookback_days=1e300: the PUT said 200 and every later risk computation
    (POST /api/inspection/risk/, the draw's input) answered 500 until someone changed it back."""
    lead = _client(sessions, "lead")
    response = lead.put("/api/inspection/risk/weights/", json.dumps({section: {key: value}}),
                        content_type="application/json")
    _assert_names(response, key)
    assert lead.post("/api/inspection/risk/", "{}", content_type="application/json").status_code == 201


def test_a_report_result_note_over_its_cap_is_a_named_400(world: Any, sessions: dict[str, dict[str, str]]) -> None:
    """A criterion's note in the report was free-form and unbounded (100 000 characters were stored)."""
    from inspection.models import Criterion, SurpriseCheck

    uid = world.extra["world"]["CAX-TC"]["started"]
    check = SurpriseCheck.objects.get(uid=uid)
    code = Criterion.objects.filter(criteria_set=check.criteria_set, children__isnull=True).values_list(
        "code", flat=True).first()
    response = _client(sessions, "lead").put(
        f"/api/inspection/checks/{uid}/report/",
        json.dumps({"results": [{"criterion": code, "outcome": "pass", "note": "x" * 100_000}]}),
        content_type="application/json")
    _assert_names(response, "note")


def test_a_volume_counter_code_with_a_nul_is_a_named_400_not_a_500(sessions: dict[str, dict[str, str]]) -> None:
    """The schema fuzz on PostgreSQL (which refuses NUL in text) found POST /api/inspection/volumes/ answering
    500 for a counter code holding a NUL byte; it is an unknown counter like any other, and nothing is written."""
    from inspection.models import CounterVolume

    before = CounterVolume.objects.count()
    response = _client(sessions, "lead").post(
        "/api/inspection/volumes/", json.dumps({"items": [{"counter": "Q\x00", "day": "2026-11-01", "transactions": 3}]}),
        content_type="application/json")
    _assert_names(response, "items")
    assert CounterVolume.objects.count() == before
