"""Benchmark of the person search and detail pages: 50 staff users on PostgreSQL, then the most requests/s.

    .venv/bin/python bench/web.py [--persons 10000000] [--users 50] [--duration 60] [--threads 12]
        [--workers N] [--database-url URL] [--home DIR] [--reset] [--setup-only] [--append docs/benchmarks.md]

Setup (skipped when the database and $CANBAO_HOME already hold this benchmark's N persons): a fresh
database, a city of 10 counties × 15 townships × 15 villages, N persons written by
`registry.services.persons_upsert` (ID numbers encrypted and hashed as in production, indexes built
once at the end), ANALYZE, and 50 staff accounts at the city, its counties and townships.

Load: `canbao serve` in a child process (gunicorn with --workers processes, by default one per CPU,
or waitress for one; the row's note says which); each simulated user logs in through /login/, then
loops: one search (by ID number of a person in their scope, by name prefix, or by area and a page),
waits, opens one result's detail page, waits. Latency is measured from sending the request to reading
the whole response, per kind. Then the same users without waiting (at two concurrency levels) give
the most requests per second the machine serves, with the p95 at that load.

Baselines measured in the same run: a `SELECT 1` round trip from Python, and the home page `/` (the
whole middleware stack, session and account look-up, template, no person query) requested by one idle
user. CPU a request: all the server's processes, and the PostgreSQL backends of the database.
Defaults to PostgreSQL at 127.0.0.1, database canbao_benchweb.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import http.cookies
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from generate import machine  # noqa: E402

PASSWORD = "Bench@2026web"
CITY4 = "5101"  # a real city code, so that ID numbers carry real county regions; all names invented
COUNTIES, TOWNSHIPS, VILLAGES = 10, 15, 15
SEARCH_KINDS = ("id", "name", "area")
KINDS = (*SEARCH_KINDS, "detail")
LINK = re.compile(r'href="/persons/(\d+)/"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


# -- setup -------------------------------------------------------------------------------------


def reset_database(url: str) -> None:
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(base + "/postgres", autocommit=True) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        con.execute(f'CREATE DATABASE "{name}"')


def database_ready(url: str, home: Path, persons: int) -> bool:
    """The database holds this benchmark's persons and the keys they were encrypted with are in `home`."""
    import psycopg

    marker = home / "bench-web.json"
    if not marker.exists() or json.loads(marker.read_text()) != {"database": url, "persons": persons}:
        return False
    try:
        with psycopg.connect(url) as con:
            row = con.execute("SELECT reltuples FROM pg_class WHERE relname = 'registry_person'").fetchone()
    except psycopg.Error:
        return False
    return row is not None and abs(row[0] - persons) <= persons * 0.02


def build_tree() -> list[dict[str, Any]]:
    from canbao.engine.synth.geography import Geography, _loc_counties

    rng = random.Random(7)
    counties = [c for c in _loc_counties()["51"] if c.startswith(CITY4)][:COUNTIES]
    top: set[str] = set()
    rows = [
        {"AAB301": "510000000000", "name": Geography._name(rng, "省", top), "level": 1, "parent": ""},
        {"AAB301": CITY4 + "0" * 8, "name": Geography._name(rng, "市", top), "level": 2, "parent": "510000000000"},
    ]  # fmt: skip
    for code6 in counties:
        county = code6 + "000000"
        rows.append(
            {"AAB301": county, "name": Geography._name(rng, "区", top), "level": 3, "parent": CITY4 + "0" * 8}
        )
        towns: set[str] = set()
        for t in range(TOWNSHIPS):
            town = f"{code6}{t + 1:03d}000"
            rows.append(
                {"AAB301": town, "name": Geography._name(rng, "镇", towns), "level": 4, "parent": county}
            )
            villages: set[str] = set()
            for v in range(VILLAGES):
                name = Geography._name(rng, "村", villages)
                rows.append({"AAB301": town[:9] + f"{v + 1:03d}", "name": name, "level": 5, "parent": town})
    for i, r in enumerate(rows):
        r["_line"] = i + 2
    return rows


