"""Inspection: criteria, risk + draw, surprise checks, check reports, findings, ratings, complaints.

Planned checks are secret outside the inspection team: every read goes through
`inspection.secrecy` (the check's team, not a role).
"""
from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

USER = settings.AUTH_USER_MODEL


class Severity(models.TextChoices):
    LESS_SERIOUS = "less_serious", "Ít nghiêm trọng"
    SERIOUS = "serious", "Nghiêm trọng"
    VERY_SERIOUS = "very_serious", "Rất nghiêm trọng"
    ESPECIALLY_SERIOUS = "especially_serious", "Đặc biệt nghiêm trọng"

    @classmethod
    def order(cls, value: str) -> int:
        """1 (less serious) .. 4 (especially serious)."""
        return _SEVERITY_ORDER[str(value)]

    @classmethod
    def english(cls, value: str) -> str:
        return _SEVERITY_EN[str(value)]


_SEVERITY_ORDER = {"less_serious": 1, "serious": 2, "very_serious": 3, "especially_serious": 4}
_SEVERITY_EN = {"less_serious": "less serious", "serious": "serious", "very_serious": "very serious",
                "especially_serious": "especially serious"}


# --- criteria ----------------------------------------------------------------------------------


class CriteriaSet(models.Model):
    """A versioned, yearly set of criteria (bộ tiêu chí). Frozen once used by a check report."""

    code = models.CharField(max_length=60)
    year = models.PositiveIntegerField()
    version = models.PositiveIntegerField(default=1)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "year", "version"], name="criteria_set_unique_version"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.year} v{self.version})"


class Criterion(models.Model):
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="criteria")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    code = models.CharField(max_length=40)
    text = models.TextField()
    text_en = models.TextField(blank=True)
    guidance = models.TextField(blank=True)
    max_points = models.DecimalField(max_digits=7, decimal_places=2, default=0)
    weight = models.DecimalField(max_digits=6, decimal_places=3, default=1)
    critical = models.BooleanField(default=False, help_text="A fail here is always reported as a finding")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["criteria_set_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "code"], name="criterion_code_unique_in_set"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:60]}"


# --- catalogue of finding categories -------------------------------------------------------------


class FindingCategory(models.Model):
    code = models.CharField(max_length=40, unique=True)
    name_vi = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    default_severity = models.CharField(max_length=20, choices=Severity.choices, default=Severity.LESS_SERIOUS)
    deduction_points = models.DecimalField(max_digits=6, decimal_places=2, default=0,
                                           help_text="Points deducted from the unit score per confirmed finding")
    active = models.BooleanField(default=True)
    fields = models.ManyToManyField("org.FieldOfCharge", blank=True, related_name="categories",
                                    help_text="Fields of charge this kind of violation belongs to: the deputy "
                                              "in charge of one of them answers for it")

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name_vi


# --- ratings and complaints ------------------------------------------------------------------------


class SatisfactionRating(models.Model):
    class Source(models.TextChoices):
        DEVICE = "device", "Thiết bị"
        CSV = "csv", "Nhập CSV"

    counter = models.ForeignKey("org.Counter", on_delete=models.PROTECT, related_name="ratings")
    device_token = models.ForeignKey("accounts.ApiToken", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    device_code = models.CharField(max_length=80, blank=True,
                                   help_text="Device identity for CSV rows (token id for device posts)")
    device_rating_id = models.CharField(max_length=80, help_text="The device's own id for the rating")
    rated_at = models.DateTimeField()
    score = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.DEVICE)
    received_at = models.DateTimeField(auto_now_add=True)
    held = models.BooleanField(default=False, help_text="Held for review (e.g. a burst from one device): not counted")
    hold_reason = models.CharField(max_length=40, blank=True)
    review = models.CharField(max_length=10, blank=True, choices=[("accepted", "Chấp nhận"), ("rejected", "Loại bỏ")],
                              help_text="The inspection team's decision on a held rating (accepted: counted again)")
    review_note = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-rated_at", "-id"]
        indexes = [models.Index(fields=["counter", "rated_at"]),
                   models.Index(fields=["device_code", "rated_at"], name="rating_device_time")]
        constraints = [
            models.UniqueConstraint(fields=["device_code", "device_rating_id"], name="rating_unique_device_id"),
            models.CheckConstraint(condition=Q(score__gte=1) & Q(score__lte=5), name="rating_score_1_5"),
        ]

    @property
    def unsatisfied(self) -> bool:
        return self.score <= 2


class CounterVolume(models.Model):
    """Transactions served (giao dịch/hồ sơ đã phục vụ) at a counter on one local day: the denominator
    that makes ratings comparable between a busy counter and a quiet one."""

    class Source(models.TextChoices):
        API = "api", "Nhập qua API"
        CSV = "csv", "Nhập CSV"
        SEED = "seed", "Dữ liệu mẫu"

    counter = models.ForeignKey("org.Counter", on_delete=models.PROTECT, related_name="volumes")
    day = models.DateField()
    transactions = models.PositiveIntegerField()
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.API)
    recorded_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-day", "counter_id"]
        constraints = [models.UniqueConstraint(fields=["counter", "day"], name="counter_volume_one_per_day")]


