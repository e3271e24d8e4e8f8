"""`canbao export registry`: the latest published run, one row per person in P (exchange-format.md).

A machine exchange file for the data officer: unmasked and without formula neutralisation, audited.
Streams in batches, so 10 M persons never sit in memory at once.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from canbao.audit.services import AuditActor, audit_record
from canbao.comparison.runs import CompareRefused, latest_published_run
from canbao.core.crypto import hash_aliases, lookup_hashes
from canbao.registry.models import Person

COLUMNS = [
    "AAC001", "AAC002", "AAC003", "AAC004", "AAC006", "AAC009", "AAC010", "AAB301", "AAE006", "AAE005",
    "AIC003", "AKC003", "ALC003", "AJC003", "AMC003", "outcome", "flags", "survey_reasons",
    "AAE011", "AAE036", "AAE014", "AAE015",
]  # fmt: skip
EXCEL_MAX_ROWS = 1_048_575
BATCH = 20_000


def _iso(value: Any) -> str:
    return value.isoformat() if value else ""


def registry_rows(persons_file: Path) -> Iterator[list[dict[str, Any]]]:
    for batch in pq.ParquetFile(persons_file).iter_batches(batch_size=BATCH):
        rows = batch.to_pylist()
        keyed = [r for r in rows if r["AAC002"]]
        numbers = [r["AAC002"] for r in keyed]
        hashes = lookup_hashes(numbers)
        aliases = hash_aliases(numbers, hashes)  # during a key rotation: the old keys' hashes too
        wanted = list(aliases)
        db: dict[str, tuple[Any, ...]] = {}
        for start in range(0, len(wanted), 5000):
            for rec in Person.objects.filter(aac002_hash__in=wanted[start : start + 5000]).values_list(
                "aac002_hash", "aac001", "aae011", "aae036", "aae014", "aae015"
            ):
                db[aliases[rec[0]]] = rec[1:]
        by_no = {}
        unkeyed = [r["pkey"][1:] for r in rows if not r["AAC002"]]
        if unkeyed:
            for rec in Person.objects.filter(aac001__in=unkeyed).values_list(
                "aac001", "aac001", "aae011", "aae036", "aae014", "aae015"
            ):
                by_no[rec[0]] = rec[1:]
        hash_of = dict(zip((r["pkey"] for r in keyed), hashes, strict=True))
        out = []
        for r in rows:
            rec = db.get(hash_of.get(r["pkey"], "")) or by_no.get(r["pkey"][1:]) or ("", "", None, "", None)
            out.append(
                {
                    "AAC001": rec[0], "AAC002": r["AAC002"] or "", "AAC003": r["AAC003"] or "", "AAC004": r["AAC004"] or "",
                    "AAC006": r["AAC006"] or "", "AAC009": r["AAC009"] or "", "AAC010": r["AAC010"] or "", "AAB301": r["AAB301"],
                    "AAE006": r["AAE006"] or "", "AAE005": r["AAE005"] or "", "AIC003": r["AIC003"], "AKC003": r["AKC003"],
                    "ALC003": r["ALC003"], "AJC003": r["AJC003"], "AMC003": r["AMC003"], "outcome": str(r["outcome"]),
                    "flags": r["flags"] or "", "survey_reasons": r["survey_reasons"] or "",
                    "AAE011": rec[1] or "", "AAE036": _iso(rec[2]), "AAE014": rec[3] or "", "AAE015": _iso(rec[4]),
                }
            )  # fmt: skip
        yield out


def export_registry(*, out: Path, actor: AuditActor) -> int:
    run = latest_published_run()
    if run is None:
        raise CompareRefused("还没有已入库的比对结果，请先运行 canbao compare")
    persons_file = Path(run.result_dir) / "persons.parquet"
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".xlsx", ".parquet"):
        raise CompareRefused(f"不支持的导出格式 {out.suffix}（可用 .csv、.xlsx、.parquet）")
    total = pq.ParquetFile(persons_file).metadata.num_rows
    if suffix == ".xlsx" and total > EXCEL_MAX_ROWS:
        raise CompareRefused(f"共 {total} 人，超过 Excel 单表行数上限，请导出为 .csv 或 .parquet")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    if suffix == ".csv":
        with tmp.open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=COLUMNS)
            writer.writeheader()
            for rows in registry_rows(persons_file):
                writer.writerows(rows)
    elif suffix == ".parquet":
        schema = pa.schema([(c, pa.string()) for c in COLUMNS])
        with pq.ParquetWriter(tmp, schema, compression="zstd") as writer:
            for rows in registry_rows(persons_file):
                writer.write_table(pa.Table.from_pylist(rows, schema=schema))
    else:
        import xlsxwriter

        book = xlsxwriter.Workbook(
            str(tmp), {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
        )
        sheet = book.add_worksheet("全民参保登记库")
        sheet.write_row(0, 0, COLUMNS)
        n = 1
        for rows in registry_rows(persons_file):
            for row in rows:
                sheet.write_row(
                    n, 0, [row[c] for c in COLUMNS]
                )  # all text: ID numbers must not become numbers
                n += 1
        book.close()
    tmp.replace(out)
    audit_record(
        actor=actor,
        action="export",
        object_type="registry",
        object_ref=f"run:{run.pk}",
        detail={"file": out.name, "rows": total, "masked": False},
    )
    return total
