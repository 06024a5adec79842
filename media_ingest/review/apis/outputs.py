"""The footage review API's answers, declared for the schema (issue 17). The views build their dicts
(clip_output, access_to_dict, evidence_to_dict, package_to_dict, …); these serializers state the same
shape, field for field, so the OpenAPI schema and the generated frontend types say what is sent."""
from __future__ import annotations

from rest_framework import serializers

from media_ingest.review.models import EvidencePackage


def page_of(name: str, row: serializers.Serializer) -> serializers.Serializer:
    """A page of backend.core.pagination with these rows."""
    from drf_spectacular.utils import inline_serializer

    return inline_serializer(name, {
        "count": serializers.IntegerField(), "count_exact": serializers.BooleanField(),
        "next": serializers.CharField(allow_null=True), "previous": serializers.CharField(allow_null=True),
        "results": row})


class ReviewRefSerializer(serializers.Serializer):
    """A camera, counter or unit named by id, code and name."""

    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class ReviewPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()


class ReviewClipSerializer(serializers.Serializer):
    """media_ingest.review.apis.clips.clip_output."""

    id = serializers.IntegerField()
    bucket = serializers.CharField()
    key = serializers.CharField()
    version_id = serializers.CharField()
    etag = serializers.CharField()
    sha256 = serializers.CharField()
    size_bytes = serializers.IntegerField()
    camera = ReviewRefSerializer(allow_null=True)
    counter = ReviewRefSerializer(allow_null=True)
    unit = ReviewRefSerializer(allow_null=True)
    unassigned_reason = serializers.CharField()
    started_at = serializers.DateTimeField(allow_null=True)
    ended_at = serializers.DateTimeField(allow_null=True)
    duration_s = serializers.FloatField(allow_null=True)
    fps = serializers.FloatField(allow_null=True)
    width = serializers.IntegerField(allow_null=True)
    height = serializers.IntegerField(allow_null=True)
    codec = serializers.CharField()
    state = serializers.CharField()
    state_label = serializers.CharField()
    progress = serializers.FloatField()
    error = serializers.CharField()
    error_en = serializers.CharField()
    analysis_version = serializers.CharField()
    has_proxy = serializers.BooleanField()
    has_poster = serializers.BooleanField()
    tag_count = serializers.IntegerField(allow_null=True)
    event_count = serializers.IntegerField()
    event_kinds = serializers.DictField(child=serializers.IntegerField(), allow_null=True,
                                        help_text="Events by kind; null on the detail")


class ReviewClipDetailSerializer(ReviewClipSerializer):
    tag_count = serializers.IntegerField()
    warnings = serializers.ListField(child=serializers.CharField())
    poster_url = serializers.CharField(allow_null=True)


class ReviewClipEventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    zone = serializers.CharField()
    start_s = serializers.FloatField()
    end_s = serializers.FloatField()
    score = serializers.FloatField()
    detail = serializers.DictField()
    thumbnail_url = serializers.CharField(allow_null=True)


class ReviewClipTimelineSerializer(serializers.Serializer):
    clip_id = serializers.IntegerField()
    duration_s = serializers.FloatField(allow_null=True)
    state = serializers.CharField()
    analysis_version = serializers.CharField()
    events = ReviewClipEventSerializer(many=True)
    activity = serializers.ListField(child=serializers.FloatField(), help_text="Per-second motion, 0..1")
    poster_url = serializers.CharField(allow_null=True)
    sprite_url = serializers.CharField(allow_null=True)
    vtt_url = serializers.CharField(allow_null=True)
    url_ttl_seconds = serializers.IntegerField()


class PlaybackIssuedSerializer(serializers.Serializer):
    url = serializers.CharField()
    expires_at = serializers.DateTimeField()
    ttl_seconds = serializers.IntegerField()
    variant = serializers.CharField(allow_null=True)
    access_id = serializers.IntegerField()
    clip_sha256 = serializers.CharField()


