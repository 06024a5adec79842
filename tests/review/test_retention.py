"""Retention with legal hold (issue 14 item 4): footage past its camera's period is deleted with its
derivatives by a logged job; a clip under a tag, an evidence item, an open finding or case, or a
manual hold is kept; the custody log keeps the record of every deleted clip; the chain verifies."""
from __future__ import annotations

import hashlib
import io
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from backend.audit.models import AuditEvent
from backend.audit.services import audit_verify_chain
from backend.core.minio_store import MinioStore
from backend.core.store import ObjectMissing, get_footage_store, get_store
from media_ingest import services_retention
from media_ingest.models import Clip, ClipEvent
from media_ingest.review.models import AccessLog, ClipPreservation
from tests.media_ingest.conftest import minio_store, s3_server  # noqa: F401  (fixtures for the S3 test)
from tests.openapi_bodies import check

pytestmark = pytest.mark.django_db


def _stored_clip(make_clip: Any, days_old: float, camera: str = "CAM-TC-01") -> Clip:
    """A clip of `days_old` days with its bytes in the footage bucket and derivatives in the app's."""
    clip = make_clip(camera=camera, started_at=timezone.now() - timedelta(days=days_old), duration=20.0)
    footage, app = get_footage_store(), get_store()
    body = b"\x00\x00\x00\x18ftypmp42video"
    info = footage.put(clip.key, io.BytesIO(body), 17, "video/mp4")
    derived = {f: f"{clip.key}.derived/{clip.pk}/{f}" for f in ("poster.jpg", "sprite.jpg", "sprite.vtt",
                                                                 "proxy.mp4", "thumb-0001.jpg")}
    for key in derived.values():
        app.put(key, io.BytesIO(b"derived"), 7, "image/jpeg")
    Clip.objects.filter(pk=clip.pk).update(
        etag=info.etag, version_id=info.etag, sha256=hashlib.sha256(body).hexdigest(), poster_key=derived["poster.jpg"], sprite_key=derived["sprite.jpg"],
        vtt_key=derived["sprite.vtt"], proxy_key=derived["proxy.mp4"], size_bytes=17,
        discovered_at=clip.started_at)  # ingested when recorded: retention counts from the later of the two
    ClipEvent.objects.create(clip=clip, kind="presence", zone="scene", start_s=1, end_s=3,
                             thumbnail_key=derived["thumb-0001.jpg"])
    clip.refresh_from_db()
    return clip


def _gone(store: Any, key: str) -> bool:
    try:
        store.stat(key)
    except ObjectMissing:
        return True
    return False


