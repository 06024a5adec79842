"""Leader accountability and discipline.

Rules are data: a versioned `RuleSet` holds the legal ladder of forms (`LadderForm`, for officers
and for units) and the rule rows (`Rule`) that propose a `LeaderLiability` for each leader a trace
finds. A new version is created on every edit; traces and liabilities keep the version they used.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

USER = settings.AUTH_USER_MODEL


class SubjectKind(models.TextChoices):
    OFFICER = "officer", "Cán bộ"
    UNIT = "unit", "Đơn vị"


# --- rules as data ---------------------------------------------------------------------------------


class RuleSet(models.Model):
    version = models.PositiveIntegerField(unique=True)
    note = models.CharField(max_length=500, blank=True)
    based_on = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    repeat_window_days = models.PositiveIntegerField(
        default=365, help_text="A prior decision within this many days before a new violation makes it a repeat")
    limitation_warn_days = models.PositiveIntegerField(
        default=90, help_text="Warn when the limitation deadline is this close")
    restart_on_new_violation = models.BooleanField(
        default=False, help_text="A new violation restarts the limitation clock (only if the force's regulation says so)")
    handling_days = models.PositiveIntegerField(default=90, help_text="A decision within this many days of opening")
    handling_days_complex = models.PositiveIntegerField(default=150, help_text="The same for a complex case")
    complaint_days = models.PositiveIntegerField(default=15, help_text="First complaint: days from receiving the decision")
    second_complaint_days = models.PositiveIntegerField(
        default=10, help_text="Second complaint: days from receiving the first answer")
    complaint_accept_days = models.PositiveIntegerField(
        default=10, help_text="A complaint is accepted (thụ lý) within this many days of receiving it")
    complaint_answer_days = models.PositiveIntegerField(
        default=30, help_text="First answer: days from accepting the complaint")
    complaint_answer_days_complex = models.PositiveIntegerField(default=45, help_text="The same for a complex one")
    second_answer_days = models.PositiveIntegerField(
        default=45, help_text="Second answer: days from accepting the second complaint")
    second_answer_days_complex = models.PositiveIntegerField(default=60, help_text="The same for a complex one")
    sources = models.JSONField(default=dict, help_text="Legal source of each period setting, by setting name")
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"v{self.version}"


class LadderForm(models.Model):
    """One rung of the legal ladder of disciplinary forms; level 1 is the lightest."""

    ruleset = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="forms")
    subject_kind = models.CharField(max_length=10, choices=SubjectKind.choices)
    level = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=40)
    name_vi = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    limitation_years = models.PositiveSmallIntegerField()
    requires_council = models.BooleanField(default=False, help_text="A disciplinary council meets before this form")
    basis = models.CharField(max_length=300, blank=True, help_text="Legal basis of the form")

    class Meta:
        ordering = ["ruleset_id", "subject_kind", "level"]
        constraints = [
            models.UniqueConstraint(fields=["ruleset", "subject_kind", "level"], name="ladder_level_unique"),
            models.UniqueConstraint(fields=["ruleset", "code"], name="ladder_code_unique"),
        ]

    def __str__(self) -> str:
        return self.name_vi


class Rule(models.Model):
    class AppliesTo(models.TextChoices):
        HEAD = "head", "Người đứng đầu đơn vị"
        DEPUTY = "deputy", "Cấp phó phụ trách"
        UPPER_HEAD = "upper_head", "Người đứng đầu cấp trên trực tiếp"
        VIOLATOR = "violator", "Người vi phạm"
        UNIT = "unit", "Đơn vị"

    class Trigger(models.TextChoices):
        SEVERITY = "severity", "Mức độ của vi phạm"
        COUNT = "count", "Số vi phạm trong khoảng thời gian"
        KNEW_NOT_ACT = "knew_not_act", "Biết mà không xử lý"
        COVERED_UP = "covered_up", "Bao che"

    ruleset = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="rules")
    code = models.CharField(max_length=20)
    applies_to = models.CharField(max_length=12, choices=AppliesTo.choices)
    trigger = models.CharField(max_length=14, choices=Trigger.choices)
    severities = models.JSONField(default=list, help_text="Severities the rule looks at")
    min_count = models.PositiveIntegerField(default=1)
    window_days = models.PositiveIntegerField(null=True, blank=True)
    as_violator = models.BooleanField(default=False, help_text="Handled as the violator: the violator rule decides")
    form = models.ForeignKey(LadderForm, null=True, blank=True, on_delete=models.PROTECT, related_name="rules")
    text_vi = models.TextField()
    text_en = models.TextField()
    class Categories(models.TextChoices):
        ALL = "all", "Mọi loại vi phạm"
        CORRUPTION = "corruption", "Chỉ vi phạm thuộc nhóm tham nhũng"
        NON_CORRUPTION = "non_corruption", "Vi phạm không thuộc nhóm tham nhũng"

    basis = models.CharField(max_length=300, blank=True, help_text="Legal basis / source")
    categories = models.CharField(max_length=16, choices=Categories.choices, default=Categories.ALL)
    cap_at_violator = models.BooleanField(default=False, help_text="Never heavier than the violator's own form")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["ruleset_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["ruleset", "code"], name="rule_code_unique"),
            models.CheckConstraint(condition=Q(as_violator=True) | Q(form__isnull=False), name="rule_has_form"),
        ]


class CategoryPolicy(models.Model):
    """What the rule set says about a finding category (keyed by the category's code)."""

    ruleset = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="categories")
    category_code = models.CharField(max_length=40)
    is_corruption = models.BooleanField(default=False)
    no_limitation = models.BooleanField(default=False)
    basis = models.CharField(max_length=300)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["ruleset_id", "category_code"]
        constraints = [
            models.UniqueConstraint(fields=["ruleset", "category_code"], name="category_policy_unique"),
        ]


