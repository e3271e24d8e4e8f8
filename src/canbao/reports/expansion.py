"""Expansion lists (扩面名单): who to enrol next, per area, from the registration database.

Each list is a condition on Person (the latest published state), so a list page, its count per child
area and its export are the same query. DECEASED_ACTIVE is not a registration and lives in the run's
own list (comparison.results), linked from the page.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from canbao.registry.selectors import flag_q

COVERED = ["11", "12", "13", "14", "15", "21", "22", "23", "24", "25", "26", "27", "81", "82"]


@dataclass(frozen=True)
class Expansion:
    key: str
    title: str
    why: str
    condition: Q


def _any_flag(prefix_codes: list[str]) -> Q:
    q = Q()
    for code in prefix_codes:
        q |= flag_q(code)
    return q


LISTS: dict[str, Expansion] = {
    e.key: e
    for e in [
        Expansion("unit_pension", "单位未予参保：养老保险", "就业人员，单位未为其参加养老保险（AIC003 = 92）", Q(aic003="92")),
        Expansion("unit_medical", "单位未予参保：医疗保险", "就业人员，单位未为其参加医疗保险（AKC003 = 92）", Q(akc003="92")),
        Expansion("unit_injury", "单位未予参保：工伤保险", "就业人员，单位未为其参加工伤保险（ALC003 = 92）", Q(alc003="92")),
        Expansion("unit_unemployment", "单位未予参保：失业保险", "就业人员，单位未为其参加失业保险（AJC003 = 92）", Q(ajc003="92")),
        Expansion("unit_maternity", "单位未予参保：生育保险", "就业人员，单位未为其参加生育保险（AMC003 = 92）", Q(amc003="92")),
        Expansion("no_pension", "应参未参：养老保险", "年满 16 周岁、非在校生，未参加任何养老保险（AIC003 = 91）", Q(aic003="91")),
        Expansion("no_medical", "无医疗保障", "未参加任何基本医疗保险，也无异地参保记录（AKC003 非参保代码、非 81/82）",
                  Q(akc003__in=["91", "92", "93", "94"])),
        Expansion("interrupted", "中断缴费", "有险种暂停缴费（任一险种状态为 94）",
                  Q(aic003="94") | Q(akc003="94") | Q(alc003="94") | Q(ajc003="94") | Q(amc003="94")),
        Expansion("duplicates", "重复参保、重复享受待遇", "养老或医疗重复参保、重复享受待遇，须清理",
                  _any_flag(["DUP_PENSION", "DUP_MEDICAL", "DUP_BENEFIT_PENSION", "DUP_BENEFIT_MEDICAL"])),
        Expansion("survey_conflict", "调查结果与新数据不一致", "已审定的入户调查结果与之后的部门数据不一致，须经办员核实",
                  flag_q("SURVEY_CONFLICT")),
    ]
}  # fmt: skip
