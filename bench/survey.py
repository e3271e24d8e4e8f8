"""Benchmark of the surveyors' sync (POST /m/sync) against PostgreSQL, served by waitress.

    .venv/bin/python bench/survey.py [--surveyors 500] [--targets 50000] [--villages 200] [--seconds 120]
                                     [--database-url postgres://postgres@127.0.0.1:5432/canbao_benchsurvey]

Builds a campaign of ≥ 50,000 targets over 200 villages with one team of 2–3 surveyors per village,
starts `canbao serve` in a subprocess and lets every surveyor (a thread with its own session) send a
form every `--think` seconds on average (exponential). Now and then a surveyor goes offline: its next
5–20 forms queue up and go in one request when it is back (a burst). Some responses are "lost": the
same entries are sent again (client_uuid unchanged), and some of those twice at once. Entries a
request could not place (an error) stay queued and go with the next request, as on the phone.

Prints submissions/s, p50/p95 latency, errors, and checks in the database that every client_uuid sent
arrived exactly once. The baseline, measured in the same run by a probe beside the load: the latency of
a trivial authenticated request (GET /m/sync: session, CSRF token), as a ratio.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from generate import machine  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/canbao_benchsurvey"
PASSWORD = "Bench@2026pass"


# ------------------------------------------------------------------------------------------ setup


def reset_database(url: str) -> None:
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(base + "/postgres", autocommit=True) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        con.execute(f'CREATE DATABASE "{name}"')


def check_char(first17: str) -> str:
    total = sum(int(d) * (2 ** (17 - i) % 11) for i, d in enumerate(first17))
    c = (12 - total % 11) % 11
    return "X" if c == 10 else str(c)


def tree(villages: int) -> list[tuple[str, str, int, str]]:
    """Province, city, counties of 10 townships of 10 villages each (enough counties for `villages`)."""
    rows = [("320000000000", "测试省", 1, ""), ("320100000000", "测试市", 2, "320000000000")]
    counties = (villages + 99) // 100
    n = 0
    for c in range(counties):
        county = f"3201{c + 2:02d}000000"
        rows.append((county, f"第{c + 1}区", 3, "320100000000"))
        for t in range(10):
            town = f"3201{c + 2:02d}{t + 1:03d}000"
            rows.append((town, f"第{c + 1}区{t + 1}街道", 4, county))
            for v in range(10):
                if n < villages:
                    rows.append(
                        (f"3201{c + 2:02d}{t + 1:03d}{v + 1:03d}", f"{c + 1}-{t + 1}-{v + 1}社区", 5, town)
                    )
                    n += 1
    return rows


def build(args: argparse.Namespace) -> dict[str, Any]:
    """The campaign, teams and sessions; returns what the simulated surveyors need."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection
    from django.utils import timezone

    from canbao.accounts.models import User
    from canbao.accounts.services import user_create
    from canbao.audit.services import AuditActor
    from canbao.comparison.models import ComparisonRun
    from canbao.divisions.services import divisions_load
    from canbao.registry.services import persons_upsert
    from canbao.survey.models import Target
    from canbao.survey.services import campaign_create, targets_assign, team_create

    # Accounts are made here and logged in by sessions made here: the benchmark is the sync, not
    # 500 PBKDF2 password checks.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    op = AuditActor("cli:bench")
    nodes = tree(args.villages)
    divisions_load([{"AAB301": c, "name": n, "level": str(lv), "parent": p, "_line": i + 2}
                    for i, (c, n, lv, p) in enumerate(nodes)])  # fmt: skip
    villages = [c for c, _, lv, _ in nodes if lv == 5]
    t0 = time.perf_counter()
    per_village = args.targets // len(villages) + 1
    rows = []
    day0 = dt.date(1950, 1, 1)
    for i in range(per_village * len(villages)):
        village = villages[i % len(villages)]
        birth = day0 + dt.timedelta(days=i // 900)
        first17 = f"{village[:6]}{birth:%Y%m%d}{i % 900 + 100:03d}"
        rows.append({"aac002": first17 + check_char(first17), "aac003": f"对象{i}", "placement_id": village,
                     "aae005": f"139{i:08d}", "population_group": 1, "hukou_status": "1",
                     "aae006": f"{village[-3:]}号院{i % 97}栋"})  # fmt: skip
    persons_upsert(rows, actor="bench", source="bench")
    run = ComparisonRun.objects.create(as_of=dt.date(2026, 9, 30), rules_version="bench", rules_digest="bench",
                                       status="done", published=True, started_by="bench")  # fmt: skip
    with connection.cursor() as cur:
        cur.execute("UPDATE registry_person SET outcome = 4, survey_reasons = 'UNINSURED;INFO_MISSING', "
                    "in_population = true, source_run = %s", [run.pk])  # fmt: skip
    officer = user_create(username="bench_officer", roles=["data_officer"], node_code="320100000000",
                          password=PASSWORD, actor=op)  # fmt: skip
    campaign = campaign_create(user=officer, run=run, name="基准测试入户调查", actor=op)
    assistant = user_create(username="bench_assistant", roles=["village_assistant"], node_code="320100000000",
                            password=PASSWORD, actor=op)  # fmt: skip
    print(f"  {len(rows):,} persons, campaign of {Target.objects.filter(campaign=campaign).count():,} targets "
          f"over {len(villages)} villages in {time.perf_counter() - t0:.0f} s", flush=True)  # fmt: skip
    # 2 or 3 surveyors per village, one team each, all the village's targets assigned to it.
    sizes = [2] * len(villages)
    extra = args.surveyors - 2 * len(villages)
    for i in range(max(0, min(extra, len(villages)))):
        sizes[i] = 3
    surveyors: list[dict[str, Any]] = []
    n = 0
    for village, size in zip(villages, sizes, strict=True):
        members = []
        for _ in range(size):
            n += 1
            members.append(user_create(username=f"s{n:04d}", roles=["surveyor"], node_code=village,
                                       password=PASSWORD, actor=op))  # fmt: skip
        team = team_create(user=assistant, campaign=campaign, village_code=village, name="第一组",
                           member_ids=[m.pk for m in members], actor=op)  # fmt: skip
        ids = list(Target.objects.filter(campaign=campaign, village_id=village).values_list("pk", flat=True))
        targets_assign(user=assistant, team=team, target_ids=ids, actor=op)
        for m in members:
            surveyors.append({"username": m.username, "pk": m.pk, "targets": ids})
    User.objects.all().update(pledge_accepted_at=timezone.now())
    probe = user_create(
        username="probe", roles=["surveyor"], node_code=villages[0], password=PASSWORD, actor=op
    )
    User.objects.filter(pk=probe.pk).update(pledge_accepted_at=timezone.now())
    probe_info: dict[str, Any] = {"username": "probe", "pk": probe.pk}
    for s in [*surveyors, probe_info]:
        user = User.objects.get(pk=s["pk"])
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        s["session"] = store.session_key
    print(
        f"  {len(surveyors)} surveyors in {len(villages)} teams; set-up {time.perf_counter() - t0:.0f} s",
        flush=True,
    )
    return {"surveyors": surveyors, "probe": probe_info}


# ------------------------------------------------------------------------------------------ client


class Phone:
    """One surveyor's phone: a session, a CSRF token, a queue of entries waiting for the server."""

    def __init__(self, port: int, info: dict[str, Any]) -> None:
        self.port = port
        self.info = info
        self.cookies = {"sessionid": info["session"]}
        self.csrf = ""
        self.queue: list[dict[str, Any]] = []

    def request(self, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes, float]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), "Accept": "application/json",
                   "Connection": "close"}  # fmt: skip
        if body is not None:
            headers |= {"Content-Type": "application/json", "X-CSRFToken": self.csrf}
        start = time.perf_counter()
        con = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            con.request(method, path, body=body, headers=headers)
            resp = con.getresponse()
            data = resp.read()
            for header, value in resp.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name.strip()] = rest.split(";", 1)[0]
            return resp.status, data, time.perf_counter() - start
        finally:
            con.close()

    def hello(self) -> None:
        status, data, _ = self.request("GET", "/m/sync")
        if status != 200:
            raise RuntimeError(f"{self.info['username']}: GET /m/sync → {status}")
        self.csrf = json.loads(data)["csrf"]

    def entry(self, rnd: random.Random) -> dict[str, Any]:
        data = {"aac009": str(rnd.randint(1, 7)), "aac012": str(rnd.randint(1, 14)),
                "employment_status": str(rnd.randint(1, 5)), "aae005": f"13{rnd.randint(0, 999_999_999):09d}",
                "uninsured_reason": str(rnd.randint(1, 12)), "insured_schemes": rnd.sample(["12", "22", "27"], 1),
                "note": "基准测试"}  # fmt: skip
        return {"client_uuid": str(uuid.uuid4()), "target_id": rnd.choice(self.info["targets"]), "data": data}


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.single: list[float] = []  # requests of one entry
        self.burst: list[float] = []  # requests of 5-20 queued entries
        self.retry: list[float] = []
        self.probe: list[float] = []
        self.sent: set[str] = set()
        self.accepted: set[str] = set()
        self.refused: dict[str, str] = {}
        self.errors: list[str] = []
        self.requests = 0
        self.entries_posted = 0
        self.again = 0

    def note(self, kind: str, seconds: float) -> None:
        with self.lock:
            getattr(self, kind).append(seconds)


