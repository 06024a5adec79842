"""Footage review: tags (with history), evidence items, evidence packages, custody and coverage."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from backend.core.ids import RandomIdField

USER = settings.AUTH_USER_MODEL


class TagLabel(models.Model):
    """The configurable taxonomy reviewers tag with (seeded; admins add or retire labels)."""

    code = models.SlugField(max_length=40, unique=True)
    name_vi = models.CharField(max_length=120)
    name_en = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    finding_category_code = models.CharField(
        max_length=40, blank=True, help_text="Suggested inspection.FindingCategory code for a finding")
    position = models.PositiveIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name_vi


class Tag(models.Model):
    """A reviewer's mark on a time range of one exact file version (clip + sha256)."""

    clip = models.ForeignKey("media_ingest.Clip", on_delete=models.PROTECT, related_name="tags")
    clip_version_id = models.CharField(max_length=200, blank=True)
    clip_etag = models.CharField(max_length=200, blank=True)
    clip_sha256 = models.CharField(max_length=64)
    label = models.ForeignKey(TagLabel, on_delete=models.PROTECT, related_name="tags")
    start_s = models.FloatField()
    end_s = models.FloatField()
    note = models.TextField(blank=True)
    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    revision = models.PositiveIntegerField(default=1, help_text="Bumped on every change; optimistic lock")
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    preservation = models.ForeignKey(
        "review.ClipPreservation", null=True, blank=True, on_delete=models.PROTECT, related_name="tags",
        help_text="The sealed copy an expired clip was tagged on: the tag is its findings' readers' alone")

    class Meta:
        ordering = ["clip_id", "start_s", "id"]
        indexes = [models.Index(fields=["clip", "deleted_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(end_s__gt=models.F("start_s")) & Q(start_s__gte=0),
                                   name="tag_range_order"),
        ]

    def __str__(self) -> str:
        return f"{self.label_id} {self.start_s:.1f}-{self.end_s:.1f}s clip {self.clip_id}"


class TagRevision(models.Model):
    """Every state a tag has been in, in order: nothing a reviewer wrote is ever lost."""

    class Action(models.TextChoices):
        CREATE = "create", "Tạo"
        UPDATE = "update", "Sửa"
        DELETE = "delete", "Xóa"

    tag = models.ForeignKey(Tag, on_delete=models.PROTECT, related_name="revisions")
    revision = models.PositiveIntegerField()
    action = models.CharField(max_length=10, choices=Action.choices)
    label = models.ForeignKey(TagLabel, on_delete=models.PROTECT, related_name="+")
    start_s = models.FloatField()
    end_s = models.FloatField()
    note = models.TextField(blank=True)
    reason = models.TextField(blank=True)
    by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["tag_id", "revision"]
        constraints = [models.UniqueConstraint(fields=["tag", "revision"], name="tag_revision_unique")]


class EvidenceItem(models.Model):
    """Everything attached to a finding as evidence, whichever page attached it (issue 17: one model for a
    finding's evidence, one upload path and cap for the files attached to a finding, one deletion rule; the check
    report's own photos are still uploaded to `inspection.ReportEvidence`, with their own cap, and reach a finding
    as items of kind report_photo — docs/architecture.md): a tag (a clip segment, its version frozen here), an
    uploaded file (hashed), a photo or file of the finding's check report, or a note (text and/or a
    pointer to footage). Never deleted: the finding's foreign key protects it (DESIGN: an evidence
    item is on legal hold)."""

    id = RandomIdField()  # a draft finding's evidence is as secret as the draft (backend.core.ids)

    class Kind(models.TextChoices):
        TAG = "tag", "Đoạn hình ảnh đã gắn thẻ"
        FILE = "file", "Tệp tải lên"
        REPORT_PHOTO = "report_photo", "Ảnh, tệp biên bản kiểm tra"
        NOTE = "note", "Ghi chú, tham chiếu hình ảnh"

    class AttachedIn(models.TextChoices):
        """Where it was attached: footage review (shown to FOOTAGE_ROLES, counted for the others) or
        the finding page (listed to every reader of the finding; files downloaded by FOOTAGE_ROLES)."""
        REVIEW = "review", "Xem xét hình ảnh"
        FINDING = "finding", "Trang vi phạm"

    finding = models.ForeignKey("inspection.Finding", on_delete=models.PROTECT, related_name="evidence")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    attached_in = models.CharField(max_length=10, choices=AttachedIn.choices, default=AttachedIn.REVIEW)
    tag = models.ForeignKey(Tag, null=True, blank=True, on_delete=models.PROTECT, related_name="evidence")
    # Frozen copy of what the tag pointed at when it was linked (the tag may be edited later).
    clip = models.ForeignKey("media_ingest.Clip", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="evidence")
    clip_sha256 = models.CharField(max_length=64, blank=True)
    clip_version_id = models.CharField(max_length=200, blank=True)
    tag_revision = models.PositiveIntegerField(null=True, blank=True)
    start_s = models.FloatField(null=True, blank=True)
    end_s = models.FloatField(null=True, blank=True)
    # Uploaded file, or the check report's file (a copy of its key and hash, checked again on export)
    file_key = models.CharField(max_length=900, blank=True)
    filename = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=120, blank=True)
    size_bytes = models.BigIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True, help_text="Of the uploaded file; of the clip for tags")
    report_evidence = models.ForeignKey("inspection.ReportEvidence", null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")
    media_ref = models.CharField(max_length=120, blank=True,
                                 help_text="A note's pointer to footage in words (e.g. camera and time)")
    note = models.TextField(blank=True)
    out_of_period_reason = models.TextField(
        blank=True, help_text="Why footage outside the finding's period was attached (empty: within it)")
    moved_from = models.BigIntegerField(
        null=True, blank=True, help_text="The inspection.FindingEvidence id this row was moved from "
        "(review 0012): audit events before the move name that id")
    added_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField()

    class Meta:
        ordering = ["finding_id", "added_at", "id"]  # ids are random: the order added is the time
        constraints = [
            models.UniqueConstraint(fields=["finding", "tag"], condition=Q(tag__isnull=False),
                                    name="evidence_tag_once_per_finding"),
            models.CheckConstraint(
                condition=(Q(kind="tag") & Q(tag__isnull=False))
                | (Q(kind="file") & ~Q(file_key=""))
                | (Q(kind="report_photo") & Q(report_evidence__isnull=False) & ~Q(file_key=""))
                | Q(kind="note"),
                name="evidence_kind_matches"),
        ]


class EvidencePackage(models.Model):
    """A ZIP for a finding (clip segments, uploaded files) or for a reviewer's selection of tags
    (clip segments): manifest.json (hashes, signed), custody log."""

    class State(models.TextChoices):
        PENDING = "pending", "Chờ tạo"
        BUILDING = "building", "Đang tạo"
        READY = "ready", "Sẵn sàng"
        FAILED = "failed", "Lỗi"

    id = RandomIdField()  # a package of a draft finding is as secret as the draft (backend.core.ids)
    finding = models.ForeignKey("inspection.Finding", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="evidence_packages")
    tags = models.ManyToManyField(Tag, blank=True, related_name="packages",
                                  help_text="A package of a selection of tags (no finding)")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    progress = models.FloatField(default=0.0, help_text="0..1 while building; 1 when ready")
    requested_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    reason = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    key = models.CharField(max_length=900, blank=True)
    size_bytes = models.BigIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True, help_text="Of the whole ZIP")
    manifest_sha256 = models.CharField(max_length=64, blank=True)
    manifest = models.JSONField(default=dict, blank=True)
    manifest_signature = models.CharField(max_length=200, blank=True,
                                          help_text="The server's signature of manifest.json (manifest.sig)")
    error = models.TextField(blank=True, help_text="Why it failed, in Vietnamese")
    error_en = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]