class SelfDetection(models.Model):
    """A recorded fact: this head found and handled the corruption himself (Luật PCTN 2018 art. 73(3))."""

    finding = models.ForeignKey("inspection.Finding", on_delete=models.PROTECT, related_name="self_detections")
    officer = models.ForeignKey("org.Officer", on_delete=models.PROTECT, related_name="+")
    note = models.TextField()
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["finding_id", "id"]
        constraints = [models.UniqueConstraint(fields=["finding", "officer"], name="self_detection_unique")]


# --- trace and liabilities -------------------------------------------------------------------------


class TraceRecord(models.Model):
    """A stored trace: what the engine found for a finding, with the rule-set version it used."""

    finding = models.ForeignKey("inspection.Finding", on_delete=models.PROTECT, related_name="traces")
    ruleset = models.ForeignKey(RuleSet, on_delete=models.PROTECT, related_name="traces")
    content = models.JSONField()
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]


class LeaderLiability(models.Model):
    class Role(models.TextChoices):
        HEAD = "head", "Người đứng đầu"
        DEPUTY = "deputy", "Cấp phó phụ trách"
        UPPER_HEAD = "upper_head", "Người đứng đầu cấp trên"

    class Basis(models.TextChoices):
        JOINT = "joint", "Trách nhiệm liên đới"
        OWN = "own", "Xử lý như người vi phạm"

    class State(models.TextChoices):
        PROPOSED = "proposed", "Đề xuất"
        CONFIRMED = "confirmed", "Đã xác nhận"
        REJECTED = "rejected", "Đã bác"
        SUPERSEDED = "superseded", "Đã thay thế"

    finding = models.ForeignKey("inspection.Finding", on_delete=models.PROTECT, related_name="liabilities")
    trace = models.ForeignKey(TraceRecord, on_delete=models.PROTECT, related_name="liabilities")
    ruleset = models.ForeignKey(RuleSet, on_delete=models.PROTECT, related_name="liabilities")
    rule = models.ForeignKey(Rule, on_delete=models.PROTECT, related_name="liabilities")
    officer = models.ForeignKey("org.Officer", on_delete=models.PROTECT, related_name="liabilities")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="liabilities",
                             help_text="The unit the officer led")
    assignment = models.ForeignKey("org.Assignment", on_delete=models.PROTECT, related_name="+",
                                   help_text="The assignment record that proves the post")
    role = models.CharField(max_length=12, choices=Role.choices)
    basis = models.CharField(max_length=8, choices=Basis.choices)
    is_acting = models.BooleanField(default=False)
    period_from = models.DateField()
    period_to = models.DateField()
    suggested_form = models.ForeignKey(LadderForm, on_delete=models.PROTECT, related_name="+")
    confirmed_form = models.ForeignKey(LadderForm, null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+")
    reason_vi = models.TextField()
    reason_en = models.TextField()
    facts = models.JSONField(default=dict)
    state = models.CharField(max_length=12, choices=State.choices, default=State.PROPOSED)
    decided_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["officer", "state"]), models.Index(fields=["finding", "state"])]


# --- disciplinary cases ----------------------------------------------------------------------------


