from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "canbao.registry"
    verbose_name = "全民参保登记库"
