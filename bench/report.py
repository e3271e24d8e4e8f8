"""Benchmark of the quarterly report, its drill-down, the dashboard and the report's files at N persons.

    .venv/bin/python bench/report.py [--persons 10000000] [--repeat 5] [--database-url URL] [--home DIR]
        [--reset] [--setup-only] [--append docs/benchmarks.md]

Setup (skipped when the database and the home folder already hold this benchmark's N persons): a fresh
PostgreSQL database (migrated), a city of 10 counties × 15 townships × 15 villages, and a synthetic
persons.parquet of N persons written directly by DuckDB (generate_series with hash-based columns:
placement over the villages and, for a few non-local persons, at county codes; population group and
outcome coupled as the rules couple them; statuses per line incl. 91/92/94/95; flags; an 18-character
ID number) sorted by pkey and written as the pipeline writes it (zstd, 1,000,000-row groups), plus a
published ComparisonRun of 2026Q3 pointing at it. The persons of one village are also published into
the registry (persons_upsert, same ID numbers), so that the drill-down page's person links resolve for
that village; every other drill-down page pays the same one indexed look-up of its 50 hashes and finds
nothing, which is the same query cost.

Measured in-process with Django's test Client (logged-in data officer at the city node and a county
reviewer at a county node), each case once cold and then --repeat times (median, max): the report's
service (quarter_report) and its page for the city and for a county; drill-down pages (合计 column 7
page 1, the middle and the last page; the last page of 合计 column 2; a county row column 9, pages 1, 100
and 90 % down; a small cell); the dashboard of the city and of a county;
the report as CSV and XLSX. Baselines in the same run: DuckDB `SELECT count(*)` over the same file
(metadata only), one scan of the AAB301 column with the city's prefix filter (the floor of any question
over all persons), and the home page `/` (the whole middleware stack, no report). Goals (issue 7):
report ≤ 2 s, drill-down page ≤ 300 ms. Defaults to PostgreSQL at 127.0.0.1, database
canbao_benchreport10m.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from generate import machine  # noqa: E402

from web import CITY4, build_tree, reset_database  # noqa: E402 - the same city as bench/web

PASSWORD = "Bench@2026report"
CITY = CITY4 + "0" * 8
AS_OF = dt.date(2026, 9, 30)
PERIOD = "2026Q3"
GOAL_REPORT, GOAL_DRILL = 2.0, 0.3

# outcome → (AIC003, AKC003, ALC003, AJC003, AMC003) choices, roughly as a city looks.
STATUS_SETS = {
    1: [("11", "21", "30", "40", "50"), ("12", "27", "95", "95", "95"), ("12", "23", "91", "91", "91"),
        ("13", "21", "30", "40", "50"), ("12", "27", "92", "92", "92")],
    2: [("81", "81", "81", "81", "81"), ("81", "27", "95", "95", "95")],
    3: [("82", "82", "82", "82", "82")],
    4: [("91", "91", "91", "91", "91"), ("94", "27", "91", "91", "91"), ("91", "92", "92", "92", "92"),
        ("12", "91", "95", "95", "95")],
    5: [("12", "27", "95", "95", "95"), ("91", "23", "91", "91", "91")],
}  # fmt: skip
STATUS_COLUMNS = ("AIC003", "AKC003", "ALC003", "AJC003", "AMC003")


# -- setup -------------------------------------------------------------------------------------


def _pick(options: list[str], rnd: str) -> str:
    """A SQL expression choosing one of `options` (SQL literals) by the integer expression `rnd`."""
    return f"[{', '.join(options)}][1 + CAST(({rnd}) % {len(options)} AS BIGINT)]"


def persons_sql(n: int, out: Path) -> str:
    """One COPY writing N persons, sorted by pkey, as the pipeline writes persons.parquet."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    check = " + ".join(f"CAST(substr(first17, {k + 1}, 1) AS INTEGER) * {w}" for k, w in enumerate(weights))
    statuses = []
    for i, column in enumerate(STATUS_COLUMNS):
        whens = " ".join(
            f"WHEN {o} THEN {_pick([repr(s[i]) for s in sets], 'rs')}" for o, sets in STATUS_SETS.items()
        )
        statuses.append(f"CASE outcome {whens} END AS {column}")
        statuses.append(f"CASE WHEN {column} IN ('91', '92', '94', '95') THEN 2 ELSE 1 END AS {column}_rule")
    surnames = ["'王'", "'李'", "'张'", "'刘'", "'陈'", "'杨'", "'赵'", "'黄'", "'周'", "'吴'"]
    given = ["'伟'", "'芳'", "'娜'", "'敏'", "'静'", "'丽'", "'强'", "'磊'", "'军'", "'洋'", "'勇'", "'艳'"]
    return f"""
    COPY (
      WITH b AS (
        SELECT i, CAST(hash(i * 8) % 1000000007 AS BIGINT) AS hv, CAST(hash(i * 8 + 1) % 1000 AS BIGINT) AS rg,
               CAST(hash(i * 8 + 2) % 1000 AS BIGINT) AS ro, CAST(hash(i * 8 + 3) % 1000 AS BIGINT) AS rs,
               CAST(hash(i * 8 + 4) % 1000 AS BIGINT) AS rf, CAST(hash(i * 8 + 5) % 1000 AS BIGINT) AS rr,
               i % 20000 AS day, i // 20000 AS seq
        FROM range({int(n)}) t(i)
      ), g AS (
        SELECT *, CASE WHEN rg < 800 THEN 1 WHEN rg < 920 THEN 2 WHEN rg < 970 THEN 3 ELSE 4 END AS grp FROM b
      ), o AS (
        SELECT *, CASE WHEN grp = 1 THEN CASE WHEN ro < 700 THEN 1 WHEN ro < 750 THEN 2 WHEN ro < 800 THEN 3
                                                WHEN ro < 950 THEN 4 ELSE 5 END
                       WHEN grp = 2 THEN CASE WHEN ro < 900 THEN 1 ELSE 4 END
                       ELSE CASE WHEN ro < 800 THEN 4 ELSE 5 END END AS outcome
        FROM g
      ), placed AS (
        SELECT o.*, v.code AS village, v.county,
               CASE WHEN grp = 2 AND rr < 50 THEN v.county ELSE v.code END AS AAB301,
               CASE WHEN rr < 850 THEN substr(v.county, 1, 6) WHEN rr < 950 THEN v.other ELSE '510921' END AS region,
               strftime(DATE '1945-01-01' + CAST(day AS INTEGER), '%Y%m%d') AS birth
        FROM o JOIN v ON v.vi = o.hv % (SELECT count(*) FROM v)
      ), ids AS (
        SELECT *, region || birth || lpad(CAST(seq AS VARCHAR), 3, '0') AS first17 FROM placed
      ), withid AS (
        SELECT *, CASE WHEN grp = 4 AND rs < 100 THEN NULL
                       ELSE first17 || substr('10X98765432', 1 + ({check}) % 11, 1) END AS AAC002
        FROM ids
      )
      SELECT coalesce(AAC002, '#' || lpad(CAST(i AS VARCHAR), 10, '0')) AS pkey, AAC002,
             {_pick(surnames, "rr")} || {_pick(given, "i // 7")} || {_pick(given, "i // 13")} AS AAC003,
             CASE WHEN seq % 2 = 1 THEN '1' ELSE '2' END AS AAC004, birth AS AAC006,
             CASE WHEN rr % 3 = 0 THEN '20' ELSE '10' END AS AAC009, substr(village, 1, 6) AS AAC010,
             AAB301, '某街道' || CAST(1 + rr % 120 AS VARCHAR) || '号' AS AAE006,
             CASE WHEN rr < 600 THEN '138' || lpad(CAST(i AS VARCHAR), 8, '0') END AS AAE005, '01' AS AAC005,
             {", ".join(statuses)},
             CAST(outcome AS INTEGER) AS outcome,
             concat_ws(';', CASE WHEN rf < 30 THEN 'DUP_PENSION' END, CASE WHEN rf BETWEEN 30 AND 34 THEN 'DUP_MEDICAL' END,
                       CASE WHEN rf = 999 THEN 'DUP_BENEFIT_PENSION' END, CASE WHEN rf = 998 THEN 'DUP_BENEFIT_MEDICAL' END,
                       CASE WHEN rf % 100 = 7 THEN 'NAME_MISMATCH' END, CASE WHEN grp = 2 THEN 'NONLOCAL' END) AS flags,
             CASE WHEN outcome IN (4, 5) THEN {_pick(["'UNINSURED'", "'PARTIAL'", "'UNINSURED;INFO_MISSING'", "'INTERRUPTED'"], "rs")}
                  ELSE '' END AS survey_reasons,
             CAST(grp AS INTEGER) AS population_group, rf < 850 AS complete,
             CASE WHEN rs < 500 THEN '1' END AS employment_status, NULL::VARCHAR AS employer_aab998,
             NULL::VARCHAR AS employer_name,
             CASE WHEN outcome IN (4, 5) AND rr < 200 THEN {_pick(["'20'", "'21'", "'30'", "'40'"], "rs")} END AS uninsured_reason,
             NULL::VARCHAR AS AAE014, NULL::VARCHAR AS AAE015
      FROM withid ORDER BY pkey
    ) TO '{out}' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 1000000)
    """  # noqa: S608 - our own constants


