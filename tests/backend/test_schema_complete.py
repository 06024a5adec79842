"""The OpenAPI schema describes every operation (issue 17): `manage.py spectacular --validate
--fail-on-warn` passes, so no view lacks a declared body ("unable to guess serializer"), no path
parameter is untyped, no operationId or enum name collides, and the document is valid OpenAPI 3. A new
view that adds a problem fails here until it declares its body; docs/openapi.yml, which the web app's
types are generated from, is what the command writes."""
from __future__ import annotations

import contextlib
import io
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.conf import settings
from django.core.management import CommandError, call_command
from drf_spectacular.drainage import GENERATOR_STATS


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """`manage.py spectacular --validate --fail-on-warn --file <tmp>`, run once for the module: its
    error (None when it passed), what it printed (the problems and their summary) and the schema."""
    out = tmp_path_factory.mktemp("schema") / "openapi.yml"
    stderr = io.StringIO()
    GENERATOR_STATS.reset()  # problems another test's generation left are not this run's
    error: Exception | None = None
    try:
        with contextlib.redirect_stderr(stderr):
            call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    except CommandError as exc:  # SchemaGenerationError (a warning or an error), SchemaValidationError
        error = exc
    finally:
        GENERATOR_STATS.reset()
    schema = yaml.safe_load(out.read_text(encoding="utf-8")) if out.exists() else None
    return {"error": error, "printed": stderr.getvalue(), "schema": schema}


def test_the_schema_has_no_problem_and_is_valid(generated: dict[str, Any]) -> None:
    assert generated["error"] is None, f"{generated['error']}\n{generated['printed']}"
    assert generated["schema"]["paths"], "the command wrote a schema with the API's operations"


def test_the_committed_schema_is_current(generated: dict[str, Any]) -> None:
    """docs/openapi.yml is what the web app's types are generated from (frontend/gentypes.mjs): after an
    API change, `make schema` writes it again (and the types)."""
    committed = yaml.safe_load((Path(settings.BASE_DIR) / "docs" / "openapi.yml").read_text(encoding="utf-8"))
    assert generated["schema"] is not None, f"{generated['error']}\n{generated['printed']}"
    assert committed == generated["schema"], "docs/openapi.yml is stale: run `make schema`"


# 2xx JSON answers still declared as a free-form object, and why. Shrink it; never grow it.
UNTYPED_KNOWN: dict[str, str] = {}


def _free_form(schema: dict[str, Any]) -> bool:
    """An object with no properties and no reference: `{type: object, additionalProperties: {}}`."""
    return (schema.get("type") == "object" and not schema.get("properties") and "$ref" not in schema
            and not any(key in schema for key in ("allOf", "oneOf", "anyOf")))


def _untyped(schema: dict[str, Any]) -> bool:
    """A free-form body, or a list or a page (`results`) whose rows are free-form."""
    rows = schema.get("items") if schema.get("type") == "array" else schema.get("properties", {}).get("results", {}).get("items")
    return _free_form(schema) or (rows is not None and _free_form(rows))


def test_every_2xx_answer_has_a_declared_shape(generated: dict[str, Any]) -> None:
    """Issue 17: each 2xx JSON answer names its fields (an output serializer), a list's or a page's rows too,
    so the web app's types say what comes back; and an operation that answers 200 declares its body (none
    means 204)."""
    assert generated["schema"] is not None, f"{generated['error']}\n{generated['printed']}"
    untyped, bodiless = set(), set()
    for path, operations in generated["schema"]["paths"].items():
        for method, op in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            for status, response in op.get("responses", {}).items():
                if not str(status).startswith("2"):
                    continue
                content = response.get("content")
                if not content and str(status) != "204":
                    bodiless.add(f"{method} {path} {status}")
                for media, body in (content or {}).items():
                    if "json" in media and _untyped(body.get("schema", {})):
                        untyped.add(f"{method} {path}")
    assert not bodiless, f"2xx answers with no body declared (use 204 or declare it): {sorted(bodiless)}"
    assert untyped == set(UNTYPED_KNOWN), (f"newly untyped: {sorted(untyped - set(UNTYPED_KNOWN))}; "
                                           f"now typed, drop from UNTYPED_KNOWN: {sorted(set(UNTYPED_KNOWN) - untyped)}")
