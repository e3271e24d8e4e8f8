"""`canbao demo-data`: write the synthetic city (cli.md; engine/synth does the work)."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

DEFAULT_AS_OF = "2026-09-30"


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "demo-data",
        help="生成虚构城市的演示数据（各类源数据文件及 manifest.json）",
        description="按交换格式生成一个虚构城市的全部源数据文件（含有意注入的错误），同一种子生成的文件逐字节相同。",
    )
    p.add_argument("--persons", type=int, default=50_000, help="人数（默认 50000）")
    p.add_argument("--seed", type=int, default=1, help="随机种子（默认 1）")
    p.add_argument("--out", required=True, help="输出目录")
    p.add_argument("--as-of", default=DEFAULT_AS_OF, help=f"数据截止日期 YYYY-MM-DD（默认 {DEFAULT_AS_OF}）")
    p.add_argument(
        "--workers", type=int, default=None, help="并行进程数（默认为 CPU 核数，最多 8；不影响输出）"
    )
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    try:
        as_of = dt.date.fromisoformat(args.as_of)
        if len(args.as_of) != 10:
            raise ValueError
    except ValueError:
        print(f"截止日期格式错误：{args.as_of}（应为 YYYY-MM-DD）", file=sys.stderr)
        return 1
    if args.persons <= 0:
        print("人数必须为正整数", file=sys.stderr)
        return 1
    if args.workers is not None and args.workers <= 0:
        print("并行进程数必须为正整数", file=sys.stderr)
        return 1
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        print(f"输出路径不是目录：{out}", file=sys.stderr)
        return 1
    from canbao.engine.synth import generate  # imported here: other commands need not load pyarrow

    started = time.monotonic()
    tty = sys.stderr.isatty()

    def progress(done: int, total: int) -> None:
        line = f"已生成 {done}/{total} 人（{done * 100 // total}%）"
        if tty:  # a terminal: one line that updates in place
            print(f"\r{line}", end="" if done < total else "\n", file=sys.stderr, flush=True)
        else:
            print(line, file=sys.stderr, flush=True)

    try:
        manifest = generate(out, args.persons, args.seed, as_of, progress=progress, workers=args.workers)
    except OSError as exc:
        print(f"无法写入输出目录 {out}：{exc.strerror or exc}", file=sys.stderr)
        return 1
    files = manifest["files"]
    assert isinstance(files, list)
    rows = sum(f["rows"] for f in files)
    elapsed = time.monotonic() - started
    print(
        f"已写入 {len(files)} 个文件、{rows} 行到 {os.fspath(out)}（清单 manifest.json），用时 {elapsed:.1f} 秒",
        file=sys.stderr,
    )
    return 0
