"""Drill-down pages placed by the per-area counts are the pages of the plain OFFSET over the same list."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from canbao.engine.compare.config import load_rules
from canbao.engine.compare.pipeline import output_schemas
from canbao.engine.report import files
from canbao.engine.report.quarterly import Area, cell_condition, compute, drill, open_persons, page_window

NODE = "320102000000"
TOWNS = [f"320102{t:03d}000" for t in (1, 2, 3, 4)]
AREAS = [*(Area(t, f"镇{i}", t[:9]) for i, t in enumerate(TOWNS)), Area(NODE, "本级", "", own=True)]
PAGE = 4


def synthetic_run(folder: Path) -> str:
    """240 persons over 4 towns × 8 villages, the node itself and a town that is no row (a 甲栏 breach),
    in a random pkey order; flags and outcomes rare enough that many villages hold none of a cell."""
    rnd = random.Random(7)
    villages = [f"{t[:9]}{v:03d}" for t in TOWNS for v in range(1, 9)]
    places = [*villages, NODE, "320102009001"]  # 320102009001: under the node, in no row
    rows = []
    for i in range(240):
        group = rnd.choice((1, 1, 1, 2, 3))
        outcome = rnd.choice((1, 1, 1, 2, 3, 4, 5)) if group == 1 else rnd.choice((1, 4))
        flags = ";".join(
            f for f, p in (("DUP_PENSION", 0.06), ("DUP_BENEFIT_MEDICAL", 0.02)) if rnd.random() < p
        )
        pkey = f"3201{rnd.randrange(10**13):013d}X{i:03d}"
        rows.append({"pkey": pkey, "AAC002": pkey, "AAC003": "某", "AAC004": "1",
                     "AAB301": NODE if group == 2 and rnd.random() < 0.2 else rnd.choice(places),
                     "population_group": group, "outcome": outcome, "AIC003": rnd.choice(("11", "91")),
                     "AKC003": "21", "ALC003": "95", "AJC003": "95", "AMC003": "95", "flags": flags,
                     "survey_reasons": "", "complete": True, "uninsured_reason": ""})  # fmt: skip
    schema = output_schemas(load_rules())["persons"][0]
    table = pa.Table.from_pylist([{name: r.get(name) for name in schema.names} for r in rows], schema=schema)
    folder.mkdir()
    path = folder / "persons.parquet"
    pq.write_table(table.sort_by("pkey"), path, row_group_size=50)
    files.prepare(path, row_group=7)  # many row groups: a page's range skips most of them
    return str(path)


def test_every_page_is_the_page_of_the_plain_offset(tmp_path: Path) -> None:
    windowed = synthetic_run(tmp_path / "run")
    # The same run without the counts file: pages are read with the plain OFFSET over persons_by_area.
    plain = tmp_path / "plain"
    shutil.copytree(tmp_path / "run", plain)
    (plain / files.COUNTS).unlink()
    report = compute(windowed, node_prefix="320102", areas=AREAS, col1={})
    breaches = [b.condition for b in report.breaches]
    assert any("__area IS NULL" in c for c in breaches)  # the persons of the town that is no row
    conditions = [cell_condition(c) for c in (2, 6, 8, 10, 14)] + breaches + ["outcome = 99"]
    checked = empty_areas = 0
    for condition in conditions:
        for row in [None, *(a.code for a in AREAS)]:
            args = {"node_prefix": "320102", "areas": AREAS, "condition": condition, "row": row}
            total, _none = drill(windowed, limit=0, offset=0, **args)  # type: ignore[arg-type]
            listed: list[dict[str, object]] = []
            for page in range(total // PAGE + 3):  # every page, then two past the end
                offset = page * PAGE
                new = drill(windowed, limit=PAGE, offset=offset, **args)  # type: ignore[arg-type]
                old = drill(str(plain / "persons.parquet"), limit=PAGE, offset=offset, **args)  # type: ignore[arg-type]
                assert new == old, (condition, row, page)
                assert new[0] == total and len(new[1]) == max(0, min(PAGE, total - offset))
                listed += new[1]
                checked += 1
            assert [(p["AAB301"], p["pkey"]) for p in listed] == sorted(
                (p["AAB301"], p["pkey"]) for p in listed
            )
            assert len({p["pkey"] for p in listed}) == total
            # An odd page size and offset that do not fall on page boundaries.
            for offset in range(1, total + 1, 9):
                assert drill(windowed, limit=7, offset=offset, **args) == drill(  # type: ignore[arg-type]
                    str(plain / "persons.parquet"),
                    limit=7,
                    offset=offset,
                    **args,  # type: ignore[arg-type]
                )
            if row is None and total:
                villages = {p["AAB301"] for p in listed}
                empty_areas += len({*(f"{t[:9]}{v:03d}" for t in TOWNS for v in range(1, 9))} - villages)
    assert checked > 300 and empty_areas > 50  # rare conditions leave many villages without persons


@pytest.mark.parametrize(
    ("offset", "limit", "expected"),
    [
        (0, 3, ("a", "a", 0)),
        (1, 3, ("a", "b", 1)),  # the page starts in a, ends in b
        (2, 3, ("a", "d", 2)),  # ... and across the empty c into d
        (3, 3, ("b", "d", 0)),  # c holds no one: neither first nor last
        (5, 3, ("d", "d", 1)),
        (6, 3, ("d", "d", 2)),  # the last page, shorter than the limit
        (7, 3, None),  # past the end
        (70, 3, None),
    ],
)
def test_page_window(offset: int, limit: int, expected: tuple[str, str, int] | None) -> None:
    per_code = [("a", 3), ("b", 1), ("c", 0), ("d", 3)]
    assert page_window(per_code, limit=limit, offset=offset) == expected
    assert page_window([], limit=limit, offset=offset) is None


def test_the_page_range_reaches_the_parquet_scan(tmp_path: Path) -> None:
    """The bounds of a page's areas are pushed into the scan of persons_by_area.parquet (row groups skipped)."""
    path = synthetic_run(tmp_path / "run")
    between = files.code_between("320102002003", "320102003001")
    with duckdb.connect() as con:
        open_persons(con, path, node_prefix="320102", areas=AREAS)
        plan = con.execute(
            f"EXPLAIN SELECT pkey FROM p WHERE {cell_condition(7)} AND {between} LIMIT 4"
        ).fetchall()  # noqa: S608
    scan = "".join(plan[0][1].replace("│", " ").split())  # the plan is drawn in boxes
    assert "READ_PARQUET" in scan and "AAB301>='320102002003'ANDAAB301<='320102003001'" in scan
    quoted = files.code_between("1", "3'")
    values = duckdb.sql(f"SELECT {quoted} FROM (VALUES ('2'), ('3'''), ('4')) t(AAB301)").fetchall()  # noqa: S608
    assert values == [(True,), (True,), (False,)]  # a quote in a code is a character of the literal, not SQL
