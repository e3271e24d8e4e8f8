"""Generate the synthetic city: every extract plus manifest.json, streamed chunk by chunk.

A chunk of persons depends only on (seed, persons, as-of date, chunk number): its RNG is
``Random(f"{seed}:{chunk}")`` and it owns its own share of the ID numbers (ids.py). Chunks are
therefore made by a pool of worker processes, each returning its rows already encoded; the main
process appends them to the open files in chunk order, so the bytes do not depend on the number of
workers. At most a few chunks are in flight: memory stays flat whatever the city's size.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import multiprocessing
import os
from collections import Counter, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from .cases import CASES, Case
from .expect import Outcome, Tally, evaluate
from .extracts import FILES, FileSpec, Phantoms, Renderer
from .faults import Faults
from .geography import Geography
from .ids import IdAllocator
from .life import household, nonlocal_person
from .model import Person
from .people import Ctx
from .rand import FastRandom
from .units import Units
from .writer import CsvSink, ParquetSink, Sink, XlsxSink, encode, sha256_of

GENERATOR_VERSION = "1.0"
CHUNK = 50_000
MAX_CHUNKS = 250  # a bigger city gets bigger chunks (the ID sequence is shared out per chunk)
NONLOCAL_DRAW = 0.28  # per draw; households average ~2.6 persons, so ~13 % of persons are non-local
_HOUSEHOLD = (1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 5, 6)
CASE_BY_KEY = {c.key: c for c in CASES}


@dataclass(frozen=True)
class Plan:
    seed: int
    persons: int
    as_of: dt.date

    @property
    def chunk_size(self) -> int:
        return max(CHUNK, math.ceil(self.persons / MAX_CHUNKS))

    @property
    def chunks(self) -> int:
        return math.ceil(self.persons / self.chunk_size)


@dataclass
class ChunkResult:
    persons: int
    payload: dict[str, tuple[Any, int]]  # file -> (encoded rows, row count)
    tally: Tally
    faults: Faults
    cases: dict[str, Counter[str]]
    insured_units: set[int] = field(default_factory=set)
    job_units: set[int] = field(default_factory=set)


@cache
def _world(plan: Plan) -> tuple[Geography, Units, list[str]]:
    """The tree, the employers and the ID regions: the same in every process, built once per process."""
    geo = Geography(plan.seed, plan.persons)
    units = Units(plan.seed, geo, plan.persons)
    regions = [c.code6 for c in geo.counties] + geo.elsewhere_province + geo.elsewhere_national
    return geo, units, regions


def make_chunk(plan: Plan, chunk: int) -> ChunkResult:
    """Generate, evaluate and render one chunk; return its rows encoded for each file."""
    geo, units, regions = _world(plan)
    ctx = Ctx(plan.seed, plan.as_of, geo, units, IdAllocator(regions, chunk, plan.chunks))
    rng = FastRandom(f"{plan.seed}:{chunk}")
    start = chunk * plan.chunk_size
    n = min(plan.chunk_size, plan.persons - start)
    res = ChunkResult(n, {}, Tally(), Faults(), {})
    renderer = Renderer(ctx, res.faults, res.insured_units, res.job_units)
    people = build_chunk(ctx, rng, start, n)
    dup = _pick_duplicates(rng, people, n)
    rows: dict[str, list[list[str]]] = {f.name: [] for f in FILES}
    for p in people:
        if not p.case:
            res.faults.person(rng, p)
        o = evaluate(p, plan.as_of)
        res.tally.add(o, p, plan.as_of)
        if p.case:
            got = res.cases.setdefault(p.case, Counter())
            got["persons"] += 1
            got["intent_met"] += _intent_met(CASE_BY_KEY[p.case], o)
        renderer.person(rng, p, rows, p.idx in dup)
    Phantoms(ctx, res.faults).add(rng, n, rows)
    for f in FILES:
        if rows[f.name]:
            res.payload[f.name] = (
                encode(f.format, f.encoding, f.newline, f.header_row(), rows[f.name]),
                len(rows[f.name]),
            )
    return res


def _chunks(plan: Plan, workers: int) -> Iterator[ChunkResult]:
    """Chunk results in chunk order, made in-process or by a pool with a few chunks in flight."""
    if workers <= 1 or plan.chunks == 1:
        for c in range(plan.chunks):
            yield make_chunk(plan, c)
        return
    # fork: workers inherit the imported modules; chunks do not depend on which process made them.
    mp = multiprocessing.get_context("fork")
    with mp.Pool(workers) as pool:
        pending: deque[Any] = deque()
        nxt = 0
        while nxt < plan.chunks or pending:
            while nxt < plan.chunks and len(pending) < workers + 1:
                pending.append(pool.apply_async(make_chunk, (plan, nxt)))
                nxt += 1
            yield pending.popleft().get()


def generate(
    out: Path,
    persons: int,
    seed: int,
    as_of: dt.date,
    progress: Callable[[int, int], None] | None = None,
    workers: int | None = None,
) -> dict[str, object]:
    """Write the city into `out` and return the manifest (also written as out/manifest.json)."""
    if persons <= 0:
        raise ValueError("persons must be positive")
    plan = Plan(seed, persons, as_of)
    if workers is None:
        workers = min(os.cpu_count() or 1, 8)
    out.mkdir(parents=True, exist_ok=True)
    geo, units, _ = _world(plan)
    faults, tally = Faults(), Tally()
    cases: dict[str, Counter[str]] = {c.key: Counter({"persons": 0, "intent_met": 0}) for c in CASES}
    insured_units, job_units = bytearray(units.total), bytearray(units.total)
    sinks = {f.name: _open(out, f, as_of) for f in FILES}
    done = 0
    try:
        div_rows = geo.rows()
        div = FILES[0]
        sinks[div.name].write(
            encode(div.format, div.encoding, div.newline, div.header_row(), div_rows), len(div_rows)
        )
        for res in _chunks(plan, workers):
            for name, (data, count) in res.payload.items():
                sinks[name].write(data, count)
            tally.merge(res.tally)
            faults.merge(res.faults)
            for key, got in res.cases.items():
                cases[key].update(got)
            for u in res.insured_units:
                insured_units[u] = 1
            for u in res.job_units:
                job_units[u] = 1
            done += res.persons
            if progress:
                progress(done, persons)
        unit_rng = FastRandom(f"{seed}:units")
        unit_expected = _write_units(units, unit_rng, sinks["unit.csv"], faults, job_units, insured_units)
    finally:
        for s in sinks.values():
            s.close()
    manifest = _manifest(out, plan, geo, units, sinks, tally, faults, cases, unit_expected)
    (out / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return manifest


def _open(out: Path, f: FileSpec, as_of: dt.date) -> Sink:
    path = out / f.name
    header = f.header_row()
    if f.format == "csv":
        assert f.encoding is not None
        return CsvSink(path, header, f.encoding, f.newline)
    if f.format == "xlsx":
        return XlsxSink(path, header, f.kind, as_of)
    return ParquetSink(path, header)


def build_chunk(ctx: Ctx, rng: FastRandom, start: int, n: int) -> list[Person]:
    """The chunk's persons: households and migrants, with the special cases at random places."""
    specials: list[Case] = [c for c in CASES for _ in range(max(1, round(c.rate * n)))]
    if len(specials) > n:  # a tiny city: as many cases as there are persons
        specials = rng.sample(specials, n)
    rng.shuffle(specials)
    at = dict(zip(sorted(rng.sample(range(n), len(specials))), specials, strict=True))
    marks = sorted(at)
    people: list[Person] = []
    i, m = 0, 0
    while i < n:
        case = at.get(i)
        if case is not None:
            p = case.build(ctx, rng, start + i)
            p.case = case.key
            people.append(p)
            i += 1
            m += 1
            continue
        room = (marks[m] if m < len(marks) else n) - i  # households stop at the next special slot
        if rng.random() < NONLOCAL_DRAW:
            people.append(nonlocal_person(ctx, rng, start + i))
            i += 1
        else:
            size = min(rng.choice(_HOUSEHOLD), room)
            people.extend(household(ctx, rng, start + i, size))
            i += size
    return people


