"""联系电话 (AAE005): a mainland mobile number or a landline with its area code."""

from __future__ import annotations

import re
from dataclasses import dataclass

from canbao.engine.validate.text import normalise_text

_MOBILE = re.compile(r"1[3-9]\d{9}")
# 0 + area code (2-3 more digits) + local number (7-8 digits); the hyphen after the area code is optional.
_LANDLINE_SPLIT = re.compile(r"(0\d{2,3})-(\d{7,8})")
_LANDLINE_DIGITS = re.compile(r"0\d{9,11}")
_SEPARATORS = re.compile(r"[\s\-()（）]")


@dataclass(frozen=True)
class PhoneCheck:
    raw: str
    normalised: str | None  # mobile: 11 digits; landline: "0AAA-NNNNNNN"
    valid: bool
    reason: str | None  # EMPTY, BAD_CHARS, FORMAT
    message: str | None
    kind: str | None = None  # mobile | landline


def _area_code_len(digits: str) -> int:
    # Mainland area codes: 010 and 020-029 have two digits after the 0, every other one has three.
    # That fixes where an unhyphenated landline splits.
    return 3 if digits[1] == "1" or digits[1] == "2" else 4


def check_phone(value: str | None) -> PhoneCheck:
    raw = value or ""
    text = normalise_text(raw).replace("－", "-").replace("—", "-")
    if not text:
        return PhoneCheck(raw, None, False, "EMPTY", "联系电话为空")
    if re.search(r"[^\d\s\-+()（）]", text):
        return PhoneCheck(raw, None, False, "BAD_CHARS", f"联系电话含非法字符：“{text}”")

    compact = _SEPARATORS.sub("", text)
    mobile = compact
    for prefix in ("+86", "0086"):
        if mobile.startswith(prefix):
            mobile = mobile[len(prefix) :]
            break
    else:
        # "86" without + is only taken as the country code in front of a full mobile number.
        if mobile.startswith("86") and len(mobile) == 13:
            mobile = mobile[2:]
    if _MOBILE.fullmatch(mobile):
        return PhoneCheck(raw, mobile, True, None, None, "mobile")

    # Landline: a hyphen the writer put is trusted; otherwise the area-code rule splits the digits.
    plain = re.sub(r"[\s()（）]", "", text)
    if m := _LANDLINE_SPLIT.fullmatch(plain):
        return PhoneCheck(raw, f"{m.group(1)}-{m.group(2)}", True, None, None, "landline")
    if "+" not in compact and _LANDLINE_DIGITS.fullmatch(compact):
        split = _area_code_len(compact)
        local = compact[split:]
        if 7 <= len(local) <= 8:
            return PhoneCheck(raw, f"{compact[:split]}-{local}", True, None, None, "landline")
    return PhoneCheck(
        raw,
        None,
        False,
        "FORMAT",
        f"联系电话格式错误：“{text}”，应为 11 位手机号码（1 开头）或带区号的固定电话（如 0833-1234567）",
    )
