"""Store layout (issue 14): the footage bucket holds camera uploads only; what the app writes goes to
its own store, so a document never becomes a "clip". The split migration moves what earlier installs
wrote into the footage bucket and drops the document clips, keeping their custody entries."""
from __future__ import annotations

import importlib
import io
from typing import Any

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile

from backend.audit.models import AuditEvent
from backend.audit.services import audit_verify_chain
from backend.core.actors import SystemActor
from backend.core.store import get_footage_store, get_store
from media_ingest import services_reconcile
from media_ingest.layout import written_by_app
from media_ingest.models import Clip
from media_ingest.review.models import AccessLog

pytestmark = pytest.mark.django_db


def _put(store: Any, key: str, data: bytes, content_type: str = "application/octet-stream") -> Any:
    return store.put(key, io.BytesIO(data), len(data), content_type)


def test_a_document_the_app_writes_never_appears_among_clips(api_as: Any, finding_for: Any,
                                                             make_clip: Any, django_capture_on_commit_callbacks: Any) -> None:
    """An evidence file, an evidence package and a minutes-like PDF written by the app: the reconcile
    scan and the webhook never make clips of them; the clip list and the ingest list show none."""
    from tests.media_ingest.conftest import minio_event

    reviewer, admin = api_as("reviewer"), api_as("admin")
    finding = finding_for()
    clip = make_clip(footage="person-at-desk-1.mkv", duration=2.0)
    tag = reviewer.post("/api/media/tags/", {"clip_id": clip.pk, "label": "officer_absent", "start_s": 0.2,
                                             "end_s": 1.5}, format="json").json()
    reviewer.post("/api/media/evidence/", {"finding_id": finding.pk, "tag_id": tag["id"]}, format="json")
    uploaded = reviewer.post("/api/media/evidence/", {"finding_id": finding.pk,
                                                      "file": SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4 minutes")},
                             format="multipart")
    assert uploaded.status_code == 201, uploaded.content
    from media_ingest.review.tasks import evidence_package_build

    with django_capture_on_commit_callbacks():  # the job's body runs here, in the test's transaction
        asked = reviewer.post("/api/media/evidence/packages/", {"finding_id": finding.pk, "reason": "xuất hồ sơ"},
                              format="json")
    assert asked.status_code == 202
    assert evidence_package_build.apply(args=(asked.json()["id"],)).get() == "ready"
    _put(get_store(), "inspection/checks/abc/minutes-0123.pdf", b"%PDF-1.4 check minutes", "application/pdf")

    app_keys = [i.key for i in get_store().list()]
    assert any(k.startswith("evidence/finding-") for k in app_keys)
    assert any(k.startswith("evidence/packages/") for k in app_keys)
    assert [i.key for i in get_footage_store().list()] == [clip.key]  # only the camera's upload

    report = services_reconcile.reconcile_run()
    assert not report.errors
    # a notification naming the app's bucket is not footage either
    from backend.accounts.models import ApiToken, Role
    from backend.accounts.services import api_token_create, user_create

    svc = user_create(by=SystemActor("test"), username="minio-layout", password="x-Very-long-pass-1", role=Role.SERVICE,
                      full_name="MinIO")
    _token, key = api_token_create(by=SystemActor("test"), name="hook", kind=ApiToken.Kind.MINIO_WEBHOOK, user=svc)
    hook = api_as("reviewer").__class__(enforce_csrf_checks=True).post(
        "/api/media/hooks/minio/", minio_event(get_store().bucket, app_keys[0], size=5, etag="e"), format="json",
        HTTP_AUTHORIZATION=f"Bearer {key}")
    assert hook.status_code == 200 and hook.json()["created"] == 0
    assert set(Clip.objects.values_list("key", flat=True)) == {clip.key}

    listed = admin.get("/api/media/clips/?page_size=200").json()["results"]
    ingest = admin.get("/api/media/ingest/clips/?page_size=200").json()["results"]
    for rows in (listed, ingest):
        assert {r["key"] for r in rows} == {clip.key}


def _old_install(make_clip: Any, demo: Any) -> dict[str, Any]:
    """What an install before the split holds: derivatives and documents in the footage bucket, and
    the documents indexed as unassigned, failed "clips" that someone opened (custody entries)."""
    footage = get_footage_store()
    clip = make_clip(footage="person-at-desk-1.mkv", duration=2.0)
    poster = f"{clip.key}.derived/{clip.pk}/poster.jpg"
    _put(footage, poster, b"\xff\xd8 poster")
    Clip.objects.filter(pk=clip.pk).update(poster_key=poster)
    documents = {"inspection/checks/u1/minutes-aa.pdf": b"%PDF minutes",
                 "accountability/cases/3/decision/ab-qd.pdf": b"%PDF decision",
                 "evidence/packages/finding-1/package-1.zip": b"PK zip"}
    doc_clips = []
    for key, data in documents.items():
        info = _put(footage, key, data)
        doc = Clip.objects.create(bucket=footage.bucket, key=key, version_id=info.etag, etag=info.etag,
                                  size_bytes=info.size, source=Clip.Source.RECONCILE, state=Clip.State.FAILED,
                                  unassigned_reason="key does not follow", error_en="not a video file")
        AccessLog.objects.create(at=doc.discovered_at, user=demo.users["reviewer"], user_label="reviewer",
                                 action=AccessLog.Action.VIEW, clip=doc, object_key=key, reason="mở nhầm tệp")
        doc_clips.append(doc)
    # a camera coded like an app prefix still uploads footage: it stays
    camera_like = "evidence/2026/04/01/080000.mp4"
    _put(footage, camera_like, b"\x00\x00\x00\x18ftyp")
    return {"clip": clip, "poster": poster, "documents": documents, "doc_clips": doc_clips,
            "camera_like": camera_like}


def test_the_split_migration_moves_documents_and_keeps_custody(make_clip: Any, demo: Any) -> None:
    world = _old_install(make_clip, demo)
    footage, app = get_footage_store(), get_store()
    migration = importlib.import_module("media_ingest.migrations.0007_store_layout_split")

    migration.forwards(apps, None)
    migration.forwards(apps, None)  # idempotent: a second run finds nothing to do

    clip = world["clip"]
    assert sorted(i.key for i in footage.list()) == sorted([clip.key, world["camera_like"]])
    for key, data in world["documents"].items():
        with app.open(key) as fh:
            assert fh.read() == data
    with app.open(world["poster"]) as fh:
        assert fh.read() == b"\xff\xd8 poster"
    # the document clips are gone from the index; the real clip and its derivative key stay
    assert list(Clip.objects.values_list("pk", flat=True)) == [clip.pk]
    # ...and every custody entry is still there, saying what it was about
    logs = list(AccessLog.objects.filter(reason="mở nhầm tệp").order_by("at"))  # custody ids are random: by time
    assert len(logs) == 3 and all(entry.clip_id is None for entry in logs)
    assert [entry.detail["removed_clip"]["key"] for entry in logs] == list(world["documents"])
    assert [entry.detail["removed_clip"]["id"] for entry in logs] == [c.pk for c in world["doc_clips"]]
    removed = AuditEvent.objects.filter(verb="clip.removed_not_footage")
    assert sorted(int(e.object_id) for e in removed) == sorted(c.pk for c in world["doc_clips"])
    assert audit_verify_chain().ok


def test_a_reviewer_plays_derivatives_from_the_app_store_after_the_split(api_as: Any, make_clip: Any,
                                                                         demo: Any) -> None:
    world = _old_install(make_clip, demo)
    importlib.import_module("media_ingest.migrations.0007_store_layout_split").forwards(apps, None)
    client = api_as("reviewer")
    events = client.get(f"/api/media/clips/{world['clip'].pk}/events/").json()
    poster = client.get(events["poster_url"])
    assert poster.status_code == 200
    assert b"".join(poster.streaming_content) == b"\xff\xd8 poster"
    issued = client.post(f"/api/media/clips/{world['clip'].pk}/playback/", {"reason": "xem lại"}, format="json")
    assert client.get(issued.json()["url"]).status_code == 200  # the source, from the footage bucket


def test_only_what_the_app_wrote_counts_as_the_apps() -> None:
    assert written_by_app("CAM-01/2026/04/01/080000.mp4.derived/5/poster.jpg")
    assert written_by_app("inspection/checks/x/minutes-1.pdf")
    assert written_by_app("accountability/cases/1/decision/a.pdf")
    assert written_by_app("evidence/finding-1/abc-file.txt")
    assert not written_by_app("CAM-01/2026/04/01/080000.mp4")
    assert not written_by_app("evidence/2026/04/01/080000.mp4")  # a camera coded "evidence"
    assert not written_by_app("stray/recording.mp4")


def test_the_app_bucket_may_not_be_the_footage_bucket(settings: Any) -> None:
    from django.core.exceptions import ImproperlyConfigured

    from backend.core.store import stores_reset

    settings.MINIO_APP_BUCKET = settings.MINIO_BUCKET
    stores_reset()
    with pytest.raises(ImproperlyConfigured):
        get_store()
