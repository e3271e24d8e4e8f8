"""The fictional city's jurisdiction tree (行政区划) for the synthetic data set.

County codes are real GB/T 2260 codes of one province (from python-stdnum's loc.dat), so that the
6-digit region of every generated ID number names a real county and the ID validator can report it;
every name below the province is invented, and township and village codes (the 统计用区划代码 part)
are made up. One county per ~150,000 persons (at least 3), one village per ~1,500 local persons.
"""

from __future__ import annotations

import bisect
import importlib.resources
import math
import random
from dataclasses import dataclass, field
from functools import cache

from .rand import FastRandom

PROVINCE = "51"  # 四川: the seed documents' Suining (遂宁, 5109) comes first
FIRST_CITY = "5109"
PERSONS_PER_COUNTY = 150_000
PERSONS_PER_VILLAGE = 1_500
VILLAGES_PER_TOWNSHIP = 12

# Syllables of invented place names; pairs of them read like Chinese place names without naming one.
_SYL = (
    "清河云台安宁平龙凤桥石林泉柳桃金玉青白新永兴福长乐寿和丰庆仁德文嘉华源川岭坪湾"
    "溪塘松竹梅兰荷杏枫槐杨桂春秋明光星月阳晨瑞祥康泰顺昌盛富广宏远合兆鹤鹿鸣翠碧"
)
_ROADS = ("路", "街", "大道", "巷")


@cache
def _loc_counties() -> dict[str, list[str]]:
    """Current (not abolished) county-level codes per province from stdnum's GB/T 2260 table."""
    text = (importlib.resources.files("stdnum") / "cn" / "loc.dat").read_text(encoding="utf-8")
    out: dict[str, list[str]] = {}
    prov = ""
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        if not line.startswith(" "):
            prov = line.split()[0]
            continue
        code, _, rest = line.strip().partition(" ")
        value = rest.partition('"')[2].rstrip('"')
        last = value.split(",")[-1]
        if last.startswith("[") and not last[1 : last.index("]")].endswith("-"):
            continue  # abolished ("[-2010]", "[1983-1990]")
        if code[2:] in ("00", "01") or code[:2] == "00" or code[:2] == "90":
            continue  # province / city / 市辖区 / 省直辖 placeholders, not counties
        out.setdefault(prov, []).append(prov + code)
    return out


@dataclass(slots=True)
class Node:
    code: str  # 12 digits
    name: str
    level: int
    parent: Node | None
    urban: bool = False
    roads: tuple[str, ...] = ()
    children: list[Node] = field(default_factory=list)
    code6: str = ""  # the first 6 digits (GB/T 2260 county), kept: rows ask for it millions of times

    def __post_init__(self) -> None:
        self.code6 = self.code[:6]


