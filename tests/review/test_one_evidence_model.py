"""Issue 17: one evidence model for a finding (review.EvidenceItem: tag, file, report photo, note),
one upload path with one cap for the files attached to a finding (the check report's photos are still uploaded
to inspection.ReportEvidence with their own cap: docs/architecture.md), one rule for closed findings, one deletion rule, random ids, and a
migration that moved the old inspection.FindingEvidence rows into it without losing any."""
from __future__ import annotations

import hashlib
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from backend.core.ids import RANDOM_ID_MAX, RANDOM_ID_MIN
from media_ingest.review.models import AccessLog, EvidenceItem
from tests.review.conftest import T0

pytestmark = pytest.mark.django_db


def _upload_on_page(client: Any, finding: Any, data: bytes, name: str = "anh.jpg") -> Any:
    return client.post(f"/api/inspection/findings/{finding.pk}/evidence/", {"file": SimpleUploadedFile(name, data)},
                       format="multipart")


def _upload_in_review(client: Any, finding: Any, data: bytes, name: str = "anh.jpg") -> Any:
    return client.post("/api/media/evidence/", {"finding_id": finding.pk, "file": SimpleUploadedFile(name, data)},
                       format="multipart")


def test_both_pages_write_the_one_model_with_random_ids(api_as: Any, finding_for: Any) -> None:
    finding = finding_for()
    page = _upload_on_page(api_as("inspector"), finding, b"page bytes")
    review = _upload_in_review(api_as("reviewer"), finding, b"review bytes")
    assert page.status_code == 201 and review.status_code == 201, (page.content, review.content)
    items = {i.pk: i for i in EvidenceItem.objects.filter(finding=finding)}
    assert set(items) == {page.json()["id"], review.json()["id"]}
    assert {i.attached_in for i in items.values()} == {"finding", "review"}
    assert {i.kind for i in items.values()} == {"file"}
    # ids are drawn at random (backend.core.ids) in the range a browser holds exactly: not 1, 2, ... in attach order
    ids = sorted(items)
    assert all(RANDOM_ID_MIN <= i <= RANDOM_ID_MAX for i in ids) and ids[1] - ids[0] > 1
    # the finding page's upload is in the custody log, as a reviewer's is
    logged = {log.detail["evidence"] for log in AccessLog.objects.filter(action="evidence_link", finding=finding)}
    assert logged == set(ids)


def test_a_file_attached_in_review_downloads_from_the_finding(api_as: Any, finding_for: Any) -> None:
    finding = finding_for()
    data = b"anh chup man hinh quay"
    item = _upload_in_review(api_as("reviewer"), finding, data).json()
    r = api_as("discipline").get(f"/api/inspection/findings/{finding.pk}/evidence/{item['id']}/")
    assert r.status_code == 200 and hashlib.sha256(b"".join(r.streaming_content)).hexdigest() == item["sha256"]
    # still not for the unit head, and still only counted on the finding he reads
    head = api_as("unithead")
    assert head.get(f"/api/inspection/findings/{finding.pk}/evidence/{item['id']}/").status_code == 403
    detail = head.get(f"/api/inspection/findings/{finding.pk}/").json()
    assert detail["evidence"] == [] and detail["media_evidence_count"] == 1


def test_one_cap_for_every_evidence_upload(api_as: Any, finding_for: Any, monkeypatch: Any) -> None:
    """Before: 50 MB on the finding page, 200 MB in review."""
    from media_ingest.review import services

    monkeypatch.setattr(services, "UPLOAD_MAX_BYTES", 10)
    finding = finding_for()
    for response in (_upload_on_page(api_as("lead"), finding, b"x" * 11),
                     _upload_in_review(api_as("reviewer"), finding, b"x" * 11)):
        assert response.status_code == 400, response.content
    assert _upload_on_page(api_as("lead"), finding, b"x" * 10).status_code == 201
    assert not EvidenceItem.objects.filter(size_bytes=11).exists()


@pytest.mark.parametrize("state", ["actioned", "dismissed"])
def test_one_rule_for_closed_findings(api_as: Any, finding_for: Any, make_clip: Any, state: str) -> None:
    """Before: the finding page refused a dismissed or actioned finding, review only a dismissed one."""
    lead = api_as("lead")  # a dismissed finding that was never confirmed is the team's only
    tag = lead.post("/api/media/tags/", {"clip_id": make_clip().pk, "label": "officer_absent", "start_s": 1,
                                             "end_s": 2}, format="json").json()
    finding = finding_for(state=state)
    linked = lead.post("/api/media/evidence/", {"finding_id": finding.pk, "tag_id": tag["id"]}, format="json")
    assert linked.status_code == 409 and linked.json()["error"]["code"] == "finding_closed"
    page = lead.post(f"/api/inspection/findings/{finding.pk}/evidence/", {"media_ref": "camera 08:30"}, format="json")
    assert page.status_code == 409 and page.json()["error"]["code"] == "finding_closed"
    assert not EvidenceItem.objects.filter(finding=finding).exists()


