"""`canbao user create --username U --role ROLE [--role ROLE …] --node CODE --password P`."""

from __future__ import annotations

import argparse

from canbao.accounts.roles import ROLES
from canbao.cli.common import fail, operator, setup_django


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("user", help="账号管理")
    sub = p.add_subparsers(dest="user_command", required=True)
    c = sub.add_parser("create", help="创建账号")
    c.add_argument("--username", required=True)
    c.add_argument("--role", action="append", required=True, choices=sorted(ROLES), help="角色（可多次指定）")
    c.add_argument("--node", required=True, help="所属区划代码（12 位）")
    c.add_argument("--password", required=True)
    c.add_argument("--real-name", default="", help="实名")
    c.set_defaults(handler=create)


def create(args: argparse.Namespace) -> int:
    setup_django()
    from canbao.accounts.services import AccountError, user_create

    try:
        user = user_create(
            username=args.username,
            roles=args.role,
            node_code=args.node,
            password=args.password,
            actor=operator(),
            real_name=args.real_name,
        )
    except AccountError as exc:
        return fail(f"创建账号失败：{exc}")
    print(f"已创建账号 {user.username}（{'、'.join(user.role_names)}，{user.node.name}）")
    if user.totp_secret:
        print(f"TOTP 密钥：{user.totp_secret}")
    return 0
