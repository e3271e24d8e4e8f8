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


class ComparisonRun(models.Model):
    """One run of the comparison: inputs and their hashes, as-of date, rules, counts, timings."""

    STATUS = [("running", "运行中"), ("done", "已完成"), ("failed", "失败")]

    as_of = models.DateField("比对基准日", db_index=True)
    backend = models.CharField("后端", max_length=10, default="duckdb")
    rules_version = models.CharField("规则版本", max_length=40)
    rules_digest = models.CharField("规则文件摘要", max_length=64)
    inputs = models.JSONField("输入文件", default=list)  # [{kind, order, file, sha256, as_of, batch}]
    status = models.CharField("状态", max_length=10, choices=STATUS, default="running")
    progress = models.CharField("进度", max_length=200, blank=True)
    counts = models.JSONField("统计", default=dict)
    publish_counts = models.JSONField("入库统计", default=dict)
    timings = models.JSONField("耗时（秒）", default=dict)
    result_dir = models.CharField("结果目录", max_length=500, blank=True)
    published = models.BooleanField("已入库", default=False, db_index=True)
    error = models.TextField("错误", blank=True)
    started_by = models.CharField("发起人", max_length=150)
    started_at = models.DateTimeField("开始时间", auto_now_add=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        verbose_name = "比对批次"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"比对 #{self.pk}（{self.as_of}）"

    def file_names(self) -> dict[tuple[str, int], str]:
        return {(i["kind"], int(i["order"])): i["file"] for i in self.inputs}
