"""`canbao audit verify`."""

from __future__ import annotations

import argparse

from canbao.cli.common import fail, setup_django


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("audit", help="审计日志")
    sub = p.add_subparsers(dest="audit_command", required=True)
    v = sub.add_parser("verify", help="校验审计日志的完整性")
    v.set_defaults(handler=verify)


def verify(args: argparse.Namespace) -> int:
    setup_django()
    from canbao.audit.verify import verify_chain

    finding = verify_chain()
    if not finding.ok:
        return fail(finding.message)
    print(finding.message)
    return 0