class RatingDevice(models.Model):
    """A physical rating device at a counter. Its serial is its identity on every channel (its own
    posts through its token, the CSV exports that carry `device_id`), so one rating is one row."""

    serial = models.CharField(max_length=80, unique=True)
    counter = models.ForeignKey("org.Counter", on_delete=models.PROTECT, related_name="rating_devices")
    token = models.OneToOneField("accounts.ApiToken", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="rating_device")
    registered_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.serial


class Complaint(models.Model):
    class Channel(models.TextChoices):
        HOTLINE_1 = "hotline_1", "Đường dây nóng 1"
        HOTLINE_2 = "hotline_2", "Đường dây nóng 2"
        HOTLINE_3 = "hotline_3", "Đường dây nóng 3"
        WEB = "web", "Cổng thông tin"
        IN_PERSON = "in_person", "Trực tiếp"

    class State(models.TextChoices):
        RECEIVED = "received", "Đã tiếp nhận"
        TRIAGED = "triaged", "Đã phân loại"
        INVESTIGATING = "investigating", "Đang xác minh"
        RESOLVED = "resolved", "Đã giải quyết"
        REJECTED = "rejected", "Không thụ lý"

    reference = models.CharField(max_length=30, unique=True)
    channel = models.CharField(max_length=20, choices=Channel.choices)
    received_at = models.DateTimeField()
    unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="complaints")
    counter = models.ForeignKey("org.Counter", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="complaints")
    officer = models.ForeignKey("org.Officer", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="complaints")
    occurred_at = models.DateTimeField(null=True, blank=True)
    complainant_name = models.CharField(max_length=120, blank=True)
    complainant_phone = models.CharField(max_length=30, blank=True)
    summary = models.TextField()
    details = models.TextField(blank=True)
    category = models.ForeignKey(FindingCategory, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="complaints")
    priority = models.CharField(max_length=10, choices=[("low", "Thấp"), ("normal", "Bình thường"),
                                                        ("high", "Cao")], default="normal")
    state = models.CharField(max_length=20, choices=State.choices, default=State.RECEIVED)
    resolution = models.TextField(blank=True)
    received_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    triaged_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    triaged_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["unit", "received_at"])]


# --- risk and draw ------------------------------------------------------------------------------------


class RiskWeights(models.Model):
    """Risk model configuration; the newest row is in force. Each snapshot copies what it used."""

    weights = models.JSONField(default=dict)
    params = models.JSONField(default=dict)
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]


class RiskSnapshot(models.Model):
    """A unit's risk score at a moment, with the features and weights that made it."""

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="risk_snapshots")
    computed_at = models.DateTimeField()
    as_of = models.DateTimeField()
    features = models.JSONField(default=dict)
    weights = models.JSONField(default=dict)
    contributions = models.JSONField(default=dict)
    score = models.FloatField()
    computed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-computed_at", "unit_id"]
        indexes = [models.Index(fields=["unit", "computed_at"])]


