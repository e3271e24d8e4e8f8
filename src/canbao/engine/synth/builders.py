"""Builders of the deliberate cases (cases.py): each makes one person for one rule or near miss.

A builder takes (ctx, rng, idx) and returns the person with exactly the rows its rule needs; the
`Case` table in cases.py says what the comparison must conclude about them.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

from . import names
from .life import die
from .model import Cross, Job, Person, Residence
from .people import Ctx, years_before

DAY = dt.timedelta(days=1)
Builder = Callable[[Ctx, random.Random, int], Person]


def _local(
    ctx: Ctx,
    rng: random.Random,
    idx: int,
    age: int | None = None,
    ages: tuple[int, int] = (25, 50),
    **kw: Any,
) -> Person:
    """A registered person (hukou_status 1) of the given age, or of an age in `ages`."""
    return ctx.new_person(rng, idx, age=rng.randint(*ages) if age is None else age, **kw)


def _nonlocal(ctx: Ctx, rng: random.Random, idx: int, age: int | None = None) -> Person:
    return ctx.new_person(rng, idx, local=False, age=age if age is not None else rng.randint(20, 50))


def _unit(ctx: Ctx, rng: random.Random, p: Person, county: int | None = None) -> int:
    """An employer that insures, in the person's county unless told."""
    ci = county if county is not None else ctx.geo.county_index.get(ctx.home_area(p), 0)
    while True:
        u = ctx.units.pick(rng, ci)
        if ctx.units.role(u) == "regular":
            return u


def _other_county(ctx: Ctx, p: Person) -> int:
    ci = ctx.geo.county_index.get(ctx.home_area(p), 0)
    return (ci + 1) % len(ctx.geo.counties)


def _employee(
    ctx: Ctx, rng: random.Random, p: Person, schemes: tuple[int, ...] = (11, 21, 30, 40, 50)
) -> int:
    u = _unit(ctx, rng, p)
    for s in schemes:
        ctx.row(rng, p, s, unit=u)
    return u


def _job(
    ctx: Ctx,
    rng: random.Random,
    p: Person,
    unit: int,
    end: dt.date | None = None,
    start: dt.date | None = None,
) -> None:
    start = start or ctx.days_ago(rng, 60, 3000)
    p.jobs.append(
        Job(unit, start, end, "998" if not ctx.units.aab001(unit) else rng.choice(("998", "001", "both")))
    )


# -- builders -----------------------------------------------------------------------------------
# Each takes (ctx, rng, idx) and returns the person; small lambdas where a line is enough.


def dead(how: str) -> Builder:
    def build(ctx: Ctx, rng: random.Random, idx: int) -> Person:
        p = _local(ctx, rng, idx, ages=(62, 90))
        ctx.row(rng, p, 12, c031=3, c084=1)
        ctx.row(rng, p, 27)
        hk2, row = {"both": (1.0, 1.0), "row": (0.0, 1.0), "hk2": (0.0, 0.0), "two_rows": (0.5, 1.0)}[how]
        die(ctx, rng, p, hk2=hk2, row=row)
        if how == "two_rows":
            p.deaths = [p.deaths[0], min(p.deaths[0] + dt.timedelta(days=rng.randint(1, 20)), ctx.as_of)]
        return p

    return build


def deceased(kind: str) -> Builder:
    """Dead persons whose rows were not (or were) stopped: DECEASED_ACTIVE and its near misses."""

    def build(ctx: Ctx, rng: random.Random, idx: int) -> Person:
        p = _nonlocal(ctx, rng, idx, 70) if kind == "nonlocal" else _local(ctx, rng, idx, ages=(66, 88))
        death = ctx.days_ago(rng, 30, 700)
        if kind in ("hk2_active", "hk2_benefit"):
            p.hk = 2
        elif kind == "future":
            p.deaths = [ctx.as_of + dt.timedelta(days=rng.randint(1, 60))]
        else:
            p.deaths = [death]
            p.hk = 2 if rng.random() < 0.5 and p.local else p.hk
        old = ctx.days_ago(rng, 3000, 8000)
        if kind in ("benefit", "hk2_benefit", "future", "nonlocal"):
            ctx.row(rng, p, 11 if kind != "hk2_benefit" else 12, c031=3, c084=1, since=old)
        elif kind == "after":
            ctx.row(rng, p, 27, since=death + dt.timedelta(days=rng.randint(1, 25)))
        elif kind == "before":
            ctx.row(rng, p, 27, since=death - dt.timedelta(days=rng.randint(1, 400)))
        elif kind == "same_day":
            ctx.row(rng, p, 27, since=death)
        elif kind == "hk2_active":
            ctx.row(rng, p, 27, since=ctx.days_ago(rng, 1, 30))
        return p

    return build


