"""Jurisdiction scoping: the one place that decides what an account may see.

Every selector, page, API, export and job filters through `scope_queryset` or fetches through
`access_or_404`. Objects outside the account's node, and missing objects, raise the same
`NotFoundInScope`, which views turn into the same 404 page: nothing leaks about what exists elsewhere.
"""

from __future__ import annotations

from typing import Protocol, TypeVar

from django.db.models import Model, QuerySet
from django.http import Http404

from canbao.accounts.roles import PERSON_DATA_CAPS

M = TypeVar("M", bound=Model)


class NotFoundInScope(Http404):
    """Missing, or outside the jurisdiction: deliberately indistinguishable."""

    def __init__(self) -> None:
        super().__init__("未找到该记录")


class ScopedActor(Protocol):
    @property
    def scope_prefix(self) -> str | None: ...  # None: sees nothing; "": the whole tree (CLI operator)

    def can(self, capability: str) -> bool: ...


def scope_prefix(user: object) -> str | None:
    """The code prefix an account may see, or None when it may see no person data at all."""
    node = getattr(user, "node", None)
    if not getattr(user, "is_authenticated", False) or node is None:
        return None
    if getattr(user, "is_admin_role", False):
        return None  # 三员分立: the admin roles never see person data
    if not any(user.can(cap) for cap in PERSON_DATA_CAPS | {"survey.assigned"}):  # type: ignore[attr-defined]
        return None
    return node.prefix


def code_range(field: str, prefix: str) -> dict[str, str]:
    """The division codes under `prefix`, as a closed range on `field` rather than `LIKE 'prefix%'`.

    Division codes are 12 digits, so the two select the same rows under any collation. The range
    is what PostgreSQL can use with an ordinary index under a non-C collation (C.UTF-8 included) —
    a LIKE cannot, so a list ordered by placement walked its index from the first entry — and it
    estimates two ranges on one column (the jurisdiction and a chosen area) by the tighter one,
    where a LIKE beside a range multiplies them down to "1 row" and a bad plan.
    """
    return {f"{field}__gte": prefix, f"{field}__lte": prefix.ljust(12, "9")}


def scope_queryset(qs: QuerySet[M], user: object, *, field: str = "placement__code") -> QuerySet[M]:
    prefix = scope_prefix(user)
    if prefix is None:
        return qs.none()
    return qs.filter(**code_range(field, prefix))


def access_or_404(qs: QuerySet[M], user: object, *, field: str = "placement__code", **lookup: object) -> M:
    """Fetch-and-authorise in one step (as Zulip's access_* helpers)."""
    obj = scope_queryset(qs, user, field=field).filter(**lookup).first()
    if obj is None:
        raise NotFoundInScope()
    return obj
