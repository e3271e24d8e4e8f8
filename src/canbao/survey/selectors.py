"""Reading campaigns, targets and progress, within the account's jurisdiction."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet

from canbao.accounts.models import User
from canbao.divisions.models import Division
from canbao.registry.models import Person
from canbao.survey.models import Campaign, Target
from canbao.survey.workflow import sees_all_targets

GOAL_RATE, GOAL_COMPLETE = 0.90, 0.80  # seeds/000 附件11: 登记率 90 %, 数据完整度 80 %


def campaigns_visible(*, user: User) -> QuerySet[Campaign]:
    """Campaigns whose area contains the account's node or lies under it."""
    if user.node is None:
        return Campaign.objects.none()
    prefix = user.node.prefix
    ancestors = [prefix[:n] for n in range(1, len(prefix) + 1)]
    return Campaign.objects.filter(
        Q(node__prefix__in=ancestors) | Q(node__prefix__startswith=prefix)
    ).select_related("node", "run")


def targets_of(
    *, user: User, campaign: Campaign, village: str = "", state: str = "", team: int | None = None
) -> QuerySet[Target]:
    if user.node is None:
        return Target.objects.none()
    qs = Target.objects.filter(campaign=campaign, village__code__startswith=user.node.prefix)
    if not sees_all_targets(user):
        qs = qs.filter(team__members=user)  # a surveyor: its teams' targets only
    if village:
        node = Division.objects.filter(code=village).first()
        qs = qs.filter(village__code__startswith=node.prefix) if node else qs.none()
    if state:
        qs = qs.filter(state=state)
    if team:
        qs = qs.filter(team_id=team)
    return qs.select_related("person", "unit", "village", "team").order_by(
        "village_id", "kind", "person__aac003", "id"
    )


@dataclass
class Progress:
    code: str
    name: str
    targets: int = 0
    done: int = 0  # a form was entered (any state but pending)
    submitted: int = 0  # waiting for a review (初审 or 审定)
    returned: int = 0
    accepted: int = 0
    persons: int = 0  # |P| placed there
    registered: int = 0  # outcome 1, 2, 3 or 5
    complete: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def rate(self) -> float | None:
        return self.registered / self.persons if self.persons else None

    @property
    def completeness(self) -> float | None:
        return self.complete / self.persons if self.persons else None

    @property
    def meets_goals(self) -> bool:
        return (
            bool(self.persons) and (self.rate or 0) >= GOAL_RATE and (self.completeness or 0) >= GOAL_COMPLETE
        )


def progress(*, user: User, campaign: Campaign, node: Division) -> tuple[Progress, list[Progress]]:
    """Totals for `node` and one row per child node (village rows at a township), as in seeds/002."""
    children = list(node.children.order_by("code"))
    rows = {c.code: Progress(c.code, c.name) for c in children}
    own = Progress(node.code, f"{node.name}本级")
    total = Progress(node.code, f"{node.name}合计")

    def row_for(code: str) -> Progress:
        for child in children:
            if code.startswith(child.prefix):
                return rows[child.code]
        return own

    targets = (
        Target.objects.filter(campaign=campaign, village__code__startswith=node.prefix)
        .values("village_id", "state").annotate(n=Count("id"))
    )  # fmt: skip
    for t in targets:
        for r in (row_for(t["village_id"]), total):
            r.targets += t["n"]
            if t["state"] != "pending":
                r.done += t["n"]
            if t["state"] in ("submitted", "township_passed", "county_returned"):
                r.submitted += t["n"]
            if t["state"] == "returned":
                r.returned += t["n"]
            if t["state"] == "accepted":
                r.accepted += t["n"]
    persons = (
        Person.objects.filter(in_population=True, placement__code__startswith=node.prefix)
        .values("placement_id")
        .annotate(n=Count("id"), reg=Count("id", filter=Q(outcome__in=(1, 2, 3, 5))),
                  full=Count("id", filter=Q(complete=True)))
    )  # fmt: skip
    for p in persons:
        for r in (row_for(p["placement_id"]), total):
            r.persons += p["n"]
            r.registered += p["reg"]
            r.complete += p["full"]
    listed = [rows[c.code] for c in children]
    if own.targets or own.persons:
        listed.append(own)
    return total, listed