STATUS_SETS = {  # outcome → (AIC003, AKC003, ALC003, AJC003, AMC003) choices, roughly as a city looks
    1: [("11", "21", "30", "40", "50"), ("12", "27", "95", "95", "95"), ("12", "23", "91", "91", "91")],
    2: [("81", "81", "81", "81", "81"), ("81", "27", "95", "95", "95")],
    3: [("82", "82", "82", "82", "82")],
    4: [("91", "91", "91", "91", "91"), ("94", "27", "91", "91", "91")],
}


def person_rows(tree: list[dict[str, Any]], n: int, seed: int = 1) -> Any:
    """N persons spread over the villages: invented names, valid unique ID numbers, statuses."""
    from canbao.engine.synth.ids import IdAllocator
    from canbao.engine.synth.names import ethnicity, person_name

    rng = random.Random(seed)
    names = {r["AAB301"]: r["name"] for r in tree}
    villages = [r for r in tree if r["level"] == 5]
    addresses = [names[v["AAB301"][:6] + "000000"] + names[v["parent"]] + v["name"] for v in villages]
    regions = sorted({v["AAB301"][:6] for v in villages})
    alloc = IdAllocator(regions, 0, 1)
    first, span = (
        dt.date(1940, 1, 1).toordinal(),
        dt.date(2008, 12, 31).toordinal() - dt.date(1940, 1, 1).toordinal(),
    )
    outcomes = [1] * 70 + [2] * 5 + [3] * 5 + [4] * 20
    r = rng.random
    for _ in range(n):
        vi = int(r() * len(villages))
        village = villages[vi]
        male = r() < 0.5
        birth = dt.date.fromordinal(first + int(r() * span))
        eth = ethnicity(rng)
        outcome = outcomes[int(r() * 100)]
        statuses = rng.choice(STATUS_SETS[outcome])
        yield {
            "aac002": alloc.new(village["AAB301"][:6], birth, male),
            "aae005": f"1{int(r() * 10**10):010d}" if r() < 0.6 else "",
            "aac003": person_name(rng, male, eth),
            "aac004": "1" if male else "2",
            "aac005": eth,
            "aac006": birth,
            "aac009": "1" if r() < 0.6 else "2",
            "aae006": f"{addresses[vi]}{1 + int(r() * 12)}组{1 + int(r() * 120)}号",
            "hukou_status": "1",
            "population_group": 1,
            "placement_id": village["AAB301"],
            "aic003": statuses[0], "akc003": statuses[1], "alc003": statuses[2], "ajc003": statuses[3],
            "amc003": statuses[4],
            "outcome": outcome,
            "complete": True,
            "status_rules": "11111",
        }  # fmt: skip


def staff_plan(tree: list[dict[str, Any]], users: int) -> list[tuple[str, str]]:
    """(role, node) for each account: 2 at the city, one reviewer and one viewer a county, the rest
    township clerks at distinct townships."""
    city = next(r["AAB301"] for r in tree if r["level"] == 2)
    counties = [r["AAB301"] for r in tree if r["level"] == 3]
    towns = [r["AAB301"] for r in tree if r["level"] == 4]
    plan = [("viewer", city), ("viewer", city)]
    plan += [("county_reviewer", c) for c in counties] + [("viewer", c) for c in counties[:8]]
    rest = max(0, users - len(plan))
    plan += [("township_clerk", towns[(i * 7) % len(towns)]) for i in range(rest)]
    return plan[:users]


