from django.apps import AppConfig


class ComparisonConfig(AppConfig):
    name = "canbao.comparison"
    verbose_name = "导入与比对"
