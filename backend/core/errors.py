"""One domain error type, mapped to HTTP in one handler.

Every 4xx body has the same shape:
    {"error": {"code": "...", "message": "<Vietnamese>", "message_en": "<English>", "fields": {...}}}
"""
from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions as drf
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class DomainError(Exception):
    """A rule of the domain was broken by the caller's input. Maps to a 4xx."""

    status = 400

    def __init__(
        self,
        message: str,
        message_en: str,
        *,
        code: str = "invalid",
        fields: dict[str, Any] | None = None,
        status: int | None = None,
        detail: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message_en)
        self.message = message
        self.message_en = message_en
        self.code = code
        self.fields = fields or {}
        # structured facts the caller needs to decide (e.g. what a redraw would supersede)
        self.detail = detail
        if status is not None:
            self.status = status


class NotFound(DomainError):
    status = 404

    def __init__(self, what_vi: str = "Không tìm thấy.", what_en: str = "Not found.") -> None:
        super().__init__(what_vi, what_en, code="not_found")


class Forbidden(DomainError):
    status = 403

    def __init__(
        self,
        message: str = "Đồng chí không có quyền thực hiện thao tác này.",
        message_en: str = "You do not have permission to do this.",
    ) -> None:
        super().__init__(message, message_en, code="forbidden")


class Conflict(DomainError):
    status = 409


_DRF_MESSAGES: dict[type, tuple[str, str, str]] = {
    drf.NotAuthenticated: ("not_authenticated", "Đồng chí cần đăng nhập.", "Authentication required."),
    drf.AuthenticationFailed: ("authentication_failed", "Thông tin đăng nhập không hợp lệ.",
                               "Invalid credentials."),
    drf.PermissionDenied: ("forbidden", "Đồng chí không có quyền thực hiện thao tác này.",
                           "You do not have permission to do this."),
    drf.NotFound: ("not_found", "Không tìm thấy.", "Not found."),
    drf.MethodNotAllowed: ("method_not_allowed", "Phương thức không được hỗ trợ.",
                           "Method not allowed."),
    drf.Throttled: ("throttled", "Quá nhiều yêu cầu, vui lòng thử lại sau.",
                    "Too many requests, try again later."),
    drf.UnsupportedMediaType: ("unsupported_media_type", "Định dạng dữ liệu không được hỗ trợ.",
                               "Unsupported media type."),
    drf.ParseError: ("parse_error", "Dữ liệu gửi lên không đọc được (JSON sai cú pháp?).",
                     "Malformed request body."),
    drf.NotAcceptable: ("not_acceptable", "Không đáp ứng được định dạng yêu cầu.",
                        "Not acceptable."),
}


def _flatten(detail: Any) -> Any:
    if isinstance(detail, dict):
        return {k: _flatten(v) for k, v in detail.items()}
    if isinstance(detail, list):
        flat = [_flatten(v) for v in detail]
        return flat
    return str(detail)


def _first_message(fields: Any) -> str:
    if isinstance(fields, dict):
        for key, value in fields.items():
            inner = _first_message(value)
            if inner:
                return inner if key == "non_field_errors" else f"{key}: {inner}"
    if isinstance(fields, list):
        for value in fields:
            inner = _first_message(value)
            if inner:
                return inner
    if isinstance(fields, str):
        return fields
    return ""


def _first_leaf(fields: Any) -> tuple[list[str], str]:
    """The first error text and the field names leading to it (as `_first_message` words them)."""
    if isinstance(fields, dict):
        for key, value in fields.items():
            path, leaf = _first_leaf(value)
            if leaf:
                return (path if key == "non_field_errors" else [str(key), *path]), leaf
    if isinstance(fields, list):
        for value in fields:
            path, leaf = _first_leaf(value)
            if leaf:
                return path, leaf
    if isinstance(fields, str):
        return [], fields
    return [], ""


def _messages(fields: Any) -> tuple[str, str]:
    """The first field error, in Vietnamese and in English (DRF's texts translated, see drf_messages)."""
    from backend.core.drf_messages import both

    path, leaf = _first_leaf(fields)
    vi, en = both(leaf)
    prefix = "".join(f"{key}: " for key in path)
    return f"Dữ liệu không hợp lệ — {prefix}{vi}", f"Invalid input — {prefix}{en}"


def error_body(code: str, message: str, message_en: str, fields: Any = None,
               detail: dict[str, Any] | None = None) -> dict[str, Any]:
    body = {"code": code, "message": message, "message_en": message_en, "fields": fields or {}}
    if detail:
        body["detail"] = detail
    return {"error": body}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, RequestDataTooBig):  # a body over DATA_UPLOAD_MAX_MEMORY_SIZE, read by Django
        from backend.core.parsers import body_too_large

        exc = body_too_large()
    if isinstance(exc, DomainError):
        return Response(error_body(exc.code, exc.message, exc.message_en, exc.fields, exc.detail),
                        status=exc.status)
    if isinstance(exc, DjangoValidationError):
        fields = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        vi, en = _messages(fields)
        return Response(error_body("invalid", vi, en, fields), status=400)
    if isinstance(exc, Http404):
        exc = drf.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        exc = drf.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, drf.ValidationError):
        fields = _flatten(exc.detail)
        if isinstance(fields, list):
            fields = {"non_field_errors": fields}
        vi, en = _messages(fields)
        response.data = error_body("invalid", vi, en, fields)
        return response
    for cls, (code, vi, en) in _DRF_MESSAGES.items():
        if isinstance(exc, cls):
            wait = getattr(exc, "wait", None)  # DRF sets Throttled.wait in __init__; its stubs omit it
            if isinstance(exc, drf.Throttled) and wait:
                vi = f"{vi} (chờ {int(wait)} giây)"
                en = f"{en} (wait {int(wait)} s)"
            response.data = error_body(code, vi, en)
            return response
    if isinstance(exc, drf.APIException):
        text = str(exc.detail)
        response.data = error_body(exc.default_code, text, text)
    return response