class DisciplinaryCase(models.Model):
    class State(models.TextChoices):
        OPEN = "open", "Lập hồ sơ"
        SELF_REVIEW = "self_review", "Tự kiểm điểm"
        CONSIDERING = "considering", "Xem xét, đề xuất"
        DECIDED = "decided", "Đã quyết định"
        APPEALED = "appealed", "Đang khiếu nại"
        CLOSED = "closed", "Đã đóng"
        DROPPED = "dropped", "Không xử lý"

    class AppealResult(models.TextChoices):
        UPHELD = "upheld", "Giữ nguyên"
        CHANGED = "changed", "Thay đổi hình thức"
        ANNULLED = "annulled", "Hủy quyết định"

    reference = models.CharField(max_length=30, unique=True)
    title = models.CharField(max_length=300)
    summary = models.TextField(blank=True)
    subject_kind = models.CharField(max_length=10, choices=SubjectKind.choices)
    officer = models.ForeignKey("org.Officer", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="disciplinary_cases")
    unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="disciplinary_cases")
    findings = models.ManyToManyField("inspection.Finding", related_name="disciplinary_cases")
    liabilities = models.ManyToManyField(LeaderLiability, blank=True, related_name="cases")
    ruleset = models.ForeignKey(RuleSet, on_delete=models.PROTECT, related_name="cases")
    state = models.CharField(max_length=12, choices=State.choices, default=State.OPEN)
    proposed_form = models.ForeignKey(LadderForm, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+")
    proposal_note = models.TextField(blank=True)
    decided_form = models.ForeignKey(LadderForm, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    decision_number = models.CharField(max_length=60, blank=True)
    decision_authority = models.CharField(max_length=200, blank=True)
    decision_date = models.DateField(null=True, blank=True)
    appeal_filed_on = models.DateField(null=True, blank=True)
    appeal_text = models.TextField(blank=True)
    appeal_result = models.CharField(max_length=10, choices=AppealResult.choices, blank=True)
    appeal_decided_on = models.DateField(null=True, blank=True)
    appeal_note = models.TextField(blank=True)
    is_complex = models.BooleanField(default=False, help_text="Complex case: the longer handling period")
    self_review_waiver = models.TextField(blank=True, help_text="Why there is no self-review")
    council_held_on = models.DateField(null=True, blank=True)
    council_note = models.TextField(blank=True)
    decision_received_on = models.DateField(null=True, blank=True)
    appeal_answer_received_on = models.DateField(null=True, blank=True)
    appeal2_filed_on = models.DateField(null=True, blank=True)
    appeal2_text = models.TextField(blank=True)
    appeal2_result = models.CharField(max_length=10, choices=AppealResult.choices, blank=True)
    appeal2_decided_on = models.DateField(null=True, blank=True)
    appeal2_note = models.TextField(blank=True)
    appeal_accepted_on = models.DateField(null=True, blank=True, help_text="Day the first complaint was accepted")
    appeal_complex = models.BooleanField(default=False, help_text="First complaint is complex: the longer answer period")
    appeal2_accepted_on = models.DateField(null=True, blank=True, help_text="Day the second complaint was accepted")
    appeal2_complex = models.BooleanField(default=False, help_text="Second complaint is complex")
    # the form of the original decision (decision_number / decision_date) when a complaint changed it
    original_form = models.ForeignKey(LadderForm, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+", help_text="Form of the original decision, kept when a "
                                                                  "complaint decision changed it")
    appeal_decision_number = models.CharField(max_length=60, blank=True,
                                              help_text="Number of the first complaint decision")
    appeal_signer = models.CharField(max_length=200, blank=True, help_text="Who signed the first complaint decision")
    appeal2_decision_number = models.CharField(max_length=60, blank=True,
                                               help_text="Number of the second complaint decision")
    appeal2_signer = models.CharField(max_length=200, blank=True, help_text="Who signed the second complaint decision")
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(subject_kind="officer") & Q(officer__isnull=False) & Q(unit__isnull=True))
                | (Q(subject_kind="unit") & Q(unit__isnull=False) & Q(officer__isnull=True)),
                name="case_one_subject"),
        ]

    def __str__(self) -> str:
        return self.reference


class CaseFactor(models.Model):
    class Kind(models.TextChoices):
        AGGRAVATING = "aggravating", "Tình tiết tăng nặng"
        MITIGATING = "mitigating", "Tình tiết giảm nhẹ"

    case = models.ForeignKey(DisciplinaryCase, on_delete=models.CASCADE, related_name="factors")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    text = models.CharField(max_length=500)
    added_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField()

    class Meta:
        ordering = ["case_id", "id"]


