"""Where state lives: everything under $CANBAO_HOME (default ./var)."""

from __future__ import annotations

import os
from pathlib import Path


def home() -> Path:
    path = Path(os.environ.get("CANBAO_HOME", "var")).resolve()
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def restrict_umask() -> None:
    """Files and folders this process creates are private to the service account (0600/0700).

    DuckDB, Arrow, the CSV/XLSX writers and SQLite create their files with the process umask, so
    this one call covers staged Parquet, run outputs, exports and the database file (ADR 0007).
    """
    os.umask(0o077)


def sub(*parts: str) -> Path:
    """A folder under $CANBAO_HOME, created on first use (mode 0700: it may hold person data)."""
    path = home().joinpath(*parts)
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def write_once(path: Path, content: str) -> None:
    """Create `path` (mode 0600) with `content` unless it exists; safe when processes race."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(content)
    try:
        os.link(tmp, path)  # atomic and never overwrites: another process may have won
    except FileExistsError:
        pass
    finally:
        tmp.unlink()
