"""Benchmark of import → compare → publish → export, against the bare join measured in the same run.

    .venv/bin/python bench/compare.py --persons 1000000 [--city DIR] [--database-url URL] [--work DIR]
        [--from rerun] [--append docs/benchmarks.md]

Each phase runs as its own child process (`bench/_phase.py`), so its wall time and peak RSS are its
own. The *bare join* is one DuckDB query over the same staged files: per register person, how many rows
each insurance file holds for them — the floor any comparison has to pay. The re-run changes 1 % of the
persons (a new register extract of a later date with their addresses changed) and publishes again.
Defaults to PostgreSQL at 127.0.0.1 (database canbao_bench, dropped and re-created). Before the re-run
the database is copied to <name>_before_rerun; `--from rerun --work DIR` (the same --work as the full
run) measures the re-run alone again from that copy, e.g. after a change to publishing; `--from engine`
the bare join and the engine alone (no publish) on the staged inputs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from generate import machine  # noqa: E402

AS_OF = "2026-09-30"
AS_OF2 = "2026-10-31"


def phase(name: str, env: dict[str, str], *args: str) -> dict:
    load_before = os.getloadavg()[0]
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "_phase.py"), name, *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit(f"phase {name} failed")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    # Load average before and after: the machine may be shared (2 cores; a load of 4 halves a phase's share).
    result["load"] = (load_before, os.getloadavg()[0])
    print(
        f"  {name:<12} {result['seconds']:8.1f} s   CPU {result['cpu_s']:7.1f} s   peak RSS {result['maxrss_mb']:7.0f} MB   "
        f"load {result['load'][0]:.1f}→{result['load'][1]:.1f}   {result.get('note', '')}",
        flush=True,
    )
    if "timings" in result:
        slow = sorted(result["timings"].items(), key=lambda kv: -kv[1])[:8]
        print("               " + ", ".join(f"{k} {v:.1f}" for k, v in slow), flush=True)
    return result


def copy_database(url: str, *, from_snapshot: bool) -> None:
    """Keep the database as it is before the re-run (<name>_before_rerun), or go back to that copy."""
    name = url.rpartition("/")[2]
    if from_snapshot:
        reset_database(url, template=f"{name}_before_rerun")
    else:
        reset_database(f"{url}_before_rerun", template=name)


def reset_database(url: str, template: str | None = None) -> None:
    """Drop and create the database of `url`, empty or as a copy of the database `template`."""
    if not url.startswith("postgres"):
        return
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(base + "/postgres", autocommit=True) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        con.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--persons", type=int, default=1_000_000)
    ap.add_argument("--city", type=Path, help="reuse a city made by canbao demo-data")
    ap.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/canbao_bench"),
    )
    ap.add_argument("--work", type=Path, help="keep the run's files here (default: a new temporary folder)")
    ap.add_argument("--from", dest="start", choices=["import", "rerun", "engine"], default="import")
    ap.add_argument("--append", type=Path)
    args = ap.parse_args()
    m = machine()
    print(f"machine: {m['cpu']}, {m['cores']} cores, {m['ram']}, Python {m['python']}")
    work = args.work or Path(tempfile.mkdtemp(prefix="canbao-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    city = args.city or work / "city"
    env = {**os.environ, "CANBAO_HOME": str(work / "home"), "DATABASE_URL": args.database_url}
    if args.start == "engine":  # the engine alone again on the staged inputs, nothing published
        bare = phase("bare_join", env, AS_OF)
        engine = phase("engine", env, AS_OF, str(work / "engine-again"))
        floor = phase("floor", env, AS_OF, str(work / "engine-again"))
        total = sum(engine["timings"].values())
        least = sum(floor["timings"].values())
        print(
            f"engine {total:.1f} s = {total / bare['seconds']:.1f} × bare join {bare['seconds']:.1f} s; "
            f"reading every input column and writing the results alone: {least:.1f} s = {least / bare['seconds']:.1f} × bare join"
        )
        return
    if args.start == "rerun":
        copy_database(args.database_url, from_snapshot=True)
        rerun = phase("compare", env, AS_OF2)
        print(f"re-run publish {rerun['timings']['publish']:.1f} s ({rerun['note']})")
        return
    reset_database(args.database_url)
    if not (city / "manifest.json").exists():
        print(f"generating {args.persons} persons …", flush=True)
        subprocess.run(
            [
                str(ROOT / ".venv/bin/canbao"),
                "demo-data",
                "--persons",
                str(args.persons),
                "--out",
                str(city),
                "--as-of",
                AS_OF,
            ],
            check=True,
            env=env,
            stderr=subprocess.DEVNULL,
        )
    print(f"persons {args.persons}, database {args.database_url.split('@')[-1]}")
    results = {
        "import": phase("import", env, str(city), AS_OF),
        "bare_join": phase("bare_join", env, AS_OF),
        "compare": phase("compare", env, AS_OF),
        "export": phase("export", env, str(work / "registry.parquet")),
        "change_1pct": phase("change", env, str(city), str(work / "changed"), AS_OF2),
    }
    copy_database(args.database_url, from_snapshot=False)
    results["rerun"] = phase("compare", env, AS_OF2)
    (work / "results.json").write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")
    print(f"all figures: {work / 'results.json'}")
    engine = results["compare"]["timings"]
    engine_s = sum(v for k, v in engine.items() if k not in ("publish",))
    ratio = engine_s / results["bare_join"]["seconds"]
    print(f"comparison (engine) {engine_s:.1f} s = {ratio:.2f} × bare join; first publish {engine['publish']:.1f} s; "
          f"re-run publish {results['rerun']['timings']['publish']:.1f} s")  # fmt: skip
    row = (
        f"| {dt.date.today()} | {m['cpu']}, {m['cores']} cores, {m['ram']} | {args.persons:,} | "
        f"{results['import']['seconds']:.0f} s / {results['import']['maxrss_mb']:.0f} MB | "
        f"{results['bare_join']['seconds']:.1f} s | {engine_s:.1f} s ({ratio:.2f}×) / {results['compare']['maxrss_mb']:.0f} MB | "
        f"{engine['publish']:.0f} s | {results['export']['seconds']:.0f} s | {results['rerun']['timings']['publish']:.1f} s |"
    )
    print(row)
    if args.append:
        with args.append.open("a", encoding="utf-8") as fh:
            fh.write(row + "\n")


if __name__ == "__main__":
    main()
