"""The column-mapping file (cli.md): how to read an extract in another layout."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from canbao.engine.io.errors import ExtractRefused
from canbao.engine.kinds import KINDS


@dataclass(frozen=True)
class Mapping:
    kind: str
    encoding: str | None = None
    sheet: int | str = 1
    header_row: int = 1
    columns: dict[str, str] = field(default_factory=dict)  # source header -> canonical column
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # column -> {source: canonical}
    dates: dict[str, str] = field(default_factory=dict)  # column -> strptime format
    constants: dict[str, str] = field(default_factory=dict)  # column -> value


def load_mapping(path: Path) -> Mapping:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ExtractRefused(f"映射文件 {path.name} 无法读取：{exc}") from exc
    if not isinstance(data, dict) or "kind" not in data:
        raise ExtractRefused(f"映射文件 {path.name} 缺少 kind")
    kind = str(data["kind"])
    if kind not in KINDS:
        raise ExtractRefused(f"映射文件 {path.name}：未知的数据类别 {kind}")
    canonical = {c.lower(): c for c in KINDS[kind].codes}

    def canon(col: object, where: str) -> str:
        key = str(col).strip().lower()
        if key not in canonical:
            raise ExtractRefused(f"映射文件 {path.name} 的 {where} 中，{col} 不是 {kind} 的标准列")
        return canonical[key]

    columns = {str(src).strip(): canon(dst, "columns") for src, dst in (data.get("columns") or {}).items()}
    values = {
        canon(col, "values"): {str(k): str(v) for k, v in (table or {}).items()}
        for col, table in (data.get("values") or {}).items()
    }
    dates = {canon(col, "dates"): str(fmt) for col, fmt in (data.get("dates") or {}).items()}
    constants = {canon(col, "constants"): str(v) for col, v in (data.get("constants") or {}).items()}
    return Mapping(
        kind=kind,
        encoding=data.get("encoding"),
        sheet=data.get("sheet", 1),
        header_row=int(data.get("header_row", 1)),
        columns=columns,
        values=values,
        dates=dates,
        constants=constants,
    )
