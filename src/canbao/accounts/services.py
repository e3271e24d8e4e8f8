"""Creating accounts and checking logins (with the lockout of the security rules)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from canbao.accounts import policy
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
                reason = _count_failure(account, now) or reason
            audit_record(
                actor=actor, action="login", object_type="user", object_ref=username, result="failed"
            )
            return None, reason
        assert isinstance(user, User)
        second = policy.needs_second_factor(user)
        # With a second factor owed, the failure count stays until the code is right: otherwise a
        # known password would reset the lockout between guesses of the code.
        if not second and (user.failed_logins or user.locked_until):
            user.failed_logins, user.locked_until = 0, None
            user.save(update_fields=["failed_logins", "locked_until"])
        audit_record(
            actor=AuditActor(username, user.node_id or "", actor.address),
            action="login",
            object_type="user",
            object_ref=username,
            result="totp_pending" if second else "ok",
        )
    return user, ""


def _count_failure(account: User, now: dt.datetime) -> str:
    """One more failed attempt (password or second factor); locks at MAX_FAILURES."""
    account.failed_logins += 1
    reason = ""
    if account.failed_logins >= MAX_FAILURES:
        account.locked_until = now + dt.timedelta(minutes=LOCK_MINUTES)
        account.failed_logins = 0
        reason = f"连续 {MAX_FAILURES} 次登录失败，账号锁定 {LOCK_MINUTES} 分钟"
    account.save(update_fields=["failed_logins", "locked_until"])
    return reason


def totp_verify(*, user_id: int, code: str, actor: AuditActor) -> tuple[User | None, str]:
    """The second factor of an admin account. Wrong codes count towards the same lockout."""
    import pyotp

    now = timezone.now()
    with transaction.atomic():
        account = User.objects.select_for_update().filter(pk=user_id, is_active=True).first()
        if account is None or not account.totp_secret:
            return None, "登录已失效，请重新登录"
        who = AuditActor(account.username, account.node_id or "", actor.address)
        if account.locked_until and account.locked_until > now:
            audit_record(actor=who, action="login_totp", object_type="user", object_ref=account.username,
                         result="locked")  # fmt: skip
            return None, "账号已锁定，请稍后再试"
        totp = pyotp.TOTP(account.totp_secret)
        code = "".join(ch for ch in code if ch.isdigit())[:6]
        step = int(now.timestamp()) // totp.interval
        matched = next(
            (s for s in range(step - policy.TOTP_WINDOW, step + policy.TOTP_WINDOW + 1)
             if len(code) == 6 and totp.at(s * totp.interval) == code),
            None,
        )  # fmt: skip
        if matched is None or matched <= account.totp_last_step:  # wrong, or replayed
            reason = _count_failure(account, now) or "动态验证码错误或已使用"
            audit_record(actor=who, action="login_totp", object_type="user", object_ref=account.username,
                         result="failed")  # fmt: skip
            return None, reason
        account.totp_last_step = matched
        account.failed_logins, account.locked_until = 0, None
        account.save(update_fields=["totp_last_step", "failed_logins", "locked_until"])
        audit_record(actor=who, action="login_totp", object_type="user", object_ref=account.username)
    return account, ""


def pledge_accept(*, user: User, actor: AuditActor) -> None:
    with transaction.atomic():
        user.pledge_accepted_at = timezone.now()
        user.pledge_version = policy.PLEDGE_VERSION
        user.save(update_fields=["pledge_accepted_at", "pledge_version"])
        audit_record(
            actor=actor, action="pledge_accept", object_type="user", object_ref=user.username,
            detail={"version": policy.PLEDGE_VERSION, "date": user.pledge_accepted_at.date().isoformat()},
        )  # fmt: skip


def password_change(*, user: User, old: str, new: str, actor: AuditActor) -> None:
    """The account's own change (every 90 days, or after an administrator set the password)."""
    if not user.check_password(old):
        with transaction.atomic():
            audit_record(actor=actor, action="password_change", object_type="user",
                         object_ref=user.username, result="failed")  # fmt: skip
        raise AccountError("原密码不正确")
    if old == new:
        raise AccountError("新密码不能与原密码相同")
    try:
        validate_password(new, user)
    except ValidationError as exc:
        raise AccountError("；".join(exc.messages)) from exc
    with transaction.atomic():
        user.set_password(new)
        user.password_changed_at = timezone.now()
        user.save(update_fields=["password", "password_changed_at"])
        audit_record(actor=actor, action="password_change", object_type="user", object_ref=user.username)
