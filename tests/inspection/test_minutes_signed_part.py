"""The signed minutes are fixed at signing: the signed part is rendered, hashed and stored then, a tampered copy is
not printed, and the parties agree only once the unit has signed.

Where these came from:
Issue 15 (insider review): the signed minutes PDF was fixed (cached) at its first download, not at
signing, so names changed between the signing and the first download were printed as signed. Now the
signed part is rendered and stored at signing, its SHA-256 kept on the report and in the signing's audit
event; every download prints those bytes, then the findings and amendments that came after."""
from __future__ import annotations

import hashlib
import io
from typing import Any

import pytest
from pypdf import PdfReader

from backend.accounts.models import User
from backend.audit.models import AuditEvent
from inspection.models import CheckReport, SignedMinutes
from tests.inspection.test_field_signoff import _signed, running  # noqa: F401
from tests.inspection.test_reports import _url

pytestmark = pytest.mark.django_db


def _pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


def test_the_signed_part_is_fixed_at_signing_not_at_the_first_download(api_as: Any, running: Any) -> None:  # noqa: F811
    lead = User.objects.get(username="lead")
    old_name = lead.get_full_name() or lead.username
    _signed(api_as, running)
    report = CheckReport.objects.get(surprise_check=running)
    assert report.signed_pdf_sha256
    sign_event = AuditEvent.objects.get(verb="report.sign", object_id=str(report.pk))
    assert sign_event.payload["minutes_sha256"] == report.signed_pdf_sha256
    at_signing = bytes(SignedMinutes.objects.get(report=report).pdf)
    assert hashlib.sha256(at_signing).hexdigest() == report.signed_pdf_sha256
    signed_pages = _pages_text(at_signing)
    assert any(old_name in page for page in signed_pages)

    # after signing, and before anyone downloads: the admin renames the lead's account, an amendment is made
    admin = api_as("admin")
    renamed = admin.patch(f"/api/auth/users/{lead.pk}/", {"full_name": "Tên Đổi Sau Khi Ký"}, format="json")
    assert renamed.status_code == 200, renamed.content
    amended = api_as("lead").post(_url(running, "amendments/"), {
        "reason": "Bổ sung nhận xét sau khi ký", "summary": "Đơn vị chấp hành tốt, cần duy trì."}, format="json")
    assert amended.status_code in (200, 201), amended.content

    response = api_as("discipline").get(_url(running, "pdf/"))
    assert response.status_code == 200, response.content
    pages = _pages_text(response.content)
    # the signed part: the very pages stored at signing
    assert pages[:len(signed_pages)] == signed_pages
    assert not any("Tên Đổi Sau Khi Ký" in page for page in pages[:len(signed_pages)])
    # what came after is printed after it, numbered on
    after = "".join("".join(pages[len(signed_pages):]).split())  # the layout breaks lines anywhere
    assert "BỔSUNGSAUKHIKÝ" in after and "Bổsungnhậnxétsaukhiký" in after
    assert "VIPHẠMĐÃXÁCNHẬN" in after
    # a later download prints the same signed part again
    again = _pages_text(api_as("lead").get(_url(running, "pdf/")).content)
    assert again[:len(signed_pages)] == signed_pages


def test_a_tampered_kept_signed_part_is_not_printed(api_as: Any, running: Any) -> None:  # noqa: F811
    _signed(api_as, running)
    report = CheckReport.objects.get(surprise_check=running)
    SignedMinutes.objects.filter(report=report).update(pdf=b"%PDF-1.4 forged")
    response = api_as("lead").get(_url(running, "pdf/"))
    assert response.status_code == 409 and response.json()["error"]["code"] == "minutes_tampered"


def test_the_minutes_say_the_parties_agreed_only_once_the_unit_has_signed(api_as: Any, running: Any) -> None:  # noqa: F811
    """User review, issue 15: the minutes said 'các bên đã đọc lại và thống nhất nội dung' while the unit's
    representative had not signed yet."""
    from tests.inspection.test_field_signoff import _data_url, _png

    _signed(api_as, running)
    lead_only = "".join(_pages_text(api_as("lead").get(_url(running, "pdf/")).content)).split()
    joined = "".join(lead_only)
    assert "chưakýbiênbản" in joined and "thốngnhấtnộidung" not in joined
    body = {"name": "Trần Minh Đức", "post": "Trưởng Công an xã", "opinion": "Đồng ý.",
            "signature": _data_url(_png())}
    assert api_as("lead").post(_url(running, "representative/"), body, format="json").status_code == 200
    both = "".join("".join(_pages_text(api_as("lead").get(_url(running, "pdf/")).content)).split())
    assert "thốngnhấtnộidung" in both and "chưakýbiênbản" not in both
