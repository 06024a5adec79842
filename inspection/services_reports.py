"""Writes of check reports: results, score, sign-off, amendments and report evidence."""
from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, BinaryIO

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from backend.accounts.selectors import require_role
from backend.audit.services import audit_record
from backend.core.errors import Conflict, DomainError, Forbidden
from backend.core.events import broadcast_on_commit
from backend.core.uploads import store_upload
from inspection import defaults
from inspection.models import (
    CheckReport,
    Criterion,
    CriterionResult,
    Finding,
    ReportAmendment,
    ReportEvidence,
    SurpriseCheck,
)
from inspection.services_common import (
    TEAM,
    TWO,
    _check_locked,
    _event,
    _invalid,
    _require_team_member,
    _require_text,
)

MIN_REASON_LETTERS = 5


def strip_invisible(text: str) -> str:
    """Text without format characters (zero-width spaces, BOM) and outer blanks."""
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf").strip()


def is_a_reason(text: str, minimum: int = MIN_REASON_LETTERS) -> bool:
    """A reason says something: at least `minimum` letters or digits ("." or "x" are not reasons)."""
    return sum(ch.isalnum() for ch in strip_invisible(text)) >= minimum


def _results_clean(report: CheckReport, items: Any) -> list[tuple[Criterion, dict[str, Any]]]:
    """Validate every item against the report's criteria set before anything is written."""
    from inspection.selectors import criteria_leaves

    if not isinstance(items, list):
        raise _invalid("results phải là danh sách.", "results must be a list.", "results")
    leaves = {c.code: c for c in criteria_leaves(criteria_set=report.criteria_set)}
    all_codes = set(Criterion.objects.filter(criteria_set=report.criteria_set).values_list("code", flat=True))
    seen: set[str] = set()
    errors: dict[str, list[str]] = {}
    clean: list[tuple[Criterion, dict[str, Any]]] = []
    outcomes = CriterionResult.Outcome
    for index, item in enumerate(items):
        key = f"results[{index}]"
        if not isinstance(item, dict):
            errors[key] = ["must be an object / phải là một đối tượng"]
            continue
        code = str(item.get("criterion", "")).strip()
        if code not in leaves:
            errors[key] = [f"unknown criterion {code!r} / tiêu chí không tồn tại" if code not in all_codes
                           else f"{code} is a group; score its sub-criteria / {code} là nhóm, hãy chấm tiêu chí con"]
            continue
        if code in seen:
            errors[key] = [f"criterion {code} given twice / tiêu chí {code} bị lặp"]
            continue
        seen.add(code)
        crit = leaves[code]
        outcome = item.get("outcome")
        if outcome not in outcomes.values:
            errors[key] = [f"outcome must be one of {outcomes.values} / kết quả không hợp lệ"]
            continue
        raw_points = item.get("points")
        try:
            points = None if raw_points in (None, "") else Decimal(str(raw_points))
        except InvalidOperation:
            errors[key] = ["points must be a number / điểm phải là số"]
            continue
        if points is not None and (not points.is_finite() or points < 0):
            errors[key] = ["points must be >= 0 / điểm không được âm"]
            continue
        if points is not None and points > crit.max_points:
            errors[key] = [f"points {points} over the maximum {crit.max_points} for {code} / "
                           f"điểm vượt mức tối đa {crit.max_points}"]
            continue
        note = strip_invisible(str(item.get("note", "") or ""))
        if outcome == outcomes.PASS:
            if points is not None and points != crit.max_points:
                errors[key] = [f"a pass scores the full {crit.max_points} / đạt thì được đủ điểm"]
                continue
            points = crit.max_points
        elif outcome == outcomes.FAIL:
            if points not in (None, Decimal(0)):
                errors[key] = ["a fail scores 0 / không đạt thì 0 điểm"]
                continue
            if not note:
                errors[key] = ["a fail needs a note / không đạt phải ghi rõ lý do"]
                continue
            points = Decimal(0)
        elif outcome == outcomes.PARTIAL:
            if points is None or not Decimal(0) < points < crit.max_points:
                errors[key] = [f"a partial result needs points between 0 and {crit.max_points} (exclusive) / "
                               "đạt một phần phải có điểm lớn hơn 0 và nhỏ hơn mức tối đa"]
                continue
        else:
            if not is_a_reason(note):
                errors[key] = [f"not applicable needs a reason (at least {MIN_REASON_LETTERS} letters) / "
                               "không áp dụng phải ghi rõ lý do"]
                continue
            points = Decimal(0)
        clean.append((crit, {"outcome": outcome, "points": points.quantize(TWO), "note": note}))
    if errors:
        # each field message is "english / tiếng Việt"; the headline speaks one language at a time
        key, (first, *_) = next(iter(errors.items()))
        en, _, vi = first.partition(" / ")
        item = items[int(key[len("results["):-1])]
        code = str(item.get("criterion", "")).strip() if isinstance(item, dict) else ""
        raise DomainError(f"Kết quả chấm không hợp lệ — {f'tiêu chí {code}: ' if code else ''}{vi or en}",
                          f"Invalid results — {f'criterion {code}: ' if code else ''}{en}",
                          code="invalid_results", fields=errors)
    return clean