def post(phone: Phone, entries: list[dict[str, Any]], stats: Stats, kind: str) -> bool:
    body = json.dumps(entries).encode()
    with stats.lock:
        stats.sent.update(e["client_uuid"] for e in entries)
        stats.requests += 1
        stats.entries_posted += len(entries)
    try:
        status, data, seconds = phone.request("POST", "/m/sync", body)
    except (OSError, http.client.HTTPException) as exc:
        with stats.lock:
            stats.errors.append(f"{type(exc).__name__}: {exc}")
        return False
    if status != 200:
        with stats.lock:
            stats.errors.append(f"HTTP {status}: {data[:200]!r}")
        return False
    stats.note(kind, seconds)
    results = json.loads(data)["results"]
    with stats.lock:
        for r in results:
            if r["status"] == "accepted":
                stats.accepted.add(r["client_uuid"])
                stats.again += bool(r.get("again"))
            else:
                stats.refused[r["client_uuid"]] = f"{r.get('message')} {r.get('errors')}"
    answered = {r["client_uuid"] for r in results}
    return answered == {e["client_uuid"] for e in entries}


def surveyor(phone: Phone, args: argparse.Namespace, stats: Stats, deadline: float, seed: int) -> None:
    rnd = random.Random(seed)
    offline_left = 0
    while True:
        pause = rnd.expovariate(1 / args.think)
        if time.monotonic() + pause > deadline:
            break
        time.sleep(pause)
        phone.queue.append(phone.entry(rnd))  # 保存 tapped: a new client_uuid
        if offline_left == 0 and rnd.random() < args.offline_share:
            offline_left = rnd.randint(5, 20)  # the next forms wait on the phone
        if offline_left > 1:
            offline_left -= 1
            continue
        kind = "burst" if offline_left == 1 or len(phone.queue) >= 5 else "single"
        offline_left = 0
        batch = list(phone.queue)
        if post(phone, batch, stats, kind):
            phone.queue.clear()
            if rnd.random() < args.retry_share:  # the response was lost: the phone sends it all again
                if rnd.random() < 0.3:  # … while the first is still in flight
                    twin = threading.Thread(target=post, args=(phone, batch, stats, "retry"))
                    twin.start()
                    post(phone, batch, stats, "retry")
                    twin.join()
                else:
                    post(phone, batch, stats, "retry")
    # Back at the office: whatever is still queued goes now, until the server has answered for it.
    for _ in range(5):
        if not phone.queue or post(phone, list(phone.queue), stats, "burst"):
            phone.queue.clear()
            break
        time.sleep(1)


