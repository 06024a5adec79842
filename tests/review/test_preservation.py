"""Issue 15, insider review S1-1 (second round): footage held only by a draft (unpublished) finding.

The insider's attack: the admin shortens a camera's retention to 1 day, takes the report, runs the job
and compares. The job used to keep a clip held only by a draft silently, so the one clip listed as due
and still there afterwards gave the draft's counter and time away. Now the job keeps a sealed copy for
the team in the app's store and expires the clip exactly as any other: every outsider's view of it is
that of a clip with no hold at all; the team (and, once published, the finding's readers) still play
it, packages carry it, and a later run deletes the copy when nothing holds the clip any more."""
from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from backend.core.store import ObjectMissing, get_footage_store, get_store
from media_ingest import services_retention
from media_ingest.models import Clip
from media_ingest.review.models import AccessLog, ClipPreservation

pytestmark = pytest.mark.django_db

OUTSIDERS = ("admin", "reviewer", "discipline")


def _footage_clip(make_clip: Any, started_at: Any) -> Clip:
    """A real-format clip with its proxy and poster in the app's store, ingested when recorded."""
    clip = make_clip(started_at=started_at, duration=60.0, footage="person-at-desk-1.mkv")
    app = get_store()
    proxy, poster = f"{clip.key}.derived/{clip.pk}/proxy.mp4", f"{clip.key}.derived/{clip.pk}/poster.jpg"
    app.put(proxy, io.BytesIO(b"proxy of the clip"), 17, "video/mp4")
    app.put(poster, io.BytesIO(b"\xff\xd8poster"), 8, "image/jpeg")
    Clip.objects.filter(pk=clip.pk).update(proxy_key=proxy, poster_key=poster, discovered_at=started_at)
    clip.refresh_from_db()
    return clip


def _pair(make_clip: Any) -> tuple[Clip, Clip]:
    """Two clips of the same camera, same footage, three days old, an hour apart."""
    t = timezone.now() - timedelta(days=3)
    return _footage_clip(make_clip, t), _footage_clip(make_clip, t + timedelta(hours=1))


def _short_retention(api_as: Any, clip: Clip) -> None:
    r = api_as("admin").put(f"/api/media/cameras/{clip.camera_id}/retention/", {"days": 1}, format="json")
    assert r.status_code == 200, r.content


def _gone(store: Any, key: str) -> bool:
    try:
        store.stat(key)
    except ObjectMissing:
        return True
    return False


VARYING = {"id", "key", "etag", "tag_id", "started_at", "ended_at", "clip_id", "at", "last_at", "object_key", "ref", "object_id"}


def _strip(value: Any, clip: Clip) -> Any:
    """What an outsider reads, with the ids, keys and times that differ between any two clips left out."""
    if isinstance(value, dict):
        return {k: _strip(v, clip) for k, v in value.items() if k not in VARYING}
    if isinstance(value, list):
        return [_strip(v, clip) for v in value]
    if isinstance(value, str):
        return value.replace(clip.key, "KEY")
    return value


def _report_row(report: dict, clip: Clip) -> Any:
    return [(part, _strip(r, clip)) for part in ("deletable", "held") for r in report[part] if r["id"] == clip.pk]


def _audit_of(admin: Any, clip: Clip) -> list[Any]:
    events = admin.get("/api/audit/events/?page_size=500").json()["results"]
    mine = [e for e in events if isinstance(e["payload"], dict) and e["payload"].get("clip") == clip.pk]
    return sorted((e["verb"], sorted(e["payload"])) for e in mine)


def _view(client: Any, clip: Clip) -> dict[str, Any]:
    """Everything of one clip a reader is shown: list row, detail, custody (and export), playback, poster."""
    rows = client.get(f"/api/media/clips/?camera={clip.camera_id}&page_size=200").json()["results"]
    detail = client.get(f"/api/media/clips/{clip.pk}/")
    custody = client.get(f"/api/media/clips/{clip.pk}/custody/?page_size=200")
    playback = client.post(f"/api/media/clips/{clip.pk}/playback/", {"reason": "đối chiếu"}, format="json")
    poster = client.get(f"/api/media/clips/{clip.pk}/poster/")
    custody_rows = custody.json()["results"] if custody.status_code == 200 else custody.json()
    for row in custody_rows if isinstance(custody_rows, list) else []:
        # the expiry's record names the clip's own start and derivative keys: its shape is what counts
        if row["action"] == "expire":
            row["detail"] = sorted(row["detail"])
    return {"row": _strip([r for r in rows if r["id"] == clip.pk], clip),
            "detail": (detail.status_code, _strip(detail.json(), clip)),
            "custody": (custody.status_code, _strip(custody_rows, clip)),
            "playback": (playback.status_code, _strip(playback.json(), clip)),
            "poster": poster.status_code}