def _recompute_score(report: CheckReport) -> None:
    """Score and flags together: the percent alone hides a failed critical criterion and a report
    that is mostly n.a., so both are flagged with it (shown with the score, checked at sign-off)."""
    from inspection.selectors import criteria_leaves

    earned = Decimal(0)
    maximum = Decimal(0)
    critical_failed: list[str] = []
    not_applicable: list[str] = []
    critical_codes: set[str] = set()
    for result in report.results.select_related("criterion").order_by("criterion__position"):
        if result.criterion.critical:
            critical_codes.add(result.criterion.code)
        if result.outcome == CriterionResult.Outcome.NOT_APPLICABLE:
            not_applicable.append(result.criterion.code)
            continue
        if result.outcome == CriterionResult.Outcome.FAIL and result.criterion.critical:
            critical_failed.append(result.criterion.code)
        earned += result.points * result.criterion.weight
        maximum += result.criterion.max_points * result.criterion.weight
    report.score = earned.quantize(TWO, ROUND_HALF_UP)
    report.max_score = maximum.quantize(TWO, ROUND_HALF_UP)
    report.percent = (earned * 100 / maximum).quantize(TWO, ROUND_HALF_UP) if maximum else Decimal(0)
    flags: list[dict[str, Any]] = []
    if critical_failed:
        flags.append({"code": "critical_failed", "criteria": critical_failed,
                      "vi": f"Không đạt tiêu chí trọng yếu: {', '.join(critical_failed)}.",
                      "en": f"Critical criteria failed: {', '.join(critical_failed)}."})
    leaves = len(criteria_leaves(criteria_set=report.criteria_set))
    share = defaults.REPORT_NOT_APPLICABLE_FLAG_SHARE
    if leaves and len(not_applicable) > share * leaves:
        flags.append({"code": "many_not_applicable", "criteria": not_applicable,
                      "vi": f"{len(not_applicable)}/{leaves} tiêu chí được đánh dấu không áp dụng "
                            f"(quá {share:.0%}): điểm không phản ánh đầy đủ, cần xem xét.",
                      "en": f"{len(not_applicable)}/{leaves} criteria marked not applicable (over {share:.0%}): "
                            "the score does not cover the set; review it."})
    critical_na = [c for c in not_applicable if c in critical_codes]
    if critical_na:
        flags.append({"code": "critical_not_applicable", "criteria": critical_na,
                      "vi": f"Tiêu chí trọng yếu {', '.join(critical_na)} được đánh dấu không áp dụng: "
                            "bị loại khỏi điểm, cần xem xét lý do.",
                      "en": f"Critical criteria {', '.join(critical_na)} marked not applicable: left out of the "
                            "score; review the reason."})
    if report.is_signed and critical_failed:
        uncovered = uncovered_critical(report)
        if uncovered:
            flags.append({"code": "critical_without_confirmed_finding", "criteria": uncovered,
                          "vi": f"Biên bản đã ký có tiêu chí trọng yếu {', '.join(uncovered)} không đạt nhưng "
                                "không còn vi phạm đã xác nhận nào gắn với tiêu chí (vi phạm bị bác bỏ).",
                          "en": f"The signed report fails critical criteria {', '.join(uncovered)} but no "
                                "confirmed finding covers them any more (the finding was dismissed)."})
    report.flags = flags


