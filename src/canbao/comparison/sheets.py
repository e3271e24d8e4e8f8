"""Staff exports of a run (XLSX for Excel): masked, formula cells neutralised, scoped and audited.

Unlike `canbao export registry` (an unmasked machine file for the operator), these are for people:
rows come from `results.py` already masked and scoped, and `core.xlsx` neutralises every text cell.
A person list longer than EXPORT_APPROVAL_THRESHOLD rows needs a reviewer's approval (a later issue);
until that flow exists such an export is refused (and the refusal audited).
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from canbao.audit.services import AuditActor, audit_record
from canbao.comparison.models import ComparisonRun
from canbao.comparison.results import RunList, RunRows, RunSummary
from canbao.core.xlsx import Sheet, xlsx_bytes


class ExportRefused(Exception):
    """The export is not allowed as asked; the message (Chinese) says why."""


def export_threshold() -> int:
    return int(settings.CANBAO["EXPORT_APPROVAL_THRESHOLD"])


def run_list_export(*, rows: RunRows, actor: AuditActor) -> tuple[str, bytes]:
    """One list of a run as XLSX: (file name, bytes)."""
    spec: RunList = rows.spec
    run, n = rows.run, rows.count()
    detail = {"run": run.pk, "list": spec.key, "scope": rows.scope.prefix, "rows": n, "masked": True}
    limit = export_threshold()
    if spec.person_list and n > limit:
        with transaction.atomic():
            audit_record(
                actor=actor, action="export", object_type="run_list", object_ref=f"run:{run.pk}:{spec.key}",
                result="refused", detail={**detail, "threshold": limit},
            )  # fmt: skip
        raise ExportRefused(
            f"该名单共 {n} 行，超过 {limit} 行。导出超过 {limit} 行的人员名单需经上一级审核员审批，"
            "审批功能尚未开放；请按区划缩小范围后分批导出。"
        )
    header = [label for _, label in spec.columns]
    body = ([row[key] for key, _ in spec.columns] for row in rows.iter_all())
    data, written = xlsx_bytes([Sheet(spec.title[:31], header, body)])
    with transaction.atomic():
        audit_record(
            actor=actor, action="export", object_type="run_list", object_ref=f"run:{run.pk}:{spec.key}",
            detail={**detail, "rows": written},
        )  # fmt: skip
    return f"比对{run.pk}-{spec.title}-{rows.scope.label}.xlsx", data


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
