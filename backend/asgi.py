"""ASGI entry point: HTTP (Django) and websockets (Channels) in one application."""
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
django_asgi_app = get_asgi_application()  # build Django first, then import anything touching models

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from backend.accounts.websocket import TwoFactorGuard  # noqa: E402
from media_ingest.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(TwoFactorGuard(URLRouter(websocket_urlpatterns)))),
    }
)

# Embedded mode: the always-on reconcile scan runs in this process (scaled mode: Celery beat).
from media_ingest.discovery import start_background_if_enabled  # noqa: E402

start_background_if_enabled()
