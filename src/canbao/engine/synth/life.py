"""How ordinary persons live: households in the register, schooling, work, retirement, migration.

Shares (of the relevant age group) are rough but realistic for an inland prefecture with many
migrant workers: a third of working-age locals are urban employees, a third rural residents in the
resident schemes, an eighth work in another region (cross-region returns), a few are uninsured or
have stopped paying.
"""

from __future__ import annotations

import datetime as dt
import random

from . import names
from .model import Job, Person
from .people import Ctx, age_at, years_before


def household(ctx: Ctx, rng: random.Random, first_idx: int, size: int) -> list[Person]:
    """A registered household: one village, one address and household book, mostly one surname."""
    village = ctx.geo.pick_village(rng)
    family = names.surname(rng)
    members: list[Person] = []
    for k in range(size):
        p = ctx.new_person(
            rng, first_idx + k, village=village, family=family if rng.random() < 0.85 else None
        )
        if members:
            head = members[0]
            p.aae006, p.aab401 = head.aae006, head.aab401
            if rng.random() < 0.9:
                p.aac009 = head.aac009
            if not p.phone:
                p.phone = head.phone  # a child's insurance rows carry a parent's phone
        local_life(ctx, rng, p)
        members.append(p)
    return members


def local_life(ctx: Ctx, rng: random.Random, p: Person) -> None:
    age = age_at(p.birth, ctx.as_of)
    r = rng.random()
    if r < 0.006:
        p.hk = 3  # moved out
    elif r < 0.007 and age >= 18:
        p.hk = 4  # settled abroad
    elif r < 0.009 and 18 <= age <= 24 and p.male:
        p.hk = 5  # military service
    elif r < 0.010 and age >= 18:
        p.hk = 6  # serving a sentence
    life_rows(ctx, rng, p, age, local=True)
    if p.hk == 3 and rng.random() < 0.6:
        stop_all(p)  # left with the hukou; the rest still work (and pay) here: group 2
    elif p.hk in (4, 5, 6):
        stop_all(p)
    if rng.random() < (0.002 if age < 60 else 0.02 if age < 80 else 0.08):
        die(ctx, rng, p)
    elif rng.random() < 0.02:
        ctx.residence(rng, p)  # moved within the city: a residence permit elsewhere


def stop_all(p: Person) -> None:
    for ins in p.ins:
        ins.c031, ins.c084 = 3, 0
    p.cross.clear()


def die(ctx: Ctx, rng: random.Random, p: Person, hk2: float = 0.70, row: float = 0.95) -> dt.date:
    """A death in the last three years, recorded by the register, the death extract or both."""
    death = max(ctx.days_ago(rng, 0, 1095), p.birth)
    r = rng.random()
    if r < hk2:
        p.hk, p.deaths = 2, [death]
    elif r < row:
        p.deaths = [death]  # the register has not caught up yet
    else:
        p.hk = 2
    if not p.local:
        p.hk, p.deaths = 0, [death]
    stop_all(p)
    for ins in p.ins:
        ins.since = min(ins.since, death)
    for job in p.jobs:
        if job.end is None or job.end > death:
            job.end = death
    p.school = None
    return death


def life_rows(ctx: Ctx, rng: random.Random, p: Person, age: int, local: bool) -> None:
    retire = 60 if p.male else 55
    if age < 16:
        child(ctx, rng, p, age)
    elif age <= 22 and rng.random() < (0.85 if age <= 18 else 0.5):
        p.school = (school_name(ctx, rng, p, "4" if age <= 18 else "5"), "4" if age <= 18 else "5")
        if rng.random() < 0.9:
            ctx.row(rng, p, 27, phone_rate=0.8)
    elif age >= retire:
        retiree(ctx, rng, p, age)
    else:
        worker(ctx, rng, p)


