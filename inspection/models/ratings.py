"""Citizen satisfaction ratings, the counter devices that post them, volumes served, CSV imports."""
from __future__ import annotations

from django.db import models
from django.db.models import Q

from inspection.models.common import USER


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
