"""`canbao export registry --out FILE`."""

from __future__ import annotations

import argparse
from pathlib import Path

from canbao.cli.common import fail, operator, setup_django


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("export", help="导出数据")
    sub = p.add_subparsers(dest="export_command", required=True)
    r = sub.add_parser("registry", help="导出全民参保登记库（最近一次入库的比对结果，未脱敏，记审计）")
    r.add_argument("--out", required=True, type=Path, help="输出文件：.csv（UTF-8 BOM）、.xlsx 或 .parquet")
    r.set_defaults(handler=registry)


def registry(args: argparse.Namespace) -> int:
    setup_django()
    from django.db import transaction

    from canbao.comparison.export import export_registry
    from canbao.comparison.runs import CompareRefused

    try:
        with transaction.atomic():
            rows = export_registry(out=args.out, actor=operator())
    except CompareRefused as exc:
        return fail(f"导出失败：{exc}")
    print(f"已导出 {rows} 人到 {args.out}")
    return 0
