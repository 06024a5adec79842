"""Citizen complaints."""
from __future__ import annotations

from django.db import models

from inspection.models.common import USER
from inspection.models.criteria import FindingCategory


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
