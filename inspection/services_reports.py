"""Writes of check reports: results, score, sign-off, amendments and report evidence."""
from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any, BinaryIO

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from backend.accounts.models import User
from backend.accounts.selectors import require_role
from backend.audit.services import audit_record
from backend.core.errors import Conflict, DomainError, Forbidden
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
    MIN_REASON_LETTERS,
    TEAM,
    TWO,
    _check_locked,
    _invalid,
    _require_team_member,
    _require_text,
    is_a_reason,
    require_worded_reason,
    strip_invisible,
)

AMEND_REASON_WORDS, AMEND_REASON_LETTERS = 2, 6  # as a decision's reason: "Nhập nhầm điểm tiêu chí 4"


# Long on purpose: every item checked against the criteria set before any write, errors collected at once.
def _results_clean(report: CheckReport, items: Any) -> list[tuple[Criterion, dict[str, Any]]]:
    """Validate every item against the report's criteria set before anything is written."""
    from inspection.selectors_criteria import criteria_leaves

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
    from inspection.selectors_criteria import criteria_leaves

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


def report_sign_blockers(report: CheckReport) -> list[dict[str, str]]:
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
                               "với tiêu chí; lập vi phạm và để tổ trưởng xác nhận trước khi ký biên bản.",
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
    evidence = sorted((e.sha256, e.filename, e.result.criterion.code if e.result is not None else "")
                      for e in report.evidence.select_related("result__criterion"))
    cs = report.criteria_set
    return {
        "check": str(check.uid), "reference": check.reference, "unit": check.unit_id, "mode": check.mode,
        "started_at": check.started_at.isoformat() if check.started_at else None,
        "criteria_set": {"code": cs.code, "year": cs.year, "version": cs.version},
        "results": [list(r) for r in results], "summary": report.summary, "score": str(report.score),
        "max_score": str(report.max_score), "percent": str(report.percent), "evidence": [list(e) for e in evidence],
        "signed_by": report.signed_by.get_username() if report.signed_by is not None else None,
        "signed_at": report.signed_at.isoformat() if report.signed_at else None,
        **({"unit_representative": _representative_content(report)} if report.rep_signed_at else {}),
    }


def _representative_content(report: CheckReport) -> dict[str, Any]:
    """The unit's side as sealed: `identity` says whether name and post were verified (own account, from
    the officer record and appointment) or only declared (typed beside a drawn signature)."""
    return {"name": report.rep_name, "post": report.rep_post, "opinion": report.rep_opinion,
            "method": report.rep_method, "identity": report.rep_identity,
            "officer": report.rep_officer.service_number if report.rep_officer is not None else None,
            "two_factor": report.rep_two_factor or None,
            "username": report.rep_user.get_username() if report.rep_user is not None else None,
            "signature_sha256": report.rep_signature_sha256 or None,
            "signed_at": report.rep_signed_at.isoformat() if report.rep_signed_at else None,
            "lead_content_hash": report.lead_content_hash}


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


def _conflict_lines(changes: list[dict[str, Any]]) -> tuple[list[str], list[str]]:
    """One line per write that reached the server after the user's version: who, when, what."""
    vi_lines, en_lines = [], []
    for change in changes:
        at = timezone.localtime(datetime.fromisoformat(change["at"])).strftime("%H:%M %d/%m/%Y")
        codes = [c["criterion"] for c in change["criteria"]]
        what_vi = [f"tiêu chí {', '.join(codes)}"] if codes else []
        what_en = [f"criteria {', '.join(codes)}"] if codes else []
        if change["summary_changed"]:
            what_vi.append("nhận xét chung")
            what_en.append("the summary")
        vi_lines.append(f"{change['by']} sửa {' và '.join(what_vi)} lúc {at} (phiên bản {change['version']})")
        en_lines.append(f"{change['by']} changed {' and '.join(what_en)} at {at} (version {change['version']})")
    return vi_lines, en_lines