def test_retention_deletes_expired_footage_and_keeps_every_held_clip(api_as: Any, make_clip: Any,
                                                                    finding_for: Any, demo: Any) -> None:
    from inspection.accountability.models import DisciplinaryCase, RuleSet

    admin, reviewer = api_as("admin"), api_as("reviewer")
    from backend.org.models import Camera

    tc_camera = Camera.objects.get(code="CAM-TC-01")
    assert admin.put(f"/api/media/cameras/{tc_camera.pk}/retention/", {"days": 30}, format="json").json()["days"] == 30

    plain = _stored_clip(make_clip, 40)
    viewed = reviewer.post(f"/api/media/clips/{plain.pk}/playback/", {"reason": "xem lại trước khi xóa"},
                           format="json")
    assert viewed.status_code == 201
    young = _stored_clip(make_clip, 10)
    other_camera = _stored_clip(make_clip, 60, camera="CAM-ND-01")  # default period: 90 days

    tagged = _stored_clip(make_clip, 41)
    tag = reviewer.post("/api/media/tags/", {"clip_id": tagged.pk, "label": "officer_absent", "start_s": 1,
                                             "end_s": 4}, format="json").json()
    evidence = _stored_clip(make_clip, 42)
    tag2 = reviewer.post("/api/media/tags/", {"clip_id": evidence.pk, "label": "officer_absent", "start_s": 1,
                                              "end_s": 4}, format="json").json()
    # a finding of another day: attached with the reason the server asks for (issue 15)
    linked = reviewer.post("/api/media/evidence/", {"finding_id": finding_for().pk, "tag_id": tag2["id"],
                                                    "out_of_period_reason": "Hình ảnh đối chứng ngày trước đó"},
                           format="json")
    assert linked.status_code == 201, linked.content
    assert tag["id"] and tag2["id"]
    manual = _stored_clip(make_clip, 43)
    hold = admin.post(f"/api/media/clips/{manual.pk}/holds/", {"reason": "Viện kiểm sát yêu cầu giữ"}, format="json")
    assert hold.status_code == 201, hold.content
    in_finding = _stored_clip(make_clip, 44)
    assert in_finding.started_at is not None
    finding_for(state="confirmed", occurred_from=in_finding.started_at + timedelta(seconds=5))
    # a draft's hold is not shown: the admin's report lists the clip as due and the run expires it as
    # listed, keeping a sealed copy for the team (issue 15 S1-1: nothing the admin sees depends on an
    # unpublished finding; it used to keep the clip silently, which told the admin where the draft was)
    in_draft = _stored_clip(make_clip, 46)
    assert in_draft.started_at is not None
    finding_for(state="draft", occurred_from=in_draft.started_at + timedelta(seconds=5))
    in_case = _stored_clip(make_clip, 45)
    assert in_case.started_at is not None
    handled = finding_for(state="actioned", occurred_from=in_case.started_at + timedelta(seconds=5))
    ruleset = RuleSet.objects.order_by("-version").first() or RuleSet.objects.create(version=999, created_at=timezone.now())
    case = DisciplinaryCase.objects.create(reference="KL-RET-1", title="Vụ việc", subject_kind="unit",
                                           unit=handled.unit, ruleset=ruleset, state="considering",
                                           created_by=demo.users["admin"], created_at=timezone.now(),
                                           updated_at=timezone.now())
    case.findings.add(handled)

    # the dry run reports and deletes nothing
    report = check(admin.get("/api/media/retention/"), "get", "/api/media/retention/", strict=True)
    assert [r["id"] for r in report["deletable"]] == [in_draft.pk, plain.pk]
    assert {r["id"]: r["hold"] for r in report["held"]} == {
        tagged.pk: ["tag"], evidence.pk: ["tag", "evidence"], manual.pk: ["manual"],
        in_finding.pk: ["open_finding"], in_case.pk: ["open_case"]}
    assert report["footage_bytes"] > 0 and report["deletable_bytes"] == 34
    call_command("retention", "--dry-run")
    assert not _gone(get_footage_store(), plain.key)

    result = services_retention.retention_run()
    assert result.deleted == [in_draft.pk, plain.pk] and not result.errors
    assert in_draft.pk not in result.held
    run = AuditEvent.objects.filter(verb="media.retention").latest("id")
    assert str(in_draft.pk) not in run.payload["held"] and run.payload["deleted"] == [in_draft.pk, plain.pk]
    in_draft.refresh_from_db()
    assert in_draft.state == Clip.State.EXPIRED and _gone(get_footage_store(), in_draft.key)
    kept_copy = ClipPreservation.objects.get(clip=in_draft)
    assert kept_copy.sha256 == in_draft.sha256 and not _gone(get_store(), kept_copy.keys["source"])

    plain.refresh_from_db()
    assert plain.state == Clip.State.EXPIRED and plain.expired_at is not None
    assert _gone(get_footage_store(), plain.key)
    assert all(_gone(get_store(), f"{plain.key}.derived/{plain.pk}/{f}")
               for f in ("poster.jpg", "sprite.jpg", "sprite.vtt", "proxy.mp4", "thumb-0001.jpg"))
    assert plain.poster_key == plain.proxy_key == "" and not plain.events.exclude(thumbnail_key="").exists()
    for kept in (young, other_camera, tagged, evidence, manual, in_finding, in_case):
        kept.refresh_from_db()
        assert kept.state == Clip.State.INDEXED and not _gone(get_footage_store(), kept.key), kept.key
        assert not _gone(get_store(), kept.poster_key)

    # custody intact: the view before, the deletion after, both on the clip's record
    custody = reviewer.get(f"/api/media/clips/{plain.pk}/custody/").json()["results"]
    assert [c["action"] for c in custody] == ["view", "expire"]
    expire = AccessLog.objects.get(clip=plain, action=AccessLog.Action.EXPIRE)
    assert expire.detail["sha256"] == plain.sha256 and expire.detail["retention_days"] == 30
    assert AuditEvent.objects.filter(verb="footage.expire", object_id=str(expire.pk)).exists()
    assert AuditEvent.objects.filter(verb="media.retention").exists()
    refused = reviewer.post(f"/api/media/clips/{plain.pk}/playback/", {"reason": "xem lại lần nữa"}, format="json")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "expired"

    # releasing the manual hold lets the next run take the clip; running again is a no-op otherwise
    released = admin.post(f"/api/media/clips/{manual.pk}/holds/{hold.json()['id']}/release/",
                          {"reason": "Vụ việc đã kết thúc"}, format="json")
    assert released.status_code == 200 and released.json()["released_at"]
    assert services_retention.retention_run().deleted == [manual.pk]
    assert services_retention.retention_run().deleted == []
    assert audit_verify_chain().ok


