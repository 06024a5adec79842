"""ASGI entry point: HTTP (Django) and websockets (Channels) in one application."""
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
django.setup(set_prefix=False)  # build Django first, then import anything touching models

from django.conf import settings  # noqa: E402

from backend.core.asgi import ServerHandler  # noqa: E402

# Django's HTTP handler with each request's sync work in one hop on a pooled thread (see there).
django_asgi_app = ServerHandler(threads=settings.HTTP_THREADS)

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
