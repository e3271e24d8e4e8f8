"""Ordinary persons of the synthetic city: who they are and how they are insured.

Rates are set so that the city looks like a real Chinese prefecture (about nine in ten adults in a
pension scheme, nineteen in twenty in a medical one, a migrant workforce, households in the register);
the deliberate rule cases live in cases.py.
"""

from __future__ import annotations

import bisect
import datetime as dt
import random
from dataclasses import dataclass

from . import names
from .geography import Geography, Node
from .ids import IdAllocator
from .model import Cross, Ins, Job, Person, Residence
from .units import Units

# Age pyramid (share of the population per 5-year band, ages 0–94), roughly China in the mid-2020s.
_BANDS = (4.0, 5.5, 6.0, 5.8, 5.2, 5.3, 7.5, 8.0, 6.8, 6.9, 8.3, 8.0, 6.0, 5.3, 4.2, 2.8, 1.7, 0.9, 0.4)
_BAND_CUM = [sum(_BANDS[: i + 1]) for i in range(len(_BANDS))]
RESIDENTS_SCHEME_START = dt.date(2017, 1, 1)  # 城乡居民医保 (27) replaced 22/23 around here


def years_before(d: dt.date, years: int) -> dt.date:
    """The same calendar day `years` earlier; 29 February becomes 28 February (comparison-rules §1)."""
    try:
        return d.replace(year=d.year - years)
    except ValueError:
        return d.replace(year=d.year - years, day=28)


def age_at(birth: dt.date, d: dt.date) -> int:
    # Month-day comparison: a 29 February birthday is reached on 1 March in a common year.
    return d.year - birth.year - ((d.month, d.day) < (birth.month, birth.day))


