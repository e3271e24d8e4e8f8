"""Imports of source extracts (and, with the comparison, its runs)."""

from __future__ import annotations

from django.db import models


class ImportBatch(models.Model):
    kind = models.CharField("数据类别", max_length=30, db_index=True)
    as_of = models.DateField("数据日期", db_index=True)
    file_name = models.CharField("文件名", max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64)
    format = models.CharField("格式", max_length=10)
    encoding = models.CharField("编码", max_length=20, blank=True)
    raw_path = models.CharField("原始文件", max_length=500)
    staged_path = models.CharField("暂存数据", max_length=500)
    rejects_path = models.CharField("拒绝明细", max_length=500, blank=True)
    rows_read = models.BigIntegerField("读取行数")
    accepted = models.BigIntegerField("接收行数")
    rejected = models.BigIntegerField("拒绝行数")
    report = models.JSONField("导入报告", default=dict)
    created_by = models.CharField("导入人", max_length=150)
    created_at = models.DateTimeField("导入时间", auto_now_add=True)

    class Meta:
        verbose_name = "数据导入"
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["sha256", "kind"], name="uniq_import_bytes_kind")]
        indexes = [models.Index(fields=["kind", "as_of"], name="import_kind_asof")]

    def __str__(self) -> str:
        return f"{self.kind} {self.as_of} {self.file_name}"
