"""Hashing of audit records and the copy of the chain's head kept outside the database."""

from __future__ import annotations

import fcntl
import json
import os
from pathlib import Path
from typing import Any

from canbao.core.crypto import hmac_sm3, load_keyring
from canbao.core.home import sub

GENESIS = "0" * 64
HASHED_FIELDS = (
    "seq",
    "at",
    "actor",
    "actor_node",
    "address",
    "action",
    "object_type",
    "object_ref",
    "result",
    "detail",
    "prev_hash",
)


def canonical_detail(detail: dict[str, Any] | None) -> str:
    return json.dumps(detail or {}, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def record_hash(fields: dict[str, Any]) -> str:
    payload = "\x1f".join(str(fields[name]) for name in HASHED_FIELDS).encode()
    return hmac_sm3(load_keyring().active.audit, payload).hex()


def head_file() -> Path:
    explicit = os.environ.get("CANBAO_AUDIT_HEAD")
    return Path(explicit) if explicit else sub("audit") / "head.json"


def read_head() -> tuple[int, str] | None:
    path = head_file()
    if not path.exists():
        return None
    data = json.loads(path.read_text() or "{}")
    if "seq" not in data:
        return None
    return int(data["seq"]), str(data["hash"])


HEAD_BYTES = 128  # {"seq": …, "hash": 64 hex} padded with spaces: one fixed-size record


def write_head(seq: int, digest: str) -> None:
    """Advance the outside copy; never move it back (commits may finish out of order).

    Overwritten in place at a fixed size rather than truncated and rewritten: no moment when another
    process reads an empty file, and the sync has no change of size to journal (half the cost of
    this write, which follows every audited page).
    """
    path = head_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # writers in every process and thread, one at a time
        raw = os.pread(fd, 4096, 0)
        current = json.loads(raw)["seq"] if raw.strip() else 0
        if seq > current:
            data = json.dumps({"seq": seq, "hash": digest}).ljust(HEAD_BYTES).encode()
            os.pwrite(fd, data, 0)
            if len(raw) > len(data):  # longer than a record: not written by this function
                os.ftruncate(fd, len(data))
            _sync(fd)
    finally:
        os.close(fd)  # also releases the lock


def _sync(fd: int) -> None:
    # fdatasync: the data on disk before the request answers; the file's times need not be.
    sync = getattr(os, "fdatasync", os.fsync)  # macOS has no fdatasync
    sync(fd)
