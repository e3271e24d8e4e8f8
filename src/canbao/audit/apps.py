from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "canbao.audit"
    verbose_name = "审计日志"
