"""Staff exports of a run (XLSX for Excel): masked, formula cells neutralised, scoped and audited.

Unlike `canbao export registry` (an unmasked machine file for the operator), these are for people:
rows come from `results.py` already masked and scoped, and `core.xlsx` neutralises every text cell.
The run's person lists are exported through `canbao.exports` (lists.py: "run_list"), where a list
longer than EXPORT_APPROVAL_THRESHOLD rows needs a higher-level reviewer's approval (ADR 0008).
"""

from __future__ import annotations

from django.db import transaction

from canbao.audit.services import AuditActor, audit_record
from canbao.comparison.models import ComparisonRun
from canbao.comparison.results import RunSummary
from canbao.core.xlsx import Sheet, xlsx_bytes


def run_summary_export(
    *, run: ComparisonRun, summary: RunSummary, scope_label: str, scope_prefix: str, actor: AuditActor
) -> tuple[str, bytes]:
    """The summary page as XLSX: counts by category and by area (aggregates, no person rows)."""
    overview: list[list[object]] = [
        ["登记对象", "", "合计", summary.persons],
        ["信息完整", "", "合计", summary.complete],
    ]
    for title, items in (
        ("入库结果", summary.outcome), ("登记对象类别", summary.population_group),
        ("异常标识", summary.flags), ("调查原因", summary.reasons),
    ):  # fmt: skip
        overview += [[title, code, name, n] for code, name, n in items]
    overview += [
        ["疑似死亡后继续参保", "", "人数", summary.deceased],
        ["用人单位", "", "合计", summary.units],
        ["用人单位", "", "需调查", summary.units_needing_survey],
    ]
    if summary.unlinked is not None:
        overview.append(["无法关联的记录", "", "行数", summary.unlinked])
    areas = ([a.code, a.name, a.persons, *a.outcomes, a.complete] for a in summary.areas)
    outcome_names = [name for _, name, _ in summary.outcome]
    data, _ = xlsx_bytes(
        [
            Sheet("概况", ["类别", "代码", "名称", "数量"], overview),
            Sheet("按区划统计", ["区划代码", "区划名称", "登记对象", *outcome_names, "信息完整"], areas),
        ]
    )
    with transaction.atomic():
        audit_record(
            actor=actor, action="export", object_type="run_summary", object_ref=f"run:{run.pk}",
            detail={"run": run.pk, "scope": scope_prefix, "rows": len(summary.areas), "masked": True},
        )  # fmt: skip
    return f"比对{run.pk}-统计-{scope_label}.xlsx", data
