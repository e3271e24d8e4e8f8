"""公民身份号码 (AAC002) per GB 11643 and exchange-format.md "Identity numbers".

Valid means: 18 characters (a 15-digit number is first converted), the ISO 7064 MOD 11-2 check
character right, and a birth date that is a real calendar date, not before 1900-01-01 and not after
the as-of date when one is given. The region code never makes a number invalid (codes are
abolished and renamed all the time, and old numbers keep them): an unknown or abolished code only
yields a note.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from stdnum.cn import ric

from canbao.engine.validate.division import lookup_region
from canbao.engine.validate.text import normalise_text

_EARLIEST_BIRTH = datetime.date(1900, 1, 1)
_ALLOWED = frozenset("0123456789Xx")


@dataclass(frozen=True)
class IdCheck:
    raw: str
    normalised: str | None  # 18 characters, upper case, whenever they could be formed (even if invalid)
    valid: bool
    reason: str | None  # EMPTY, BAD_CHARS, LENGTH, CHECK_CHAR, BAD_DATE, BEFORE_1900, AFTER_AS_OF
    message: str | None
    converted_from_15: bool = False
    # The parts below are filled only for a valid number: an invalid one must not feed AAC004/AAC006.
    birth_date: datetime.date | None = None
    sex: str | None = None  # GB/T 2261.1: "1" male (odd 17th digit), "2" female
    region_code: str | None = None
    region_name: str | None = None
    region_note: str | None = None  # unknown or abolished region code; informative only


def calc_check_char(first17: str) -> str:
    """The GB 11643 check character (0-9 or X) of the first 17 digits."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError(f"计算校验码需要 17 位数字，实为“{first17}”")
    # stdnum's function takes the full number and ignores its last character.
    return ric.calc_check_digit(first17 + "0")


def convert_15_to_18(s: str) -> str:
    """Convert a 15-digit (first-generation) number: insert 19 before the date, add the check char."""
    number = normalise_text(s)
    if len(number) != 15 or not number.isascii() or not number.isdigit():
        raise ValueError(f"15 位身份号码应由 15 位数字组成，实为“{number}”")
    first17 = number[:6] + "19" + number[6:]
    return first17 + calc_check_char(first17)


def check_id(value: str | None, as_of: datetime.date | None = None) -> IdCheck:
    """Check one identity number as read from a file (trimmed and full-width folded first)."""
    raw = value or ""
    text = normalise_text(raw)
    if not text:
        return IdCheck(raw, None, False, "EMPTY", "公民身份号码为空")
    bad = sorted({ch for ch in text if ch not in _ALLOWED})
    if bad:
        shown = "、".join(f"“{ch}”" for ch in bad)
        return IdCheck(raw, None, False, "BAD_CHARS", f"公民身份号码含非法字符：{shown}")
    number = text.upper()  # only a lower-case x can change here
    if len(number) not in (15, 18):
        return IdCheck(
            raw,
            None,
            False,
            "LENGTH",
            f"公民身份号码长度错误：应为 18 位（或 15 位旧号码），实为 {len(number)} 位",
        )
    if "X" in number[:-1] or (len(number) == 15 and "X" in number):
        return IdCheck(raw, None, False, "BAD_CHARS", "公民身份号码中 X 只能作为第 18 位校验码")

    converted = len(number) == 15
    if converted:
        number = convert_15_to_18(number)

    def invalid(reason: str, message: str) -> IdCheck:
        return IdCheck(raw, number, False, reason, message, converted)

    # The check character is tested before the date: with both wrong, a mistyped digit is the likelier
    # cause, and "校验码错误" tells the clerk to re-read the whole number.
    expected = calc_check_char(number[:17])
    if number[17] != expected:
        return invalid("CHECK_CHAR", f"校验码错误：应为 {expected}，实为 {number[17]}")

    digits = number[6:14]
    try:
        birth = datetime.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return invalid("BAD_DATE", f"出生日期 {digits} 不是有效日期")
    if birth < _EARLIEST_BIRTH:
        return invalid("BEFORE_1900", f"出生日期 {birth.isoformat()} 早于 1900-01-01")
    if as_of is not None and birth > as_of:
        return invalid("AFTER_AS_OF", f"出生日期 {birth.isoformat()} 晚于基准日 {as_of.isoformat()}")

    region_code = number[:6]
    region = lookup_region(region_code)
    if region is None:
        region_name, note = None, f"地区码 {region_code} 不在 GB/T 2260 行政区划代码表中（号码仍有效）"
    elif not region.current:
        region_name = region.name
        until = f"（使用至 {region.until} 年）" if region.until else ""
        note = f"地区码 {region_code}（{region.name}）已撤销{until}（号码仍有效）"
    else:
        region_name, note = region.name, None

    return IdCheck(
        raw,
        number,
        True,
        None,
        None,
        converted,
        birth_date=birth,
        sex="1" if int(number[16]) % 2 == 1 else "2",
        region_code=region_code,
        region_name=region_name,
        region_note=note,
    )
