"""`canbao compare --as-of YYYY-MM-DD [--backend duckdb|spark]`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from canbao.cli.common import fail, operator, parse_day, setup_django


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("compare", help="运行信息比对并入库")
    p.add_argument("--as-of", required=True, type=parse_day, help="比对基准日 YYYY-MM-DD")
    p.add_argument("--backend", choices=["duckdb", "spark"], default="duckdb")
    p.add_argument("--rules", type=Path, help="入库规则文件（YAML，默认为 comparison-rules.md 的规则）")
    p.add_argument("--json", action="store_true", help="以 JSON 输出统计")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    setup_django()
    from canbao.comparison.runs import CompareRefused, comparison_run

    def progress(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    try:
        result = comparison_run(
            as_of=args.as_of, actor=operator(), backend=args.backend, rules_path=args.rules, progress=progress
        )
    except CompareRefused as exc:
        return fail(f"比对未运行：{exc}")
    if args.json:
        import json

        json.dump(
            {"run": result.pk, "counts": result.counts, "published": result.publish_counts},
            sys.stdout,
            ensure_ascii=False,
        )
        print()
        return 0
    print_summary(result)
    return 0


def print_summary(run) -> None:  # type: ignore[no-untyped-def]
    from canbao.engine.codes import code_name

    c = run.counts
    print(
        f"比对 #{run.pk}（基准日 {run.as_of}，规则 {run.rules_version}，{run.backend}）：登记对象 {c['persons']} 人"
    )
    print(
        "按入库结果："
        + "，".join(f"{k} {code_name('outcome', k) or ''} {v}" for k, v in c["outcome"].items())
    )
    print("按登记对象类别：" + "，".join(f"{k} {v}" for k, v in c["population_group"].items()))
    print("异常标识：" + "，".join(f"{k} {v}" for k, v in c["flags"].items()))
    print("调查原因：" + "，".join(f"{k} {v}" for k, v in c["survey_reasons"].items()))
    print(
        f"信息完整 {c['complete']}；疑似死亡后继续参保 {c['deceased_active']} 人；无法关联 {c['unlinked']} 行；单位 {c['units']}（需调查 {c['units_needing_survey']}）"
    )
    p = run.publish_counts
    print(f"入库：新增 {p['created']}，变更 {p['changed']}，未变 {p['unchanged']}，移出 {p['left']}")
