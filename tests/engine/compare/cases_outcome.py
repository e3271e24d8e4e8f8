"""Golden cases for comparison-rules.md §5 (completeness, phone), §6 (outcome, survey reasons, survey
results) and §7 (units)."""

from __future__ import annotations

from tests.engine.compare.cases import Result, golden
from tests.engine.compare.golden import TOP, VILLAGE, VILLAGE2, City, new_id
from tests.engine.compare.golden_util import (
    full_person,
    new_aac001,
    new_credit_code,
    new_phone,
    new_unit_no,
    split,
    with_phone_row,
)


def _reasons(r: Result, n: str) -> str:
    return r.person(n)["survey_reasons"]


def _cross(city: City, n: str, scheme: str, level: str, **extra: str) -> None:
    city.add("cross_region_return", AAC002=n, AAC003="张三", scheme=scheme, level=level, **extra)


# ================================================================ §5 completeness


@golden
def rule_5_group_1_complete_with_every_item(city: City):
    """§5: a group-1 person with name, valid ID (→ AAC004, AAC006), AAC010 and AAE006 in the register
    and a phone on an insurance row is complete; the items are output."""
    n = full_person(city, AAC010="320102", AAE006="玄武区某路2号")
    phone = with_phone_row(city, n, "12")
    city.insure(n, "23")

    def check(r: Result) -> None:
        p = r.person(n)
        assert p["complete"] is True
        assert (p["AAC010"], p["AAE006"], p["AAE005"]) == ("320102", "玄武区某路2号", phone)
        assert p["AAC004"] == "1" and p["AAC006"] == "19800101"
        assert p["AAC003"] == "张三"

    return check


@golden
def rule_5_group_1_missing_aac010_aae006_or_phone(city: City):
    """§5: for group 1 each of AAC010, AAE006, AAE005 is required: missing one → not complete and the
    INFO_MISSING reason."""
    no_aac010 = city.person(new_id("19800101"), AAE006="地址")
    with_phone_row(city, no_aac010)
    no_aae006 = city.person(new_id("19800101"), AAC010="320102")
    with_phone_row(city, no_aae006)
    no_phone = full_person(city)
    city.insure(no_phone, "12")

    def check(r: Result) -> None:
        for n in (no_aac010, no_aae006, no_phone):
            assert r.person(n)["complete"] is False, n
            assert "INFO_MISSING" in split(_reasons(r, n)), n

    return check


@golden
def rule_5_groups_2_and_3_need_no_aac010_aae006(city: City):
    """§5: "for population groups 2 and 3, AAC010 and AAE006 are not required": a group-2 person with
    a phone is complete, without one is not; a group-3 person with a phone on a (terminated) insurance
    row is complete with or without a residence address, and their AAE006 comes from the residence
    row."""
    g2 = new_id("19800101")
    with_phone_row(city, g2, "12")
    g2_no_phone = new_id("19800101")
    city.insure(g2_no_phone, "12")
    g3 = new_id("19800101")
    city.add(
        "residence", AAC002=g3, AAC003="张三", AAE006="建邺区某路3号", AAB301=VILLAGE2, since_date="20200101"
    )
    with_phone_row(city, g3, "12", "3")
    g3_no_address = new_id("19800101")
    city.add("residence", AAC002=g3_no_address, AAC003="张三", AAB301=VILLAGE2, since_date="20200101")
    with_phone_row(city, g3_no_address, "23", "3")

    def check(r: Result) -> None:
        assert r.person(g2)["population_group"] == 2
        assert r.person(g2)["complete"] is True
        assert r.person(g2_no_phone)["complete"] is False
        assert r.person(g3)["population_group"] == 3
        assert r.person(g3)["complete"] is True
        assert r.person(g3)["AAE006"] == "建邺区某路3号"
        assert r.person(g3_no_address)["complete"] is True
        assert "INFO_MISSING" not in split(_reasons(r, g3_no_address))

    return check