class AccessLog(models.Model):
    """Chain of custody: every playback and preview URL issued, every download, tag change, export
    and deletion at the end of the retention period."""

    # an entry of a draft's evidence or export is withheld from readers outside the team until the
    # finding is published (selectors_custody.sealed_findings): a gap in a sequence showed it (issue 15 S3)
    id = RandomIdField()

    class Action(models.TextChoices):
        VIEW = "view", "Xem"
        DOWNLOAD = "download", "Tải xuống"
        TAG_CREATE = "tag_create", "Gắn thẻ"
        TAG_UPDATE = "tag_update", "Sửa thẻ"
        TAG_DELETE = "tag_delete", "Xóa thẻ"
        EVIDENCE_LINK = "evidence_link", "Gắn chứng cứ"
        EVIDENCE_PERIOD = "evidence_period", "Chứng cứ nằm ngoài thời gian vi phạm đã sửa"
        EXPORT = "export", "Xuất gói chứng cứ"
        EXPORT_DOWNLOAD = "export_download", "Tải gói chứng cứ"
        PREVIEW = "preview", "Xem ảnh đại diện, ảnh sự kiện, dải ảnh"
        EXPIRE = "expire", "Xóa khi hết thời hạn lưu trữ"
        PRESERVE = "preserve", "Lưu bản sao niêm phong khi hết thời hạn lưu trữ"
        PRESERVE_RELEASE = "preserve_release", "Xóa bản sao niêm phong khi không còn bị giữ"
        REMAP_REQUEST = "remap_request", "Đề nghị sửa camera/thời điểm"
        REMAP_APPROVE = "remap_approve", "Phê duyệt sửa camera/thời điểm"
        REMAP_REFUSE = "remap_refuse", "Từ chối sửa camera/thời điểm"
        REMAP_APPLY = "remap_apply", "Đã sửa camera/thời điểm"

    at = models.DateTimeField(db_index=True)
    user = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    user_label = models.CharField(max_length=150)
    action = models.CharField(max_length=20, choices=Action.choices)
    clip = models.ForeignKey("media_ingest.Clip", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="access_logs")
    tag = models.ForeignKey(Tag, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    package = models.ForeignKey(EvidencePackage, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="access_logs")
    finding = models.ForeignKey("inspection.Finding", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    object_key = models.CharField(max_length=1000, blank=True)
    reason = models.TextField(blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="For issued URLs")
    detail = models.JSONField(default=dict, blank=True)
    count = models.PositiveIntegerField(default=1, help_text="Identical accesses counted on this entry "
                                        "(custody_repeats): first at `at`, last at `last_at`")
    last_at = models.DateTimeField(null=True, blank=True, help_text="The last repeat; empty when count is 1")

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["clip", "at"]), models.Index(fields=["package", "at"])]


