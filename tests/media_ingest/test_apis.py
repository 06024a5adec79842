"""Ingest APIs through URLs with real logins and device tokens (local store)."""
from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from backend.core.signed_urls import sign_object_url
from media_ingest import services_discovery, services_indexing
from media_ingest.models import Clip
from tests.openapi_bodies import check

from .conftest import minio_event

HOOK = "/api/media/hooks/minio/"
KEY = "CAM-TC-01/2026/04/01/083000.mp4"


# --- webhook --------------------------------------------------------------------------------------
def test_webhook_needs_a_webhook_token(api_as: Any, anon: Any, store: Any) -> None:
    event = minio_event(store.bucket, KEY, size=10, etag="abc")
    assert anon.post(HOOK, event, format="json").status_code == 401
    assert anon.post(HOOK, event, format="json", HTTP_AUTHORIZATION="Bearer nope").status_code == 401
    response = api_as("admin").post(HOOK, event, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["message_en"].startswith("A valid device token")


def test_webhook_rejects_what_is_not_a_minio_event(anon: Any, webhook_token: str) -> None:
    auth = {"HTTP_AUTHORIZATION": f"Bearer {webhook_token}"}
    bad_json = anon.post(HOOK, "{not json", content_type="application/json", **auth)
    assert bad_json.status_code == 400 and bad_json.json()["error"]["code"] == "parse_error"
    wrong_shape = anon.post(HOOK, {"hello": "world"}, format="json", **auth)
    assert wrong_shape.status_code == 400
    body = wrong_shape.json()["error"]
    assert body["code"] == "invalid_event" and "Records" in body["message_en"] and body["message"]
    no_key = anon.post(HOOK, {"Records": [{"eventName": "s3:ObjectCreated:Put", "s3": {"bucket": {"name": "b"},
                                                                                        "object": {}}}]},
                       format="json", **auth)
    assert no_key.status_code == 400 and "s3.object.key" in no_key.json()["error"]["message_en"]
    assert not Clip.objects.exists()


def test_webhook_is_idempotent_and_decodes_keys(anon: Any, webhook_token: str, store: Any, counter_clip: Any,
                                                django_capture_on_commit_callbacks: Any) -> None:
    key = "Hộp thư/bản ghi 1.mp4"  # URL-encoded by MinIO in the event
    info = store.put_file(key, counter_clip.path, "video/mp4")
    event = minio_event(store.bucket, key, size=info.size, etag=info.etag)
    auth = {"HTTP_AUTHORIZATION": f"Token {webhook_token}"}
    with django_capture_on_commit_callbacks() as callbacks:
        first = anon.post(HOOK, event, format="json", **auth).json()
    second = anon.post(HOOK, event, format="json", **auth).json()
    assert first["created"] == 1 and second["created"] == 0 and second["known"] == 1
    assert first["clips"] == second["clips"]
    clip = Clip.objects.get()
    assert clip.key == key and clip.camera is None
    assert len(callbacks) == 2
    deleted = minio_event(store.bucket, key, size=0, etag="", name="s3:ObjectRemoved:Delete")
    assert anon.post(HOOK, deleted, format="json", **auth).json()["ignored"] == 1
    other_bucket = minio_event("someone-else", key, size=1, etag="x")
    assert anon.post(HOOK, other_bucket, format="json", **auth).json()["ignored"] == 1
    assert Clip.objects.count() == 1


# --- uploads + signed object URLs ------------------------------------------------------------------
def _ticket(client: Any, camera: Any, **overrides: Any) -> Any:
    body = {"camera_id": camera.pk, "started_at": "2026-04-01T08:30:00+07:00", "filename": "quay.mp4",
            "content_type": "video/mp4", **overrides}
    return client.post("/api/media/uploads/", body, format="json")


@pytest.mark.django_db(transaction=True)
def test_reviewer_upload_is_discovered_and_indexed(api_as: Any, camera: Any, eager: None,
                                                   counter_clip: Any) -> None:
    response = _ticket(api_as("reviewer"), camera)
    assert response.status_code == 201, response.content
    ticket = response.json()
    assert ticket["key"] == KEY and ticket["method"] == "PUT"
    assert ticket["headers"] == {"Content-Type": "video/mp4"}
    raw = Client()
    data = counter_clip.path.read_bytes()
    wrong = raw.put(ticket["url"], data, content_type="application/octet-stream")
    assert wrong.status_code == 400 and wrong.json()["error"]["code"] == "wrong_content_type"
    assert raw.get(ticket["url"]).status_code == 403  # an upload link does not read
    done = raw.put(ticket["url"], data, content_type="video/mp4")
    assert done.status_code == 201, done.content
    clip = Clip.objects.get(pk=done.json()["clip_id"])
    assert clip.source == Clip.Source.UPLOAD and clip.state == Clip.State.INDEXED
    assert clip.camera_id == camera.pk
    again = raw.put(ticket["url"], data, content_type="video/mp4")
    assert again.status_code == 409  # stored footage is never overwritten
    # the same start time again is refused before any upload
    assert _ticket(api_as("reviewer"), camera).status_code == 409


@pytest.mark.parametrize(("overrides", "field"), [
    ({"content_type": "application/pdf"}, "content_type"),
    ({"filename": "quay.exe"}, "filename"),
    ({"started_at": "2030-01-01T08:00:00+07:00"}, "started_at"),
])
def test_upload_ticket_validation(api_as: Any, camera: Any, overrides: dict[str, str], field: str) -> None:
    response = _ticket(api_as("reviewer"), camera, **overrides)
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert response.json()["error"]["message"].startswith("Không tạo được")


def test_upload_roles_and_scope(api_as: Any, camera: Any, demo: Any) -> None:
    from backend.org.models import Camera

    assert _ticket(api_as("unithead"), camera).status_code == 403
    assert _ticket(api_as("discipline"), camera).status_code == 403
    assert _ticket(api_as("reviewer"), camera, camera_id=999999).status_code == 400
    kl = Camera.objects.get(code="CAM-KL-01")
    assert _ticket(api_as("inspector"), kl).status_code == 201


def test_signed_get_supports_ranges(store: Any, counter_clip: Any) -> None:
    store.put_file(KEY, counter_clip.path, "video/mp4")
    data = counter_clip.path.read_bytes()
    size = len(data)
    url = store.playback_url(KEY, seconds=60, filename="Quầy một cửa.mp4")
    client = Client()
    full = client.get(url)
    assert full.status_code == 200 and full["Accept-Ranges"] == "bytes"
    assert full.getvalue() == data
    assert full["Content-Type"] == "video/mp4" and "UTF-8''Qu" in full["Content-Disposition"]
    part = client.get(url, HTTP_RANGE="bytes=1000-1999")
    assert part.status_code == 206 and part["Content-Range"] == f"bytes 1000-1999/{size}"
    assert part.getvalue() == data[1000:2000] and part["Content-Length"] == "1000"
    tail = client.get(url, HTTP_RANGE="bytes=-500")
    assert tail.getvalue() == data[-500:]
    open_end = client.get(url, HTTP_RANGE=f"bytes={size - 10}-")
    assert open_end.getvalue() == data[-10:]
    beyond = client.get(url, HTTP_RANGE=f"bytes={size}-")
    assert beyond.status_code == 416 and beyond["Content-Range"] == f"bytes */{size}"
    assert client.get(url, HTTP_RANGE="bytes=500-100").status_code == 416
    head = client.head(url, HTTP_RANGE="bytes=0-9")
    assert head.status_code == 206 and head["Content-Length"] == "10"


def test_signed_urls_expire_and_cannot_be_forged(store: Any, counter_clip: Any, monkeypatch: Any) -> None:
    import time

    store.put_file(KEY, counter_clip.path, "video/mp4")
    url = store.playback_url(KEY, seconds=30)
    client = Client()
    forged = url.replace("/objects/", "/objects/x")
    assert client.get(forged).status_code == 403
    other = sign_object_url("CAM-TC-01/other.mp4", seconds=30, bucket=store.bucket)
    assert client.get(other).status_code == 404
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 31)
    expired = client.get(url)
    assert expired.status_code == 403 and expired.json()["error"]["code"] == "expired"


