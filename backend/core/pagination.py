"""Page-number pagination whose cost does not grow with the table.

Counting every row in scope was the one part of a list request that grew with the data (the page
itself is read through an index and a LIMIT): at 100,000 clips the count was most of the request.
The count stops at COUNT_CAP rows, or just past the page asked for when that is further: below
it the count is exact; beyond it the response says `count_exact: false` and `count` is a lower
bound ("hơn 1.000"), with a next page whenever there is one.
"""
from __future__ import annotations

from functools import cached_property
from typing import Any, cast

from django.core.paginator import Paginator
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

COUNT_CAP = 1000


class CappedPaginator(Paginator):
    # set by Pagination.get_page_number before the count is first read
    requested_page: int = 1
    count_source: Any = None  # the rows to count, when they are not object_list (Pagination.paginate_values)

    @cached_property
    def count_limit(self) -> int:
        return max(COUNT_CAP, self.requested_page * self.per_page) + 1

    @cached_property
    def count(self) -> int:
        object_list: Any = self.object_list if self.count_source is None else self.count_source
        if hasattr(object_list, "count") and hasattr(object_list, "query"):
            query = object_list.query
            if not query.distinct and query.group_by is None and not query.combinator:
                # one row per object: count the keys alone, in any order (the page's columns,
                # joins and annotated subqueries are for its 50 rows, not for the counted ones)
                object_list = object_list.order_by().values("pk")
            # SELECT COUNT(*) FROM (SELECT ... LIMIT n): reads at most n rows
            return int(object_list[: self.count_limit].count())
        return min(len(object_list), self.count_limit)

    @property
    def count_exact(self) -> bool:
        return self.count < self.count_limit


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    django_paginator_class = CappedPaginator
    count_source: Any = None

    def paginate_values(self, queryset: Any, request: Any, view: Any, fields: tuple[str, ...]) -> list[dict[str, Any]]:
        """A page of `queryset.values(*fields)` rows, counted on `queryset` itself: the columns' joins
        are read for the page's rows only."""
        self.count_source = queryset
        return self.paginate_queryset(queryset.values(*fields), request, view)

    def get_page_number(self, request: Any, paginator: Any) -> Any:
        number = request.query_params.get(self.page_query_param) or 1
        try:
            paginator.requested_page = max(1, min(int(number), 10**6))
        except (TypeError, ValueError):
            paginator.requested_page = 1  # Django's paginator refuses it with its own message
        paginator.count_source = self.count_source
        return super().get_page_number(request, paginator)

    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> list[Any]:
        page: list[Any] | None = super().paginate_queryset(queryset, request, view)
        assert page is not None, "page_size is always set, so there is always a page"
        return page

    def get_paginated_response(self, data: Any) -> Response:
        assert self.page is not None, "paginate_queryset runs first"
        paginator = cast(CappedPaginator, self.page.paginator)
        return Response({
            "count": paginator.count,
            "count_exact": paginator.count_exact,
            "next": self.get_next_link(),
            "previous": self.get_previous_link(),
            "results": data,
        })

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        out = super().get_paginated_response_schema(schema)
        out["properties"]["count"]["description"] = (
            f"Exact when count_exact is true; otherwise a lower bound (counting stops after {COUNT_CAP} rows "
            "or just past the page asked for).")
        out["properties"]["count_exact"] = {"type": "boolean"}
        out["required"] = ["count", "count_exact", "results"]
        return out
