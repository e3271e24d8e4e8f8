"""Identity numbers (GB 11643) and unified social credit codes (GB 32100) for synthetic records.

ID numbers must be unique across the whole city while persons are generated chunk by chunk. Random
sequence digits would collide (about 2 persons share a county, birth day and sex), so the 3-digit
sequence comes from a counter per (region, birth day, sex) kept in one compact bytearray: the only
state that crosses chunks, and the reason chunks are generated in order.
"""

from __future__ import annotations

import datetime as dt

from stdnum.cn import ric, uscc

_SPAN_BEFORE = 96 * 366 + 10  # days before the as-of date covered by the counters (ages 0–95)
_SPAN_AFTER = 400  # and after it (injected numbers with a future birth date)


def ymd(d: dt.date) -> str:
    return f"{d.year:04d}{d.month:02d}{d.day:02d}"


def with_check(body17: str) -> str:
    """The 18-character number for 17 digits, using python-stdnum's MOD 11-2 computation."""
    return body17 + ric.calc_check_digit(body17 + "0")


class IdAllocator:
    """Hands out unique, valid 18-character ID numbers."""

    def __init__(self, regions: list[str], as_of: dt.date) -> None:
        self._region = {r: i for i, r in enumerate(regions)}
        self._origin = as_of.toordinal() + _SPAN_AFTER
        self._span = _SPAN_BEFORE + _SPAN_AFTER
        self._counts = bytearray(len(regions) * self._span * 2)
        self._extra: dict[tuple[str, int, bool], int] = {}  # regions or days outside the array

    def new(self, region: str, birth: dt.date, male: bool) -> str:
        off = self._origin - birth.toordinal()
        ri = self._region.get(region)
        if ri is not None and 0 <= off < self._span:
            k = (ri * self._span + off) * 2 + male
            n = self._counts[k]
            if n < 255:
                self._counts[k] = n + 1
            else:  # 255 persons of one sex born the same day in one county: spill over
                spill = self._extra.get((region, off, male), 0)
                self._extra[(region, off, male)] = spill + 1
                n += spill
        else:
            n = self._extra.get((region, off, male), 0)
            self._extra[(region, off, male)] = n + 1
        if n >= 500:
            raise ValueError(f"too many persons born {birth} in {region}")
        # Spread sequences over 000–999 like police station numbers do, still unique per counter.
        seq = ((off * 37 + (ri or 0) * 101 + n) % 500) * 2 + (1 if male else 0)
        return with_check(f"{region}{ymd(birth)}{seq:03d}")


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
