"""The check minutes as printed (biên bản kiểm tra): the signed part fixed when it was signed, then what
came after, as it stands for the reader.

Before issue 15 (insider review) the whole PDF was rendered at its first download and cached: the part the
signatures cover then printed whatever the names, units and criteria read at that download, not at
signing. Now the signed part is rendered when the lead signs (and again when the unit's representative
adds their signature) and kept (SignedMinutes), its SHA-256 on the report and in the signing's audit event;
every download prints those bytes, checked against the hash, followed by the part printed after the
signatures (the confirmed findings this reader may see, the amendments), rendered at the download."""
from __future__ import annotations

import hashlib
import io
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from backend.audit.services import audit_record
from backend.core.actors import SystemActor
from backend.core.errors import Conflict
from inspection.models import CheckReport, Finding, FindingSubject, SignedMinutes
from inspection.pdf import render_after_part, render_signed_part
from inspection.selectors_findings import findings_visible_to

if TYPE_CHECKING:
    from backend.accounts.models import User


def minutes_signed_part_store(*, report: CheckReport, at_signing: bool = True) -> str:
    """Render the signed part of `report` as it stands now and keep it; set and save its hash on the report.
    Called by the signing services inside their transaction, after the signature is saved."""
    pdf = render_signed_part(report)
    sha = hashlib.sha256(pdf).hexdigest()
    SignedMinutes.objects.update_or_create(report=report, defaults={
        "pdf": pdf, "sha256": sha, "rendered_at": timezone.now(), "at_signing": at_signing})
    report.signed_pdf_sha256 = sha
    report.save(update_fields=["signed_pdf_sha256"])
    return sha


def _signed_part(report: CheckReport) -> bytes:
    kept = SignedMinutes.objects.filter(report=report).first()
    if kept is None:
        # signed before the signed part was kept at signing: fixed now, once, and audited
        with transaction.atomic():
            locked = CheckReport.objects.select_for_update().select_related("surprise_check").get(pk=report.pk)
            kept = SignedMinutes.objects.filter(report=locked).first()
            if kept is None:
                sha = minutes_signed_part_store(report=locked, at_signing=False)
                audit_record(actor=SystemActor("minutes"), verb="report.minutes_fixed", obj=locked,
                             payload={"check": str(locked.surprise_check.uid), "minutes_sha256": sha,
                                      "at_signing": False})
                kept = SignedMinutes.objects.get(report=locked)
            report.signed_pdf_sha256 = locked.signed_pdf_sha256
    pdf = bytes(kept.pdf)
    if hashlib.sha256(pdf).hexdigest() != report.signed_pdf_sha256 or kept.sha256 != report.signed_pdf_sha256:
        raise Conflict("Bản biên bản đã ký được lưu không khớp mã băm lưu khi ký: không in.",
                       "The kept signed minutes do not match the hash recorded at signing: not printed.",
                       code="minutes_tampered")
    return pdf


def report_minutes_pdf(*, report: CheckReport, user: User) -> bytes:
    """The signed minutes as PDF for this reader: the kept signed part, then the findings of the check this
    reader may see and that are past draft (a draft allegation is never printed), and the amendments."""
    from pypdf import PdfReader, PdfWriter

    findings = list(findings_visible_to(user).filter(surprise_check=report.surprise_check)
                    .exclude(state__in=(Finding.State.DRAFT, Finding.State.DISMISSED)).select_related("category")
                    .prefetch_related(Prefetch("subjects", queryset=FindingSubject.objects.select_related("officer")))
                    .order_by("occurred_from", "id"))
    signed = PdfReader(io.BytesIO(_signed_part(report)))
    after = PdfReader(io.BytesIO(render_after_part(report, findings, first_page=len(signed.pages) + 1)))
    writer = PdfWriter()
    writer.append(signed)
    writer.append(after)
    writer.add_metadata({"/Title": f"Biên bản kiểm tra {report.surprise_check.reference}"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
