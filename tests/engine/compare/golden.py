"""Small hand-made data sets for the golden tests: write extracts as CSV, import them, compare."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import pyarrow as pa

from canbao.engine.compare.pipeline import SURVEY_SCHEMA, CompareResult, ExtractFile, run_comparison
from canbao.engine.io.extract import read_extract
from canbao.engine.kinds import KINDS
from canbao.engine.validate.idnumber import calc_check_char
from canbao.engine.validate.text import name_key

AS_OF = dt.date(2026, 9, 30)
TOP = "320100000000"
VILLAGE = "320102001001"
VILLAGE2 = "320104002001"
DIVISIONS = [
    ("320100000000", 2, None),
    ("320102000000", 3, "320100000000"),
    ("320102001000", 4, "320102000000"),
    ("320102001001", 5, "320102001000"),
    ("320104000000", 3, "320100000000"),
    ("320104002000", 4, "320104000000"),
    ("320104002001", 5, "320104002000"),
]


def pid(birth: str, seq: int, region: str = "320102") -> str:
    """A valid synthetic ID number; odd seq → male."""
    first17 = f"{region}{birth}{seq:03d}"
    return first17 + calc_check_char(first17)


_counter = iter(range(1, 10**9))


def new_id(birth: str = "19800101", sex: str = "1", region: str = "320102") -> str:
    """A valid ID number never handed out before in this test process, so that cases can be merged
    into one city (the Spark run) without colliding. sex '1' male, '2' female."""
    while True:
        n = next(_counter)
        seq = n % 1000
        if (seq % 2 == 1) == (sex == "1"):
            region_n = f"{region[:4]}{int(region[4:6]) + n // 1000:02d}" if n >= 1000 else region
            return pid(birth, seq, region_n)


class City:
    """Rows per kind (canonical columns); `run` imports them and compares."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.rows: dict[str, list[dict[str, str]]] = {}
        self.as_of: dict[str, dt.date] = {}
        self.surveys: list[dict[str, Any]] = []

    def add(self, kind: str, **row: str) -> None:
        self.rows.setdefault(kind, []).append(row)

    def person(self, number: str, name: str = "张三", village: str = VILLAGE, **extra: str) -> str:
        self.add("household_register", AAC002=number, AAC003=name, AAB301=village, **extra)
        return number

    def insure(self, number: str, scheme: str, status: str = "1", **extra: str) -> None:
        row = {
            "AAC002": number,
            "AAC003": extra.pop("AAC003", "张三"),
            "scheme": scheme,
            "AAC031": status,
            "AAB301": "320102",
        }
        row.update(extra)
        self.add("insurance", **row)

    def survey(
        self, pkey: str, *, new_person: bool = False, survey_date: str = "20260801", **items: str
    ) -> None:
        row: dict[str, Any] = {f: None for f in SURVEY_SCHEMA.names}
        row.update(pkey=pkey, survey_id=len(self.surveys) + 1, AAC002=pkey if not pkey.startswith("#") else None,
                   new_person=new_person, survey_date=survey_date, AAE015=survey_date + "T10:00:00")  # fmt: skip
        row.update(items)
        if row.get("AAC003"):
            row["name_key"] = name_key(row["AAC003"])
        self.surveys.append(row)

    def run(self, backend: str = "duckdb", as_of: dt.date = AS_OF) -> CompareResult:
        extracts: dict[str, list[ExtractFile]] = {}
        for kind, rows in self.rows.items():
            columns = KINDS[kind].codes
            src = self.tmp / f"{kind}.csv"
            with src.open("w", encoding="utf-8", newline="") as fh:
                writer = csv.DictWriter(fh, fieldnames=columns)
                writer.writeheader()
                for row in rows:
                    writer.writerow({c: row.get(c, "") for c in columns})
            staged = self.tmp / f"{kind}.parquet"
            result = read_extract(src, kind, out_path=staged)
            assert result.rejected == 0, [r.message for r in result.rejects]
            extracts[kind] = [ExtractFile(kind, str(staged), self.as_of.get(kind, as_of), 0)]
        divisions = pa.table(
            {
                "AAB301": [d[0] for d in DIVISIONS],
                "level": [d[1] for d in DIVISIONS],
                "parent": [d[2] for d in DIVISIONS],
            }
        )
        survey = pa.Table.from_pylist(self.surveys, schema=SURVEY_SCHEMA) if self.surveys else None
        return run_comparison(
            extracts=extracts, divisions=divisions, as_of=as_of, out_dir=self.tmp / f"out-{backend}",
            top_node=TOP, survey=survey, backend=backend,
        )  # fmt: skip


def persons(result: CompareResult) -> dict[str, dict[str, Any]]:
    import pyarrow.parquet as pq

    return {r["pkey"]: r for r in pq.read_table(result.outputs["persons"]).to_pylist()}


def table(result: CompareResult, name: str) -> list[dict[str, Any]]:
    import pyarrow.parquet as pq

    return pq.read_table(result.outputs[name]).to_pylist()
