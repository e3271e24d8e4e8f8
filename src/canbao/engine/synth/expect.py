"""What the comparison should conclude about a synthetic person, from the generator's own facts.

This is an independent, per-person reading of comparison-rules.md (§2–§6) over the facts the rows
are rendered from. It gives the manifest's "expected" counts and lets tests check that each special
case really exercises the rule it was built for. It is a cross-check for the engine, not a second
engine: it knows nothing of extracts, dates of extracts or survey results.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .model import Person
from .people import age_at, years_before

# (status column, line = scheme // 10, schemes by priority)
LINES = (
    ("AIC003", 1, (13, 11, 12, 14, 15)),  # pension
    ("AKC003", 2, (21, 24, 27, 22, 23, 25, 26)),  # medical
    ("ALC003", 3, (30,)),  # work injury
    ("AJC003", 4, (40,)),  # unemployment
    ("AMC003", 5, (50,)),  # maternity
)
ENROLLED = {str(s) for s in (*range(11, 16), *range(21, 28), 30, 40, 50)}
_COVERED = ENROLLED | {"81", "82"}
_MISMATCH = {"NAME_MISMATCH", "BIRTH_MISMATCH", "SEX_MISMATCH"}
_STR = {s: str(s) for s in range(10, 60)}
_DOTS = dict.fromkeys(map(ord, "·•・‧･."), None)


def norm_name(name: str) -> str:
    """comparison-rules.md §1: full-width to half-width, then drop white space and dots."""
    out = []
    for ch in name:
        o = ord(ch)
        if 0xFF01 <= o <= 0xFF5E:
            ch = chr(o - 0xFEE0)
        elif o == 0x3000:
            ch = " "
        out.append(ch)
    return "".join("".join(out).split()).translate(_DOTS)


@dataclass
class Outcome:
    group: int = 0  # population group 1–3, 0 = not in P
    dead: bool = False
    death_date: dt.date | None = None
    deceased_active: bool = False
    status: dict[str, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    reasons: set[str] = field(default_factory=set)
    outcome: int = 0
    complete: bool = False
    placed: str = ""


def evaluate(p: Person, as_of: dt.date) -> Outcome:
    o = Outcome()
    past = [d for d in p.deaths if d <= as_of]
    o.death_date = min(past) if past else None
    o.dead = o.death_date is not None or (p.local and p.hk == 2)

    # One pass over the insurance rows collects everything the rules below ask about.
    active = []
    act: set[int] = set()  # schemes with an active row
    suspended: set[int] = set()  # lines (scheme // 10) with an AAC031 = 2 row
    dup_pairs: tuple[set[tuple[int, str]], set[tuple[int, str]]] = (set(), set())
    benefits = [0, 0, 0]  # rows with AAC084 = 1 per line: -, pension, medical
    employee = phone = named = False
    for r in p.ins:
        s = r.scheme
        phone = phone or bool(r.phone)
        named = named or r.name is not None
        if r.c031 == 2:
            suspended.add(s // 10)
        if r.c084 == 1 and s < 30:
            benefits[s // 10] += 1
        if r.c031 == 1 or r.c084 == 1:
            active.append(r)
            act.add(s)
            if s in (11, 12, 13):
                dup_pairs[0].add((s, r.area[:6]))
            elif s in (21, 22, 23, 24, 27):
                dup_pairs[1].add((s, r.area[:6]))
            if s in (11, 13, 21) and r.unit >= 0 and r.c084 != 1:
                employee = True  # an employee's row: a unit, and not a retiree's

    if o.dead:
        dd = o.death_date
        o.deceased_active = any(
            r.c084 == 1 or (r.c031 == 1 and dd is not None and r.since > dd) for r in active
        )
        return o
    d_1y = years_before(as_of, 1)
    if p.local and p.hk in (1, 4, 5, 6):
        o.group = 1
        assert p.village is not None
        o.placed = p.village.code
    elif active:
        o.group = 2
        latest = min(active, key=lambda r: (-r.since.toordinal(), r.area))
        o.placed = latest.area[:6] + "000000"
    elif long_res := [r for r in p.res if r.since <= d_1y]:
        o.group = 3
        o.placed = max(long_res, key=lambda r: (r.since, r.village.code)).village.code
    else:
        return o

    age = age_at(p.birth, as_of)
    for j in p.jobs:
        if j.start <= as_of and (j.end is None or j.end >= as_of):
            employee = True
    cross: dict[int, set[str]] = {}
    for c in p.cross:
        cross.setdefault(c.scheme // 10, set()).add(c.level)
        phone = phone or bool(c.phone)
        named = named or c.name is not None
    hk_special = p.local and p.hk in (4, 5, 6)
    status = o.status
    for col, line, priority in LINES:
        code = ""
        if act:
            for s in priority:
                if s in act:
                    code = _STR[s]
                    break
        if code:
            pass
        elif line in cross:
            code = "81" if "province" in cross[line] else "82"
        elif line in suspended:
            code = "94"
        elif hk_special:
            code = "93"
        elif (line == 1 and (age < 16 or p.school is not None)) or (line > 2 and not employee):
            code = "95"
        elif employee:
            code = "92"
        else:
            code = "91"
        status[col] = code

    flags = o.flags
    if len(dup_pairs[0]) >= 2:
        flags.add("DUP_PENSION")
    if len(dup_pairs[1]) >= 2:
        flags.add("DUP_MEDICAL")
    if benefits[1] >= 2:
        flags.add("DUP_BENEFIT_PENSION")
    if benefits[2] >= 2:
        flags.add("DUP_BENEFIT_MEDICAL")
    if p.local:
        named = named or any(j.name is not None for j in p.jobs) or any(r.name is not None for r in p.res)
        if named or p.school_name is not None:  # most rows carry the register's spelling (None)
            names = [r.name for r in p.ins] + [j.name for j in p.jobs] + [c.name for c in p.cross]
            names += [r.name for r in p.res] + [p.school_name if p.school else None]
            ref = norm_name(p.name)
            if any(n and norm_name(n) != ref for n in names):
                flags.add("NAME_MISMATCH")
        if p.reg_birth and p.reg_birth != p.pid[6:14]:
            flags.add("BIRTH_MISMATCH")
        if p.reg_sex and p.reg_sex != ("1" if p.male else "2"):
            flags.add("SEX_MISMATCH")
    if o.group == 2:
        flags.add("NONLOCAL")

    missing = not phone or (o.group == 1 and (not p.aac010 or not p.aae006))
    mismatch = bool(flags) and bool(flags & _MISMATCH)
    o.complete = not missing and not mismatch
    codes = list(status.values())
    reasons = o.reasons
    if not any(c in _COVERED for c in codes):
        reasons.add("UNINSURED")
    elif "91" in codes or "92" in codes:
        reasons.add("PARTIAL")
    if "94" in codes:
        reasons.add("INTERRUPTED")
    if "93" in codes:
        reasons.add("SPECIAL")
    if missing:
        reasons.add("INFO_MISSING")
    if mismatch:
        reasons.add("INFO_MISMATCH")
    if reasons:
        o.outcome = 4
    elif any(c in ENROLLED for c in codes):
        o.outcome = 1
    else:
        o.outcome = 2 if "81" in codes else 3
    return o


class Tally:
    """Expected counts over the whole city, accumulated person by person.

    A person of P is counted once under the combination of everything reported about them (far fewer
    combinations than persons); summary() spreads the combinations out into the report's counts.
    """

    def __init__(self) -> None:
        self.c: Counter[str] = Counter()
        self.combos: Counter[tuple[Any, ...]] = Counter()
        self.placed: Counter[str] = Counter()

    def merge(self, other: Tally) -> None:
        self.c.update(other.c)
        self.combos.update(other.combos)
        self.placed.update(other.placed)

    def add(self, o: Outcome, p: Person, as_of: dt.date) -> None:
        c = self.c
        c["persons"] += 1
        if o.dead:
            c["dead"] += 1
            if o.death_date is None:
                c["dead_by_hukou_status_only"] += 1
            if o.deceased_active:
                c["deceased_active"] += 1
            return
        if p.deaths and any(d > as_of for d in p.deaths):
            c["death_date_after_as_of"] += 1
        if not o.group:
            c["not_in_population"] += 1
            return
        key = (
            o.group,
            o.outcome,
            o.complete,
            tuple(o.status.values()),
            frozenset(o.flags),
            frozenset(o.reasons),
        )
        self.combos[key] += 1
        self.placed[o.placed[:6]] += 1

    def summary(self) -> dict[str, object]:
        c = self.c
        groups: Counter[str] = Counter()
        outcomes: Counter[str] = Counter()
        status: dict[str, Counter[str]] = {col: Counter() for col, _, _ in LINES}
        flags: Counter[str] = Counter()
        reasons: Counter[str] = Counter()
        complete = 0
        for (group, outcome, ok, codes, fl, rs), n in self.combos.items():
            groups[str(group)] += n
            outcomes[str(outcome)] += n
            complete += n if ok else 0
            for (col, _, _), code in zip(LINES, codes, strict=True):
                status[col][code] += n
            for f in fl:
                flags[f] += n
            for r in rs:
                reasons[r] += n
        return {
            "persons": c["persons"],
            "population": {**dict(sorted(groups.items())), "total": sum(groups.values())},
            "not_in_population": c["not_in_population"],
            "dead": c["dead"],
            "dead_by_hukou_status_only": c["dead_by_hukou_status_only"],
            "death_date_after_as_of": c["death_date_after_as_of"],
            "deceased_active": c["deceased_active"],
            "outcomes": dict(sorted(outcomes.items())),
            "survey_reasons": dict(sorted(reasons.items())),
            "flags": dict(sorted(flags.items())),
            "status": {col: dict(sorted(v.items())) for col, v in sorted(status.items())},
            "complete": complete,
            "placed_by_county": dict(sorted(self.placed.items())),
        }
