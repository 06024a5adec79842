"""Reads of accountability data, with object-level permission.

Scope: disciplinary officers and admins see the whole province; unit heads their subtree and
only closed (non-draft) findings; the inspection team and reviewers may read traces. A finding
linked to a check that was never started (a planned, secret check) does not exist here for
anyone outside the inspection team."""
from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from backend.accounts.models import INSPECTION_TEAM, Role, User
from backend.accounts.selectors import require_role, user_unit_ids
from backend.core.errors import Conflict, Forbidden, NotFound
from backend.org.models import Officer
from inspection.accountability.engine import RuleBook
from inspection.accountability.models import (
    CchcTask,
    DisciplinaryCase,
    ForceRegulation,
    LeaderLiability,
    RuleSet,
    ScoringPolicy,
)
from inspection.accountability.trace import compute_trace
from inspection.models import Finding, FindingExplanation

TRACE_READERS = (Role.DISCIPLINARY, Role.ADMIN, Role.UNIT_HEAD, Role.INSPECTOR, Role.INSPECTION_LEAD, Role.REVIEWER)
LIABILITY_READERS = (Role.DISCIPLINARY, Role.ADMIN, Role.UNIT_HEAD, Role.INSPECTOR, Role.INSPECTION_LEAD)
CASE_READERS = (Role.DISCIPLINARY, Role.ADMIN, Role.UNIT_HEAD)
PROFILE_READERS = (Role.DISCIPLINARY, Role.ADMIN, Role.UNIT_HEAD, Role.INSPECTOR, Role.INSPECTION_LEAD)
DECIDERS = (Role.DISCIPLINARY,)
# Who may produce the liability documents (finding report, head/officer report, PDF or XLSX): they are
# headed as issued by the author's unit (inspection.accountability.issuer) and list undecided proposals, so only the
# disciplinary officers and the inspection team make them. A unit head reads his unit's decided
# outcomes on screen; he does not issue the department's report (about himself, in his own name).
REPORT_PRODUCERS = (Role.DISCIPLINARY, Role.INSPECTION_LEAD, Role.INSPECTOR)
RULE_EDITORS = (Role.ADMIN,)
RULE_READERS = (Role.DISCIPLINARY, Role.ADMIN, Role.UNIT_HEAD, Role.INSPECTOR, Role.INSPECTION_LEAD, Role.REVIEWER)
SCORE_READERS = RULE_READERS
TASK_WRITERS = (Role.UNIT_HEAD, Role.ADMIN)




def findings_for(user: User) -> QuerySet[Finding]:
    """Findings this user may know of (secret checks and scope: inspection.selectors_findings.findings_visible_to),
    drafts left out for everyone outside the inspection team."""
    from inspection.selectors_findings import findings_visible_to

    qs = findings_visible_to(user)
    if user.role not in INSPECTION_TEAM:
        qs = qs.exclude(state=Finding.State.DRAFT)
    return qs


def finding_get_for(*, user: User, id: int, roles: tuple[str, ...] = TRACE_READERS) -> Finding:  # noqa: A002
    require_role(user, *roles)
    finding = (findings_for(user)
               .select_related("category", "unit", "unit__successor", "unit__parent", "counter", "surprise_check")
               .filter(pk=id).first())
    if finding is None:
        raise NotFound("Không tìm thấy vi phạm.", "Finding not found.")
    return finding


def trace_for(*, finding: Finding, version: int | None = None) -> dict[str, Any]:
    return compute_trace(finding=finding, book=RuleBook.load(version=version))




def finding_dismissal_blockers(finding: Finding) -> tuple[list[str], list[str]]:
    """What discipline has built on a finding, which dismissing it would pull out from under: the
    disciplinary cases that are not dropped and the confirmed head/deputy liabilities. The
    disciplinary officer undoes those first (drop the case, annul the decision on complaint,
    reject the liability); only then may the finding be dismissed."""
    cases = list(finding.disciplinary_cases.exclude(state=DisciplinaryCase.State.DROPPED)
                 .order_by("reference").values_list("reference", flat=True))
    liabilities = [f"#{pk}" for pk in finding.liabilities.filter(state=LeaderLiability.State.CONFIRMED)
                   .order_by("pk").values_list("pk", flat=True)]
    return cases, liabilities


