from django.conf import settings
from django.contrib import admin
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.urls import include, path, re_path
from django_otp.admin import OTPAdminSite
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from backend.core.apis import HealthApi


def spa(request: HttpRequest, route: str = "") -> HttpResponse:
    """Serve the built frontend's index.html for every client-side route."""
    index = settings.FRONTEND_DIST / "index.html"
    if not index.is_file():
        raise Http404("Frontend not built: run `make run` (it builds frontend/) or `npm run build`.")
    return FileResponse(index.open("rb"), content_type="text/html; charset=utf-8")


# Django's admin asks for the second factor too: a staff session that gave no code is not staff there.
admin.site.__class__ = OTPAdminSite

api = [
    path("health/", HealthApi.as_view(), name="health"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    path("auth/", include("backend.accounts.urls")),
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
