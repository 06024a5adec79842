"""Clip index: one row per object version in the store, its analysis results and events.

A clip is identified by (bucket, key, version_id): the same object indexed twice is one clip,
a new version of the object is a new clip. `camera` is null while the key does not follow the
convention or names an unknown camera (`unassigned_reason` says why) until an admin maps it.
"""
from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class Clip(models.Model):
    class State(models.TextChoices):
        DISCOVERED = "discovered", "Đã phát hiện"
        INDEXING = "indexing", "Đang lập chỉ mục"
        INDEXED = "indexed", "Đã lập chỉ mục"
        PARTIAL = "partial", "Lập chỉ mục một phần"
        FAILED = "failed", "Lỗi"
        EXPIRED = "expired", "Đã xóa khi hết hạn lưu trữ"

    class Source(models.TextChoices):
        WEBHOOK = "webhook", "Thông báo MinIO"
        RECONCILE = "reconcile", "Quét đối soát"
        UPLOAD = "upload", "Tải lên"
        SEED = "seed", "Dữ liệu mẫu"
        MANUAL = "manual", "Thủ công"

    bucket = models.CharField(max_length=63)
    key = models.CharField(max_length=900)
    version_id = models.CharField(max_length=200, blank=True, default="",
                                  help_text="Store object version ('' when unversioned)")
    etag = models.CharField(max_length=200, blank=True, default="")
    sha256 = models.CharField(max_length=64, blank=True, default="")
    size_bytes = models.BigIntegerField(default=0)
    content_type = models.CharField(max_length=120, blank=True, default="")
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.MANUAL)

    camera = models.ForeignKey("org.Camera", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="clips")
    unassigned_reason = models.CharField(max_length=300, blank=True, default="")
    started_at = models.DateTimeField(null=True, blank=True)
    duration_s = models.FloatField(null=True, blank=True)
    fps = models.FloatField(null=True, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    codec = models.CharField(max_length=40, blank=True, default="")
    container = models.CharField(max_length=60, blank=True, default="")

    state = models.CharField(max_length=12, choices=State.choices, default=State.DISCOVERED)
    error = models.TextField(blank=True, default="", help_text="One-line reason, Vietnamese")
    error_en = models.TextField(blank=True, default="", help_text="The same reason in English")
    error_code = models.CharField(
        max_length=40, blank=True, default="",
        help_text="The vision package's code of the reason (media_ingest.vision.errors.MESSAGES); empty for "
                  "a reason of the ingest itself (the store, the camera's settings) and for rows before codes")
    error_params = models.JSONField(default=dict, blank=True, help_text="The parameters of error_code")
    progress = models.FloatField(default=0.0,
                                 validators=[MinValueValidator(0.0), MaxValueValidator(1.0)])
    analysis_version = models.CharField(max_length=40, blank=True, default="")
    zones_used = models.JSONField(default=list, blank=True)
    analysis_params = models.JSONField(default=dict, blank=True,
                                       help_text="Analysis settings that differed from the defaults")

    proxy_key = models.CharField(max_length=1000, blank=True, default="")
    poster_key = models.CharField(max_length=1000, blank=True, default="")
    sprite_key = models.CharField(max_length=1000, blank=True, default="")
    vtt_key = models.CharField(max_length=1000, blank=True, default="")
    background_key = models.CharField(max_length=1000, blank=True, default="",
                                      help_text="Background model at the end (seeds the next clip)")

    activity = models.JSONField(default=list, blank=True, help_text="Per-second motion, 0..1")
    warnings = models.JSONField(default=list, blank=True)
    event_count = models.PositiveIntegerField(default=0)

    discovered_at = models.DateTimeField(auto_now_add=True)
    indexing_started_at = models.DateTimeField(null=True, blank=True)
    indexed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    failure_transient = models.BooleanField(
        default=False, help_text="Failed only because the store was unreachable: reconcile retries it later")
    expired_at = models.DateTimeField(
        null=True, blank=True, help_text="When retention deleted the footage and its derivatives (the row stays)")

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["bucket", "key", "version_id"],
                                    name="clip_unique_object_version"),
        ]
        indexes = [
            models.Index(fields=["camera", "started_at"]),
            # the clip list's default order: a page is an index range scan, not a sort of the scope
            models.Index(fields=["-started_at", "-id"], name="clip_started_desc"),
            models.Index(fields=["state"]),
            models.Index(fields=["bucket", "key"]),
        ]

    def __str__(self) -> str:
        return f"{self.key} [{self.state}]"

    @property
    def playable_key(self) -> str:
        """The key a browser should play: the H.264 proxy when one was made, else the source."""
        return self.proxy_key or self.key


