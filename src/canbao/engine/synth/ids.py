"""Identity numbers (GB 11643) and unified social credit codes (GB 32100) for synthetic records.

ID numbers must be unique across the city although chunks are generated independently (and in
parallel). Random sequence digits would collide (about two persons share a county, birth day and sex),
so the 3-digit sequence is partitioned: chunk c owns sequence slots [c·K, c·K + K) of every
(region, birth day, sex), K = 500 // chunks, and counts within the chunk. When a chunk's K slots for a
(region, day, sex) are used up (rare: about one person in 100 per slot and chunk), the number takes the
next region of the list instead: the birth date, which cases may pin exactly, never moves.
"""

from __future__ import annotations

import datetime as dt

from stdnum.cn import ric, uscc

_YMD: dict[dt.date, str] = {}


def ymd(d: dt.date) -> str:
    """YYYYMMDD; cached, since a city has only ~35,000 distinct dates and millions of rows."""
    s = _YMD.get(d)
    if s is None:
        s = f"{d.year:04d}{d.month:02d}{d.day:02d}"
        if len(_YMD) < 200_000:
            _YMD[d] = s
    return s


def with_check(body17: str) -> str:
    """The 18-character number for 17 digits, using python-stdnum's MOD 11-2 computation."""
    return body17 + ric.calc_check_digit(body17 + "0")


class IdAllocator:
    """Hands out unique, valid 18-character ID numbers within one chunk's share of the space."""

    def __init__(self, regions: list[str], chunk: int, chunks: int) -> None:
        if chunks > 500:
            raise ValueError("at most 500 chunks: the 3-digit sequence has 500 values per sex")
        self._regions = regions
        self._index = {r: i for i, r in enumerate(regions)}
        self._per_chunk = 500 // chunks
        self._base = chunk * self._per_chunk
        self._used: dict[tuple[int, int, bool], int] = {}

    def new(self, region: str, birth: dt.date, male: bool) -> str:
        day = birth.toordinal()
        ri = self._index[region]  # every chunk must see the same list, or slots would overlap
        for step in range(len(self._regions)):
            r = (ri + step) % len(self._regions)
            n = self._used.get((r, day, male), 0)
            if n < self._per_chunk:
                self._used[(r, day, male)] = n + 1
                # Spread sequences over 000–999 like police station numbers, unique per slot.
                seq = ((day * 37 + r * 101 + self._base + n) % 500) * 2 + (1 if male else 0)
                return with_check(f"{self._regions[r]}{ymd(birth)}{seq:03d}")
        raise ValueError(f"no ID number left for {birth}")


def to15(id18: str) -> str:
    """The old 15-digit form (no century, no check character) of a number born in 19xx."""
    assert id18[6:8] == "19"
    return id18[:6] + id18[8:17]


def wrong_check(id18: str) -> str:
    # Rotate from the right character so the wrong one is not always the same digit.
    return id18[:17] + "0123456789X"[("0123456789X".index(id18[17]) + 3) % 11]


def bad_date(id18: str) -> str:
    """Month 13 (not a calendar date), with a check character that is right for the digits."""
    return with_check(id18[:10] + "13" + id18[12:17])


def wrong_length(id18: str) -> str:
    return id18[:16] + id18[17]  # a digit dropped while typing: 17 characters


# -- unit credit codes -------------------------------------------------------------------------

_ORG_W = (3, 7, 9, 10, 5, 8, 4, 2)
# 登记管理部门码 + 机构类别码 by AAB019 (GB 32100 table 1: 1 机构编制, 5 民政, 9 工商, N 农业, Y 其他).
CREDIT_PREFIX = {
    "10": "91",
    "81": "92",
    "30": "11",
    "55": "12",
    "70": "51",
    "91": "52",
    "95": "N2",
    "96": "Y1",
}


def credit_code(aab019: str, county6: str, serial: int) -> str:
    """A valid GB 32100 code, its 9-character organisation code with its own GB 11714 check."""
    org8 = f"{serial % 100_000_000:08d}"
    c9 = 11 - sum(int(c) * w for c, w in zip(org8, _ORG_W, strict=True)) % 11
    org = org8 + ("X" if c9 == 10 else "0" if c9 == 11 else str(c9))
    body = CREDIT_PREFIX.get(aab019, "91") + county6 + org
    return body + uscc.calc_check_digit(body)


def corrupt_credit(code: str) -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    return code[:17] + alphabet[(alphabet.index(code[17]) + 7) % 31]