def _version_conflict(report: CheckReport, version: int) -> Conflict:
    """The client names the version it edited; a report that moved on since is never overwritten. The
    refusal says what moved on (which criteria and notes, by whom, when), from the report's audit trail, so
    the inspector can choose to re-apply their values on top of the current version or drop them."""
    from inspection.selectors_reports import report_changes_since

    changes = report_changes_since(report=report, version=version)
    vi_lines, en_lines = _conflict_lines(changes)
    detail_vi = (" Trên máy chủ: " + "; ".join(vi_lines) + ".") if vi_lines else ""
    detail_en = (" On the server: " + "; ".join(en_lines) + ".") if en_lines else ""
    return Conflict(f"Biên bản đã được thay đổi trên máy chủ (phiên bản {report.version}) sau phiên bản "
                    f"{version} mà đồng chí đã sửa.{detail_vi} Thay đổi của đồng chí chưa được ghi: áp lại giá trị của "
                    "đồng chí lên bản hiện tại hoặc bỏ thay đổi của mình.",
                    f"The report was changed on the server (version {report.version}) after version {version} "
                    f"that you edited.{detail_en} Your changes were not saved: re-apply your values on top of "
                    "the current version, or drop them.", code="report_version_conflict",
                    fields={"version": [str(report.version)], "server_changes": changes})


@transaction.atomic
def report_update(*, by: User, check: SurpriseCheck, version: int | None, results: list[dict[str, Any]] | None = None,
                  summary: str | None = None) -> CheckReport:
    """Write results/summary. `version` (the report version the edits were made on) is required: without it a
    stale copy would silently overwrite what others wrote meanwhile (the last write would win)."""
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
    if version is None or isinstance(version, bool) or not isinstance(version, int):
        raise _invalid("Thiếu phiên bản biên bản (version) mà đồng chí đã sửa: tải lại biên bản rồi lưu lại, để "
                       "không ghi đè thay đổi của người khác.",
                       "The report version you edited (version) is required: reload the report and save "
                       "again, so that nobody's changes are overwritten.", "version", code="version_required")
    clean = _results_clean(report, results or [])
    changes = _apply_results(report, clean)
    summary_changed = summary is not None and summary.strip() != report.summary
    if version != report.version and (changes or summary_changed):
        # A stale edit that would change something is refused (the transaction drops what _apply_results
        # wrote); one that changes nothing is a retry of a write that already arrived, and is accepted.
        raise _version_conflict(report, version)
    if summary is not None:
        report.summary = summary.strip()
    _recompute_score(report)
    if changes or summary_changed:
        report.version += 1
    report.save()
    audit_record(actor=by, verb="report.update", obj=report,
                 payload={"check": str(check.uid), "changes": changes, "summary_changed": summary_changed,
                          "score": report.score, "version": report.version})
    return report


@transaction.atomic
def report_amend(*, by: User, check: SurpriseCheck, reason: str, results: list[dict[str, Any]] | None = None,
                 summary: str | None = None) -> ReportAmendment:
    check = _check_locked(check.pk)
    require_role(by, *TEAM)  # the check's own lead: an inspector may lead a drawn check
    if check.lead_id != by.pk:
        raise Forbidden("Chỉ tổ trưởng đã ký biên bản mới được lập bản sửa đổi, bổ sung.",
                        "Only the check's team lead, who signed the minutes, may amend them.")
    # the one reason rule: an amendment after signing changes sealed minutes (insider S2-2)
    reason = require_worded_reason(_require_text(reason, "reason", "lý do sửa đổi"), "reason", "lý do sửa đổi",
                                   words=AMEND_REASON_WORDS, letters=AMEND_REASON_LETTERS)
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
    blockers = report_sign_blockers(report)
    if blockers:
        raise Conflict(" ".join(b["vi"] for b in blockers), " ".join(b["en"] for b in blockers),
                       code=blockers[0]["code"])
    if report.score != old_score:
        changes["score"] = {"before": str(old_score), "after": str(report.score)}
    report.version += 1
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


