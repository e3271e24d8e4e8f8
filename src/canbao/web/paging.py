"""A paginator whose count stops at a cap: counting a city-wide scope of millions of persons exactly
costs seconds on every page, and nobody pages past the first hundreds of results anyway."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.utils.functional import cached_property

COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """Counts at most `cap` rows (one `COUNT(*)` over a `LIMIT cap + 1` subquery); `capped` tells
    the page to say "10000+". Pages beyond the cap are not offered: narrow the search instead.

    The first page is read before anything is counted: when the whole result fits on it (a search by
    ID number, a rare name) its length is the count, and no COUNT query is made."""

    def __init__(self, object_list: Any, per_page: int, cap: int | None = None, **kwargs: Any) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.cap = COUNT_CAP if cap is None else cap
        self.capped = False

    @cached_property
    def count(self) -> int:
        qs = self.object_list
        if hasattr(qs, "order_by"):
            # The order is irrelevant to a count and would make PostgreSQL sort the rows it counts.
            n = qs.order_by()[: self.cap + 1].count()
        else:
            n = len(qs[: self.cap + 1])
        self.capped = n > self.cap
        return min(n, self.cap)

    def get_page(self, number: Any) -> Page:
        first = str(number or "1").strip() == "1"
        if not first or self.orphans or self.cap < self.per_page or not hasattr(self.object_list, "order_by"):
            return super().get_page(number)
        rows = list(self.object_list[: self.per_page + 1])
        if len(rows) <= self.per_page:
            self.__dict__["count"] = len(rows)  # the cached_property's value: the result is all here
            return self._get_page(rows, 1, self)
        self.count  # noqa: B018 - more than a page: count (capped) as any page does
        return self._get_page(rows[: self.per_page], 1, self)
