"""The 全民参保登记基础数据情况表 (spec/quarterly-report.md) over a run's persons.parquet, in DuckDB.

Every column is a condition on one person (COLUMNS), so that a cell is a count and its drill-down is
the same condition as a list. Rows are the node's child areas plus, when persons are placed at the node
itself, a row with the node's own code; the 合计 row is counted independently over the whole node and
then compared with the sum of the rows, so that a person placed outside every row is caught rather
than silently dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import duckdb

from canbao.engine import duck
from canbao.engine.report import files

UNINSURED = "('91', '92', '94')"


def _flag(code: str) -> str:
    return f"list_contains(string_split(coalesce(flags, ''), ';'), '{code}')"


# col → (short title, SQL condition on a persons.parquet row). Column 1 is entered, not counted.
COLUMNS: dict[int, tuple[str, str]] = {
    2: ("已获得数据人数", "population_group = 1"),
    3: ("本地参保直接入库人数", "outcome = 1"),
    4: ("其中：非本地户籍参保人数", "outcome = 1 AND population_group = 2"),
    5: ("省内异地参保确认入库人数", "population_group = 1 AND outcome = 2"),
    6: ("省外异地参保确认入库人数", "population_group = 1 AND outcome = 3"),
    7: ("需调查核实人数", "population_group = 1 AND outcome IN (4, 5)"),
    8: ("其中：已核实入库人数", "population_group = 1 AND outcome = 5"),
    9: ("养老保险 应参保未参保人数", f"AIC003 IN {UNINSURED}"),
    10: ("养老保险 重复参保人数", _flag("DUP_PENSION")),
    11: ("养老保险 重复享受待遇人数", _flag("DUP_BENEFIT_PENSION")),
    12: ("医疗保险 应参保未参保人数", f"AKC003 IN {UNINSURED}"),
    13: ("医疗保险 重复参保人数", _flag("DUP_MEDICAL")),
    14: ("医疗保险 重复享受待遇人数", _flag("DUP_BENEFIT_MEDICAL")),
    15: ("工伤保险 应参保未参保人数", f"ALC003 IN {UNINSURED}"),
    16: ("失业保险 应参保未参保人数", f"AJC003 IN {UNINSURED}"),
    17: ("生育保险 应参保未参保人数", f"AMC003 IN {UNINSURED}"),
}
TOTAL = "合计"


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    prefix: str  # persons whose AAB301 starts with it are counted in the row ("" never matches)
    own: bool = False  # the node's own row (persons placed exactly at the node's code)

    def __post_init__(self) -> None:
        # Codes are spliced into SQL (a CASE over the areas): only digits may pass.
        if not (self.code.isdigit() and (self.prefix.isdigit() or not self.prefix)):
            raise ValueError(f"区划代码无效：{self.code!r}")


@dataclass
class Row:
    code: str
    name: str
    cells: dict[int, int] = field(default_factory=dict)  # col → count; col 1 included
    col1_entered: bool = False


@dataclass
class Breach:
    row: str  # area code or 合计
    column: str  # e.g. "1" or "合计"
    rule: str  # the identity, in Chinese
    expected: int
    actual: int
    condition: str  # SQL condition of the persons behind the difference (drill-down), "" when none


@dataclass
class Report:
    rows: list[Row]
    total: Row
    breaches: list[Breach]


def _area_case(areas: list[Area]) -> str:
    whens = " ".join(
        f"WHEN AAB301 = '{a.code}' THEN '{a.code}'"
        if a.own
        else f"WHEN starts_with(AAB301, '{a.prefix}') THEN '{a.code}'"
        for a in areas
    )
    return f"CASE {whens} ELSE NULL END" if whens else "NULL"


def open_persons(
    con: duckdb.DuckDBPyConnection, persons: str, *, node_prefix: str, areas: list[Area], counts: bool = False
) -> None:
    """A view `p` of the node's persons with their report row in `__area` (NULL: no row) and `__n`, how
    many persons a row stands for: 1 a row in persons_by_area.parquet (when written) or persons.parquet,
    or with `counts` the `n` of report_counts.parquet (when written). Sum `__n`, never count rows."""
    source, n = persons, "1"
    counted = files.derived(persons, files.COUNTS) if counts else None
    listed = None if counts else files.derived(persons, files.BY_AREA)
    if counted is not None:
        source, n = str(counted), "n"
    elif listed is not None:
        source = str(listed)
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW p AS SELECT *, {_area_case(areas)} AS __area, {n} AS __n "  # noqa: S608 - digits only
        f"FROM read_parquet('{duck.sql_text(source)}') WHERE {files.area_range(node_prefix)}"
    )


def compute(persons: str, *, node_prefix: str, areas: list[Area], col1: dict[str, int],
            node_name: str = TOTAL) -> Report:  # fmt: skip
    """`persons`: path of a run's persons.parquet; `col1`: the 户籍人口数 entered per area code."""
    counts = ", ".join(
        f"coalesce(sum(__n) FILTER (WHERE {cond}), 0) AS c{col}" for col, (_t, cond) in COLUMNS.items()
    )
    with duckdb.connect() as con:
        open_persons(con, persons, node_prefix=node_prefix, areas=areas, counts=True)
        # One pass: the rows, and the total counted over the whole node (the empty grouping set).
        grouped = f"SELECT GROUPING(__area), __area, {counts} FROM p GROUP BY GROUPING SETS ((__area), ())"  # noqa: S608 - conditions are constants
        result = con.execute(grouped).fetchall()
    per_area = {r[1]: r[2:] for r in result if r[0] == 0}
    total_counts = next((r[2:] for r in result if r[0] == 1), (0,) * len(COLUMNS))
    cols = list(COLUMNS)
    rows: list[Row] = []
    for area in areas:
        values = per_area.get(area.code)
        if area.own and values is None:
            continue  # no one placed at the node itself: no 本级 row
        row = Row(
            area.code, area.name, {c: int(v) for c, v in zip(cols, values or (0,) * len(cols), strict=True)}
        )
        _col1(row, col1)
        rows.append(row)
    total = Row(TOTAL, node_name, {c: int(v) for c, v in zip(cols, total_counts, strict=True)})
    total.cells[1] = sum(r.cells[1] for r in rows)
    total.col1_entered = any(r.col1_entered for r in rows)
    return Report(rows, total, check(rows, total))


