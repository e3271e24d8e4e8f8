"""`canbao survey print --village CODE --out FILE.pdf [--campaign ID]`."""

from __future__ import annotations

import argparse
from pathlib import Path

from canbao.cli.common import Progress, fail, operator, setup_django


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("survey", help="入户调查")
    sub = p.add_subparsers(dest="survey_command", required=True)
    pr = sub.add_parser(
        "print",
        help="打印一个村（社区）全部当前调查对象的全民参保登记表（一个 PDF，身份证号码和电话脱敏，记审计）",
    )
    pr.add_argument("--village", required=True, help="村（社区）的 12 位行政区划代码")
    pr.add_argument("--out", required=True, type=Path, help="输出的 PDF 文件")
    pr.add_argument("--campaign", type=int, help="入户调查编号（默认：最近一次入库的比对结果）")
    pr.set_defaults(handler=print_forms)


def print_forms(args: argparse.Namespace) -> int:
    if args.out.suffix.lower() != ".pdf":
        return fail("输出文件应为 .pdf")
    if not args.out.parent.is_dir():
        return fail(f"目录不存在：{args.out.parent}")
    setup_django()
    from canbao.survey.errors import SurveyError
    from canbao.survey.printing.service import PrintRefused, village_print
    from canbao.survey.printing.source import village_for_operator

    try:
        doc = village_for_operator(village_code=args.village.strip(), campaign_id=args.campaign)
        progress = Progress("登记表", total=len(doc.persons) + len(doc.units))
        _name, data = village_print(doc=doc, output="forms", actor=operator(), progress=progress)
    except (SurveyError, PrintRefused) as exc:
        return fail(f"打印失败：{exc}")
    progress.done()
    tmp = args.out.with_name(args.out.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(args.out)  # a half-written PDF never carries the final name
    print(
        f"已生成 {args.out}：{doc.area.village}（{doc.area.code}）{len(doc.persons)} 人、{len(doc.units)} 个单位，"
        f"来源：{doc.source_label}"
    )
    return 0