class Draw(models.Model):
    """A commit-reveal random selection of check targets."""

    class State(models.TextChoices):
        OPEN = "open", "Đang thực hiện"
        CLOSED = "closed", "Đã khóa sổ"

    name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    seed_sha256 = models.CharField(max_length=64)
    seed = models.CharField(max_length=128, blank=True, help_text="Kept secret until the cycle closes")
    params = models.JSONField(default=dict)
    candidates = models.JSONField(default=list, help_text="Stored inputs: units, risk, floor, exclusions")
    result = models.JSONField(default=list, help_text="Selected targets in order with slots")
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    reason = models.TextField(blank=True, help_text="Why a draw over an already drawn window was made")
    close_reason = models.TextField(blank=True, help_text="Why a draw whose checks were all cancelled was closed")
    flags = models.JSONField(default=list, blank=True,
                             help_text="Published with the commitment: redraw over a window, all checks cancelled")
    warnings = models.JSONField(default=list, blank=True, help_text="For the team: floor beyond n, deferred units")
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    snapshots = models.ManyToManyField(RiskSnapshot, blank=True, related_name="draws")

    class Meta:
        ordering = ["-created_at", "-id"]


class InspectorAbsence(models.Model):
    """A member of the inspection team taken out of the draw's pool for some days (leave, illness, a
    conflict of interest not in the org history), with who decided it and why."""

    class Kind(models.TextChoices):
        LEAVE = "leave", "Nghỉ phép"
        ILLNESS = "illness", "Ốm đau"
        CONFLICT = "conflict", "Xung đột lợi ích"
        OTHER = "other", "Lý do khác"

    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="absences")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    start = models.DateField()
    end = models.DateField()
    reason = models.TextField()
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    withdraw_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-start", "-id"]
        constraints = [models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="absence_end_after_start")]


# --- surprise checks and reports ------------------------------------------------------------------


class SurpriseCheck(models.Model):
    class Mode(models.TextChoices):
        DOT_XUAT = "dot_xuat", "Đột xuất"
        BI_MAT = "bi_mat", "Bí mật"
        THUONG_XUYEN = "thuong_xuyen", "Thường xuyên"

    class State(models.TextChoices):
        PLANNED = "planned", "Đã lên kế hoạch"
        IN_PROGRESS = "in_progress", "Đang kiểm tra"
        COMPLETED = "completed", "Đã kết thúc"
        SIGNED = "signed", "Đã ký biên bản"
        CANCELLED = "cancelled", "Đã hủy"

    # The API addresses checks by this random id, never by the sequential pk: gaps in a
    # sequence would reveal that secret (planned) checks exist.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(max_length=30, unique=True)
    mode = models.CharField(max_length=20, choices=Mode.choices, default=Mode.DOT_XUAT)
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="surprise_checks")
    counter = models.ForeignKey("org.Counter", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="surprise_checks")
    window_start = models.DateTimeField()
    window_end = models.DateTimeField()
    team: models.ManyToManyField[Any, Any] = models.ManyToManyField(USER, related_name="inspection_checks", blank=True)
    lead = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="led_checks")
    criteria_set = models.ForeignKey(CriteriaSet, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="checks")
    state = models.CharField(max_length=20, choices=State.choices, default=State.PLANNED)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(blank=True)
    draw = models.ForeignKey(Draw, null=True, blank=True, on_delete=models.PROTECT, related_name="checks")
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-window_start", "-id"]
        indexes = [models.Index(fields=["state", "unit"])]
        constraints = [
            models.CheckConstraint(condition=Q(window_end__gt=models.F("window_start")), name="check_window_order"),
        ]

    def __str__(self) -> str:
        return self.reference