def test_a_hold_needs_a_reason_and_only_admins_hold(api_as: Any, make_clip: Any) -> None:
    clip = _stored_clip(make_clip, 5)
    assert api_as("admin").post(f"/api/media/clips/{clip.pk}/holds/", {"reason": "x"},
                                format="json").status_code == 400
    assert api_as("reviewer").post(f"/api/media/clips/{clip.pk}/holds/", {"reason": "giữ lại để xem"},
                                   format="json").status_code == 403
    assert api_as("reviewer").get("/api/media/retention/").status_code == 403


def _versions(store: Any, key: str) -> list[Any]:
    return [o for o in store.client.list_objects(store.bucket, prefix=key, include_version=True, recursive=True)
            if o.object_name == key]


def test_retention_removes_every_version_in_a_versioned_bucket_and_held_clips_keep_theirs(
        minio_store: Any, make_clip: Any, api_as: Any) -> None:  # noqa: F811  (the imported fixture)
    """Over S3 with versioning on (docker-compose's minio-init enables it): a plain delete would only
    add a delete marker and leave the footage bytes. Retention removes every version and marker of
    the expired clip's key and of its derivatives' keys; a held clip keeps all its versions."""
    from minio.versioningconfig import ENABLED, VersioningConfig

    app = get_store()
    assert isinstance(app, MinioStore), "the S3 test runs with both stores on MinIO"
    # written before versioning was enabled: the "null" version, known to the clip by its etag
    before = _stored_clip(make_clip, 100)
    for store in (minio_store, app):
        store.client.set_bucket_versioning(store.bucket, VersioningConfig(ENABLED))
    minio_store.client.remove_object(minio_store.bucket, before.key)  # a stray delete marker on top
    app.put(before.poster_key, io.BytesIO(b"poster2"), 7, "image/jpeg")  # a second derivative version
    after = _stored_clip(make_clip, 101)  # written with versioning on
    held = _stored_clip(make_clip, 102)
    minio_store.put(held.key, io.BytesIO(b"second version"), 14, "video/mp4")
    assert api_as("admin").post(f"/api/media/clips/{held.pk}/holds/", {"reason": "Viện kiểm sát yêu cầu giữ"},
                                format="json").status_code == 201
    assert len(_versions(minio_store, before.key)) == 2 and len(_versions(app, before.poster_key)) == 2
    derived = {c.pk: [c.poster_key, c.sprite_key, c.vtt_key, c.proxy_key,
                      *c.events.values_list("thumbnail_key", flat=True)] for c in (before, after)}

    result = services_retention.retention_run()
    assert sorted(result.deleted) == sorted([before.pk, after.pk]) and not result.errors
    for clip in (before, after):
        assert _versions(minio_store, clip.key) == [], clip.key
        for key in derived[clip.pk]:
            assert _versions(app, key) == [], key
    # what was removed is on the custody record: the null version and the marker, the real version
    detail = AccessLog.objects.get(clip=before, action=AccessLog.Action.EXPIRE).detail
    assert "null" in detail["footage_versions_deleted"] and len(detail["footage_versions_deleted"]) == 2
    assert detail["footage_versions_kept"] == [] and detail["derivative_versions_deleted"] == 6
    after_removed = AccessLog.objects.get(clip=after, action=AccessLog.Action.EXPIRE).detail["footage_versions_deleted"]
    assert len(after_removed) == 1 and after_removed[0] not in ("", "null")  # its real version id
    assert result.versions_deleted == 2 + 6 + 1 + 5
    # the held clip keeps both versions and its derivatives
    assert len(_versions(minio_store, held.key)) == 2
    assert _versions(app, held.poster_key)
    held.refresh_from_db()
    assert held.state == Clip.State.INDEXED
    assert audit_verify_chain().ok


