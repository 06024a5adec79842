"""Ingest under faults, with real Celery worker processes on a dedicated PostgreSQL database and
Redis db (skipped with the reason when either is not reachable):

- a worker killed (-9, with its whole process group) at random points while indexing, 20 times:
  every clip ends indexed exactly once (one row per object, one `clip.indexed` audit event, its
  events written once);
- the object store cut off for 30 s while clips are being indexed and new ones arrive: nothing
  lost, every clip indexed after it comes back;
- the database restarted during ingest: the same;
- a flood of 1,000 notifications for the same 10 objects: 10 clips, 10 index jobs (in-process).
"""
from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from backend.core.actors import SystemActor
from tests.hardening.faults import Cluster, CuttableProxy, moto_server, services_reachable, synth_clip

REASON = services_reachable()
# one worker runs the started stacks one after another (see tests/scaled/test_journey.py)
pytestmark = pytest.mark.xdist_group("started_stacks")
real_workers = pytest.mark.skipif(bool(REASON), reason=f"needs PostgreSQL and Redis: {REASON}")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Any:
    if REASON:
        pytest.skip(REASON)
    c = Cluster(tmp_path_factory.mktemp("faults"))
    try:
        yield c
    finally:
        c.close()


@pytest.fixture(scope="module")
def clip_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return synth_clip(tmp_path_factory.mktemp("clip") / "clip.mp4", seconds=20.0)


def _keys(camera: str, n: int, hour: int) -> list[str]:
    t0 = datetime(2026, 5, 4, hour, 0, 0, tzinfo=UTC)  # only formatted into a key (local-time convention)
    return [f"{camera}/{(t0 + timedelta(seconds=30 * i)):%Y/%m/%d/%H%M%S}.mp4" for i in range(n)]


def _assert_indexed_exactly_once(cluster: Cluster, bucket: str, keys: list[str]) -> None:
    rows = cluster.query("SELECT id, key, state, event_count FROM media_ingest_clip WHERE bucket=%s AND key = ANY(%s)",
                         (bucket, keys))
    assert sorted(r[1] for r in rows) == sorted(keys), "one clip row per object, none missing"
    assert {r[2] for r in rows} == {"indexed"}, {r[1]: r[2] for r in rows if r[2] != "indexed"}
    ids = [r[0] for r in rows]
    events = dict(cluster.query("SELECT clip_id, count(*) FROM media_ingest_clipevent WHERE clip_id = ANY(%s) "
                                "GROUP BY clip_id", (ids,)))
    for clip_id, _key, _state, event_count in rows:
        assert events.get(clip_id, 0) == event_count, f"clip {clip_id}: events written more than once"
    assert len({r[3] for r in rows}) == 1, "the same footage gave different results"
    done = dict(cluster.query("SELECT object_id, count(*) FROM audit_auditevent WHERE verb='clip.indexed' "
                              "AND object_type='media_ingest.clip' AND object_id = ANY(%s) GROUP BY object_id",
                              ([str(i) for i in ids],)))
    assert all(done.get(str(i)) == 1 for i in ids), {i: done.get(str(i)) for i in ids if done.get(str(i)) != 1}
    assert "Audit chain OK" in cluster.django("audit_verify")


@pytest.fixture(autouse=True)
def _no_worker_outlives_its_test(request: pytest.FixtureRequest) -> Any:
    """A worker left running by a failed test would serve the next test's queue with its own settings
    (the kill test's worker reads the local store and marks the outage test's clips 'deleted')."""
    yield
    if "cluster" in request.fixturenames:
        request.getfixturevalue("cluster").stop_all()


def _copy_into_local_store(cluster: Cluster, clip_file: Path, keys: list[str]) -> None:
    root = Path(cluster.env["COUNTERWATCH_OBJECTS_DIR"]) / "counterwatch"
    for key in keys:
        (root / key).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(clip_file, root / key)
    cluster.shell("from media_ingest.services_reconcile import reconcile_run; reconcile_run()")


