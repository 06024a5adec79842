"""The head profile of an officer over a period, and the rankings."""
from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.selectors import require_role, user_unit_ids
from backend.core.actors import AuthedRequest
from backend.core.errors import DomainError
from backend.core.params import Query, parse_int
from backend.org.models import Officer, Unit
from inspection.accountability import selectors, selectors_case_views
from inspection.accountability.apis.common import (
    CaseOutputSerializer,
    FindingBriefSerializer,
    LiabilityOutputSerializer,
)
from inspection.accountability.apis.outputs import HeadProfileSerializer, RankingsSerializer
from inspection.accountability.scoring import Period, compute_rankings, quarter, year_period
from inspection.accountability.trace_output import assignment_proof, officer_brief, unit_as_it_was

if TYPE_CHECKING:
    from backend.accounts.models import User


def _period_params(request: Request) -> tuple[date | None, date | None]:
    start, end = Query(request).date("from"), Query(request).date("to")
    if start and end and end < start:
        raise DomainError("Ngày 'to' phải sau ngày 'from'.", "'to' must not be before 'from'.",
                          code="invalid_period", fields={"to": ["before from"]})
    return start, end


def profile_payload(user: User, officer: Officer, start: date | None, end: date | None) -> dict[str, Any]:
    prof = selectors_case_views.head_profile(user=user, officer=officer, start=start, end=end)
    tenure_rows = []
    for a, lo, hi in prof["tenures"]:
        # went on during the tenure: begun in it, or begun before and still going on when it began (as the selector)
        mine = [f for f in prof["findings"] if f.unit_id == a.unit_id and timezone.localdate(f.occurred_from) <= hi
                and (timezone.localdate(f.occurred_from) >= lo
                     or (f.occurred_to is not None and timezone.localdate(f.occurred_to) >= lo))]
        tenure_rows.append({
            "assignment": assignment_proof(a), "unit": unit_as_it_was(a.unit, lo),
            "role": "head" if a.is_head else "deputy", "is_acting": a.is_acting, "from": lo, "to": hi,
            "findings": FindingBriefSerializer(mine, many=True).data})
    cases = prof["cases"]
    return {
        "officer": officer_brief(officer),
        "period": {"from": prof["start"], "to": prof["end"]},
        "summary": prof["summary"],
        "tenures": tenure_rows,
        "liabilities": LiabilityOutputSerializer(prof["liabilities"], many=True).data,
        "cases": CaseOutputSerializer(cases, many=True, context={"views": prof["case_views"]}).data,
    }


class OfficerProfileApi(APIView):
    @extend_schema(parameters=[OpenApiParameter("from", str, required=False), OpenApiParameter("to", str, required=False)], responses=HeadProfileSerializer)
    def get(self, request: AuthedRequest, pk: int) -> Response:
        officer = selectors.officer_get_for(user=request.user, id=pk)
        start, end = _period_params(request)
        return Response(profile_payload(request.user, officer, start, end))




def parse_period(request: Request) -> Period:
    qp = request.query_params
    year = parse_int(qp.get("year"), "year", lo=2000, hi=2100) or timezone.localdate().year
    q = parse_int(qp.get("quarter"), "quarter", lo=1, hi=4)
    return quarter(year, q) if q else year_period(year)


class RankingsApi(APIView):
    @extend_schema(parameters=[OpenApiParameter("year", int, required=False), OpenApiParameter("quarter", int, required=False), OpenApiParameter("level", str, required=False)], responses=RankingsSerializer)
    def get(self, request: AuthedRequest) -> Response:
        require_role(request.user, *selectors.SCORE_READERS)
        level = Query(request).choice("level", Unit.Level.values) or Unit.Level.COMMUNE
        result = compute_rankings(level=level, period=parse_period(request),
                                  policy=selectors.scoring_policy_current())
        ids = user_unit_ids(request.user)
        if ids is not None:
            result["rows"] = [r for r in result["rows"] if r["unit"]["id"] in ids]
        return Response(result)
