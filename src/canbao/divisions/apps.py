from django.apps import AppConfig


class DivisionsConfig(AppConfig):
    name = "canbao.divisions"
    verbose_name = "行政区划"
