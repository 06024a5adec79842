"""Demo data of the inspection app, loaded by `manage.py seed_demo` after the organisation.

Criteria set and catalogue, months of ratings and some complaints, a past signed check of
CAX-TC with its report and two confirmed findings (one by NA-2104 in early 2026 under the first
head, one spanning the March 2026 head change), and one planned (secret) check of CAX-ND.
"""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from backend.core.actors import SystemActor
from backend.org.demo import DemoContext
from backend.org.models import Counter
from inspection import (
    services_checks,
    services_complaints,
    services_criteria,
    services_draw_inputs,
    services_findings,
    services_reports,
    services_risk,
    services_signoff,
)
from inspection.draw import LOCAL_TZ
from inspection.models import CheckReport, CriterionResult, FindingCategory, SatisfactionRating, SurpriseCheck
from inspection.selectors_criteria import criteria_leaves


def _local(d: date, hh: int, mm: int = 0) -> datetime:
    return datetime.combine(d, time(hh, mm), tzinfo=LOCAL_TZ)


def _next_working_day(d: date) -> date:
    d += timedelta(days=1)
    while d.weekday() >= 5 or d.isoformat() not in services_draw_inputs.working_days(d, d):
        d += timedelta(days=1)
    return d


def _ratings(rng: random.Random, today: date) -> None:
    # (counter code, share of unsatisfied) — Nam Đàn rates worse; Kim Liên rates suspiciously well
    profile = {"Q-CAX-TC": 0.10, "Q-CAX-ND": 0.25, "Q-CAX-KL": 0.01}
    rows = []
    for counter in Counter.objects.filter(code__in=profile):
        bad = profile[counter.code]
        for day_offset in range(150, 0, -1):
            d = today - timedelta(days=day_offset)
            if d.weekday() >= 5:
                continue
            for n in range(rng.randint(2, 6)):
                minute = rng.randint(7 * 60 + 30, 16 * 60 + 50)
                at = _local(d, minute // 60, minute % 60)
                if counter.code == "Q-CAX-KL" and n % 2:
                    score = 5
                else:
                    score = rng.randint(1, 2) if rng.random() < bad else rng.choice([3, 4, 4, 5, 5, 5])
                rows.append(SatisfactionRating(counter=counter, device_code=f"demo:{counter.code}",
                                               device_rating_id=f"{d:%Y%m%d}-{n}", rated_at=at, score=score,
                                               source=SatisfactionRating.Source.CSV))
    SatisfactionRating.objects.bulk_create(rows)
    rated: dict[tuple[int, date], int] = {}
    for r in rows:
        key = (r.counter_id, timezone.localdate(r.rated_at))
        rated[key] = rated.get(key, 0) + 1
    from inspection.province import seed_volumes

    seed_volumes(list(Counter.objects.filter(active=True).order_by("id")), today - timedelta(days=150),
                 today - timedelta(days=1), random.Random(4099), rated)


def _backdate_signed(check: SurpriseCheck, started: datetime, completed: datetime, signed: datetime) -> None:
    """The demo's past check happened months ago: move its timestamps and re-freeze the signature."""
    SurpriseCheck.objects.filter(pk=check.pk).update(started_at=started, completed_at=completed)
    report = CheckReport.objects.select_related("surprise_check", "criteria_set", "signed_by").get(surprise_check=check)
    report.surprise_check.refresh_from_db()
    report.signed_at = signed
    content = services_reports.report_content(report)
    CheckReport.objects.filter(pk=report.pk).update(signed_at=signed, signed_content=content,
                                                    content_hash=services_reports.content_hash(content))
    # the signed minutes were kept when the seed signed them (today): keep them again as of the moved times
    from inspection.minutes import minutes_signed_part_store

    minutes_signed_part_store(report=CheckReport.objects.select_related(
        "surprise_check", "criteria_set", "signed_by").get(pk=report.pk))


# Long on purpose: the demo inspection year as data, in the order a person would build it; no rule lives here.
def seed(ctx: DemoContext) -> None:
    by = SystemActor("seed_demo")
    lead, inspector = ctx.users["lead"], ctx.users["inspector"]
    today = timezone.localdate()
    services_criteria.catalogue_seed(by=by)
    services_criteria.criteria_set_seed_default(by=by, year=2025)
    services_criteria.criteria_set_seed_default(by=by, year=today.year)
    rng = random.Random(2026)
    _ratings(rng, today)

    tc, nd, kl = ctx.units["CAX-TC"], ctx.units["CAX-ND"], ctx.units["CAX-KL"]
    q_tc = Counter.objects.get(code="Q-CAX-TC")
    q_nd = Counter.objects.get(code="Q-CAX-ND")
    complaints = [
        ("hotline_1", tc, q_tc, "NA-2104", date(2026, 2, 4), "Cán bộ một cửa yêu cầu nộp thêm tiền 'phí dịch vụ' "
         "khi làm căn cước."),
        ("hotline_2", tc, q_tc, None, date(2026, 3, 2), "Quầy một cửa không có người trong giờ làm việc buổi sáng."),
        ("web", nd, q_nd, None, today - timedelta(days=40), "Phải chờ rất lâu, cán bộ thái độ không niềm nở."),
        ("hotline_3", nd, q_nd, None, today - timedelta(days=12), "Hẹn trả kết quả quá hạn mà không có giấy hẹn lại."),
        ("in_person", kl, None, None, today - timedelta(days=70), "Không niêm yết mức lệ phí đăng ký cư trú."),
    ]
    created = []
    for channel, unit, counter, sn, d, summary in complaints:
        received = _local(d, 10, 15)
        complaint = services_complaints.complaint_create(by=lead, channel=channel, received_at=received, summary=summary,
                                                         unit=unit, counter=counter,
                                                         officer=ctx.officers[sn] if sn else None,
                                                         occurred_at=received - timedelta(hours=1),
                                                         complainant_name="Công dân (ẩn danh)")
        created.append(complaint)
    fee = FindingCategory.objects.get(code="THU_PHI")
    absent = FindingCategory.objects.get(code="VANG_MAT")
    services_complaints.complaint_triage(by=lead, complaint=created[0], category=fee, priority="high")
    services_complaints.complaint_transition(by=lead, complaint=created[0], to_state="investigating")
    services_complaints.complaint_triage(by=lead, complaint=created[1], category=absent, priority="normal")

    # A past check of Thanh Chương, signed in April 2026
    check = services_checks.check_create(by=lead, mode=SurpriseCheck.Mode.DOT_XUAT, unit=tc, counter=q_tc,
                                         window_start=_local(date(2026, 4, 14), 8, 0),
                                         window_end=_local(date(2026, 4, 14), 11, 0), team=[lead, inspector],
                                         record_past=True)
    services_checks.check_start(by=lead, check=check)
    results: list[dict[str, Any]] = []
    report = CheckReport.objects.get(surprise_check=check)
    for crit in criteria_leaves(criteria_set=report.criteria_set):
        if crit.code == "3.1":
            results.append({"criterion": crit.code, "outcome": CriterionResult.Outcome.FAIL,
                            "note": "Công dân phản ánh bị thu 'phí dịch vụ' ngoài quy định (tháng 2/2026)."})
        elif crit.code == "1.1":
            results.append({"criterion": crit.code, "outcome": CriterionResult.Outcome.PARTIAL,
                            "points": 4, "note": "Nhiều buổi sáng quầy vắng cán bộ (02–04/2026)."})
        elif crit.code == "6.1":
            results.append({"criterion": crit.code, "outcome": CriterionResult.Outcome.NOT_APPLICABLE,
                            "note": "Thiết bị đánh giá đang bảo hành."})
        else:
            results.append({"criterion": crit.code, "outcome": CriterionResult.Outcome.PASS})
    services_reports.report_update(by=lead, check=check, version=CheckReport.objects.get(surprise_check=check).version,
                                   results=results,
                                   summary="Bộ phận một cửa cơ bản thực hiện đúng quy trình; phát hiện thu tiền ngoài quy "
                                   "định và vắng mặt trong giờ làm việc.")
    services_checks.check_complete(by=lead, check=check)
    f1 = services_findings.finding_create(
        by=lead, source="check", category=fee, surprise_check=check, unit=tc, criterion_code="3.1",
        title="Thu tiền ngoài quy định khi cấp căn cước", severity="serious",
        description="Cán bộ Phạm Quốc Anh thu thêm 200.000đ 'phí dịch vụ' của công dân.",
        occurred_from=_local(date(2026, 2, 3), 9, 30), complaint=created[0],
        subjects=[{"officer_id": ctx.officers["NA-2104"].pk, "role": "violator"}])
    services_findings.finding_transition(by=lead, finding=f1, to_state="confirmed",
                                         reason="Đã xác minh qua lời khai công dân và sổ thu phí.")
    f2 = services_findings.finding_create(
        by=lead, source="check", category=absent, surprise_check=check, unit=tc, criterion_code="1.1",
        title="Quầy một cửa vắng cán bộ nhiều buổi sáng", severity="less_serious",
        description="Camera và phản ánh cho thấy quầy vắng cán bộ kéo dài từ tháng 2 đến tháng 4/2026.",
        occurred_from=_local(date(2026, 2, 20), 8, 0), occurred_to=_local(date(2026, 4, 10), 11, 30),
        subjects=[{"officer_id": ctx.officers["NA-2105"].pk, "role": "violator"}])
    services_findings.finding_transition(by=lead, finding=f2, to_state="confirmed",
                                         reason="Đối chiếu hình ảnh camera và bảng chấm công.")
    services_signoff.report_sign(by=lead, check=check)
    _backdate_signed(check, _local(date(2026, 4, 14), 8, 20), _local(date(2026, 4, 14), 10, 45),
                     _local(date(2026, 4, 14), 11, 0))

    # The secret one: a planned check of Nam Đàn on the next working day
    d = _next_working_day(today)
    planned = services_checks.check_create(by=lead, mode=SurpriseCheck.Mode.BI_MAT, unit=nd, counter=q_nd,
                                           window_start=_local(d, 8, 30), window_end=_local(d, 10, 30),
                                           team=[lead, inspector], notes="Kiểm tra bí mật theo phản ánh đường dây nóng.")
    services_risk.risk_compute(by=by)
    ctx.extra["inspection"] = {"signed_check": str(check.uid), "planned_check": str(planned.uid),
                               "findings": [f1.pk, f2.pk], "complaints": [c.pk for c in created]}
