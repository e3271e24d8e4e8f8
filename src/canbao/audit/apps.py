from __future__ import annotations

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "canbao.audit"
    verbose_name = "审计日志"

    def ready(self) -> None:
        # A retention below the legal minimum stops every process at start-up, not at the first purge.
        from canbao.audit.selectors import retention_days

        retention_days()
