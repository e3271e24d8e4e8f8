from __future__ import annotations

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "canbao.api"
    label = "api"
    verbose_name = "接口"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Registers the bearer scheme with drf-spectacular before any schema is generated.
        from canbao.api import auth  # noqa: F401