def test_the_insiders_retention_probe_sees_a_drafts_clip_as_any_expired_clip(
        api_as: Any, make_clip: Any, finding_for: Any) -> None:
    held, free = _pair(make_clip)
    assert held.started_at is not None
    draft = finding_for(state="draft", occurred_from=held.started_at + timedelta(seconds=5))
    admin = api_as("admin")
    _short_retention(api_as, held)

    before = admin.get("/api/media/retention/").json()
    assert _report_row(before, held) == _report_row(before, free) != []
    result = services_retention.retention_run()
    assert result.deleted == [held.pk, free.pk] and not result.errors and not result.held
    after = admin.get("/api/media/retention/").json()
    assert _report_row(after, held) == _report_row(after, free) == []

    for who in OUTSIDERS:
        client = api_as(who)
        seen_held, seen_free = _view(client, held), _view(client, free)
        assert seen_held == seen_free, who
        assert seen_held["row"][0]["state"] == Clip.State.EXPIRED
        assert seen_held["playback"][0] == 409 and seen_held["poster"] == 404
    assert _audit_of(admin, held) == _audit_of(admin, free) != []
    events = admin.get("/api/audit/events/?page_size=500").json()["results"]
    assert not any(e["verb"].startswith("footage.preserve") for e in events)
    assert not any(str(draft.pk) in json.dumps(e["payload"]) for e in events)

    # both clips left the footage store; the held one's footage was kept, sealed, in the app's store
    for clip in (held, free):
        clip.refresh_from_db()
        assert clip.state == Clip.State.EXPIRED and _gone(get_footage_store(), clip.key)
    kept = ClipPreservation.objects.get(clip=held)
    assert list(kept.findings.all()) == [draft] and kept.sha256 == held.sha256
    assert all(key.startswith("evidence/sealed/") and "draft" not in key and held.key not in key
               for key in kept.keys.values())
    assert set(kept.keys) == {"source", "proxy", "poster"}
    assert not ClipPreservation.objects.filter(clip=free).exists()


def _tagged_for_a_draft(api_as: Any, make_clip: Any, finding_for: Any) -> tuple[Clip, Clip, Any]:
    """A clip whose only hold is a draft's evidence item (the reviewer's tag deleted after linking)."""
    held, free = _pair(make_clip)
    assert held.started_at is not None
    reviewer, lead = api_as("reviewer"), api_as("lead")
    draft = finding_for(state="draft", occurred_from=held.started_at, occurred_to=held.started_at + timedelta(minutes=1))
    for clip in (held, free):  # the same history on both; only the held one's tag is linked to the draft
        tag = reviewer.post("/api/media/tags/", {"clip_id": clip.pk, "label": "officer_absent", "start_s": 1,
                                                 "end_s": 4}, format="json").json()
        if clip is held:
            linked = lead.post("/api/media/evidence/", {"finding_id": draft.pk, "tag_id": tag["id"]}, format="json")
            assert linked.status_code == 201, linked.content
        deleted = reviewer.delete(f"/api/media/tags/{tag['id']}/", {"revision": 1, "reason": "gắn nhầm đoạn"},
                                  format="json")
        assert deleted.status_code in (200, 204), deleted.content
    draft.occurred_from = draft.occurred_to = timezone.now() - timedelta(days=30)  # no time hold: the item alone
    draft.save(update_fields=["occurred_from", "occurred_to"])
    from media_ingest import selectors

    assert selectors.clip_hold_reasons(held) == ["evidence"] and selectors.clip_hold_reasons(held, shown=True) == []
    _short_retention(api_as, held)
    assert services_retention.retention_run().deleted == [held.pk, free.pk]
    return held, free, draft