@golden
def rule_5_group_1_address_only_from_the_register(city: City):
    """§5 "AAC010 and AAE006 from the register (group 3: AAE006 from the residence row)": a group-1
    person whose register has no AAE006 misses it even when a residence row has an address."""
    n = city.person(new_id("19800101"), AAC010="320102")
    with_phone_row(city, n, "12")
    city.insure(n, "23")
    city.add("residence", AAC002=n, AAC003="张三", AAE006="居住地址", AAB301=VILLAGE2, since_date="20200101")

    def check(r: Result) -> None:
        assert r.person(n)["population_group"] == 1
        assert r.person(n)["complete"] is False
        assert _reasons(r, n) == "INFO_MISSING"

    return check


@golden
def rule_5_mismatch_flag_makes_incomplete(city: City):
    """§5: "complete when every required item is present and no *_MISMATCH flag is set"."""
    name = full_person(city, name="张三")
    with_phone_row(city, name, AAC003="张叁")
    sex = full_person(city, sex="1", AAC004="2")
    with_phone_row(city, sex)
    birth = full_person(city, AAC006="19800303")
    with_phone_row(city, birth)

    def check(r: Result) -> None:
        for n in (name, sex, birth):
            assert r.person(n)["complete"] is False, n
            assert "INFO_MISSING" not in split(_reasons(r, n))
            assert "INFO_MISMATCH" in split(_reasons(r, n))

    return check


@golden
def rule_5_group_4_without_id_is_incomplete(city: City):
    """§5: AAC002 (valid) is required; a survey-found person keyed by AAC001 has none → incomplete,
    even with every other item surveyed. A survey-found person with an ID and every item surveyed is
    complete (AAC004/AAC006 derive from the ID); without a surveyed AAC010 and AAE006 it is not (the
    exemption is for groups 2 and 3 only)."""
    anon = "#" + new_aac001()
    city.survey(anon, new_person=True, AAC003="无号", AAC004="1", AAC006="19800101", AAC010="320102",
                AAE006="地址", AAE005=new_phone(), AAB301=VILLAGE)  # fmt: skip
    known = new_id("19800101")
    city.survey(known, new_person=True, AAC003="有号", AAC010="320102", AAE006="地址", AAE005=new_phone(),
                AAB301=VILLAGE)  # fmt: skip

    bare = new_id("19800101")
    city.survey(bare, new_person=True, AAC003="有号", AAE005=new_phone(), AAB301=VILLAGE)

    def check(r: Result) -> None:
        assert r.person(anon)["complete"] is False
        assert "INFO_MISSING" in split(_reasons(r, anon))
        assert r.person(known)["complete"] is True
        assert r.person(known)["AAC004"] == "1" and r.person(known)["AAC006"] == "19800101"
        assert "INFO_MISSING" not in split(_reasons(r, known))
        assert r.person(bare)["complete"] is False  # group 4 needs AAC010 and AAE006
        assert "INFO_MISSING" in split(_reasons(r, bare))

    return check


@golden
def rule_5_phone_from_latest_aac030_row_that_has_one(city: City):
    """§5: the phone comes from the linked insurance row with the latest AAC030 *that has one*: a later
    row without a phone is skipped; any linked row counts, a terminated one included."""
    a = full_person(city)
    city.insure(a, "12", AAC030="20200101", AAE005="13900000001")
    city.insure(a, "23", AAC030="20220101", AAE005="13900000002")
    city.insure(a, "40", "3", AAC030="20230101")
    b = full_person(city)
    city.insure(b, "12", AAC030="20200101", AAE005="13900000001")
    city.insure(b, "23", "3", AAC030="20240101", AAE005="13900000003")

    def check(r: Result) -> None:
        assert r.person(a)["AAE005"] == "13900000002"
        assert r.person(b)["AAE005"] == "13900000003"

    return check


@golden
def rule_5_phone_ties_take_the_one_that_sorts_first(city: City):
    """§5 phone ties on the latest AAC030: the phone that sorts first."""
    a = full_person(city)
    city.insure(a, "12", AAC030="20220101", AAE005="13900000002")
    city.insure(a, "23", AAC030="20220101", AAE005="13800000009")
    city.insure(a, "40", "3", AAC030="20100101", AAE005="13000000000")

    def check(r: Result) -> None:
        assert r.person(a)["AAE005"] == "13800000009"

    return check