def _capture_clean(captured_at: datetime | None, latitude: Any, longitude: Any,
                   accuracy: Any) -> dict[str, Any]:
    """The device's time and position of a photo: optional, but never nonsense."""
    out: dict[str, Any] = {"captured_at": None, "latitude": None, "longitude": None, "accuracy_m": None}
    if captured_at is not None:
        if timezone.is_naive(captured_at):
            raise _invalid("Thời điểm chụp phải có múi giờ.", "captured_at needs a time zone.", "captured_at")
        if captured_at > timezone.now() + timedelta(minutes=10):
            raise _invalid("Thời điểm chụp ở tương lai: kiểm tra đồng hồ của thiết bị.",
                           "captured_at is in the future: check the device's clock.", "captured_at")
        out["captured_at"] = captured_at
    given = [v not in (None, "") for v in (latitude, longitude)]
    if any(given) and not all(given):
        raise _invalid("Vị trí cần đủ vĩ độ và kinh độ.", "A position needs both latitude and longitude.", "latitude")
    if all(given):
        for field, value, bound in (("latitude", latitude, 90), ("longitude", longitude, 180)):
            try:
                number = Decimal(str(value))
            except InvalidOperation:
                number = Decimal("NaN")
            if not number.is_finite() or abs(number) > bound:
                raise _invalid(f"{field} không hợp lệ (từ -{bound} đến {bound}).",
                               f"{field} must be a number from -{bound} to {bound}.", field)
            out[field] = number.quantize(Decimal("0.000001"), ROUND_HALF_UP)
        if accuracy not in (None, ""):
            try:
                acc = float(accuracy)
            except (TypeError, ValueError):
                acc = -1.0
            if not 0 <= acc < 1e6:
                raise _invalid("Độ chính xác vị trí không hợp lệ.", "accuracy must be a number of metres >= 0.",
                               "accuracy")
            out["accuracy_m"] = acc
    return out


def _require_late_reason(reason: str) -> None:
    if not (reason or "").strip():
        raise _invalid("Biên bản đã ký: nội dung đã ký không thay đổi được. Chứng cứ bổ sung được in riêng ở phần "
                       "\"Bổ sung sau khi ký\" (ngoài phần đã ký) và phải kèm lý do.",
                       "The report is signed: what was signed cannot change. Evidence added now is printed apart, "
                       "under \"Added after signing\" (outside the signed part), and needs a reason.", "reason")


PHOTO_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
PHOTO_EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp"}
MAX_PHOTO_PIXELS = 60_000_000  # a 60-megapixel frame; larger is not a phone photo (or a decompression bomb)


def _photo_decoded(fileobj: BinaryIO) -> str:
    """The upload must decode as a photo (JPEG, PNG or WebP) all the way through; anything else (a PDF, a
    script renamed .jpg, a truncated file) is refused. Returns the content type of what it really is."""
    from PIL import Image, UnidentifiedImageError

    refusal = _invalid("Tệp gửi lên không phải là ảnh đọc được (JPEG, PNG hoặc WebP). Chụp hoặc chọn lại ảnh.",
                       "The upload is not a readable photo (JPEG, PNG or WebP). Take or choose the photo again.",
                       "file", code="not_an_image")
    try:
        fileobj.seek(0)
        with Image.open(fileobj) as probe:
            fmt = probe.format or ""
            width, height = probe.size
            if fmt not in PHOTO_FORMATS:
                raise refusal
            if width * height > MAX_PHOTO_PIXELS:
                raise _invalid(f"Ảnh quá lớn ({width}×{height} điểm ảnh).", f"The photo is too large ({width}×{height} px).",
                               "file", code="image_too_large")
            probe.verify()
        fileobj.seek(0)
        with Image.open(fileobj) as full:
            full.load()  # every pixel decoded: a truncated or corrupt file fails here
    except DomainError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise refusal from None
    except Exception:  # noqa: BLE001 - a decoder meeting hostile bytes may raise anything: not a photo
        raise refusal from None
    finally:
        fileobj.seek(0)
    return PHOTO_FORMATS[fmt]


