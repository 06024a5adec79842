"""Tags on clips: list and create, detail, edit and delete (with revisions)."""
from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.core.actors import AuthedRequest
from backend.core.pagination import Pagination
from backend.core.params import IdField, PlainTextField, Query
from media_ingest.review import selectors, selectors_custody, services
from media_ingest.review.apis.common import client_ip, client_ua, q, validated


def revision_to_dict(rev: Any) -> dict[str, Any]:
    return {"revision": rev.revision, "action": rev.action, "label": rev.label.code, "start_s": rev.start_s,
            "end_s": rev.end_s, "note": rev.note, "reason": rev.reason,
            "by": {"id": rev.by_id, "name": selectors.user_label(rev.by)}, "at": rev.at.isoformat()}


class TagPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class TagOutputLabelSerializer(serializers.Serializer):
    code = serializers.CharField()
    name_vi = serializers.CharField()
    name_en = serializers.CharField()


class TagFindingSerializer(serializers.Serializer):
    """A finding the tag is evidence of, one the reader may open (a draft only for the inspection team)."""
    id = serializers.IntegerField()
    reference = serializers.CharField()
    title = serializers.CharField()


class TagOutputSerializer(serializers.Serializer):
    """The shape selectors.tags_for_reader answers (documentation: the dict is built there)."""
    id = serializers.IntegerField()
    clip_id = serializers.IntegerField()
    clip_version_id = serializers.CharField()
    clip_etag = serializers.CharField()
    clip_sha256 = serializers.CharField()
    label = TagOutputLabelSerializer()  # type: ignore[assignment]  # a field named like Field.label, as below
    start_s = serializers.FloatField()
    end_s = serializers.FloatField()
    note = serializers.CharField()
    author = TagPersonSerializer()
    updated_by = TagPersonSerializer()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    revision = serializers.IntegerField()
    deleted = serializers.BooleanField()
    deleted_at = serializers.DateTimeField(allow_null=True)
    findings = TagFindingSerializer(many=True, help_text=(
        "The findings this tag is evidence of that the reader may open; empty for a tag of none or only "
        "of findings the reader may not know of (a draft outside the inspection team). Not in websocket events."))


class TagRevisionOutputSerializer(serializers.Serializer):
    revision = serializers.IntegerField()
    action = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # as above
    start_s = serializers.FloatField()
    end_s = serializers.FloatField()
    note = serializers.CharField()
    reason = serializers.CharField()
    by = TagPersonSerializer()
    at = serializers.DateTimeField()


class TagEvidenceOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    finding_id = serializers.IntegerField(allow_null=True)
    finding__reference = serializers.CharField()
    redacted = serializers.CharField(allow_null=True)


class TagDetailOutputSerializer(TagOutputSerializer):
    history = TagRevisionOutputSerializer(many=True)
    evidence = TagEvidenceOutputSerializer(many=True)
    version_matches_clip = serializers.BooleanField()


def _one(request: AuthedRequest, tag: Any) -> dict[str, Any]:
    return selectors.tags_for_reader(user=request.user, tags=[tag])[0]


class TagListApi(APIView):
    pagination_class = Pagination  # the schema's page shape (the body is paged in get())

    class TagListInputSerializer(serializers.Serializer):
        clip_id = IdField()
        label = PlainTextField(one_line=True, max_length=40)  # type: ignore[assignment]  # a field named like Field.label; DRF collects declared fields, the stubs see an attribute
        start_s = serializers.FloatField(min_value=0)
        end_s = serializers.FloatField(min_value=0)
        note = PlainTextField(required=False, allow_blank=True, default="", max_length=4000)

    @extend_schema(operation_id="media_tags_list", responses=TagOutputSerializer(many=True),
                   parameters=[q("clip", int), q("label"), q("author", int), q("include_deleted", bool), q("page", int)])
    def get(self, request: AuthedRequest) -> Response:
        q = Query(request)
        qs = selectors.tags_list(user=request.user, clip_id=q.id("clip"),
                                 label=q.text("label", max_length=40) or None,
                                 author_id=q.id("author"),
                                 include_deleted=q.bool("include_deleted", default=False))
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(selectors.tags_for_reader(user=request.user, tags=page))

    @extend_schema(request=TagListInputSerializer, responses={201: TagOutputSerializer})
    def post(self, request: AuthedRequest) -> Response:
        data = validated(self.TagListInputSerializer, request.data)
        clip = selectors.clip_get_for(user=request.user, id=data.pop("clip_id"))
        tag = services.tag_create(by=request.user, clip=clip, label_code=data.pop("label"),
                                  ip=client_ip(request), user_agent=client_ua(request), **data)
        return Response(_one(request, tag), status=201)


class TagDetailApi(APIView):
    class TagDetailUpdateSerializer(serializers.Serializer):
        revision = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
        label = PlainTextField(one_line=True, max_length=40, required=False)  # type: ignore[assignment]  # as above
        start_s = serializers.FloatField(min_value=0, required=False)
        end_s = serializers.FloatField(min_value=0, required=False)
        note = PlainTextField(required=False, allow_blank=True, max_length=4000)
        reason = PlainTextField(required=False, allow_blank=True, default="", max_length=1000)

    class TagDetailDeleteSerializer(serializers.Serializer):
        revision = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
        reason = PlainTextField(max_length=1000)

    @extend_schema(responses=TagDetailOutputSerializer)
    def get(self, request: AuthedRequest, pk: int) -> Response:
        tag = selectors.tag_get_for(user=request.user, id=pk)
        data = _one(request, tag)
        data["history"] = [revision_to_dict(r) for r in selectors.tag_history(tag=tag)]
        data["evidence"] = selectors_custody.tag_evidence_for_reader(user=request.user, tag=tag)
        data["version_matches_clip"] = (tag.clip_sha256 == tag.clip.sha256)
        return Response(data)

    @extend_schema(request=TagDetailUpdateSerializer, responses=TagOutputSerializer)
    def patch(self, request: AuthedRequest, pk: int) -> Response:
        tag = selectors.tag_get_for(user=request.user, id=pk)
        data = validated(self.TagDetailUpdateSerializer, request.data)
        tag = services.tag_update(by=request.user, tag=tag, revision=data.pop("revision"),
                                  label_code=data.pop("label", None), ip=client_ip(request),
                                  user_agent=client_ua(request), **data)
        return Response(_one(request, tag))

    @extend_schema(request=TagDetailDeleteSerializer, responses=TagOutputSerializer)
    def delete(self, request: AuthedRequest, pk: int) -> Response:
        tag = selectors.tag_get_for(user=request.user, id=pk)
        source = request.data if request.data else request.query_params
        data = validated(self.TagDetailDeleteSerializer, source)
        tag = services.tag_delete(by=request.user, tag=tag, revision=data["revision"], reason=data["reason"],
                                  ip=client_ip(request), user_agent=client_ua(request))
        return Response(_one(request, tag))