# Phrases by which minutes state that nothing was found ("no violation"); a report whose results
# failed a criterion or whose check has a finding cannot be signed with such a summary. Matched on the
# summary folded to lower case without diacritics ("khong phat hien vi pham" too), within one clause:
# "không/chưa phát hiện|ghi nhận|xảy ra|thấy … vi phạm|sai phạm|sai sót" with any words between them
# ("không phát hiện hành vi vi phạm nào", "chưa phát hiện ra sai phạm"), and "không có" followed by a
# few noun words only ("không có hành vi vi phạm", "không có sai sót"; not "không có mặt tại quầy,
# vi phạm …", which states a violation).
_WRONG = r"(?:vi\s+pham|sai\s+pham|sai\s+sot)"
_NO_VIOLATION = re.compile(
    r"\b(?:khong|chua)\s+(?:(?:phat\s+hien|ghi\s+nhan|xay\s+ra|thay)\b[^.,:;!?\n]*?"
    r"|co\s+(?:(?:hanh\s+vi|dau\s+hieu|bieu\s+hien|truong\s+hop|bat\s+ky|bat\s+cu|nao|gi|cac|nhung|mot|loi|"
    r"su|them|ra|duoc|xay\s+ra|phat\s+sinh)\s+){0,4}"
    r"|(?:(?:co|he)\s+)?)" + _WRONG +
    r"|\bno\s+(?:violations?|breach(?:es)?|irregularit(?:y|ies))\b|\bnothing\s+(?:wrong|irregular)\b",
    re.IGNORECASE)


