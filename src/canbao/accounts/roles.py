"""Roles of roles-and-workflow.md and what each may do, as data.

A capability is a plain string; views, APIs and services ask `has_capability(user, cap)`. The admin
roles (三员分立) carry no capability that reads person data.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Role:
    key: str
    name_zh: str
    admin: bool
    capabilities: frozenset[str]
    home_template: str


def _r(key: str, name: str, admin: bool, caps: str) -> Role:
    return Role(key, name, admin, frozenset(caps.split()), f"web/home/{key}.html")


ROLES: dict[str, Role] = {
    r.key: r
    for r in [
        _r("sysadmin", "系统管理员", True, "users.manage divisions.manage codes.manage settings.manage"),
        _r("secadmin", "安全管理员", True, "roles.assign users.view"),
        _r("auditadmin", "审计管理员", True, "audit.read audit.export"),
        _r(
            "data_officer",
            "数据管理员",
            False,
            "person.view person.search unit.view import.run compare.run report.view report.quarterly export.list survey.campaign survey.progress export.approve",
        ),
        _r(
            "county_reviewer",
            "县级审核员",
            False,
            "person.view person.search unit.view report.view survey.approve survey.progress change.approve2 export.list export.approve",
        ),
        _r(
            "township_clerk",
            "镇街经办员",
            False,
            "person.view person.search unit.view report.view survey.review1 survey.progress counter.collect change.enter change.approve1 change.review2 export.list export.approve",
        ),
        _r(
            "village_assistant",
            "村社协理员",
            False,
            "person.view person.search unit.view survey.teams survey.assign survey.enter survey.submit survey.progress export.list",
        ),
        _r("surveyor", "调查员", False, "survey.assigned survey.enter"),
        _r("viewer", "查询员", False, "person.view person.search unit.view report.view export.list"),
    ]
}

ADMIN_ROLES = frozenset(k for k, r in ROLES.items() if r.admin)
PERSON_DATA_CAPS = frozenset({"person.view", "person.search"})


def validate_role_set(keys: list[str] | set[str]) -> str | None:
    """None when the combination is allowed, else the reason in Chinese."""
    unknown = [k for k in keys if k not in ROLES]
    if unknown:
        return f"未知角色：{'、'.join(unknown)}（可用：{'、'.join(ROLES)}）"
    if not keys:
        return "至少需要一个角色"
    admins = set(keys) & ADMIN_ROLES
    if admins and len(set(keys)) > 1:
        return "三员分立：管理员角色不能与其他角色兼任"
    return None
