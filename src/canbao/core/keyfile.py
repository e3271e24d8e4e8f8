"""Changing the key file: a new key set for a rotation, the end of a rotation, retiring an old key.

Every change replaces the file whole (temporary file, fsync, rename, fsync of the folder), mode 0600,
so a crash leaves either the old or the new file, never half of one, and a running server that stats
the file (crypto.load_keyring) sees the change at once. Old key sets are kept: ciphertext in the
database and in its backups still names them.

The audit key is not rotated: a new key set copies it, because `canbao audit verify` recomputes
every record's hash with the current audit key, back to the first record (docs/adr/0007).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from canbao.core.crypto import key_file, load_keyring, new_keyset

_KID = re.compile(r"^k(\d+)$")


class KeyFileBusy(RuntimeError):
    """Another process holds the rotation lock."""


def read_key_data() -> dict[str, Any]:
    load_keyring()  # creates the file on first use
    data: dict[str, Any] = json.loads(key_file().read_text())
    return data


def write_key_data(data: dict[str, Any], path: Path | None = None) -> None:
    path = path or key_file()
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(json.dumps(data, indent=2))
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o600)  # O_CREAT's mode is only for a new file; a left-over one may differ
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)  # the rename itself survives a power cut
    finally:
        os.close(dir_fd)


def state_file() -> Path:
    """Progress of a pending rotation, beside the key file (it holds no secret)."""
    path = key_file()
    return path.with_name(path.name + ".rotation")


@contextmanager
def rotation_lock() -> Iterator[None]:
    """One rotation at a time; the lock goes with the process, so a killed rotation can be resumed."""
    path = key_file()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    lock = path.with_name(path.name + ".lock")
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise KeyFileBusy("另一个密钥操作正在进行") from None
        yield
    finally:
        os.close(fd)


def next_key_id(ids: Iterator[str] | list[str]) -> str:
    numbers = [int(m.group(1)) for kid in ids if (m := _KID.match(kid))]
    return f"k{max(numbers, default=0) + 1}"


def begin_rotation(*, rotating_from: list[str]) -> str:
    """Add a key set, make it current and record the pending rotation; returns the new key id.

    `rotating_from` are the key ids whose values are still in the database: until the rotation ends,
    look-ups try their index keys too.
    """
    data = read_key_data()
    if data.get("rotation"):
        raise RuntimeError("已有未完成的密钥轮换")
    previous = data["current"]
    kid = next_key_id(list(data["keys"]))
    fresh = new_keyset()
    fresh["audit"] = data["keys"][previous]["audit"]  # the audit chain keeps its key
    data["keys"][kid] = fresh
    data["current"] = kid
    data["rotation"] = {
        "target": kid,
        "from": sorted({previous, *rotating_from} - {kid}),
        "started_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    write_key_data(data)
    return kid


def end_rotation() -> None:
    data = read_key_data()
    data.pop("rotation", None)
    write_key_data(data)


def retire_key(kid: str) -> None:
    data = read_key_data()
    if kid not in data["keys"]:
        raise ValueError(f"没有密钥 {kid}")
    if kid == data["current"]:
        raise ValueError(f"{kid} 是当前密钥，不能停用")
    if data.get("rotation"):
        raise ValueError("密钥轮换尚未完成，不能停用旧密钥")
    del data["keys"][kid]
    write_key_data(data)
