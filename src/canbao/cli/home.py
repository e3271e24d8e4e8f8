"""`canbao check-home [--fix]`: is $CANBAO_HOME on an encrypted volume, private, the key file elsewhere?"""

from __future__ import annotations

import argparse
import logging
import os

log = logging.getLogger("canbao")


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("check-home", help="检查数据目录：加密卷、权限、密钥文件位置")
    p.add_argument("--fix", action="store_true", help="把权限过宽的目录和文件收紧为 0700/0600")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from canbao.core.homecheck import check_home, tighten

    report = check_home()
    if args.fix and report.loose:
        tighten(report.loose)
        print(f"已收紧 {len(report.loose)} 项的权限")
        report = check_home()
    for line in report.findings:
        print(line)
    return 0 if report.ok else 1


def encrypted_home_guard() -> str | None:
    """At `canbao serve`: the refusal message when CANBAO_REQUIRE_ENCRYPTED_HOME=1 and the home is not
    seen to be encrypted; otherwise None, with a warning in the log for whatever is not as required."""
    from canbao.core.homecheck import check_home

    report = check_home(walk=False)  # start-up stays quick; `check-home` walks the permissions
    if not report.encrypted and os.environ.get("CANBAO_REQUIRE_ENCRYPTED_HOME") == "1":
        return f"拒绝启动：{report.findings[0]}（CANBAO_REQUIRE_ENCRYPTED_HOME=1）"
    for line in report.findings if not report.encrypted or report.key_on_same_volume else []:
        log.warning(line)
    return None