def school_name(ctx: Ctx, rng: random.Random, p: Person, level: str) -> str:
    county = ctx.geo.county_of(p.village) if p.village else rng.choice(ctx.geo.counties)
    kind = {"1": "幼儿园", "2": "小学", "3": "中学", "4": "中学", "5": "职业技术学院"}[level]
    return f"{county.name[:-1]}第{'一二三四五六'[rng.randrange(6)]}{kind}"


def child(ctx: Ctx, rng: random.Random, p: Person, age: int) -> None:
    if age >= 3:
        level = "1" if age < 6 else "2" if age < 12 else "3" if age < 15 else "4"
        if rng.random() < (0.8 if level == "1" else 0.99):
            p.school = (school_name(ctx, rng, p, level), level)
    if rng.random() < 0.96:
        ctx.row(rng, p, 27, phone_rate=0.9)
    if p.birth.year < 2016 and rng.random() < 0.3:
        old = 22 if p.village is not None and p.village.urban else 23
        ctx.row(rng, p, old, c031=3, since=ctx.between(rng, p.birth, dt.date(2016, 12, 31)))


def retiree(ctx: Ctx, rng: random.Random, p: Person, age: int) -> None:
    r = rng.random()
    worked = ctx.between(rng, years_before(p.birth, -20), years_before(p.birth, -35))
    ci = ctx.geo.county_index[ctx.home_area(p)] if ctx.home_area(p) in ctx.geo.county_index else 0
    if r < 0.30:  # enterprise retiree: pension and retiree medical paid, no more contributions
        unit = ctx.units.pick(rng, ci)
        unit = unit if ctx.units.insures(unit) else -1
        ctx.row(rng, p, 11, c031=3, c084=1, unit=unit, since=worked)
        ctx.row(rng, p, 21, c031=3, c084=1, unit=unit, since=worked)
        if unit >= 0 and rng.random() < 0.6:  # the working years' rows, closed at retirement
            for s in (30, 40, 50):
                ctx.row(rng, p, s, c031=3, unit=unit, since=worked)
    elif r < 0.35:  # retired civil servant / public institution
        unit = ctx.units.pick(rng, ci, public=True)
        ctx.row(rng, p, 13, c031=3, c084=1, unit=unit, since=worked)
        ctx.row(rng, p, 24 if rng.random() < 0.4 else 21, c031=3, c084=1, unit=unit, since=worked)
    elif r < 0.89:  # resident pension: paid from 60, contributions before
        if rng.random() < 0.95:
            ctx.row(rng, p, 12, c031=3 if age >= 60 else 1, c084=1 if age >= 60 else 0, phone_rate=0.85)
        if rng.random() < 0.97:
            ctx.row(rng, p, 27, phone_rate=0.85)
        if rng.random() < 0.4:
            ctx.row(rng, p, 23, c031=3, since=ctx.between(rng, dt.date(2004, 1, 1), dt.date(2016, 12, 31)))
    elif r < 0.94:  # worked elsewhere, pension paid there
        ctx.cross(rng, p, (11,))
        ctx.row(rng, p, 27, phone_rate=0.75)
    elif rng.random() < 0.7:
        ctx.row(rng, p, 27, phone_rate=0.7)


