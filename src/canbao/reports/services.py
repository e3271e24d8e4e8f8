"""The quarterly report for a node and a quarter, scoped to the account, and column 1 entry."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Count, QuerySet

from canbao.accounts.scoping import NotFoundInScope
from canbao.audit.services import AuditActor, audit_record
from canbao.comparison.models import ComparisonRun
from canbao.divisions.models import Division
from canbao.engine.report import dashboard, quarterly
from canbao.engine.report.dashboard import Figures
from canbao.reports import quarters
from canbao.reports.models import HukouCount

TREND_RUNS = 8
TREND_QUARTERS = 8  # two years of quarterly reports on the dashboard


class ReportRefused(Exception):
    """With a Chinese reason."""


@dataclass
class QuarterReport:
    period: str
    node: Division
    run: ComparisonRun
    areas: list[quarterly.Area]
    col1: dict[str, int]

    @property
    def persons_path(self) -> str:
        return persons_of(self.run)

    @cached_property
    def report(self) -> quarterly.Report:
        """Computed when first asked for: a drill-down page needs the run and the areas, not the report."""
        return quarterly.compute(self.persons_path, node_prefix=self.node.prefix, areas=self.areas,
                                 col1=self.col1, node_name=f"{self.node.name}合计")  # fmt: skip


def _reportable() -> QuerySet[ComparisonRun]:
    """Published runs, the one a quarter's report is made from first: the latest as-of date, then the
    latest run of that date."""
    return ComparisonRun.objects.filter(published=True, status="done").order_by("-as_of", "-id")


def persons_of(run: ComparisonRun) -> str:
    return str(Path(run.result_dir) / "persons.parquet")


def _has_persons(run: ComparisonRun) -> bool:
    return Path(persons_of(run)).is_file()


def quarter_run(period: str) -> ComparisonRun:
    first, last = quarters.parse(period)
    run = _reportable().filter(as_of__gte=first, as_of__lte=last).first()
    if run is None or not _has_persons(run):
        raise ReportRefused(f"{period} 没有已入库的比对批次（比对基准日须在 {first} 至 {last} 之间）")
    return run


def quarter_runs(*, count: int = TREND_QUARTERS) -> list[tuple[str, ComparisonRun | None]]:
    """The quarters up to the latest with a report, at most `count`, oldest first, each with the run its
    report is made from (as quarter_run picks it) or None where it has no report: a gap is shown as one,
    not closed up. Quarters before the first with a report are left out."""
    latest = _reportable().only("as_of").first()
    if latest is None:
        return []
    periods = [quarters.of(latest.as_of)]
    while len(periods) < count:
        periods.append(quarters.previous(periods[-1]))
    picked: dict[str, ComparisonRun] = {}
    for run in _reportable().filter(as_of__gte=quarters.parse(periods[-1])[0]):
        picked.setdefault(quarters.of(run.as_of), run)  # the first of its quarter in this order
    out: list[tuple[str, ComparisonRun | None]] = []
    for period in reversed(periods):
        run = picked.get(period)  # without its files, quarter_run refuses the quarter: no report
        out.append((period, run if run is not None and _has_persons(run) else None))
    while out and out[0][1] is None:
        out.pop(0)
    while out and out[-1][1] is None:
        out.pop()
    return out


@dataclass
class NodeCounts:
    run: ComparisonRun | None  # the run counted, or None: the registry itself
    total: int
    by_child: dict[str, int]  # child code → persons


def node_person_counts(node: Division) -> NodeCounts:
    """Persons of P under the node and under each child, as the latest published run placed them.

    Counting the registry groups every person under the node: ~8 s for a city of 10 M. The run's
    per-area counts give the same numbers as of that run (a survey or change registration since then
    shows in the next run). Before any published run: the registry itself (persons entered by hand)."""
    from canbao.comparison.runs import latest_published_run
    from canbao.registry.models import Person

    children = [quarterly.Area(c.code, c.name, c.prefix) for c in node.children.order_by("code")]
    run = latest_published_run()
    if run is not None and run.status == "done" and _has_persons(run):
        total, by_child = dashboard.persons_per_area(persons_of(run), node_prefix=node.prefix, areas=children)
        return NodeCounts(run, total, by_child)
    counted = NodeCounts(None, 0, {})
    per_place = (
        Person.objects.filter(in_population=True, placement__code__startswith=node.prefix)
        .values("placement_id").annotate(n=Count("id")).values_list("placement_id", "n")
    )  # fmt: skip
    for place, n in per_place:
        counted.total += n
        child = next((c for c in children if place.startswith(c.prefix)), None)
        if child is not None:
            counted.by_child[child.code] = counted.by_child.get(child.code, 0) + n
    return counted


def node_for(user: Any, code: str) -> Division:
    """The node, if the account may report on it (under its own node); operators (user None) any."""
    node = Division.objects.filter(code=code.strip()[:12]).first()
    if user is not None:
        own = getattr(user, "node", None)
        if (
            own is None
            or not user.can("report.view")
            or node is None
            or not node.prefix.startswith(own.prefix)
        ):
            raise NotFoundInScope()
    if node is None:
        raise ReportRefused(f"区划 {code} 不存在")
    return node


def areas_of(node: Division) -> list[quarterly.Area]:
    areas = [quarterly.Area(c.code, c.name, c.prefix) for c in node.children.order_by("code")]
    areas.append(quarterly.Area(node.code, f"{node.name}本级", "", own=True))
    return areas


def quarter_report(*, node: Division, period: str) -> QuarterReport:
    run = quarter_run(period)
    areas = areas_of(node)
    col1 = dict(
        HukouCount.objects.filter(period=period, node_id__in=[a.code for a in areas]).values_list(
            "node_id", "count"
        )
    )
    return QuarterReport(period, node, run, areas, col1)


def hukou_count_set(*, user: Any, node: Division, period: str, count: int, actor: AuditActor) -> None:
    if not user.can("report.quarterly"):
        raise NotFoundInScope()
    quarters.parse(period)
    if count < 0:
        raise ReportRefused("户籍人口数不能为负数")
    with transaction.atomic():
        HukouCount.objects.update_or_create(
            node=node, period=period, defaults={"count": count, "entered_by": user.username}
        )
        audit_record(actor=actor, action="hukou_count", object_type="division", object_ref=node.code,
                     detail={"period": period, "count": count})  # fmt: skip


@dataclass
class Trends:
    """A node over time: per run (the latest runs, by id) and per quarter (the run of its report)."""

    runs: list[tuple[ComparisonRun, Figures]]
    quarters: list[tuple[str, ComparisonRun | None, Figures | None]]


def dashboard_runs() -> list[ComparisonRun]:
    """The latest published runs with their files, newest first; the first is the dashboard's."""
    return [r for r in ComparisonRun.objects.filter(published=True, status="done").order_by("-id")[:TREND_RUNS]
            if _has_persons(r)]  # fmt: skip


def dashboard_trends(*, node: Division, runs: list[ComparisonRun]) -> Trends:
    by_quarter = quarter_runs()
    # A quarter's run is usually one of the latest runs too: each run's figures are computed once.
    paths = {r.pk: persons_of(r) for r in [*runs, *(r for _p, r in by_quarter if r)]}
    figures = dict(dashboard.run_trend(list(paths.items()), node_prefix=node.prefix))
    return Trends(
        [(r, figures[r.pk]) for r in reversed(runs)],
        [(p, r, figures[r.pk] if r else None) for p, r in by_quarter],
    )
