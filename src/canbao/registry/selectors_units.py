"""Reading units: scoped by their placement like persons.

A unit without a placement (none known anywhere) is shown only to accounts at or above the node the
deployment serves (`comparison.runs.top_node`): a county account must not see units it cannot place
in its county, while the city's own officers must still be able to find and fix them (ADR 0006).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from canbao.accounts.scoping import NotFoundInScope, scope_prefix, scope_queryset
from canbao.divisions.models import Division
from canbao.registry.models import Person, Unit


@dataclass(frozen=True)
class UnitFilters:
    aab998: str = ""  # 统一社会信用代码, exact
    name: str = ""  # part of the unit name
    area: str = ""  # a division code under the account's node

    @property
    def empty(self) -> bool:
        return not (self.aab998 or self.name or self.area)


def _sees_unplaced(prefix: str) -> bool:
    # Late: the comparison app imports the registry.
    from canbao.comparison.runs import CompareRefused, top_node

    try:
        return top_node().prefix.startswith(prefix)
    except CompareRefused:  # no divisions loaded yet: there is nothing to place anything in
        return prefix == ""


def units_in_scope(actor: object) -> QuerySet[Unit]:
    prefix = scope_prefix(actor)
    qs = Unit.objects.select_related("placement")
    if prefix is None or not actor.can("unit.view"):  # type: ignore[attr-defined]
        return qs.none()
    in_tree = Q(placement__code__startswith=prefix)
    return qs.filter(in_tree | Q(placement__isnull=True) if _sees_unplaced(prefix) else in_tree)


def unit_list(*, actor: object, filters: UnitFilters) -> QuerySet[Unit]:
    qs = units_in_scope(actor)
    if filters.aab998:
        qs = qs.filter(aab998=filters.aab998.strip().upper())
    if filters.name:
        qs = qs.filter(aab004__contains=filters.name.strip())
    if filters.area:
        node = Division.objects.filter(code=filters.area).first()
        qs = qs.filter(placement__code__startswith=node.prefix) if node else qs.none()
    return qs.order_by("aab004", "id")


def unit_get(*, actor: object, aab998: str) -> Unit:
    """By the credit code. Missing and out-of-scope raise the same NotFoundInScope."""
    code = aab998.strip().upper()
    unit = units_in_scope(actor).filter(aab998=code).order_by("id").first() if code else None
    if unit is None:
        raise NotFoundInScope()
    return unit


def unit_get_pk(*, actor: object, pk: int) -> Unit:
    """By the internal key: the web's links, which also reach units without a credit code."""
    unit = units_in_scope(actor).filter(pk=pk).first()
    if unit is None:
        raise NotFoundInScope()
    return unit


def unit_employees(*, actor: object, unit: Unit) -> QuerySet[Person]:
    """The persons in the account's scope whose employer is this unit (by credit code)."""
    if not unit.aab998:
        return Person.objects.none()
    qs = scope_queryset(Person.objects.select_related("placement"), actor)
    return qs.filter(employer_aab998=unit.aab998).order_by("placement_id", "aac003", "id")
