"""Content negotiation that answers an unknown `?format=` in words (reviewer, issue 15, S3): DRF's own raised a bare
404 for `?format=xlsx` on a JSON endpoint, as if the address did not exist. The exports are their own addresses
(`.../report.pdf`, `.../report.xlsx`): the answer says so."""
from __future__ import annotations

from typing import Any

from django.http import Http404
from rest_framework.negotiation import DefaultContentNegotiation

EXPORT_FORMATS = ("pdf", "xlsx", "csv")


def format_refused(fmt: str, offered: list[str]) -> Exception:
    from backend.core.errors import DomainError  # errors imports DRF's views, which import this class

    shown = ", ".join(offered) or "json"
    hint_vi = (" Để xuất báo cáo, dùng địa chỉ xuất riêng (ví dụ …/report.pdf hoặc …/report.xlsx) hoặc nút Xuất trên "
               "trang." if fmt.lower() in EXPORT_FORMATS else "")
    hint_en = (" To export, use the export address (e.g. …/report.pdf or …/report.xlsx) or the page's Export button."
               if fmt.lower() in EXPORT_FORMATS else "")
    return DomainError(f"Địa chỉ này không trả về định dạng “{fmt[:20]}”; định dạng hỗ trợ: {shown}.{hint_vi}",
                       f"This address does not answer in the format “{fmt[:20]}”; supported: {shown}.{hint_en}",
                       code="format_unsupported", fields={"format": ["unsupported"]}, status=406)


class Negotiation(DefaultContentNegotiation):
    def select_renderer(self, request: Any, renderers: Any, format_suffix: str | None = None) -> Any:
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except Http404:
            fmt = format_suffix or request.query_params.get(self.settings.URL_FORMAT_OVERRIDE) or ""
            view = (getattr(request, "parser_context", None) or {}).get("view")
            if fmt.lower() in getattr(view, "export_formats", ()):
                # an export that answers this format itself (view.export_formats): the view reads `format`
                return renderers[0], renderers[0].media_type
            raise format_refused(fmt, [*getattr(view, "export_formats", ()), *(r.format for r in renderers)]) from None