@golden
def rule_5_phone_cross_region_fallback(city: City):
    """§5: without an insurance phone, the phone comes from a cross_region_return row that has one
    (ties: the one that sorts first - these rows carry no AAC030, so all tie); an insurance phone
    wins over a cross-region one."""
    a = full_person(city)
    city.insure(a, "12")  # no phone
    _cross(city, a, "21", "province", AAE005="13700000002")
    _cross(city, a, "40", "national", AAE005="13700000001")
    _cross(city, a, "50", "national")
    b = full_person(city)
    city.insure(b, "12", AAE005="13900000005")
    _cross(city, b, "21", "province", AAE005="13000000001")

    def check(r: Result) -> None:
        assert r.person(a)["AAE005"] == "13700000001"
        assert r.person(a)["complete"] is True
        assert r.person(b)["AAE005"] == "13900000005"

    return check


# ================================================================ §6 outcome and reasons


@golden
def rule_6_outcome_1_enrolled_locally(city: City):
    """§6 outcome 1: no reason holds and some line is enrolled locally (81 in another line does not
    change it; 95 lines are neither covered nor missing)."""
    a = full_person(city)
    with_phone_row(city, a, "12")
    city.insure(a, "23")
    b = full_person(city)
    with_phone_row(city, b, "12")
    _cross(city, b, "27", "province")
    child = full_person(city, birth="20150101")
    with_phone_row(city, child, "27")

    def check(r: Result) -> None:
        assert r.statuses(a) == ("12", "23", "95", "95", "95")
        assert r.statuses(child) == ("95", "27", "95", "95", "95")
        for n in (a, b, child):
            assert r.person(n)["outcome"] == 1, n
            assert _reasons(r, n) == ""

    return check


@golden
def rule_6_outcome_2_cross_region_province(city: City):
    """§6 outcome 2: no reason, no line enrolled locally, some line 81 (82 in another line too)."""
    a = full_person(city)
    _cross(city, a, "12", "province", AAE005=new_phone())
    _cross(city, a, "23", "national")

    def check(r: Result) -> None:
        assert r.statuses(a) == ("81", "82", "95", "95", "95")
        assert _reasons(r, a) == ""
        assert r.person(a)["outcome"] == 2

    return check


@golden
def rule_6_outcome_3_cross_region_national(city: City):
    """§6 outcome 3: no reason, no line enrolled locally or 81, some line 82."""
    a = full_person(city)
    _cross(city, a, "12", "national", AAE005=new_phone())
    _cross(city, a, "23", "national")

    def check(r: Result) -> None:
        assert r.statuses(a) == ("82", "82", "95", "95", "95")
        assert r.person(a)["outcome"] == 3

    return check


@golden
def rule_6_uninsured(city: City):
    """§6 UNINSURED: no line is covered (91s and 95s only; a child with pension 95 and medical 91).
    The phone on a terminated row keeps INFO_MISSING away."""
    a = full_person(city)
    with_phone_row(city, a, "12", "3")
    child = full_person(city, birth="20150101")
    with_phone_row(city, child, "23", "3")

    def check(r: Result) -> None:
        assert r.statuses(a) == ("91", "91", "95", "95", "95")
        assert r.statuses(child) == ("95", "91", "95", "95", "95")
        for n in (a, child):
            assert _reasons(r, n) == "UNINSURED"
            assert r.person(n)["outcome"] == 4

    return check


