"""Findings, evidence files, footage evidence and packages take random ids, so a gap between published ids shows no
draft.

Where these came from:
Issue 15, insider review S2: sequential ids revealed drafts. The administrator, discipline and the unit head
read the ids of confirmed findings (list, detail, audit listing, liabilities, exports); a gap between two of
them showed that a draft (or a finding dismissed while a draft) existed, and roughly when it was made. The
same held for a draft's evidence files, its footage evidence and its evidence packages. Their ids are now
random (backend.core.ids), still integers in JavaScript's safe range."""
from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from backend.core.ids import RANDOM_ID_MAX, RANDOM_ID_MIN, random_id

pytestmark = pytest.mark.django_db


def _random(value: int) -> bool:
    return RANDOM_ID_MIN <= value <= RANDOM_ID_MAX


def _create(client: Any, insp: Any, title: str) -> dict[str, Any]:
    made = client.post("/api/inspection/findings/", {
        "source": "footage", "category": "VANG_MAT", "title": title, "unit_id": insp.units["CAX-TC"].pk,
        "occurred_from": (timezone.now() - timedelta(days=2)).isoformat(),
        "subjects": [{"officer_id": insp.officers["NA-2104"].pk, "role": "violator"}]}, format="json")
    assert made.status_code == 201, made.content
    return made.json()


def _confirm(client: Any, finding_id: int) -> None:
    done = client.post(f"/api/inspection/findings/{finding_id}/transition/",
                       {"to": "confirmed", "reason": "Có biên bản làm việc."}, format="json")
    assert done.status_code == 200, done.content


def test_a_draft_between_two_published_findings_leaves_no_gap_in_their_ids(api_as: Any, insp: Any) -> None:
    lead, admin = api_as("lead"), api_as("admin")
    first = _create(lead, insp, "Vắng mặt tại quầy (1)")
    _confirm(lead, first["id"])
    draft = _create(lead, insp, "Nghi vấn nhận tiền (dự thảo)")
    second = _create(lead, insp, "Vắng mặt tại quầy (2)")
    _confirm(lead, second["id"])
    listed = {f["id"] for f in admin.get("/api/inspection/findings/", {"page_size": 200}).json()["results"]}
    assert {first["id"], second["id"]} <= listed and draft["id"] not in listed
    assert all(_random(f["id"]) for f in (first, draft, second))
    # with a sequence they were n and n + 2: the draft was the n + 1 the admin could not open
    assert abs(second["id"] - first["id"]) > 1000
    assert admin.get(f"/api/inspection/findings/{second['id']}/").json()["id"] == second["id"]
    assert admin.get(f"/api/inspection/findings/{draft['id']}/").status_code == 404


def test_a_drafts_evidence_files_take_random_ids_and_keep_the_order_they_were_added(api_as: Any, insp: Any) -> None:
    lead = api_as("lead")
    finding = _create(lead, insp, "Thu tiền ngoài quy định")
    ids = []
    for name in ("bien-ban-1.pdf", "bien-ban-2.pdf", "bien-ban-3.pdf"):
        upload = io.BytesIO(name.encode())
        upload.name = name
        added = lead.post(f"/api/inspection/findings/{finding['id']}/evidence/", {"file": upload}, format="multipart")
        assert added.status_code == 201, added.content
        ids.append(added.json()["id"])
    assert all(_random(i) for i in ids)
    detail = lead.get(f"/api/inspection/findings/{finding['id']}/").json()
    assert [e["id"] for e in detail["evidence"]] == ids  # the order added, not the (random) id's
    assert [e["filename"] for e in detail["evidence"]] == ["bien-ban-1.pdf", "bien-ban-2.pdf", "bien-ban-3.pdf"]
    got = lead.get(f"/api/inspection/findings/{finding['id']}/evidence/{ids[1]}/")
    assert got.status_code == 200 and b"".join(got.streaming_content) == b"bien-ban-2.pdf"


def test_footage_evidence_and_packages_take_random_ids(insp: Any) -> None:
    from media_ingest.review.models import EvidenceItem, EvidencePackage

    # the id is drawn when the row is made, before it is saved (no sequence is consulted)
    assert _random(EvidenceItem().pk) and _random(EvidencePackage().pk)
    assert EvidenceItem._meta.pk.get_internal_type() == "BigIntegerField"
    assert EvidencePackage._meta.pk.get_internal_type() == "BigIntegerField"


def test_random_ids_stay_within_javascripts_safe_integers_and_above_every_sequential_id() -> None:
    draws = {random_id() for _ in range(2000)}
    assert len(draws) == 2000
    assert min(draws) >= 2**32 and max(draws) <= 2**53 - 1