def write_persons(tree: list[dict[str, Any]], n: int, out: Path) -> None:
    import duckdb

    villages = [r["AAB301"] for r in tree if r["level"] == 5]
    counties = sorted({v[:6] for v in villages})
    out.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect() as con:
        con.execute("SET preserve_insertion_order = false")
        con.execute("CREATE TABLE v (vi BIGINT, code VARCHAR, county VARCHAR, other VARCHAR)")
        con.executemany(
            "INSERT INTO v VALUES (?, ?, ?, ?)",
            [
                (i, code, code[:6] + "000000", counties[(counties.index(code[:6]) + 1) % len(counties)])
                for i, code in enumerate(villages)
            ],
        )
        con.execute(persons_sql(n, out))


def setup(args: argparse.Namespace) -> None:
    """Database, tree, persons.parquet, run, one village in the registry, two accounts."""
    from canbao.cli.common import setup_django

    if args.database_url.startswith("postgres"):
        reset_database(args.database_url)
    setup_django()
    from django.utils import timezone

    from canbao.accounts.models import User
    from canbao.accounts.services import user_create
    from canbao.cli.common import operator
    from canbao.comparison.models import ComparisonRun
    from canbao.divisions.services import divisions_load
    from canbao.registry.services import persons_upsert

    tree = build_tree()
    loaded, refused = divisions_load(tree)
    assert not refused, refused[:3]
    result = Path(args.home) / "run"
    persons = result / "persons.parquet"
    start = time.perf_counter()
    write_persons(tree, args.persons, persons)
    print(f"  persons.parquet: {args.persons:,} persons in {time.perf_counter() - start:.0f} s, "
          f"{persons.stat().st_size / 2**20:,.0f} MB", flush=True)  # fmt: skip
    ComparisonRun.objects.create(as_of=AS_OF, rules_version="bench", rules_digest="", status="done",
                                 published=True, result_dir=str(result), started_by="bench",
                                 finished_at=timezone.now())  # fmt: skip
    import duckdb

    village = first_village(tree)
    rows = duckdb.sql(
        f"SELECT AAC002, AAC003, AAC004, AAB301, population_group FROM read_parquet('{persons}') "  # noqa: S608
        f"WHERE AAB301 = '{village}' AND AAC002 IS NOT NULL"
    ).fetchall()
    start = time.perf_counter()
    persons_upsert(
        ({"aac002": a, "aac003": name, "aac004": sex, "placement_id": place, "population_group": grp}
         for a, name, sex, place, grp in rows),
        actor="bench", source="bench",
    )  # fmt: skip
    print(f"  registry: {len(rows):,} persons of village {village} in {time.perf_counter() - start:.1f} s")
    for username, role, node in (("city_officer", "data_officer", CITY), ("county_reviewer", "county_reviewer",
                                 first_county(tree))):  # fmt: skip
        user_create(username=username, roles=[role], node_code=node, password=PASSWORD, actor=operator())
    User.objects.update(pledge_accepted_at=timezone.now())
    (Path(args.home) / "bench-report.json").write_text(
        json.dumps({"database": args.database_url, "persons": args.persons})
    )


