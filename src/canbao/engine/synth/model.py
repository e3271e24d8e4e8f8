"""The synthetic person and the facts about them that the extracts are written from.

Generation builds these facts first; the expected outcome (expect.py) is computed from them and the
rows of every extract are rendered from them (render.py), so both see the same person. Faults that
import normalises away (white space, full-width digits, date formats, 15-digit numbers) are applied
only when rendering; anything that changes the comparison (a different name, a wrong birth date in
the register) is a fact.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .geography import Node

# Business systems that send insurance extracts, by the schemes they administer.
SYSTEM_OF_SCHEME = {
    11: "zhigong", 21: "zhigong",  # 城镇职工养老、医疗
    12: "jumin", 14: "jumin", 22: "jumin", 23: "jumin", 27: "jumin",  # 城乡居民
    30: "gsy", 40: "gsy", 50: "gsy",  # 工伤、失业、生育
    13: "jiguan", 24: "jiguan", 15: "jiguan", 25: "jiguan", 26: "jiguan",  # 机关事业及其他
}  # fmt: skip


@dataclass(slots=True)
class Ins:
    """One insurance row: a person in one scheme at one insuring agency."""

    scheme: int
    c031: int  # AAC031: 1 paying, 2 suspended, 3 terminated
    c084: int  # AAC084: 1 receiving benefits
    unit: int  # unit index, -1 when insured as an individual or resident
    area: str  # AAB301, 6 digits
    since: dt.date  # AAC030
    phone: str = ""
    name: str | None = None  # this row's spelling of the name; None: the person's name

    @property
    def active(self) -> bool:
        return self.c031 == 1 or self.c084 == 1


@dataclass(slots=True)
class Job:
    unit: int
    start: dt.date
    end: dt.date | None
    ref: str  # which unit identifier the row carries: "998", "001" or "both"
    name: str | None = None


@dataclass(slots=True)
class Cross:
    scheme: int
    level: str  # province | national
    area: str
    phone: str
    name: str | None = None  # "" when the return leaves the name out


@dataclass(slots=True)
class Residence:
    village: Node
    since: dt.date
    address: str
    name: str | None = None


@dataclass(slots=True)
class Person:
    idx: int
    pid: str  # the valid 18-character ID number
    birth: dt.date
    male: bool
    eth: str
    name: str
    local: bool  # has a household-register row
    hk: int = 0  # hukou_status; 0 for persons outside the register
    village: Node | None = None
    aac009: str = ""
    aac010: str = ""
    aae006: str = ""
    aab401: str = ""
    phone: str = ""
    reg_sex: str | None = None  # register AAC004 when it is not the ID's ("" = left empty)
    reg_birth: str | None = None  # register AAC006 when it is not the ID's ("" = left empty)
    ins: list[Ins] = field(default_factory=list)
    jobs: list[Job] = field(default_factory=list)
    school: tuple[str, str] | None = None  # (school name, level)
    school_name: str | None = None
    res: list[Residence] = field(default_factory=list)
    deaths: list[dt.date] = field(default_factory=list)
    cross: list[Cross] = field(default_factory=list)
    case: str = ""  # the special case this person was built for, "" for an ordinary person