@golden
def rule_6_partial(city: City):
    """§6 PARTIAL: some line covered (local or 81/82) and some line 91 or 92."""
    local = full_person(city)
    with_phone_row(city, local, "12")
    cross = full_person(city)
    _cross(city, cross, "12", "national", AAE005=new_phone())
    worker = full_person(city)
    with_phone_row(city, worker, "11", AAB001="GO0001")
    city.insure(worker, "21", AAB001="GO0001")

    def check(r: Result) -> None:
        assert r.statuses(local) == ("12", "91", "95", "95", "95")
        assert r.statuses(cross) == ("82", "91", "95", "95", "95")
        assert r.statuses(worker) == ("11", "21", "92", "92", "92")
        for n in (local, cross, worker):
            assert _reasons(r, n) == "PARTIAL", n
            assert r.person(n)["outcome"] == 4

    return check


@golden
def rule_6_interrupted(city: City):
    """§6 INTERRUPTED: some line is 94 (with another line covered and none 91/92: only INTERRUPTED)."""
    a = full_person(city)
    with_phone_row(city, a, "12", "2")
    city.insure(a, "23")

    def check(r: Result) -> None:
        assert r.statuses(a) == ("94", "23", "95", "95", "95")
        assert _reasons(r, a) == "INTERRUPTED"
        assert r.person(a)["outcome"] == 4

    return check


@golden
def rule_6_special(city: City):
    """§6 SPECIAL: some line is 93. With a covered line → SPECIAL only; with none (hukou 4, all 93) →
    UNINSURED too, since "no line is covered"."""
    a = full_person(city, hukou_status="5")
    with_phone_row(city, a, "23")
    b = full_person(city, hukou_status="4")
    with_phone_row(city, b, "12", "3")

    def check(r: Result) -> None:
        assert r.statuses(a) == ("93", "23", "93", "93", "93")
        assert _reasons(r, a) == "SPECIAL"
        assert r.statuses(b) == ("93",) * 5
        assert _reasons(r, b) == "UNINSURED;SPECIAL"
        assert r.person(b)["outcome"] == 4

    return check


@golden
def rule_6_info_missing_and_info_mismatch(city: City):
    """§6 INFO_MISSING (a required item missing) and INFO_MISMATCH (a *_MISMATCH flag), each alone."""
    missing = full_person(city, AAE006="")
    with_phone_row(city, missing, "12")
    city.insure(missing, "23")
    mismatch = full_person(city, AAC006="19800909")
    with_phone_row(city, mismatch, "12")
    city.insure(mismatch, "23")

    def check(r: Result) -> None:
        assert _reasons(r, missing) == "INFO_MISSING"
        assert r.person(missing)["outcome"] == 4
        assert _reasons(r, mismatch) == "INFO_MISMATCH"
        assert r.person(mismatch)["outcome"] == 4

    return check


@golden
def rule_6_reasons_in_table_order(city: City):
    """§6: survey_reasons ';'-joined in the table's order. Hukou 5, pension suspended, medical 21,
    register sex wrong, no AAE006: INTERRUPTED;SPECIAL;INFO_MISSING;INFO_MISMATCH. No insurance at all,
    pension suspended, no phone, name mismatch: UNINSURED;INTERRUPTED;INFO_MISSING;INFO_MISMATCH. An
    employee with pension 11 and medical suspended: PARTIAL;INTERRUPTED."""
    a = full_person(city, sex="2", hukou_status="5", AAC004="1", AAE006="")
    city.insure(a, "12", "2", AAC003="张三")
    with_phone_row(city, a, "21", AAB001="GO0002")
    b = full_person(city, name="张三")
    city.insure(b, "12", "2", AAC003="张四")
    c = full_person(city)
    with_phone_row(city, c, "11", AAB001="GO0002")
    city.insure(c, "21", "2", AAB001="GO0002")

    def check(r: Result) -> None:
        assert r.statuses(a) == ("94", "21", "93", "93", "93")
        assert _reasons(r, a) == "INTERRUPTED;SPECIAL;INFO_MISSING;INFO_MISMATCH"
        assert r.statuses(b) == ("94", "91", "95", "95", "95")
        assert _reasons(r, b) == "UNINSURED;INTERRUPTED;INFO_MISSING;INFO_MISMATCH"
        assert r.statuses(c) == ("11", "94", "92", "92", "92")
        assert _reasons(r, c) == "PARTIAL;INTERRUPTED"

    return check


