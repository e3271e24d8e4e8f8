"""`canbao import --kind KIND --as-of YYYY-MM-DD FILE [--mapping F] [--json]`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from canbao.cli.common import Progress, fail, operator, parse_day, setup_django
from canbao.engine.kinds import KINDS


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "import", help="导入一个数据文件", description="导入一个部门数据文件（CSV/XLSX/Parquet）"
    )
    p.add_argument("--kind", required=True, choices=sorted(KINDS), help="数据类别")
    p.add_argument("--as-of", required=True, type=parse_day, help="数据日期 YYYY-MM-DD")
    p.add_argument("--mapping", type=Path, help="列映射文件（YAML）")
    p.add_argument("--json", action="store_true", help="以 JSON 输出导入报告")
    p.add_argument("file", type=Path)
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    setup_django()
    from canbao.comparison.imports import import_extract
    from canbao.engine.io.errors import ExtractRefused

    progress = Progress(f"导入 {args.file.name}")
    try:
        outcome = import_extract(
            path=args.file,
            kind=args.kind,
            as_of=args.as_of,
            actor=operator(),
            mapping_path=args.mapping,
            progress=progress,
        )
    except ExtractRefused as exc:
        progress.done()
        return fail(f"导入失败：{exc}")
    progress.done()
    if args.json:
        json.dump(outcome.as_json(), sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    if outcome.duplicate_file:
        print(f"{outcome.file}：与已导入的文件完全相同（SHA-256 {outcome.sha256[:16]}…），未重复导入")
        return 0
    print(
        f"{outcome.file}（{outcome.format}{'，' + outcome.encoding if outcome.encoding else ''}）：读取 {outcome.rows_read} 行，接收 {outcome.accepted} 行，拒绝 {outcome.rejected} 行"
    )
    if outcome.id_converted:
        print(f"  15 位身份号码转换为 18 位：{outcome.id_converted} 个")
    if outcome.id_invalid:
        print(f"  无效身份号码（已接收，比对时列为无法关联）：{outcome.id_invalid} 个")
    if outcome.ignored_columns:
        print(f"  忽略的列：{'、'.join(outcome.ignored_columns)}")
    for reject in outcome.rejects[:20]:
        print(f"  [{reject['reason']}] {reject['message']}")
    if outcome.rejected > 20:
        print(f"  ……另有 {outcome.rejected - 20} 行被拒绝，见导入报告")
    return 0