@dataclass
class Ctx:
    """What every chunk shares: parameters, the tree, the employers and the ID allocator."""

    seed: int
    as_of: dt.date
    geo: Geography
    units: Units
    alloc: IdAllocator  # this chunk's share of the ID numbers

    def __post_init__(self) -> None:
        self.d_1y = years_before(self.as_of, 1)
        self.ord = self.as_of.toordinal()

    # -- dates ---------------------------------------------------------------------------------

    def between(self, rng: random.Random, lo: dt.date, hi: dt.date) -> dt.date:
        hi = min(hi, self.as_of)  # nothing in an extract happens after its as-of date
        if hi <= lo:
            return min(lo, hi)
        a = lo.toordinal()
        return dt.date.fromordinal(a + int(rng.random() * (hi.toordinal() - a + 1)))

    def days_ago(self, rng: random.Random, lo: int, hi: int) -> dt.date:
        return dt.date.fromordinal(self.ord - rng.randint(lo, hi))

    def birth_for_age(self, rng: random.Random, age: int) -> dt.date:
        lo = years_before(self.as_of, age + 1).toordinal() + 1
        hi = years_before(self.as_of, age).toordinal()
        return dt.date.fromordinal(rng.randint(lo, hi))

    # -- identity ------------------------------------------------------------------------------

    def random_age(self, rng: random.Random, lo: int = 0, hi: int = 94) -> int:
        while True:
            band = bisect.bisect(_BAND_CUM, rng.random() * _BAND_CUM[-1])
            age = band * 5 + rng.randrange(5)
            if lo <= age <= hi:
                return age

    def elsewhere(self, rng: random.Random, national: float = 0.7) -> str:
        pool = self.geo.elsewhere_national if rng.random() < national else self.geo.elsewhere_province
        return rng.choice(pool)

    def phone(self, rng: random.Random) -> str:
        # Synthetic mobile numbers: 1, then 3–9, then nine random digits.
        r = rng.random
        return f"1{3 + int(r() * 7)}{int(r() * 1e9):09d}"

    def new_person(
        self,
        rng: random.Random,
        idx: int,
        *,
        local: bool = True,
        age: int | None = None,
        birth: dt.date | None = None,
        male: bool | None = None,
        village: Node | None = None,
        family: str | None = None,
        eth: str | None = None,
    ) -> Person:
        if birth is None:
            birth = self.birth_for_age(rng, self.random_age(rng) if age is None else age)
        if male is None:
            male = rng.random() < 0.51
        eth = eth or names.ethnicity(rng)
        if local:
            village = village or self.geo.pick_village(rng)
            county = self.geo.county_of(village)
            r = rng.random()
            if r < 0.86:
                region = county.code6
            elif r < 0.95:
                region = rng.choice(self.geo.counties).code6
            else:
                region = self.elsewhere(rng, 0.5)
        else:
            region = self.elsewhere(rng)
        pid = self.alloc.new(region, birth, male)
        p = Person(idx, pid, birth, male, eth, names.person_name(rng, male, eth, family), local)
        p.phone = self.phone(rng) if age_at(birth, self.as_of) >= 14 or rng.random() < 0.3 else ""
        if local:
            assert village is not None
            self.register_items(rng, p, village)
        return p

    def register_items(self, rng: random.Random, p: Person, village: Node) -> None:
        county = self.geo.county_of(village)
        p.hk = 1
        p.village = village
        r = rng.random()
        if village.urban:
            p.aac009 = "51" if r < 0.45 else "11" if r < 0.8 else "10" if r < 0.9 else "50"
        else:
            p.aac009 = "51" if r < 0.40 else "21" if r < 0.85 else "20" if r < 0.95 else "50"
        # AAC010 is a code or a name (exchange-format.md); most registers give the code.
        p.aac010 = county.code6 if rng.random() < 0.96 else self.geo.full_name(county)
        p.aae006 = self.geo.address(rng, village)
        p.aab401 = f"{village.code[4:9]}{rng.randrange(10**5):05d}"

    # -- insurance rows ------------------------------------------------------------------------

    def row(
        self,
        rng: random.Random,
        p: Person,
        scheme: int,
        c031: int = 1,
        c084: int = 0,
        unit: int = -1,
        area: str | None = None,
        since: dt.date | None = None,
        phone_rate: float = 0.9,
    ) -> Ins:
        if area is None:
            area = self.units.county(unit).code6 if unit >= 0 else self.home_area(p)
        if since is None:
            since = self.since(rng, p, scheme)
        phone = p.phone if p.phone and rng.random() < phone_rate else ""
        ins = Ins(scheme, c031, c084, unit, area, since, phone)
        p.ins.append(ins)
        return ins

    def home_area(self, p: Person) -> str:
        if p.village is not None:
            return p.village.code[:6]
        if p.res:
            return p.res[0].village.code[:6]
        return self.geo.counties[p.idx % len(self.geo.counties)].code6

    def since(self, rng: random.Random, p: Person, scheme: int) -> dt.date:
        """AAC030: after the person could join the scheme, before the as-of date."""
        adult = self.adult(p) if scheme not in (27, 22, 23, 24, 26) else p.birth
        lo = max(adult, RESIDENTS_SCHEME_START if scheme == 27 else dt.date(1995, 1, 1))
        if scheme in (12, 14):
            lo = max(lo, dt.date(2010, 1, 1))
        hi = self.as_of - dt.timedelta(days=1)
        return self.between(rng, min(lo, hi), hi)

    def adult(self, p: Person) -> dt.date:
        """The 16th birthday (working age), never after the as-of date."""
        # 5844 days = 16 years give or take a day: only a lower bound for sampling dates.
        return dt.date.fromordinal(min(p.birth.toordinal() + 5844, self.ord))

    def employed(self, rng: random.Random, p: Person, unit: int, *, job_row: float = 0.75) -> None:
        """A job at `unit`: the unit's insurance rows (if it insures) and maybe an employment row."""
        units = self.units
        start = self.between(rng, max(self.adult(p), dt.date(2000, 1, 1)), self.as_of)
        if units.insures(unit):
            schemes = (11, 21, 30, 40, 50) if units.pays_all(unit) else (11, 21, 30)
            if units.role(unit) == "public":
                schemes = (13, 24 if rng.random() < 0.4 else 21, 30, 40, 50)
            for s in schemes:
                since = min(start + dt.timedelta(days=rng.randint(0, 40)), self.as_of)
                self.row(rng, p, s, unit=unit, since=since)
        else:
            job_row = 1.0  # a unit outside social insurance is only known from the job record
        if rng.random() < job_row:
            end = None if rng.random() < 0.7 else self.between(rng, self.as_of, years_before(self.as_of, -3))
            ref = "998" if rng.random() < 0.6 else "both" if rng.random() < 0.7 else "001"
            if not units.aab001(unit):
                ref = "998"
            p.jobs.append(Job(unit, start, end, ref))

    def old_job(self, rng: random.Random, p: Person) -> None:
        """A previous job in another county: its rows terminated there, its contract ended."""
        other = rng.randrange(len(self.geo.counties))
        if self.geo.counties[other].code6 == self.home_area(p):
            other = (other + 1) % len(self.geo.counties)
        unit = self.units.pick(rng, other)
        if not self.units.insures(unit):
            return
        start = self.between(rng, max(self.adult(p), dt.date(2000, 1, 1)), dt.date(2018, 1, 1))
        for s in (11, 21, 30, 40, 50) if self.units.pays_all(unit) else (11, 21, 30):
            self.row(rng, p, s, c031=3, unit=unit, since=start)
        if rng.random() < 0.5:
            end = self.between(rng, start, years_before(self.as_of, 1))
            p.jobs.append(Job(unit, start, end, "998"))

    def cross(
        self, rng: random.Random, p: Person, schemes: tuple[int, ...], level: str | None = None
    ) -> None:
        level = level or ("province" if rng.random() < 0.45 else "national")
        area = rng.choice(self.geo.elsewhere_province if level == "province" else self.geo.elsewhere_national)
        for s in schemes:
            p.cross.append(Cross(s, level, area, p.phone if rng.random() < 0.8 else ""))

    def residence(self, rng: random.Random, p: Person, long: bool = True) -> None:
        village = self.geo.pick_village(rng)
        if long:  # since_date on or before D − 1 year: a 常住 non-local resident
            since = self.between(rng, max(p.birth, dt.date(2008, 1, 1)), self.d_1y)
        else:
            since = self.between(rng, self.d_1y + dt.timedelta(days=1), self.as_of)
        p.res.append(Residence(village, since, self.geo.address(rng, village)))
