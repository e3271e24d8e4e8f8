"""Imports and comparisons as background jobs (canbao.jobs), as the web pages start them.

An uploaded extract is kept under $CANBAO_HOME/uploads (files 0600, folders 0700) until its import job
has run; the raw store then holds the bytes for good.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from django.db import transaction

from canbao.audit.services import AuditActor
from canbao.core.home import sub
from canbao.engine.kinds import KINDS
from canbao.jobs.models import Job
from canbao.jobs.services import job_enqueue

# The tree is the system administrator's (divisions.manage, `canbao import --kind divisions`), not
# an extract the data officer uploads.
UPLOAD_KINDS = tuple(k for k in KINDS if k != "divisions")


class Upload(Protocol):
    name: str | None

    def chunks(self) -> Iterator[bytes]: ...


def safe_file_name(name: str | None, default: str) -> str:
    """The last path component, without control or path characters (the import report shows it)."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = re.sub(r"[\x00-\x1f\x7f:*?\"<>|]", "", base).strip().lstrip(".")
    return base[-150:] or default


def _write(upload: Upload, path: Path) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        for chunk in upload.chunks():
            fh.write(chunk)


def upload_discard(folder: Path) -> None:
    """Remove one upload's folder (only ever a folder directly under $CANBAO_HOME/uploads)."""
    root = sub("uploads").resolve()
    folder = folder.resolve()
    if folder.parent == root and folder.name != "tmp":
        shutil.rmtree(folder, ignore_errors=True)


def import_enqueue(
    *, upload: Upload, kind: str, as_of: dt.date, actor: AuditActor, mapping: Upload | None = None
) -> Job:
    """Keep the upload (and its mapping file) and queue its import as `actor`."""
    if kind not in UPLOAD_KINDS:
        raise ValueError(f"不能通过网页导入的数据类别 {kind}")
    folder = sub("uploads", secrets.token_hex(12))  # one folder per upload: the file keeps its name
    try:
        name = safe_file_name(upload.name, "upload.csv")
        _write(upload, folder / name)
        mapping_path = None
        if mapping is not None:
            (folder / "mapping").mkdir(mode=0o700)
            mapping_path = folder / "mapping" / safe_file_name(mapping.name, "mapping.yaml")
            _write(mapping, mapping_path)
        return job_enqueue(
            kind="import",
            params={"kind": kind, "as_of": as_of.isoformat(), "file_name": name, "path": str(folder / name),
                    "mapping": str(mapping_path) if mapping_path else ""},
            actor=actor,
        )  # fmt: skip
    except BaseException:
        upload_discard(folder)
        raise


class EnqueueRefused(Exception):
    """Not queued; the message (Chinese) says why."""


def compare_enqueue(*, as_of: dt.date, actor: AuditActor) -> Job:
    """Queue a comparison as `actor`; one at a time (a second click must not start a second run)."""
    with transaction.atomic():
        busy = Job.objects.filter(kind="compare", status__in=[Job.QUEUED, Job.RUNNING]).order_by("id").first()
        if busy is not None:
            raise EnqueueRefused(f"已有比对任务（#{busy.pk}）在排队或运行中，请等待其完成后再发起")
        return job_enqueue(kind="compare", params={"as_of": as_of.isoformat()}, actor=actor)
