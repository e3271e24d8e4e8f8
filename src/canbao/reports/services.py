"""The quarterly report for a node and a quarter, scoped to the account, and column 1 entry."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

from canbao.accounts.scoping import NotFoundInScope
from canbao.audit.services import AuditActor, audit_record
from canbao.comparison.models import ComparisonRun
from canbao.divisions.models import Division
from canbao.engine.report import quarterly
from canbao.reports import quarters
from canbao.reports.models import HukouCount


class ReportRefused(Exception):
    """With a Chinese reason."""


@dataclass
class QuarterReport:
    period: str
    node: Division
    run: ComparisonRun
    areas: list[quarterly.Area]
    report: quarterly.Report

    @property
    def persons_path(self) -> str:
        return str(Path(self.run.result_dir) / "persons.parquet")


def quarter_run(period: str) -> ComparisonRun:
    first, last = quarters.parse(period)
    run = (
        ComparisonRun.objects.filter(published=True, status="done", as_of__gte=first, as_of__lte=last)
        .order_by("-as_of", "-id")
        .first()
    )
    if run is None or not (Path(run.result_dir) / "persons.parquet").is_file():
        raise ReportRefused(f"{period} 没有已入库的比对批次（比对基准日须在 {first} 至 {last} 之间）")
    return run


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
    report = quarterly.compute(str(Path(run.result_dir) / "persons.parquet"), node_prefix=node.prefix,
                               areas=areas, col1=col1, node_name=f"{node.name}合计")  # fmt: skip
    return QuarterReport(period, node, run, areas, report)


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
