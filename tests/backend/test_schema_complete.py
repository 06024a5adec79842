"""The OpenAPI schema describes every operation: its generation's errors and warnings (drf-spectacular's
"unable to guess serializer", untyped path parameters, enum and operationId collisions...) only go
down. When one is fixed, lower SCHEMA_PROBLEMS_LEFT to the new count; a new view that adds one fails
here until it declares its body (issue 17)."""
from __future__ import annotations

from pathlib import Path

import yaml
from django.conf import settings
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiYamlRenderer
from drf_spectacular.validation import validate_schema

# errors + warnings counted as `manage.py spectacular` counts them (every occurrence)
SCHEMA_PROBLEMS_LEFT = 89


def _generate() -> tuple[dict, list[str]]:
    GENERATOR_STATS.reset()
    with GENERATOR_STATS.silence():
        schema = SchemaGenerator().get_schema(request=None, public=True)
    problems = [f"warning: {msg}" for msg, n in GENERATOR_STATS._warn_cache.items() for _ in range(n)]
    problems += [f"error: {msg}" for msg, n in GENERATOR_STATS._error_cache.items() for _ in range(n)]
    GENERATOR_STATS.reset()
    return schema, problems


def test_schema_problems_only_go_down() -> None:
    schema, problems = _generate()
    assert len(problems) <= SCHEMA_PROBLEMS_LEFT, "\n".join(sorted(set(problems)))
    validate_schema(schema)  # what `spectacular --validate` checks: a valid OpenAPI 3 document


def test_the_committed_schema_is_current() -> None:
    """docs/openapi.yml is what the web app's types are generated from (frontend/gentypes.mjs): after an
    API change, `make schema` writes it again (and the types)."""
    committed = yaml.safe_load((Path(settings.BASE_DIR) / "docs" / "openapi.yml").read_text(encoding="utf-8"))
    schema, _ = _generate()
    generated = yaml.safe_load(OpenApiYamlRenderer().render(schema, renderer_context={}))
    assert committed == generated, "docs/openapi.yml is stale: run `make schema`"
