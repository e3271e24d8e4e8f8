from __future__ import annotations

from django.apps import AppConfig


class SurveyConfig(AppConfig):
    name = "canbao.survey"
    label = "survey"
    verbose_name = "入户调查"
    default_auto_field = "django.db.models.BigAutoField"