def test_the_team_plays_the_sealed_copy_and_readers_see_it_once_published(
        api_as: Any, make_clip: Any, finding_for: Any, django_capture_on_commit_callbacks: Any) -> None:
    from media_ingest.review.tasks import evidence_package_build

    held, free, draft = _tagged_for_a_draft(api_as, make_clip, finding_for)
    lead = api_as("lead")
    r = lead.post(f"/api/media/clips/{held.pk}/playback/", {"reason": "xem chứng cứ", "variant": "original"},
                  format="json")
    assert r.status_code == 201, r.content
    assert r.json()["clip_sha256"] == held.sha256
    fetched = lead.get(r.json()["url"])
    body = b"".join(fetched.streaming_content) if fetched.streaming else fetched.content
    assert fetched.status_code == 200 and hashlib.sha256(body).hexdigest() == held.sha256
    assert lead.post(f"/api/media/clips/{held.pk}/playback/", {"reason": "xem bản proxy"},
                     format="json").json()["variant"] == "proxy"
    assert lead.get(f"/api/media/clips/{held.pk}/poster/").status_code == 200
    assert lead.get(f"/api/media/clips/{held.pk}/").json()["poster_url"]
    # the same clip with no copy answers the team as any expired clip
    assert lead.post(f"/api/media/clips/{free.pk}/playback/", {"reason": "xem đối chiếu"}, format="json").status_code == 409

    for who in OUTSIDERS:  # admin, reviewer, discipline: the expired answer, no trace of the team's plays
        client = api_as(who)
        assert _view(client, held) == _view(client, free), who
    team_rows = lead.get(f"/api/media/clips/{held.pk}/custody/?page_size=200").json()["results"]
    assert {"preserve", "view", "preview"} <= {row["action"] for row in team_rows}
    assert all(row["finding_id"] == draft.pk for row in team_rows if row["action"] in ("preserve", "view"))
    preserved_at = AccessLog.objects.get(clip=held, action="preserve").at

    draft.state, draft.confirmed_at = "confirmed", timezone.now()
    draft.save(update_fields=["state", "confirmed_at"])
    reviewer = api_as("reviewer")
    rows = reviewer.get(f"/api/media/clips/{held.pk}/custody/?page_size=200").json()["results"]
    preserve = next(row for row in rows if row["action"] == "preserve")
    assert preserve["finding_id"] == draft.pk and preserve["at"] == preserved_at.isoformat()
    assert "view" in {row["action"] for row in rows}  # the team's plays, at their time, now shown
    # a reader of the published finding plays the copy too (the reviewer sees published findings)
    assert reviewer.post(f"/api/media/clips/{held.pk}/playback/", {"reason": "xem lại"},
                         format="json").status_code == 201

    with django_capture_on_commit_callbacks():
        asked = lead.post("/api/media/evidence/packages/", {"finding_id": draft.pk, "reason": "Chuyển hồ sơ"},
                          format="json")
    assert asked.status_code == 202, asked.content
    assert evidence_package_build.apply(args=(asked.json()["id"],)).successful()
    package = lead.get(f"/api/media/evidence/packages/{asked.json()['id']}/").json()
    assert package["state"] == "ready", package
    url = lead.post(f"/api/media/evidence/packages/{package['id']}/download/", {"reason": "nộp hồ sơ"},
                    format="json").json()["url"]
    fetched = lead.get(url)
    zipped = zipfile.ZipFile(io.BytesIO(b"".join(fetched.streaming_content) if fetched.streaming else fetched.content))
    manifest = json.loads(zipped.read("manifest.json"))
    segments = [e for e in manifest["items"] if e.get("kind") == "tag"]
    assert segments and segments[0]["source"]["from_preserved_copy"] is True
    assert segments[0]["source"]["sha256"] == held.sha256 and segments[0]["file"] in zipped.namelist()


