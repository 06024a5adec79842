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
from media_ingest.review.apis.common import OBJ, client_ip, client_ua, obj_page, q, validated


def revision_to_dict(rev: Any) -> dict[str, Any]:
    return {"revision": rev.revision, "action": rev.action, "label": rev.label.code, "start_s": rev.start_s,
            "end_s": rev.end_s, "note": rev.note, "reason": rev.reason,
            "by": {"id": rev.by_id, "name": selectors.user_label(rev.by)}, "at": rev.at.isoformat()}


class TagListApi(APIView):
    class TagListInputSerializer(serializers.Serializer):
        clip_id = IdField()
        label = PlainTextField(one_line=True, max_length=40)  # type: ignore[assignment]  # a field named like Field.label; DRF collects declared fields, the stubs see an attribute
        start_s = serializers.FloatField(min_value=0)
        end_s = serializers.FloatField(min_value=0)
        note = PlainTextField(required=False, allow_blank=True, default="", max_length=4000)

    @extend_schema(operation_id="media_tags_list", responses={200: obj_page()},
                   parameters=[q("clip", int), q("label"), q("author", int), q("include_deleted", bool), q("page", int)])
    def get(self, request: AuthedRequest) -> Response:
        q = Query(request)
        qs = selectors.tags_list(user=request.user, clip_id=q.id("clip"),
                                 label=q.text("label", max_length=40) or None,
                                 author_id=q.id("author"),
                                 include_deleted=q.bool("include_deleted", default=False))
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response([selectors.tag_to_dict(t) for t in page])

    @extend_schema(request=TagListInputSerializer, responses=OBJ)
    def post(self, request: AuthedRequest) -> Response:
        data = validated(self.TagListInputSerializer, request.data)
        clip = selectors.clip_get_for(user=request.user, id=data.pop("clip_id"))
        tag = services.tag_create(by=request.user, clip=clip, label_code=data.pop("label"),
                                  ip=client_ip(request), user_agent=client_ua(request), **data)
        return Response(selectors.tag_to_dict(tag), status=201)


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

    @extend_schema(responses=OBJ)
    def get(self, request: AuthedRequest, pk: int) -> Response:
        tag = selectors.tag_get_for(user=request.user, id=pk)
        data = selectors.tag_to_dict(tag)
        data["history"] = [revision_to_dict(r) for r in selectors.tag_history(tag=tag)]
        data["evidence"] = selectors_custody.tag_evidence_for_reader(user=request.user, tag=tag)
        data["version_matches_clip"] = (tag.clip_sha256 == tag.clip.sha256)
        return Response(data)

    @extend_schema(request=TagDetailUpdateSerializer, responses=OBJ)
    def patch(self, request: AuthedRequest, pk: int) -> Response:
        tag = selectors.tag_get_for(user=request.user, id=pk)
        data = validated(self.TagDetailUpdateSerializer, request.data)
        tag = services.tag_update(by=request.user, tag=tag, revision=data.pop("revision"),
                                  label_code=data.pop("label", None), ip=client_ip(request),
                                  user_agent=client_ua(request), **data)
        return Response(selectors.tag_to_dict(tag))

    @extend_schema(request=TagDetailDeleteSerializer, responses=OBJ)
    def delete(self, request: AuthedRequest, pk: int) -> Response:
        tag = selectors.tag_get_for(user=request.user, id=pk)
        source = request.data if request.data else request.query_params
        data = validated(self.TagDetailDeleteSerializer, source)
        tag = services.tag_delete(by=request.user, tag=tag, revision=data["revision"], reason=data["reason"],
                                  ip=client_ip(request), user_agent=client_ua(request))
        return Response(selectors.tag_to_dict(tag))
