"""Criteria sets, their criteria, and the categories of findings."""
from __future__ import annotations

from django.db import models

from inspection.models.common import USER, Severity


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
    # the kind of violation a failed result is filed as (the finding form fills it in; the inspector may change it)
    category = models.ForeignKey("FindingCategory", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", help_text="Kind of violation a failure is filed as")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["criteria_set_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "code"], name="criterion_code_unique_in_set"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:60]}"




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
