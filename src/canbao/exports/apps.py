from __future__ import annotations

from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "canbao.exports"
    label = "exports"
    verbose_name = "导出审批"
    default_auto_field = "django.db.models.BigAutoField"
