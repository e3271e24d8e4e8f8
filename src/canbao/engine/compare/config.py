"""The rules' parameters, from a YAML file whose defaults are comparison-rules.md."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

LINES = ("pension", "medical", "injury", "unemployment", "maternity")


@dataclass(frozen=True)
class LineRule:
    key: str
    column: str
    schemes: tuple[str, ...]  # by priority, highest first


@dataclass(frozen=True)
class RulesConfig:
    version: str
    hukou_in_population: tuple[str, ...]
    hukou_dead: tuple[str, ...]
    hukou_special: tuple[str, ...]
    residence_years: int
    lines: tuple[LineRule, ...]
    pension_min_age: int
    students_exempt_from_pension: bool
    not_required_unless_employee: tuple[str, ...]
    employee_schemes: tuple[str, ...]
    dup_enrollment: dict[str, tuple[str, ...]]
    dup_benefit: dict[str, str]
    required_items: tuple[str, ...]
    not_required_for_groups: dict[str, tuple[str, ...]]
    digest: str

    def line(self, key: str) -> LineRule:
        return next(r for r in self.lines if r.key == key)


def load_rules(path: Path | None = None) -> RulesConfig:
    if path is None:
        text = resources.files("canbao.engine.compare").joinpath("rules.yaml").read_text(encoding="utf-8")
    else:
        text = Path(path).read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    lines = tuple(
        LineRule(key, str(spec["column"]), tuple(str(s) for s in spec["schemes"]))
        for key, spec in data["lines"].items()
    )
    if tuple(r.key for r in lines) != LINES:
        raise ValueError(f"规则文件的险种必须依次为 {', '.join(LINES)}")
    return RulesConfig(
        version=str(data["version"]),
        hukou_in_population=tuple(str(v) for v in data["hukou_in_population"]),
        hukou_dead=tuple(str(v) for v in data["hukou_dead"]),
        hukou_special=tuple(str(v) for v in data["hukou_special"]),
        residence_years=int(data["residence_years"]),
        lines=lines,
        pension_min_age=int(data["pension_min_age"]),
        students_exempt_from_pension=bool(data["students_exempt_from_pension"]),
        not_required_unless_employee=tuple(data["not_required_unless_employee"]),
        employee_schemes=tuple(str(v) for v in data["employee_schemes"]),
        dup_enrollment={k: tuple(str(s) for s in v) for k, v in data["dup_enrollment"].items()},
        dup_benefit={k: str(v) for k, v in data["dup_benefit"].items()},
        required_items=tuple(data["required_items"]),
        not_required_for_groups={str(k): tuple(v) for k, v in data["not_required_for_groups"].items()},
        digest=hashlib.sha256(text.encode()).hexdigest(),
    )
