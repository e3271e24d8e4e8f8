from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "canbao.jobs"
    verbose_name = "后台任务"
