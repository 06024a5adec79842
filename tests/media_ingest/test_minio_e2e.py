"""The MinIO adapter over HTTP against a local S3 server (moto), end to end through the app:
put -> discovered (webhook, reconcile) -> indexed -> events + derivatives -> Range playback."""
from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import httpx
import pytest

from backend.core.minio_store import MinioStore
from backend.core.store import ObjectChanged, ObjectMissing, StoreError, get_store
from media_ingest import services_discovery, services_reconcile
from media_ingest.models import Clip

from .conftest import minio_event

KEY = "CAM-TC-01/2026/04/01/083000.mp4"


def test_adapter_basics(minio_store: MinioStore, tmp_path: Path) -> None:
    info = minio_store.put("a/b/c.bin", io.BytesIO(b"0123456789" * 1000), 10_000, "application/octet-stream")
    assert info.size == 10_000 and info.etag
    stat = minio_store.stat("a/b/c.bin")
    assert (stat.size, stat.etag) == (10_000, info.etag)
    with minio_store.open("a/b/c.bin") as fh:
        assert fh.read(10) == b"0123456789"
    with minio_store.open_range("a/b/c.bin", 5, 7) as fh:
        assert fh.read() == b"5678901"
    minio_store.put("a/b/d.bin", io.BytesIO(b"x"), 1, "application/octet-stream")
    minio_store.put("z.bin", io.BytesIO(b"y"), 1, "application/octet-stream")
    assert [o.key for o in minio_store.list()] == ["a/b/c.bin", "a/b/d.bin", "z.bin"]
    assert [o.key for o in minio_store.list(prefix="a/")] == ["a/b/c.bin", "a/b/d.bin"]
    assert [o.key for o in minio_store.list(start_after="a/b/c.bin")] == ["a/b/d.bin", "z.bin"]
    dest = tmp_path / "c.bin"
    minio_store.download("a/b/c.bin", dest, etag=info.etag)
    assert dest.read_bytes() == b"0123456789" * 1000
    with pytest.raises(ObjectChanged):
        minio_store.download("a/b/c.bin", dest, etag="0" * 32)
    minio_store.delete("a/b/d.bin")
    with pytest.raises(ObjectMissing):
        minio_store.stat("a/b/d.bin")
    assert minio_store.health()["ok"] is True


def test_adapter_reports_an_unreachable_server_as_transient(tmp_path: Path) -> None:
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    store = MinioStore(endpoint=f"127.0.0.1:{port}", access_key="k", secret_key="s", bucket="b")
    store.client._http.connection_pool_kw["retries"] = 0  # fail fast in the test
    with pytest.raises(StoreError) as err:
        store.stat("x.mp4")
    assert not isinstance(err.value, ObjectMissing)
    assert store.health()["ok"] is False


