"""Account management by the admin roles, 三员分立:

- 系统管理员 (users.manage): creates accounts (no roles), activates/deactivates, unlocks, resets
  passwords;
- 安全管理员 (roles.assign): assigns roles and the jurisdiction node;
- nobody changes their own account here, and each admin acts only on accounts under their own node.
"""

from __future__ import annotations

import secrets
import string

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet

from canbao.accounts.models import User, UserRole
from canbao.accounts.roles import ADMIN_ROLES, validate_role_set
from canbao.accounts.scoping import NotFoundInScope
from canbao.accounts.services import AccountError
from canbao.audit.services import AuditActor, audit_record
from canbao.divisions.models import Division

MANAGE_CAPS = ("users.manage", "roles.assign", "users.view")


def accounts_visible(*, admin: User) -> QuerySet[User]:
    """Accounts under the admin's node (the admin's own included, read-only)."""
    if admin.node is None or not any(admin.can(c) for c in MANAGE_CAPS):
        return User.objects.none()
    return (
        User.objects.filter(node__code__startswith=admin.node.prefix)
        .select_related("node")
        .prefetch_related("roles")
        .order_by("node_id", "username")
    )


def account_get(*, admin: User, pk: int) -> User:
    account = accounts_visible(admin=admin).filter(pk=pk).first()
    if account is None:
        raise NotFoundInScope()
    return account


def _node_under(admin: User, code: str) -> Division:
    node = Division.objects.filter(code=code.strip()[:12]).first()
    if node is None or admin.node is None or not node.prefix.startswith(admin.node.prefix):
        raise AccountError(f"区划 {code} 不存在或不在本账号管辖范围内")
    return node


def _not_self(admin: User, account: User) -> None:
    if admin.pk == account.pk:
        raise AccountError("不能修改本人账号（须由另一名管理员办理）")


def temporary_password() -> str:
    """Meets the password rules; the account must replace it at first login (policy.password_expired)."""
    alphabet = string.ascii_letters + string.digits
    body = "".join(secrets.choice(alphabet) for _ in range(10))
    return f"{body}#{secrets.choice(string.digits)}{secrets.choice(string.ascii_uppercase)}"


def account_create(
    *, admin: User, username: str, real_name: str, node_code: str, actor: AuditActor
) -> tuple[User, str]:
    """A new account without roles (the security admin grants them) and a one-time password."""
    if not admin.can("users.manage"):
        raise NotFoundInScope()
    username = username.strip()
    if not username or len(username) > 150 or not all(c.isalnum() or c in "._-" for c in username):
        raise AccountError("用户名只能由字母、数字和 . _ - 组成，且不超过 150 个字符")
    if not real_name.strip():
        raise AccountError("请填写实名（真实姓名）")
    if User.objects.filter(username=username).exists():
        raise AccountError(f"账号 {username} 已存在")
    node = _node_under(admin, node_code)
    password = temporary_password()
    user = User(username=username, real_name=real_name.strip()[:50], node=node, password_changed_at=None)
    try:
        validate_password(password, user)
    except ValidationError as exc:  # pragma: no cover - temporary_password always passes
        raise AccountError("；".join(exc.messages)) from exc
    user.set_password(password)
    with transaction.atomic():
        user.save()
        audit_record(actor=actor, action="user_create", object_type="user", object_ref=username,
                     detail={"node": node.code, "roles": []})  # fmt: skip
    return user, password


def account_set_active(*, admin: User, account: User, active: bool, actor: AuditActor) -> None:
    if not admin.can("users.manage"):
        raise NotFoundInScope()
    _not_self(admin, account)
    with transaction.atomic():
        account.is_active = active
        account.save(update_fields=["is_active"])
        audit_record(actor=actor, action="user_activate" if active else "user_deactivate",
                     object_type="user", object_ref=account.username)  # fmt: skip


def account_unlock(*, admin: User, account: User, actor: AuditActor) -> None:
    if not admin.can("users.manage"):
        raise NotFoundInScope()
    with transaction.atomic():
        account.failed_logins, account.locked_until = 0, None
        account.save(update_fields=["failed_logins", "locked_until"])
        audit_record(actor=actor, action="user_unlock", object_type="user", object_ref=account.username)


def account_reset_password(*, admin: User, account: User, actor: AuditActor) -> str:
    if not admin.can("users.manage"):
        raise NotFoundInScope()
    _not_self(admin, account)
    password = temporary_password()
    with transaction.atomic():
        account.set_password(password)
        account.password_changed_at = None  # must be replaced at the next login
        account.save(update_fields=["password", "password_changed_at"])
        audit_record(actor=actor, action="password_reset", object_type="user", object_ref=account.username)
    return password


def account_assign(
    *, admin: User, account: User, roles: list[str], node_code: str, actor: AuditActor
) -> None:
    """Roles and jurisdiction node, together, by the security admin."""
    if not admin.can("roles.assign"):
        raise NotFoundInScope()
    _not_self(admin, account)
    roles = sorted(set(roles))
    problem = validate_role_set(roles) if roles else None
    if problem:
        raise AccountError(problem)
    node = _node_under(admin, node_code)
    before = {"roles": account.role_keys, "node": account.node_id}
    with transaction.atomic():
        account.node = node
        account.save(update_fields=["node"])
        UserRole.objects.filter(user=account).exclude(role__in=roles).delete()
        have = set(UserRole.objects.filter(user=account).values_list("role", flat=True))
        UserRole.objects.bulk_create(
            [UserRole(user=account, role=r, granted_by=actor.name) for r in roles if r not in have]
        )
        if set(roles) & ADMIN_ROLES and not account.totp_secret:
            import pyotp

            account.totp_secret = pyotp.random_base32()
            account.save(update_fields=["totp_secret"])
        audit_record(actor=actor, action="roles_assign", object_type="user", object_ref=account.username,
                     detail={"before": before, "after": {"roles": roles, "node": node.code}})  # fmt: skip
    account._role_keys = None  # type: ignore[attr-defined]
