"""`Authorization: Bearer <token>`: the only way into the API (no sessions, so no CSRF to defend)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from canbao.api.services import token_user


class BearerTokenAuthentication(BaseAuthentication):
    keyword = b"bearer"

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None  # no credentials: the permission check answers 401
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Authorization 头格式应为：Bearer <令牌>")
        try:
            token = parts[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed("令牌无效") from exc
        found = token_user(token)
        if found is None:
            raise exceptions.AuthenticationFailed("令牌无效、已过期或已注销，请重新获取")
        return found

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="canbao"'


class BearerTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "canbao.api.auth.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "POST /api/v1/auth/token 获取的令牌，有效期 8 小时",
        }
