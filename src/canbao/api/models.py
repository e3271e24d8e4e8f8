"""API bearer tokens. Only the SHA-256 of a token is stored: a copy of the database issues nothing."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    # SHA-256 hex of the token. A plain hash suffices: the token is 256 random bits, so there is
    # nothing to guess, and it does not depend on a key that could be rotated (ADR 0006).
    key_hash = models.CharField("令牌摘要", max_length=64, unique=True)
    created_at = models.DateTimeField("签发时间", auto_now_add=True)
    expires_at = models.DateTimeField("过期时间", db_index=True)
    revoked_at = models.DateTimeField("注销时间", null=True, blank=True)
    address = models.CharField("签发地址", max_length=64, blank=True)

    class Meta:
        verbose_name = "接口令牌"

    def __str__(self) -> str:
        return f"token:{self.pk}"