# ---------------------------------------------------------------- survey results


@golden
def rule_6_outcome_5_survey_result_whatever_the_reasons(city: City):
    """§6 "A person with one has outcome 5 (已核实入库) whatever the reasons above": a would-be outcome 4
    and a would-be outcome 1 person. Ambiguity resolved literally: the reasons that hold are still
    recorded in survey_reasons (they "hold"; the survey only changes the outcome)."""
    needs = full_person(city)
    with_phone_row(city, needs, "12", "3")
    city.survey(needs, survey_date="20260930")
    fine = full_person(city)
    with_phone_row(city, fine, "12")
    city.insure(fine, "23")
    city.survey(fine, survey_date="20260930")

    def check(r: Result) -> None:
        assert r.person(needs)["outcome"] == 5
        assert _reasons(r, needs) == "UNINSURED"
        assert r.person(fine)["outcome"] == 5
        assert _reasons(r, fine) == ""

    return check


@golden
def rule_6_survey_items_fill_completeness(city: City):
    """§6 "the surveyed items fill the person's items and count for completeness": a register person
    without AAC010 and phone, surveyed with both, is complete and shows the surveyed values. The
    extract has no value for them, so there is nothing it "gives different" (no SURVEY_CONFLICT)."""
    n = city.person(new_id("19800101"), AAE006="地址")
    city.insure(n, "12", "3")
    phone = new_phone()
    city.survey(n, AAC010="320104", AAE005=phone)

    def check(r: Result) -> None:
        p = r.person(n)
        assert (p["AAC010"], p["AAE005"]) == ("320104", phone)
        assert p["complete"] is True
        assert "INFO_MISSING" not in split(p["survey_reasons"])
        assert "SURVEY_CONFLICT" not in split(p["flags"])
        assert p["outcome"] == 5

    return check


@golden
def rule_6_survey_does_not_enroll(city: City):
    """§6 "the five status codes still come only from the extracts": a surveyed employer does not make
    the person an employee, and no line becomes covered."""
    n = full_person(city)
    city.survey(n, survey_date="20260930", employment_status="1", employer_aab998=new_credit_code(),
                employer_name="某公司", uninsured_reason="1", AAE005=new_phone())  # fmt: skip

    def check(r: Result) -> None:
        assert r.statuses(n) == ("91", "91", "95", "95", "95")
        assert r.person(n)["outcome"] == 5

    return check


@golden
def rule_6_survey_conflict_with_later_extract(city: City):
    """§6: an extract of a later as-of date (2026-09-30) than the survey (2026-08-01) that gives a
    different value → the surveyed value stands and SURVEY_CONFLICT (register AAC010, insurance
    phone). The same value → no flag. A survey on the extract's own as-of date: the extract is not
    *later* → the surveyed value fills the item, no flag."""
    reg = full_person(city, AAC010="320102")
    with_phone_row(city, reg, "12")
    city.survey(reg, survey_date="20260801", AAC010="320104")
    ph = full_person(city)
    city.insure(ph, "12", AAE005="13900000011")
    city.survey(ph, survey_date="20260801", AAE005="13900000022")
    same = full_person(city, AAC010="320102")
    with_phone_row(city, same, "12")
    city.survey(same, survey_date="20260801", AAC010="320102")
    same_day = full_person(city, AAE006="旧地址")
    with_phone_row(city, same_day, "12")
    city.survey(same_day, survey_date="20260930", AAE006="新地址")

    def check(r: Result) -> None:
        assert r.person(reg)["AAC010"] == "320104"
        assert "SURVEY_CONFLICT" in split(r.person(reg)["flags"])
        assert r.person(ph)["AAE005"] == "13900000022"
        assert "SURVEY_CONFLICT" in split(r.person(ph)["flags"])
        assert "SURVEY_CONFLICT" not in split(r.person(same)["flags"])
        assert r.person(same_day)["AAE006"] == "新地址"
        assert "SURVEY_CONFLICT" not in split(r.person(same_day)["flags"])
        for n in (reg, ph, same, same_day):
            assert r.person(n)["outcome"] == 5

    return check