def test_a_later_run_deletes_the_copy_once_nothing_holds_the_clip(
        api_as: Any, make_clip: Any, finding_for: Any) -> None:
    held, free = _pair(make_clip)
    assert held.started_at is not None
    draft = finding_for(state="draft", occurred_from=held.started_at + timedelta(seconds=5))
    _short_retention(api_as, held)
    services_retention.retention_run()
    kept = ClipPreservation.objects.get(clip=held)
    app = get_store()
    assert not any(_gone(app, key) for key in kept.keys.values())

    services_retention.retention_run()  # still held: kept
    kept.refresh_from_db()
    assert kept.released_at is None

    draft.state = "dismissed"  # dismissed as a draft: it holds nothing and was never published
    draft.save(update_fields=["state"])
    result = services_retention.retention_run()
    assert result.deleted == [] and not result.errors
    kept.refresh_from_db()
    assert kept.released_at is not None and all(_gone(app, key) for key in kept.keys.values())
    assert AccessLog.objects.filter(clip=held, action="preserve_release", finding=draft).exists()
    assert api_as("lead").post(f"/api/media/clips/{held.pk}/playback/", {"reason": "xem đối chiếu"},
                               format="json").status_code == 409
    for who in OUTSIDERS:  # the release, like the copy, is the team's: outsiders' views unchanged
        client = api_as(who)
        assert _view(client, held) == _view(client, free), who


def test_a_failed_copy_expires_nothing_and_leaves_nothing_behind(
        api_as: Any, make_clip: Any, finding_for: Any) -> None:
    """The footage in the bucket is not the indexed version (its hash differs): no copy can be kept, so
    the clip is not expired (it is held); the run's record says only that the store failed, in words that
    name no finding, and no partial copy stays in the app's store."""
    from media_ingest.services_preservation import COPY_FAILED, PRESERVED_PREFIX

    held, _free = _pair(make_clip)
    assert held.started_at is not None
    Clip.objects.filter(pk=held.pk).update(sha256="0" * 64)
    finding_for(state="draft", occurred_from=held.started_at + timedelta(seconds=5))
    _short_retention(api_as, held)
    result = services_retention.retention_run()
    assert result.errors == {held.pk: COPY_FAILED}
    held.refresh_from_db()
    assert held.state == Clip.State.INDEXED and not _gone(get_footage_store(), held.key)
    assert not ClipPreservation.objects.exists() and not list(get_store().list(PRESERVED_PREFIX))


def _expired_with_copy_for_a_draft(api_as: Any, make_clip: Any, finding_for: Any) -> tuple[Clip, Clip, Any]:
    """Two expired clips of one camera: `held` with a sealed copy kept for a draft holding it by time, `free`
    with none."""
    held, free = _pair(make_clip)
    assert held.started_at is not None
    draft = finding_for(state="draft", occurred_from=held.started_at + timedelta(seconds=5),
                        occurred_to=held.started_at + timedelta(seconds=30))
    _short_retention(api_as, held)
    assert services_retention.retention_run().deleted == [held.pk, free.pk]
    assert ClipPreservation.objects.filter(clip=held, released_at__isnull=True).exists()
    return held, free, draft


TAG = {"label": "officer_absent", "start_s": 2, "end_s": 6}


