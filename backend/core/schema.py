"""OpenAPI generation for our views: API views declare their body as a nested `InputSerializer`
(STYLE.md), so the schema reads the request body from there, and the fuzzer and the API docs see
what each write endpoint accepts instead of an undocumented body."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

_BODY_METHODS = {"POST", "PUT", "PATCH"}


class AutoSchema(SpectacularAutoSchema):
    def get_request_serializer(self) -> Any:
        declared = getattr(self.view, "InputSerializer", None)
        if self.method in _BODY_METHODS and declared is not None:
            # (an explicit @extend_schema(request=...) subclasses this schema and still wins)
            return declared
        return super().get_request_serializer()

    def _map_basic_serializer(self, serializer: Any, direction: Any) -> Any:
        schema = super()._map_basic_serializer(serializer, direction)
        if direction == "response" and isinstance(serializer, serializers.ModelSerializer):
            # A field the ModelSerializer made from a model field with a default (or blank) is optional
            # as input, but every answer carries it: required in the response component, so the generated
            # types do not read `is_head?: boolean`. Declared fields keep their own `required`.
            declared = serializer._declared_fields
            always = {name for name, field in serializer.fields.items()
                      if not field.write_only and name not in declared and name in schema.get("properties", {})}
            if always:
                schema["required"] = sorted(set(schema.get("required", [])) | always)
        return schema

    def get_serializer_name(self, serializer: Any, direction: Any) -> str:
        # `UserListApi.InputSerializer` -> `UserListInput`: nested classes share a short name
        qualname = serializer.__class__.__qualname__
        if "." not in qualname:
            return super().get_serializer_name(serializer, direction)
        outer, _, inner = qualname.rpartition(".")
        outer = outer.split(".")[-1].removesuffix("Api")
        return inner if inner.startswith(outer) else outer + inner


class CsrfSessionScheme(OpenApiAuthenticationExtension):
    """The browser's session cookie (CSRF token header on unsafe methods)."""

    target_class = "backend.accounts.authentication.CsrfSessionAuthentication"
    name = "sessionAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "apiKey", "in": "cookie", "name": settings.SESSION_COOKIE_NAME}


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """`Authorization: Token <key>` for devices and integrations."""

    target_class = "backend.accounts.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": "Token <key>"}


# --- the error envelope (backend/core/errors.py: `error_body`, the one exception handler) -----------

# Every refusal answers {"error": ErrorBody}. Any operation may refuse a malformed request (400), a caller
# not signed in (401) or not allowed (403), or an object that is not there (404); a write may also collide
# with the state it changes (409). An operation that declares one of these itself keeps its own.
_ERRORS_ANY = ("400", "401", "403", "404")
_ERRORS_WRITE = ("409",)
_WRITES = {"post", "put", "patch", "delete"}
_ERROR_COMPONENTS = {
    "ErrorBody": {
        "type": "object", "required": ["code", "message", "message_en", "fields"],
        "properties": {
            "code": {"type": "string", "description": "What went wrong, for the program (`invalid`, `not_found`, …)"},
            "message": {"type": "string", "description": "In Vietnamese"},
            "message_en": {"type": "string", "description": "In English"},
            "fields": {"type": "object", "additionalProperties": {},
                       "description": "The input's errors by field name (empty unless `invalid`)"},
            "detail": {"type": "object", "additionalProperties": {},
                       "description": "Structured facts the caller needs to decide (some codes only)"},
        },
    },
    "ErrorEnvelope": {"type": "object", "required": ["error"],
                      "properties": {"error": {"$ref": "#/components/schemas/ErrorBody"}}},
}
# one named response per status, referred to by each operation
_ERROR_RESPONSES = {"400": ("InvalidInput", "Invalid input"), "401": ("NotSignedIn", "Not signed in"),
                    "403": ("NotAllowed", "Not allowed"), "404": ("NotFound", "Not found"),
                    "409": ("Conflict", "Conflicts with the current state")}


def declare_errors(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: the error envelope, and the error statuses of every operation."""
    components = result.setdefault("components", {})
    components.setdefault("schemas", {}).update(_ERROR_COMPONENTS)
    envelope = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorEnvelope"}}}
    components.setdefault("responses", {}).update(
        {name: {"description": text, "content": envelope} for name, text in _ERROR_RESPONSES.values()})
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for status in _ERRORS_ANY + (_ERRORS_WRITE if method in _WRITES else ()):
                ref = {"$ref": f"#/components/responses/{_ERROR_RESPONSES[status][0]}"}
                operation["responses"].setdefault(status, ref)
    return result


# Choice sets met under several field names get one component each (SPECTACULAR_SETTINGS'
# ENUM_NAME_OVERRIDES points here).
SIGN_IN_STAGES = ["signed_out", "code_required", "enrolment_required", "signed_in"]


def assignable_roles() -> list[tuple[str, str]]:
    from backend.accounts.models import Role

    return [r for r in Role.choices if r[0] != Role.SERVICE]


def user_languages() -> list[tuple[str, str]]:
    from backend.accounts.models import User

    return list(User._meta.get_field("language").choices or [])



# --- query parameters, as `backend.core.params.Query` reads them ----------------------------------

def q_id(name: str, description: str = "") -> OpenApiParameter:
    return OpenApiParameter(name, OpenApiTypes.INT, description=description)


def q_int(name: str, description: str = "") -> OpenApiParameter:
    return OpenApiParameter(name, OpenApiTypes.INT, description=description)


def q_date(name: str, description: str = "", *, required: bool = False) -> OpenApiParameter:
    return OpenApiParameter(name, OpenApiTypes.DATE, description=description, required=required)


def q_datetime(name: str, description: str = "") -> OpenApiParameter:
    return OpenApiParameter(name, OpenApiTypes.DATETIME, description=description)


def q_text(name: str, description: str = "") -> OpenApiParameter:
    return OpenApiParameter(name, OpenApiTypes.STR, description=description)


def q_bool(name: str, description: str = "") -> OpenApiParameter:
    return OpenApiParameter(name, OpenApiTypes.BOOL, description=description)


def q_choice(name: str, choices: Iterable[str], description: str = "") -> OpenApiParameter:
    return OpenApiParameter(name, OpenApiTypes.STR, enum=list(choices), description=description)