@pytest.mark.django_db(transaction=True)
def test_end_to_end_through_minio(minio_store: MinioStore, demo: Any, eager: None, fast_rules: Any,
                                  webhook_token: str, counter_clip: Any, mpeg4_clip: Any, anon: Any) -> None:
    # 1. a camera uploads a clip; MinIO notifies the webhook (twice: MinIO retries deliveries)
    info = minio_store.put_file(KEY, counter_clip.path, "video/mp4")
    event = minio_event(minio_store.bucket, KEY, size=info.size, etag=info.etag, version=info.version)
    for _ in range(2):
        response = anon.post("/api/media/hooks/minio/", event, format="json",
                             HTTP_AUTHORIZATION=f"Bearer {webhook_token}")
        assert response.status_code == 200, response.content
    assert Clip.objects.count() == 1
    clip = Clip.objects.get()
    assert clip.source == Clip.Source.WEBHOOK and clip.camera is not None and clip.camera.code == "CAM-TC-01"

    # 2. indexed (jobs run when the webhook's transaction commits)
    assert clip.state == Clip.State.INDEXED, (clip.state, clip.error_en)
    kinds = {(e.kind, (e.detail or {}).get("subtype")) for e in clip.events.all()}
    assert {("presence", None), ("officer_absent", None), ("unattended", None), ("tamper", "covered"),
            ("tamper", "blurred"), ("tamper", "moved")} <= kinds

    # 3. derivatives are in the app's own bucket, keyed by the clip, and readable; the footage
    # bucket still holds the camera's upload only
    app = get_store()
    assert app.bucket != minio_store.bucket
    for key in (clip.poster_key, clip.sprite_key, clip.vtt_key):
        assert key.startswith(KEY + ".derived/")
        with app.open(key) as fh:
            assert len(fh.read(64)) > 0
    thumbs = [e.thumbnail_key for e in clip.events.all()]
    assert all(app.stat(k).size > 0 for k in thumbs)
    assert [i.key for i in minio_store.list()] == [KEY]

    # 4. the playback URL serves a Range request (seeking) over HTTP
    url = minio_store.playback_url(clip.key, seconds=120, filename="clip.mp4")
    ranged = httpx.get(url, headers={"Range": "bytes=100-1099"})
    assert ranged.status_code == 206
    assert ranged.content == counter_clip.path.read_bytes()[100:1100]
    assert ranged.headers["content-range"] == f"bytes 100-1099/{info.size}"

    # 5. an object the notification missed is found by the reconcile scan; derivatives are skipped
    other = "CAM-ND-01/2026/04/01/090000.mp4"
    minio_store.put_file(other, mpeg4_clip.path, "video/mp4")
    minio_store.put_file("stray/recording.mp4", mpeg4_clip.path, "video/mp4")
    report = services_reconcile.reconcile_run()
    assert report.created == 2 and not report.errors
    found = Clip.objects.get(key=other)
    assert found.source == Clip.Source.RECONCILE and found.state == Clip.State.INDEXED
    assert found.proxy_key and app.stat(found.proxy_key).content_type == "video/mp4"
    stray = Clip.objects.get(key="stray/recording.mp4")
    assert stray.camera is None and "does not follow" in stray.unassigned_reason
    assert not Clip.objects.filter(key__contains=".derived/").exists()
    # an incremental pass finds nothing new and creates nothing twice
    assert services_reconcile.reconcile_run().created == 0
    assert Clip.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_versions_in_a_versioned_bucket_are_separate_clips(minio_store: MinioStore, demo: Any, eager: None,
                                                           counter_clip: Any, mpeg4_clip: Any) -> None:
    from minio.versioningconfig import ENABLED, VersioningConfig

    minio_store.client.set_bucket_versioning(minio_store.bucket, VersioningConfig(ENABLED))
    first = minio_store.put_file(KEY, counter_clip.path, "video/mp4")
    second = minio_store.put_file(KEY, mpeg4_clip.path, "video/mp4")
    assert first.version and second.version and first.version != second.version
    for info in (first, second, first):
        services_discovery.clip_discover(ref=services_discovery.ref_from_info(minio_store.bucket, info), source=Clip.Source.WEBHOOK)
    clips = {c.version_id: c for c in Clip.objects.all()}
    assert set(clips) == {first.version, second.version}
    # each clip was indexed from its own version, not the latest one
    assert clips[first.version].codec == "h264" and clips[first.version].state == Clip.State.INDEXED
    assert clips[second.version].codec == "mpeg4" and clips[second.version].state == Clip.State.INDEXED


def test_playback_urls_are_signed_for_the_public_endpoint(s3_server: str) -> None:
    store = MinioStore(endpoint="minio:9000", access_key="k", secret_key="s", bucket="cw-footage",
                       public_endpoint="video.example.vn:9443")
    url = store.playback_url("CAM-01/2026/04/01/080000.mp4", seconds=60)
    assert url.startswith("http://video.example.vn:9443/cw-footage/CAM-01/2026/04/01/080000.mp4?")
    assert "X-Amz-Signature=" in url and "X-Amz-Expires=60" in url
    upload = store.upload_url("CAM-01/2026/04/01/090000.mp4", seconds=600, content_type="video/mp4")
    assert upload.startswith("http://video.example.vn:9443/cw-footage/")


def test_the_split_moves_the_apps_objects_between_buckets_over_s3(minio_store: MinioStore) -> None:
    """What an install before the split wrote into the footage bucket moves to the app's bucket,
    byte for byte, through the S3 API; camera uploads stay."""
    from media_ingest.layout import SplitReport, move_objects

    app = get_store()
    written = {"inspection/checks/u1/minutes-aa.pdf": b"%PDF-1.4 minutes" * 1000,
               f"{KEY}.derived/7/poster.jpg": b"\xff\xd8poster"}
    for key, data in {**written, KEY: b"\x00\x00\x00\x18ftypmp42"}.items():
        minio_store.put(key, io.BytesIO(data), len(data), "application/octet-stream")
    report = SplitReport()
    move_objects(footage=minio_store, app=app, report=report)
    assert sorted(report.moved) == sorted(written)
    assert [i.key for i in minio_store.list()] == [KEY]
    for key, data in written.items():
        with app.open(key) as fh:
            assert fh.read() == data
    assert app.stat("inspection/checks/u1/minutes-aa.pdf").content_type == "application/pdf"