class CustodyEntrySerializer(serializers.Serializer):
    """media_ingest.review.selectors_custody.access_to_dict."""

    id = serializers.IntegerField()
    at = serializers.DateTimeField()
    action = serializers.CharField()
    action_label = serializers.CharField()
    user = ReviewPersonSerializer()
    clip_id = serializers.IntegerField(allow_null=True)
    tag_id = serializers.IntegerField(allow_null=True)
    package_id = serializers.IntegerField(allow_null=True)
    finding_id = serializers.IntegerField(allow_null=True)
    finding_reference = serializers.CharField(allow_null=True)
    redacted = serializers.CharField(allow_null=True)
    object_key = serializers.CharField()
    reason = serializers.CharField()
    ip = serializers.CharField(allow_null=True)
    user_agent = serializers.CharField()
    expires_at = serializers.DateTimeField(allow_null=True)
    detail = serializers.DictField()
    count = serializers.IntegerField()
    last_at = serializers.DateTimeField()


class CustodyClipSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    camera = serializers.CharField(allow_null=True)
    started_at = serializers.DateTimeField(allow_null=True)


def clip_custody_page() -> serializers.Serializer:
    from drf_spectacular.utils import inline_serializer

    return inline_serializer("PaginatedClipCustodyList", {
        "count": serializers.IntegerField(), "count_exact": serializers.BooleanField(),
        "next": serializers.CharField(allow_null=True), "previous": serializers.CharField(allow_null=True),
        "results": CustodyEntrySerializer(many=True), "clip": CustodyClipSerializer()})


class CoverageReviewerSerializer(serializers.Serializer):
    user = ReviewPersonSerializer()
    ranges = serializers.ListField(child=serializers.ListField(child=serializers.FloatField()))
    seconds = serializers.FloatField()
    share = serializers.FloatField(allow_null=True)
    first_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class CoverageAllSerializer(serializers.Serializer):
    ranges = serializers.ListField(child=serializers.ListField(child=serializers.FloatField()))
    seconds = serializers.FloatField()
    share = serializers.FloatField(allow_null=True)
    unplayed = serializers.ListField(child=serializers.ListField(child=serializers.FloatField()))


class ClipCoverageSerializer(serializers.Serializer):
    """media_ingest.review.selectors_custody.coverage_for_clip."""

    clip_id = serializers.IntegerField()
    duration_s = serializers.FloatField(allow_null=True)
    reviewers = CoverageReviewerSerializer(many=True)
    all = CoverageAllSerializer()


class TagLabelOutputSerializer(serializers.Serializer):
    """media_ingest.review.apis.taxonomy.label_to_dict."""

    code = serializers.CharField()
    name_vi = serializers.CharField()
    name_en = serializers.CharField()
    description = serializers.CharField()
    finding_category_code = serializers.CharField()
    position = serializers.IntegerField()
    active = serializers.BooleanField()


class TaxonomyListSerializer(serializers.Serializer):
    results = TagLabelOutputSerializer(many=True)


class MomentLabelSerializer(serializers.Serializer):
    code = serializers.CharField()
    name_vi = serializers.CharField()
    name_en = serializers.CharField()


class MomentTagSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    clip_id = serializers.IntegerField()
    label = MomentLabelSerializer()  # type: ignore[assignment]  # the field named "label" shadows Field.label
    start_s = serializers.FloatField()
    end_s = serializers.FloatField()
    note = serializers.CharField()
    author = ReviewPersonSerializer()


class MomentFootageSerializer(serializers.Serializer):
    """selectors_moments._attach_footage: the covering clip (available), or why there is none."""

    available = serializers.BooleanField()
    clip_id = serializers.IntegerField(allow_null=True, help_text="The covering clip; a failed one when none")
    camera_id = serializers.IntegerField(required=False)
    clip_state = serializers.CharField(required=False)
    offset_s = serializers.FloatField(required=False)
    clip_started_at = serializers.DateTimeField(required=False)
    duration_s = serializers.FloatField(required=False, allow_null=True)
    other_clip_ids = serializers.ListField(child=serializers.IntegerField(), required=False)
    reason = serializers.CharField(required=False, help_text="no_camera | no_clip | clip_failed")
    reason_vi = serializers.CharField(required=False)
    reason_en = serializers.CharField(required=False)


