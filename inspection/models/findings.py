"""Findings: their subjects, transitions and the unit's explanations (their evidence is
media_ingest.review.models.EvidenceItem, every kind in one model)."""
from __future__ import annotations

from django.db import models
from django.db.models import Q

from backend.core.ids import RandomIdField
from inspection.models.checks import SurpriseCheck
from inspection.models.common import USER, Severity
from inspection.models.complaints import Complaint
from inspection.models.criteria import Criterion, FindingCategory
from inspection.models.ratings import SatisfactionRating


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

    # random, not sequential: a draft is the team's secret and a gap in a sequence would show it (backend.core.ids)
    id = RandomIdField()
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
    # A unit-level finding: why no individual officer can be named. Confirming a finding needs a named
    # subject or this reason (accountability lands on violators and their heads as of the violation day).
    unit_level_reason = models.TextField(blank=True)
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
