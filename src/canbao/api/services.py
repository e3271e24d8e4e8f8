"""Issuing and revoking API tokens. The login itself is the web's (`accounts.services.login_attempt`):
the same lockout, the same audit records."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from canbao.accounts.models import User
from canbao.accounts.services import login_attempt
from canbao.api.models import ApiToken
from canbao.audit.services import AuditActor, audit_record

TOKEN_LIFETIME = dt.timedelta(hours=8)  # one working day; then log in again
PASSWORD_MAX_AGE = dt.timedelta(days=90)


class TokenRefused(Exception):
    """Refused, with a Chinese reason and the HTTP status to answer with."""

    def __init__(self, reason: str, status: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def web_first_reason(user: User) -> str:
    """Why this account must log in on the web before it may use the API; "" when it may."""
    if not user.is_active:
        return "账号已停用，请联系安全管理员"
    if user.is_admin_role:
        return "管理员角色（系统、安全、审计管理员）不能使用数据接口，请在网页端使用双因素登录"
    changed = user.password_changed_at
    if changed is None or timezone.now() - changed > PASSWORD_MAX_AGE:
        return "密码已超过 90 天未修改，请先在网页端登录并修改密码"
    if user.pledge_accepted_at is None:
        return "尚未签署保密承诺书，请先在网页端登录并签署"
    return ""


def token_issue(
    request: HttpRequest, *, username: str, password: str, actor: AuditActor
) -> tuple[str, ApiToken]:
    """(token, its row). The token is returned once and never stored; raises TokenRefused."""
    user, reason = login_attempt(request, username=username, password=password, actor=actor)
    if user is None:
        # 401 for a wrong password; a locked account is the same for the client (it cannot log in).
        raise TokenRefused(reason, 401)
    who = AuditActor(user.username, user.node_id or "", actor.address)
    refusal = web_first_reason(user)
    if refusal:
        with transaction.atomic():  # recorded, then refused: the refusal must not roll its record back
            audit_record(
                actor=who, action="login", object_type="api_token", object_ref=user.username, result="refused",
                detail={"via": "api", "reason": refusal},
            )  # fmt: skip
        raise TokenRefused(refusal, 403)
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        row = ApiToken.objects.create(
            user=user,
            key_hash=token_digest(token),
            expires_at=timezone.now() + TOKEN_LIFETIME,
            address=actor.address,
        )
        audit_record(
            actor=who, action="login", object_type="api_token", object_ref=str(row.pk),
            detail={"via": "api", "expires_at": row.expires_at.isoformat()},
        )  # fmt: skip
    return token, row


def token_user(token: str) -> tuple[User, ApiToken] | None:
    """The account behind a live token, or None (unknown, expired, revoked, or the account may no longer)."""
    row = (
        ApiToken.objects.select_related("user", "user__node")
        .filter(key_hash=token_digest(token), revoked_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if row is None or web_first_reason(row.user):
        return None
    return row.user, row


def token_revoke(*, token: ApiToken, actor: AuditActor) -> None:
    with transaction.atomic():
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
        audit_record(actor=actor, action="logout", object_type="api_token", object_ref=str(token.pk))