# Long on purpose: the steps the docstring lists (verify, store, record, amend after signing), in order.
def report_evidence_add(*, by: User, check: SurpriseCheck, fileobj: BinaryIO, filename: str, content_type: str,
                        criterion_code: str = "", reason: str = "", sha256: str = "",
                        captured_at: datetime | None = None, latitude: Any = None, longitude: Any = None,
                        accuracy: Any = None) -> ReportEvidence:
    """Store the file (hashed) in the object store, then record it. After signing it is an amendment.

    A file the device hashed (`sha256`) is verified against what arrived. The same file for the same
    criterion sent again (a retry from the field app after a lost answer) returns the item already
    recorded instead of a duplicate."""
    _require_team_member(by, check)
    capture = _capture_clean(captured_at, latitude, longitude, accuracy)
    if not (sha256 or "").strip():
        raise _invalid("Thiếu mã băm SHA-256 do thiết bị tính cho ảnh: không kiểm được ảnh nhận được có đúng là "
                       "ảnh đã chụp không.", "The device's SHA-256 of the photo is required: without it the server "
                       "cannot verify that what arrived is what was taken.", "sha256", code="sha256_required")
    if not re.fullmatch(r"[0-9a-fA-F]{64}", sha256.strip()):
        raise _invalid("Mã băm SHA-256 không hợp lệ (64 ký tự hex).", "sha256 must be 64 hex characters.", "sha256")
    report = CheckReport.objects.filter(surprise_check=check).first()
    if report is None:
        raise Conflict("Cuộc kiểm tra chưa bắt đầu nên chưa có biên bản.", "The check has not started.", code="no_report")
    if report.is_signed:
        _require_late_reason(reason)
    result = None
    if criterion_code:
        result = CriterionResult.objects.filter(report=report, criterion__code=criterion_code).first()
        if result is None:
            raise _invalid(f"Tiêu chí {criterion_code} chưa có kết quả chấm trong biên bản.",
                           f"Criterion {criterion_code} has no result in this report.", "criterion",
                           code="criterion_not_scored")
    if (getattr(fileobj, "size", 0) or 0) > MAX_EVIDENCE_BYTES:
        raise _invalid(f"Tệp quá lớn (tối đa {MAX_EVIDENCE_BYTES // (1024 * 1024)} MB).",
                       f"The file is too large (max {MAX_EVIDENCE_BYTES // (1024 * 1024)} MB).", "file")
    content_type = _photo_decoded(fileobj)  # what the bytes are, not what the device said they are
    # the name ends as what the bytes are: a JPEG sent as "x.html" is kept and printed as "x.jpg"
    filename = f"{Path(filename or 'anh').stem[:100] or 'anh'}{PHOTO_EXTENSIONS[content_type]}"
    stored = store_upload(fileobj=fileobj, filename=filename, content_type=content_type,
                          prefix=f"inspection/checks/{check.uid}/evidence", max_bytes=MAX_EVIDENCE_BYTES,
                          expected_sha256=sha256)
    key, safe, size, sha = stored.key, stored.filename, stored.size, stored.sha256
    with transaction.atomic():
        report = _report_locked(check)
        if report.is_signed:  # signed meanwhile (between the read above and this lock)
            _require_late_reason(reason)
        already = ReportEvidence.objects.filter(report=report, sha256=sha, result=result).first()
        if already is not None:
            return already
        item = ReportEvidence.objects.create(report=report, result=result, key=key, filename=safe,
                                             content_type=content_type, size=size, sha256=sha, uploaded_by=by,
                                             **capture)
        # the time and place are what the device declared; the server's own time is when it arrived
        payload = {"check": str(check.uid), "sha256": sha, "filename": safe, "size": size,
                   "criterion": criterion_code or None, "device_hashed": True,
                   "received_at": item.uploaded_at.isoformat(),
                   "device_declared": {
                       "captured_at": capture["captured_at"].isoformat() if capture["captured_at"] else None,
                       "position": [str(capture["latitude"]), str(capture["longitude"])]
                       if capture["latitude"] is not None else None,
                       "accuracy_m": capture["accuracy_m"]}}
        if report.is_signed:
            number = (report.amendments.aggregate(n=Max("number"))["n"] or 0) + 1
            ReportAmendment.objects.create(report=report, number=number, author=by, reason=reason.strip(),
                                           changes={"evidence_added": payload},
                                           content_hash=content_hash({**report_content(report), "amendment": number}),
                                           at=timezone.now())
            payload["amendment"] = number
        audit_record(actor=by, verb="report.evidence_add", obj=item, payload=payload)
    return item


