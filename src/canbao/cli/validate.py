"""`canbao validate id NUMBER` and `canbao validate credit-code CODE`."""

from __future__ import annotations

import argparse
import sys

from canbao.engine.validate.creditcode import check_credit_code
from canbao.engine.validate.idnumber import check_id


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("validate", help="校验身份号码或统一社会信用代码")
    sub = p.add_subparsers(dest="validate_command", required=True)
    i = sub.add_parser("id", help="校验公民身份号码（GB 11643）")
    i.add_argument("number")
    i.set_defaults(handler=validate_id)
    c = sub.add_parser("credit-code", help="校验统一社会信用代码（GB 32100）")
    c.add_argument("code")
    c.set_defaults(handler=validate_credit)


def validate_id(args: argparse.Namespace) -> int:
    check = check_id(args.number)
    if not check.valid:
        print(check.message, file=sys.stderr)
        return 1
    print(check.normalised)
    notes = []
    if check.converted_from_15:
        notes.append("由 15 位号码转换为 18 位")
    if check.region_name:
        notes.append(f"地区：{check.region_name}")
    if check.region_note:
        notes.append(check.region_note)
    if notes:
        print("；".join(notes), file=sys.stderr)
    return 0


def validate_credit(args: argparse.Namespace) -> int:
    check = check_credit_code(args.code)
    if not check.valid:
        print(check.message, file=sys.stderr)
        return 1
    print(check.normalised)
    return 0
