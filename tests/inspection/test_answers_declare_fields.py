"""The answers the web app once typed by hand declare every nested field in the schema, and real bodies match it
strictly.

Where these came from:
Issue 17: the answers the web app still typed by hand (cameras, team grants, risk, draws, their
commitments and verification, the hand-over step) declare their nested fields, so their TypeScript types are
generated. The schema names every nested field of these answers (no free-form object left but the few said
below), and real bodies match it strictly (tests/openapi_bodies.py: an undeclared key fails)."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import yaml
from django.conf import settings
from django.utils import timezone
from rest_framework.test import APIClient

from backend.accounts.models import Role
from inspection import services_draws
from inspection.models import Draw, SurpriseCheck
from tests.inspection.factories import CheckFactory, CounterFactory, UnitFactory, UserFactory
from tests.openapi_bodies import check

SCHEMA = yaml.safe_load((settings.BASE_DIR / "docs" / "openapi.yml").read_text(encoding="utf-8"))

OPERATIONS = [
    ("get", "/api/org/cameras/"), ("get", "/api/org/cameras/{id}/"), ("get", "/api/org/units/{id}/history/"),
    ("get", "/api/auth/team-grants/"), ("post", "/api/auth/team-grants/{id}/approve/"),
    ("post", "/api/auth/team-grants/{id}/refuse/"), ("get", "/api/inspection/risk/"),
    ("get", "/api/inspection/draws/"), ("post", "/api/inspection/draws/"), ("get", "/api/inspection/draws/{id}/"),
    ("post", "/api/inspection/draws/{id}/close/"), ("get", "/api/inspection/draws/commitments/"),
    ("get", "/api/inspection/draws/{id}/verify/"), ("get", "/api/inspection/handover/"),
    ("post", "/api/inspection/checks/{uid}/report/handover/"),
]

# Left open on purpose, each said in its schema: a counter's opening hours as stored (a candidate of a draw),
# the per-code detail of a draw's warnings beside {code, vi, en} (the `BiText` component), and the draw's
# stored input beyond {n, start, end, excluded}.
OPEN = {"DrawCandidateCounter.hours", "DrawOutput.params", "DrawDetailOutput.params",
        "DrawWithExclusionsOutput.params", "BiText"}


def _free_form(node: dict[str, Any]) -> bool:
    """Says nothing of its fields: `{}` (any), or an object with no properties and an untyped or open map."""
    if "enum" in node:  # a closed set of values, such as drf-spectacular's NullEnum ([null]) of a nullable choice
        return False
    if any(k in node for k in ("$ref", "allOf", "oneOf", "anyOf", "type", "properties")):
        return node.get("type") == "object" and not node.get("properties") and node.get("additionalProperties") in (None, {}, True)
    return True


def _walk(node: dict[str, Any], where: str, seen: set[str], found: set[str]) -> None:
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        if name not in seen:
            seen.add(name)
            _walk(SCHEMA["components"]["schemas"][name], name, seen, found)
        return
    if _free_form(node) or (node.get("properties") and node.get("additionalProperties") == {}):
        found.add(where)
    for key in ("allOf", "oneOf", "anyOf"):
        for part in node.get(key, []):
            _walk(part, where, seen, found)
    for name, prop in (node.get("properties") or {}).items():
        _walk(prop, f"{where}.{name}", seen, found)
    if isinstance(node.get("items"), dict):
        _walk(node["items"], f"{where}[]", seen, found)
    if isinstance(node.get("additionalProperties"), dict) and node["additionalProperties"]:
        _walk(node["additionalProperties"], f"{where}{{}}", seen, found)


def test_these_answers_name_every_nested_field() -> None:
    found: set[str] = set()
    for method, path in OPERATIONS:
        for status, response in SCHEMA["paths"][path][method]["responses"].items():
            if str(status).startswith("2") and response.get("content"):
                _walk(response["content"]["application/json"]["schema"], f"{method} {path}", set(), found)
    assert found == OPEN, f"free-form: {sorted(found - OPEN)}; now declared, drop from OPEN: {sorted(OPEN - found)}"


def _client(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.django_db
def test_draw_bodies_match_the_schema_for_the_team_and_for_discipline() -> None:
    lead = UserFactory.create(role=Role.INSPECTION_LEAD)
    for days_ago in (30, 400, None):  # one checked lately, one past the coverage floor, one never checked
        unit = UnitFactory()
        CounterFactory(unit=unit)
        if days_ago is not None:
            at = timezone.now() - timedelta(days=days_ago)
            CheckFactory(unit=unit, state=SurpriseCheck.State.SIGNED, started_at=at, window_start=at,
                         window_end=at + timedelta(hours=2))
    start = timezone.localdate() + timedelta(days=3)
    team, discipline = _client(lead), _client(UserFactory(role=Role.DISCIPLINARY))
    made = check(team.post("/api/inspection/draws/", {"n": 2, "start": start.isoformat(),
                                                        "end": (start + timedelta(days=20)).isoformat()},
                           format="json"), "post", "/api/inspection/draws/", strict=True)
    assert len(made["result"]) == 2 and made["split"]["n"] == 2 and made["candidates"]
    assert check(team.get("/api/inspection/risk/"), "get", "/api/inspection/risk/", strict=True)["results"]
    listed = check(team.get("/api/inspection/draws/"), "get", "/api/inspection/draws/", strict=True)
    assert listed["results"][0]["id"] == made["id"]
    detail = check(team.get(f"/api/inspection/draws/{made['id']}/"), "get", "/api/inspection/draws/{id}/",
                   strict=True)
    assert detail["result"][0]["slot"]["window_start"] and detail["excluded"] == []
    path = "/api/inspection/draws/commitments/"
    assert check(discipline.get(path), "get", path, strict=True)[0]["parameters"]["team_size"] == 2
    verify = f"/api/inspection/draws/{made['id']}/verify/"
    assert check(discipline.get(verify), "get", "/api/inspection/draws/{id}/verify/", strict=True)["revealed"] is False
    services_draws.draw_cancel(by=lead, draw=Draw.objects.get(pk=made["id"]),
                               reason="Tổ kiểm tra được điều động đi việc khác")
    assert len(check(team.get(verify), "get", "/api/inspection/draws/{id}/verify/", strict=True)["selected"]) == 2
    assert check(discipline.get(verify), "get", "/api/inspection/draws/{id}/verify/", strict=True)["reasons"] == []
    flags = check(discipline.get(path), "get", path, strict=True)[0]["flags"]
    assert {"draw_cancelled", "all_checks_cancelled"} <= {f["code"] for f in flags}


def test_camera_and_team_grant_bodies_match_the_schema(api_as: Any, demo: Any) -> None:
    admin, lead = api_as("admin"), api_as("lead")
    cameras = check(admin.get("/api/org/cameras/"), "get", "/api/org/cameras/", strict=True)["results"]
    assert cameras and all(c["counter"]["unit"]["name"] for c in cameras)
    assert any(z["points"] for c in cameras for z in c["zones"])
    from backend.org.models import Officer

    free = Officer.objects.filter(user__isnull=True).order_by("pk").first()  # the team is officers (issue 15)
    assert free is not None
    created = admin.post("/api/auth/users/", {"username": "thanhvienmoi", "role": "inspector",
                                              "officer_id": free.pk}, format="json")
    assert created.status_code == 201, created.content
    grants = check(lead.get("/api/auth/team-grants/"), "get", "/api/auth/team-grants/", strict=True)["results"]
    assert grants[0]["target"]["username"] == "thanhvienmoi"
    approved = check(lead.post(f"/api/auth/team-grants/{grants[0]['id']}/approve/", {"reason": "Đã xác minh"},
                               format="json"), "post", "/api/auth/team-grants/{id}/approve/", strict=True)
    assert approved["state"] == "approved" and approved["activation_code"]