def rulesets_list() -> QuerySet[RuleSet]:
    return RuleSet.objects.select_related("created_by").order_by("-version")


def ruleset_get(*, version: int | None) -> RuleSet:
    qs = RuleSet.objects.select_related("created_by").prefetch_related("forms", "rules__form")
    ruleset = qs.order_by("-version").first() if version is None else qs.filter(version=version).first()
    if ruleset is None:
        raise NotFound("Không tìm thấy phiên bản bộ quy tắc.", "Rule set version not found.")
    return ruleset


def scoring_policy_current() -> ScoringPolicy:
    policy = ScoringPolicy.objects.order_by("-version").first()
    if policy is None:
        raise Conflict("Chưa có cấu hình chấm điểm.", "No scoring policy exists yet.", code="no_policy")
    return policy




def liabilities_list(*, user: User, filters: dict[str, Any]) -> QuerySet[LeaderLiability]:
    require_role(user, *LIABILITY_READERS)
    qs = (LeaderLiability.objects.filter(finding__in=findings_for(user))
          .select_related("finding", "finding__unit", "officer", "unit", "assignment", "assignment__field", "rule", "ruleset",
                          "suggested_form", "confirmed_form", "decided_by"))
    if filters.get("state"):
        qs = qs.filter(state=filters["state"])
    else:
        qs = qs.exclude(state=LeaderLiability.State.SUPERSEDED)
    if filters.get("finding_id"):
        qs = qs.filter(finding_id=filters["finding_id"])
    if filters.get("officer_id"):
        qs = qs.filter(officer_id=filters["officer_id"])
    if filters.get("unit_id"):
        qs = qs.filter(unit_id=filters["unit_id"])
    if filters.get("from"):
        qs = qs.filter(period_to__gte=filters["from"])
    if filters.get("to"):
        qs = qs.filter(period_from__lte=filters["to"])
    return qs.order_by("-created_at", "-id")


def liability_get_for(*, user: User, id: int, roles: tuple[str, ...] = LIABILITY_READERS) -> LeaderLiability:  # noqa: A002
    require_role(user, *roles)
    liability = liabilities_list(user=user, filters={"state": None}).filter(pk=id).first()
    if liability is None:
        # include superseded rows when fetched by id
        liability = (LeaderLiability.objects.filter(pk=id, finding__in=findings_for(user))
                     .select_related("finding", "officer", "unit", "assignment", "assignment__field", "rule", "ruleset",
                                     "suggested_form", "confirmed_form", "decided_by").first())
    if liability is None:
        raise NotFound("Không tìm thấy đề xuất trách nhiệm.", "Liability not found.")
    return liability




def cases_visible_to(user: User) -> QuerySet[DisciplinaryCase]:
    """The one rule for who may read a disciplinary case; every case read starts here.

    A case is visible when it has findings and every one of them is a finding this user may see
    (`findings_for`: the unit where the violation happened is in the user's scope, no draft, no
    secret check). Where the officer served before or after does not matter: a unit head does not
    read the case of an officer who once served in his unit but violated elsewhere, nor a case
    that joins a violation in his unit with one elsewhere.
    """
    require_role(user, *CASE_READERS)
    links = DisciplinaryCase.findings.through.objects.filter(disciplinarycase_id=OuterRef("pk"))
    visible = findings_for(user).values("pk")
    return (DisciplinaryCase.objects.filter(Exists(links))
            .exclude(Exists(links.exclude(finding_id__in=visible))))


def cases_queryset(*, user: User) -> QuerySet[DisciplinaryCase]:
    qs = cases_visible_to(user).select_related(
        "officer", "unit", "ruleset", "proposed_form", "decided_form", "original_form", "created_by")
    return qs.prefetch_related(
        Prefetch("findings", queryset=Finding.objects.select_related("category", "unit").order_by("occurred_from")),
        "factors", "documents", "refused_complaints")