def setup(persons: int, users: int) -> dict[str, float]:
    from django.db import connection, transaction
    from django.utils import timezone

    from canbao.accounts.models import User
    from canbao.accounts.services import user_create
    from canbao.cli.common import operator
    from canbao.divisions.services import divisions_load
    from canbao.registry.models import Person
    from canbao.registry.services import indexes_deferred, persons_upsert

    timings: dict[str, float] = {}
    tree = build_tree()
    t = time.perf_counter()
    loaded, refused = divisions_load(tree)
    assert not refused, refused[:3]
    timings["divisions"] = time.perf_counter() - t
    print(f"  divisions   {loaded:,} nodes in {timings['divisions']:.1f} s", flush=True)

    t = time.perf_counter()
    done = 0
    last = [t]

    def counted(rows: Any) -> Any:
        nonlocal done
        for row in rows:
            yield row
            done += 1
            if done % 250_000 == 0:
                now = time.perf_counter()
                print(f"    {done:,} persons, {250_000 / (now - last[0]):,.0f}/s", flush=True)
                last[0] = now
        last[0] = time.perf_counter()

    with transaction.atomic(), indexes_deferred(Person):
        counts = persons_upsert(counted(person_rows(tree, persons)), actor="bench", source="bench:web")
        rows_done = time.perf_counter()
    timings["persons"] = rows_done - t
    timings["indexes"] = time.perf_counter() - rows_done
    print(
        f"  persons     {counts.created:,} in {timings['persons']:.0f} s ({counts.created / timings['persons']:,.0f}/s); "
        f"indexes built and committed in {timings['indexes']:.0f} s",
        flush=True,
    )
    t = time.perf_counter()
    with connection.cursor() as cursor:
        # VACUUM too: a freshly loaded table has no visibility map (no index-only scans) and every
        # first read of a page would write its hint bits.
        cursor.execute("VACUUM ANALYZE")
    timings["analyze"] = time.perf_counter() - t

    t = time.perf_counter()
    for i, (role, node) in enumerate(staff_plan(tree, users)):
        user_create(
            username=f"bench{i + 1:02d}", roles=[role], node_code=node, password=PASSWORD, actor=operator()
        )
    User.objects.filter(username__startswith="bench").update(pledge_accepted_at=timezone.now())
    timings["accounts"] = time.perf_counter() - t
    print(
        f"  vacuum analyze {timings['analyze']:.0f} s, {users} accounts {timings['accounts']:.0f} s",
        flush=True,
    )
    return timings


def samples(k: int = 20_000) -> list[tuple[int, str, str, str]]:
    """Random persons (pk, ID number, name, placement) the users search for: their own real data."""
    from canbao.core import crypto
    from canbao.registry.models import Person

    top = Person.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    ids = random.Random(3).sample(range(1, top + 1), min(k, top))
    rows = Person.objects.filter(pk__in=ids).values_list("pk", "aac002_cipher", "aac003", "placement_id")
    return [(pk, crypto.decrypt(c), name, place) for pk, c, name, place in rows]


# -- load --------------------------------------------------------------------------------------


class Client:
    """One staff user's browser: a keep-alive connection and its cookies."""

    def __init__(self, port: int, username: str, prefix: str) -> None:
        self.port, self.username, self.prefix = port, username, prefix
        self.cookies: dict[str, str] = {}
        self.conn: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> tuple[int, str, float]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        t = time.perf_counter()
        for attempt in (0, 1):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
                self.conn.request(method, path, body=body, headers=headers)
                resp = self.conn.getresponse()
                text = resp.read().decode("utf-8", "replace")
                break
            except (OSError, http.client.HTTPException):
                self.conn = None  # the server closed a kept-alive connection: reconnect once
                if attempt:
                    return 0, "", time.perf_counter() - t
        seconds = time.perf_counter() - t
        for raw in resp.headers.get_all("Set-Cookie") or []:
            for key, morsel in http.cookies.SimpleCookie(raw).items():
                self.cookies[key] = morsel.value
        return resp.status, text, seconds

    def login(self) -> None:
        status, page, _ = self.request("GET", "/login/")
        token = CSRF.search(page)
        assert status == 200 and token, f"login page: {status}"
        status, _, _ = self.request(
            "POST",
            "/login/",
            {"csrfmiddlewaretoken": token.group(1), "username": self.username, "password": PASSWORD},
        )
        assert status == 302, f"{self.username}: login answered {status}"
        status, page, _ = self.request("GET", "/")
        assert status == 200 and "人员查询" in page, f"{self.username}: home answered {status}"


class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []
        self.results: dict[str, list[int]] = defaultdict(list)  # search kind → hits on the page

    def add(self, kind: str, status: int, seconds: float, path: str) -> None:
        with self.lock:
            if status == 200:
                self.latency[kind].append(seconds)
            else:
                self.errors.append(f"{status} {path}")


def scoped(user_prefix: str, people: list[tuple[int, str, str, str]]) -> list[tuple[int, str, str, str]]:
    return [p for p in people if p[3].startswith(user_prefix)]


