"""The immutable raw store: every imported file kept byte for byte, addressed by its SHA-256."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

from canbao.core.home import sub


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def store_raw(path: Path, sha256: str) -> Path:
    folder = sub("raw", sha256[:2])
    target = folder / f"{sha256}{path.suffix.lower()}"
    if not target.exists():
        tmp = target.with_suffix(target.suffix + ".part")
        shutil.copyfile(path, tmp)
        os.chmod(tmp, 0o400)
        os.replace(tmp, target)
    return target
