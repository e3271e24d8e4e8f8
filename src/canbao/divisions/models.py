"""The jurisdiction tree: 省/市/县/乡镇/村 nodes keyed by 12-digit 统计用区划代码 (AAB301)."""

from __future__ import annotations

from django.db import models

LEVEL_PREFIX = {1: 2, 2: 4, 3: 6, 4: 9, 5: 12}
LEVEL_NAMES = {1: "省", 2: "市", 3: "县(区)", 4: "乡镇(街道)", 5: "村(社区)"}


class Division(models.Model):
    code = models.CharField("行政区划代码", max_length=12, primary_key=True)
    name = models.CharField("名称", max_length=100)
    level = models.PositiveSmallIntegerField("级别", choices=LEVEL_NAMES.items())
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name="上级"
    )
    # The significant digits of the code. Everything under a node has a code starting with its
    # prefix, so scoping is one indexed `startswith` on the stored 12-digit code.
    prefix = models.CharField("代码前缀", max_length=12, db_index=True)

    class Meta:
        verbose_name = "行政区划"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @property
    def level_name(self) -> str:
        return LEVEL_NAMES.get(self.level, "")

    def contains(self, code: str | None) -> bool:
        return bool(code) and str(code).startswith(self.prefix)

    def path(self) -> list[Division]:
        """The node and its ancestors, top first."""
        nodes: list[Division] = []
        node: Division | None = self
        while node is not None:
            nodes.append(node)
            node = node.parent
        return nodes[::-1]