def worker(ctx: Ctx, rng: random.Random, p: Person) -> None:
    home = ctx.home_area(p)
    ci = ctx.geo.county_index.get(home, rng.randrange(len(ctx.geo.counties)))
    r = rng.random()
    units = ctx.units
    if r < 0.34:
        unit = units.pick(rng, ci if rng.random() < 0.8 else rng.randrange(len(ctx.geo.counties)))
        ctx.employed(rng, p, unit)
        if not units.insures(unit):
            if rng.random() < 0.6:
                ctx.row(rng, p, 27, phone_rate=0.8)
            if rng.random() < 0.3:
                ctx.row(rng, p, 12, phone_rate=0.8)
        if rng.random() < 0.45:
            ctx.old_job(rng, p)
    elif r < 0.38:
        ctx.employed(rng, p, units.pick(rng, ci, public=True), job_row=0.2)
    elif r < 0.43:  # flexible employment: individual contributions to the employee schemes
        ctx.row(rng, p, 11)
        ctx.row(rng, p, 21 if rng.random() < 0.6 else 27)
    elif r < 0.78:  # rural or urban resident
        if rng.random() < 0.93:
            ctx.row(rng, p, 12, phone_rate=0.88)
        if rng.random() < 0.97:
            ctx.row(rng, p, 27, phone_rate=0.88)
        if p.birth.year < 1998 and rng.random() < 0.3:
            ctx.row(rng, p, 23, c031=3, since=ctx.between(rng, dt.date(2004, 1, 1), dt.date(2016, 12, 31)))
    elif r < 0.91:  # works in another region: the province or the ministry returns the match
        ctx.cross(rng, p, (11, 21, 30, 40, 50) if rng.random() < 0.6 else (11, 21))
        if rng.random() < 0.3:
            ctx.row(rng, p, 27, phone_rate=0.7)
    elif r < 0.95:  # lost the job, stopped paying
        unit = units.pick(rng, ci)
        unit = unit if units.insures(unit) else -1
        ctx.row(rng, p, 11, c031=2, unit=unit)
        if rng.random() < 0.6:
            ctx.row(rng, p, 21, c031=2, unit=unit)
        else:
            ctx.row(rng, p, 27)
    elif rng.random() < 0.5:
        ctx.row(rng, p, 27, phone_rate=0.7)


def nonlocal_person(ctx: Ctx, rng: random.Random, idx: int) -> Person:
    """A person without local hukou: migrant worker, accompanying child or parent, or a leaver."""
    r = rng.random()
    age = ctx.random_age(rng, 0, 15) if r < 0.10 else ctx.random_age(rng, 60, 85) if r < 0.15 else None
    if age is None:
        age = ctx.random_age(rng, 16, 59)
    p = ctx.new_person(rng, idx, local=False, age=age)
    p.phone = p.phone or ctx.phone(rng)  # a migrant child's rows carry a parent's phone
    units = ctx.units
    n = len(ctx.geo.counties)
    if age < 16:
        ctx.residence(rng, p, long=rng.random() < 0.8 and age >= 1)
        if rng.random() < 0.6:
            ctx.row(rng, p, 27, phone_rate=0.8)
    elif age >= 60:
        ctx.residence(rng, p, long=rng.random() < 0.9)
        if rng.random() < 0.5:
            ctx.row(rng, p, 27, phone_rate=0.7)
        if rng.random() < 0.5:
            ctx.cross(rng, p, (12,))
    else:
        t = rng.random()
        if t < 0.62:
            ctx.employed(rng, p, units.pick(rng, rng.randrange(n)), job_row=0.8)
            u = rng.random()
            if u < 0.5:
                ctx.residence(rng, p, long=u < 0.4)
            if rng.random() < 0.3:
                ctx.old_job(rng, p)
        elif t < 0.67:
            ctx.row(rng, p, 11)
            ctx.row(rng, p, 21)
            if rng.random() < 0.5:
                ctx.residence(rng, p)
        elif t < 0.82:  # lives here, uninsured; some work for a unit outside social insurance
            ctx.residence(rng, p, long=rng.random() < 0.8)
            if rng.random() < 0.3:
                unit = units.special(rng.randrange(n), "no_insurance")
                p.jobs.append(Job(unit, ctx.days_ago(rng, 30, 2000), None, "both"))
        elif t < 0.92:  # worked here once: terminated rows only
            unit = units.pick(rng, rng.randrange(n))
            unit = unit if units.insures(unit) else -1
            since = ctx.days_ago(rng, 800, 5000)
            for s in (11, 21, 30):
                ctx.row(rng, p, s, c031=3, unit=unit, since=since)
            if rng.random() < 0.3:
                ctx.residence(rng, p)
        else:  # stopped paying
            ctx.row(rng, p, 11, c031=2)
            if rng.random() < 0.5:
                ctx.residence(rng, p)
    if rng.random() < 0.001:
        die(ctx, rng, p)  # died here: the local death extract has the row
    return p
