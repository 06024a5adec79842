"""Celery app for the scaled mode. In the embedded mode the same tasks run in-process."""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")

app = Celery("counterwatch")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
