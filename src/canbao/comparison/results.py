"""Reading a run's result files (Parquet, engine/compare/pipeline.py) with DuckDB, scoped to an account.

Persons, the DECEASED_ACTIVE list and units carry an area code; each account reads only the rows
whose code starts with its node's prefix (the same rule as `accounts.scoping`, ADR 0002). ID numbers
leave this module masked; nothing here returns a full number.

Rows without an area (decision):
- The *unlinked* list (rows whose ID number is invalid) has no area at all: the number is the only
  key, and it is broken. Those rows are shown only to an account whose node is the top of the tree
  (a Division without parent) or a city (level ≤ 2), i.e. to the level that owns the whole
  deployment's data; a county or lower account gets the same 404 as for anything outside its scope.
- A DECEASED_ACTIVE row whose placement is NULL (no register row and no insurance area) is treated
  the same way: only such an account sees it.
- Persons and units whose area is unknown are placed by the engine at the root node (pipeline
  "falls back to the top node"); in a city deployment whose tree starts at the province, that code is
  above the city's prefix. Such an account sees those rows too (they are the same "no known area"
  case); a county account does not.
- Run-wide figures that are not per area (publishing counts) are shown to such accounts only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from canbao.accounts.scoping import NotFoundInScope, scope_prefix
from canbao.comparison.models import ComparisonRun
from canbao.core.masking import mask_id
from canbao.divisions.models import Division
from canbao.engine.codes import code_name, get_table
from canbao.engine.kinds import KINDS

CLAUSES = {"BENEFIT": "死亡后仍在享受待遇", "CONTRIBUTION_AFTER_DEATH": "死亡后新参保缴费"}


@dataclass(frozen=True)
class Jurisdiction:
    prefix: str
    whole: bool  # sees rows without an area and run-wide figures (see the module docstring)
    label: str
    top: str = ""  # for a whole-scope account: the root node, where the engine puts unknown areas

    def sql(self, column: str) -> str:
        """DuckDB condition: `column` (a constant name) is in scope. Parameters: `params`."""
        return f"(starts_with({column}, $pre) OR {column} = $top OR ($whole AND {column} IS NULL))"

    @property
    def params(self) -> dict[str, Any]:
        return {"pre": self.prefix, "top": self.top, "whole": self.whole}


def jurisdiction_of(user: Any, *, area: str = "") -> Jurisdiction:
    """The account's scope, narrowed to `area` (a division code under it) when given."""
    prefix = scope_prefix(user)
    node = getattr(user, "node", None)
    if prefix is None or node is None:
        raise NotFoundInScope()
    if area and area != node.code:
        target = Division.objects.filter(code=area[:12]).first()
        if target is None or not target.prefix.startswith(prefix):
            raise NotFoundInScope()
        return Jurisdiction(prefix=target.prefix, whole=False, label=target.name)
    whole = node.parent_id is None or node.level <= 2
    root = (
        Division.objects.filter(parent__isnull=True)
        .order_by("level", "code")
        .values_list("code", flat=True)
        .first()
    )
    return Jurisdiction(prefix=prefix, whole=whole, label=node.name, top=(root or "") if whole else "")


def output_path(run: ComparisonRun, name: str) -> Path | None:
    """The run's `name`.parquet, when the run finished and the file is there."""
    if run.status != "done" or not run.result_dir:
        return None
    path = Path(run.result_dir) / f"{name}.parquet"
    return path if path.is_file() else None