@real_workers
def test_worker_killed_20_times_mid_clip_every_clip_indexed_once(cluster: Cluster, clip_file: Path) -> None:
    keys = _keys("CAM-TC-01", 40, 9)
    _copy_into_local_store(cluster, clip_file, keys)
    rng = random.Random(20260504)
    worker = cluster.start_worker()
    kills, batch = 0, 0
    while kills < 20:
        started = datetime.now(UTC)
        deadline = time.monotonic() + 60
        # wait for this worker to be inside a clip, then kill it at a random point of it
        while not cluster.query("SELECT 1 FROM media_ingest_clip WHERE state='indexing' AND indexing_started_at > %s",
                                (started,)):
            if cluster.states("counterwatch") == {"indexed": len(keys)}:
                # indexing outran the kills (a fast machine): the cameras deliver ten more clips
                batch += 1
                more = _keys("CAM-TC-01", 10, 12 + batch)
                _copy_into_local_store(cluster, clip_file, more)
                keys += more
            assert time.monotonic() < deadline, f"no clip being indexed after {kills} kills: {cluster.states('counterwatch')}"
            time.sleep(0.02)
        time.sleep(rng.uniform(0.0, 0.8))
        cluster.kill(worker)
        kills += 1
        worker = cluster.start_worker()
    states = cluster.wait_all_indexed("counterwatch", len(keys), timeout=240)
    cluster.kill(worker)  # its settings (local store) must not serve the next test's queue
    assert states == {"indexed": len(keys)}, states
    _assert_indexed_exactly_once(cluster, "counterwatch", keys)


@real_workers
def test_store_unreachable_for_30s_nothing_lost(cluster: Cluster, clip_file: Path) -> None:
    from minio import Minio

    with moto_server() as s3_port:
        proxy = CuttableProxy(s3_port)
        bucket = "cw-outage"
        env = {**cluster.env, "MINIO_ENDPOINT": f"127.0.0.1:{proxy.port}", "MINIO_ACCESS_KEY": "testing",
               "MINIO_SECRET_KEY": "testing", "MINIO_BUCKET": bucket, "MINIO_APP_BUCKET": f"{bucket}-app",
               # no worker dies here: the production wait before re-queueing a never-started clip
               # (the kill test's 20 s would add duplicate retry chains during the outage)
               "MEDIA_REQUEUE_QUEUED_AFTER_SECONDS": "1800"}
        direct = Minio(f"127.0.0.1:{s3_port}", access_key="testing", secret_key="testing", secure=False)
        direct.make_bucket(bucket)
        direct.make_bucket(f"{bucket}-app")  # derivatives go to the app's own bucket
        before, during = _keys("CAM-ND-01", 8, 10), _keys("CAM-ND-01", 6, 11)
        for key in before:
            direct.fput_object(bucket, key, str(clip_file), content_type="video/mp4")
        cluster.shell("from media_ingest.services_reconcile import reconcile_run; reconcile_run()", env=env)
        worker = cluster.start_worker(env)
        # Cut the store as soon as the worker is busy with a clip (or, on a slow machine, after 90 s
        # while clips are still waiting): either way the outage hits an ingest in progress.
        deadline = time.monotonic() + 90
        while (time.monotonic() < deadline
               and not cluster.query("SELECT 1 FROM media_ingest_clip WHERE bucket=%s AND state='indexing'",
                                     (bucket,))):
            time.sleep(0.02)
        assert cluster.states(bucket).get("indexed", 0) < len(before), "every clip was indexed before the cut"
        proxy.cut()  # mid-clip: downloads and derivative uploads fail, the scan cannot list
        try:
            for key in during:  # cameras keep writing to the store meanwhile
                direct.fput_object(bucket, key, str(clip_file), content_type="video/mp4")
            time.sleep(30)
            assert cluster.states(bucket).get("indexed", 0) < len(before) + len(during)
        finally:
            proxy.restore()
        states = cluster.wait_all_indexed(bucket, len(before) + len(during), timeout=240)
        cluster.kill(worker)
        proxy.close()
    errors = cluster.query("SELECT key, state, attempts, error_en FROM media_ingest_clip WHERE bucket=%s "
                           "AND state <> 'indexed'", (bucket,))
    assert states == {"indexed": len(before) + len(during)}, (states, errors[:5])
    _assert_indexed_exactly_once(cluster, bucket, before + during)