def _fold(text: str) -> str:
    """Lower case without diacritics (đ -> d), so unaccented minutes read the same."""
    decomposed = unicodedata.normalize("NFD", (text or "").replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def says_no_violation(summary: str) -> bool:
    return bool(_NO_VIOLATION.search(_fold(summary)))


COVERING_STATES = (Finding.State.CONFIRMED, Finding.State.ACTIONED)


def uncovered_critical(report: CheckReport) -> list[str]:
    """Failed critical criteria of the report that no confirmed (or actioned) finding of its check covers."""
    covered = set(Finding.objects.filter(surprise_check_id=report.surprise_check_id, state__in=COVERING_STATES)
                  .exclude(criterion=None).values_list("criterion__code", flat=True))
    return [code for code in report.results.filter(outcome=CriterionResult.Outcome.FAIL, criterion__critical=True)
            .order_by("criterion__position").values_list("criterion__code", flat=True) if code not in covered]


def _sign_blockers(report: CheckReport) -> list[dict[str, str]]:
    """Why the minutes would contradict the results; empty when they may be signed."""
    check = report.surprise_check
    live = Finding.objects.filter(surprise_check=check).exclude(state=Finding.State.DISMISSED)
    # a draft is an inspector's note, invisible to discipline and dismissable at will: a failed critical
    # criterion is covered only by a finding the inspection lead has confirmed
    covered = set(live.filter(state__in=COVERING_STATES).exclude(criterion=None)
                  .values_list("criterion__code", flat=True))
    failed = list(report.results.filter(outcome=CriterionResult.Outcome.FAIL).select_related("criterion")
                  .order_by("criterion__position"))
    blockers: list[dict[str, str]] = []
    uncovered = [r.criterion.code for r in failed if r.criterion.critical and r.criterion.code not in covered]
    if uncovered:
        codes = ", ".join(uncovered)
        blockers.append({"code": "critical_without_finding",
                         "vi": f"Tiêu chí trọng yếu {codes} không đạt nhưng chưa có vi phạm đã được xác nhận gắn "
                               "với tiêu chí; lập vi phạm và để trưởng đoàn xác nhận trước khi ký biên bản.",
                         "en": f"Critical criteria {codes} failed with no confirmed finding linked to them; record "
                               "a finding and have the inspection lead confirm it before signing."})
    if says_no_violation(report.summary or "") and (failed or live.exists()):
        blockers.append({"code": "minutes_contradict_results",
                         "vi": "Nhận xét chung ghi không có vi phạm nhưng kết quả có tiêu chí không đạt hoặc đã "
                               "lập vi phạm; sửa nhận xét trước khi ký.",
                         "en": "The summary says there is no violation but the results fail a criterion or a "
                               "finding was recorded; correct the summary before signing."})
    return blockers


def _apply_results(report: CheckReport, clean: list[tuple[Criterion, dict[str, Any]]]) -> list[dict[str, Any]]:
    changes = []
    existing = {r.criterion_id: r for r in report.results.all()}
    for crit, values in clean:
        current = existing.get(crit.pk)
        before = ({"outcome": current.outcome, "points": str(current.points), "note": current.note}
                  if current else None)
        if current is None:
            CriterionResult.objects.create(report=report, criterion=crit, **values)
        else:
            for key, value in values.items():
                setattr(current, key, value)
            current.save(update_fields=["outcome", "points", "note"])
        after = {"outcome": values["outcome"], "points": str(values["points"]), "note": values["note"]}
        if before != after:
            changes.append({"criterion": crit.code, "before": before, "after": after})
    return changes


def report_content(report: CheckReport) -> dict[str, Any]:
    """The canonical content that the signature's hash covers."""
    check = report.surprise_check
    results = sorted(((r.criterion.code, r.outcome, str(r.points), r.note)
                      for r in report.results.select_related("criterion")), key=lambda x: x[0])
    evidence = sorted((e.sha256, e.filename, e.result.criterion.code if e.result_id else "")
                      for e in report.evidence.select_related("result__criterion"))
    cs = report.criteria_set
    return {
        "check": str(check.uid), "reference": check.reference, "unit": check.unit_id, "mode": check.mode,
        "started_at": check.started_at.isoformat() if check.started_at else None,
        "criteria_set": {"code": cs.code, "year": cs.year, "version": cs.version},
        "results": [list(r) for r in results], "summary": report.summary, "score": str(report.score),
        "max_score": str(report.max_score), "percent": str(report.percent), "evidence": [list(e) for e in evidence],
        "signed_by": report.signed_by.get_username() if report.signed_by_id else None,
        "signed_at": report.signed_at.isoformat() if report.signed_at else None,
    }


def content_hash(content: dict[str, Any]) -> str:
    body = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(body.encode()).hexdigest()


def _report_locked(check: SurpriseCheck) -> CheckReport:
    report = CheckReport.objects.select_for_update().select_related("surprise_check", "criteria_set").filter(
        surprise_check=check).first()
    if report is None:
        raise Conflict("Cuộc kiểm tra chưa bắt đầu nên chưa có biên bản.", "The check has not started: no report yet.",
                       code="no_report")
    return report


@transaction.atomic
def report_update(*, by: Any, check: SurpriseCheck, results: list[dict[str, Any]] | None = None,
                  summary: str | None = None) -> CheckReport:
    check = _check_locked(check.pk)
    _require_team_member(by, check)
    report = _report_locked(check)
    if report.is_signed:
        raise Conflict("Biên bản đã ký; mọi thay đổi phải lập thành bản sửa đổi kèm lý do.",
                       "The report is signed; changes must be made as an amendment with a reason.",
                       code="report_signed")
    if check.state not in (SurpriseCheck.State.IN_PROGRESS, SurpriseCheck.State.COMPLETED):
        raise Conflict("Cuộc kiểm tra không ở trạng thái cho phép ghi biên bản.",
                       "The check is not in a state that allows editing the report.", code="invalid_state")
    clean = _results_clean(report, results or [])
    changes = _apply_results(report, clean)
    if summary is not None:
        report.summary = summary.strip()
    _recompute_score(report)
    report.save()
    audit_record(actor=by, verb="report.update", obj=report,
                 payload={"check": str(check.uid), "changes": changes, "summary_changed": summary is not None,
                          "score": report.score})
    return report


@transaction.atomic
def report_sign(*, by: Any, check: SurpriseCheck) -> CheckReport:
    require_role(by, *TEAM)  # the check's own lead: an inspector may lead a drawn check
    check = _check_locked(check.pk)
    if check.lead_id != by.pk:
        raise Forbidden("Chỉ tổ trưởng của cuộc kiểm tra mới được ký biên bản.", "Only the check's team lead may sign.")
    report = _report_locked(check)
    if report.is_signed:
        raise Conflict("Biên bản đã được ký trước đó.", "The report is already signed.", code="already_signed")
    if check.state != SurpriseCheck.State.COMPLETED:
        raise Conflict("Phải kết thúc cuộc kiểm tra trước khi ký biên bản.",
                       "Complete the check before signing the report.", code="invalid_state")
    blockers = _sign_blockers(report)
    if blockers:
        raise Conflict(" ".join(b["vi"] for b in blockers), " ".join(b["en"] for b in blockers),
                       code=blockers[0]["code"])
    report.signed_at = timezone.now()
    report.signed_by = by
    content = report_content(report)
    report.content_hash = content_hash(content)
    report.signed_content = content
    report.save()
    check.state = SurpriseCheck.State.SIGNED
    check.save(update_fields=["state"])
    audit_record(actor=by, verb="report.sign", obj=report,
                 payload={"check": str(check.uid), "content_hash": report.content_hash, "score": report.score})
    broadcast_on_commit([f"unit:{check.unit_id}"], _event(check, "check.signed"))
    return report


@transaction.atomic
def report_amend(*, by: Any, check: SurpriseCheck, reason: str, results: list[dict[str, Any]] | None = None,
                 summary: str | None = None) -> ReportAmendment:
    check = _check_locked(check.pk)
    require_role(by, *TEAM)  # the check's own lead: an inspector may lead a drawn check
    if check.lead_id != by.pk:
        raise Forbidden("Chỉ tổ trưởng đã ký biên bản mới được lập bản sửa đổi, bổ sung.",
                        "Only the check's team lead, who signed the minutes, may amend them.")
    reason = _require_text(reason, "reason", "lý do sửa đổi")
    report = _report_locked(check)
    if not report.is_signed:
        raise Conflict("Biên bản chưa ký: sửa trực tiếp, không cần bản sửa đổi.",
                       "The report is not signed yet: edit it directly.", code="not_signed")
    clean = _results_clean(report, results or [])
    changes: dict[str, Any] = {"results": _apply_results(report, clean)}
    if summary is not None and summary.strip() != report.summary:
        changes["summary"] = {"before": report.summary, "after": summary.strip()}
        report.summary = summary.strip()
    if not changes["results"] and "summary" not in changes:
        raise _invalid("Bản sửa đổi không có thay đổi nào.", "The amendment changes nothing.", "results")
    old_score = report.score
    _recompute_score(report)
    # the amended minutes become the minutes: the same rules as at sign-off (issue 13 F5)
    blockers = _sign_blockers(report)
    if blockers:
        raise Conflict(" ".join(b["vi"] for b in blockers), " ".join(b["en"] for b in blockers),
                       code=blockers[0]["code"])
    if report.score != old_score:
        changes["score"] = {"before": str(old_score), "after": str(report.score)}
    report.save()
    number = (report.amendments.aggregate(n=Max("number"))["n"] or 0) + 1
    amendment = ReportAmendment.objects.create(report=report, number=number, author=by, reason=reason,
                                               changes=changes, content_hash=content_hash(
                                                   {**report_content(report), "amendment": number}),
                                               at=timezone.now())
    audit_record(actor=by, verb="report.amend", obj=report,
                 payload={"check": str(check.uid), "number": number, "reason": reason, "changes": changes,
                          "content_hash": amendment.content_hash})
    return amendment


MAX_EVIDENCE_BYTES = 50 * 1024 * 1024


def report_evidence_add(*, by: Any, check: SurpriseCheck, fileobj: BinaryIO, filename: str, content_type: str,
                        criterion_code: str = "", reason: str = "") -> ReportEvidence:
    """Store the file (hashed) in the object store, then record it. After signing it is an amendment."""
    _require_team_member(by, check)
    report = CheckReport.objects.filter(surprise_check=check).first()
    if report is None:
        raise Conflict("Cuộc kiểm tra chưa bắt đầu nên chưa có biên bản.", "The check has not started.", code="no_report")
    if report.is_signed and not (reason or "").strip():
        raise _invalid("Biên bản đã ký: bổ sung chứng cứ phải kèm lý do (bản sửa đổi).",
                       "The report is signed: adding evidence is an amendment and needs a reason.", "reason")
    result = None
    if criterion_code:
        result = CriterionResult.objects.filter(report=report, criterion__code=criterion_code).first()
        if result is None:
            raise _invalid(f"Tiêu chí {criterion_code} chưa có kết quả chấm trong biên bản.",
                           f"Criterion {criterion_code} has no result in this report.", "criterion")
    stored = store_upload(fileobj=fileobj, filename=filename, content_type=content_type,
                          prefix=f"inspection/checks/{check.uid}/evidence", max_bytes=MAX_EVIDENCE_BYTES)
    key, safe, size, sha = stored.key, stored.filename, stored.size, stored.sha256
    with transaction.atomic():
        report = _report_locked(check)
        item = ReportEvidence.objects.create(report=report, result=result, key=key, filename=safe,
                                             content_type=content_type or "", size=size, sha256=sha, uploaded_by=by)
        payload = {"check": str(check.uid), "sha256": sha, "filename": safe, "size": size,
                   "criterion": criterion_code or None}
        if report.is_signed:
            number = (report.amendments.aggregate(n=Max("number"))["n"] or 0) + 1
            ReportAmendment.objects.create(report=report, number=number, author=by, reason=reason.strip(),
                                           changes={"evidence_added": payload},
                                           content_hash=content_hash({**report_content(report), "amendment": number}),
                                           at=timezone.now())
            payload["amendment"] = number
        audit_record(actor=by, verb="report.evidence_add", obj=item, payload=payload)
    return item

