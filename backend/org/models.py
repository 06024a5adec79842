"""Organisation, temporal: units merge and are abolished, heads change, officers move."""
from __future__ import annotations

from django.db import models
from django.db.models import Q

from backend.org.identity import SERVICE_NUMBER_KEY


class Unit(models.Model):
    class Level(models.TextChoices):
        PROVINCE = "province", "Công an tỉnh"
        DEPARTMENT = "department", "Phòng nghiệp vụ"
        DISTRICT = "district", "Công an cấp huyện"
        COMMUNE = "commune", "Công an cấp xã"

    code = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    search_name = models.CharField(max_length=200, db_index=True, editable=False)
    level = models.CharField(max_length=20, choices=Level.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children", help_text="Current parent")
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True, help_text="Last day the unit existed")
    successor = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="predecessors")

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                                   name="unit_valid_range"),
        ]

    def __str__(self) -> str:
        return self.name


class UnitLink(models.Model):
    """Parent of a unit over a period (the tree changes: district level abolished in 2025)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="parent_links")
    parent = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="child_links")
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["unit_id", "valid_from"]
        indexes = [models.Index(fields=["parent", "valid_from"])]


class Officer(models.Model):
    service_number = models.CharField(max_length=20, unique=True)
    full_name = models.CharField(max_length=120)
    search_name = models.CharField(max_length=120, db_index=True, editable=False)
    rank = models.CharField(max_length=60, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["full_name", "id"]
        constraints = [
            # one person, one service number: "na-1002" and "NA-1002" are one key (backend/org/identity.py)
            models.UniqueConstraint(SERVICE_NUMBER_KEY, name="officer_service_number_key"),
        ]

    def __str__(self) -> str:
        return f"{self.rank} {self.full_name}".strip()


class FieldOfCharge(models.Model):
    """A field of work a deputy is put in charge of (lĩnh vực phụ trách), e.g. administration and the
    one-stop counter, or traffic. The force's list, edited by an admin; finding categories name the
    field(s) they belong to, and a deputy answers only for findings of his own field."""

    code = models.CharField(max_length=40, unique=True)
    name_vi = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    description = models.CharField(max_length=500, blank=True, help_text="What the field covers")
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name_vi


class Assignment(models.Model):
    officer = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="assignments")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="assignments")
    position = models.CharField(max_length=120)
    is_head = models.BooleanField(default=False)
    is_deputy = models.BooleanField(default=False)
    is_acting = models.BooleanField(default=False, help_text="Phụ trách / quyền (acting)")
    field = models.ForeignKey(FieldOfCharge, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="assignments",
                              help_text="The deputy's field of charge: a deputy answers only for findings of it")
    in_charge_of = models.CharField(max_length=200, blank=True,
                                    help_text="Free-text description of the post's duties (not used by any rule)")
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True, help_text="Last day of the assignment")
    decision_ref = models.CharField(max_length=80, blank=True)

    class Meta:
        ordering = ["unit_id", "valid_from", "id"]
        indexes = [
            models.Index(fields=["unit", "is_head", "valid_from"]),
            models.Index(fields=["officer", "valid_from"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                                   name="assignment_valid_range"),
            models.CheckConstraint(condition=~(Q(is_head=True) & Q(is_deputy=True)),
                                   name="assignment_not_head_and_deputy"),
        ]

    def __str__(self) -> str:
        return f"{self.officer} — {self.position}, {self.unit}"


class Counter(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="counters")
    code = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    opening_hours = models.JSONField(default=dict, blank=True,
                                     help_text='{"mon-fri": [["07:30","11:30"],["13:30","17:00"]], "sat": [...]}')
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Camera(models.Model):
    code = models.CharField(max_length=40, unique=True, help_text="Bucket prefix of its clips")
    counter = models.ForeignKey(Counter, on_delete=models.PROTECT, related_name="cameras")
    name = models.CharField(max_length=200, blank=True)
    zones = models.JSONField(default=list, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code