# ================================================================ §7 units


def _unit(r: Result, ukey: str) -> dict:
    rows = [u for u in r.table("units") if u["ukey"] == ukey]
    assert len(rows) == 1, (ukey, rows)
    return rows[0]


def _unit_by_aab001(r: Result, aab001: str) -> dict:
    """A unit keyed by its AAB001 (no credit code known). The spec does not fix how such a key is
    written in `ukey` (the engine writes "#" + AAB001, like a person's "#" + AAC001): either is accepted,
    but it must have no AAB998."""
    rows = [u for u in r.table("units") if u["ukey"] in (aab001, "#" + aab001)]
    assert len(rows) == 1, (aab001, rows)
    assert rows[0]["AAB001"] == aab001 and not rows[0]["AAB998"]
    return rows[0]


def _unit_extract(city: City, aab998: str, aab001: str = "", name: str = "某单位") -> None:
    city.add("unit", AAB998=aab998, AAB004=name, AAB001=aab001, AAB301="320102")


@golden
def rule_7_insured_unit_needs_no_survey(city: City):
    """§7: a unit of the unit extract whose AAB001 is carried by an insurance row (any row: literal
    "no insurance row carries its AAB001" - a terminated row carries it too), valid credit code."""
    x, u = new_credit_code(), new_unit_no()
    _unit_extract(city, x, u)
    city.insure(new_id("19800101"), "11", AAB001=u)
    y, v = new_credit_code(), new_unit_no()
    _unit_extract(city, y, v)
    city.insure(city.person(new_id("19800101")), "11", "3", AAB001=v)

    def check(r: Result) -> None:
        for key, code in ((x, u), (y, v)):
            unit = _unit(r, key)
            assert unit["AAB001"] == code
            assert unit["needs_survey"] is False
            assert unit["survey_reasons"] == ""
            assert unit["credit_code_valid"] is True

    return check


@golden
def rule_7_unit_placement(city: City):
    """§7: a unit is placed at its AAB301 when that is a node of the tree, at the county of a six-digit
    code, and at the top node otherwise (unknown or missing area)."""
    at_village, at_county, unknown = new_credit_code(), new_credit_code(), new_credit_code()
    city.add("unit", AAB998=at_village, AAB004="村里单位", AAB301=VILLAGE)
    city.add("unit", AAB998=at_county, AAB004="县里单位", AAB301="320102")
    city.add("unit", AAB998=unknown, AAB004="外地单位", AAB301="990101")

    def check(r: Result) -> None:
        assert _unit(r, at_village)["AAB301"] == VILLAGE
        assert _unit(r, at_county)["AAB301"] == "320102000000"
        assert _unit(r, unknown)["AAB301"] == TOP

    return check


@golden
def rule_7_no_insurance(city: City):
    """§7 NO_INSURANCE: a unit whose AAB001 no insurance row carries, or that has no AAB001 at all."""
    x = new_credit_code()
    _unit_extract(city, x, new_unit_no())
    y = new_credit_code()
    _unit_extract(city, y)

    def check(r: Result) -> None:
        for key in (x, y):
            unit = _unit(r, key)
            assert unit["survey_reasons"] == "NO_INSURANCE"
            assert unit["needs_survey"] is True

    return check


@golden
def rule_7_id_invalid_credit_code(city: City):
    """§7 ID_INVALID: an insured unit whose credit code fails the GB 32100 check character."""
    x, u = new_credit_code(valid=False), new_unit_no()
    _unit_extract(city, x, u)
    city.insure(new_id("19800101"), "11", AAB001=u)

    def check(r: Result) -> None:
        unit = _unit(r, x)
        assert unit["survey_reasons"] == "ID_INVALID"
        assert unit["credit_code_valid"] is False
        assert unit["needs_survey"] is True

    return check