def _query(sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    with duckdb.connect() as con:
        return con.execute(sql, params).fetchall()


def _names(codes: set[str]) -> dict[str, str]:
    codes.discard("")
    out: dict[str, str] = {}
    listed = sorted(codes)
    for i in range(0, len(listed), 500):
        out.update(Division.objects.filter(code__in=listed[i : i + 500]).values_list("code", "name"))
    return out


def _ymd(value: str | None) -> str:
    if value and len(value) == 8 and value.isdigit():
        return f"{value[:4]}-{value[4:6]}-{value[6:]}"
    return value or ""


# ---------------------------------------------------------------------------------------- summary


@dataclass
class AreaCount:
    code: str
    name: str
    persons: int
    outcomes: list[int]  # outcome 1..5
    complete: int


@dataclass
class RunSummary:
    persons: int = 0
    outcome: list[tuple[str, str, int]] = field(default_factory=list)
    population_group: list[tuple[str, str, int]] = field(default_factory=list)
    flags: list[tuple[str, str, int]] = field(default_factory=list)
    reasons: list[tuple[str, str, int]] = field(default_factory=list)
    complete: int = 0
    deceased: int = 0
    unlinked: int | None = None  # None: not for this account
    units: int = 0
    units_needing_survey: int = 0
    areas: list[AreaCount] = field(default_factory=list)


def _coded(table: str, counts: dict[str, int]) -> list[tuple[str, str, int]]:
    return [(code, name, counts.get(code, 0)) for code, name in get_table(table).codes.items()]


def run_summary(*, run: ComparisonRun, scope: Jurisdiction) -> RunSummary | None:
    """Counts by outcome, group, flag, reason and area, within `scope`; None until the run is done."""
    persons = output_path(run, "persons")
    if persons is None:
        return None
    params = {"p": str(persons), **scope.params}
    in_scope = scope.sql("AAB301")
    s = RunSummary()
    outcome: dict[str, int] = {}
    groups: dict[str, int] = {}
    sql = (
        "SELECT outcome, population_group, count(*), count(*) FILTER (WHERE complete) "  # noqa: S608 - constant
        f"FROM read_parquet($p) WHERE {in_scope} GROUP BY ALL"
    )
    for oc, grp, n, complete in _query(sql, params):
        s.persons += n
        s.complete += complete
        outcome[str(oc)] = outcome.get(str(oc), 0) + n
        groups[str(grp)] = groups.get(str(grp), 0) + n
    s.outcome, s.population_group = _coded("outcome", outcome), _coded("population_group", groups)
    for column, table, attr in (("flags", "flag", "flags"), ("survey_reasons", "survey_reason", "reasons")):
        sql = (
            f"SELECT v, count(*) FROM (SELECT unnest(string_split({column}, ';')) AS v "  # noqa: S608 - constant column
            f"FROM read_parquet($p) WHERE ({in_scope}) AND {column} <> '') GROUP BY v"
        )
        setattr(s, attr, _coded(table, {str(v): int(n) for v, n in _query(sql, params)}))
    by_outcome = ", ".join(f"count(*) FILTER (WHERE outcome = {k})" for k in range(1, 6))
    sql = (
        f"SELECT AAB301, count(*), {by_outcome}, count(*) FILTER (WHERE complete) "  # noqa: S608 - constants
        f"FROM read_parquet($p) WHERE {in_scope} GROUP BY AAB301 ORDER BY AAB301"
    )
    areas = _query(sql, params)
    names = _names({str(a[0]) for a in areas})
    s.areas = [AreaCount(a[0], names.get(a[0], ""), a[1], list(a[2:7]), a[7]) for a in areas]
    deceased = output_path(run, "deceased_active")
    if deceased is not None:
        sql = f"SELECT count(DISTINCT AAC002) FROM read_parquet($p) WHERE {scope.sql('placement')}"  # noqa: S608
        s.deceased = _query(sql, {**params, "p": str(deceased)})[0][0]
    units = output_path(run, "units")
    if units is not None:
        sql = f"SELECT count(*), count(*) FILTER (WHERE needs_survey) FROM read_parquet($p) WHERE {in_scope}"  # noqa: S608
        s.units, s.units_needing_survey = _query(sql, {**params, "p": str(units)})[0]
    unlinked = output_path(run, "unlinked")
    if scope.whole and unlinked is not None:
        s.unlinked = _query("SELECT count(*) FROM read_parquet($p)", {"p": str(unlinked)})[0][0]
    return s


# ------------------------------------------------------------------------------------------ lists


@dataclass(frozen=True)
class RunList:
    key: str
    title: str
    file: str
    area: str | None  # the column scoping goes by; None: the rows have no area (whole-scope only)
    order: str  # ORDER BY over the file's own columns (constant)
    person_list: bool  # person lists above the threshold need approval to export
    columns: tuple[tuple[str, str], ...]  # (row key, Chinese header)
    row: Callable[[dict[str, Any], dict[str, str], ComparisonRun], dict[str, Any]]


def _deceased_row(r: dict[str, Any], names: dict[str, str], run: ComparisonRun) -> dict[str, Any]:
    files = run.file_names()
    return {
        "id": mask_id(r["AAC002"]), "name": r["AAC003"] or "", "death_date": _ymd(r["death_date"]),
        "scheme": f"{r['scheme'] or ''} {code_name('scheme', r['scheme']) or ''}".strip(),
        "aac031": code_name("AAC031", r["AAC031"]) or (r["AAC031"] or ""),
        "aac084": code_name("AAC084", r["AAC084"]) or (r["AAC084"] or ""),
        "aac030": _ymd(r["AAC030"]), "unit": r["AAB001"] or "", "insured_area": r["AAB301"] or "",
        "clause": CLAUSES.get(r["clause"], r["clause"] or ""),
        "placement": r["placement"] or "", "placement_name": names.get(r["placement"] or "", ""),
        "source": f"{files.get(('insurance', r['_file']), '')} 第 {r['_line']} 行",
    }  # fmt: skip


def _unlinked_row(r: dict[str, Any], names: dict[str, str], run: ComparisonRun) -> dict[str, Any]:
    kind = KINDS.get(r["kind"])
    return {
        "kind": kind.name_zh if kind else r["kind"], "file": run.file_names().get((r["kind"], r["_file"]), ""),
        "line": r["_line"], "id": mask_id(r["AAC002"]), "name": r["AAC003"] or "",
        "reason": code_name("unlinked_reason", r["reason"]) or (r["reason"] or ""),
    }  # fmt: skip


def _unit_row(r: dict[str, Any], names: dict[str, str], run: ComparisonRun) -> dict[str, Any]:
    reasons = [v for v in (r["survey_reasons"] or "").split(";") if v]
    valid = r["credit_code_valid"]
    return {
        "aab998": r["AAB998"] or "", "aab001": r["AAB001"] or "", "aab004": r["AAB004"] or "",
        "aab019": code_name("AAB019", r["AAB019"]) or (r["AAB019"] or ""), "aae006": r["AAE006"] or "",
        "placement": r["AAB301"] or "", "placement_name": names.get(r["AAB301"] or "", ""),
        "needs_survey": "是" if r["needs_survey"] else "否",
        "reasons": "、".join(code_name("unit_survey_reason", v) or v for v in reasons),
        "credit_code_valid": "—" if valid is None else ("有效" if valid else "无效"),
    }  # fmt: skip


RUN_LISTS: dict[str, RunList] = {
    spec.key: spec
    for spec in [
        RunList(
            "deceased", "疑似死亡后继续参保或领取待遇名单", "deceased_active", "placement",
            "placement, AAC002, _file, _line", True,
            (("id", "公民身份号码"), ("name", "姓名"), ("death_date", "死亡日期"), ("scheme", "险种"),
             ("aac031", "参保缴费状态"), ("aac084", "待遇享受状态"), ("aac030", "参保日期"), ("unit", "单位编号"),
             ("insured_area", "参保地区划"), ("clause", "判定依据"), ("placement", "所属区划代码"),
             ("placement_name", "所属区划"), ("source", "来源")),
            _deceased_row,
        ),
        RunList(
            "unlinked", "无法关联的记录（公民身份号码无效）", "unlinked", None, "kind, _file, _line", True,
            (("kind", "数据类别"), ("file", "来源文件"), ("line", "行号"), ("id", "公民身份号码"),
             ("name", "姓名"), ("reason", "原因")),
            _unlinked_row,
        ),
        RunList(
            "units", "用人单位名单", "units", "AAB301", "AAB301, ukey", False,
            (("aab998", "统一社会信用代码"), ("aab001", "单位编号"), ("aab004", "单位名称"), ("aab019", "单位类型"),
             ("aae006", "地址"), ("placement", "所属区划代码"), ("placement_name", "所属区划"),
             ("needs_survey", "需调查"), ("reasons", "调查原因"), ("credit_code_valid", "统一社会信用代码")),
            _unit_row,
        ),
    ]
}  # fmt: skip


class RunRows:
    """One list of one run within a scope, for a Paginator (count + slices) and for exports."""

    def __init__(self, run: ComparisonRun, spec: RunList, scope: Jurisdiction) -> None:
        if spec.area is None and not scope.whole:
            raise NotFoundInScope()  # rows without an area: whole-scope accounts only
        self.run, self.spec, self.scope = run, spec, scope
        self.path = output_path(run, spec.file)
        self._count: int | None = None
        if spec.area is None:
            self.where, self.params = "TRUE", {}
        else:
            self.where, self.params = scope.sql(spec.area), scope.params

    @property
    def ready(self) -> bool:
        return self.path is not None

    def count(self) -> int:
        if self.path is None:
            return 0
        if self._count is None:
            sql = f"SELECT count(*) FROM read_parquet($p) WHERE {self.where}"  # noqa: S608 - constant spec
            self._count = int(_query(sql, {"p": str(self.path), **self.params})[0][0])
        return self._count

    def __len__(self) -> int:
        return self.count()

    def _stream(self, offset: int, limit: int | None, batch: int = 10_000) -> Iterator[dict[str, Any]]:
        """Display rows (masked, named) in list order, read in batches from one query."""
        if self.path is None or (limit is not None and limit <= 0):
            return
        sql = (
            f"SELECT * FROM read_parquet($p) WHERE {self.where} "  # noqa: S608 - constant spec
            f"ORDER BY {self.spec.order} LIMIT $limit OFFSET $offset"
        )
        params = {"p": str(self.path), "limit": limit, "offset": offset, **self.params}
        with duckdb.connect() as con:
            cur = con.execute(sql, params)
            columns = [d[0] for d in cur.description]
            while chunk := cur.fetchmany(batch):
                raw = [dict(zip(columns, values, strict=True)) for values in chunk]
                codes = {str(r[self.spec.area] or "") for r in raw} if self.spec.area else set()
                division_names = _names(codes)
                for r in raw:
                    yield self.spec.row(r, division_names, self.run)

    def __getitem__(self, key: slice) -> list[dict[str, Any]]:
        start = key.start or 0
        return list(self._stream(start, None if key.stop is None else key.stop - start))

    def iter_all(self) -> Iterator[dict[str, Any]]:
        return self._stream(0, None)
