"""Hostile input: schemathesis drives every operation of the real OpenAPI schema, in-process
through the WSGI app, signed in as each role whose permissions reach deep into the services
(admin, lead, reviewer, discipline). No 5xx anywhere; documented responses match the schema.
Examples are derandomized and capped so the whole run takes a few minutes on 2 cores:
- generated cases (hypothesis, 6 per operation) for each privileged role;
- the schema's examples and schemathesis's boundary cases (its coverage phase: about 70 per
  operation, missing and wrong-typed fields, limits, formats) once per operation, as the first
  privileged role the operation lets in (the refusals on the way are checked too). They test the
  operation's input handling, which is the same whoever sends it; sent as each role they were
  nine requests in ten of the fuzz.
The
inspector and the unit head mostly meet refusals: test_isolation.py pins, operation by
operation, which endpoints answer them at all, and that every other one refuses them without a
5xx and without a write.

Random path ids would nearly always be 404s, so most generated ids are mapped onto real objects
of the seeded world (the rest stay random); query strings and bodies stay fully generated.

Excluded, and why:
- POST /api/auth/logout/: it ends the very session the rest of the run is signed in with.
- POST /api/auth/login/: throttled by design (a 429 storm is not a finding) and covered by
  tests/backend/test_auth.py; the fuzzer would also keep replacing the session cookie.
- POST /api/auth/activate/: anonymous and throttled like the login (a 429 storm is not a finding),
  and every wrong code counts toward the lockout; covered in tests/backend/test_team_grants_takeover.py.
- POST /api/inspection/checks/{uid}/report/handover/: it limits the very session the rest of the run
  is signed in with to one check's signature step (covered in tests/inspection/test_signoff_chain.py).
- /api/media/objects/{token}/: a signed-token download/upload endpoint; random tokens are all
  rejected by the signature check before anything else runs (covered in tests/media_ingest).
- /ws/review/ is not HTTP and not in the schema (covered in test_isolation.py).
"""
from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.schemas import BaseSchema
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.hardening.grounding import NAMED, PARAM, REAL, named_values, real_values


class FuzzWSGIHandler(WSGIHandler):
    """The real WSGI app, minus the close_old_connections() hooks around each request (as Django's
    test client does): inside the test transaction they close the connection, which on PostgreSQL
    drops the module's seeded world so that every later request fails."""

    # a WSGI app returns an iterable of bytes (Django's own returns the response, which is one)
    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:  # type: ignore[override]
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            response = super().__call__(environ, start_response)
            try:
                return list(response)
            finally:
                response.close()
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)


APP = FuzzWSGIHandler()
schema: BaseSchema = schemathesis.openapi.from_wsgi("/api/schema/", APP)
schema = (schema.exclude(path="/api/auth/logout/").exclude(path="/api/auth/login/")
          .exclude(path="/api/auth/activate/")
          .exclude(path="/api/inspection/checks/{uid}/report/handover/")
          .exclude(path_regex=r"^/api/media/objects/"))


def ground_path_parameters(case: Any) -> None:
    """Map three generated ids in four onto real objects, deterministically from the value."""
    for name, value in list((case.path_parameters or {}).items()):
        real = real_values(case.path, name) or named_values(case.path, name)
        pick = abs(hash(str(value)))
        if real and pick % 4:
            case.path_parameters[name] = real[pick % len(real)]


PRIVILEGED = ("admin", "lead", "reviewer", "discipline")
# operation -> the privileged role it last let in, tried first for its next boundary case
_LET_IN: dict[str, str] = {}


def _call(case: Any, role: str, sessions: dict[str, dict[str, str]]) -> Any:
    # the role's real session, not credentials the fuzzer made up from the security schemes
    case.headers = {k: v for k, v in (case.headers or {}).items() if k.lower() != "authorization"}
    case.cookies = dict(sessions[role])
    response = case.call(headers={"X-CSRFToken": sessions[role]["csrftoken"]})
    case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
    return response


@pytest.mark.django_db
@pytest.mark.parametrize("role", PRIVILEGED)
@schema.parametrize()
@settings(max_examples=6, derandomize=True, deadline=None, phases=[Phase.generate],
          suppress_health_check=list(HealthCheck))
def test_privileged_roles(case: Any, role: str, sessions: dict[str, dict[str, str]]) -> None:
    ground_path_parameters(case)
    _call(case, role, sessions)


def boundary_roles(label: str) -> list[str]:
    """The privileged roles in the order a boundary case of operation `label` is tried."""
    first = _LET_IN.get(label, PRIVILEGED[0])
    return [first, *(role for role in PRIVILEGED if role != first)]


@pytest.mark.django_db
@schema.parametrize()
@settings(deadline=None, phases=[Phase.explicit], suppress_health_check=list(HealthCheck))
def test_boundary_cases(case: Any, sessions: dict[str, dict[str, str]]) -> None:
    ground_path_parameters(case)
    label = case.operation.label
    for role in boundary_roles(label):
        if _call(case, role, sessions).status_code != 403:
            _LET_IN[label] = role
            return


def test_boundary_roles_start_with_the_role_let_in_last() -> None:
    _LET_IN.pop("GET /api/test/", None)
    assert boundary_roles("GET /api/test/") == list(PRIVILEGED)
    _LET_IN["GET /api/test/"] = "reviewer"
    assert boundary_roles("GET /api/test/") == ["reviewer", "admin", "lead", "discipline"]
    _LET_IN.pop("GET /api/test/")


@pytest.mark.django_db
def test_regression_ingest_clip_list_schema_is_the_paginated_shape(sessions: dict[str, dict[str, str]]) -> None:
    """Found by the fuzzer: GET /api/media/ingest/clips/ returned {count, next, previous, results}
    while the schema promised a bare array. The count is capped, so the page says whether it is exact."""
    case = schema["/api/media/ingest/clips/"]["GET"].Case(query={})
    case.cookies = dict(sessions["admin"])
    response = case.call(headers={"X-CSRFToken": sessions["admin"]["csrftoken"]})
    assert response.status_code == 200
    assert set(response.json()) == {"count", "count_exact", "next", "previous", "results"}
    case.validate_response(response, checks=[response_schema_conformance])


def test_every_path_parameter_is_grounded_on_real_objects() -> None:
    """A new path gets its ids mapped onto the seeded world (grounding.REAL), or the fuzzer only meets 404s there."""
    unmapped = sorted({f"{segment}/{{{name}}} in {path}" for path in schema.raw_schema["paths"]
                       for segment, name in PARAM.findall(path) if segment not in REAL and segment not in NAMED})
    assert not unmapped, unmapped
