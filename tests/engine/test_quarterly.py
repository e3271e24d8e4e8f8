"""The quarterly report's columns, rows and identities over a hand-made persons.parquet."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from canbao.engine.report.quarterly import TOTAL, Area, compute, drill

NODE, A, B = "320102000000", "320102001000", "320102002000"
AREAS = [Area(A, "甲街道", "320102001"), Area(B, "乙镇", "320102002"), Area(NODE, "本级", "", own=True)]


def person(
    pkey: str, area: str, group: int, outcome: int, *, flags: str = "", aic: str = "11", akc: str = "21"
) -> dict:  # type: ignore[type-arg]
    return {"pkey": pkey, "AAC002": pkey, "AAC003": "某", "AAC004": "1", "AAB301": area, "population_group": group,
            "outcome": outcome, "AIC003": aic, "AKC003": akc, "ALC003": "95", "AJC003": "95", "AMC003": "95",
            "flags": flags, "survey_reasons": ""}  # fmt: skip


def write(tmp_path: Path, rows: list[dict]) -> str:  # type: ignore[type-arg]
    path = tmp_path / "persons.parquet"
    pq.write_table(pa.Table.from_pylist(rows), path)
    return str(path)


ROWS = [
    person("p1", "320102001001", 1, 1),
    person("p2", "320102001002", 1, 2),
    person("p3", "320102001001", 1, 4, aic="91", akc="92"),
    person("p4", "320102001001", 1, 5, flags="DUP_PENSION;NAME_MISMATCH"),
    person("p5", "320102002001", 1, 3, aic="94"),
    person("p6", NODE, 2, 1, flags="NONLOCAL;DUP_BENEFIT_MEDICAL"),  # group 2 placed at the county itself
    person("p7", "320102002001", 3, 4, aic="91"),
    person("x1", "320104001001", 1, 1),  # another county: not in this report
]


def test_columns_rows_and_total(tmp_path: Path) -> None:
    report = compute(write(tmp_path, ROWS), node_prefix="320102", areas=AREAS, col1={})
    rows = {r.code: r.cells for r in report.rows}
    assert [r.code for r in report.rows] == [A, B, NODE]
    assert rows[A][2] == 4 and rows[A][3] == 1 and rows[A][7] == 2 and rows[A][8] == 1 and rows[A][10] == 1
    assert rows[A][5] == 1  # p2 (outcome 2) lives in 320102001002, under 甲街道
    assert rows[B][6] == 1 and rows[B][9] == 2 and rows[B][2] == 1
    assert rows[NODE][3] == 1 and rows[NODE][4] == 1 and rows[NODE][14] == 1 and rows[NODE][2] == 0
    assert report.total.cells[2] == 5 and report.total.cells[9] == 2 + 1 and report.total.cells[12] == 1
    assert report.total.code == TOTAL and not report.breaches
    assert all(r.cells[1] == r.cells[2] for r in report.rows)  # col 1 defaults to col 2


def test_every_empty_child_is_a_row_of_zeros_and_no_own_row_without_persons(tmp_path: Path) -> None:
    report = compute(write(tmp_path, ROWS[:1]), node_prefix="320102", areas=AREAS, col1={})
    assert [r.code for r in report.rows] == [A, B]
    assert all(v == 0 for v in report.rows[1].cells.values())


def test_entered_col1_switches_the_identity_off_for_that_row(tmp_path: Path) -> None:
    report = compute(write(tmp_path, ROWS), node_prefix="320102", areas=AREAS, col1={A: 1000})
    assert report.rows[0].cells[1] == 1000 and report.rows[0].col1_entered
    assert report.total.cells[1] == 1000 + 1 + 0
    assert not report.breaches


def test_breaches_are_caught_with_row_column_and_persons(tmp_path: Path) -> None:
    bad = [*ROWS, person("q1", "320102001001", 3, 1), person("q2", "320102009009", 1, 1)]
    path = write(tmp_path, bad)
    areas = [a for a in AREAS if a.code != NODE] + [Area(NODE, "本级", "", own=True)]
    report = compute(path, node_prefix="320102", areas=areas, col1={})
    found = {(b.row, b.column) for b in report.breaches}
    # q1: a group-3 person entered directly breaks 1 = 3 − 4 + 5 + 6 + 7 in its row (the total's col 1
    # is the sum of the rows' and differs from its col 2 here, so the identity does not apply to it).
    assert (A, "1") in found and (TOTAL, "1") not in found
    # q2: placed under the county but in no row (an area missing from the tree): 合计 ≠ sum of rows.
    assert (TOTAL, "2") in found and (TOTAL, "3") in found
    row_breach = next(b for b in report.breaches if (b.row, b.column) == (A, "1"))
    assert row_breach.expected - row_breach.actual == -1
    n, people = drill(
        path, node_prefix="320102", areas=areas, condition=row_breach.condition, row=A, limit=10, offset=0
    )
    assert n == 1 and people[0]["pkey"] == "q1"
    total_breach = next(b for b in report.breaches if (b.row, b.column) == (TOTAL, "2"))
    n, people = drill(
        path,
        node_prefix="320102",
        areas=areas,
        condition=total_breach.condition,
        row=None,
        limit=10,
        offset=0,
    )
    assert [p["pkey"] for p in people] == ["q2"]


def test_drill_down_lists_the_persons_of_a_cell(tmp_path: Path) -> None:
    from canbao.engine.report.quarterly import cell_condition

    path = write(tmp_path, ROWS)
    n, people = drill(
        path, node_prefix="320102", areas=AREAS, condition=cell_condition(7), row=A, limit=10, offset=0
    )
    assert n == 2 and [p["pkey"] for p in people] == ["p3", "p4"]
    n, _ = drill(
        path, node_prefix="320102", areas=AREAS, condition=cell_condition(9), row=None, limit=10, offset=0
    )
    assert n == 3


def test_codes_are_checked_before_they_reach_sql() -> None:
    with pytest.raises(ValueError):
        Area("3201' OR 1=1", "x", "3201")


def test_dashboard_rates_coverage_and_codes(tmp_path: Path) -> None:
    from canbao.engine.report import dashboard

    rows = [
        {**r, "complete": i % 2 == 0, "uninsured_reason": "20" if r["AIC003"] == "91" else ""}
        for i, r in enumerate(ROWS)
    ]
    board = dashboard.compute(write(tmp_path, rows), node_prefix="320102", areas=AREAS)
    t = board.total
    assert t.persons == 7 and t.registered == 5  # outcomes 1,2,5,3,1 registered; 4 and 4 not
    assert t.complete == 4 and round(t.rate or 0, 3) == round(5 / 7, 3)
    # pension covered: p1 p2 p4 p6 (11); required: all 7 (none is 95) → 4/7
    assert t.covered["AIC003"] == 4 and t.required["AIC003"] == 7
    assert t.coverage("ALC003") is None  # everyone 95: not required, no rate
    assert board.outcomes == {1: 2, 2: 1, 3: 1, 4: 2, 5: 1}
    assert board.flags == {"DUP_PENSION": 1, "NAME_MISMATCH": 1, "NONLOCAL": 1, "DUP_BENEFIT_MEDICAL": 1}
    assert board.uninsured == {"20": 2}
    by_area = {a.code: f for a, f in board.areas}
    assert by_area[A].persons == 4 and by_area[NODE].persons == 1 and by_area[B].persons == 2