class Geography:
    """The tree, its villages with weights for placing persons, and the regions outside it."""

    def __init__(self, seed: int, persons: int) -> None:
        rng = FastRandom(f"{seed}:geography")
        local = _loc_counties()[PROVINCE]
        # Start at Suining and continue through the province's other cities in code order.
        start = min(i for i, c in enumerate(local) if c.startswith(FIRST_CITY))
        ordered = local[start:] + local[:start]
        n_counties = max(3, min(len(ordered), round(persons / PERSONS_PER_COUNTY)))
        n_villages = max(4 * n_counties, math.ceil(persons * 0.87 / PERSONS_PER_VILLAGE))

        self.province = Node(PROVINCE + "0" * 10, self._name(rng, "省", set()), 1, None)
        self.cities: dict[str, Node] = {}
        self.counties: list[Node] = []
        self.townships: list[Node] = []
        self.villages: list[Node] = []
        top_names: set[str] = set()  # cities and counties: unique across the whole tree
        for i, code6 in enumerate(ordered[:n_counties]):
            city = self.cities.get(code6[:4])
            if city is None:
                city = Node(code6[:4] + "0" * 8, self._name(rng, "市", top_names), 2, self.province)
                self.cities[code6[:4]] = city
                self.province.children.append(city)
            kind = int(code6[4:])
            suffix = "区" if kind < 21 else ("市" if kind >= 81 else "县")
            county = Node(code6 + "000000", self._name(rng, suffix, top_names), 3, city, urban=suffix == "区")
            city.children.append(county)
            self.counties.append(county)
            share = n_villages // n_counties + (1 if i < n_villages % n_counties else 0)
            self._townships(rng, county, max(4, share))

        weights = [rng.uniform(0.5, 1.5) * (1.4 if v.urban else 1.0) for v in self.villages]
        self._cum = list(_accumulate(weights))
        self.county_index = {c.code6: i for i, c in enumerate(self.counties)}
        # A well-formed village code that is not in the tree (UNKNOWN_AREA rows).
        self.unknown_area = self.counties[0].code6 + "998998"

        others = [c for p, codes in sorted(_loc_counties().items()) if p != PROVINCE for c in codes]
        in_prov = [c for c in ordered[n_counties:] if c[:4] not in self.cities]
        self.elsewhere_national = sorted(rng.sample(others, min(240, len(others))))
        self.elsewhere_province = sorted(rng.sample(in_prov, min(40, len(in_prov)))) or ["510100"]

    # -- construction -------------------------------------------------------------------------

    @staticmethod
    def _name(rng: random.Random, suffix: str, taken: set[str]) -> str:
        """An invented name, unique among its siblings (real names repeat across counties too)."""
        while True:
            name = rng.choice(_SYL) + rng.choice(_SYL) + suffix
            if name not in taken:
                taken.add(name)
                return name

    def _townships(self, rng: random.Random, county: Node, n_villages: int) -> None:
        n_town = max(2, math.ceil(n_villages / VILLAGES_PER_TOWNSHIP))
        town_names: set[str] = set()
        counters = {"街道": 0, "镇": 99, "乡": 199}  # 统计用区划代码: 001– streets, 100– towns, 200– xiang
        for t in range(n_town):
            if county.urban:
                kind = "街道" if t < max(1, n_town * 2 // 3) else "镇"
            else:
                kind = "街道" if t == 0 else ("镇" if t < max(2, n_town * 2 // 3) else "乡")
            counters[kind] += 1
            code = county.code6 + f"{counters[kind]:03d}000"
            town = Node(code, self._name(rng, kind, town_names), 4, county, urban=kind == "街道")
            county.children.append(town)
            self.townships.append(town)
            share = n_villages // n_town + (1 if t < n_villages % n_town else 0)
            n_comm = share if town.urban else min(share - 1, 1 + share // 8)
            village_names: set[str] = set()
            for v in range(share):
                community = v < n_comm
                vcode = town.code[:9] + (f"{v + 1:03d}" if community else f"{200 + v - n_comm + 1:03d}")
                roads: tuple[str, ...] = ()
                if community:
                    roads = tuple(rng.choice(_SYL) + rng.choice(_SYL) + rng.choice(_ROADS) for _ in range(3))
                name = self._name(rng, "社区" if community else "村", village_names)
                village = Node(vcode, name, 5, town, urban=community, roads=roads)
                town.children.append(village)
                self.villages.append(village)

    # -- use ----------------------------------------------------------------------------------

    def rows(self) -> list[list[str]]:
        """Division rows (AAB301, name, level, parent), parents before children."""
        out: list[list[str]] = []

        def walk(node: Node) -> None:
            out.append([node.code, node.name, str(node.level), node.parent.code if node.parent else ""])
            for child in node.children:
                walk(child)

        walk(self.province)
        return out

    def pick_village(self, rng: random.Random) -> Node:
        return self.villages[bisect.bisect(self._cum, rng.random() * self._cum[-1])]

    def pick_village_in(self, rng: random.Random, county: Node) -> Node:
        town = rng.choice(county.children)
        return rng.choice(town.children)

    def county_of(self, village: Node) -> Node:
        assert village.parent is not None and village.parent.parent is not None
        return village.parent.parent

    def address(self, rng: random.Random, village: Node) -> str:
        """A plausible residential address inside the village/community (all names invented)."""
        town = village.parent
        assert town is not None and town.parent is not None
        county = town.parent
        r = rng.random
        if village.urban:
            roads = village.roads
            return (
                f"{county.name}{town.name}{roads[int(r() * len(roads))]}{1 + int(r() * 300)}号"
                f"{1 + int(r() * 30)}栋{1 + int(r() * 4)}单元{1 + int(r() * 30)}{1 + int(r() * 4):02d}室"
            )
        return f"{county.name}{town.name}{village.name}{1 + int(r() * 12)}组{1 + int(r() * 120)}号"

    def full_name(self, county: Node) -> str:
        city = county.parent
        assert city is not None
        return f"{self.province.name}{city.name}{county.name}"


def _accumulate(values: list[float]) -> list[float]:
    total = 0.0
    out = []
    for v in values:
        total += v
        out.append(total)
    return out