def cases_list(*, user: User, filters: dict[str, Any]) -> QuerySet[DisciplinaryCase]:
    qs = cases_queryset(user=user)
    if filters.get("state"):
        qs = qs.filter(state=filters["state"])
    if filters.get("officer_id"):
        qs = qs.filter(officer_id=filters["officer_id"])
    if filters.get("unit_id"):
        qs = qs.filter(unit_id=filters["unit_id"])
    if filters.get("finding_id"):
        qs = qs.filter(findings__id=filters["finding_id"])
    return qs.order_by("-created_at", "-id")


def case_get_for(*, user: User, id: int, roles: tuple[str, ...] = CASE_READERS) -> DisciplinaryCase:  # noqa: A002
    require_role(user, *roles)
    case = cases_queryset(user=user).filter(pk=id).first()
    if case is None:
        raise NotFound("Không tìm thấy hồ sơ kỷ luật.", "Disciplinary case not found.")
    return case


def author_brief(user: User) -> dict[str, Any]:
    """Who wrote something, as the documents name people: rank and name of the officer behind the
    account ("Thiếu tá Nguyễn Văn A"), the account's own name when it has no officer."""
    officer = getattr(user, "officer", None)
    full_name = officer.full_name if officer is not None else (user.get_full_name() or user.get_username())
    rank = officer.rank if officer is not None else ""
    return {"id": user.pk, "username": user.get_username(), "full_name": full_name, "rank": rank,
            "name": f"{rank} {full_name}".strip()}


def case_explanations(*, case: DisciplinaryCase) -> list[dict[str, Any]]:
    """What the units answered (giải trình, tự kiểm điểm) to the case's findings, by finding, oldest
    first: the disciplinary officer reads them beside the case, as on the trace page (issue 15)."""
    rows = (FindingExplanation.objects.filter(finding__in=case.findings.all())
            .select_related("author__officer", "finding").order_by("finding__reference", "at", "id"))
    return [{"id": x.pk, "finding_id": x.finding_id, "finding_reference": x.finding.reference, "kind": x.kind,
             "kind_label": x.get_kind_display(), "text": x.text, "at": x.at, "author": author_brief(x.author)}
            for x in rows]


def officer_get_for(*, user: User, id: int) -> Officer:  # noqa: A002
    require_role(user, *PROFILE_READERS)
    qs = Officer.objects.filter(pk=id)
    ids = user_unit_ids(user)
    if ids is not None:
        qs = qs.filter(assignments__unit_id__in=list(ids))
    officer = qs.first()
    if officer is None:
        raise NotFound("Không tìm thấy cán bộ.", "Officer not found.")
    return officer




def tasks_list(*, user: User, filters: dict[str, Any]) -> QuerySet[CchcTask]:
    require_role(user, *SCORE_READERS)
    qs = CchcTask.objects.select_related("unit", "registered_by", "reported_by")
    ids = user_unit_ids(user)
    if ids is not None:
        qs = qs.filter(unit_id__in=list(ids))
    if filters.get("year"):
        qs = qs.filter(year=filters["year"])
    if filters.get("unit_id"):
        qs = qs.filter(unit_id=filters["unit_id"])
    return qs.order_by("unit__code", "year", "due_date", "id")


def task_get_for(*, user: User, id: int) -> CchcTask:  # noqa: A002
    task = tasks_list(user=user, filters={}).filter(pk=id).first()
    if task is None:
        raise NotFound("Không tìm thấy nhiệm vụ CCHC.", "CCHC task not found.")
    return task


def regulations_list() -> QuerySet[ForceRegulation]:
    return ForceRegulation.objects.all()


def regulation_get(*, code: str) -> ForceRegulation:
    regulation = ForceRegulation.objects.filter(code=code).first()
    if regulation is None:
        raise NotFound("Không tìm thấy văn bản quy định.", "Regulation not found.")
    return regulation


def require_report_producer(user: User) -> None:
    """The liability report is the disciplinary officers' and the team's document: refuse anyone else (after the object's own lookup,
    so an object outside the reader's scope still answers 404)."""
    if getattr(user, "role", None) not in REPORT_PRODUCERS:
        raise Forbidden("Báo cáo trách nhiệm do cán bộ kỷ luật và tổ kiểm tra lập; "
                        "đồng chí chỉ xem kết quả đã quyết định trên màn hình.",
                        "The accountability report is produced by the personnel (discipline) department and "
                        "the inspection team; you may view the decided outcomes on screen.")
