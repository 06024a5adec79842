"""What a reader who may not open a finding learns from the tag and package endpoints (issue 15,
insider review): nothing that the custody log would not tell him."""
from __future__ import annotations

from typing import Any

import pytest

from media_ingest.review.selectors_custody import HIDDEN_FINDING

pytestmark = pytest.mark.django_db


def _second_reviewer(demo: Any, scope: str | None = None) -> Any:
    from backend.accounts.services import user_create
    from backend.core.actors import SystemActor
    from backend.org.demo import DEMO_PASSWORD
    from tests.conftest import login_client

    name = f"rv-mask-{scope or 'all'}"
    user_create(by=SystemActor("test"), username=name, password=DEMO_PASSWORD, role="reviewer",
                scope_unit=demo.units[scope] if scope else None)
    return login_client(name, DEMO_PASSWORD)


def test_tag_detail_withholds_a_draft_finding_the_reader_cannot_open(api_as: Any, make_clip: Any, finding_for: Any,
                                                                 demo: Any) -> None:
    author = api_as("reviewer")
    clip = make_clip()
    tag = author.post("/api/media/tags/", {"clip_id": clip.pk, "label": "officer_absent", "start_s": 1, "end_s": 4},
                      format="json").json()
    draft = finding_for(state="draft", created_by=demo.users["reviewer"])
    shown = finding_for()
    for finding in (draft, shown):
        r = author.post("/api/media/evidence/", {"finding_id": finding.pk, "tag_id": tag["id"]}, format="json")
        assert r.status_code == 201, r.content
    # the author of the draft sees both links
    mine = author.get(f"/api/media/tags/{tag['id']}/").json()["evidence"]
    assert {(e["finding_id"], e["finding__reference"]) for e in mine} == {(draft.pk, draft.reference),
                                                                         (shown.pk, shown.reference)}
    other = _second_reviewer(demo)
    assert other.get(f"/api/inspection/findings/{draft.pk}/").status_code == 404
    r = other.get(f"/api/media/tags/{tag['id']}/")
    assert r.status_code == 200, r.content
    evidence = r.json()["evidence"]
    # the draft's link is withheld, not redacted (issue 15 S1-2: a masked entry still told that footage
    # was attached to a draft); the published finding stays named
    assert draft.reference not in r.content.decode() and HIDDEN_FINDING not in r.content.decode()
    assert [(e["finding_id"], e["finding__reference"], e["redacted"]) for e in evidence] == [
        (shown.pk, shown.reference, None)]


def test_a_package_out_of_scope_reads_like_one_that_does_not_exist(api_as: Any, finding_for: Any, demo: Any) -> None:
    from media_ingest.review.models import EvidencePackage

    finding = finding_for(unit_code="CAX-KL")
    package = EvidencePackage.objects.create(finding=finding, requested_by=demo.users["reviewer"], reason="Chuyển hồ sơ",
                                             requested_at=finding.occurred_from)
    scoped = _second_reviewer(demo, "CAX-TC")
    missing = scoped.get(f"/api/media/evidence/packages/{package.pk + 1000}/")
    hidden = scoped.get(f"/api/media/evidence/packages/{package.pk}/")
    assert missing.status_code == hidden.status_code == 404
    assert hidden.json() == missing.json()
    assert hidden.json()["error"]["message"] == "Không tìm thấy gói chứng cứ."
    assert api_as("reviewer").get(f"/api/media/evidence/packages/{package.pk}/").status_code == 200