def test_a_held_clip_keeps_its_footage_when_an_expired_row_shares_its_key(api_as: Any, make_clip: Any) -> None:
    """Adversary finding (issue 14): two clip rows for one key (a re-indexed or superseded version).
    Expiring the unheld row deleted the file the held row stands on, with no record of its loss."""
    old = _stored_clip(make_clip, days_old=200)
    # the file was re-indexed under a new version (e.g. its mtime changed in a copy): the old row
    # stands on a version that no longer exists, the new row on the file that is there
    current = {f.name: getattr(old, f.name) for f in Clip._meta.concrete_fields if f.name != "id"}
    Clip.objects.filter(pk=old.pk).update(etag="stale-0", version_id="stale-0")
    twin = Clip.objects.create(**current)
    old.refresh_from_db()
    hold = api_as("admin").post(f"/api/media/clips/{twin.pk}/holds/", {"reason": "Giữ cho hồ sơ kỷ luật"},
                                format="json")
    assert hold.status_code == 201, hold.content
    call_command("retention")
    old.refresh_from_db()
    twin.refresh_from_db()
    assert old.state == Clip.State.EXPIRED and twin.state != Clip.State.EXPIRED
    assert not _gone(get_footage_store(), twin.key)  # the held clip still plays


def test_a_held_clip_cannot_be_moved_out_from_under_its_hold(api_as: Any, make_clip: Any) -> None:
    """Adversary finding (issue 14): re-assigning a clip's time dropped its open-finding hold, and the
    next retention run deleted it."""
    clip = _stored_clip(make_clip, days_old=200)
    before = clip.started_at
    admin = api_as("admin")
    assert admin.post(f"/api/media/clips/{clip.pk}/holds/", {"reason": "Giữ cho hồ sơ kỷ luật"},
                      format="json").status_code == 201
    moved = admin.post(f"/api/media/clips/{clip.pk}/assign/",
                       {"camera_id": clip.camera_id, "started_at": "2026-01-01T03:00:00Z"}, format="json")
    # a clip with a camera and a time is never moved (issue 15 S1-1), held or not
    assert moved.status_code == 409 and moved.json()["error"]["code"] == "already_assigned"
    clip.refresh_from_db()
    assert clip.started_at == before


def test_a_hold_is_placed_and_released_only_with_a_reason_in_words(api_as: Any, make_clip: Any) -> None:
    """Insider re-check: the admin released a legal hold with the reason "aaaaa", which lets retention delete the
    footage: the reasons of a hold are written in words, as a clip correction's."""
    clip = _stored_clip(make_clip, 5)
    admin = api_as("admin")
    for junk in ("aaaaa", "asdf qwer zxcv", "the man can go in the tin"):
        refused = admin.post(f"/api/media/clips/{clip.pk}/holds/", {"reason": junk}, format="json")
        assert refused.status_code == 400 and "thành lời" in refused.json()["error"]["message"], refused.content
    hold = admin.post(f"/api/media/clips/{clip.pk}/holds/", {"reason": "Viện kiểm sát yêu cầu giữ"}, format="json")
    assert hold.status_code == 201, hold.content
    for junk in ("aaaaa", "ok ok ok", "mot hai ba bon nam sau bay"):
        refused = admin.post(f"/api/media/clips/{clip.pk}/holds/{hold.json()['id']}/release/", {"reason": junk},
                             format="json")
        assert refused.status_code == 400, refused.content
    assert clip.holds.get().released_at is None