@pytest.mark.parametrize("state", ["actioned", "dismissed"])
def test_no_file_reaches_a_closed_finding_by_either_path(api_as: Any, finding_for: Any, state: str) -> None:
    """Issue 15, S2-4: a reviewer's multipart upload to /api/media/evidence/ reached an actioned finding (201)
    while the finding page answered 409. Both paths, both closed states, files and notes: nothing is stored."""
    finding = finding_for(state=state, confirmed_at=T0)
    for client in (api_as("reviewer"), api_as("lead")):
        review = _upload_in_review(client, finding, b"closed review bytes")
        page = _upload_on_page(client, finding, b"closed page bytes")
        for response in (review, page):
            # a dismissed draft is the team's only; whoever sees the finding is told it is closed
            assert response.status_code in (404, 409), response.content
            if response.status_code == 409:
                assert response.json()["error"]["code"] == "finding_closed"
    if state == "actioned":  # confirmed, so the reviewer sees it: the adversary's case answers 409 now
        assert _upload_in_review(api_as("reviewer"), finding, b"x").json()["error"]["code"] == "finding_closed"
    assert _upload_in_review(api_as("lead"), finding, b"x").status_code == 409
    assert not EvidenceItem.objects.filter(finding=finding).exists()


def test_evidence_is_never_deleted_with_its_finding(api_as: Any, finding_for: Any) -> None:
    """Before: the finding page's evidence cascaded with its finding; now every kind is protected."""
    from django.db.models import ProtectedError

    finding = finding_for(state="draft")
    assert _upload_on_page(api_as("lead"), finding, b"draft evidence").status_code == 201
    with pytest.raises(ProtectedError):
        finding.delete()
    assert EvidenceItem.objects.filter(finding=finding).count() == 1


def test_a_note_longer_than_the_cap_is_refused_not_cut(api_as: Any, finding_for: Any) -> None:
    from media_ingest.review.services import NOTE_MAX

    finding = finding_for()
    r = api_as("lead").post(f"/api/inspection/findings/{finding.pk}/evidence/",
                            {"media_ref": "camera 08:30", "description": "x" * (NOTE_MAX + 1)}, format="json")
    assert r.status_code == 400
    assert not EvidenceItem.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_every_finding_evidence_row(demo: Any, finding_for: Any) -> None:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from backend.core.uploads import store_upload
    from tests.review.test_package_sources import _check_with_photo

    lead = demo.users["lead"]
    check, crit, photo, _ = _check_with_photo(demo, lead)
    finding = finding_for(source="check", surprise_check=check, criterion=crit)
    stored = store_upload(fileobj=io.BytesIO(b"old page file"), filename="loi khai.txt", content_type="text/plain",
                          prefix="inspection/findings/1/evidence", max_bytes=1 << 20)
    # the state just before the move: after issue 15's random ids (old rows keep sequential ids, new ones random)
    before = [("review", "0010_evidence_random_ids"), ("inspection", "0016_finding_unit_level_reason")]
    after = [("review", "0012_i17_move_finding_evidence"), ("inspection", "0017_i17_remove_finding_evidence")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        apps = executor.loader.project_state(before).apps
        old = apps.get_model("inspection", "FindingEvidence")
        common = {"finding_id": finding.pk, "added_by_id": lead.pk}
        rows = [
            old.objects.create(kind="file", key=stored.key, filename=stored.filename, size=stored.size,
                               sha256=stored.sha256, description="Lời khai", **common),
            old.objects.create(kind="report_evidence", report_evidence_id=photo.pk, key=photo.key,
                               filename=photo.filename, size=photo.size, sha256=photo.sha256, **common),
            old.objects.create(kind="media", media_ref="camera quầy 08:30", description="xem phút 12", **common),
            old.objects.create(kind="note", description="Công dân phản ánh tại chỗ", **common),
            old.objects.create(id=7, kind="note", description="Trước khi có id ngẫu nhiên", **common),
        ]
        assert all(RANDOM_ID_MIN <= r.pk <= RANDOM_ID_MAX for r in rows[:4])  # issue 15's default
        executor = MigrationExecutor(connection)
        executor.migrate(after)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    moved = {i.moved_from: i for i in EvidenceItem.objects.filter(finding=finding)}
    assert set(moved) == {r.pk for r in rows}
    f, p, m, n, seq = (moved[r.pk] for r in rows)
    assert (f.kind, f.file_key, f.filename, f.size_bytes, f.sha256, f.note) == (
        "file", stored.key, stored.filename, stored.size, stored.sha256, "Lời khai")
    assert (p.kind, p.report_evidence_id, p.file_key, p.sha256, p.content_type) == (
        "report_photo", photo.pk, photo.key, photo.sha256, "image/jpeg")
    assert (m.kind, m.media_ref, m.note) == ("note", "camera quầy 08:30", "xem phút 12")
    assert (n.kind, n.note) == ("note", "Công dân phản ánh tại chỗ")
    assert (seq.kind, seq.moved_from, seq.note) == ("note", 7, "Trước khi có id ngẫu nhiên")
    for item, row in zip((f, p, m, n, seq), rows, strict=True):
        assert item.attached_in == "finding" and item.added_by_id == lead.pk and item.added_at == row.added_at
        assert item.pk != row.pk and RANDOM_ID_MIN <= item.pk <= RANDOM_ID_MAX