def _pick_duplicates(rng: FastRandom, people: list[Person], n: int) -> set[int]:
    """Ordinary registered persons whose register row appears twice (DUPLICATE_KEY)."""
    pool = [p.idx for p in people if p.local and not p.case and p.hk == 1]
    k = min(len(pool), max(1, round(0.0002 * n)))
    return set(rng.sample(pool, k))


def _intent_met(case: Case, o: Outcome) -> int:
    ok = (
        (case.group is None or o.group == case.group)
        and (case.dead is None or o.dead == case.dead)
        and (case.deceased_active is None or o.deceased_active == case.deceased_active)
        and all(o.status.get(col) == code for col, code in case.status.items())
        and case.flags <= o.flags
        and not (case.no_flags & o.flags)
        and case.reasons <= o.reasons
    )
    return int(ok)


def _write_units(
    units: Units, rng: FastRandom, sink: Sink, faults: Faults, job_units: bytearray, insured_units: bytearray
) -> dict[str, int]:
    """The unit extract, and which units need a survey (comparison-rules.md §7)."""
    spec = next(f for f in FILES if f.name == "unit.csv")
    buf: list[list[str]] = []
    counted = survey = no_ins = bad = 0

    def flush() -> None:
        sink.write(encode(spec.format, spec.encoding, spec.newline, spec.header_row(), buf), len(buf))
        buf.clear()

    for u in range(units.total):
        in_extract = units.in_extract(u)
        if in_extract:
            buf.append(units.row(u, rng))
        if in_extract or job_units[u]:
            counted += 1
            reason_no = not insured_units[u]
            reason_bad = units.role(u) == "bad_code"
            no_ins += reason_no
            bad += reason_bad
            survey += reason_no or reason_bad
        if len(buf) >= CHUNK:
            flush()
    # Two rows the import must reject: no unit name (REQUIRED_MISSING).
    for _ in range(2):
        row = units.row(rng.randrange(units.total), rng)
        row[1] = ""
        buf.insert(rng.randrange(len(buf) + 1), row)
        faults.rejects["unit.csv"]["REQUIRED_MISSING"] += 1
        faults.count["rejected:REQUIRED_MISSING"] += 1
    flush()
    return {"total": counted, "needs_survey": survey, "NO_INSURANCE": no_ins, "ID_INVALID": bad}


