"""DuckDB connections for the engine's large jobs, bounded in memory.

DuckDB takes 80 % of the machine by default, and tables of an in-memory database cannot leave memory
at all. Work on large inputs therefore runs in a database file in a temporary directory: its tables
live in the buffer pool, capped at `CANBAO_DUCKDB_MEMORY` (4 GB by default), and go to disk past it.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

# Input past which the tables go to a database file (~1.5 M persons of staged extracts). Below it an
# in-memory database is ~50 % cheaper in CPU: tables in a file are compressed as they are written.
# CANBAO_DUCKDB_ON_DISK=1 or 0 decides instead.
ON_DISK_BYTES = 256 * 1024 * 1024


def sql_text(value: str | Path) -> str:
    """`value` as the inside of a single-quoted SQL string (file paths, codes): quotes doubled."""
    return str(value).replace("'", "''")


def large(nbytes: int) -> bool:
    forced = os.environ.get("CANBAO_DUCKDB_ON_DISK")
    if forced in ("0", "1"):
        return forced == "1"
    return nbytes > ON_DISK_BYTES


def connect(
    work_dir: str | Path, *, on_disk: bool, memory_limit: str | None = None
) -> duckdb.DuckDBPyConnection:
    """A connection whose tables stay within the memory limit; `work_dir` holds the file and the spill."""
    con = duckdb.connect(f"{work_dir}/work.duckdb" if on_disk else ":memory:")
    con.execute(f"SET temp_directory = '{sql_text(work_dir)}/spill'")
    con.execute("SET preserve_insertion_order = false")
    con.execute(f"SET memory_limit = '{memory_limit or os.environ.get('CANBAO_DUCKDB_MEMORY', '4GB')}'")
    return con
