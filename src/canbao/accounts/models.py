"""Real-name staff accounts, each bound to one node of the jurisdiction tree, with roles."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models

from canbao.accounts.roles import ADMIN_ROLES, ROLES


class User(AbstractUser):
    real_name = models.CharField("姓名", max_length=50, blank=True)
    node = models.ForeignKey(
        "divisions.Division", null=True, blank=True, on_delete=models.PROTECT, verbose_name="所属区划"
    )
    totp_secret = models.CharField("TOTP 密钥", max_length=64, blank=True)
    pledge_accepted_at = models.DateTimeField("保密承诺书签署时间", null=True, blank=True)
    pledge_version = models.CharField("保密承诺书版本", max_length=40, blank=True)
    totp_last_step = models.BigIntegerField("TOTP 最近使用时间步", default=0)  # a code works once
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)
    failed_logins = models.PositiveSmallIntegerField("连续登录失败次数", default=0)
    locked_until = models.DateTimeField("锁定至", null=True, blank=True)

    class Meta:
        verbose_name = "账号"

    @property
    def role_keys(self) -> list[str]:
        cached = getattr(self, "_role_keys", None)
        if cached is None:
            cached = sorted(self.roles.values_list("role", flat=True)) if self.pk else []
            self._role_keys = cached
        return cached

    @property
    def role_names(self) -> list[str]:
        return [ROLES[k].name_zh for k in self.role_keys if k in ROLES]

    @property
    def is_admin_role(self) -> bool:
        return bool(set(self.role_keys) & ADMIN_ROLES)

    @property
    def capabilities(self) -> frozenset[str]:
        keys = self.role_keys
        cached = getattr(self, "_capabilities", None)
        if cached is None or cached[0] is not keys:  # computed again when the roles are reloaded
            caps: set[str] = set()
            for key in keys:
                if key in ROLES:
                    caps |= ROLES[key].capabilities
            cached = (keys, frozenset(caps))
            self._capabilities = cached
        return cached[1]

    def can(self, capability: str) -> bool:
        return capability in self.capabilities


class UserRole(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField("角色", max_length=30, choices=[(k, r.name_zh) for k, r in ROLES.items()])
    granted_at = models.DateTimeField("授予时间", auto_now_add=True)
    granted_by = models.CharField("授予人", max_length=150, blank=True)

    class Meta:
        verbose_name = "角色授予"
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="uniq_user_role")]
