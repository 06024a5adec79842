"""The Celery task: retries transient store errors, then succeeds or fails the clip; idempotent."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from backend.core.store import StoreError
from media_ingest import services_discovery, services_indexing, services_reconcile, tasks
from media_ingest.discovery import ObjectRef
from media_ingest.models import Clip

KEY = "CAM-TC-01/2026/04/01/083000.mp4"


class FlakyStore:
    """The real local store whose downloads fail `failures` times (a network outage stand-in).

    It has no `local_path`, so the worker takes the download path a remote store takes."""

    def __init__(self, inner: Any, failures: int) -> None:
        self.inner = inner
        self.bucket = inner.bucket
        self.failures = failures
        self.downloads = 0

    def download(self, key: str, dest: Path, **kwargs: Any) -> Any:
        self.downloads += 1
        if self.downloads <= self.failures:
            raise StoreError("connection reset by peer")
        return self.inner.download(key, dest, **kwargs)

    def __getattr__(self, name: str) -> Any:
        if name == "local_path":
            raise AttributeError(name)
        return getattr(self.inner, name)


@pytest.fixture
def clip(camera: Any, store: Any, counter_clip: Any) -> Clip:
    info = store.put_file(KEY, counter_clip.path, "video/mp4")
    ref = ObjectRef(bucket=store.bucket, key=KEY, size=info.size, etag=info.etag, version=info.version)
    result = services_discovery.clip_discover(ref=ref, source=Clip.Source.WEBHOOK)
    assert result.clip is not None
    return result.clip


def test_task_options() -> None:
    task = tasks.index_clip
    assert task.queue == "ingest"
    assert task.acks_late is True
    assert task.max_retries == tasks.MAX_RETRIES
    assert services_indexing.TransientStoreError in task.autoretry_for


def test_a_job_that_fails_then_succeeds(clip: Clip, store: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    flaky = FlakyStore(store, failures=1)
    monkeypatch.setattr(services_indexing, "get_footage_store", lambda: flaky)
    result = tasks.index_clip.apply(args=[clip.pk])
    assert result.successful(), result.traceback
    assert result.get() == Clip.State.INDEXED
    clip.refresh_from_db()
    assert clip.state == Clip.State.INDEXED
    assert clip.attempts == 2 and flaky.downloads == 2
    assert clip.events.exists()


def test_a_store_that_stays_down_fails_the_clip_after_the_last_retry(
        clip: Clip, store: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    flaky = FlakyStore(store, failures=100)
    monkeypatch.setattr(services_indexing, "get_footage_store", lambda: flaky)
    result = tasks.index_clip.apply(args=[clip.pk])
    assert result.get() == Clip.State.FAILED
    clip.refresh_from_db()
    assert clip.state == Clip.State.FAILED
    assert flaky.downloads == tasks.MAX_RETRIES + 1
    assert "object store" in clip.error_en and clip.error.startswith("Không kết nối được kho")


def test_running_the_task_twice_indexes_once(clip: Clip) -> None:
    assert tasks.index_clip.apply(args=[clip.pk]).get() == Clip.State.INDEXED
    events = list(clip.events.values_list("pk", flat=True))
    assert tasks.index_clip.apply(args=[clip.pk]).get() == "skipped"
    assert list(clip.events.values_list("pk", flat=True)) == events
    clip.refresh_from_db()
    assert clip.attempts == 1


def test_a_missing_object_fails_without_retrying(clip: Clip, store: Any) -> None:
    store.delete(KEY)
    assert tasks.index_clip.apply(args=[clip.pk]).get() == Clip.State.FAILED
    clip.refresh_from_db()
    assert clip.attempts == 1
    assert "no longer in the store" in clip.error_en


def test_a_clip_failed_by_a_long_store_outage_is_retried_later_and_indexed(
        clip: Clip, store: Any, settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The outage outlasted every retry: the clip is failed as transient, then reconcile queues it
    again once the wait has passed, and it is indexed when the store is back."""
    from datetime import timedelta

    from django.utils import timezone

    down = FlakyStore(store, failures=100)
    monkeypatch.setattr(services_indexing, "get_footage_store", lambda: down)
    assert tasks.index_clip.apply(args=[clip.pk]).get() == Clip.State.FAILED
    clip.refresh_from_db()
    assert clip.failure_transient is True and "tự thử lại" in clip.error
    monkeypatch.setattr(services_indexing, "get_footage_store", lambda: store)  # the store is back

    # the queue itself is Celery's (or the in-process pool's) business: record what is sent to it
    queued: list[int] = []
    monkeypatch.setattr(services_reconcile, "enqueue_on_commit", lambda task, clip_id: queued.append(clip_id))
    settings.MEDIA_RETRY_FAILED_AFTER_SECONDS = 600
    assert services_reconcile.clips_requeue_stale() == 0 and queued == []  # too early: left alone
    Clip.objects.filter(pk=clip.pk).update(indexed_at=timezone.now() - timedelta(seconds=601))
    assert services_reconcile.clips_requeue_stale() == 1 and queued == [clip.pk]
    clip.refresh_from_db()
    assert clip.state == Clip.State.DISCOVERED and clip.failure_transient is False and clip.error_en == ""
    assert tasks.index_clip.apply(args=[clip.pk]).get() == Clip.State.INDEXED
    clip.refresh_from_db()
    assert clip.state == Clip.State.INDEXED and clip.events.exists()


