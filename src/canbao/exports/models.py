"""Requests to export a person list longer than the approval threshold (ADR 0008)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ExportRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "待审批"
        APPROVED = "approved", "已批准"
        REFUSED = "refused", "未批准"
        DOWNLOADED = "downloaded", "已下载"
        EXPIRED = "expired", "已过期"

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="export_requests",
        verbose_name="申请人",
    )
    # The requester's node when asking: approvers are found above it, and the download is refused
    # should the requester have moved since (the approval was for that jurisdiction).
    node = models.ForeignKey("divisions.Division", on_delete=models.PROTECT, verbose_name="申请人区划")
    kind = models.CharField("名单类别", max_length=30)
    spec = models.JSONField("名单条件", default=dict)  # re-evaluated at download (exports/lists.py)
    title = models.CharField("名单", max_length=200)
    row_count = models.PositiveIntegerField("申请时行数")
    reason = models.TextField("用途")
    status = models.CharField(
        "状态", max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    created_at = models.DateTimeField("申请时间", auto_now_add=True)
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name="审批人",
    )  # fmt: skip
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    comment = models.TextField("审批意见", blank=True)
    downloaded_at = models.DateTimeField("下载时间", null=True, blank=True)
    downloaded_rows = models.PositiveIntegerField("下载行数", null=True, blank=True)

    class Meta:
        verbose_name = "导出审批"
        ordering = ["-created_at", "-id"]

    @property
    def audit_ref(self) -> str:
        return f"export_request:{self.pk}"
