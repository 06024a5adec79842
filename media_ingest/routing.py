"""Websocket URL patterns, mounted by backend/asgi.py behind the origin validator and auth stack."""
from django.urls import path

from media_ingest.review.consumers import ReviewConsumer

websocket_urlpatterns = [
    path("ws/review/", ReviewConsumer.as_asgi(), name="ws-review"),
]
