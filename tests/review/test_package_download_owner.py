"""rev15 (low): a package download link is not a bearer link — the ZIP is served only to the signed-in
user who asked for it (with a reason), before it expires; each fetch is in the audit trail."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from backend.audit.models import AuditEvent
from media_ingest.review.models import AccessLog

pytestmark = pytest.mark.django_db


def test_only_the_user_who_asked_fetches_the_zip_while_the_link_lives(
        api_as: Any, make_clip: Any, finding_for: Any, django_capture_on_commit_callbacks: Any) -> None:
    from media_ingest.review.tasks import evidence_package_build

    reviewer = api_as("reviewer")
    clip = make_clip(footage="counter-visits.mp4", duration=139.0)
    finding = finding_for()
    tag = reviewer.post("/api/media/tags/", {"clip_id": clip.pk, "label": "officer_absent", "start_s": 1,
                                             "end_s": 3}, format="json").json()
    assert reviewer.post("/api/media/evidence/", {"finding_id": finding.pk, "tag_id": tag["id"]},
                         format="json").status_code == 201
    with django_capture_on_commit_callbacks():
        package = reviewer.post("/api/media/evidence/packages/", {"finding_id": finding.pk, "reason": "xuất hồ sơ"},
                                format="json").json()
    assert evidence_package_build.apply(args=(package["id"],)).successful()
    dl = reviewer.post(f"/api/media/evidence/packages/{package['id']}/download/", {"reason": "nộp hội đồng"},
                       format="json")
    assert dl.status_code == 201
    url = dl.json()["url"]

    # anonymous, a user with no footage right, and another user who may see the package: refused
    assert APIClient().get(url).status_code in (401, 403)
    assert api_as("unithead").get(url).status_code == 403
    other = api_as("lead").get(url)
    assert other.status_code == 403 and other.json()["error"]["message"].startswith("Liên kết tải gói chứng cứ")
    assert not AuditEvent.objects.filter(verb__startswith="evidence.package.zip").exists()

    # the user who asked fetches it (twice if need be), each fetch audited with its requester
    for _ in range(2):
        got = reviewer.get(url)
        assert got.status_code == 200
        assert b"".join(got.streaming_content)[:2] == b"PK"
    fetches = AuditEvent.objects.filter(verb__startswith="evidence.package.zip")
    assert fetches.count() == 2 and set(fetches.values_list("actor_label", flat=True)) == {"reviewer"}

    # a forged access id (another package's, or none) and an expired link are refused
    assert reviewer.get(f"/api/media/evidence/packages/{package['id']}/file/").status_code == 403
    AccessLog.objects.filter(action=AccessLog.Action.EXPORT_DOWNLOAD).update(
        expires_at=timezone.now() - timedelta(seconds=1))
    assert reviewer.get(url).status_code == 403
