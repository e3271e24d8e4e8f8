"""comparison-rules.md §8, derived rates, as a definition over the persons output: a small city whose
rates are computed by hand, and a helper computing them from `Result.persons`. DuckDB only."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

from tests.engine.compare.cases import Result
from tests.engine.compare.golden import City, new_id
from tests.engine.compare.golden_util import full_person, new_phone, with_phone_row

STATUS_COLUMNS = {"pension": "AIC003", "medical": "AKC003", "injury": "ALC003", "unemployment": "AJC003",
                  "maternity": "AMC003"}  # fmt: skip
ENROLLED = {"11", "12", "13", "14", "15", "21", "22", "23", "24", "25", "26", "27", "30", "40", "50"}


def rates(persons: dict[str, dict[str, Any]]) -> dict[str, Fraction | None]:
    """§8: 登记率 = persons of outcome 1, 2, 3 or 5 ÷ |P|; 数据完整度 = complete persons ÷ |P|;
    覆盖率 per line = persons with an enrolled code or 81/82 ÷ persons whose status ≠ 95."""
    rows = list(persons.values())
    n = len(rows)
    out: dict[str, Fraction | None] = {
        "registration": Fraction(sum(1 for p in rows if p["outcome"] in (1, 2, 3, 5)), n),
        "completeness": Fraction(sum(1 for p in rows if p["complete"]), n),
    }
    for line, col in STATUS_COLUMNS.items():
        required = [p for p in rows if p[col] != "95"]
        covered = [p for p in required if p[col] in ENROLLED or p[col] in ("81", "82")]
        out[line] = Fraction(len(covered), len(required)) if required else None
    return out


def _cross(city: City, n: str, scheme: str, level: str, **extra: str) -> None:
    city.add("cross_region_return", AAC002=n, AAC003="张三", scheme=scheme, level=level, **extra)


def test_rule_8_rates_on_a_small_city(tmp_path: Path) -> None:
    """Ten group-1 persons (hand-computed statuses / outcome / complete):
    a  12 23 95 95 95  outcome 1  complete
    b  91 91 95 95 95  outcome 4  complete (phone on a terminated row)
    c  95 27 95 95 95  outcome 1  complete (child)
    d  81 82 95 95 95  outcome 4  incomplete (no phone: INFO_MISSING)
    e  11 21 92 92 92  outcome 4  complete (employee, PARTIAL)
    f  91 91 95 95 95  outcome 5  complete (surveyed phone)
    g  93 23 93 93 93  outcome 4  complete (hukou 5, SPECIAL)
    i  81 81 95 95 95  outcome 2  complete (cross-region phone)
    j  82 82 95 95 95  outcome 3  complete
    k  11 21 30 92 92  outcome 4  complete (employee, PARTIAL)
    plus a dead person and a valid non-P person, who count nowhere.
    登记率 = |{a, c, f, i, j}| / 10 = 1/2; 数据完整度 = 9/10;
    pension 6/9 (c is 95; a d e i j k covered), medical 8/10 (b f not), injury 1/3 (e g k ≠ 95, k
    covered), unemployment 0/3, maternity 0/3."""
    city = City(tmp_path)
    a = full_person(city)
    with_phone_row(city, a, "12")
    city.insure(a, "23")
    b = full_person(city)
    with_phone_row(city, b, "12", "3")
    c = full_person(city, birth="20150101")
    with_phone_row(city, c, "27")
    d = full_person(city)
    _cross(city, d, "12", "province")
    _cross(city, d, "23", "national")
    e = full_person(city)
    with_phone_row(city, e, "11", AAB001="GR0001")
    city.insure(e, "21", AAB001="GR0001")
    f = full_person(city)
    city.survey(f, survey_date="20260930", AAE005=new_phone())
    g = full_person(city, hukou_status="5")
    with_phone_row(city, g, "23")
    i = full_person(city)
    _cross(city, i, "12", "province", AAE005=new_phone())
    _cross(city, i, "23", "province")
    j = full_person(city)
    _cross(city, j, "12", "national", AAE005=new_phone())
    _cross(city, j, "23", "national")
    k = full_person(city)
    with_phone_row(city, k, "11", AAB001="GR0001")
    city.insure(k, "21", AAB001="GR0001")
    city.insure(k, "30", AAB001="GR0001")
    dead = full_person(city)
    city.add("death", AAC002=dead, AAC003="张三", death_date="20250101")
    city.insure(new_id("19800101"), "12", "3")

    r = Result(city.run("duckdb"))
    assert set(r.persons) == {a, b, c, d, e, f, g, i, j, k}
    expected_outcome = {a: 1, b: 4, c: 1, d: 4, e: 4, f: 5, g: 4, i: 2, j: 3, k: 4}
    assert {n: r.person(n)["outcome"] for n in expected_outcome} == expected_outcome
    assert rates(r.persons) == {
        "registration": Fraction(1, 2),
        "completeness": Fraction(9, 10),
        "pension": Fraction(6, 9),
        "medical": Fraction(8, 10),
        "injury": Fraction(1, 3),
        "unemployment": Fraction(0, 3),
        "maternity": Fraction(0, 3),
    }
    # the run's own summary counts agree with the output they summarise
    assert r.raw.counts["persons"] == 10
    assert r.raw.counts["complete"] == 9
    assert r.raw.counts["outcome"] == {"1": 2, "2": 1, "3": 1, "4": 5, "5": 1}
