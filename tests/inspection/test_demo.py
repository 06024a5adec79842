"""The inspection demo seeder builds what the other apps and the UI rely on."""
import hashlib
import io

from django.utils import timezone
from pypdf import PdfReader

from inspection.models import CheckReport, CriteriaSet, Finding, SignedMinutes, SurpriseCheck
from inspection.selectors_criteria import criteria_leaves


def test_demo_seed(insp):
    info = insp.extra["inspection"]
    signed = SurpriseCheck.objects.get(uid=info["signed_check"])
    planned = SurpriseCheck.objects.get(uid=info["planned_check"])
    assert signed.state == "signed" and signed.started_at.year == 2026 and signed.started_at.month == 4
    assert planned.state == "planned" and planned.started_at is None and planned.unit.code == "CAX-ND"
    report = CheckReport.objects.get(surprise_check=signed)
    assert report.is_signed and len(report.content_hash) == 64
    cs = CriteriaSet.objects.get(code="MOT-CUA", year=2026)
    assert len(criteria_leaves(criteria_set=cs)) >= 20
    f1, f2 = Finding.objects.filter(pk__in=info["findings"]).order_by("occurred_from")
    assert f1.state == f2.state == "confirmed"
    assert f1.subjects.get().officer.service_number == "NA-2104" and f1.unit.code == "CAX-TC"
    assert f1.occurred_from.date().isoformat() < "2026-03-16"
    assert f2.occurred_from.date().isoformat() < "2026-03-16" < f2.occurred_to.date().isoformat()


def test_demo_signed_minutes_print_the_check_s_own_times(insp):
    """The seed signs its past check today and then moves its times months back; the signed minutes kept at
    signing must be kept again as of those times (user review, issue 15: the PDF said 'Hồi 20 giờ 30 phút,
    ngày 30/11/2026' for a check started on 14/04/2026)."""
    signed = SurpriseCheck.objects.get(uid=insp.extra["inspection"]["signed_check"])
    kept = SignedMinutes.objects.get(report__surprise_check=signed)
    text = " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(bytes(kept.pdf))).pages)
    started = timezone.localtime(signed.started_at)
    assert f"{started:%d/%m/%Y}" in text
    assert f"{timezone.localdate():%d/%m/%Y}" not in text
    report = CheckReport.objects.get(surprise_check=signed)
    assert hashlib.sha256(bytes(kept.pdf)).hexdigest() == report.signed_pdf_sha256 == kept.sha256