def _manifest(
    out: Path,
    plan: Plan,
    geo: Geography,
    units: Units,
    sinks: dict[str, Sink],
    tally: Tally,
    faults: Faults,
    cases: dict[str, Counter[str]],
    unit_expected: dict[str, int],
) -> dict[str, object]:
    files = []
    for f in FILES:
        path = out / f.name
        files.append(
            {
                "file": f.name,
                "kind": f.kind,
                "format": f.format,
                "encoding": f.encoding,
                "header": f.header,
                "source": f.source,
                "as_of": plan.as_of.isoformat(),
                "rows": sinks[f.name].rows,
                "bytes": path.stat().st_size,
                "sha256": sha256_of(path),
            }
        )
    expected = tally.summary()
    expected["units"] = unit_expected
    expected["unlinked_rows"] = dict(sorted(faults.unlinked.items()))
    expected["rejects"] = {k: dict(sorted(v.items())) for k, v in sorted(faults.rejects.items())}
    count = faults.count
    return {
        "generator": "canbao demo-data",
        "generator_version": GENERATOR_VERSION,
        "seed": plan.seed,
        "persons": plan.persons,
        "as_of": plan.as_of.isoformat(),
        "province": geo.province.code,
        "cities": [c.code for c in geo.cities.values()],
        "counties": [c.code for c in geo.counties],
        "villages": len(geo.villages),
        "units": units.total,
        "files": files,
        "faults": {
            **{k: v for k, v in sorted(count.items()) if ":" not in k},
            "id_invalid": {
                k.split(":", 1)[1]: v for k, v in sorted(count.items()) if k.startswith("id_invalid:")
            },
            "rejected_rows": {
                k.split(":", 1)[1]: v for k, v in sorted(count.items()) if k.startswith("rejected:")
            },
            "unit_invalid_credit_code": unit_expected["ID_INVALID"],
            "files": {
                "gb18030": [f.name for f in FILES if f.encoding == "gb18030"],
                "utf-8-sig": [f.name for f in FILES if f.encoding == "utf-8-sig"],
                "xlsx": [f.name for f in FILES if f.format == "xlsx"],
                "parquet": [f.name for f in FILES if f.format == "parquet"],
                "chinese_header": [f.name for f in FILES if f.header == "name_zh"],
                "extra_column": {f.name: list(f.extra) for f in FILES if f.extra},
                "crlf": [f.name for f in FILES if f.newline == "\r\n"],
            },
        },
        "cases": {k: dict(v) for k, v in cases.items()},
        "expected": expected,
    }
