"""The risk model and the draw: weights, snapshots, draws, inspector absences."""
from __future__ import annotations

from django.db import models
from django.db.models import Q

from inspection.models.common import USER


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