def group(kind: str) -> Builder:
    def build(ctx: Ctx, rng: random.Random, idx: int) -> Person:
        if kind in ("moved_out", "moved_out_res", "moved_out_none"):
            p = _local(ctx, rng, idx)
            p.hk = 3
            if kind == "moved_out":
                _employee(ctx, rng, p)
            elif kind == "moved_out_res":
                ctx.residence(rng, p)
            return p
        p = _nonlocal(ctx, rng, idx)
        if kind == "resident_insured":
            _employee(ctx, rng, p)
            ctx.residence(rng, p)
        elif kind == "two_areas":  # placed at the county of the row with the latest AAC030
            c1, c2 = 0, len(ctx.geo.counties) - 1
            ctx.row(rng, p, 11, unit=_unit(ctx, rng, p, c1), since=ctx.days_ago(rng, 400, 900))
            ctx.row(rng, p, 27, area=ctx.geo.counties[c2].code6, since=ctx.days_ago(rng, 10, 300))
        elif kind == "same_day_areas":  # equal AAC030: the smallest code wins
            since = ctx.days_ago(rng, 10, 300)
            for c in (len(ctx.geo.counties) - 1, 0):
                ctx.row(rng, p, 11 if c else 21, area=ctx.geo.counties[c].code6, since=since)
        elif kind == "city_level":  # insured by the city's own agency (市本级)
            ctx.row(rng, p, 11, area=ctx.geo.counties[0].code6[:4] + "00")
        elif kind == "resident":
            ctx.residence(rng, p)
        elif kind in ("boundary", "short"):
            v = ctx.geo.pick_village(rng)
            since = ctx.d_1y + (DAY if kind == "short" else dt.timedelta(0))
            p.res.append(Residence(v, since, ctx.geo.address(rng, v)))
        elif kind == "terminated":
            ctx.residence(rng, p)
            ctx.row(rng, p, 11, c031=3, unit=_unit(ctx, rng, p, 0))
        elif kind == "suspended":
            ctx.residence(rng, p)
            ctx.row(rng, p, 11, c031=2)
        elif kind == "uninsured_employee":
            ctx.residence(rng, p)
            _job(ctx, rng, p, ctx.units.special(0, "no_insurance"))
        elif kind == "inactive":
            ctx.row(rng, p, 11, c031=3, unit=_unit(ctx, rng, p, 0))
            ctx.row(rng, p, 21, c031=3, unit=p.ins[0].unit)
        return p

    return build


def rows(
    *specs: tuple[int, int, int],
    age: tuple[int, int] = (25, 50),
    unit: bool = False,
    other_county: bool = False,
) -> Builder:
    """A local person with exactly these (scheme, AAC031, AAC084) rows; units and areas as asked."""

    def build(ctx: Ctx, rng: random.Random, idx: int) -> Person:
        p = _local(ctx, rng, idx, ages=age)
        for i, (s, c031, c084) in enumerate(specs):
            u = (
                _unit(ctx, rng, p, _other_county(ctx, p) if other_county and i else None)
                if unit and s in (11, 13, 21, 24, 30, 40, 50)
                else -1
            )
            area = ctx.geo.counties[_other_county(ctx, p)].code6 if other_county and i and u < 0 else None
            ctx.row(rng, p, s, c031=c031, c084=c084, unit=u, area=area)
        return p

    return build


def cross(
    levels: tuple[str, ...],
    schemes: tuple[int, ...] = (11,),
    local: tuple[tuple[int, int, int], ...] = ((27, 1, 0),),
) -> Builder:
    def build(ctx: Ctx, rng: random.Random, idx: int) -> Person:
        p = rows(*local)(ctx, rng, idx)
        for level in levels:
            ctx.cross(rng, p, schemes, level)
        return p

    return build


def hk(status: int, suspended: bool = False) -> Builder:
    def build(ctx: Ctx, rng: random.Random, idx: int) -> Person:
        p = _local(
            ctx, rng, idx, ages=(19, 23) if status == 5 else (25, 50), male=True if status == 5 else None
        )
        p.hk = status
        if suspended:
            ctx.row(rng, p, 11, c031=2)
        return p

    return build


def age(years: int, extra_day: bool, student: bool = False, rows: tuple[int, ...] = (27,)) -> Builder:
    def build(ctx: Ctx, rng: random.Random, idx: int) -> Person:
        birth = years_before(ctx.as_of, years) + (DAY if extra_day else dt.timedelta(0))
        p = ctx.new_person(rng, idx, birth=birth)
        if student:
            p.school = ("市第一中学" if years < 19 else "市职业技术学院", "4" if years < 19 else "5")
        for s in rows:
            ctx.row(rng, p, s)
        return p

    return build


def feb29(ctx: Ctx, rng: random.Random, idx: int) -> Person:
    years = [
        y for y in range(ctx.as_of.year - 80, ctx.as_of.year) if y % 4 == 0 and (y % 100 or y % 400 == 0)
    ]
    p = ctx.new_person(rng, idx, birth=dt.date(rng.choice(years), 2, 29))
    ctx.row(rng, p, 27)
    return p


