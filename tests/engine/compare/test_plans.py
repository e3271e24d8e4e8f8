"""No step of the engine joins by nested loop: at 10 M persons one such join cost 20 s of 237."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.engine.compare import cases_flags, cases_outcome, cases_population, cases_status  # noqa: F401
from tests.engine.compare.cases import CASES
from tests.engine.compare.golden import City

import canbao.engine.compare.pipeline as pipeline

# A condition beside the equality in ON (or none at all) makes DuckDB compare every pair of rows.
SLOW_JOINS = ("NESTED_LOOP_JOIN", "BLOCKWISE_NL_JOIN", "PIECEWISE_MERGE_JOIN", "CROSS_PRODUCT")


def test_every_step_joins_by_hash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plans: dict[str, str] = {}
    make = pipeline.get_backend

    def explaining(name: str, on_disk: bool = False):  # type: ignore[no-untyped-def]
        backend = make(name, on_disk=on_disk)
        run_step = backend.run_step

        def run(step: str, sql: str, *, materialize: bool = True) -> None:
            plans[step] = backend.con.execute(f"EXPLAIN {sql}").fetchall()[0][1]
            run_step(step, sql, materialize=materialize)

        backend.run_step = run
        return backend

    monkeypatch.setattr(pipeline, "get_backend", explaining)
    city = City(tmp_path)
    for case in CASES:
        case.build(city)
    city.run("duckdb")
    assert len(plans) > 30 and "units" in plans
    slow = {step: [j for j in SLOW_JOINS if j in plan] for step, plan in plans.items()}
    assert not {step: joins for step, joins in slow.items() if joins}