@golden
def rule_7_both_reasons(city: City):
    """§7 "a unit may carry both reasons": invalid code and uninsured → NO_INSURANCE;ID_INVALID (in the
    order the spec names them), from the unit extract or from an employment row only."""
    x = new_credit_code(valid=False)
    _unit_extract(city, x, new_unit_no())
    y = new_credit_code(valid=False)
    city.add("employment", AAC002=new_id("19800101"), AAC003="张三", AAB998=y, start_date="20200101")

    def check(r: Result) -> None:
        for key in (x, y):
            assert _unit(r, key)["survey_reasons"] == "NO_INSURANCE;ID_INVALID"
            assert _unit(r, key)["needs_survey"] is True

    return check


@golden
def rule_7_employment_only_unit_keyed_by_credit_code(city: City):
    """§7: a unit found only in employment by its AAB998 is a unit keyed by that code; with no AAB001
    known for it anywhere, no insurance row can carry it → NO_INSURANCE."""
    x = new_credit_code()
    city.add(
        "employment", AAC002=new_id("19800101"), AAC003="张三", AAB998=x, AAB004="某厂", start_date="20200101"
    )

    def check(r: Result) -> None:
        unit = _unit(r, x)
        assert unit["survey_reasons"] == "NO_INSURANCE"
        assert unit["credit_code_valid"] is True

    return check


@golden
def rule_7_unit_keyed_by_aab001_when_no_credit_code_known(city: City):
    """§7: "keyed by AAB998 (or AAB001 where no credit code is known for it anywhere)": employment rows
    naming the employer by AAB001 only. Insured → no survey; uninsured → NO_INSURANCE. Ambiguity
    resolved literally: a unit with no credit code has no *invalid* credit code → no ID_INVALID."""
    u = new_unit_no()
    city.add("employment", AAC002=new_id("19800101"), AAC003="张三", AAB001=u, start_date="20200101")
    city.insure(new_id("19800101"), "11", AAB001=u)
    v = new_unit_no()
    city.add("employment", AAC002=new_id("19800101"), AAC003="张三", AAB001=v, start_date="20200101")

    def check(r: Result) -> None:
        assert _unit_by_aab001(r, u)["needs_survey"] is False
        assert _unit_by_aab001(r, u)["survey_reasons"] == ""
        assert _unit_by_aab001(r, v)["survey_reasons"] == "NO_INSURANCE"
        assert _unit_by_aab001(r, v)["needs_survey"] is True

    return check


@golden
def rule_7_unit_extract_maps_aab001_and_aab998(city: City):
    """§7 "the unit extract maps one to the other": an employment row naming AAB001 only, whose unit
    extract row gives the credit code, is the unit keyed by that code (one unit, not two); an
    employment row naming AAB998 only is insured through the AAB001 the unit extract maps it to."""
    x, u = new_credit_code(), new_unit_no()
    _unit_extract(city, x, u)
    city.add("employment", AAC002=new_id("19800101"), AAC003="张三", AAB001=u, start_date="20200101")
    y, v = new_credit_code(), new_unit_no()
    _unit_extract(city, y, v)
    city.add("employment", AAC002=new_id("19800101"), AAC003="张三", AAB998=y, start_date="20200101")
    city.insure(new_id("19800101"), "11", AAB001=v)

    def check(r: Result) -> None:
        assert [k for k in r.table("units") if k["ukey"] in (u, "#" + u)] == []
        assert _unit(r, x)["AAB001"] == u
        assert _unit(r, x)["survey_reasons"] == "NO_INSURANCE"
        assert [k for k in r.table("units") if k["ukey"] in (v, "#" + v)] == []
        assert _unit(r, y)["AAB001"] == v
        assert _unit(r, y)["needs_survey"] is False

    return check


@golden
def rule_7_units_only_in_insurance_need_no_survey(city: City):
    """§7: only units "in unit or in employment" can need a survey; an AAB001 seen only on insurance
    rows never does (whether or not it is listed)."""
    u = new_unit_no()
    city.insure(new_id("19800101"), "11", AAB001=u)

    def check(r: Result) -> None:
        assert all(not k["needs_survey"] for k in r.table("units") if u in (k["ukey"], k["AAB001"]))

    return check
