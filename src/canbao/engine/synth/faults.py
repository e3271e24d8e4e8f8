"""Injected faults: what real extracts get wrong, at realistic (small) rates.

Three sorts:

- value faults that import normalises away (white space around a value, full-width digits, a
  lower-case x, 15-digit numbers, other date spellings): applied when a row is rendered;
- data-quality facts that the comparison must see (a name variant or a different name, a wrong sex or
  birth date in the register, a missing address): applied to the person before evaluation;
- *phantom* rows: extra rows that belong to no generated person, carrying an invalid ID number (accepted,
  then unlinked) or a reason to be rejected at import (REQUIRED_MISSING, UNKNOWN_AREA, BAD_DATE,
  BAD_CODE, TOO_LONG). Keeping them off real persons keeps every expected count exact.

Every fault is counted; the manifest's "faults" and "expected" sections come from these counters.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict

from . import names
from .ids import bad_date, wrong_check, wrong_length, ymd
from .model import Person
from .people import Ctx

FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
INVALID_KINDS = ("wrong_check", "bad_date", "wrong_length", "birth_after_as_of", "birth_before_1900")


class Faults:
    def __init__(self) -> None:
        self.count: Counter[str] = Counter()
        self.rejects: dict[str, Counter[str]] = defaultdict(Counter)  # file -> reason -> rows
        self.unlinked: Counter[str] = Counter()  # kind -> rows with an invalid ID number

    def merge(self, other: Faults) -> None:
        self.count.update(other.count)
        self.unlinked.update(other.unlinked)
        for file, reasons in other.rejects.items():
            self.rejects[file].update(reasons)

    # -- value faults (render time) ------------------------------------------------------------

    def pid(self, rng: random.Random, pid: str) -> str:
        r = rng.random()
        if r < 0.0005:
            self.count["value_white_space"] += 1
            return self.pad(rng, pid)
        if r < 0.0007:
            self.count["id_full_width"] += 1
            return pid.translate(FULL_WIDTH)
        if r < 0.0307 and pid[17] == "X":  # about 3 % of the numbers ending in X
            self.count["id_lower_x"] += 1
            return pid[:17] + "x"
        return pid

    def name(self, rng: random.Random, name: str) -> str:
        if rng.random() < 0.0005:
            self.count["value_white_space"] += 1
            return self.pad(rng, name)
        return name

    def phone(self, rng: random.Random, phone: str) -> str:
        if phone and rng.random() < 0.0003:
            self.count["phone_full_width"] += 1
            return phone.translate(FULL_WIDTH)
        return phone

    def date(self, rng: random.Random, d: dt.date | None, dash: float = 0.0, slash: float = 0.0) -> str:
        if d is None:
            return ""
        r = rng.random()
        if r < dash:
            self.count["date_yyyy_mm_dd"] += 1
            return d.isoformat()
        if r < dash + slash:
            self.count["date_yyyy/mm/dd"] += 1
            return d.strftime("%Y/%m/%d")
        return ymd(d)

    @staticmethod
    def pad(rng: random.Random, value: str) -> str:
        return rng.choice((" ", "\u3000", "  ")) + value + rng.choice(("", " ", "\u3000"))

    # -- data-quality facts (before evaluation) ------------------------------------------------

    def person(self, rng: random.Random, p: Person) -> None:
        """Occasional errors on an ordinary person, seen by the comparison."""
        r = rng.random()
        if r >= 0.008:
            return
        rows = p.ins
        if r < 0.004 and rows:
            rng.choice(rows).name = names.harmless_variant(rng, p.name)
            self.count["name_variant_rows"] += 1
        elif p.local and p.hk == 1:
            if r < 0.0043 and rows:
                rng.choice(rows).name = names.different_name(rng, p.name)
                self.count["name_mismatch_rows"] += 1
            elif r < 0.0045:
                p.reg_birth = ymd(p.birth + dt.timedelta(days=rng.choice((1, 10, 100))))
                self.count["register_birth_mismatch"] += 1
            elif r < 0.0046:
                p.reg_sex = "1" if not p.male else "2"
                self.count["register_sex_mismatch"] += 1
            elif r < 0.0066:
                p.aae006 = ""
                self.count["register_address_missing"] += 1
            elif r < 0.0076:
                p.aac010 = ""
                self.count["register_hukou_place_missing"] += 1

    # -- phantom rows --------------------------------------------------------------------------

    def invalid_pid(self, ctx: Ctx, rng: random.Random, kind: str) -> str:
        region = rng.choice(ctx.geo.counties).code6
        male = rng.random() < 0.5
        if kind == "birth_after_as_of":  # a real date, the check right, but not born yet at D
            return ctx.alloc.new(region, ctx.as_of + dt.timedelta(days=rng.randint(1, 300)), male)
        if kind == "birth_before_1900":
            return ctx.alloc.new(region, dt.date(1899, rng.randint(1, 12), rng.randint(1, 28)), male)
        valid = ctx.alloc.new(region, ctx.birth_for_age(rng, rng.randint(18, 70)), male)
        return {"wrong_check": wrong_check, "bad_date": bad_date, "wrong_length": wrong_length}[kind](valid)

    def phantom_pid(self, ctx: Ctx, rng: random.Random) -> str:
        """A valid number that no generated person has (for rows that import must reject)."""
        region = rng.choice(ctx.geo.counties).code6
        return ctx.alloc.new(region, ctx.birth_for_age(rng, rng.randint(18, 70)), rng.random() < 0.5)
