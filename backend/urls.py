from django.conf import settings
from django.contrib import admin
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import URLPattern, URLResolver, include, path, re_path
from django.views import defaults
from django_otp.admin import OTPAdminSite
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from backend.core.apis import HealthApi
from inspection.home import HomeApi


def spa(request: HttpRequest, route: str = "") -> FileResponse:
    """Serve the built frontend's index.html for every client-side route. Revalidated on every load
    (`no-cache`): it names the current build's hashed files, which are cached for good."""
    index = settings.FRONTEND_DIST / "index.html"
    if not index.is_file():
        raise Http404("Frontend not built: run `make run` (it builds frontend/) or `npm run build`.")
    response = FileResponse(index.open("rb"), content_type="text/html; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


def _api_error(request: HttpRequest, status: int, code: str, vi: str, en: str) -> HttpResponse | None:
    """Errors raised outside DRF (no route matched, a bad Host, a crash) answer API clients in the API's
    own error shape, Vietnamese first, instead of Django's English HTML page."""
    if not request.path.startswith("/api/"):
        return None
    return JsonResponse({"error": {"code": code, "message": vi, "message_en": en, "fields": {}}}, status=status,
                        json_dumps_params={"ensure_ascii": False})


def handler404(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _api_error(request, 404, "not_found", "Không có địa chỉ này trong API.", "There is no such API address.") \
        or defaults.page_not_found(request, exception)


def handler400(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _api_error(request, 400, "bad_request", "Yêu cầu không hợp lệ.", "Bad request.") \
        or defaults.bad_request(request, exception)


def handler500(request: HttpRequest) -> HttpResponse:
    return _api_error(request, 500, "server_error", "Lỗi máy chủ; thao tác chưa được thực hiện. Vui lòng thử lại.",
                      "Server error; nothing was done. Please try again.") or defaults.server_error(request)


# Django's admin asks for the second factor too: a staff session that gave no code is not staff there.
admin.site.__class__ = OTPAdminSite

api: list[URLPattern | URLResolver] = [
    path("health/", HealthApi.as_view(), name="health"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    path("auth/", include("backend.accounts.urls")),
    path("home/", HomeApi.as_view(), name="home"),
    path("org/", include("backend.org.urls")),
    path("audit/", include("backend.audit.urls")),
    path("inspection/", include("inspection.urls")),
    path("accountability/", include("inspection.accountability.urls")),
    path("media/", include("media_ingest.urls")),
    path("media/", include("media_ingest.review.urls")),
]

urlpatterns = [
    path("api/", include(api)),
    path("django-admin/", admin.site.urls),
    re_path(r"^(?!api/|ws/|static/|django-admin/)(?P<route>.*)$", spa, name="spa"),
]