class ClipEvent(models.Model):
    class Kind(models.TextChoices):
        PRESENCE = "presence", "Có người"
        MOTION = "motion", "Chuyển động"
        UNATTENDED = "unattended", "Quầy không có cán bộ khi có công dân"
        OFFICER_ABSENT = "officer_absent", "Cán bộ vắng mặt"
        TAMPER = "tamper", "Can thiệp camera"

    clip = models.ForeignKey(Clip, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    zone = models.CharField(max_length=60, blank=True, default="")
    start_s = models.FloatField()
    end_s = models.FloatField()
    score = models.FloatField(default=0.0)
    detail = models.JSONField(default=dict, blank=True)
    thumbnail_key = models.CharField(max_length=1000, blank=True, default="")

    class Meta:
        ordering = ["clip_id", "start_s", "id"]
        indexes = [models.Index(fields=["kind"]), models.Index(fields=["clip", "start_s"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.zone} {self.start_s:.1f}-{self.end_s:.1f}s"


class ReconcileCursor(models.Model):
    """Where the incremental reconcile scan of one bucket prefix stopped."""

    bucket = models.CharField(max_length=63)
    prefix = models.CharField(max_length=300, blank=True, default="")
    last_key = models.CharField(max_length=1000, blank=True, default="")
    last_etag = models.CharField(max_length=200, blank=True, default="")
    passes = models.PositiveIntegerField(default=0)
    objects_seen = models.BigIntegerField(default=0)
    clips_created = models.BigIntegerField(default=0)
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_full_pass_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["bucket", "prefix"], name="reconcile_cursor_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.bucket}/{self.prefix} @ {self.last_key or '(start)'}"


class CameraAnalysis(models.Model):
    """Per-camera overrides of the analysis settings (AnalysisConfig fields), validated on save
    by the service. Empty = the defaults (and settings.MEDIA_ANALYSIS_DEFAULTS)."""

    camera = models.OneToOneField("org.Camera", on_delete=models.CASCADE, related_name="analysis")
    overrides = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"analysis settings of {self.camera_id}"


class CameraRetention(models.Model):
    """How many days a camera's footage is kept (settings.MEDIA_RETENTION_DAYS when absent)."""

    camera = models.OneToOneField("org.Camera", on_delete=models.CASCADE, related_name="retention")
    days = models.PositiveIntegerField(validators=[MinValueValidator(1), MaxValueValidator(3650)])
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.camera_id}: {self.days} days"


class ClipHold(models.Model):
    """A manual legal hold: the clip is never deleted by retention while the hold is not released."""

    clip = models.ForeignKey(Clip, on_delete=models.PROTECT, related_name="holds")
    reason = models.TextField()
    by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    release_reason = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["clip_id", "id"]
        indexes = [models.Index(fields=["clip", "released_at"])]

    def __str__(self) -> str:
        return f"hold on clip {self.clip_id}"


class ClipRemapRequest(models.Model):
    """A correction of a clip's camera or start time under the two-person rule (issue 15, insider review).

    A clip that has a camera and a start time is never moved by an administrator alone: moving it could take
    footage out from under the holds that protect it by time, drafts included, which the administrator may not
    know of. He asks, with a reason; an inspection lead other than the requester (someone allowed to know every
    hold) approves or refuses, with a reason; only an approval moves the clip and queues it for indexing again."""

    class State(models.TextChoices):
        PENDING = "pending", "Chờ phê duyệt"
        APPROVED = "approved", "Đã phê duyệt"
        REFUSED = "refused", "Bị từ chối"

    clip = models.ForeignKey(Clip, on_delete=models.PROTECT, related_name="remap_requests")
    camera = models.ForeignKey("org.Camera", on_delete=models.PROTECT, related_name="+",
                               help_text="The camera asked for")
    started_at = models.DateTimeField(help_text="The start time asked for")
    previous_camera = models.ForeignKey("org.Camera", null=True, on_delete=models.PROTECT, related_name="+")
    previous_started_at = models.DateTimeField(null=True)
    reason = models.TextField(help_text="The requester's reason")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING, db_index=True)
    requested_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    decided_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True, help_text="The lead's reason (required to refuse)")

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["clip"], condition=models.Q(state="pending"),
                                    name="one_pending_remap_per_clip"),
        ]

    def __str__(self) -> str:
        return f"remap request {self.pk} for clip {self.clip_id}"