def job_case(kind: str) -> Builder:
    def build(ctx: Ctx, rng: random.Random, idx: int) -> Person:
        if kind in ("retiree_unit", "retiree_paying"):  # AAC084 = 1: a retiree is no employee
            p = _local(ctx, rng, idx, ages=(61, 75), male=True)
            ctx.row(rng, p, 11, c031=1 if kind == "retiree_paying" else 3, c084=1, unit=_unit(ctx, rng, p))
            return p
        p = _local(ctx, rng, idx)
        ci = ctx.geo.county_index.get(ctx.home_area(p), 0)
        if kind in ("no_insurance", "not_si", "unregistered"):
            _job(ctx, rng, p, ctx.units.special(ci, kind))
        elif kind == "bad_code":
            u = ctx.units.special(ci, "bad_code")
            _job(ctx, rng, p, u)
            for s in (11, 21, 30, 40, 50):
                ctx.row(rng, p, s, unit=u)
        elif kind == "partial":
            _job(ctx, rng, p, _employee(ctx, rng, p, (11, 21, 30)))
        elif kind == "via_insurance":
            _employee(ctx, rng, p, (11, 21))
        elif kind == "ended":
            _job(
                ctx,
                rng,
                p,
                _unit(ctx, rng, p),
                end=ctx.days_ago(rng, 1, 300),
                start=ctx.days_ago(rng, 400, 2000),
            )
        elif kind == "ends_today":
            _job(ctx, rng, p, _unit(ctx, rng, p), end=ctx.as_of)
        elif kind == "future":
            _job(ctx, rng, p, _unit(ctx, rng, p), start=ctx.as_of + dt.timedelta(days=rng.randint(1, 30)))
        elif kind == "cross_injury":
            _job(ctx, rng, p, _employee(ctx, rng, p, (11, 21)))
            ctx.cross(rng, p, (30,), "province")
        return p

    return build


def name_case(kind: str) -> Builder:
    def build(ctx: Ctx, rng: random.Random, idx: int) -> Person:
        p = _local(ctx, rng, idx, eth="05" if kind == "dot_variant" else None)
        u = _employee(ctx, rng, p, (11, 21))
        if kind in ("variant", "dot_variant"):
            for r in p.ins:
                r.name = names.harmless_variant(rng, p.name)
            p.jobs.append(
                Job(u, ctx.days_ago(rng, 30, 900), None, "998", names.harmless_variant(rng, p.name))
            )
        elif kind == "mismatch_ins":
            p.ins[1].name = names.different_name(rng, p.name)
        elif kind == "mismatch_job":
            p.jobs.append(Job(u, ctx.days_ago(rng, 30, 900), None, "998", names.different_name(rng, p.name)))
        elif kind == "mismatch_cross":
            p.cross.append(
                Cross(
                    30,
                    "national",
                    rng.choice(ctx.geo.elsewhere_national),
                    p.phone,
                    names.different_name(rng, p.name),
                )
            )
        elif kind == "cross_no_name":
            p.cross.append(Cross(30, "national", rng.choice(ctx.geo.elsewhere_national), p.phone, ""))
        return p

    return build


def register(kind: str) -> Builder:
    def build(ctx: Ctx, rng: random.Random, idx: int) -> Person:
        p = _local(ctx, rng, idx)
        _employee(ctx, rng, p)
        if kind == "birth":
            p.reg_birth = (p.birth + dt.timedelta(days=rng.choice((1, 31, 365)))).strftime("%Y%m%d")
        elif kind == "sex":
            p.reg_sex = "2" if p.male else "1"
        elif kind == "derive":
            p.reg_sex, p.reg_birth = "", ""
        elif kind == "no_aae006":
            p.aae006 = ""
        elif kind == "no_aac010":
            p.aac010 = ""
        elif kind in ("no_phone", "phone_cross"):
            for r in p.ins:
                r.phone = ""
            if kind == "phone_cross":
                ctx.cross(rng, p, (30,), "province")
                p.cross[0].phone = p.phone or ctx.phone(rng)
        elif kind == "phone":  # an insurance row with a phone, so its full-width form can be written
            p.ins[0].phone = p.ins[0].phone or ctx.phone(rng)
        elif kind == "aac010_name":
            p.aac010 = ctx.geo.full_name(ctx.geo.county_of(p.village))  # type: ignore[arg-type]
        return p

    return build


def lower_x(ctx: Ctx, rng: random.Random, idx: int) -> Person:
    """A person whose check character is X (the register writes it lower-case: a render fault)."""
    for _ in range(60):
        p = _local(ctx, rng, idx)
        if p.pid.endswith("X"):
            break
    _employee(ctx, rng, p)
    return p


def born_1900s(ctx: Ctx, rng: random.Random, idx: int) -> Person:
    p = _local(ctx, rng, idx, ages=(ctx.as_of.year - 1999 + 1, 70))
    _employee(ctx, rng, p)
    return p
