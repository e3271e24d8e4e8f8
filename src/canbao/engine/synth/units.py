"""Employers (用人单位) of the synthetic city.

A unit is a pure function of (seed, index): employees in any chunk can name their employer without a
unit table in memory, and the unit extract is written at the end from the same function. Units are
spread over the counties (index modulo the county count); within a county, index j = 0, 20, 40 … is a
public body (机关/事业) and a few indices are special on purpose, for comparison-rules.md §7:

- ``no_insurance``: registered for social insurance (has AAB001), but no insurance row carries it;
- ``not_si``: never registered for social insurance (no AAB001);
- ``bad_code``: its credit code has a wrong check character (ID_INVALID) — it does insure;
- ``unregistered``: missing from the unit extract, only employment rows name it (by credit code).

The last four indices of every county are one of each, so even a tiny city has every case; in a big
city they also recur at a low rate, never among the first hundred (the big) units.
"""

from __future__ import annotations

import random

from .geography import Geography, Node
from .ids import corrupt_credit, credit_code

_MASK = (1 << 64) - 1

_SYL = "华兴盛达宏泰鑫源恒通顺利合众联创博远信诚安康瑞丰天成金海蓝新嘉和光明正德"
_TRADE = (
    "建筑工程",
    "商贸",
    "机械制造",
    "食品",
    "物流",
    "科技",
    "餐饮管理",
    "纺织",
    "电子",
    "农业开发",
    "医药",
    "物业服务",
    "汽车销售",
    "建材",
    "酒业",
    "家具",
    "印务",
    "环保",
    "劳务",
    "化工",
)
_FORM = ("有限公司", "有限责任公司", "股份有限公司", "有限公司", "厂")
_PUBLIC = (
    "人民医院",
    "第一中学",
    "实验小学",
    "财政局",
    "教育局",
    "卫生健康局",
    "交通运输局",
    "自然资源局",
    "人力资源和社会保障局",
    "中心卫生院",
    "疾病预防控制中心",
    "图书馆",
    "职业技术学校",
    "水务局",
)
_SHOP = ("便利店", "餐馆", "五金店", "汽修部", "理发店", "农资店", "副食店", "茶楼")
_SOCIAL = ("商会", "慈善会", "个体劳动者协会", "幼儿园", "养老院", "培训学校")


def _mix(x: int) -> int:
    """splitmix64: a cheap, well-spread hash for unit attributes."""
    x = (x + 0x9E3779B97F4A7C15) & _MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK
    return x ^ (x >> 31)


class Units:
    ROLES = ("no_insurance", "not_si", "bad_code", "unregistered")

    def __init__(self, seed: int, geo: Geography, persons: int) -> None:
        self.geo = geo
        self.n_counties = len(geo.counties)
        self.per_county = max(30, persons // 30 // self.n_counties)
        self.total = self.per_county * self.n_counties
        self._salt = _mix(seed * 7919 + 17)
        # Employees name their employer on every row; big employers recur, so remember what was built.
        self._cache: dict[int, tuple[str, str]] = {}
        self._credit: dict[int, str] = {}

    def county(self, u: int) -> Node:
        return self.geo.counties[u % self.n_counties]

    def role(self, u: int) -> str:
        j = u // self.n_counties
        tail = self.per_county - 1 - j
        if 0 <= tail < 4:
            return self.ROLES[tail]
        if j >= 100:
            if j % 97 == 13:
                return "no_insurance"
            if j % 89 == 7:
                return "not_si"
            if j % 211 == 5:
                return "bad_code"
            if j % 151 == 3:
                return "unregistered"
        return "public" if j % 20 == 0 else "regular"

    def insures(self, u: int) -> bool:
        return self.role(u) in ("regular", "public", "bad_code")

    def in_extract(self, u: int) -> bool:
        return self.role(u) != "unregistered"

    def pays_all(self, u: int) -> bool:
        """Most units pay all five insurances; some only pension, medical and work injury."""
        return _mix(u ^ self._salt) % 100 < 88

    def aab019(self, u: int) -> str:
        role = self.role(u)
        h = _mix(u ^ self._salt) >> 8
        if role == "public":
            return "30" if h % 3 == 0 else "55"
        if role in ("not_si", "unregistered"):
            return "81"
        r = h % 100
        return "10" if r < 88 else "91" if r < 93 else "70" if r < 96 else "96" if r < 98 else "95"

    def aab001(self, u: int) -> str:
        if self.role(u) in ("not_si", "unregistered"):
            return ""
        return f"{self.county(u).code6}{u // self.n_counties:06d}"

    def aab998(self, u: int) -> str:
        got = self._credit.get(u)
        if got is None:
            got = self._aab998(u)
            if len(self._credit) < 500_000:
                self._credit[u] = got
        return got

    def _aab998(self, u: int) -> str:
        code = credit_code(self.aab019(u), self.county(u).code6, _mix(u ^ self._salt ^ 0x5A5A) % 10**8)
        return corrupt_credit(code) if self.role(u) == "bad_code" else code

    def ident(self, u: int) -> tuple[str, str]:
        """(AAB001, AAB004) as insurance rows carry them, cached."""
        got = self._cache.get(u)
        if got is None:
            got = (self.aab001(u), self.name(u))
            if len(self._cache) < 500_000:
                self._cache[u] = got
        return got

    def name(self, u: int) -> str:
        h = _mix(u * 31 + self._salt)
        county = self.county(u).name[:-1]
        kind = self.aab019(u)
        brand = _SYL[h % len(_SYL)] + _SYL[(h >> 8) % len(_SYL)]
        if kind in ("30", "55"):
            return county + _PUBLIC[(h >> 16) % len(_PUBLIC)] + ("" if h % 5 else "分院")
        if kind == "81":
            return county + brand + _SHOP[(h >> 16) % len(_SHOP)]
        if kind in ("70", "91"):
            return county + brand + _SOCIAL[(h >> 16) % len(_SOCIAL)]
        if kind in ("95", "96"):
            return county + brand + ("村民委员会" if kind == "95" else "居民委员会")
        return county + brand + _TRADE[(h >> 16) % len(_TRADE)] + _FORM[(h >> 24) % len(_FORM)]

    def row(self, u: int, rng: random.Random) -> list[str]:
        """The unit extract row: AAB998, AAB004, AAB019, AAB301, AAE006, AAB001."""
        county = self.county(u)
        village = self.geo.pick_village_in(rng, county)
        return [
            self.aab998(u),
            self.name(u),
            self.aab019(u),
            county.code6,
            self.geo.address(rng, village),
            self.aab001(u),
        ]

    # -- choosing an employer ------------------------------------------------------------------

    def pick(self, rng: random.Random, county_idx: int, public: bool = False) -> int:
        """A unit in the county, skewed to low indices (a few big employers, many small ones)."""
        pc = self.per_county
        if public:
            j = 20 * int(((pc - 5) // 20 + 1) * rng.random() ** 2)
        else:
            j = int(pc * rng.random() ** 2.5)
            if j % 20 == 0:
                j += 1
        return county_idx + self.n_counties * min(j, pc - 1)

    def special(self, county_idx: int, role: str) -> int:
        """The always-present unit of a special role in the county."""
        return county_idx + self.n_counties * (self.per_county - 1 - self.ROLES.index(role))
