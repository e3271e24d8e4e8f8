"""Code tables: the 41号 tables, the national standards they cite, the spec's own tables and the
survey short codes, loaded from the YAML files in ``data/``.

The data lives in YAML (not Python) so that a reviewer can check it line by line against the seed
it cites in each table's ``source``, and a province can add a table without touching code.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import yaml

from canbao.engine.validate.text import normalise_text

DATA_PACKAGE = "canbao.engine.codes"


@dataclass(frozen=True)
class CodeTable:
    key: str
    name_zh: str
    source: str
    codes: dict[str, str]  # code → Chinese name, in the order of the source table
    attrs: dict[str, dict[str, Any]] = field(default_factory=dict)  # code → extra attributes
    maps_to: str | None = None  # for short-code tables: the table the codes map to
    mapping: dict[str, str] = field(default_factory=dict)  # short code → code in `maps_to`

    def name(self, code: str) -> str | None:
        return self.codes.get(code)

    def __contains__(self, code: object) -> bool:
        return code in self.codes

    def ordered(self, codes: Iterable[str]) -> list[str]:
        """``codes`` (each a code of this table) sorted in table order, duplicates dropped."""
        position = {code: i for i, code in enumerate(self.codes)}
        unique = set(codes)
        unknown = unique - position.keys()
        if unknown:
            raise KeyError(f"代码表 {self.key} 中没有代码 {'、'.join(sorted(unknown))}")
        return sorted(unique, key=position.__getitem__)


@dataclass(frozen=True)
class InsuranceLine:
    key: str  # pension, medical, injury, unemployment, maternity
    name_zh: str
    status_column: str  # AIC003 …
    schemes: tuple[str, ...]


def _table(entry: dict[str, Any], file: str) -> CodeTable:
    key = str(entry["key"])
    codes: dict[str, str] = {}
    attrs: dict[str, dict[str, Any]] = {}
    for raw_code, value in (entry.get("codes") or {}).items():
        # YAML reads an unquoted 01 as 1: every code must be quoted in the data files.
        if not isinstance(raw_code, str):
            raise ValueError(f"{file}: 代码表 {key} 的代码 {raw_code!r} 必须加引号写成字符串")
        if isinstance(value, dict):
            extra = dict(value)
            codes[raw_code] = str(extra.pop("name"))
            attrs[raw_code] = extra
        else:
            codes[raw_code] = str(value)
    mapping = {str(k): str(v) for k, v in (entry.get("map") or {}).items()}
    return CodeTable(
        key=key,
        name_zh=str(entry["name_zh"]),
        source=str(entry["source"]),
        codes=codes,
        attrs=attrs,
        maps_to=entry.get("maps_to"),
        mapping=mapping,
    )


def _check(tables: dict[str, CodeTable]) -> None:
    """Refuse inconsistent data at load time, so a typo in a YAML file cannot reach a comparison."""
    for table in tables.values():
        if not table.codes:
            raise ValueError(f"代码表 {table.key} 没有代码")
        if table.maps_to is None:
            if table.mapping:
                raise ValueError(f"代码表 {table.key} 有 map 但没有 maps_to")
            continue
        target = tables.get(table.maps_to)
        if target is None:
            raise ValueError(f"代码表 {table.key} 映射到不存在的代码表 {table.maps_to}")
        if set(table.mapping) != set(table.codes):
            missing = set(table.codes) ^ set(table.mapping)
            raise ValueError(f"代码表 {table.key} 的 map 与代码不一致：{'、'.join(sorted(missing))}")
        for short, code in table.mapping.items():
            if code not in target.codes:
                raise ValueError(
                    f"代码表 {table.key} 的简码 {short} 映射到 {table.maps_to} 中不存在的代码 {code}"
                )


@functools.cache
def load_tables() -> dict[str, CodeTable]:
    """Every code table, by key (read once per process)."""
    tables: dict[str, CodeTable] = {}
    data_dir = resources.files(DATA_PACKAGE) / "data"
    for item in sorted(data_dir.iterdir(), key=lambda p: p.name):
        if not item.name.endswith(".yaml"):
            continue
        document = yaml.safe_load(item.read_text(encoding="utf-8")) or {}
        for entry in document.get("tables") or []:
            table = _table(entry, item.name)
            if table.key in tables:
                raise ValueError(f"{item.name}: 代码表 {table.key} 重复定义")
            tables[table.key] = table
    _check(tables)
    return tables


def get_table(table_key: str) -> CodeTable:
    try:
        return load_tables()[table_key]
    except KeyError:
        raise KeyError(f"未知的代码表 {table_key}") from None


def code_name(table_key: str, code: str | None) -> str | None:
    """The Chinese name of ``code`` in the table, or None when the code is not in it."""
    if code is None:
        return None
    return get_table(table_key).codes.get(normalise_text(str(code)))


def is_valid_code(table_key: str, code: str | None) -> bool:
    if code is None:
        return False
    return normalise_text(str(code)) in get_table(table_key).codes


def map_short_code(kind: str, short: str) -> str:
    """The code a survey short code stands for; ``kind`` is the short-code table's key.

    survey_hukou → AAC009, survey_identity → AAC012; survey_uninsured, uninsured_002 and
    uninsured_003 → uninsured_reason. KeyError (Chinese message) for an unknown kind or code.
    """
    table = get_table(kind)
    if table.maps_to is None:
        raise KeyError(f"代码表 {kind} 不是简码表")
    code = normalise_text(str(short))
    try:
        return table.mapping[code]
    except KeyError:
        raise KeyError(f"{table.name_zh}中没有简码 {code}") from None


def short_code_kinds() -> list[str]:
    """Keys of the tables whose codes map to another table."""
    return [t.key for t in load_tables().values() if t.maps_to is not None]


@functools.cache
def insurance_lines() -> tuple[InsuranceLine, ...]:
    """The five insurance lines, in the order of comparison-rules.md §3."""
    table = get_table("insurance_line")
    return tuple(
        InsuranceLine(
            key=code,
            name_zh=name,
            status_column=str(table.attrs[code]["status_column"]),
            schemes=tuple(str(s) for s in table.attrs[code]["schemes"]),
        )
        for code, name in table.codes.items()
    )


def line_of_scheme(scheme: str) -> str | None:
    """The insurance line (pension, medical, …) a scheme code belongs to."""
    attrs = get_table("scheme").attrs.get(normalise_text(str(scheme)))
    return None if attrs is None else str(attrs["line"])


__all__ = [
    "CodeTable",
    "InsuranceLine",
    "code_name",
    "get_table",
    "insurance_lines",
    "is_valid_code",
    "line_of_scheme",
    "load_tables",
    "map_short_code",
    "short_code_kinds",
]
