"""Masking of ID numbers and phones for screens and staff exports (roles-and-workflow.md)."""

from __future__ import annotations


def mask_id(value: str | None) -> str:
    """`3206**********123X`: the first four and the last four characters."""
    if not value:
        return ""
    if len(value) <= 8:
        return value[:2] + "*" * (len(value) - 2)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str | None) -> str:
    """`138****1234` for mobiles; landlines keep the area code and the last four digits."""
    if not value:
        return ""
    digits = value.strip()
    if len(digits) <= 4:
        return "*" * len(digits)
    if len(digits) == 11 and digits.startswith("1"):
        return digits[:3] + "****" + digits[-4:]
    head = digits.split("-")[0] if "-" in digits else digits[:3]
    return head + "*" * max(len(digits) - len(head) - 4, 1) + digits[-4:]


def neutralise_cell(value: object) -> object:
    """Spreadsheet formula injection: a text cell starting with = + - @ is prefixed with a quote."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