class CaseDocument(models.Model):
    class Kind(models.TextChoices):
        SELF_REVIEW = "self_review", "Bản tự kiểm điểm"
        MINUTES = "minutes", "Biên bản họp"
        DECISION = "decision", "Quyết định"
        APPEAL = "appeal", "Đơn khiếu nại"
        OTHER = "other", "Khác"

    case = models.ForeignKey(DisciplinaryCase, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    key = models.CharField(max_length=900)
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=120, blank=True)
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["case_id", "id"]


class ComplaintRefusal(models.Model):
    """A complaint received against a decision and refused (not accepted): on record with the day it was
    received, the day it was refused and why (late, no further complaint allowed, or another reason)."""

    class Ground(models.TextChoices):
        LATE = "late", "Quá thời hiệu khiếu nại"
        NO_FURTHER = "no_further", "Đã khiếu nại hai lần"
        OTHER = "other", "Lý do khác"

    case = models.ForeignKey(DisciplinaryCase, on_delete=models.CASCADE, related_name="refused_complaints")
    level = models.PositiveSmallIntegerField(help_text="Which complaint it would have been: 1, 2 or 3+")
    received_on = models.DateField()
    text = models.TextField()
    ground = models.CharField(max_length=12, choices=Ground.choices)
    deadline = models.DateField(null=True, blank=True, help_text="Last day it could have been filed")
    refused_on = models.DateField()
    reason_vi = models.TextField()
    reason_en = models.TextField()
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["case_id", "received_on", "id"]


class ForceRegulation(models.Model):
    """A regulation of the provincial police that some rules stand on (e.g. joint responsibility of heads).
    Its number is filled in by an admin; until then every basis citing it says the number is missing.
    A rule's basis cites it as `[[QD:<code>]]`."""

    code = models.CharField(max_length=40, unique=True)
    title_vi = models.CharField(max_length=300)
    title_en = models.CharField(max_length=300)
    number = models.CharField(max_length=80, blank=True, help_text="Số văn bản, e.g. 1234/QĐ-CAT")
    issued_on = models.DateField(null=True, blank=True)
    updated_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["code"]


class ForceRegulationIssue(models.Model):
    """Every number (and issue date) a force regulation has had: a violation cites the text in force on
    its own date, never one issued after it."""

    regulation = models.ForeignKey(ForceRegulation, on_delete=models.CASCADE, related_name="issues")
    number = models.CharField(max_length=80)
    issued_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["regulation_id", "issued_on", "id"]


class CaseEvent(models.Model):
    """Every state change and edit of a case, for the case history (the audit chain has it too)."""

    case = models.ForeignKey(DisciplinaryCase, on_delete=models.CASCADE, related_name="events")
    verb = models.CharField(max_length=40)
    from_state = models.CharField(max_length=12, blank=True)
    to_state = models.CharField(max_length=12, blank=True)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict)
    actor = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["case_id", "at", "id"]


# --- CCHC tasks, scoring policy ------------------------------------------------------------------


class ScoringPolicy(models.Model):
    """How unit scores are built; versioned like the rule set (a new row per edit)."""

    version = models.PositiveIntegerField(unique=True)
    note = models.CharField(max_length=500, blank=True)
    deductions = models.JSONField(help_text="Points deducted per confirmed finding, by severity")
    use_category_points = models.BooleanField(
        default=True, help_text="A category's own deduction points, when set, replace the severity default")
    check_weight = models.FloatField(default=0.7)
    task_weight = models.FloatField(default=0.3)
    late_task_credit = models.FloatField(default=0.5, help_text="Share of credit for a task delivered late")
    downgrade_below = models.FloatField(default=70, help_text="Score below this: hạ bậc danh hiệu thi đua")
    no_award_below = models.FloatField(default=50, help_text="Score below this: không xét tặng")
    downgrade_severities = models.JSONField(default=list)
    no_award_severities = models.JSONField(default=list)
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-version"]


class CchcTask(models.Model):
    """A unit's yearly administrative-reform task, registered each October for the next year."""

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="cchc_tasks")
    year = models.PositiveIntegerField()
    title = models.CharField(max_length=300)
    target = models.CharField(max_length=300)
    due_date = models.DateField()
    late_registration = models.BooleanField(default=False)
    registered_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    registered_at = models.DateTimeField()
    delivered_on = models.DateField(null=True, blank=True)
    delivery_note = models.TextField(blank=True)
    reported_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["unit_id", "year", "due_date", "id"]
        indexes = [models.Index(fields=["year", "unit"])]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "title"], name="cchc_task_unique_title"),
        ]
