"""Figures for a node's dashboard from a run's persons.parquet (comparison-rules.md §8), in DuckDB."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeVar

import duckdb

from canbao.engine.report.quarterly import Area, open_persons

LINES = (
    ("AIC003", "养老保险"),
    ("AKC003", "医疗保险"),
    ("ALC003", "工伤保险"),
    ("AJC003", "失业保险"),
    ("AMC003", "生育保险"),
)
L = TypeVar("L")  # a label of the caller's (a run, its id, a quarter)
COVERED = "('11','12','13','14','15','21','22','23','24','25','26','27','30','40','50','81','82')"


@dataclass
class Figures:
    persons: int = 0
    registered: int = 0  # outcome 1, 2, 3 or 5
    complete: int = 0
    covered: dict[str, int] = field(default_factory=dict)  # per status column
    required: dict[str, int] = field(default_factory=dict)  # status ≠ 95

    @property
    def rate(self) -> float | None:
        return self.registered / self.persons if self.persons else None

    @property
    def completeness(self) -> float | None:
        return self.complete / self.persons if self.persons else None

    def coverage(self, column: str) -> float | None:
        need = self.required.get(column, 0)
        return self.covered.get(column, 0) / need if need else None


@dataclass
class Dashboard:
    total: Figures
    areas: list[tuple[Area, Figures]]
    outcomes: dict[int, int]
    reasons: dict[str, int]
    flags: dict[str, int]
    uninsured: dict[str, int]


def _figures_sql() -> str:
    parts = [
        "sum(__n)",
        "sum(__n) FILTER (WHERE outcome IN (1, 2, 3, 5))",
        "sum(__n) FILTER (WHERE complete)",
    ]
    for column, _name in LINES:
        parts += [
            f"sum(__n) FILTER (WHERE {column} IN {COVERED})",
            f"sum(__n) FILTER (WHERE {column} <> '95')",
        ]
    return ", ".join(parts)


def _figures(values: tuple[object, ...]) -> Figures:
    f = Figures(int(values[0] or 0), int(values[1] or 0), int(values[2] or 0))  # type: ignore[call-overload]
    for i, (column, _name) in enumerate(LINES):
        f.covered[column] = int(values[3 + 2 * i] or 0)  # type: ignore[call-overload]
        f.required[column] = int(values[4 + 2 * i] or 0)  # type: ignore[call-overload]
    return f


def compute(persons: str, *, node_prefix: str, areas: list[Area]) -> Dashboard:
    sql = _figures_sql()
    with duckdb.connect() as con:
        open_persons(con, persons, node_prefix=node_prefix, areas=areas, counts=True)
        # One pass: by area, and the whole node (the empty grouping set).
        by_area = f"SELECT GROUPING(__area), __area, {sql} FROM p GROUP BY GROUPING SETS ((__area), ())"  # noqa: S608 - constant SQL
        result = con.execute(by_area).fetchall()
        total = next((_figures(r[2:]) for r in result if r[0] == 1), Figures())
        grouped = {r[1]: _figures(r[2:]) for r in result if r[0] == 0}
        outcomes = dict(con.execute("SELECT outcome, sum(__n) FROM p GROUP BY ALL ORDER BY 1").fetchall())
        reasons = _codes(con, "survey_reasons")
        flags = _codes(con, "flags")
        uninsured = dict(con.execute(
            "SELECT uninsured_reason, sum(__n) FROM p WHERE coalesce(uninsured_reason, '') <> '' GROUP BY ALL ORDER BY 2 DESC"
        ).fetchall())  # fmt: skip
    listed = [(a, grouped.get(a.code, Figures())) for a in areas if not a.own or a.code in grouped]
    return Dashboard(
        total,
        listed,
        {int(k): int(v) for k, v in outcomes.items() if k is not None},
        reasons,
        flags,
        uninsured,
    )


def persons_per_area(persons: str, *, node_prefix: str, areas: list[Area]) -> tuple[int, dict[str, int]]:
    """How many persons the node holds in all, and in each area (by code): from report_counts.parquet
    when the run wrote it (thousands of rows), else from the persons."""
    with duckdb.connect() as con:
        open_persons(con, persons, node_prefix=node_prefix, areas=areas, counts=True)
        rows = con.execute(
            "SELECT GROUPING(__area), __area, sum(__n) FROM p GROUP BY GROUPING SETS ((__area), ())"
        ).fetchall()
    total = next((int(n or 0) for g, _a, n in rows if g == 1), 0)
    return total, {str(a): int(n) for g, a, n in rows if g == 0 and a is not None}


def _codes(con: duckdb.DuckDBPyConnection, column: str) -> dict[str, int]:
    rows = con.execute(
        f"SELECT v, sum(__n) FROM (SELECT unnest(string_split({column}, ';')) AS v, __n FROM p "  # noqa: S608 - constant column
        f"WHERE coalesce({column}, '') <> '') GROUP BY ALL ORDER BY 2 DESC"
    ).fetchall()
    return {str(k): int(v) for k, v in rows if k}


def run_trend(persons_paths: list[tuple[L, str]], *, node_prefix: str) -> list[tuple[L, Figures]]:
    """(label, figures of the whole node) for each (label, persons.parquet), in the given order."""
    out = []
    sql = _figures_sql()
    with duckdb.connect() as con:
        for label, path in persons_paths:
            open_persons(con, path, node_prefix=node_prefix, areas=[], counts=True)
            out.append((label, _figures(con.execute(f"SELECT {sql} FROM p").fetchone() or (0,))))  # noqa: S608
    return out
