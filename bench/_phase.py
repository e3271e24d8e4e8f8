"""One phase of bench/compare.py, run in its own process; prints a JSON line with seconds and peak RSS."""

from __future__ import annotations

import csv
import datetime as dt
import json
import resource
import sys
import time
from pathlib import Path

from canbao.engine.kinds import IMPORT_ORDER


def setup() -> None:
    from canbao.cli.common import setup_django

    setup_django()


def do_import(city: str, as_of: str) -> dict:
    from canbao.cli.common import operator
    from canbao.comparison.imports import import_extract

    manifest = json.loads((Path(city) / "manifest.json").read_text(encoding="utf-8"))
    rows = 0
    for kind in IMPORT_ORDER:
        for entry in (f for f in manifest["files"] if f["kind"] == kind):
            out = import_extract(
                path=Path(city) / entry["file"],
                kind=kind,
                as_of=dt.date.fromisoformat(as_of),
                actor=operator(),
            )
            rows += out.rows_read
    return {"note": f"{rows:,} rows"}


def do_bare_join(as_of: str) -> dict:
    import duckdb

    from canbao.comparison.imports import latest_batches

    day = dt.date.fromisoformat(as_of)
    register = [b.staged_path for b in latest_batches("household_register", day)]
    insurance = [b.staged_path for b in latest_batches("insurance", day)]
    con = duckdb.connect()
    parts = ", ".join(f"i{n}.c AS file{n}" for n in range(len(insurance)))
    ctes = ", ".join(
        f"i{n} AS (SELECT AAC002, count(*) AS c FROM read_parquet('{p}') GROUP BY AAC002)"
        for n, p in enumerate(insurance)
    )
    joins = " ".join(f"LEFT JOIN i{n} ON i{n}.AAC002 = r.AAC002" for n in range(len(insurance)))
    files = ", ".join(f"'{p}'" for p in register)
    con.execute(
        f"CREATE TABLE bare AS WITH r AS (SELECT AAC002 FROM read_parquet([{files}])), {ctes} SELECT r.AAC002, {parts} FROM r {joins}"
    )
    n = con.execute("SELECT count(*) FROM bare").fetchone()[0]
    return {"note": f"{n:,} register persons × {len(insurance)} insurance files"}


def do_compare(as_of: str) -> dict:
    from canbao.cli.common import operator
    from canbao.comparison.runs import comparison_run

    run = comparison_run(as_of=dt.date.fromisoformat(as_of), actor=operator())
    return {"timings": run.timings, "note": json.dumps(run.publish_counts)}


def do_engine(as_of: str, out_dir: str) -> dict:
    """The engine alone (no publish) on the staged inputs: to measure it again after a change."""
    from canbao.comparison.runs import divisions_table, gather_inputs, survey_input, top_node
    from canbao.engine.compare.pipeline import run_comparison

    day = dt.date.fromisoformat(as_of)
    extracts, _ = gather_inputs(day)
    result = run_comparison(
        extracts=extracts,
        divisions=divisions_table(),
        as_of=day,
        out_dir=Path(out_dir),
        top_node=top_node().code,
        survey=survey_input(day),
    )
    return {"timings": result.timings, "note": f"{result.counts['persons']:,} persons"}


def do_floor(as_of: str, out_dir: str) -> dict:
    """The least any comparison writing these results must do, without a single rule: read every
    column of every staged input once, and write the engine's five result files again (from memory,
    with the engine's own writer). Measured beside the bare join, it says how much of the engine's
    time is rules and how much is reading and writing."""
    import duckdb
    import pyarrow.parquet as pq

    from canbao.comparison.runs import gather_inputs
    from canbao.engine.compare.output import write_parquet

    extracts, _ = gather_inputs(dt.date.fromisoformat(as_of))
    con = duckdb.connect()
    t0 = time.perf_counter()
    cells = 0
    for files in extracts.values():
        paths = ", ".join(f"'{f.path}'" for f in files)
        names = [
            c[0]
            for c in con.execute(
                f"DESCRIBE SELECT * FROM read_parquet([{paths}], union_by_name = true)"
            ).fetchall()
        ]
        # max(length(...)) decodes every value of every column (a count could read the validity alone)
        aggs = ", ".join(f"max(length(CAST({n} AS VARCHAR)))" for n in names)
        con.execute(f"SELECT count(*), {aggs} FROM read_parquet([{paths}], union_by_name = true)").fetchone()
        cells += len(names)
    read_s = time.perf_counter() - t0
    write_s = 0.0
    rows = 0
    for path in sorted(Path(out_dir).glob("*.parquet")):
        table = pq.read_table(path)
        rows += table.num_rows
        t1 = time.perf_counter()
        for _ in write_parquet(iter(table.to_batches(100_000)), table.schema, path.with_suffix(".again")):
            pass
        write_s += time.perf_counter() - t1
    return {
        "timings": {"read_inputs": read_s, "write_outputs": write_s},
        "note": f"read {cells} columns of {sum(len(f) for f in extracts.values())} files; wrote {rows:,} result rows",
    }


def do_export(out: str) -> dict:
    from canbao.cli.common import operator
    from canbao.comparison.export import export_registry

    n = export_registry(out=Path(out), actor=operator())
    return {"note": f"{n:,} rows"}


def do_change(city: str, out_dir: str, as_of: str) -> dict:
    """A later register extract in which every 100th person has a new address."""
    from canbao.cli.common import operator
    from canbao.comparison.imports import import_extract

    manifest = json.loads((Path(city) / "manifest.json").read_text(encoding="utf-8"))
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    changed = 0
    for entry in (f for f in manifest["files"] if f["kind"] == "household_register"):
        src = Path(city) / entry["file"]
        dst = Path(out_dir) / (Path(entry["file"]).stem + ".csv")
        with (
            src.open(encoding=entry["encoding"] or "utf-8", newline="") as fin,
            dst.open("w", encoding="utf-8", newline="") as fout,
        ):
            reader = csv.reader(fin)
            writer = csv.writer(fout)
            header = next(reader)
            writer.writerow(header)
            address = header.index("AAE006") if "AAE006" in header else None
            for i, row in enumerate(reader):
                if address is not None and i % 100 == 0 and len(row) > address:
                    row[address] = f"迁至新址{i}号"
                    changed += 1
                writer.writerow(row)
        import_extract(
            path=dst, kind="household_register", as_of=dt.date.fromisoformat(as_of), actor=operator()
        )
    return {"note": f"{changed:,} addresses changed"}


def main() -> None:
    name, *args = sys.argv[1:]
    setup()
    start = time.perf_counter()
    result = {
        "import": do_import,
        "bare_join": do_bare_join,
        "compare": do_compare,
        "engine": do_engine,
        "floor": do_floor,
        "export": do_export,
        "change": do_change,
    }[name](*args)
    result["seconds"] = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_SELF)
    result["maxrss_mb"] = usage.ru_maxrss / 1024
    # CPU time of this process (all its threads): comparable across runs when the machine is shared.
    result["cpu_s"] = usage.ru_utime + usage.ru_stime
    print(json.dumps(result, ensure_ascii=False, default=str))


if __name__ == "__main__":
    main()
