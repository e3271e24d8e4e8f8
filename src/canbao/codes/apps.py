from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CodesConfig(AppConfig):
    name = "canbao.codes"
    verbose_name = "代码表"

    def ready(self) -> None:
        from canbao.codes.services import codes_sync

        post_migrate.connect(lambda sender, **kw: codes_sync() if sender is self else None, weak=False)
