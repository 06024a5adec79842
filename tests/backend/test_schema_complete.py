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
