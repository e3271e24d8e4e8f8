"""Reading persons: every query goes through the account's jurisdiction scope."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from canbao.accounts.scoping import access_or_404, code_range, scope_queryset
from canbao.core import crypto
from canbao.divisions.models import Division
from canbao.engine.validate.idnumber import check_id
from canbao.registry.models import STATUS_FIELDS, Person


@dataclass(frozen=True)
class PersonFilters:
    id_number: str = ""
    name: str = ""
    area: str = ""  # a division code under the account's node
    outcome: str = ""
    status_field: str = ""  # one of STATUS_FIELDS (aic003 …); others are ignored
    status_code: str = ""  # the enrollment status code in that line
    flag: str = ""  # one anomaly flag code (DUP_PENSION …)

    @property
    def status(self) -> tuple[str, str] | None:
        """(field, code) when both are given and the field is a status column."""
        field = self.status_field.lower()
        return (field, self.status_code) if field in STATUS_FIELDS and self.status_code else None

    @property
    def empty(self) -> bool:
        return not (self.id_number or self.name or self.area or self.outcome or self.status or self.flag)


def person_list(*, actor: object, filters: PersonFilters) -> QuerySet[Person]:
    # The names of the page's places in a second, tiny query: a join here lets a misestimate pick a
    # nested loop over all 2,400 divisions (1.5 M rows compared for one page of names).
    qs = scope_queryset(Person.objects.prefetch_related("placement"), actor)
    if filters.id_number:
        check = check_id(filters.id_number)
        number = check.normalised or filters.id_number.strip().upper()
        # During a key rotation a person not yet re-hashed is under the old index key (ADR 0007).
        qs = qs.filter(aac002_hash__in=crypto.lookup_hash_variants(number))
    if filters.name:
        qs = qs.filter(aac003__startswith=filters.name.strip())
    if filters.area:
        # The node's own prefix: stripping zeros would let 320110000000 also match 320111….
        # A range like the scope's, so that the (placement, name) index gives the page in order.
        node = Division.objects.filter(code=filters.area).first()
        qs = qs.filter(**code_range("placement_id", node.prefix)) if node else qs.none()
    if filters.outcome:
        qs = qs.filter(outcome=filters.outcome)
    if filters.status:
        field, code = filters.status
        qs = qs.filter(**{field: code})
    if filters.flag:
        qs = qs.filter(flag_q(filters.flag))
    return qs.order_by("placement_id", "aac003", "id")


def person_get(*, actor: object, pk: int) -> Person:
    return access_or_404(Person.objects.select_related("placement", "placement__parent"), actor, pk=pk)


def flag_q(flag: str) -> Q:
    """One code inside the `;`-joined `flags` (as the comparison writes them): whole codes only, so
    DUP_PENSION does not also match DUP_BENEFIT_PENSION."""
    code = flag.strip()
    return (
        Q(flags=code)
        | Q(flags__startswith=f"{code};")
        | Q(flags__endswith=f";{code}")
        | Q(flags__contains=f";{code};")
    )


def person_get_by_number(*, actor: object, id_number: str) -> Person:
    """By the full ID number (15-digit numbers normalised), through the look-up hash: never decrypts."""
    check = check_id(id_number)
    number = check.normalised or id_number.strip().upper()
    return access_or_404(
        Person.objects.select_related("placement", "placement__parent"),
        actor,
        aac002_hash=crypto.lookup_hash(number),
    )