def first_county(tree: list[dict[str, Any]]) -> str:
    return next(r["AAB301"] for r in tree if r["level"] == 3)


def first_village(tree: list[dict[str, Any]]) -> str:
    return next(r["AAB301"] for r in tree if r["level"] == 5)


def ready(args: argparse.Namespace) -> bool:
    marker = Path(args.home) / "bench-report.json"
    if not (marker.exists() and (Path(args.home) / "run" / "persons.parquet").exists()):
        return False
    if json.loads(marker.read_text()) != {"database": args.database_url, "persons": args.persons}:
        return False
    import psycopg

    try:  # the database may have been dropped since (it is reused by name)
        with psycopg.connect(args.database_url) as con:
            row = con.execute("SELECT count(*) FROM comparison_comparisonrun WHERE result_dir = %s",
                              [str(Path(args.home) / "run")]).fetchone()  # fmt: skip
    except psycopg.Error:
        return False
    return bool(row and row[0])


# -- measurement -------------------------------------------------------------------------------


def timed(fn: Callable[[], object], repeat: int) -> dict[str, float]:
    start = time.perf_counter()
    fn()
    cold = time.perf_counter() - start
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return {"cold": cold, "median": statistics.median(times), "max": max(times)}


def page(client: Any, url: str, params: dict[str, str], expect: str = "") -> Callable[[], object]:
    def get() -> object:
        response = client.get(url, params)
        assert response.status_code == 200, (url, params, response.status_code)
        body = response.content
        if expect:
            assert expect.encode() in body, (url, params, expect)
        return body

    return get


