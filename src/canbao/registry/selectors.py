"""Reading persons: every query goes through the account's jurisdiction scope."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from canbao.accounts.scoping import access_or_404, scope_prefix, scope_queryset
from canbao.core import crypto
from canbao.divisions.models import Division
from canbao.engine.validate.idnumber import check_id
from canbao.registry.models import Person


@dataclass(frozen=True)
class PersonFilters:
    id_number: str = ""
    name: str = ""
    area: str = ""  # a division code under the account's node
    outcome: str = ""

    @property
    def empty(self) -> bool:
        return not (self.id_number or self.name or self.area or self.outcome)


def _code_range(prefix: str) -> dict[str, str]:
    """The 12-digit codes starting with `prefix`, as a range on the placement column.

    The scoping `LIKE 'prefix%'` can only use the `varchar_pattern_ops` index, which cannot give the
    list's order; the (placement, name) index can, but under a non-C collation (C.UTF-8 included)
    PostgreSQL will not turn a LIKE into a range on it, and walks the index from its first entry
    (13 s for the last county of a million persons). Codes are 12 digits, so the range holds exactly
    the codes with the prefix under any collation; the LIKE stays, the range only adds an index bound.
    """
    return {"placement_id__gte": prefix.ljust(12, "0"), "placement_id__lte": prefix.ljust(12, "9")}


def person_list(*, actor: object, filters: PersonFilters) -> QuerySet[Person]:
    qs = scope_queryset(Person.objects.select_related("placement"), actor)
    prefix = scope_prefix(actor)
    if prefix:
        qs = qs.filter(**_code_range(prefix))
    if filters.id_number:
        check = check_id(filters.id_number)
        number = check.normalised or filters.id_number.strip().upper()
        qs = qs.filter(aac002_hash=crypto.lookup_hash(number))
    if filters.name:
        qs = qs.filter(aac003__startswith=filters.name.strip())
    if filters.area:
        # The node's own prefix: stripping zeros would let 320110000000 also match 320111….
        node = Division.objects.filter(code=filters.area).first()
        qs = (
            qs.filter(placement__code__startswith=node.prefix, **_code_range(node.prefix))
            if node
            else qs.none()
        )
    if filters.outcome:
        qs = qs.filter(outcome=filters.outcome)
    return qs.order_by("placement_id", "aac003", "id")


def person_get(*, actor: object, pk: int) -> Person:
    return access_or_404(Person.objects.select_related("placement", "placement__parent"), actor, pk=pk)
