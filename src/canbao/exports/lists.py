"""The person lists that can be exported, each named by a kind and a JSON spec it can be rebuilt from.

An approval is given for a spec, not for a file: the list is evaluated again at download time, within
the requester's scope as it is then (ADR 0008). A spec holds no full ID number (a search by number is
kept as its keyed look-up hash).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from canbao.accounts.scoping import NotFoundInScope
from canbao.comparison.models import ComparisonRun
from canbao.comparison.results import RUN_LISTS, RunRows, jurisdiction_of
from canbao.core import crypto
from canbao.engine.codes import code_name
from canbao.engine.validate.idnumber import check_id
from canbao.registry.models import Person
from canbao.registry.selectors import PersonFilters, person_list


def export_threshold() -> int:
    """Person lists longer than this need approval (settings.CANBAO["EXPORT_APPROVAL_THRESHOLD"])."""
    return int(settings.CANBAO["EXPORT_APPROVAL_THRESHOLD"])


@dataclass
class ExportList:
    kind: str
    spec: dict[str, Any]
    title: str
    person_list: bool  # only person lists need approval above the threshold
    object_type: str  # for the audit record
    object_ref: str
    audit_detail: dict[str, Any]  # what the list is, without person data (search terms as booleans)
    file_name: str
    source_url: str  # the page the list comes from
    header: Sequence[str]
    count: Callable[[], int]
    rows: Callable[[], Iterable[Sequence[object]]]
    _count: int | None = field(default=None, repr=False)

    def size(self) -> int:
        if self._count is None:
            self._count = self.count()
        return self._count


# ---------------------------------------------------------------------------------- person search

PERSON_HEADER = (
    "姓名",
    "公民身份号码",
    "性别",
    "出生日期",
    "联系电话",
    "行政区划代码",
    "行政区划",
    "入库结果",
)
SEX = {"1": "男", "2": "女"}


def _person_row(p: Person) -> tuple[object, ...]:
    outcome = code_name("outcome", str(p.outcome)) if p.outcome else "未比对"
    return (
        p.aac003, p.aac002_masked, SEX.get(p.aac004, ""), p.aac006.isoformat() if p.aac006 else "",
        p.aae005_masked, p.placement_id, p.placement.name if p.placement else "", outcome or str(p.outcome),
    )  # fmt: skip


def person_search_spec(params: Mapping[str, str]) -> dict[str, Any]:
    spec = {
        "name": params.get("name", "").strip()[:50],
        "area": params.get("area", "").strip()[:12],
        "outcome": params.get("outcome", "").strip()[:1],
        "status_field": params.get("status_field", "").strip()[:6],
        "status_code": params.get("status_code", "").strip()[:2],
        "flag": params.get("flag", "").strip()[:30],
        "id_hash": "",
    }
    number = params.get("id_number", "").strip()[:30]
    if number:
        spec["id_hash"] = crypto.lookup_hash(check_id(number).normalised or number.upper())
    return spec


def person_search_list(spec: Mapping[str, Any], user: Any) -> ExportList:
    if not user.can("person.search"):
        raise NotFoundInScope()
    filters = PersonFilters(name=str(spec.get("name", "")), area=str(spec.get("area", "")),
                            outcome=str(spec.get("outcome", "")), status_field=str(spec.get("status_field", "")),
                            status_code=str(spec.get("status_code", "")), flag=str(spec.get("flag", "")))  # fmt: skip
    id_hash = str(spec.get("id_hash", ""))
    if filters.empty and not id_hash:
        raise NotFoundInScope()  # the page lists nothing without a condition; neither does the export
    qs = person_list(actor=user, filters=filters)
    if id_hash:
        qs = qs.filter(aac002_hash=id_hash)
    parts = [f"姓名以“{filters.name}”开头" if filters.name else "", f"区划 {filters.area}" if filters.area else "",
             f"入库结果 {filters.outcome}" if filters.outcome else "", "按公民身份号码" if id_hash else "",
             f"{filters.status_field.upper()}={filters.status_code}" if filters.status else "",
             f"异常标识 {filters.flag}" if filters.flag else ""]  # fmt: skip
    return ExportList(
        kind="person_search", spec=dict(spec), title="人员查询结果（" + "，".join(p for p in parts if p) + "）",
        person_list=True, object_type="person", object_ref="",
        audit_detail={"name": bool(filters.name), "id_number": bool(id_hash), "area": filters.area,
                      "outcome": filters.outcome},
        file_name=f"人员查询-{user.node.name}.xlsx", source_url="/persons/", header=PERSON_HEADER,
        count=qs.count, rows=lambda: (_person_row(p) for p in qs.iterator(chunk_size=2000)),
    )  # fmt: skip


# --------------------------------------------------------------------------------------- run lists


def run_list_spec(params: Mapping[str, str]) -> dict[str, Any]:
    run = params.get("run", "")
    return {
        "run": int(run) if str(run).isdigit() else 0,
        "list": params.get("list", "")[:20],
        "area": params.get("area", "").strip()[:12],
    }


def run_list_list(spec: Mapping[str, Any], user: Any) -> ExportList:
    if not user.can("compare.run"):
        raise NotFoundInScope()
    run_pk = spec.get("run")
    run = ComparisonRun.objects.filter(pk=run_pk).first() if isinstance(run_pk, int) else None
    run_spec = RUN_LISTS.get(str(spec.get("list", "")))
    if run is None or run_spec is None:
        raise NotFoundInScope()
    area = str(spec.get("area", "")) if run_spec.area else ""
    scope = jurisdiction_of(user, area=area)
    rows = RunRows(run, run_spec, scope)
    if not rows.ready:
        raise NotFoundInScope()
    keys = [key for key, _ in run_spec.columns]
    query = f"?area={area}" if area else ""
    return ExportList(
        kind="run_list", spec={"run": run.pk, "list": run_spec.key, "area": area},
        title=f"比对 #{run.pk} {run_spec.title}（{scope.label}）", person_list=run_spec.person_list,
        object_type="run_list", object_ref=f"run:{run.pk}:{run_spec.key}",
        audit_detail={"run": run.pk, "list": run_spec.key, "scope": scope.prefix, "masked": True},
        file_name=f"比对{run.pk}-{run_spec.title}-{scope.label}.xlsx",
        source_url=f"/runs/{run.pk}/{run_spec.key}/{query}", header=[label for _, label in run_spec.columns],
        count=rows.count, rows=lambda: ([row[k] for k in keys] for row in rows.iter_all()),
    )  # fmt: skip


@dataclass(frozen=True)
class Kind:
    spec_from_params: Callable[[Mapping[str, str]], dict[str, Any]]
    build: Callable[[Mapping[str, Any], Any], ExportList]


KINDS: dict[str, Kind] = {
    "person_search": Kind(person_search_spec, person_search_list),
    "run_list": Kind(run_list_spec, run_list_list),
}


def resolve(*, kind: str, spec: Mapping[str, Any], user: Any) -> ExportList:
    """The list `spec` names, as `user` may see it now; unknown or out of scope: NotFoundInScope."""
    entry = KINDS.get(kind)
    if entry is None or not isinstance(spec, Mapping) or getattr(user, "node", None) is None:
        raise NotFoundInScope()
    return entry.build(spec, user)


# ---------------------------------------------------------------------------------- expansion lists


def expansion_spec(params: Mapping[str, str]) -> dict[str, Any]:
    return {"list": params.get("list", "").strip()[:30], "area": params.get("area", "").strip()[:12]}


def expansion_list(spec: Mapping[str, Any], user: Any) -> ExportList:
    from canbao.reports.expansion import LISTS

    if not (user.can("report.view") and user.can("person.search")):
        raise NotFoundInScope()
    entry = LISTS.get(str(spec.get("list", "")))
    if entry is None:
        raise NotFoundInScope()
    area = str(spec.get("area", ""))
    qs = person_list(actor=user, filters=PersonFilters(area=area)).filter(entry.condition, in_population=True)
    return ExportList(
        kind="expansion", spec=dict(spec), title=f"扩面名单：{entry.title}" + (f"（区划 {area}）" if area else ""),
        person_list=True, object_type="expansion", object_ref=entry.key, audit_detail={"list": entry.key, "area": area},
        file_name=f"扩面名单-{entry.title}-{user.node.name}.xlsx", source_url=f"/reports/expansion/{entry.key}/",
        header=PERSON_HEADER, count=qs.count, rows=lambda: (_person_row(p) for p in qs.iterator(chunk_size=2000)),
    )  # fmt: skip


KINDS["expansion"] = Kind(expansion_spec, expansion_list)


# ------------------------------------------------------------------------- quarterly report cells


def report_cell_spec(params: Mapping[str, str]) -> dict[str, Any]:
    return {k: params.get(k, "").strip()[:12] for k in ("node", "period", "row", "col", "breach")}


def report_cell_list(spec: Mapping[str, Any], user: Any) -> ExportList:
    from canbao.core.masking import mask_id
    from canbao.engine.report import quarterly
    from canbao.reports.services import node_for, quarter_report

    if not (user.can("report.view") and user.can("person.search")):
        raise NotFoundInScope()
    node = node_for(user, str(spec.get("node", "")))
    q = quarter_report(node=node, period=str(spec.get("period", "")).upper())
    row, breach, col = (
        str(spec.get("row") or quarterly.TOTAL),
        str(spec.get("breach", "")),
        str(spec.get("col", "")),
    )
    if breach.isdigit() and int(breach) < len(q.report.breaches):
        found = q.report.breaches[int(breach)]
        condition, row, title = found.condition, found.row, f"逻辑关系差异人员（第 {found.column} 栏）"
    elif col.isdigit() and 1 <= int(col) <= 17:
        condition, title = quarterly.cell_condition(int(col)), f"第 {col} 栏"
    else:
        raise NotFoundInScope()
    if row != quarterly.TOTAL and row not in {a.code for a in q.areas}:
        raise NotFoundInScope()

    def fetch(limit: int) -> list[dict[str, object]]:
        return quarterly.drill(q.persons_path, node_prefix=node.prefix, areas=q.areas, condition=condition,
                               row=None if row == quarterly.TOTAL else row, limit=limit, offset=0)[1]  # fmt: skip

    def count() -> int:
        return quarterly.drill(q.persons_path, node_prefix=node.prefix, areas=q.areas, condition=condition,
                               row=None if row == quarterly.TOTAL else row, limit=0, offset=0)[0]  # fmt: skip

    header = (
        "公民身份号码",
        "姓名",
        "行政区划",
        "登记对象类别",
        "入库结果",
        "养老",
        "医疗",
        "工伤",
        "失业",
        "生育",
        "异常标识",
    )
    return ExportList(
        kind="report_cell", spec=dict(spec), title=f"{q.period} {node.name} {row} {title} 人员明细",
        person_list=True, object_type="report_cell", object_ref=node.code,
        audit_detail={"period": q.period, "row": row, "title": title}, file_name=f"人员明细-{node.name}-{q.period}.xlsx",
        source_url=f"/reports/quarterly/?node={node.code}&period={q.period}", header=header, count=count,
        rows=lambda: ((mask_id(str(p["AAC002"] or "")), p["AAC003"], p["AAB301"],
                       code_name("population_group", str(p["population_group"])), code_name("outcome", str(p["outcome"])),
                       p["AIC003"], p["AKC003"], p["ALC003"], p["AJC003"], p["AMC003"], p["flags"])
                      for p in fetch(10_000_000)),
    )  # fmt: skip


KINDS["report_cell"] = Kind(report_cell_spec, report_cell_list)
