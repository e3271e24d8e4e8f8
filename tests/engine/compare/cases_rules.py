"""Golden cases, one per rule and sub-case of comparison-rules.md, each named after its rule."""

from __future__ import annotations

from tests.engine.compare.cases import Result, golden
from tests.engine.compare.golden import City, new_id
from tests.engine.compare.golden_util import last_line


@golden
def rule_3_1_active_row_gives_its_scheme_by_priority(city: City):
    a = city.person(new_id("19700101"), AAE006="地址", AAC010="320102")
    city.insure(a, "12", AAE005="13800000001")
    city.insure(a, "13")  # 13 beats 12 in pension
    line_13 = last_line(city, "insurance")
    city.insure(a, "27")
    city.insure(a, "24")  # 24 beats 27 in medical

    def check(r: Result) -> None:
        assert r.statuses(a)[:2] == ("13", "24")
        assert r.basis(a, "pension") == [("insurance", line_13)]

    return check


@golden
def rule_2_dead_persons_are_never_in_p(city: City):
    a = city.person(new_id("19500101"))
    city.add("death", AAC002=a, AAC003="张三", death_date="20260101")
    b = city.person(new_id("19500101"), hukou_status="2")

    def check(r: Result) -> None:
        assert a not in r.persons and b not in r.persons

    return check
