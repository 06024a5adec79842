"""Every queue a task is routed to has a worker (issue 14 item 1): the task routes, docker-compose.yml
and the README agree; the health check says, per queue, whether a worker listens and how deep it is."""
from __future__ import annotations

import re
import socket
from pathlib import Path
from typing import Any

import pytest
import yaml

from backend.celery import app, task_queues

ROOT = Path(__file__).resolve().parents[2]


def _queues_of(command: list[str] | str) -> set[str]:
    args = command if isinstance(command, list) else command.split()
    if "-Q" not in args:
        return {"celery"}  # a worker without -Q consumes the default queue only
    return set(args[args.index("-Q") + 1].split(","))


def compose_workers() -> dict[str, set[str]]:
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    return {name: _queues_of(svc["command"]) for name, svc in services.items()
            if "worker" in (svc.get("command") or []) and "celery" in (svc.get("command") or [])}


def readme_workers() -> dict[str, set[str]]:
    rows = re.findall(r"^\| `([\w-]+)` \| `([\w,]+)` \|", (ROOT / "README.md").read_text(), re.M)
    return {name: set(queues.split(",")) for name, queues in rows}


def test_the_project_routes_its_tasks_to_named_queues() -> None:
    routed = task_queues()
    assert routed["ingest"] == ["media_ingest.index_clip", "media_ingest.reconcile"]
    assert "review.evidence_package_build" in routed["evidence"]
    assert "inspection.ratings_import" in routed["imports"]


def test_every_queue_a_task_is_routed_to_has_a_compose_worker() -> None:
    consumed = set().union(*compose_workers().values())
    missing = {queue: tasks for queue, tasks in task_queues().items() if queue not in consumed}
    assert not missing, f"queues no docker-compose worker consumes (their tasks never run): {missing}"


def test_readme_and_compose_describe_the_same_workers() -> None:
    assert readme_workers() == compose_workers()
    readme = (ROOT / "README.md").read_text()
    without_docker = [_queues_of(m.split()) for m in re.findall(r"celery -A backend worker -Q [\w,]+", readme)]
    assert sorted(map(sorted, without_docker)) == sorted(map(sorted, compose_workers().values()))


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not _redis_up(), reason="no Redis on 127.0.0.1:6379")
def test_health_reports_each_queue_its_listeners_and_depth(settings: Any) -> None:
    """A real worker on the ingest queue only (Redis db 13, apart from anything else): the health
    check sees ingest listened to, the other queues not (degraded), and a message waiting."""
    from celery.contrib.testing.worker import start_worker

    from backend.core import jobs

    broker = "redis://127.0.0.1:6379/13"
    settings.CELERY_BROKER_URL = broker
    settings.CELERY_TASK_ALWAYS_EAGER = False
    saved = app.conf.broker_url, app.conf.result_backend
    app.conf.broker_url, app.conf.result_backend = broker, None
    try:
        with app.connection_for_write() as conn:
            for name in task_queues():
                conn.default_channel.queue_purge(name) if name else None
        app.send_task("inspection.ratings_import", args=[0], queue="imports")
        with start_worker(app, pool="solo", queues=["ingest"], perform_ping_check=False, shutdown_timeout=10):
            status = jobs.pool_status(inspect_timeout=2.0)
        assert status["mode"] == "celery"
        queues = status["queues"]
        assert set(queues) == set(task_queues())
        assert queues["ingest"]["listening"] is True and queues["ingest"]["workers"] == 1
        assert queues["imports"]["listening"] is False and queues["imports"]["depth"] == 1
        assert queues["evidence"]["listening"] is False
        assert status["ok"] is False and "imports" in status["error"]
    finally:
        with app.connection_for_write() as conn:
            for name in task_queues():
                conn.default_channel.queue_purge(name)
        app.conf.broker_url, app.conf.result_backend = saved
