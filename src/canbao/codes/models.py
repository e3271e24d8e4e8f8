from __future__ import annotations

from django.db import models


class CodeItem(models.Model):
    """One entry of a code table, loaded from the YAML data of canbao.engine.codes."""

    table = models.CharField("代码表", max_length=40)
    table_name = models.CharField("代码表名称", max_length=100)
    code = models.CharField("代码", max_length=20)
    name = models.CharField("名称", max_length=200)
    source = models.CharField("出处", max_length=200, blank=True)

    class Meta:
        verbose_name = "代码"
        ordering = ["table", "code"]
        constraints = [models.UniqueConstraint(fields=["table", "code"], name="uniq_code")]

    def __str__(self) -> str:
        return f"{self.table}:{self.code} {self.name}"
