"""Surprise checks and their reports: results per criterion, evidence photos, amendments.

Planned checks are secret outside the inspection team: every read goes through
`inspection.secrecy` (the check's team, not a role)."""
from __future__ import annotations

import uuid
from typing import Any

from django.db import models
from django.db.models import Q

from inspection.models.common import USER
from inspection.models.criteria import CriteriaSet, Criterion
from inspection.models.draws import Draw


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
    # The SHA-256 of the signed part of the minutes as rendered when it was signed (SignedMinutes, issue 15).
    signed_pdf_sha256 = models.CharField(max_length=64, blank=True)

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


class SignedMinutes(models.Model):
    """The part of the minutes the signatures cover, as a PDF rendered when it was signed (the lead's
    signature, then again with the unit's): every download prints these bytes, then what came after
    (inspection.minutes). Kept in the database, beside the signed content and its hash, not in the object
    store: it is the record itself, backed up and restored with it."""

    report = models.OneToOneField(CheckReport, primary_key=True, on_delete=models.PROTECT, related_name="minutes")
    pdf = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    rendered_at = models.DateTimeField()
    at_signing = models.BooleanField(default=True, help_text="False: a report signed before this was kept, fixed "
                                                              "at its first download after")
