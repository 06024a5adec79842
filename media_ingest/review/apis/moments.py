"""The moments to review."""
from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.core.actors import AuthedRequest
from backend.core.pagination import Pagination
from backend.core.params import Query
from media_ingest.review import selectors, selectors_moments
from media_ingest.review.apis.common import LOCAL, q
from media_ingest.review.apis.outputs import MomentSerializer, page_of

MOMENT_FILTERS = [q("from", str, "default: 30 days before `to`"), q("to", str, "default: now"), q("unit", int),
                  q("counter", int), q("kind", str, "complaint | rating"), q("footage", bool), q("page", int),
                  q("page_size", int)]


class MomentsApi(APIView):
    @extend_schema(responses=page_of("PaginatedMomentList", MomentSerializer(many=True)), parameters=MOMENT_FILTERS)
    def get(self, request: AuthedRequest) -> Response:
        q = Query(request)
        filters = selectors_moments.MomentFilters(
            start=q.datetime("from"), end=q.datetime("to", end_of_day=True),
            unit_id=q.id("unit"), counter_id=q.id("counter"),
            kind=q.choice("kind", ["complaint", "rating"]),
            footage=q.bool("footage"))
        moments = selectors_moments.moments_to_review(user=request.user, filters=filters)
        paginator = Pagination()
        page = paginator.paginate_queryset(moments, request, view=self)  # type: ignore[arg-type]
        tags = selectors_moments.moment_tags(user=request.user, moments=list(page or []))
        return paginator.get_paginated_response([_moment(m, tags.get((m["kind"], m["id"]), [])) for m in page or []])


def _moment(m: dict[str, Any], tags: list[Any]) -> dict[str, Any]:
    counter = m["counter"]
    return {"kind": m["kind"], "id": m["id"], "at": m["at"].isoformat(),
            "at_local": timezone.localtime(m["at"], LOCAL).strftime("%d/%m/%Y %H:%M:%S"),
            "risk": m["risk"], "summary": m["summary"], "detail": m["detail"],
            "counter": {"id": counter.pk, "code": counter.code, "name": counter.name},
            "unit": {"id": counter.unit.pk, "code": counter.unit.code, "name": counter.unit.name},
            "footage": m["footage"],
            "tags": [{"id": t.pk, "clip_id": t.clip_id, "label": {"code": t.label.code, "name_vi": t.label.name_vi,
                                                                 "name_en": t.label.name_en},
                      "start_s": t.start_s, "end_s": t.end_s, "note": t.note,
                      "author": {"id": t.author_id, "name": selectors.user_label(t.author)}} for t in tags]}
