"""The append-only, hash-chained audit log.

Every field that enters the hash is stored as text exactly as hashed (`detail` is canonical JSON in a
TextField, not a JSONField that a database may re-serialise), so verification recomputes the same
bytes on SQLite and PostgreSQL.
"""

from __future__ import annotations

from django.db import models


class AuditRecord(models.Model):
    seq = models.BigIntegerField("序号", primary_key=True)  # assigned as last + 1: a gap is a deletion
    at = models.CharField("时间", max_length=32, db_index=True)  # ISO 8601 UTC, microseconds
    actor = models.CharField("账号", max_length=150, db_index=True)
    actor_node = models.CharField("账号区划", max_length=12, blank=True)
    address = models.CharField("地址", max_length=64, blank=True)
    action = models.CharField("操作", max_length=40, db_index=True)
    object_type = models.CharField("对象类型", max_length=40, blank=True)
    object_ref = models.CharField("对象", max_length=200, blank=True)
    result = models.CharField("结果", max_length=20, default="ok")
    detail = models.TextField("详情", blank=True, default="{}")
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = "审计记录"
        ordering = ["seq"]


class AuditHead(models.Model):
    """One row: the latest seq and hash. Locked (SELECT … FOR UPDATE) to serialise appends."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)