@real_workers
@pytest.mark.skipif(os.environ.get("CW_FAULTS_RESTART_DB") != "1",
                    reason="restarts the shared local PostgreSQL server (pg_ctlcluster 15 main): opt in with "
                           "CW_FAULTS_RESTART_DB=1")
def test_database_restart_during_ingest_nothing_lost(cluster: Cluster, clip_file: Path) -> None:
    keys = _keys("CAM-KL-01", 12, 12)
    root = Path(cluster.env["COUNTERWATCH_OBJECTS_DIR"]) / "counterwatch"
    for key in keys:
        (root / key).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(clip_file, root / key)
    cluster.shell("from media_ingest.services_reconcile import reconcile_run; reconcile_run()")
    worker = cluster.start_worker()
    deadline = time.monotonic() + 120
    while True:
        rows = cluster.query("SELECT count(*) FROM media_ingest_clip WHERE key = ANY(%s) AND state='indexed'", (keys,))
        if rows[0][0] >= 2 and cluster.query("SELECT 1 FROM media_ingest_clip WHERE key = ANY(%s) "
                                             "AND state='indexing'", (keys,)):
            break
        assert time.monotonic() < deadline
        time.sleep(0.05)
    # the shared local server: one short restart (other suites may see a blip)
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", "15", "main", "restart"], check=True, timeout=120)
    states: dict[str, int] = {}
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        states = dict(cluster.query("SELECT state, count(*) FROM media_ingest_clip WHERE key = ANY(%s) GROUP BY state",
                                    (keys,)))
        if states.get("indexed") == len(keys):
            break
        time.sleep(0.5)
    cluster.kill(worker)
    assert states == {"indexed": len(keys)}, states
    _assert_indexed_exactly_once(cluster, "counterwatch", keys)


@pytest.mark.django_db(transaction=True)
@pytest.mark.timeout(1200)  # its setup migrates a PostgreSQL database: 214 s of the 600 on a loaded machine
def test_flood_of_1000_notifications_for_10_objects_gives_10_clips(demo: Any, monkeypatch: Any) -> None:
    from django.db import connections
    from rest_framework.test import APIClient

    from backend.accounts.models import ApiToken, Role
    from backend.accounts.services import api_token_create, user_create
    from backend.core import jobs
    from media_ingest.models import Clip
    from tests.media_ingest.conftest import minio_event

    queued: list[tuple[str, tuple[Any, ...]]] = []
    monkeypatch.setattr(jobs, "enqueue", lambda task, *args: queued.append((task.name, args)))
    service = user_create(by=SystemActor("test"), username="minio-flood", password=None, role=Role.SERVICE, full_name="MinIO")
    _token, key = api_token_create(by=SystemActor("test"), name="flood", kind=ApiToken.Kind.MINIO_WEBHOOK, user=service)
    objects = [(f"CAM-TC-01/2026/05/04/{9 + n // 60:02d}{n % 60:02d}00.mp4", f"etag{n}") for n in range(10)]
    bodies = [json.dumps(minio_event("counterwatch", k, size=1000, etag=e)) for k, e in objects] * 100
    random.Random(3).shuffle(bodies)

    local = threading.local()

    def post(body: str) -> int:
        # one client per thread: a new client loads the middleware again (WhiteNoise walks the static files),
        # a thousand times over, which took the test past its timeout on a loaded machine
        client = getattr(local, "client", None)
        if client is None:
            client = local.client = APIClient()
            client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        try:
            return client.post("/api/media/hooks/minio/", body, content_type="application/json").status_code
        finally:
            connections.close_all()  # this thread's connection, so the test database can be dropped

    from django.db import connection

    # concurrent deliveries on PostgreSQL; SQLite's in-memory test database is one writer at a time
    with ThreadPoolExecutor(max_workers=8 if connection.vendor == "postgresql" else 1) as pool:
        statuses = list(pool.map(post, bodies))
    assert len(statuses) == 1000 and set(statuses) <= {200, 202}, sorted(set(statuses))
    assert Clip.objects.filter(key__in=[k for k, _ in objects]).count() == 10
    index_jobs = [args for name, args in queued if name == "media_ingest.index_clip"]
    assert sorted(a[0] for a in index_jobs) == sorted(Clip.objects.values_list("pk", flat=True))
