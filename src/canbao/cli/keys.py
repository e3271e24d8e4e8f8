"""`canbao keys status | rotate [--resume] | retire KID`: the field-encryption keys (ADR 0003, 0007)."""

from __future__ import annotations

import argparse
import unicodedata

from canbao.cli.common import Progress, fail, operator, setup_django

PHASE_NAMES = {"persons": "人员", "person_history": "人员变更历史", "unit_history": "单位变更历史"}


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("keys", help="字段加密密钥")
    sub = p.add_subparsers(dest="keys_command", required=True)
    s = sub.add_parser("status", help="密钥、当前密钥、各密钥下仍有多少数据")
    s.set_defaults(handler=status)
    r = sub.add_parser("rotate", help="生成新密钥并用它重新加密全部数据（中断后再次运行即继续）")
    r.add_argument("--resume", action="store_true", help="只继续未完成的轮换，不开始新的轮换")
    r.add_argument("--batch-size", type=int, default=10_000, help="每个事务处理的行数（默认 10000）")
    r.set_defaults(handler=rotate)
    t = sub.add_parser("retire", help="删除不再使用的旧密钥（先确认旧备份不再需要它）")
    t.add_argument("kid", help="密钥编号，如 k1")
    t.set_defaults(handler=retire)


def status(args: argparse.Namespace) -> int:
    setup_django()
    from canbao.core import crypto, keyfile
    from canbao.core.homecheck import check_home
    from canbao.registry.rotation import history_key_counts, pending_rotation, person_key_counts

    ring = crypto.load_keyring()
    persons, history = person_key_counts(), history_key_counts()
    print(f"密钥文件：{crypto.key_file()}")
    print(f"当前密钥：{ring.current}")
    print(_row("密钥", "身份号码", "电话", "人员历史", "单位历史"))
    for kid in sorted(set(ring.keys) | set(persons) | set(history), key=_kid_order):
        p, h = persons.get(kid, {}), history.get(kid, {})
        mark = "（当前）" if kid == ring.current else ("（不在密钥文件中）" if kid not in ring.keys else "")
        counts = (
            p.get("aac002", 0),
            p.get("aae005", 0),
            h.get("person_history", 0),
            h.get("unit_history", 0),
        )
        print(_row(kid, *(str(n) for n in counts)) + f"  {mark}")
    pending = pending_rotation()
    if pending:
        state = keyfile.state_file()
        where = state.read_text() if state.exists() else "尚未开始处理"
        print(f"密钥轮换未完成：目标 {pending['target']}，开始于 {pending['started_at']}；进度 {where}")
        print("请运行 canbao keys rotate --resume 完成轮换。")
    else:
        old = [k for k in ring.keys if k != ring.current and not persons.get(k) and not history.get(k)]
        if old:
            print(f"可停用的旧密钥（数据库中已无数据使用）：{'、'.join(sorted(old, key=_kid_order))}")
    for finding in check_home().findings:
        print(finding)
    return 0


def _row(first: str, *cells: str) -> str:
    """A table row aligned on a terminal, where a Chinese character takes two columns."""

    def width(text: str) -> int:
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)

    return first + " " * (6 - width(first)) + "".join(" " * (12 - width(c)) + c for c in cells)


def _kid_order(kid: str) -> tuple[int, str]:
    digits = kid[1:]
    return (int(digits) if digits.isdigit() else 1 << 30, kid)


def rotate(args: argparse.Namespace) -> int:
    setup_django()
    from canbao.registry.rotation import RotationError
    from canbao.registry.rotation import rotate as rotate_keys

    if args.batch_size < 1:
        return fail("--batch-size 应为正整数")
    bars: dict[str, Progress] = {}

    def progress(phase: str, done: int) -> None:
        bar = bars.get(phase)
        if bar is None:
            bar = bars[phase] = Progress(f"重新加密{PHASE_NAMES.get(phase, phase)}")
        bar(done)

    try:
        result = rotate_keys(
            actor=operator(), batch_size=args.batch_size, resume_only=args.resume, progress=progress
        )
    except RotationError as exc:
        return fail(f"密钥轮换未完成：{exc}")
    finally:
        for bar in bars.values():
            bar.done()
    counts = "，".join(f"{PHASE_NAMES.get(k, k)} {v} 行" for k, v in result.counts.items()) or "无数据"
    verb = "已完成未完成的轮换" if result.resumed else "已完成密钥轮换"
    print(f"{verb}：当前密钥 {result.target}；重新加密 {counts}；用时 {result.seconds:.1f} 秒")
    print("旧密钥仍保留在密钥文件中（旧的数据库备份需要它）；不再需要时用 canbao keys retire 删除。")
    return 0


def retire(args: argparse.Namespace) -> int:
    setup_django()
    from canbao.registry.rotation import RotationError
    from canbao.registry.rotation import retire as retire_key

    try:
        retire_key(kid=args.kid, actor=operator())
    except RotationError as exc:
        return fail(f"不能停用密钥：{exc}")
    print(f"已从密钥文件中删除 {args.kid}。用它加密的旧备份从此无法读取，除非另有密钥文件副本。")
    return 0
