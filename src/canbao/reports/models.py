from __future__ import annotations

from django.db import models


class HukouCount(models.Model):
    """Column 1 of the quarterly report: the police's official 户籍人口数 of an area for a quarter."""

    node = models.ForeignKey("divisions.Division", on_delete=models.PROTECT, related_name="+")
    period = models.CharField("季度", max_length=6)  # 2026Q3
    count = models.PositiveBigIntegerField("户籍人口数")
    entered_by = models.CharField("填报人", max_length=150)
    entered_at = models.DateTimeField("填报时间", auto_now=True)

    class Meta:
        verbose_name = "户籍人口数"
        constraints = [models.UniqueConstraint(fields=["node", "period"], name="uniq_hukou_count")]
