"""Background jobs: one row per piece of long work, claimed and run by a worker."""

from __future__ import annotations

from django.db import models


class Job(models.Model):
    QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
    STATUS = [(QUEUED, "排队中"), (RUNNING, "运行中"), (DONE, "已完成"), (FAILED, "失败")]

    kind = models.CharField("任务类别", max_length=30, db_index=True)
    params = models.JSONField("参数", default=dict)
    status = models.CharField("状态", max_length=10, choices=STATUS, default=QUEUED)
    progress = models.CharField("进度", max_length=200, blank=True)
    result = models.JSONField("结果", default=dict)
    error = models.TextField("错误", blank=True)
    # Who enqueued it: the job runs as this account (AuditActor name/node/address).
    created_by = models.CharField("发起人", max_length=150)
    node = models.CharField("发起人所属区划", max_length=12, blank=True, db_index=True)
    address = models.CharField("发起地址", max_length=64, blank=True)
    # Which worker claimed it: "<host>:<pid>:<token>", so that a restart can tell a dead claim.
    worker = models.CharField("处理进程", max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    created_at = models.DateTimeField("提交时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    heartbeat_at = models.DateTimeField("心跳时间", null=True, blank=True)

    class Meta:
        verbose_name = "后台任务"
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "id"], name="job_status_id")]

    def __str__(self) -> str:
        return f"任务 #{self.pk}（{self.kind}，{self.status}）"

    @property
    def finished(self) -> bool:
        return self.status in (self.DONE, self.FAILED)
