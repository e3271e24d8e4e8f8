"""Date rules of comparison-rules.md §1 that need another as-of date D than the merged golden city's
(2026-09-30): 29 February birthdays, "D − 1 year" on 29 February, and the ID's "birth after D" test
made at comparison time. DuckDB only; each test runs its own small city."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from tests.engine.compare.cases import Result
from tests.engine.compare.golden import VILLAGE2, City, new_id

from canbao.engine.compare import pipeline
from canbao.engine.compare.config import load_rules


def _run(tmp: Path, build, as_of: dt.date) -> Result:
    city = City(tmp / as_of.isoformat())
    city.tmp.mkdir()
    build(city)
    return Result(city.run("duckdb", as_of=as_of))


def test_rule_1_age_29_february_birthday_reached_on_1_march_in_a_common_year(tmp_path, monkeypatch):
    """§1: "a 29 February birthday is reached on 1 March in a common year". Ages only show through the
    pension age limit, and a birth year 16 years before a common year is never a leap year, so the
    limit is set to 15 here (rules are configuration, seeds/001 第七条): born 2012-02-29, the person is
    14 on 2027-02-28 (pension 95) and 15 on 2027-03-01 (pension 91)."""
    rules = dataclasses.replace(load_rules(), pension_min_age=15)
    monkeypatch.setattr(pipeline, "load_rules", lambda: rules)
    leapling = new_id("20120229")
    control = new_id("20120228")

    def build(city: City) -> None:
        city.person(leapling)
        city.person(control)

    feb28 = _run(tmp_path, build, dt.date(2027, 2, 28))
    assert feb28.statuses(leapling)[0] == "95"
    assert feb28.statuses(control)[0] == "91"  # 15 on its birthday
    mar1 = _run(tmp_path, build, dt.date(2027, 3, 1))
    assert mar1.statuses(leapling)[0] == "91"
    assert mar1.statuses(control)[0] == "91"


def test_rule_1_age_16_around_28_february_common_year_default_rules(tmp_path):
    """§1 with the default limit 16 at D = 2027-02-28 and 2027-03-01: born 2011-02-28 is 16 on both
    dates; born 2011-03-01 is 15 on 28 February and 16 on 1 March."""
    feb28_born = new_id("20110228")
    mar1_born = new_id("20110301")

    def build(city: City) -> None:
        city.person(feb28_born)
        city.person(mar1_born)

    feb28 = _run(tmp_path, build, dt.date(2027, 2, 28))
    assert feb28.statuses(feb28_born)[0] == "91"
    assert feb28.statuses(mar1_born)[0] == "95"
    mar1 = _run(tmp_path, build, dt.date(2027, 3, 1))
    assert mar1.statuses(feb28_born)[0] == "91"
    assert mar1.statuses(mar1_born)[0] == "91"


def test_rule_1_age_29_february_birthday_in_a_leap_year(tmp_path):
    """§1 in a leap year the 29 February birthday is that day: born 2012-02-29 is 15 on 2028-02-28
    (pension 95) and 16 on 2028-02-29 (pension 91)."""
    leapling = new_id("20120229")

    def build(city: City) -> None:
        city.person(leapling)

    assert _run(tmp_path, build, dt.date(2028, 2, 28)).statuses(leapling)[0] == "95"
    assert _run(tmp_path, build, dt.date(2028, 2, 29)).statuses(leapling)[0] == "91"


def test_rule_1_d_minus_1_year_for_29_february_is_28_february(tmp_path):
    """§1 ""D − 1 year" for D = 29 February is 28 February" (§2.3 residence since ≤ D − 1 year): at
    D = 2028-02-29, since 2027-02-28 qualifies, since 2027-03-01 does not."""
    ok, late = new_id("19800101"), new_id("19800101")

    def build(city: City) -> None:
        city.add("residence", AAC002=ok, AAC003="张三", AAB301=VILLAGE2, since_date="20270228")
        city.add("residence", AAC002=late, AAC003="张三", AAB301=VILLAGE2, since_date="20270301")

    r = _run(tmp_path, build, dt.date(2028, 2, 29))
    assert r.person(ok)["population_group"] == 3
    assert late not in r.persons


def test_rule_2_3_d_minus_1_year_ordinary_day(tmp_path):
    """§2.3 at D = 2027-03-01: D − 1 year = 2026-03-01 (qualifies), 2026-03-02 does not."""
    ok, late = new_id("19800101"), new_id("19800101")

    def build(city: City) -> None:
        city.add("residence", AAC002=ok, AAC003="张三", AAB301=VILLAGE2, since_date="20260301")
        city.add("residence", AAC002=late, AAC003="张三", AAB301=VILLAGE2, since_date="20260302")

    r = _run(tmp_path, build, dt.date(2027, 3, 1))
    assert r.person(ok)["population_group"] == 3
    assert late not in r.persons


def test_rule_1_birth_after_d_is_tested_at_comparison_time(tmp_path):
    """exchange-format.md: "the 'after D' test is made at comparison time": the same register row, born
    2026-10-15, is unlinked (ID_INVALID) at D = 2026-09-30 and a person of P at D = 2026-10-31."""
    baby = new_id("20261015")

    def build(city: City) -> None:
        city.person(baby)

    before = _run(tmp_path, build, dt.date(2026, 9, 30))
    assert baby not in before.persons
    assert [(u["kind"], u["_line"], u["reason"]) for u in before.table("unlinked")] == [
        ("household_register", 2, "ID_INVALID")
    ]
    after = _run(tmp_path, build, dt.date(2026, 10, 31))
    assert after.person(baby)["population_group"] == 1
    assert after.table("unlinked") == []


@pytest.mark.parametrize(("death", "dead"), [("20270228", True), ("20270301", False)])
def test_rule_2_death_on_d_at_another_d(tmp_path, death, dead):
    """§2 dead: death_date ≤ D, at D = 2027-02-28."""
    n = new_id("19400101")

    def build(city: City) -> None:
        city.person(n)
        city.add("death", AAC002=n, AAC003="张三", death_date=death)

    r = _run(tmp_path, build, dt.date(2027, 2, 28))
    assert (n not in r.persons) is dead