def user_loop(
    client: Client, people: list[tuple[int, str, str, str]], areas: list[list[str]], rec: Recorder,
    stop: float, wait: float, rng: random.Random,
) -> None:  # fmt: skip
    while time.perf_counter() < stop:
        kind = rng.choice(SEARCH_KINDS)
        person = rng.choice(people)
        if kind == "id":
            query = {"id_number": person[1]}
        elif kind == "name":
            query = {"name": person[2][:2]}
        else:
            level = rng.choice(areas)
            query = {"area": rng.choice(level), "page": str(rng.randint(1, 10))}
        path = "/persons/?" + urllib.parse.urlencode(query)
        status, page, seconds = client.request("GET", path)
        rec.add(kind, status, seconds, path)
        links = LINK.findall(page)
        if kind == "id" and status == 200 and links != [str(person[0])]:
            rec.add("id", -1, 0, path + " (person not found)")
        time.sleep(wait * rng.uniform(0.9, 1.1) if wait else 0)
        if not links or time.perf_counter() >= stop:
            continue
        path = f"/persons/{rng.choice(links)}/"
        status, _, seconds = client.request("GET", path)
        rec.add("detail", status, seconds, path)
        time.sleep(wait * rng.uniform(0.9, 1.1) if wait else 0)


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def server_processes(pid: int) -> list[int]:
    """The server and its children (gunicorn's worker processes)."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rpartition(")")[2].split()[1]) == pid:
                children.append(int(stat.parent.name))
        except (OSError, ValueError):
            pass  # ended meanwhile
    return [pid, *children]


def server_cpu_seconds(pid: int) -> float:
    """CPU of the server's processes. Workers are not restarted during a run (no max_requests), so
    the same processes are summed at the start and the end of a phase."""
    total = 0.0
    for p in server_processes(pid):
        try:
            total += cpu_seconds(p)
        except OSError:
            pass
    return total


def pg_backends_cpu() -> dict[int, float]:
    """CPU seconds of the PostgreSQL backends serving this database (other than this process's own)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        pids = [r[0] for r in cursor.fetchall()]
    out = {}
    for pid in pids:
        try:
            out[pid] = cpu_seconds(pid)
        except OSError:
            pass  # ended meanwhile
    return out


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def run_phase(
    label: str, clients: list[Client], people: dict[str, list], areas: dict[str, list[list[str]]],
    duration: float, wait: float, server_pid: int,
) -> dict[str, Any]:  # fmt: skip
    rec = Recorder()
    cpu0, pg0, t0 = server_cpu_seconds(server_pid), pg_backends_cpu(), time.perf_counter()
    stop = t0 + duration
    threads = []
    for i, c in enumerate(clients):
        rng = random.Random(i * 7919 + int(wait * 10))
        args = (c, people[c.username], areas[c.username], rec, stop, wait, rng)

        def staggered(args: tuple = args, delay: float = rng.uniform(0, 2 * wait)) -> None:
            time.sleep(delay)  # users do not all click in the same instant
            user_loop(*args)

        threads.append(threading.Thread(target=staggered, daemon=True))
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    elapsed = time.perf_counter() - t0
    cpu = server_cpu_seconds(server_pid) - cpu0
    pg = sum(v - pg0.get(pid, 0.0) for pid, v in pg_backends_cpu().items())
    all_lat = [x for v in rec.latency.values() for x in v]
    n = len(all_lat)
    out: dict[str, Any] = {"label": label, "requests": n, "errors": rec.errors, "rps": n / elapsed,
                           "server_cpu_ms": 1000 * cpu / max(n, 1), "pg_cpu_ms": 1000 * pg / max(n, 1),
                           "load": loadavg()}  # fmt: skip
    print(f"\n{label}: {len(clients)} users, wait {wait:g} s, {elapsed:.0f} s, load average {out['load']}")
    print(f"  {'kind':<8} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for kind in (*KINDS, "all"):
        lat = all_lat if kind == "all" else rec.latency.get(kind, [])
        row = {f"p{p}": 1000 * pct(lat, p) for p in (50, 95, 99, 100)}
        out[kind] = {"n": len(lat), **row}
        print(
            f"  {kind:<8} {len(lat):>8} {row['p50']:>8.0f} {row['p95']:>8.0f} {row['p99']:>8.0f} {row['p100']:>8.0f}"
        )
    print(f"  {out['rps']:.1f} requests/s, CPU a request: server {out['server_cpu_ms']:.1f} ms, "
          f"PostgreSQL {out['pg_cpu_ms']:.1f} ms; "
          f"errors {len(rec.errors)}{': ' + '; '.join(rec.errors[:5]) if rec.errors else ''}")  # fmt: skip
    return out


def start_server(
    env: dict[str, str], threads: int, workers: int | None, log: Path
) -> tuple[subprocess.Popen, int]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cmd = [
        str(ROOT / ".venv/bin/canbao"),
        "serve",
        "--port",
        str(port),
        "--threads",
        str(threads),
        *(["--workers", str(workers)] if workers is not None else []),
        "--no-worker",
    ]
    proc = subprocess.Popen(cmd, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
    deadline = time.time() + 600  # a first start may migrate (an index on 10 M rows)
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited: {log.read_text()[-2000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return proc, port
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise SystemExit("server did not start")


def server_description(log: Path, pid: int) -> str:
    """What `canbao serve` says it started ("gunicorn, 2 processes × 12 threads"), checked against
    the processes actually running."""
    deadline = time.time() + 30
    while time.time() < deadline:
        said = re.search(r"（(gunicorn|waitress)，(\d+) 个进程 × (\d+) 个线程", log.read_text())
        if said:
            name, n, threads = said.group(1), int(said.group(2)), int(said.group(3))
            running = len(server_processes(pid)) - (1 if name == "gunicorn" else 0)  # less the master
            if running >= n:
                return f"{name} {n} × {threads} threads"
        time.sleep(0.2)
    raise SystemExit(f"server did not report its workers: {log.read_text()[-2000:]}")


def select1_ms(n: int = 500) -> float:
    from django.db import connection

    with connection.cursor() as cursor:
        lat = []
        for _ in range(n):
            t = time.perf_counter()
            cursor.execute("SELECT 1")
            cursor.fetchone()
            lat.append(time.perf_counter() - t)
    return 1000 * pct(lat, 50)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--persons", type=int, default=10_000_000)
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--wait", type=float, default=1.0, help="seconds a user waits between requests")
    ap.add_argument("--duration", type=float, default=60.0, help="seconds of the 50-user phase")
    ap.add_argument("--max-duration", type=float, default=30.0, help="seconds of each no-wait phase")
    ap.add_argument("--threads", type=int, default=12, help="threads of each server process")
    ap.add_argument(
        "--workers",
        type=int,
        help="server processes (canbao serve --workers; default: its own, the CPU count)",
    )
    ap.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/canbao_benchweb"),
    )
    ap.add_argument("--home", type=Path, help="CANBAO_HOME (keys); default a directory per database in /tmp")
    ap.add_argument("--reset", action="store_true", help="build the database again even if it is ready")
    ap.add_argument("--setup-only", action="store_true")
    ap.add_argument("--note", default="")
    ap.add_argument("--append", type=Path)
    args = ap.parse_args()

    m = machine()
    print(
        f"machine: {m['cpu']}, {m['cores']} cores, {m['ram']}, Python {m['python']}; load average {loadavg()}"
    )
    dbname = args.database_url.rpartition("/")[2]
    home = args.home or Path(tempfile.gettempdir()) / f"canbao-bench-web-{dbname}"
    home.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "CANBAO_HOME": str(home), "DATABASE_URL": args.database_url}
    env.pop("CANBAO_DEBUG", None)
    os.environ.update({"CANBAO_HOME": str(home), "DATABASE_URL": args.database_url})

    setup_s: float | None = None
    if args.reset or not database_ready(args.database_url, home, args.persons):
        print(f"setup: {args.persons:,} persons into {dbname} (keys in {home})", flush=True)
        (home / "bench-web.json").unlink(missing_ok=True)
        for stale in ("keys", "audit"):
            shutil.rmtree(home / stale, ignore_errors=True)  # new database: new keys, new audit chain
        reset_database(args.database_url)
        t = time.perf_counter()
        from canbao.cli.common import setup_django

        setup_django()
        timings = setup(args.persons, args.users)
        setup_s = time.perf_counter() - t
        print(
            f"setup total {setup_s:.0f} s ({setup_s / 60:.1f} min): "
            + ", ".join(f"{k} {v:.0f} s" for k, v in timings.items())
        )
        (home / "bench-web.json").write_text(
            json.dumps({"database": args.database_url, "persons": args.persons})
        )
    else:
        print(f"setup skipped: {dbname} already holds {args.persons:,} persons", flush=True)
    if args.setup_only:
        return

    from canbao.cli.common import setup_django

    setup_django()
    from canbao.accounts.models import User
    from canbao.divisions.models import Division

    people_all = samples()
    divisions = list(Division.objects.values_list("code", "prefix", "level"))
    accounts = list(
        User.objects.filter(username__startswith="bench").select_related("node").order_by("username")
    )
    accounts = accounts[: args.users]
    base_ms = select1_ms()
    print(
        f"baseline: SELECT 1 round trip p50 {base_ms:.2f} ms; {len(people_all):,} sampled persons", flush=True
    )

    proc, port = start_server(env, args.threads, args.workers, home / "server.log")
    try:
        server = server_description(home / "server.log", proc.pid)
        print(f"server: {server}", flush=True)
        clients, people, areas = [], {}, {}
        for a in accounts:
            prefix = a.node.prefix
            c = Client(port, a.username, prefix)
            c.login()
            clients.append(c)
            people[a.username] = scoped(prefix, people_all)
            levels = sorted(
                {lv for code, _, lv in divisions if code.startswith(prefix) and lv > a.node.level}
            )
            areas[a.username] = [
                [code for code, _, lv in divisions if code.startswith(prefix) and lv == level]
                for level in levels
            ]
            assert people[a.username], f"no sampled person in the scope of {a.username}"
        # The idle baseline: one user, the home page, sequentially.
        home_lat = [clients[0].request("GET", "/")[2] for _ in range(50)]
        home_ms = {"p50": 1000 * pct(home_lat, 50), "p95": 1000 * pct(home_lat, 95)}
        print(f"baseline: home page, one idle user: p50 {home_ms['p50']:.1f} ms, p95 {home_ms['p95']:.1f} ms")
        # Warm-up (not counted): caches, connections, the first plans.
        run_phase("warm-up", clients, people, areas, 10, args.wait, proc.pid)
        main_phase = run_phase("users", clients, people, areas, args.duration, args.wait, proc.pid)
        peaks = [run_phase(f"no wait, {k} users", clients[:k], people, areas, args.max_duration, 0, proc.pid)
                 for k in sorted({min(8, len(clients)), len(clients)})]  # fmt: skip
    finally:
        proc.terminate()
        proc.wait(timeout=30)

    best = max(peaks, key=lambda r: r["rps"])
    kinds = main_phase
    ratio = kinds["all"]["p95"] / home_ms["p50"]
    print(
        f"\n{args.users} users, wait {args.wait:g} s: p50 {kinds['all']['p50']:.0f} ms, p95 {kinds['all']['p95']:.0f} ms "
        f"(goal ≤ 200 ms; {ratio:.1f} × the idle home page p50); most requests/s {best['rps']:.0f} "
        f"({best['label']}, p95 {best['all']['p95']:.0f} ms)"
    )
    cell = lambda k: f"{kinds[k]['p50']:.0f} / {kinds[k]['p95']:.0f}"  # noqa: E731
    row = (
        f"| {dt.date.today()} | {args.persons:,} | {cell('id')} | {cell('name')} | {cell('area')} | "
        f"{cell('detail')} | {cell('all')} | {len(main_phase['errors'])} | "
        f"{best['rps']:.0f} (p95 {best['all']['p95']:.0f} ms) | "
        f"{main_phase['server_cpu_ms']:.0f} / {main_phase['pg_cpu_ms']:.0f} ms | "
        f"{home_ms['p50']:.0f} ms / {base_ms:.2f} ms | {main_phase['load']} | {server}; {args.note} |"
    )
    print(row)
    if args.append:
        with args.append.open("a", encoding="utf-8") as fh:
            fh.write(row + "\n")


if __name__ == "__main__":
    main()
