from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "canbao.web"
    verbose_name = "网页"
