"""Typed text is cleaned at the API's boundary (backend.core.text.plain_text through
backend.core.params.PlainTextField): control characters, bidi overrides and zero-width characters never
reach the database, and every XLSX export survives rows stored before that (issue 15, insider review)."""
from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import load_workbook

from backend.org.models import Officer, Unit
from inspection.models import Finding
from media_ingest.review.models import AccessLog, EvidencePackage, Tag

pytestmark = pytest.mark.django_db

DIRTY = "Thu\u0007 tiền\u202e gnp.exe\u200b\x1b[31m"
CLEAN = "Thu tiền gnp.exe[31m"


def _category() -> str:
    from inspection.models import FindingCategory

    FindingCategory.objects.get_or_create(code="footage", defaults={"name_vi": "Vi phạm qua hình ảnh",
                                                                    "name_en": "Seen on footage"})
    return "footage"


def _cells(content: bytes) -> list[str]:
    ws = load_workbook(io.BytesIO(content)).active
    return [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]


def test_finding_text_is_stored_as_it_reads_and_descriptions_keep_their_lines(api_as: Any, demo: Any) -> None:
    lead = api_as("lead")
    body = {"source": "footage", "category": _category(), "title": DIRTY + "\nthêm dòng",
            "description": "Dòng một\u0007\nDòng hai\u202e", "unit_id": demo.units["CAX-TC"].pk,
            "occurred_from": "2026-05-04T09:00:00+07:00",
            "subjects": [{"officer_id": demo.officers["NA-2104"].pk, "role": "violator", "note": "ghi\u0000chú\u2066"}]}
    r = lead.post("/api/inspection/findings/", body, format="json")
    assert r.status_code == 201, r.content
    finding = Finding.objects.get(pk=r.json()["id"])
    assert finding.title == CLEAN + " thêm dòng"  # a title is one line
    assert finding.description == "Dòng một\nDòng hai"  # a description keeps its lines
    assert finding.subjects.get().note == "ghichú"
    # text that was only invisible characters is blank, and blank is refused
    r = lead.post("/api/inspection/findings/", {**body, "title": "\u200b\u202e\u0007"}, format="json")
    assert r.status_code == 400 and "title" in r.json()["error"]["fields"], r.content


def test_nfd_text_is_stored_in_nfc(api_as: Any, demo: Any) -> None:
    import unicodedata

    body = {"source": "footage", "category": _category(), "title": unicodedata.normalize("NFD", "Thu tiền sai"),
            "unit_id": demo.units["CAX-TC"].pk, "occurred_from": "2026-05-04T09:00:00+07:00", "subjects": []}
    r = api_as("lead").post("/api/inspection/findings/", body, format="json")
    assert r.status_code == 201, r.content
    assert Finding.objects.get(pk=r.json()["id"]).title == "Thu tiền sai"


def test_unit_codes_are_a_safe_alphabet_and_names_are_plain(api_as: Any, demo: Any) -> None:
    admin = api_as("admin")
    base = {"level": "commune", "parent_id": demo.units["CAT-NA"].pk, "valid_from": "2026-01-01"}
    before = Unit.objects.count()
    for code in ("ADV-U\u0007", "ADV U", "ADV-\u202eU", "-ADV", "ĐV-1"):
        r = admin.post("/api/org/units/", {**base, "code": code, "name": "Công an xã Thử"}, format="json")
        assert r.status_code == 400 and "code" in r.json()["error"]["fields"], (code, r.content)
    assert Unit.objects.count() == before
    r = admin.post("/api/org/units/", {**base, "code": "ADV-U.1_a", "name": "Công an\u0007 xã\u202e Thử"},
                   format="json")
    assert r.status_code == 201, r.content
    assert Unit.objects.get(code="ADV-U.1_a").name == "Công an xã Thử"
    r = admin.post("/api/org/officers/", {"service_number": "ADV-9001", "full_name": "Nguyễn\u0007 Văn\u200b A"},
                   format="json")
    assert r.status_code == 201, r.content
    assert Officer.objects.get(service_number="ADV-9001").full_name == "Nguyễn Văn A"


def test_tag_notes_and_playback_and_package_reasons_are_cleaned(api_as: Any, make_clip: Any, finding_for: Any,
                                                               django_capture_on_commit_callbacks: Any) -> None:
    client = api_as("reviewer")
    clip = make_clip()
    r = client.post("/api/media/tags/", {"clip_id": clip.pk, "label": "officer_absent", "start_s": 1, "end_s": 5,
                                         "note": "ghi\u0007 chú\u202e"}, format="json")
    assert r.status_code == 201, r.content
    assert Tag.objects.get(pk=r.json()["id"]).note == "ghi chú"
    r = client.post(f"/api/media/clips/{clip.pk}/playback/", {"reason": "Xác minh\u0007 phản ánh"}, format="json")
    assert r.status_code == 201, r.content
    assert AccessLog.objects.filter(clip=clip, reason="Xác minh phản ánh").exists()
    finding = finding_for()
    tag_id = Tag.objects.get(clip=clip).pk
    r = client.post("/api/media/evidence/", {"finding_id": finding.pk, "tag_id": tag_id, "note": "Cán bộ rời quầy"},
                    format="json")
    assert r.status_code == 201, r.content
    from media_ingest.review.models import EvidenceItem

    assert EvidenceItem.objects.get(pk=r.json()["id"]).note == "Cán bộ rời quầy"
    with django_capture_on_commit_callbacks():
        r = client.post("/api/media/evidence/packages/", {"finding_id": finding.pk, "reason": "Chuyển\u0007 hội đồng"},
                        format="json")
    assert r.status_code == 202, r.content
    assert EvidencePackage.objects.get(pk=r.json()["id"]).reason == "Chuyển hội đồng"


def test_custody_xlsx_survives_rows_stored_before_the_fix(api_as: Any, make_clip: Any, demo: Any) -> None:
    client = api_as("reviewer")
    clip = make_clip()
    assert client.post(f"/api/media/clips/{clip.pk}/playback/", {"reason": "Xác minh phản ánh"},
                       format="json").status_code == 201
    AccessLog.objects.filter(clip=clip).update(reason="Xác minh\u0007 phản\u202e ánh")  # as typed, before the fix
    r = client.get(f"/api/media/clips/{clip.pk}/custody/export/?type=xlsx")
    assert r.status_code == 200, r.content[:300]
    cells = _cells(r.content)
    assert "Xác minh phản ánh" in cells and not any("\u0007" in c or "\u202e" in c for c in cells)


def test_accountability_xlsx_survives_rows_stored_before_the_fix(api_as: Any, finding_for: Any, demo: Any) -> None:
    finding = finding_for(title="Thu\u0007 tiền\u202e sai", description="Mô tả\u0008 dài")
    r = api_as("discipline").get(f"/api/accountability/findings/{finding.pk}/report.xlsx")
    assert r.status_code == 200, r.content[:300]
    cells = "\n".join(_cells(r.content))
    assert "Thu tiền sai" in cells and "\u0007" not in cells
