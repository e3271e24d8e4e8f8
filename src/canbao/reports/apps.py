from __future__ import annotations

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "canbao.reports"
    label = "reports"
    verbose_name = "统计报表"
    default_auto_field = "django.db.models.BigAutoField"
