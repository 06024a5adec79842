"""Celery app for the scaled mode. In the embedded mode the same tasks run in-process.

Every task names its queue (`@shared_task(queue=...)`, one queue per kind of work); `task_queues()`
is the one place that lists them, read by the health check and by the test that holds
docker-compose.yml and the README to a consumer for each.
"""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")

app = Celery("counterwatch")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def task_queues() -> dict[str, list[str]]:
    """Queue -> the names of the project's tasks routed to it (task_routes first, then the task's
    own `queue`, then the default queue)."""
    app.loader.import_default_modules()
    routes = app.conf.task_routes or {}
    queues: dict[str, list[str]] = {}
    for name, task in sorted(app.tasks.items()):
        if name.startswith("celery."):
            continue  # Celery's own (chords, backend cleanup): not sent by this project
        route = routes.get(name) if isinstance(routes, dict) else None
        queue = (route or {}).get("queue") or getattr(task, "queue", None) or app.conf.task_default_queue
        queues.setdefault(str(queue), []).append(name)
    return queues
