"""Why a person has each status: the §3 rule and the source rows behind it (person detail page).

The registry keeps the rule number per line (`Person.status_rules`); the source rows are in the
publishing run's `status_basis.parquet` (pkey, line, rule, kind, _file, _line), where `_file` is the
position of the extract among the run's inputs of that kind. The row itself is read back from that
import's staged Parquet by its line number, so the page shows exactly what the rule saw. The caller has
already authorised the person (registry.selectors.person_get); values leave this module masked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from canbao.comparison.models import ComparisonRun, ImportBatch
from canbao.core import crypto
from canbao.core.masking import mask_id, mask_phone
from canbao.engine.codes import get_table
from canbao.engine.kinds import KINDS
from canbao.registry.models import STATUS_FIELDS, Person

LINES = ("pension", "medical", "injury", "unemployment", "maternity")  # order of STATUS_FIELDS
RULES = {
    1: "该险种有有效参保记录（缴费或享受待遇），取优先级最高的险种制度",
    2: "跨地区比对结果（省内 81，省外 82）",
    3: "该险种有暂停缴费记录（中断）",
    4: "户口状态为参军、出国、判刑等",
    5: "不需参加该险种（未满 16 周岁、在校学生或非就业人员）",
    6: "就业人员，单位未予参保",
    7: "个人未参保",
}
HIDDEN = {"AAC002_raw", "id_valid", "id_reason", "id_converted", "name_key", "AAB998_valid", "_line", "_file"}
MASKERS = {"AAC002": mask_id, "AAE005": mask_phone}


@dataclass
class SourceRow:
    kind: str
    kind_name: str
    file_name: str
    line: int
    fields: list[tuple[str, str]] = field(default_factory=list)  # (item name, masked value)


@dataclass
class LineBasis:
    line: str
    line_name: str
    column: str
    code: str
    rule: int | None
    rule_text: str
    rows: list[SourceRow] = field(default_factory=list)


def person_status_basis(*, person: Person, with_fields: bool = True) -> list[LineBasis]:
    """Each line's status, rule and source rows; with `with_fields` also the rows' contents, read
    back from the staged extracts (at 10 M persons ~50–100 ms a file: the detail page leaves them to
    the page of its own, /persons/<pk>/basis/)."""
    line_names = {k: v["name"] if isinstance(v, dict) else v for k, v in _line_table().items()}
    rules = [int(c) if c.isdigit() else None for c in (person.status_rules or "").ljust(5)]
    out = [
        LineBasis(
            line,
            line_names.get(line, line),
            f.upper(),
            getattr(person, f) or "",
            rule,
            RULES.get(rule, "") if rule else "",
        )  # fmt: skip
        for line, f, rule in zip(LINES, STATUS_FIELDS, rules, strict=True)
    ]
    run = ComparisonRun.objects.filter(pk=person.source_run).first() if person.source_run else None
    basis = Path(run.result_dir) / "status_basis.parquet" if run and run.result_dir else None
    if run is None or basis is None or not basis.is_file() or not person.aac002_cipher:
        return out
    pkey = crypto.decrypt(person.aac002_cipher)
    with duckdb.connect() as con:
        found = con.execute(
            "SELECT line, kind, _file, _line FROM read_parquet($p) WHERE pkey = $k ORDER BY line, kind, _file, _line",
            {"p": str(basis), "k": pkey},
        ).fetchall()
        batches = {(i["kind"], int(i["order"])): i for i in run.inputs}
        by_line = {b.line: b for b in out}
        # One staged row often stands behind several lines (an employee's row decides all five):
        # each distinct row is read once, and each staged file once for all its rows. At 10 M
        # persons a read is ~50 ms (a row group of a large file decoded), five of them a slow page.
        wanted: dict[tuple[int, str], dict[int, list[SourceRow]]] = {}
        for line, kind, file_no, line_no in found[:200]:
            source = batches.get((kind, int(file_no)))
            name = KINDS[kind].name_zh if kind in KINDS else kind
            row = SourceRow(kind, name, source["file"] if source else "", int(line_no))
            if source and with_fields:
                wanted.setdefault((int(source["batch"]), kind), {}).setdefault(int(line_no), []).append(row)
            if line in by_line:
                by_line[line].rows.append(row)
        for (batch_id, kind), rows in wanted.items():
            for line_no, fields in _staged_rows(con, batch_id, kind, sorted(rows), pkey).items():
                for row in rows[line_no]:
                    row.fields = fields
    return out


def _line_table() -> dict[str, Any]:
    return dict(get_table("insurance_line").codes)


def _staged_rows(
    con: duckdb.DuckDBPyConnection, batch_id: int, kind: str, line_nos: list[int], aac002: str
) -> dict[int, list[tuple[str, str]]]:
    """The staged rows of these line numbers of one import (rows of the person `aac002`), as (item
    name, masked value) pairs."""
    batch = ImportBatch.objects.filter(pk=batch_id).first()
    if batch is None or not Path(batch.staged_path).is_file():
        return {n: [("", "（暂存数据已不存在）")] for n in line_nos}
    # Literals (not parameters) are pushed into the Parquet scan, whose row-group statistics skip
    # the rest of the file: of AAC002 (persons' rows are staged in ID-number order), or of _line
    # (files staged before that, in line order).
    listed = ", ".join(str(int(n)) for n in line_nos)
    person = (
        f"AAC002 = '{aac002}' AND "
        if aac002.isalnum() and kind in KINDS and "AAC002" in KINDS[kind].codes
        else ""
    )
    cur = con.execute(
        f"SELECT * FROM read_parquet($p) WHERE {person}_line BETWEEN {min(line_nos)} AND {max(line_nos)} "  # noqa: S608 - checked literals
        f"AND _line IN ({listed})",
        {"p": batch.staged_path},
    )
    columns = [d[0] for d in cur.description]
    names = {c.code: c.name_zh for c in KINDS[kind].columns} if kind in KINDS else {}
    out: dict[int, list[tuple[str, str]]] = {n: [] for n in line_nos}
    for values in cur.fetchall():
        record = dict(zip(columns, values, strict=True))
        fields = []
        for column, value in record.items():
            if column in HIDDEN or value in (None, ""):
                continue
            text = MASKERS[column](str(value)) if column in MASKERS else str(value)
            fields.append((names.get(column, column), text))
        out[int(record["_line"])] = fields
    return out
