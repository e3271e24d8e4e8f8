"""Division codes: the 12-digit 统计用区划代码 (AAB301) and the 6-digit GB/T 2260 code.

A 12-digit code is 省 2 + 市 2 + 县 2 + 乡镇 3 + 村 3 digits; a node of a higher level has the lower
parts zero-padded, so its level is read from the trailing zeros and its *prefix* (the significant
digits) is what every code under it starts with. GB/T 2260 names come from python-stdnum's copy of
the code list (stdnum/cn/loc.dat), which keeps abolished codes with the years they were in use.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from canbao.engine.validate.text import normalise_text

# Significant digits per level: 1 省, 2 市, 3 县(区), 4 乡镇(街道), 5 村(社区).
LEVEL_PREFIX_LEN = {1: 2, 2: 4, 3: 6, 4: 9, 5: 12}

_SEGMENTS = ((0, 2), (2, 4), (4, 6), (6, 9), (9, 12))


@dataclass(frozen=True)
class DivisionCheck:
    raw: str
    normalised: str | None
    valid: bool
    reason: str | None  # EMPTY, BAD_CHARS, LENGTH, BAD_STRUCTURE
    message: str | None
    level: int | None = None
    prefix: str | None = None


def check_division_code(value: str | None) -> DivisionCheck:
    """Check a 12-digit 统计用区划代码 and infer its level and prefix."""
    raw = value or ""
    code = normalise_text(raw)
    if not code:
        return DivisionCheck(raw, None, False, "EMPTY", "行政区划代码为空")
    if not code.isascii() or not code.isdigit():
        return DivisionCheck(raw, None, False, "BAD_CHARS", f"行政区划代码只能由数字组成：“{code}”")
    if len(code) != 12:
        return DivisionCheck(
            raw, None, False, "LENGTH", f"行政区划代码应为 12 位统计用区划代码，实为 {len(code)} 位"
        )
    parts = [code[a:b] for a, b in _SEGMENTS]
    if int(parts[0]) == 0:
        return DivisionCheck(raw, code, False, "BAD_STRUCTURE", f"行政区划代码 {code} 的省级代码不能为 00")
    level = _level_of(parts)
    # Below the last significant part everything is zero by construction; above it, a zero 市 or
    # 乡镇 part under a non-zero lower part is malformed (a village always belongs to a town, a
    # county to a prefecture: province-administered counties use 市 = 90). A zero 县 part is
    # allowed: 东莞, 中山, 儋州, 嘉峪关 have towns directly under the prefecture (e.g. 4419 00 003).
    for index in (1, 3):
        if index < level - 1 and int(parts[index]) == 0:
            what = "市级" if index == 1 else "乡镇级"
            return DivisionCheck(
                raw, code, False, "BAD_STRUCTURE", f"行政区划代码 {code} 的{what}代码为 0，但其下级代码不为 0"
            )
    return DivisionCheck(raw, code, True, None, None, level, code[: LEVEL_PREFIX_LEN[level]])


def _level_of(parts: list[str]) -> int:
    level = 1
    for index, part in enumerate(parts):
        if int(part) != 0:
            level = index + 1
    return level


def division_prefix(code: str, level: int) -> str:
    """The first digits of a 12-digit code that identify its ancestor (or itself) at ``level``."""
    if level not in LEVEL_PREFIX_LEN:
        raise ValueError(f"级别应为 1–5，实为 {level}")
    return code[: LEVEL_PREFIX_LEN[level]]


def division_code_of(prefix: str) -> str:
    """The 12-digit code of the node whose significant digits are ``prefix``."""
    return prefix.ljust(12, "0")


def county_code6(code: str) -> str:
    """The 6-digit GB/T 2260 county code in a 12-digit (or longer than 6 digit) division code."""
    return code[:6]


# --- GB/T 2260 names (6-digit codes) ---------------------------------------------------------

# Prefecture-level entries that are grouping placeholders, not place names: left out of full names.
_PLACEHOLDERS = frozenset(
    {
        "市辖区",
        "县",
        "省直辖县级行政单位",
        "省直辖县级行政区划",
        "自治区直辖县级行政区划",
        "自治区直辖县级行政单位",
    }
)
_PERIOD = re.compile(r"\[(\d*)-(\d*)\](.*)")


@dataclass(frozen=True)
class RegionInfo:
    code: str
    name: str  # full name, e.g. 河北省石家庄市长安区 (the latest name the code had)
    local_name: str  # the code's own name, e.g. 长安区
    current: bool  # still in use in the GB/T 2260 list python-stdnum ships
    until: int | None  # last year in use when abolished


@dataclass(frozen=True)
class _Entry:
    name: str
    current: bool
    until: int | None


def _parse_entry(value: str) -> _Entry:
    # loc.dat values: "朝阳区" (always in use) or "[-1991]东郊区,[1992-]东丽区" (periods, oldest first).
    latest_name, current, until = "", False, None
    for part in value.split(","):
        m = _PERIOD.fullmatch(part)
        if m is None:
            return _Entry(part, True, None)
        latest_name = m.group(3)
        if m.group(2) == "":
            current, until = True, None
        elif not current:
            until = max(until or 0, int(m.group(2)))
    return _Entry(latest_name, current, None if current else until)


@functools.lru_cache(maxsize=4096)
def _entry(code6: str) -> tuple[str, _Entry] | None:
    """(province name, entry) for an exact 6-digit code, or None when the list lacks it."""
    from stdnum import numdb  # imported lazily: reading loc.dat takes a moment

    parts = numdb.get("cn/loc").info(code6)
    if len(parts) != 2 or "province" not in parts[0][1] or "county" not in parts[1][1]:
        return None
    return parts[0][1]["province"], _parse_entry(parts[1][1]["county"])


def lookup_region(code6: str | None) -> RegionInfo | None:
    """Name and status of a 6-digit GB/T 2260 code (historical codes included); None when unknown."""
    code = normalise_text(code6)
    if len(code) != 6 or not code.isascii() or not code.isdigit():
        return None
    found = _entry(code)
    if found is None:
        return None
    province, entry = found
    parts = [province]
    if code[2:] != "0000":
        if code[4:] != "00":
            prefecture = _entry(code[:4] + "00")
            if prefecture is not None and prefecture[1].name not in _PLACEHOLDERS:
                parts.append(prefecture[1].name)
        parts.append(entry.name)
    return RegionInfo(code, "".join(parts), entry.name, entry.current, entry.until)