def test_the_team_tags_the_sealed_copy_links_it_and_packages_the_segment(
        api_as: Any, make_clip: Any, finding_for: Any, django_capture_on_commit_callbacks: Any) -> None:
    """Insider review S2: the lead could watch the copy but never make it evidence (409 clip_not_indexed)."""
    from media_ingest import selectors
    from media_ingest.review.models import Tag
    from media_ingest.review.tasks import evidence_package_build

    held, free, draft = _expired_with_copy_for_a_draft(api_as, make_clip, finding_for)
    lead = api_as("lead")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        r = lead.post("/api/media/tags/", {"clip_id": held.pk, **TAG}, format="json")
    assert r.status_code == 201, r.content
    assert not callbacks  # no event: the clip's followers include outsiders
    tag = r.json()
    assert tag["clip_sha256"] == held.sha256 == ClipPreservation.objects.get(clip=held).sha256
    assert tag["clip_version_id"] == held.version_id and (tag["start_s"], tag["end_s"]) == (2.0, 6.0)
    # a segment past the clip's end is refused as on any clip
    assert lead.post("/api/media/tags/", {"clip_id": held.pk, **TAG, "start_s": 100, "end_s": 110},
                     format="json").status_code == 400
    # the copy is held by the tag (a dismissed draft no longer holds it by time)
    assert selectors.clip_hold_reasons(held)[:1] == ["tag"] and selectors.clip_hold_reasons(held, shown=True) == []

    linked = lead.post("/api/media/evidence/", {"finding_id": draft.pk, "tag_id": tag["id"]}, format="json")
    assert linked.status_code == 201, linked.content
    # a finding the copy was not kept for may not take it
    other = finding_for(state="draft", occurred_from=held.started_at)
    refused = lead.post("/api/media/evidence/", {"finding_id": other.pk, "tag_id": tag["id"]}, format="json")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "not_preserved_for_finding"

    with django_capture_on_commit_callbacks():
        asked = lead.post("/api/media/evidence/packages/", {"finding_id": draft.pk, "reason": "Chuyển hồ sơ"},
                          format="json")
    assert asked.status_code == 202, asked.content
    assert evidence_package_build.apply(args=(asked.json()["id"],)).successful()
    package = lead.get(f"/api/media/evidence/packages/{asked.json()['id']}/").json()
    assert package["state"] == "ready", package
    url = lead.post(f"/api/media/evidence/packages/{package['id']}/download/", {"reason": "nộp hồ sơ"},
                    format="json").json()["url"]
    fetched = lead.get(url)
    zipped = zipfile.ZipFile(io.BytesIO(b"".join(fetched.streaming_content) if fetched.streaming else fetched.content))
    manifest = json.loads(zipped.read("manifest.json"))
    segments = [e for e in manifest["items"] if e.get("kind") == "tag"]
    assert len(segments) == 1 and segments[0]["source"]["from_preserved_copy"] is True
    assert segments[0]["source"]["sha256"] == held.sha256 and segments[0]["requested_range_s"] == [2.0, 6.0]
    assert segments[0]["file"] in zipped.namelist()

    # the draft dismissed: the tag and the evidence item still hold the copy
    draft.state = "dismissed"
    draft.save(update_fields=["state"])
    services_retention.retention_run()
    assert ClipPreservation.objects.get(clip=held).released_at is None

    # outsiders: the clip is any expired clip; the tag, its count and its custody are not theirs
    for who in OUTSIDERS:
        client = api_as(who)
        assert _view(client, held) == _view(client, free), who
        listed = client.get(f"/api/media/tags/?clip={held.pk}").json()["results"]
        assert listed == [], who
        assert client.get(f"/api/media/tags/{tag['id']}/").status_code == 404, who
    assert Tag.objects.filter(clip=held, deleted_at__isnull=True).count() == 1


def test_outsiders_tagging_an_expired_clip_get_one_answer_copy_or_not(
        api_as: Any, make_clip: Any, finding_for: Any) -> None:
    held, free, _draft = _expired_with_copy_for_a_draft(api_as, make_clip, finding_for)
    for who in ("admin", "reviewer"):
        client = api_as(who)
        answers = [client.post("/api/media/tags/", {"clip_id": clip.pk, **TAG}, format="json") for clip in (held, free)]
        assert [a.status_code for a in answers] == [409, 409], who
        assert answers[0].json() == answers[1].json(), who
        error = answers[0].json()["error"]
        assert error["code"] == "expired" and "hết thời hạn lưu trữ" in error["message"], who
        assert "lập chỉ mục" not in error["message"]
    # the team too, for the clip with no copy
    r = api_as("lead").post("/api/media/tags/", {"clip_id": free.pk, **TAG}, format="json")
    assert r.status_code == 409 and r.json() == answers[0].json()
    from media_ingest.review.models import Tag

    assert not Tag.objects.exists()


def test_a_reader_of_the_published_finding_tags_the_copy(api_as: Any, make_clip: Any, finding_for: Any) -> None:
    held, _free, draft = _expired_with_copy_for_a_draft(api_as, make_clip, finding_for)
    draft.state, draft.confirmed_at = "confirmed", timezone.now()
    draft.save(update_fields=["state", "confirmed_at"])
    reviewer = api_as("reviewer")
    r = reviewer.post("/api/media/tags/", {"clip_id": held.pk, **TAG}, format="json")
    assert r.status_code == 201, r.content
    linked = reviewer.post("/api/media/evidence/", {"finding_id": draft.pk, "tag_id": r.json()["id"]}, format="json")
    assert linked.status_code == 201, linked.content


def test_the_expiry_reason_says_one_day(api_as: Any, make_clip: Any, finding_for: Any) -> None:
    _held, free, _draft = _expired_with_copy_for_a_draft(api_as, make_clip, finding_for)
    reason = AccessLog.objects.get(clip=free, action="expire").reason
    assert reason.endswith("retention period of 1 day ended") and "1 ngày" in reason
