"""`canbao report quarterly --period YYYYQn --node CODE --out FILE` (.csv, .xlsx, .pdf)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from canbao.cli.common import fail, operator, setup_django


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("report", help="统计报表")
    sub = p.add_subparsers(dest="report_command", required=True)
    q = sub.add_parser("quarterly", help="全民参保登记基础数据情况表")
    q.add_argument("--period", required=True, help="季度，如 2026Q3")
    q.add_argument("--node", required=True, help="区划代码（12 位）：报表的行为其下级区划")
    q.add_argument("--out", required=True, help="输出文件（.csv、.xlsx 或 .pdf）")
    q.set_defaults(handler=quarterly)


def quarterly(args: argparse.Namespace) -> int:
    setup_django()
    from django.db import transaction

    from canbao.audit.services import audit_record
    from canbao.reports import export
    from canbao.reports.quarters import PeriodError
    from canbao.reports.services import ReportRefused, node_for, quarter_report

    out = Path(args.out)
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".xlsx", ".pdf"):
        return fail("输出文件须为 .csv、.xlsx 或 .pdf")
    try:
        q = quarter_report(node=node_for(None, args.node), period=args.period.upper())
    except (ReportRefused, PeriodError) as exc:
        return fail(str(exc))
    if suffix == ".pdf":
        from canbao.reports.pdf import to_pdf

        out.write_bytes(to_pdf(q))
    else:
        out.write_bytes(export.to_csv(q) if suffix == ".csv" else export.to_xlsx(q))
    with transaction.atomic():
        audit_record(actor=operator(), action="report_quarterly", object_type="division", object_ref=q.node.code,
                     detail={"period": q.period, "run": q.run.pk, "file": out.name})  # fmt: skip
    print(f"已写出 {out}（{len(q.report.rows)} 行 + 合计；比对批次 #{q.run.pk}，基准日 {q.run.as_of}）")
    if q.report.breaches:  # written for inspection, but not fit to submit
        for b in q.report.breaches:
            print(
                f"逻辑关系不符：{b.row} 第 {b.column} 栏，{b.rule}：应为 {b.expected}，实为 {b.actual}",
                file=sys.stderr,
            )
        return 1
    return 0
