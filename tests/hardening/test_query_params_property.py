"""Property: every GET endpoint of the API, driven with random, negative, huge and out-of-range query
parameters as every role, answers below 500 — and every 400 is the project's error shape.

The endpoints come from the URLconf (so a new view is covered without editing this file), with path
parameters resolved to real objects of the seeded world, so each request reaches the view's own
parameter parsing rather than a 404. The parameters tried on an endpoint are the ones its view
actually reads (recorded by watching the QueryDict during a first, plain request as each role),
those the OpenAPI schema declares for it, and a common set (ids, dates, paging).

Signed object URLs (/api/media/objects/<token>/) are not driven: random tokens fail the signature
check before any parameter is read (tests/media_ingest covers them).
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

import pytest
from django.http import QueryDict
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backend.core.params import EARLIEST, LATEST, MAX_ID

from .conftest import ROLES

pytestmark = pytest.mark.django_db

# Parameters every endpoint is also tried with, whether or not it reads them.
COMMON = ["unit", "officer", "finding", "counter", "camera", "clip", "from", "to", "at", "year", "page", "page_size"]
SKIP = re.compile(r"^/api/(schema|docs)/|^/api/media/objects/")

HUGE = [10**30, 2**63, MAX_ID, 2**63 + 1, 2**70, 2**31, -(2**63) - 1, -1, 0]
DATES = ["0001-01-01", "9999-12-31", "1899-12-31", "2200-01-01", EARLIEST.isoformat(), LATEST.isoformat(),
         "2026-02-30", "2026-13-01", "0001-01-01T00:00:00", "9999-12-31T23:59:59", "9999-12-31T23:59:59Z",
         "0001-01-01T00:00:00+14:00", "2026-05-04T09:00:00+07:00", "2026-05-04", "20260504", "-2026-01-01"]
JUNK = ["", " ", "abc", "1e30", "1.5", "NaN", "inf", "-0", "true", "null", "[]", "%00", "1;2", "０１", "٣",
        "x" * 5000]
VALUES = st.one_of(
    st.sampled_from(HUGE).map(str),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.sampled_from(DATES),
    st.dates().map(lambda d: d.isoformat()),
    st.sampled_from(JUNK),
    st.text(max_size=30),
)


# --- the endpoints --------------------------------------------------------------------------------


def _routes() -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []

    def walk(patterns: list[Any], prefix: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                out.append((prefix + str(p.pattern), p.callback))

    walk(get_resolver().url_patterns, "/")
    return out


def _real_ids(world: Any) -> dict[str, str]:
    """A real, reachable object for each kind of path parameter (by the segment in front of it, or
    by the parameter's own name)."""
    from django.apps import apps

    w = world.extra["world"]["CAX-TC"]
    first = lambda label, field="pk": str(  # noqa: E731
        apps.get_model(label).objects.order_by("pk").values_list(field, flat=True).first() or 1)
    return {
        "units": str(w["unit"]), "officers": first("org.Officer"), "assignments": first("org.Assignment"),
        "cameras": str(w["camera"]), "tokens": first("accounts.ApiToken"), "users": first("accounts.User"),
        "criteria-sets": first("inspection.CriteriaSet"), "draws": first("inspection.Draw"),
        "checks": w["started"], "findings": str(w["finding"]), "import": first("inspection.CsvImport"),
        "complaints": first("inspection.Complaint"), "traces": first("accountability.TraceRecord"),
        "liabilities": str(w["liability"] or first("accountability.LeaderLiability")),
        "rulesets": first("accountability.RuleSet", "version"), "cases": str(w["case"]),
        "cchc-tasks": first("accountability.CchcTask"), "clips": str(w["clip"]), "tags": str(w["tag"]),
        "evidence": str(w["evidence"]), "packages": first("review.EvidencePackage"),
        "taxonomy": first("review.TagLabel", "code"), "stills": "poster",
        # by parameter name
        "evidence_id": str(w["evidence"]), "doc_id": first("accountability.CaseDocument"),
        "factor_id": first("accountability.CaseFactor"), "finding_id": str(w["finding"]),
    }


_CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")
_GROUP = re.compile(r"\(\?P<(\w+)>([^)]*)\)")


def _concrete(route: str, ids: dict[str, str]) -> str | None:
    """The route with its parameters replaced by real values; None when one cannot be resolved."""
    path = route.replace("^", "").replace("$", "").replace("\\.", ".")
    missing: list[str] = []

    def value(name: str, before: str, pattern: str = "") -> str:
        if name == "fmt":
            return pattern.split("|")[0]
        segment = before.rstrip("/").rsplit("/", 1)[-1]
        found = ids.get(name) or ids.get(segment)
        if found is None:
            missing.append(name)
            return ""
        return found

    def sub(regex: re.Pattern[str], text: str) -> str:
        out, last = [], 0
        for m in regex.finditer(text):
            out.append(text[last:m.start()])
            out.append(value(m.group(1), text[:m.start()], m.group(2) if m.lastindex and m.lastindex > 1 else ""))
            last = m.end()
        out.append(text[last:])
        return "".join(out)

    path = sub(_CONVERTER, sub(_GROUP, path))
    return None if missing else path


def _schema_params() -> dict[str, set[str]]:
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    out: dict[str, set[str]] = {}
    for path, ops in schema["paths"].items():
        get = ops.get("get") or {}
        names = {p["name"] for p in get.get("parameters", []) if p.get("in") == "query"}
        out[re.sub(r"\{[^}]+\}", "{}", path)] = names
    return out


@contextmanager
def _recording() -> Iterator[set[str]]:
    """Every query-string name a view looks up while the block runs."""
    seen: set[str] = set()
    real_get, real_item = QueryDict.get, QueryDict.__getitem__

    def get(self: QueryDict, key: str, default: Any = None) -> Any:
        seen.add(key)
        return real_get(self, key, default)

    def item(self: QueryDict, key: str) -> Any:
        seen.add(key)
        return real_item(self, key)

    with mock.patch.object(QueryDict, "get", get), mock.patch.object(QueryDict, "__getitem__", item):
        yield seen


def _client(cookies: dict[str, str]) -> Client:
    client = Client(raise_request_exception=False)
    for name, value in cookies.items():
        client.cookies[name] = value
    return client


def _get_routes() -> list[str]:
    """Every GET route of the API (URLconf order), with its parameters still in it."""
    out = []
    for route, callback in _routes():
        view = getattr(callback, "view_class", None)
        if route.startswith("/api/") and view is not None and hasattr(view, "get") and not SKIP.search(route):
            out.append(route)
    return out


def _schema_key(route: str) -> str:
    path = route.replace("^", "").replace("$", "").replace("\\.", ".")
    return _CONVERTER.sub("{}", _GROUP.sub("{}", path))


@pytest.fixture(scope="module")
def real_ids(world: Any, django_db_blocker: Any) -> dict[str, str]:
    with django_db_blocker.unblock():
        return _real_ids(world)


@pytest.fixture(scope="module")
def declared(django_db_blocker: Any) -> dict[str, set[str]]:
    """Query parameters the OpenAPI schema declares, per path ({} for each path parameter)."""
    with django_db_blocker.unblock():
        return _schema_params()


ROUTES = _get_routes()
_READS: dict[tuple[str, str], tuple[list[str], bool]] = {}


# --- the properties -------------------------------------------------------------------------------


def _check(response: Any, role: str, url: str, params: dict[str, str]) -> None:
    where = f"{role} GET {url} {params!r}"
    assert response.status_code < 500, f"{where} -> {response.status_code}: {response.content[:300]!r}"
    if response.status_code == 400 and response.get("Content-Type", "").startswith("application/json"):
        error = response.json().get("error") or {}
        assert error.get("message") and error.get("message_en") and error.get("code"), f"{where}: {response.json()}"


def test_every_role_is_driven(world: Any) -> None:
    """The roles the world signs in as are every human role (SERVICE is a device token, not a person)."""
    from backend.accounts.models import Role, User

    driven = set(User.objects.filter(username__in=ROLES).values_list("role", flat=True))
    assert driven == set(Role.values) - {Role.SERVICE}


def test_endpoints_are_found(real_ids: dict[str, str], declared: dict[str, set[str]]) -> None:
    """The enumeration sees the list endpoints of every app, resolves every path parameter, and the
    schema's parameters line up with the routes."""
    for url in ["/api/org/assignments/", "/api/inspection/checks/", "/api/inspection/findings/",
                "/api/inspection/ratings/", "/api/accountability/cases/", "/api/media/clips/",
                "/api/media/moments/", "/api/media/ingest/clips/", "/api/audit/events/"]:
        assert url in ROUTES, url
    unresolved = [r for r in ROUTES if _concrete(r, real_ids) is None]
    assert not unresolved, f"no real id for the path parameters of {unresolved}: add them to _real_ids"
    assert {"unit", "camera", "from", "to"} <= declared["/api/media/clips/"]


HUGE_ID = str(10**30)
EDGE_DATES = ["0001-01-01", "9999-12-31"]


def _reads(route: str, role: str, client: Client, url: str) -> tuple[list[str], bool]:
    """The query parameters the view reads for this role (from one plain request, checked too), and
    whether that request got past the view's access checks (2xx)."""
    if (route, role) not in _READS:
        with _recording() as seen:
            response = client.get(url)
        _check(response, role, url, {})
        _READS[(route, role)] = (sorted(seen), response.status_code < 300)
    return _READS[(route, role)]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", ROUTES)
def test_extremes_in_each_parameter_answer_below_500(route: str, role: str, real_ids: dict[str, str],
                                                    sessions: dict[str, dict[str, str]]) -> None:
    """Every parameter the view reads, alone, as a huge number and as the first and last ISO dates —
    for each role the endpoint lets in (the others never reach the parameters). The dates are skipped
    for a parameter that refused the number as something other than a date (an id, a choice...)."""
    url = _concrete(route, real_ids)
    assert url is not None, route
    client = _client(sessions[role])
    names, reached = _reads(route, role, client, url)
    for name in names if reached else []:
        response = client.get(url, {name: HUGE_ID})
        _check(response, role, url, {name: HUGE_ID})
        if response.status_code == 400 and response.json()["error"]["code"] != "invalid_date":
            continue
        for value in EDGE_DATES:
            _check(client.get(url, {name: value}), role, url, {name: value})


@pytest.mark.parametrize("role", ROLES)
@settings(max_examples=60, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_random_query_parameters_answer_below_500(role: str, real_ids: dict[str, str], declared: dict[str, set[str]],
                                                 sessions: dict[str, dict[str, str]], data: st.DataObject) -> None:
    """A random endpoint, with a random subset of the parameters its view reads, the schema declares
    and the common ones, set to random values: huge, negative, extreme or impossible dates, junk."""
    route = data.draw(st.sampled_from(ROUTES), label="route")
    url = _concrete(route, real_ids)
    assert url is not None, route
    client = _client(sessions[role])
    names = sorted(set(_reads(route, role, client, url)[0]) | declared.get(_schema_key(route), set()) | set(COMMON))
    params = data.draw(st.dictionaries(st.sampled_from(names), VALUES, min_size=1, max_size=3), label="params")
    _check(client.get(url, params), role, url, params)


@pytest.mark.parametrize("role", ROLES)
def test_path_ids_beyond_bigint_answer_below_500(role: str, real_ids: dict[str, str],
                                                 sessions: dict[str, dict[str, str]]) -> None:
    """Every numeric path parameter past the database's bigint is a 404 (or 400/403), never an overflow."""
    huge = {k: (str(10**30) if v.isdigit() else v) for k, v in real_ids.items()}
    client = _client(sessions[role])
    driven = 0
    for route in ROUTES:
        url, real = _concrete(route, huge), _concrete(route, real_ids)
        if url is None or url == real:
            continue
        driven += 1
        response = client.get(url)
        _check(response, role, url, {})
        assert response.status_code in (400, 403, 404), (role, url, response.status_code)
    assert driven >= 30, driven