# --- admin ---------------------------------------------------------------------------------------
@pytest.fixture
def clips(camera: Any, store: Any, counter_clip: Any) -> list[Clip]:
    """One indexed, one failed, one unassigned clip."""
    from media_ingest.discovery import ObjectRef

    made: list[Clip] = []
    for key in (KEY, "CAM-TC-01/2026/04/01/090000.mp4", "inbox/a.mp4"):
        info = store.put_file(key, counter_clip.path, "video/mp4")
        ref = ObjectRef(bucket=store.bucket, key=key, size=info.size, etag=info.etag, version=info.version)
        clip = services_discovery.clip_discover(ref=ref, source=Clip.Source.WEBHOOK).clip
        assert clip is not None
        made.append(clip)
    store.delete("CAM-TC-01/2026/04/01/090000.mp4")
    for clip in made:
        services_indexing.clip_index(clip_id=clip.pk)
    return made


def test_ingest_status_and_problem_lists(api_as: Any, clips: list[Clip],
                                         django_assert_max_num_queries: Any) -> None:
    admin = api_as("admin")
    status = check(admin.get("/api/media/ingest/status/"), "get", "/api/media/ingest/status/", strict=True)
    assert status["total"] == 3
    assert status["by_state"]["indexed"] == 2 and status["by_state"]["failed"] == 1
    assert status["unassigned"] == 1 and status["outdated"] == 0
    with django_assert_max_num_queries(6):
        failed = admin.get("/api/media/ingest/clips/?problem=failed").json()
    assert failed["count"] == 1
    row = failed["results"][0]
    assert row["state"] == "failed" and row["error"] and "no longer in the store" in row["error_en"]
    unassigned = admin.get("/api/media/ingest/clips/?problem=unassigned").json()["results"]
    assert [r["key"] for r in unassigned] == ["inbox/a.mp4"] and unassigned[0]["camera"] is None
    check(admin.get("/api/media/ingest/clips/"), "get", "/api/media/ingest/clips/", strict=True)  # the declared rows
    assert admin.get("/api/media/ingest/clips/?problem=weird").status_code == 400
    assert api_as("reviewer").get("/api/media/ingest/status/").status_code == 403
    assert api_as("reviewer").get("/api/media/ingest/clips/").status_code == 403


