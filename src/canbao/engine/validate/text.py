"""Text normalisation shared by every reader (exchange-format.md "Text", comparison-rules.md §1)."""

from __future__ import annotations

import datetime
import re

# exchange-format.md: only full-width digits and letters become half-width on import; other
# full-width characters (punctuation in addresses, say) are kept as the department wrote them.
_FULLWIDTH_ALNUM = {
    **{cp: cp - 0xFEE0 for cp in range(0xFF10, 0xFF1A)},  # ０-９
    **{cp: cp - 0xFEE0 for cp in range(0xFF21, 0xFF3B)},  # Ａ-Ｚ
    **{cp: cp - 0xFEE0 for cp in range(0xFF41, 0xFF5B)},  # ａ-ｚ
}

# comparison-rules.md §1: for names the whole full-width block U+FF01–FF5E and the ideographic
# space are folded, so that "Ａ．李" and "A.李" compare equal.
_FULLWIDTH_ALL = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}

# Middle dots used between the parts of transliterated (often minority) names, in their many
# encodings: U+00B7, U+2022, U+30FB, U+2027, U+FF65 and the ASCII full stop.
_NAME_DOTS = "·•・‧･."


def normalise_text(s: str | None) -> str:
    """Trim Unicode white space (U+3000 included) and fold full-width digits and letters."""
    if not s:
        return ""
    # str.strip() without arguments strips every character with str.isspace(), U+3000 included.
    return s.translate(_FULLWIDTH_ALNUM).strip()


def name_key(s: str | None) -> str:
    """The key two names are compared by: folded, without white space or dots."""
    if not s:
        return ""
    folded = s.translate(_FULLWIDTH_ALL)
    return "".join(ch for ch in folded if not ch.isspace() and ch not in _NAME_DOTS)


_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
# Excel and hand-typed files often drop the leading zero of month and day ("2016/7/1"), so the
# separated forms accept one or two digits; the separator must be the same on both sides.
_SEPARATED_DATE = re.compile(r"(\d{4})([-/])(\d{1,2})\2(\d{1,2})")


def parse_date(s: str | None) -> datetime.date | None:
    """Read YYYYMMDD, YYYY-MM-DD or YYYY/MM/DD; None when empty; ValueError (Chinese) otherwise."""
    text = normalise_text(s)
    if not text:
        return None
    if m := _COMPACT_DATE.fullmatch(text):
        year, month, day = m.group(1), m.group(2), m.group(3)
    elif m := _SEPARATED_DATE.fullmatch(text):
        year, month, day = m.group(1), m.group(3), m.group(4)
    else:
        raise ValueError(f"日期格式错误：“{text}”，应为 YYYYMMDD、YYYY-MM-DD 或 YYYY/MM/DD")
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError:
        raise ValueError(f"日期无效：“{text}” 不是实际存在的日期") from None