def drill(persons: str, *, node_prefix: str, areas: list[Area], condition: str, row: str | None,
          limit: int, offset: int) -> tuple[int, list[dict[str, object]]]:  # fmt: skip
    """The persons behind a cell (or a breach): count and one page (none when `limit` is 0), ordered by
    area code (AAB301), then ID number (pkey): each village's or community's persons together."""
    where = f"({condition})" + (" AND __area = $row" if row else "")
    params = {"row": row} if row else {}
    area = next((a for a in areas if a.code == row), None)
    if area is not None:  # implied by __area = $row, but a range the row groups' statistics can prune on
        where += f" AND AAB301 = '{area.code}'" if area.own else f" AND {files.area_range(area.prefix)}"
    # With both derived files, the counts per area code place any page: see page_window.
    windowed = offset >= 0 and bool(
        files.derived(persons, files.COUNTS) and files.derived(persons, files.BY_AREA)
    )
    with duckdb.connect() as con:
        con.execute("SET preserve_insertion_order = true")
        open_persons(con, persons, node_prefix=node_prefix, areas=areas, counts=True)
        per_code: list[tuple[str, int]] = []
        if windowed:
            per_code = [(str(c), int(n)) for c, n in con.execute(
                f"SELECT AAB301, sum(__n) FROM p WHERE {where} GROUP BY AAB301 ORDER BY AAB301", params  # noqa: S608 - conditions are ours
            ).fetchall()]  # fmt: skip
            total = sum(n for _c, n in per_code)
        else:
            found = con.execute(f"SELECT coalesce(sum(__n), 0) FROM p WHERE {where}", params).fetchone()  # noqa: S608 - conditions are ours
            total = int(found[0] if found else 0)
        if limit <= 0:
            return total, []
        skip = offset
        if windowed:
            window = page_window(per_code, limit=limit, offset=offset)
            if window is None:
                return total, []  # past the last page
            first, last, skip = window
            # Only the row groups of the page's areas are read, from the first area's start.
            where += f" AND {files.code_between(first, last)}"
        open_persons(con, persons, node_prefix=node_prefix, areas=areas)
        # persons_by_area.parquet is in this order already: read in file order (insertion order is
        # preserved), the scan stops at the page instead of sorting every matching person.
        order = "" if files.derived(persons, files.BY_AREA) else "ORDER BY AAB301, pkey"
        cur = con.execute(
            f"SELECT pkey, AAC002, AAC003, AAC004, AAB301, population_group, outcome, AIC003, AKC003, ALC003, AJC003, "  # noqa: S608
            f"AMC003, flags, survey_reasons FROM p WHERE {where} {order} LIMIT {int(limit)} OFFSET {int(skip)}",
            params,
        )
        names = [d[0] for d in cur.description]
        return total, [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def page_window(
    per_code: Sequence[tuple[str, int]], *, limit: int, offset: int
) -> tuple[str, str, int] | None:
    """Where a page lies in a list ordered by area code: (the code of its first person, the code of its
    last, how many persons of the first code come before the page), None when it is past the end.

    `per_code`: how many of the list's persons each area code holds, in code order. Reading from the first
    code with this small offset gives the same page as reading the whole list with `offset`, because
    every person of a smaller code comes before, and those are exactly the persons counted before it:
    a far page then costs what page 1 costs instead of a scan up to its offset.
    """
    before, first, skip = 0, None, 0
    end = offset + limit
    for code, n in per_code:
        if first is None and before + n > offset:
            first, skip = code, offset - before
        if first is not None and before + n >= end:
            return first, code, skip
        before += n
    return None if first is None else (first, per_code[-1][0], skip)


def _col1(row: Row, col1: dict[str, int]) -> None:
    if row.code in col1:
        row.cells[1], row.col1_entered = int(col1[row.code]), True
    else:
        row.cells[1] = row.cells[2]  # defaults to col 2 (spec)


def check(rows: list[Row], total: Row) -> list[Breach]:
    """The identities of quarterly-report.md; each breach names its row, column and the persons behind it."""
    out: list[Breach] = []
    for col in COLUMNS:
        summed = sum(r.cells[col] for r in rows)
        if summed != total.cells[col]:
            # Persons under the node whose area matches no row: the difference, exactly.
            out.append(Breach(TOTAL, str(col), f"甲栏：合计 = 各行之和（第 {col} 栏）", total.cells[col], summed,
                              f"({COLUMNS[col][1]}) AND __area IS NULL"))  # fmt: skip
    for row in [*rows, total]:
        c = row.cells
        if c[1] == c[2]:
            rhs = c[3] - c[4] + c[5] + c[6] + c[7]
            if c[1] != rhs:
                # Every group-1 person is in exactly one of 3−4, 5, 6, 7; what else is there is someone
                # of group 3 or 4 entered directly (outcome 1), or a group-1 person of no outcome.
                out.append(Breach(row.code, "1", "宾栏：第1栏 = 第3栏 − 第4栏 + 第5栏 + 第6栏 + 第7栏", c[1], rhs,
                                  "(outcome = 1 AND population_group NOT IN (1, 2)) OR (population_group = 1 AND "
                                  "(outcome IS NULL OR outcome NOT IN (1, 2, 3, 4, 5)))"))  # fmt: skip
        if c[8] > c[7]:
            out.append(
                Breach(
                    row.code, "8", "第8栏 ≤ 第7栏", c[7], c[8], f"({COLUMNS[8][1]}) AND NOT ({COLUMNS[7][1]})"
                )
            )
        if c[4] > c[3]:
            out.append(
                Breach(
                    row.code, "4", "第4栏 ≤ 第3栏", c[3], c[4], f"({COLUMNS[4][1]}) AND NOT ({COLUMNS[3][1]})"
                )
            )
    return out


def cell_condition(col: int) -> str:
    if col == 1:
        return COLUMNS[2][1]  # col 1 is a number entered per area; its persons are those of col 2
    return COLUMNS[col][1]