def test_ingest_clip_list_query_count_does_not_grow(api_as: Any, camera: Any, store: Any, counter_clip: Any,
                                                    django_assert_max_num_queries: Any) -> None:
    from media_ingest.discovery import ObjectRef

    info = store.put_file(KEY, counter_clip.path, "video/mp4")
    for i in range(25):
        ref = ObjectRef(bucket=store.bucket, key=f"CAM-TC-01/2026/04/02/08{i:02d}00.mp4", size=info.size,
                        etag=f"e{i}", version="")
        services_discovery.clip_discover(ref=ref, source=Clip.Source.RECONCILE)
    admin = api_as("admin")
    with django_assert_max_num_queries(6):
        page = admin.get("/api/media/ingest/clips/").json()
    assert page["count"] == 25 and all(r["camera"]["code"] == "CAM-TC-01" for r in page["results"])


def test_retry_and_assign(api_as: Any, clips: list[Clip], store: Any, counter_clip: Any,
                          django_capture_on_commit_callbacks: Any) -> None:
    from backend.org.models import Camera

    admin = api_as("admin")
    failed = clips[1]
    assert api_as("reviewer").post(f"/api/media/clips/{failed.pk}/retry/").status_code == 403
    store.put_file(failed.key, counter_clip.path, "video/mp4")  # the file is back... as new content
    with django_capture_on_commit_callbacks() as callbacks:
        response = admin.post(f"/api/media/clips/{failed.pk}/retry/")
    assert response.status_code == 202 and response.json()["state"] == "discovered"
    assert len(callbacks) == 2
    assert admin.post(f"/api/media/clips/{failed.pk}/retry/").json()["error"]["code"] == "already_queued"
    assert admin.post("/api/media/clips/999999/retry/").status_code == 404

    stray = clips[2]
    nd = Camera.objects.get(code="CAM-ND-01")
    missing_time = admin.post(f"/api/media/clips/{stray.pk}/assign/", {"camera_id": nd.pk}, format="json")
    assert missing_time.status_code == 400 and "started_at" in missing_time.json()["error"]["fields"]
    ok = admin.post(f"/api/media/clips/{stray.pk}/assign/",
                    {"camera_id": nd.pk, "started_at": "2026-04-01T10:00:00+07:00"}, format="json")
    assert ok.status_code == 202, ok.content
    body = ok.json()
    assert body["camera"]["code"] == "CAM-ND-01" and body["started_at"].startswith("2026-04-01T10:00:00")
    assert body["unassigned_reason"] == "" and body["state"] == "discovered"
    services_indexing.clip_index(clip_id=stray.pk)
    stray.refresh_from_db()
    assert stray.state == Clip.State.INDEXED


def test_camera_analysis_settings_api(api_as: Any, camera: Any) -> None:
    admin = api_as("admin")
    url = f"/api/media/cameras/{camera.pk}/analysis/"
    body = admin.get(url).json()
    assert body["overrides"] == {} and body["effective"]["unattended_after_s"] == 20.0
    bad = admin.put(url, {"overrides": {"unattended_after_s": 0}}, format="json")
    assert bad.status_code == 400 and "unattended_after_s" in bad.json()["error"]["fields"]
    good = admin.put(url, {"overrides": {"unattended_after_s": 8}}, format="json")
    assert good.status_code == 200 and good.json()["effective"]["unattended_after_s"] == 8
    assert api_as("reviewer").get(url).status_code == 403
    assert admin.get("/api/media/cameras/999999/analysis/").status_code == 404