class ReviewCoverage(models.Model):
    """Which seconds of a clip one reviewer actually played (merged ranges)."""

    clip = models.ForeignKey("media_ingest.Clip", on_delete=models.CASCADE, related_name="coverage")
    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    ranges = models.JSONField(default=list)
    seconds = models.FloatField(default=0.0)
    first_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["clip_id", "user_id"]
        constraints = [models.UniqueConstraint(fields=["clip", "user"], name="coverage_one_per_reviewer")]


class ClipPreservation(models.Model):
    """A sealed copy of an expired clip's footage kept for findings outsiders may not know of (issue 15,
    insider review S1-1): when retention reaches a clip held only by an unpublished finding, it copies the
    exact footage version (hash checked) and the derivatives needed to play and see it (proxy, poster)
    into the app's own store under opaque keys, then expires the clip exactly as any other, so no
    outsider's view depends on the draft. Readers who may see a finding it serves play the copy
    (selectors.preservation_for_reader); a later run deletes it once nothing holds the clip
    (services_preservation.preservations_release)."""

    id = RandomIdField()  # a draft's preservation is as secret as the draft

    clip = models.ForeignKey("media_ingest.Clip", on_delete=models.PROTECT, related_name="preservations")
    findings = models.ManyToManyField("inspection.Finding", related_name="+",
                                      help_text="The findings whose hold it was made for")
    keys = models.JSONField(default=dict, help_text="The copies in the app's store: source, proxy, poster")
    sha256 = models.CharField(max_length=64, help_text="Of the footage copy: the clip's own, checked")
    size_bytes = models.BigIntegerField(default=0)
    created_at = models.DateTimeField()
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["clip_id", "created_at"]
        indexes = [models.Index(fields=["clip", "released_at"])]