class CheckReport(models.Model):
    # Named surprise_check, not check: a field called `check` overrides Model.check() (Django E020).
    surprise_check = models.OneToOneField(SurpriseCheck, on_delete=models.PROTECT, related_name="report")
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.PROTECT, related_name="reports")
    summary = models.TextField(blank=True)
    score = models.DecimalField(max_digits=7, decimal_places=2, default=0)
    max_score = models.DecimalField(max_digits=7, decimal_places=2, default=0)
    percent = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    flags = models.JSONField(default=list, blank=True,
                             help_text="Computed with the score: critical criteria failed, many n.a. items")
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    content_hash = models.CharField(max_length=64, blank=True)
    signed_content = models.JSONField(null=True, blank=True, help_text="The frozen original at signing")
    updated_at = models.DateTimeField(auto_now=True)
    # Raised by every change of results, summary or signatures: a client that edited version N (offline,
    # or in another tab) sends N back and is refused when the report moved on (no silent last write).
    version = models.PositiveIntegerField(default=1)
    # The inspected unit's side of the minutes, signed on the spot after the team lead: who, what post,
    # how (their own account, or a signature drawn on the inspector's screen), and the unit's opinion.
    rep_name = models.CharField(max_length=200, blank=True)
    rep_post = models.CharField(max_length=200, blank=True)
    rep_opinion = models.TextField(blank=True, help_text="Ý kiến của đơn vị được kiểm tra")
    rep_method = models.CharField(max_length=10, blank=True, choices=[("login", "Tài khoản"),
                                                                      ("drawn", "Chữ ký tay")])
    rep_user = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    rep_signature_key = models.CharField(max_length=900, blank=True)
    rep_signature_sha256 = models.CharField(max_length=64, blank=True)
    rep_signed_at = models.DateTimeField(null=True, blank=True)
    lead_content_hash = models.CharField(max_length=64, blank=True,
                                         help_text="The hash the team lead signed, before the unit's side")
    # Who the representative is: "verified" when they confirmed with their own account (name and post
    # from their officer record and appointment in the inspected unit on the check's day, with the second
    # factor their role requires), "declared" when they drew a signature (name and post as typed).
    rep_identity = models.CharField(max_length=10, blank=True, choices=[("verified", "Đã xác minh"),
                                                                        ("declared", "Tự khai")])
    rep_officer = models.ForeignKey("org.Officer", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    rep_two_factor = models.CharField(max_length=20, blank=True,
                                      help_text="The second factor the representative gave: totp, recovery_code, none")
    # The team lead's own drawn signature, when one was captured at signing (optional).
    lead_signature_key = models.CharField(max_length=900, blank=True)
    lead_signature_sha256 = models.CharField(max_length=64, blank=True)

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None


class CriterionResult(models.Model):
    class Outcome(models.TextChoices):
        PASS = "pass", "Đạt"
        PARTIAL = "partial", "Đạt một phần"
        FAIL = "fail", "Không đạt"
        NOT_APPLICABLE = "not_applicable", "Không áp dụng"

    report = models.ForeignKey(CheckReport, on_delete=models.CASCADE, related_name="results")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    points = models.DecimalField(max_digits=7, decimal_places=2, default=0)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["report_id", "criterion__position", "criterion_id"]
        constraints = [
            models.UniqueConstraint(fields=["report", "criterion"], name="one_result_per_criterion"),
        ]


class ReportEvidence(models.Model):
    report = models.ForeignKey(CheckReport, on_delete=models.PROTECT, related_name="evidence")
    result = models.ForeignKey(CriterionResult, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="evidence")
    key = models.CharField(max_length=900)
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=120, blank=True)
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # From the inspector's device: when the photo was taken and, when allowed, where.
    captured_at = models.DateTimeField(null=True, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    accuracy_m = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["id"]


class ReportAmendment(models.Model):
    """A change to a signed report: the original stays in CheckReport.signed_content."""

    report = models.ForeignKey(CheckReport, on_delete=models.PROTECT, related_name="amendments")
    number = models.PositiveIntegerField()
    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    changes = models.JSONField(default=dict)
    content_hash = models.CharField(max_length=64, help_text="Hash of the report content after this amendment")
    at = models.DateTimeField()

    class Meta:
        ordering = ["report_id", "number"]
        constraints = [models.UniqueConstraint(fields=["report", "number"], name="amendment_number_unique")]


# --- findings ---------------------------------------------------------------------------------------


class Finding(models.Model):
    class Source(models.TextChoices):
        CHECK = "check", "Kiểm tra"
        FOOTAGE = "footage", "Hình ảnh camera"
        COMPLAINT = "complaint", "Phản ánh, khiếu nại"
        RATING = "rating", "Đánh giá hài lòng"

    class State(models.TextChoices):
        DRAFT = "draft", "Dự thảo"
        CONFIRMED = "confirmed", "Đã xác nhận"
        DISMISSED = "dismissed", "Đã bác bỏ"
        ACTIONED = "actioned", "Đã xử lý"

    Severity = Severity

    reference = models.CharField(max_length=30, unique=True)
    source = models.CharField(max_length=20, choices=Source.choices)
    # Named surprise_check, not check: a field called `check` overrides Model.check() (Django E020).
    surprise_check = models.ForeignKey(SurpriseCheck, null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="findings")
    complaint = models.ForeignKey(Complaint, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="findings")
    rating = models.ForeignKey(SatisfactionRating, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="findings")
    criterion = models.ForeignKey(Criterion, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey(FindingCategory, on_delete=models.PROTECT, related_name="findings")
    severity = models.CharField(max_length=20, choices=Severity.choices)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="findings")
    counter = models.ForeignKey("org.Counter", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    occurred_from = models.DateTimeField()
    occurred_to = models.DateTimeField(null=True, blank=True, help_text="Empty = an instant")
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-occurred_from", "-id"]
        indexes = [models.Index(fields=["unit", "state", "occurred_from"]),
                   # the findings list's order, whole and by state: a page is read in index order and
                   # stops after its rows, instead of sorting every finding in scope (issue 18)
                   models.Index(fields=["-occurred_from", "-id"], name="finding_list_order"),
                   models.Index(fields=["state", "-occurred_from", "-id"], name="finding_list_state_order")]
        constraints = [
            models.CheckConstraint(condition=Q(occurred_to__isnull=True) | Q(occurred_to__gte=models.F("occurred_from")),
                                   name="finding_period_order"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def severity_order(self) -> int:
        return Severity.order(self.severity)


class FindingSubject(models.Model):
    class Role(models.TextChoices):
        VIOLATOR = "violator", "Người vi phạm"
        CO_VIOLATOR = "co_violator", "Đồng phạm / cùng vi phạm"
        RESPONSIBLE_HEAD = "responsible_head", "Người đứng đầu chịu trách nhiệm"

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="subjects")
    officer = models.ForeignKey("org.Officer", on_delete=models.PROTECT, related_name="finding_subjects")
    role = models.CharField(max_length=20, choices=Role.choices)
    knew_and_did_not_act = models.BooleanField(default=False)
    covered_up = models.BooleanField(default=False)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["finding_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["finding", "officer", "role"], name="finding_subject_unique"),
        ]


class FindingEvidence(models.Model):
    """An evidence item of a finding: an uploaded file (hashed) or a pointer to media evidence."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="evidence_items")
    kind = models.CharField(max_length=20, choices=[("file", "Tệp"), ("report_evidence", "Tệp biên bản"),
                                                    ("media", "Hình ảnh camera"), ("note", "Ghi chú")])
    key = models.CharField(max_length=900, blank=True)
    filename = models.CharField(max_length=255, blank=True)
    size = models.BigIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    report_evidence = models.ForeignKey(ReportEvidence, null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="+")
    media_ref = models.CharField(max_length=120, blank=True, help_text="e.g. media evidence or tag id")
    description = models.TextField(blank=True)
    added_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]


class FindingTransition(models.Model):
    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20)
    actor = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["finding_id", "at", "id"]


class FindingExplanation(models.Model):
    """What the head of the unit answers to a finding on his unit: an explanation of what happened
    (giải trình) or the unit's self-review (tự kiểm điểm). Append-only: a second thought is a new row."""

    class Kind(models.TextChoices):
        EXPLANATION = "explanation", "Giải trình"
        SELF_REVIEW = "self_review", "Tự kiểm điểm"

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="explanations")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = models.TextField()
    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["finding_id", "at", "id"]


class CsvImport(models.Model):
    """A CSV backfill of ratings with its per-row error report."""

    class State(models.TextChoices):
        QUEUED = "queued", "Đang chờ"
        RUNNING = "running", "Đang nhập"
        DONE = "done", "Hoàn tất"
        FAILED = "failed", "Lỗi"

    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    key = models.CharField(max_length=900, blank=True, help_text="The uploaded file in the object store")
    processed_rows = models.PositiveIntegerField(default=0)
    failure = models.TextField(blank=True)
    uploaded_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    filename = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    total_rows = models.PositiveIntegerField(default=0)
    imported = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list)

    class Meta:
        ordering = ["-started_at", "-id"]