def probe(phone: Phone, stats: Stats, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            status, _, seconds = phone.request("GET", "/m/sync")
            if status == 200:
                stats.note("probe", seconds)
        except OSError:
            pass
        time.sleep(0.5)


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def serve(port: int, env: dict[str, str], threads: int, log: Path) -> subprocess.Popen:
    canbao = Path(sys.executable).parent / "canbao"
    # The server's output goes to a file: a pipe nobody reads fills up and blocks the server.
    with log.open("wb") as out:
        proc = subprocess.Popen([str(canbao), "serve", "--port", str(port), "--threads", str(threads),
                                 "--no-worker"], env=env, stdout=out, stderr=subprocess.STDOUT)  # fmt: skip
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return proc
        except OSError:
            if proc.poll() is not None:
                raise SystemExit(log.read_text(errors="replace"))  # noqa: B904
            time.sleep(0.2)
    raise SystemExit("server did not start")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--surveyors", type=int, default=500)
    ap.add_argument("--targets", type=int, default=50_000)
    ap.add_argument("--villages", type=int, default=200)
    ap.add_argument("--seconds", type=float, default=120)
    ap.add_argument("--think", type=float, default=10.0, help="mean seconds between a surveyor's forms")
    ap.add_argument("--offline-share", type=float, default=0.03, help="chance a form starts an offline spell")
    ap.add_argument("--retry-share", type=float, default=0.03, help="chance a response is lost and resent")
    ap.add_argument("--threads", type=int, default=16, help="waitress threads")
    ap.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    args = ap.parse_args()
    if args.surveyors < 2 * args.villages or args.surveyors > 3 * args.villages:
        raise SystemExit("--surveyors must be 2–3 per village")

    print("machine:", json.dumps(machine(), ensure_ascii=False), flush=True)
    load = os.getloadavg()
    print(f"load average before: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}", flush=True)
    home = tempfile.mkdtemp(prefix="canbao-bench-survey-")
    env = {**os.environ, "DATABASE_URL": args.database_url, "CANBAO_HOME": home,
           "DJANGO_SETTINGS_MODULE": "canbao.settings"}  # fmt: skip
    os.environ.update(env)
    reset_database(args.database_url)
    from canbao.cli.common import setup_django

    setup_django()
    built = build(args)
    from django.db import connections

    connections.close_all()

    port = free_port()
    server_log = Path(home) / "serve.log"
    server = serve(port, env, args.threads, server_log)
    try:
        phones = [Phone(port, s) for s in built["surveyors"]]
        for p in phones:
            p.hello()
        probe_phone = Phone(port, {"username": "probe", "session": built["probe"]["session"]})
        probe_phone.hello()
        idle = Stats()
        for _ in range(50):
            _, _, seconds = probe_phone.request("GET", "/m/sync")
            idle.probe.append(seconds)
        stats = Stats()
        start = time.monotonic()
        deadline = start + args.seconds
        workers = [threading.Thread(target=surveyor, args=(p, args, stats, deadline, i), daemon=True)
                   for i, p in enumerate(phones)]  # fmt: skip
        workers.append(threading.Thread(target=probe, args=(probe_phone, stats, deadline), daemon=True))
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        elapsed = time.monotonic() - start
    finally:
        server.terminate()
        server.wait(timeout=30)

    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "SELECT client_uuid, count(*) FROM survey_formevent WHERE action = 'enter' GROUP BY client_uuid"
        )
        arrived = dict(cur.fetchall())
    wanted = stats.sent - set(stats.refused)
    lost = wanted - set(arrived)
    doubled = [u for u, n in arrived.items() if n > 1]
    stray = set(arrived) - stats.sent
    unconfirmed = wanted - stats.accepted
    forms = len(stats.sent)
    all_posts = stats.single + stats.burst + stats.retry
    ratio = (
        statistics.median(stats.single) / statistics.median(stats.probe)
        if stats.probe and stats.single
        else 0
    )
    print(f"duration {elapsed:.0f} s; {len(phones)} surveyors; {stats.requests:,} requests carrying "
          f"{stats.entries_posted:,} entries ({forms:,} distinct forms, {stats.again:,} answered as already there)")  # fmt: skip
    print(f"forms/s {forms / elapsed:.1f}; requests/s {stats.requests / elapsed:.1f}")
    for name, values in (("single", stats.single), ("burst", stats.burst), ("retry", stats.retry),
                         ("all POST", all_posts), ("probe GET", stats.probe), ("idle GET", idle.probe)):  # fmt: skip
        print(
            f"  {name:<10} n={len(values):>6,}  p50 {pct(values, 0.5):7.0f} ms  p95 {pct(values, 0.95):7.0f} ms"
        )
    print(
        f"errors {len(stats.errors)} {stats.errors[:3]}; refused {len(stats.refused)} {list(stats.refused.values())[:3]}"
    )
    print(f"single p50 ÷ probe GET p50 = {ratio:.1f}")
    print(f"database: {len(arrived):,} client_uuids; lost {len(lost)}, doubled {len(doubled)}, "
          f"not sent {len(stray)}, sent but unconfirmed {len(unconfirmed)}")  # fmt: skip
    warnings = [line for line in server_log.read_text(errors="replace").splitlines() if "WARNING" in line]
    print(f"server log: {len(warnings)} warnings {warnings[:2]}")
    load = os.getloadavg()
    print(f"load average after: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    ok = not lost and not doubled and not stray and not unconfirmed
    print("ZERO LOST, ZERO DOUBLED" if ok else "MISMATCH")
    if not ok:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
