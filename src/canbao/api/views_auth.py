"""Getting and giving back a token."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from canbao.api.serializers import DetailSerializer, TokenRequestSerializer, TokenSerializer
from canbao.api.services import TokenRefused, token_issue, token_revoke
from canbao.web.actor import request_actor


class TokenView(APIView):
    authentication_classes: list[type] = []  # a stale Authorization header must not block a new login
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "api_token"

    @extend_schema(
        operation_id="auth_token",
        summary="获取令牌",
        description=(
            "用户名和密码换取令牌（有效期 8 小时）。与网页登录共用失败锁定规则：连续 5 次失败锁定 15 分钟。"
            "管理员角色、已停用账号、密码超过 90 天未修改或未签署保密承诺书的账号不签发令牌（403），"
            "请先在网页端登录处理。"
        ),
        request=TokenRequestSerializer,
        responses={
            201: TokenSerializer,
            400: OpenApiResponse(DetailSerializer, description="请求格式错误"),
            401: OpenApiResponse(DetailSerializer, description="用户名或密码错误，或账号已锁定"),
            403: OpenApiResponse(DetailSerializer, description="须先在网页端登录处理"),
            429: OpenApiResponse(DetailSerializer, description="请求过于频繁"),
        },
        auth=[],
        tags=["认证"],
    )
    def post(self, request: Request) -> Response:
        body = TokenRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            token, row = token_issue(
                request._request,
                username=body.validated_data["username"].strip(),
                password=body.validated_data["password"],
                actor=request_actor(request._request),
            )
        except TokenRefused as refused:
            return Response({"detail": refused.reason}, status=refused.status)
        return Response({"token": token, "token_type": "Bearer", "expires_at": row.expires_at}, status=201)


class LogoutView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="auth_logout",
        summary="注销令牌",
        description="注销本次请求所用的令牌，之后该令牌不再有效。",
        request=None,
        responses={204: None, 401: OpenApiResponse(DetailSerializer, description="未认证")},
        tags=["认证"],
    )
    def post(self, request: Request) -> Response:
        token_revoke(token=request.auth, actor=request_actor(request))
        return Response(status=204)
