"""Real response bodies checked against docs/openapi.yml (issue 17): the status is one the operation
declares and the body matches the declared schema. `strict` also refuses a key the schema does not
declare, so a field added to a view without its output serializer fails."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import yaml
from django.conf import settings

SCHEMA = yaml.safe_load((Path(settings.BASE_DIR) / "docs" / "openapi.yml").read_text(encoding="utf-8"))


def json_schema(node: Any, *, strict: bool = False) -> Any:
    """OpenAPI 3.0 to JSON Schema: references resolved, `nullable` as a null alternative; with `strict`, an
    object with declared properties and no `additionalProperties` admits no other key."""
    if isinstance(node, list):
        return [json_schema(x, strict=strict) for x in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        return json_schema(SCHEMA["components"]["schemas"][name], strict=strict)
    out = {k: json_schema(v, strict=strict) for k, v in node.items() if k not in {"nullable", "readOnly", "writeOnly"}}
    if strict and "properties" in node and "additionalProperties" not in node:
        out["additionalProperties"] = False
    if node.get("nullable"):
        return {"anyOf": [out, {"type": "null"}]}
    return out


def check(response: Any, method: str, path: str, *, strict: bool = False) -> Any:
    """The response's status is declared for the operation, and its body matches that declaration."""
    responses = SCHEMA["paths"][path][method]["responses"]
    assert str(response.status_code) in responses, (response.status_code, list(responses), response.content[:300])
    content = responses[str(response.status_code)].get("content")
    if content is None:
        assert not response.content
        return None
    body = response.json()
    jsonschema.validate(body, json_schema(content["application/json"]["schema"], strict=strict))
    return body
