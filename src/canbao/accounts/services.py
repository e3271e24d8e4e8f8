"""Creating accounts and checking logins (with the lockout of the security rules)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from canbao.accounts.models import User, UserRole
from canbao.accounts.roles import ADMIN_ROLES, validate_role_set
from canbao.audit.services import AuditActor, audit_record
from canbao.divisions.models import Division

MAX_FAILURES = 5
LOCK_MINUTES = 15


class AccountError(Exception):
    """Refused, with a Chinese reason."""


def user_create(
    *, username: str, roles: list[str], node_code: str, password: str, actor: AuditActor, real_name: str = ""
) -> User:
    problem = validate_role_set(roles)
    if problem:
        raise AccountError(problem)
    node = Division.objects.filter(code=node_code).first()
    if node is None:
        raise AccountError(f"区划 {node_code} 不存在（请先导入行政区划）")
    if User.objects.filter(username=username).exists():
        raise AccountError(f"账号 {username} 已存在")
    user = User(username=username, real_name=real_name or username, node=node)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise AccountError("；".join(exc.messages)) from exc
    if set(roles) & ADMIN_ROLES:
        import pyotp

        user.totp_secret = pyotp.random_base32()
    user.set_password(password)
    user.password_changed_at = timezone.now()
    with transaction.atomic():
        user.save()
        UserRole.objects.bulk_create([UserRole(user=user, role=r, granted_by=actor.name) for r in roles])
        audit_record(
            actor=actor,
            action="user_create",
            object_type="user",
            object_ref=username,
            detail={"roles": sorted(roles), "node": node_code},
        )
    return user


def login_attempt(
    request: HttpRequest, *, username: str, password: str, actor: AuditActor
) -> tuple[User | None, str]:
    """(user, "") on success; (None, Chinese reason) otherwise. Every attempt is audited."""
    now = timezone.now()
    with transaction.atomic():
        account = User.objects.select_for_update().filter(username=username).first()
        if account is not None and account.locked_until and account.locked_until > now:
            audit_record(
                actor=actor, action="login", object_type="user", object_ref=username, result="locked"
            )
            minutes = int((account.locked_until - now).total_seconds() // 60) + 1
            return None, f"账号已锁定，请 {minutes} 分钟后再试"
        user = authenticate(request, username=username, password=password)
        if user is None or not user.is_active:
            reason = "用户名或密码错误"
            if account is not None:
                account.failed_logins += 1
                if account.failed_logins >= MAX_FAILURES:
                    account.locked_until = now + dt.timedelta(minutes=LOCK_MINUTES)
                    account.failed_logins = 0
                    reason = f"连续 {MAX_FAILURES} 次登录失败，账号锁定 {LOCK_MINUTES} 分钟"
                account.save(update_fields=["failed_logins", "locked_until"])
            audit_record(
                actor=actor, action="login", object_type="user", object_ref=username, result="failed"
            )
            return None, reason
        assert isinstance(user, User)
        if user.failed_logins or user.locked_until:
            user.failed_logins, user.locked_until = 0, None
            user.save(update_fields=["failed_logins", "locked_until"])
        audit_record(
            actor=AuditActor(username, user.node_id or "", actor.address),
            action="login",
            object_type="user",
            object_ref=username,
        )
    return user, ""
