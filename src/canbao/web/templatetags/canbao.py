"""Template filters: code values shown with their Chinese names."""

from __future__ import annotations

from django import template

from canbao.engine.codes import code_name

register = template.Library()


@register.filter
def code(value: object, table: str) -> str:
    """`{{ person.outcome|code:"outcome" }}` → "4 需调查登记"; empty stays "—"."""
    if value in (None, ""):
        return "—"
    name = code_name(table, str(value))
    return f"{value} {name}" if name else str(value)


@register.filter
def codes(value: str | None, table: str) -> str:
    """`;`-joined codes (flags, survey reasons) as their Chinese names, or "无"."""
    if not value:
        return "无"
    return "、".join(code_name(table, c) or c for c in value.split(";") if c)


@register.filter
def get_item(mapping: dict[str, object] | None, key: str) -> object:
    """`{{ names|get_item:key }}`: a dict look-up by a variable key."""
    return (mapping or {}).get(key, key)
