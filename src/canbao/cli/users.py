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
    t = sub.add_parser("totp", help="管理员账号的动态验证码：当前验证码和身份验证器的绑定地址")
    t.add_argument("--username", required=True)
    t.set_defaults(handler=totp)


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


def totp(args: argparse.Namespace) -> int:
    """For the operator at the server (who holds the keys anyway) and the demo; audited."""
    setup_django()
    import pyotp
    from django.db import transaction

    from canbao.accounts.models import User
    from canbao.audit.services import audit_record

    user = User.objects.filter(username=args.username).first()
    if user is None or not user.totp_secret:
        return fail(f"账号 {args.username} 不存在或不使用动态验证码")
    code = pyotp.TOTP(user.totp_secret)
    with transaction.atomic():
        audit_record(actor=operator(), action="totp_show", object_type="user", object_ref=user.username)
    print(f"当前验证码：{code.now()}（30 秒内有效，每个验证码只能使用一次）")
    print(f"绑定地址：{code.provisioning_uri(name=user.username, issuer_name='Canbao')}")
    return 0