def test_signed_get_streams_ranges_under_asgi(store: Any, counter_clip: Any) -> None:
    """The production server is ASGI: the body is streamed chunk by chunk (async iterator).

    The client runs on its own event loop in a thread, so a loop left running in the main thread
    by another suite cannot interfere."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    import httpx
    from django.core.asgi import get_asgi_application

    store.put_file(KEY, counter_clip.path, "video/mp4")
    data = counter_clip.path.read_bytes()
    url = store.playback_url(KEY, seconds=60)
    app = get_asgi_application()

    async def fetch() -> tuple[httpx.Response, httpx.Response]:
        transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]  # Django's ASGIHandler is an ASGI app; the stubs' signature differs from httpx's
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            return (await client.get(url, headers={"Range": "bytes=300000-"}), await client.get(url))

    with ThreadPoolExecutor(max_workers=1) as pool:
        part, full = pool.submit(asyncio.run, fetch()).result(timeout=60)
    assert part.status_code == 206 and part.content == data[300000:]
    assert part.headers["content-range"] == f"bytes 300000-{len(data) - 1}/{len(data)}"
    assert full.status_code == 200 and full.content == data


@pytest.mark.django_db(transaction=True)
def test_webhook_keys_the_store_refuses_end_failed_never_stuck(anon: Any, webhook_token: str, demo: Any,
                                                               eager: None) -> None:
    """Issue 11.8: a key MinIO accepts but the store adapter refuses (`a//b`, `..`, a backslash) was
    recorded, queued, and left `indexing` when the job raised. It now ends failed and unassigned
    with a reason at once; a key too long to record is not a clip at all (audited)."""
    from backend.audit.models import AuditEvent

    auth = {"HTTP_AUTHORIZATION": f"Bearer {webhook_token}"}
    for key in ("CAM-TC-01/2026//083000.mp4", "CAM-TC-01/../secret.mp4", "CAM-TC-01\\2026\\x.mp4"):
        body = anon.post(HOOK, minio_event(settings_bucket(), key, size=10, etag="abc"), format="json", **auth).json()
        assert body["created"] == 1, (key, body)
        clip = Clip.objects.get(key=key)
        assert clip.state == Clip.State.FAILED, (key, clip.state)
        assert clip.camera is None and "refuses" in clip.unassigned_reason
        assert "rename the object" in clip.error_en and clip.error.startswith("Tên tệp không hợp lệ")
    long_key = "CAM-TC-01/" + "x" * 950 + ".mp4"
    body = anon.post(HOOK, minio_event(settings_bucket(), long_key, size=10, etag="abc"), format="json", **auth).json()
    assert body["created"] == 0 and body["ignored"] == 1
    assert AuditEvent.objects.filter(verb="clip.key_refused").count() == 1
    assert not Clip.objects.filter(state__in=[Clip.State.DISCOVERED, Clip.State.INDEXING]).exists()


def test_a_refused_key_recorded_before_the_check_fails_when_indexed(demo: Any) -> None:
    """A clip recorded by an older version with a key the store refuses: indexing fails it with the
    reason instead of raising and leaving it `indexing` for the stale-requeue loop."""
    from media_ingest import tasks

    clip = Clip.objects.create(bucket=settings_bucket(), key="CAM-TC-01/a//b.mp4", version_id="e", etag="e")
    assert tasks.index_clip.apply(args=[clip.pk]).get() == Clip.State.FAILED
    clip.refresh_from_db()
    assert clip.state == Clip.State.FAILED and "rename the object" in clip.error_en


def settings_bucket() -> str:
    from backend.core.store import get_footage_store

    return get_footage_store().bucket


def test_signed_object_tokens_never_reach_the_server_logs(store: Any, counter_clip: Any) -> None:
    """Issue 11.8: the uvicorn access log (and Django's request log) printed every signed object URL
    whole, so anyone reading the logs could replay a playback link until it expired."""
    import logging

    from backend.core.signed_urls import sign_object_url

    url = sign_object_url(KEY, seconds=60, bucket=store.bucket)
    token = url.rstrip("/").rsplit("/", 1)[-1]
    presigned = "/counterwatch/CAM-TC-01/x.mp4?X-Amz-Credential=AKIA%2F20260401&X-Amz-Signature=deadbeef01"
    seen: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(record.getMessage())

    keep = Keep()
    for name in ("uvicorn.access", "django.request"):
        logger = logging.getLogger(name)
        logger.addHandler(keep)
        old_level = logger.level
        logger.setLevel(logging.INFO)
        try:
            if name == "uvicorn.access":  # the record uvicorn's httptools/h11 protocols write
                logger.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5555", "GET", url + "?x=1", "1.1", 206)
                logger.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5555", "GET", presigned, "1.1", 200)
            else:
                logger.error("Internal Server Error: %s", url)
        finally:
            logger.removeHandler(keep)
            logger.setLevel(old_level)
    assert len(seen) == 3
    for line in seen:
        assert token not in line and "deadbeef01" not in line and "AKIA" not in line, line
    assert "/api/media/objects/[redacted]/" in seen[0] and "GET" in seen[0] and "206" in seen[0]
