"""Demo data of accountability, loaded by `manage.py seed_demo` after inspection.demo.

The rule set and scoring policy (if the migration did not seed them), liabilities proposed for
the demo's confirmed findings (one confirmed), a disciplinary case for the officer who took
money at the counter, and CCHC tasks for the demo communes with some deliveries reported.
"""
from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from backend.core.actors import SystemActor
from backend.org.demo import DemoContext
from inspection.accountability import services_cases, services_liabilities, services_rulesets, services_tasks
from inspection.models import Finding


def seed(ctx: DemoContext) -> None:
    by = SystemActor("seed_demo")
    services_rulesets.ruleset_seed_default(by=by)
    services_rulesets.scoring_policy_seed_default(by=by)
    discipline, admin = ctx.users["discipline"], ctx.users["admin"]
    today = timezone.localdate()

    finding_ids = ctx.extra.get("inspection", {}).get("findings", [])
    findings = list(Finding.objects.filter(pk__in=finding_ids, state__in=("confirmed", "actioned"))
                    .order_by("occurred_from"))
    case_ids: list[int] = []
    for finding in findings:
        _, created, _ = services_liabilities.liabilities_propose(by=discipline, finding=finding)
        if finding.severity == "serious":
            head = next((x for x in created if x.role == "head"), None)
            if head is not None:
                services_liabilities.liability_confirm(
                    by=discipline, liability=head,
                    reason="Đã đối chiếu quyết định bổ nhiệm: người đứng đầu tại thời điểm vi phạm.")
            violator = finding.subjects.filter(role="violator").select_related("officer").first()
            if violator is not None:
                case = services_cases.case_create(
                    by=discipline, subject_kind="officer", officer=violator.officer, unit=None, findings=[finding],
                    title=f"Xem xét kỷ luật {violator.officer.full_name} — {finding.title}",
                    summary="Lập hồ sơ theo kết luận kiểm tra đột xuất bộ phận một cửa.")
                services_cases.case_add_factor(by=discipline, case=case, kind="aggravating",
                                               text="Vi phạm gây bức xúc cho công dân, bị phản ánh qua đường dây nóng")
                services_cases.case_add_factor(by=discipline, case=case, kind="mitigating",
                                               text="Thành khẩn nhận khuyết điểm, đã hoàn trả tiền cho công dân")
                services_cases.case_transition(by=discipline, case=case, to="self_review",
                                               note="Yêu cầu cán bộ viết bản tự kiểm điểm.")
                case_ids.append(case.pk)

    year = today.year
    plans: dict[str, list[tuple[str, str, date, int | None]]] = {
        "CAX-TC": [("Số hóa hồ sơ thủ tục cư trú", "100% hồ sơ được số hóa", date(year, 6, 30), 20),
                   ("Rút ngắn thời gian chờ tại quầy", "Bình quân dưới 15 phút", date(year, 9, 30), None)],
        "CAX-ND": [("Số hóa hồ sơ thủ tục cư trú", "100% hồ sơ được số hóa", date(year, 6, 30), -5),
                   ("Niêm yết thủ tục bằng mã QR", "Toàn bộ thủ tục có mã QR", date(year, 4, 30), -10)],
        "CAX-KL": [("Tiếp nhận hồ sơ trực tuyến", "Trên 60% hồ sơ trực tuyến", date(year, 8, 31), 0)],
    }
    task_ids: list[int] = []
    for code, items in plans.items():
        unit = ctx.units.get(code)
        if unit is None:
            continue
        tasks = services_tasks.tasks_register(by=admin, unit=unit, year=year, today=today, items=[
            {"title": title, "target": target, "due_date": due} for title, target, due, _ in items])
        for task, (_, _, due, delay) in zip(tasks, items, strict=True):
            delivered = due + timedelta(days=delay) if delay is not None else None
            if delivered is not None and delivered <= today:
                services_tasks.task_report_delivery(by=admin, task=task, delivered_on=delivered,
                                                    note="Báo cáo kết quả kèm số liệu thống kê.")
        task_ids.extend(t.pk for t in tasks)
    ctx.extra["accountability"] = {"cases": case_ids, "tasks": task_ids}