def test_retrying_store_failures_stops_at_the_attempt_cap_and_waits_out_a_failing_pass(
        clip: Clip, store: Any, settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import timedelta

    from django.utils import timezone

    monkeypatch.setattr(services_indexing, "get_footage_store", lambda: FlakyStore(store, failures=1000))
    assert tasks.index_clip.apply(args=[clip.pk]).get() == Clip.State.FAILED
    Clip.objects.filter(pk=clip.pk).update(indexed_at=timezone.now() - timedelta(days=1))
    queued: list[int] = []
    monkeypatch.setattr(services_reconcile, "enqueue_on_commit", lambda task, clip_id: queued.append(clip_id))
    settings.MEDIA_MAX_ATTEMPTS = tasks.MAX_RETRIES + 1  # every attempt is spent
    assert services_reconcile.clips_requeue_stale() == 0
    settings.MEDIA_MAX_ATTEMPTS = tasks.MAX_RETRIES + 2  # one left...
    assert services_reconcile.clips_requeue_stale(store_failures=False) == 0  # ...but the store is still down
    assert queued == []
    assert services_reconcile.clips_requeue_stale() == 1 and queued == [clip.pk]


def test_a_missing_object_is_not_retried_by_reconcile(clip: Clip, store: Any) -> None:
    from datetime import timedelta

    from django.utils import timezone

    store.delete(KEY)
    assert tasks.index_clip.apply(args=[clip.pk]).get() == Clip.State.FAILED
    Clip.objects.filter(pk=clip.pk).update(indexed_at=timezone.now() - timedelta(days=1))
    assert services_reconcile.clips_requeue_stale() == 0
    clip.refresh_from_db()
    assert clip.state == Clip.State.FAILED and clip.failure_transient is False


def test_a_clip_queued_but_never_picked_up_is_queued_again_once_per_wait(
        clip: Clip, settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from backend.audit.models import AuditEvent

    queued: list[int] = []
    monkeypatch.setattr(services_reconcile, "enqueue_on_commit", lambda task, clip_id: queued.append(clip_id))
    settings.MEDIA_REQUEUE_QUEUED_AFTER_SECONDS = 1800
    assert services_reconcile.clips_requeue_stale() == 0  # just discovered: its message is still in the queue
    Clip.objects.filter(pk=clip.pk).update(discovered_at=timezone.now() - timedelta(hours=1))
    assert services_reconcile.clips_requeue_stale() == 1 and queued == [clip.pk]
    assert services_reconcile.clips_requeue_stale() == 0  # handed back just now: wait another period
    clip.refresh_from_db()
    assert clip.state == Clip.State.DISCOVERED and clip.indexing_started_at is not None
    assert AuditEvent.objects.filter(verb="clip.requeued", object_id=str(clip.pk)).count() == 1