def measure(args: argparse.Namespace) -> list[tuple[str, dict[str, float], str]]:
    from canbao.cli.common import setup_django

    setup_django()
    import duckdb
    from django.test import Client

    from canbao.divisions.models import Division
    from canbao.reports.services import node_for, quarter_report

    persons = str(Path(args.home) / "run" / "persons.parquet")
    tree = build_tree()
    county, village = first_county(tree), first_village(tree)
    township = village[:9] + "000"
    out: list[tuple[str, dict[str, float], str]] = []

    def record(name: str, fn: Callable[[], object], goal: float | None = None) -> None:
        figures = timed(fn, args.repeat)
        verdict = "" if goal is None else ("met" if figures["max"] <= goal else "MISSED")
        out.append((name, figures, verdict))
        print(f"  {name:<46} cold {figures['cold'] * 1000:8.0f} ms   median {figures['median'] * 1000:8.0f} ms"
              f"   max {figures['max'] * 1000:8.0f} ms   {verdict}", flush=True)  # fmt: skip

    print("baselines")
    record("duckdb count(*) (metadata)", lambda: duckdb.sql(f"SELECT count(*) FROM read_parquet('{persons}')").fetchall())  # fmt: skip
    record(
        "duckdb scan of AAB301, city prefix",
        lambda: duckdb.sql(
            f"SELECT count(*) FROM read_parquet('{persons}') WHERE starts_with(AAB301, '{CITY4}')"  # noqa: S608
        ).fetchall(),
    )
    officer, reviewer = Client(), Client()
    for client, username in ((officer, "city_officer"), (reviewer, "county_reviewer")):
        response = client.post("/login/", {"username": username, "password": PASSWORD})
        assert response.status_code == 302, response.content.decode()[:500]
    record("home page / (trivial page)", page(officer, "/", {}))

    print("quarterly report")
    city_node, county_node = Division.objects.get(code=CITY), Division.objects.get(code=county)
    record(
        "service quarter_report, city",
        lambda: quarter_report(node=city_node, period=PERIOD).report,
        GOAL_REPORT,
    )
    record(
        "service quarter_report, county",
        lambda: quarter_report(node=county_node, period=PERIOD).report,
        GOAL_REPORT,
    )
    q = quarter_report(node=node_for(None, CITY), period=PERIOD)
    print(f"    city 合计: col 2 {q.report.total.cells[2]:,}, col 7 {q.report.total.cells[7]:,}, "
          f"col 9 {q.report.total.cells[9]:,}; breaches {len(q.report.breaches)}")  # fmt: skip
    report = "/reports/quarterly/"
    record(
        "page, city (officer)", page(officer, report, {"node": CITY, "period": PERIOD}, "合计"), GOAL_REPORT
    )
    record("page, county (reviewer)", page(reviewer, report, {"node": county, "period": PERIOD}, "合计"), GOAL_REPORT)  # fmt: skip

    print("drill-down (50 persons a page)")
    cell = "/reports/quarterly/cell/"
    col7 = q.report.total.cells[7]
    far = max(1, (col7 // 50) // 2)
    city_cell = {"node": CITY, "period": PERIOD}
    record(
        "合计 col 7, page 1", page(officer, cell, {**city_cell, "row": "合计", "col": "7"}, "共"), GOAL_DRILL
    )
    record(f"合计 col 7, page {far:,}", page(officer, cell, {**city_cell, "row": "合计", "col": "7", "page": str(far)}), GOAL_DRILL)  # fmt: skip
    last = max(1, (col7 + 49) // 50)
    record(f"合计 col 7, last page {last:,}", page(officer, cell, {**city_cell, "row": "合计", "col": "7", "page": str(last)}), GOAL_DRILL)  # fmt: skip
    col2_last = max(1, (q.report.total.cells[2] + 49) // 50)  # the deepest page: past ~80 % of all persons
    record(f"合计 col 2, last page {col2_last:,}", page(officer, cell, {**city_cell, "row": "合计", "col": "2", "page": str(col2_last)}), GOAL_DRILL)  # fmt: skip
    record("county row col 9, page 1", page(officer, cell, {**city_cell, "row": county, "col": "9"}, "共"), GOAL_DRILL)  # fmt: skip
    record("county row col 9, page 100", page(officer, cell, {**city_cell, "row": county, "col": "9", "page": "100"}), GOAL_DRILL)  # fmt: skip
    county9 = next(r.cells[9] for r in q.report.rows if r.code == county)
    deep = max(1, (county9 // 50) * 9 // 10)
    record(f"county row col 9, page {deep:,}", page(officer, cell, {**city_cell, "row": county, "col": "9", "page": str(deep)}), GOAL_DRILL)  # fmt: skip
    record("small cell: township row col 11 (reviewer)", page(reviewer, cell, {"node": county, "period": PERIOD, "row": township, "col": "11"}, "共"), GOAL_DRILL)  # fmt: skip
    record("village in registry: col 7, links", page(reviewer, cell, {"node": township, "period": PERIOD, "row": village, "col": "7"}, "/persons/"), GOAL_DRILL)  # fmt: skip

    print("dashboard")
    record("dashboard, city (officer)", page(officer, "/dashboard/", {"node": CITY}))
    record("dashboard, county (reviewer)", page(reviewer, "/dashboard/", {"node": county}))

    print("report files")
    record("CSV, city", page(officer, report, {"node": CITY, "period": PERIOD, "format": "csv"}), GOAL_REPORT)
    record(
        "XLSX, city", page(officer, report, {"node": CITY, "period": PERIOD, "format": "xlsx"}), GOAL_REPORT
    )
    return out


def load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def phase(name: str, args: argparse.Namespace) -> Any:
    """Run one phase in its own process (its own peak memory); returns what it wrote as JSON."""
    out = Path(args.home) / f"phase-{name}.json"
    out.unlink(missing_ok=True)
    subprocess.run(
        [sys.executable, __file__, f"--{name}-phase", json.dumps(vars(args), default=str)], check=True
    )
    return json.loads(out.read_text()) if out.exists() else None


def run_phase(name: str, options: argparse.Namespace) -> None:
    import pyarrow.parquet as pq

    from canbao.engine.report import files

    persons = Path(options.home) / "run" / "persons.parquet"
    result: Any = None
    if name == "setup":
        setup(options)
    elif name == "prepare":
        start = time.perf_counter()
        timings = files.prepare(persons)
        sizes = {f: round(persons.with_name(f).stat().st_size / 2**20) for f in (files.COUNTS, files.BY_AREA)}
        rows = {
            f: pq.ParquetFile(persons.with_name(f)).metadata.num_rows for f in (files.COUNTS, files.BY_AREA)
        }
        result = {"seconds": time.perf_counter() - start, "timings": timings, "mb": sizes, "rows": rows,
                  "persons_mb": round(persons.stat().st_size / 2**20)}  # fmt: skip
    else:
        result = {"cases": measure(options)}
    if result is not None:
        result["maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        result["load"] = load_average()
        (Path(options.home) / f"phase-{name}.json").write_text(json.dumps(result, ensure_ascii=False))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--persons", type=int, default=10_000_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/canbao_benchreport10m"
        ),
    )
    ap.add_argument("--home", default=str(Path(tempfile.gettempdir()) / "canbao-bench-report"))
    ap.add_argument("--reset", action="store_true")
    ap.add_argument("--setup-only", action="store_true")
    ap.add_argument("--only-with", action="store_true", help="skip the measurement without the derived files")
    ap.add_argument("--append", type=Path)
    args = ap.parse_args()
    m = machine()
    print(f"machine: {m['cpu']}, {m['cores']} cores, {m['ram']}, Python {m['python']}; load {load_average()}")
    if args.reset and Path(args.home).exists():
        shutil.rmtree(args.home)
    if not ready(args):
        print(f"setup: {args.persons:,} persons, database {args.database_url.rsplit('@')[-1]}", flush=True)
        phase("setup", args)
    if args.setup_only:
        return
    from canbao.engine.report import files

    run = Path(args.home) / "run"
    phases: dict[str, Any] = {}
    if not args.only_with:
        for name in (files.COUNTS, files.BY_AREA):
            (run / name).unlink(missing_ok=True)
        print(
            "== without the derived files (every page reads persons.parquet; as before the fix)", flush=True
        )
        phases["without"] = phase("measure", args)
        print(f"  peak RSS {phases['without']['maxrss_mb']:,.0f} MB; load {phases['without']['load']}")
    if not (
        files.derived(run / "persons.parquet", files.COUNTS)
        and files.derived(run / "persons.parquet", files.BY_AREA)
    ):
        prepared = phase("prepare", args)
        print(f"== derived files written in {prepared['seconds']:.1f} s ({prepared['timings']}), sizes MB "
              f"{prepared['mb']} (persons.parquet {prepared['persons_mb']} MB), rows {prepared['rows']}, "
              f"peak RSS {prepared['maxrss_mb']:,.0f} MB", flush=True)  # fmt: skip
    print("== with report_counts.parquet and persons_by_area.parquet", flush=True)
    phases["with"] = phase("measure", args)
    print(f"  peak RSS {phases['with']['maxrss_mb']:,.0f} MB; load {phases['with']['load']}")
    rows = []
    for i, (name, after, verdict) in enumerate(phases["with"]["cases"]):
        before = phases["without"]["cases"][i][1] if "without" in phases else None
        was = f"{before['median'] * 1000:,.0f} / {before['max'] * 1000:,.0f}" if before else "—"
        rows.append(f"| {name} | {was} | {after['cold'] * 1000:,.0f} | {after['median'] * 1000:,.0f} / "
                    f"{after['max'] * 1000:,.0f} | {verdict} |")  # fmt: skip
    table = "| case | without: median / max ms | with: cold ms | with: median / max ms | goal |\n|---|---|---|---|---|\n"
    print(table + "\n".join(rows))
    if args.append:
        with args.append.open("a", encoding="utf-8") as fh:
            fh.write(
                f"\n{dt.date.today()}, {args.persons:,} persons, load {load_average()}\n\n"
                + table
                + "\n".join(rows)
                + "\n"
            )


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1].endswith("-phase"):
        options = argparse.Namespace(**json.loads(sys.argv[2]))
        os.environ["CANBAO_HOME"] = str(Path(options.home) / "home")
        os.environ["DATABASE_URL"] = options.database_url
        run_phase(sys.argv[1][2:].removesuffix("-phase"), options)
    else:
        main()
