"""统一社会信用代码 (AAB998) per GB 32100-2015.

18 characters from the code alphabet (digits and upper-case letters without I, O, Z, S, V):
登记管理部门 1 + 机构类别 1 + 登记管理机关行政区划码 6 (digits) + 主体标识码 9 + 校验码 1.
python-stdnum's validator insists on eight leading digits, which refuses real codes registered by
authorities with a letter code (e.g. N for 农业农村部门, Y for others), so only its check-character
computation is used here.
"""

from __future__ import annotations

from dataclasses import dataclass

from stdnum.cn import uscc

from canbao.engine.validate.text import normalise_text

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_ALLOWED = frozenset(ALPHABET)


@dataclass(frozen=True)
class CodeCheck:
    raw: str
    normalised: str | None  # 18 characters, upper case, whenever they could be formed (even if invalid)
    valid: bool
    reason: str | None  # EMPTY, LENGTH, BAD_CHARS, CHECK_CHAR
    message: str | None


def calc_credit_check_char(first17: str) -> str:
    """The GB 32100 check character of the first 17 characters (upper case)."""
    body = first17.upper()
    if len(body) != 17 or any(ch not in _ALLOWED for ch in body):
        raise ValueError(
            f"计算校验码需要 17 位代码字符（数字及除 I、O、Z、S、V 外的大写字母），实为“{first17}”"
        )
    return uscc.calc_check_digit(body)


def check_credit_code(value: str | None) -> CodeCheck:
    """Check one unified social credit code as read from a file (trimmed, full-width folded)."""
    raw = value or ""
    # Hyphens and inner spaces are not part of the code, but a printed code is often grouped with
    # them; they are not stripped here, so such a value is reported rather than silently changed.
    code = normalise_text(raw).upper()
    if not code:
        return CodeCheck(raw, None, False, "EMPTY", "统一社会信用代码为空")
    bad = sorted({ch for ch in code if ch not in _ALLOWED})
    if bad:
        shown = "、".join(f"“{ch}”" for ch in bad)
        return CodeCheck(
            raw, None, False, "BAD_CHARS", f"统一社会信用代码含非法字符：{shown}（不使用 I、O、Z、S、V）"
        )
    if len(code) != 18:
        return CodeCheck(
            raw, None, False, "LENGTH", f"统一社会信用代码长度错误：应为 18 位，实为 {len(code)} 位"
        )
    if not code[2:8].isdigit():
        return CodeCheck(
            raw,
            code,
            False,
            "BAD_CHARS",
            f"统一社会信用代码第 3–8 位（登记管理机关行政区划码）应为数字：{code[2:8]}",
        )
    expected = calc_credit_check_char(code[:17])
    if code[17] != expected:
        return CodeCheck(raw, code, False, "CHECK_CHAR", f"校验码错误：应为 {expected}，实为 {code[17]}")
    return CodeCheck(raw, code, True, None, None)
