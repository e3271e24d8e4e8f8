"""Benchmark of `canbao demo-data`: persons per second and peak memory of the synthetic city.

    .venv/bin/python bench/generate.py [--persons 1000000] [--workers N] [--append bench/results.md]

Prints the machine, runs the generator in a child process (so its peak RSS is its own), samples the
RSS and PSS of the whole process tree (main process and workers) while it runs, measures a baseline in
the same run (writing the same number of rows of random numbers with the csv module, one process),
and prints a Markdown table row.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADER = (
    "| date | machine | persons | workers | seconds | persons/s | peak RSS tree MB | peak PSS tree MB "
    "| main RSS MB | worker RSS MB | output MB | baseline rows/s | persons/s ÷ baseline rows/s |"
)


def machine() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "ram": ram,
        "python": platform.python_version(),
        "os": platform.platform(),
    }


def _tree(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                todo += [int(c) for c in Path(f"/proc/{p}/task/{task}/children").read_text().split()]
        except OSError:
            continue
    return out


def _mem_kb(pid: int) -> tuple[int, int]:
    rss = pss = 0
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Rss:"):
                rss = int(line.split()[1])
            elif line.startswith("Pss:"):
                pss = int(line.split()[1])
    except OSError:
        pass
    return rss, pss


class Sampler(threading.Thread):
    """Peak RSS and PSS summed over the child's process tree (workers included)."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak_rss, self.peak_pss = pid, 0, 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(0.2):
            mem = [_mem_kb(p) for p in _tree(self.pid)]
            self.peak_rss = max(self.peak_rss, sum(m[0] for m in mem))
            self.peak_pss = max(self.peak_pss, sum(m[1] for m in mem))


def child(args: argparse.Namespace) -> None:
    """Runs in the child process: generate, then report own and workers' peak RSS."""
    sys.path.insert(0, str(ROOT / "src"))
    from canbao.engine.synth import generate

    def progress(done: int, total: int) -> None:
        print(f"已生成 {done}/{total} 人", file=sys.stderr, flush=True)

    t = time.perf_counter()
    manifest = generate(Path(args.out), args.persons, args.seed, dt.date(2026, 9, 30), progress, args.workers)
    seconds = time.perf_counter() - t
    report = {
        "seconds": seconds,
        "main_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "worker_rss_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
        "files": [(f["file"], f["rows"], f["bytes"]) for f in manifest["files"]],  # type: ignore[index]
    }
    print(json.dumps(report))


def baseline(rows: int, path: Path) -> float:
    """Rows per second for writing `rows` rows of 11 random numbers with the csv module."""
    rng = random.Random(0)
    t = time.perf_counter()
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        for _ in range(rows // 1000):
            w.writerows([[rng.randrange(10**9) for _ in range(11)] for _ in range(1000)])
    return rows / (time.perf_counter() - t)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--persons", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--keep", help="write the city here instead of a temporary directory")
    ap.add_argument("--append", help="append the Markdown row to this file")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args)
        return 0

    m = machine()
    print(f"machine: {m['cpu']}, {m['cores']} cores, {m['ram']} RAM, Python {m['python']}, {m['os']}")
    with tempfile.TemporaryDirectory(prefix="canbao-bench-") as tmp:
        out = Path(args.keep) if args.keep else Path(tmp) / "city"
        cmd = [sys.executable, __file__, "--child", "--out", str(out), "--persons", str(args.persons)]
        cmd += ["--seed", str(args.seed)] + (["--workers", str(args.workers)] if args.workers else [])
        t = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
        sampler = Sampler(proc.pid)
        sampler.start()
        stdout, _ = proc.communicate()
        wall = time.perf_counter() - t
        sampler.stop.set()
        sampler.join()
        if proc.returncode:
            print(f"generator failed (exit {proc.returncode})", file=sys.stderr)
            return 1
        report = json.loads(stdout.strip().splitlines()[-1])
        base = baseline(min(args.persons, 2_000_000), Path(tmp) / "baseline.csv")

    rate = args.persons / report["seconds"]
    size = sum(b for _, _, b in report["files"])
    workers = args.workers or min(os.cpu_count() or 1, 8)
    print(f"\n{'file':32} {'rows':>12} {'MB':>10}")
    for name, rows, b in report["files"]:
        print(f"{name:32} {rows:>12,} {b / 1e6:>10.1f}")
    print(
        f"\ngenerated {args.persons:,} persons in {report['seconds']:.1f} s (child wall {wall:.1f} s): {rate:,.0f} persons/s"
    )
    print(
        f"peak memory: tree RSS {sampler.peak_rss / 1024:.0f} MB, tree PSS {sampler.peak_pss / 1024:.0f} MB, "
        f"main {report['main_rss_kb'] / 1024:.0f} MB, largest worker {report['worker_rss_kb'] / 1024:.0f} MB"
    )
    print(f"baseline: csv.writer of random numbers {base:,.0f} rows/s; ratio {rate / base:.3f}\n")
    row = (
        f"| {dt.date.today()} | {m['cpu']}, {m['cores']} cores, {m['ram']}, Python {m['python']} | {args.persons:,} "
        f"| {workers} | {report['seconds']:.1f} | {rate:,.0f} | {sampler.peak_rss / 1024:.0f} "
        f"| {sampler.peak_pss / 1024:.0f} | {report['main_rss_kb'] / 1024:.0f} | {report['worker_rss_kb'] / 1024:.0f} "
        f"| {size / 1e6:,.0f} | {base:,.0f} | {rate / base:.3f} |"
    )
    print(HEADER)
    print("|" + "---|" * HEADER.count(" | ") + "---|")
    print(row)
    if args.append:
        path = Path(args.append)
        new = not path.exists()
        with path.open("a", encoding="utf-8") as f:
            if new:
                f.write(HEADER + "\n|" + "---|" * (HEADER.count(" | ") + 1) + "\n")
            f.write(row + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