class MomentSerializer(serializers.Serializer):
    """media_ingest.review.apis.moments._moment."""

    kind = serializers.CharField()
    id = serializers.IntegerField()
    at = serializers.DateTimeField()
    at_local = serializers.CharField()
    risk = serializers.IntegerField()
    summary = serializers.CharField()
    detail = serializers.DictField()
    counter = ReviewRefSerializer()
    unit = ReviewRefSerializer()
    footage = MomentFootageSerializer()
    tags = MomentTagSerializer(many=True)


class EvidenceItemOutputSerializer(serializers.Serializer):
    """media_ingest.review.services.evidence_to_dict."""

    id = serializers.IntegerField()
    finding_id = serializers.IntegerField()
    kind = serializers.CharField()
    tag_id = serializers.IntegerField(allow_null=True)
    clip_id = serializers.IntegerField(allow_null=True)
    clip_sha256 = serializers.CharField()
    clip_version_id = serializers.CharField()
    tag_revision = serializers.IntegerField(allow_null=True)
    start_s = serializers.FloatField(allow_null=True)
    end_s = serializers.FloatField(allow_null=True)
    filename = serializers.CharField()
    content_type = serializers.CharField()
    size_bytes = serializers.IntegerField(allow_null=True)
    sha256 = serializers.CharField()
    note = serializers.CharField()
    attached_in = serializers.CharField()
    report_evidence_id = serializers.IntegerField(allow_null=True)
    media_ref = serializers.CharField()
    out_of_period = serializers.BooleanField()
    out_of_period_reason = serializers.CharField()
    added_by = ReviewPersonSerializer()
    added_at = serializers.DateTimeField()
    camera = serializers.CharField(allow_null=True)
    moment_from = serializers.DateTimeField(allow_null=True)
    moment_to = serializers.DateTimeField(allow_null=True)


class PackageFileSerializer(serializers.Serializer):
    """A file of the package's manifest (package.build: path in the ZIP, its hash and size)."""

    path = serializers.CharField()
    sha256 = serializers.CharField()
    size = serializers.IntegerField()


class EvidencePackageOutputSerializer(serializers.Serializer):
    """media_ingest.review.apis.evidence.package_to_dict."""

    id = serializers.IntegerField()
    finding_id = serializers.IntegerField(allow_null=True)
    finding_reference = serializers.CharField(allow_null=True)
    kind = serializers.ChoiceField(choices=["finding", "selection"])
    tag_ids = serializers.ListField(child=serializers.IntegerField())
    signed = serializers.BooleanField()
    state = serializers.ChoiceField(choices=EvidencePackage.State.choices)  # EvidencePackageStateEnum
    state_label = serializers.CharField()
    requested_by = ReviewPersonSerializer()
    requested_at = serializers.DateTimeField()
    reason = serializers.CharField()
    progress = serializers.FloatField()
    finished_at = serializers.DateTimeField(allow_null=True)
    size_bytes = serializers.IntegerField(allow_null=True)
    sha256 = serializers.CharField()
    manifest_sha256 = serializers.CharField()
    error_en = serializers.CharField()
    files = PackageFileSerializer(many=True)
    error = serializers.CharField()


class PackageDownloadIssuedSerializer(serializers.Serializer):
    url = serializers.CharField()
    expires_at = serializers.DateTimeField()
    sha256 = serializers.CharField()


class SigningKeySerializer(serializers.Serializer):
    """media_ingest.review.signing.public_key_info."""

    algorithm = serializers.CharField()
    key_id = serializers.CharField()
    public_key = serializers.CharField(help_text="base64 raw key")
    pem = serializers.CharField()


class SignatureCheckSerializer(serializers.Serializer):
    present = serializers.BooleanField()
    valid = serializers.BooleanField()
    key_id = serializers.CharField()
    problem = serializers.CharField()
    problem_vi = serializers.CharField()


class PackageVerifyReportSerializer(serializers.Serializer):
    """media_ingest.review.package.VerifyReport.to_dict."""

    ok = serializers.BooleanField()
    package_id = serializers.IntegerField(allow_null=True)
    checked = serializers.IntegerField()
    manifest_sha256 = serializers.CharField()
    problems = serializers.ListField(child=serializers.CharField())
    problems_vi = serializers.ListField(child=serializers.CharField())
    signature = SignatureCheckSerializer()

