"""Registry of golden cases. A case builds its rows into a City and returns a check of the result.

Each case runs alone on DuckDB, and all cases run merged into one city on Spark (one Spark run for
the whole suite), so a case must only use IDs from `new_id` and check only its own persons.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.engine.compare.golden import City, persons, table

from canbao.engine.compare.pipeline import CompareResult


class Result:
    def __init__(self, raw: CompareResult) -> None:
        self.raw = raw
        self.persons = persons(raw)
        self._tables: dict[str, list[dict[str, Any]]] = {}

    def table(self, name: str) -> list[dict[str, Any]]:
        if name not in self._tables:
            self._tables[name] = table(self.raw, name)
        return self._tables[name]

    def person(self, pkey: str) -> dict[str, Any]:
        return self.persons[pkey]

    def statuses(self, pkey: str) -> tuple[str, str, str, str, str]:
        p = self.persons[pkey]
        return (p["AIC003"], p["AKC003"], p["ALC003"], p["AJC003"], p["AMC003"])

    def basis(self, pkey: str, line: str) -> list[tuple[str, int]]:
        return sorted(
            (r["kind"], r["_line"])
            for r in self.table("status_basis")
            if r["pkey"] == pkey and r["line"] == line
        )


Check = Callable[[Result], None]


@dataclass(frozen=True)
class Case:
    name: str
    build: Callable[[City], Check]


CASES: list[Case] = []


def golden(fn: Callable[[City], Check]) -> Callable[[City], Check]:
    """Register a case; its test id is the function name (named after its rule)."""
    CASES.append(Case(fn.__name__, fn))
    return fn
