"""Request body parsers. DRF's JSON parser reads the whole stream whatever its size (Django's
DATA_UPLOAD_MAX_MEMORY_SIZE only guards form bodies), so JSON bodies are capped here, at the same
size: a body over the cap is a 413 before a byte of it is decoded."""
from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from rest_framework import parsers


def body_too_large() -> Exception:
    # imported here: backend.core.errors imports rest_framework.views, which imports this module
    from backend.core.errors import DomainError

    limit = int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    size = f"{limit // 1024} KB" if limit < 1024 * 1024 else f"{limit / (1024 * 1024):g} MB"
    return DomainError(f"Dữ liệu gửi lên quá lớn (tối đa {size}).", f"Request body too large (at most {size}).",
                       code="payload_too_large", status=413)


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser with a size cap (DATA_UPLOAD_MAX_MEMORY_SIZE)."""

    def parse(self, stream: Any, media_type: str | None = None,
              parser_context: Mapping[str, Any] | None = None) -> Any:
        limit = int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        request = (parser_context or {}).get("request")
        meta = getattr(request, "META", {}) if request is not None else {}
        declared = str(meta.get("CONTENT_LENGTH") or "0")
        if declared.isdigit() and int(declared) > limit:
            raise body_too_large()
        raw = stream.read(limit + 1)  # a chunked body has no length to check up front
        if len(raw) > limit:
            raise body_too_large()
        return super().parse(io.BytesIO(raw), media_type, parser_context)
