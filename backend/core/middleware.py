"""API answers are never kept in the browser's HTTP cache.

A phone in the field is a device that can be lost: what the API says (planned checks above all, which
are secret until started) must not stay in its disk cache. Every /api/ response that did not choose
its own caching (a playback URL does) is marked `no-store`. The field app keeps what it needs for
offline work itself, and only for started checks (frontend/src/offline/).
"""
from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class ApiNoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith("/api/") and not response.has_header("Cache-Control"):
            response["Cache-Control"] = "no-store, private"
        return response
