"""Golden cases for comparison-rules.md §1 (keys, normalisation, age) and §2 (population P, placement)."""

from __future__ import annotations

from tests.engine.compare.cases import Result, golden
from tests.engine.compare.golden import VILLAGE, VILLAGE2, City, new_id, pid
from tests.engine.compare.golden_util import full_person, last_line, new_aac001, split, with_phone_row

_seq = iter(range(1, 1000))
ODD_REGION = "320583"  # never produced by new_id (which counts up from 320102): hand-made IDs live here


def _hand_id(birth: str) -> str:
    """A number with a correct check character for any 8 digits of birth date (even impossible ones)."""
    return pid(birth, next(_seq), ODD_REGION)


def _wrong_check(number: str) -> str:
    return number[:17] + ("0" if number[17] != "0" else "1")


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() or c.isalpha() and c.isascii() else c for c in text)


def _unlinked(r: Result, kind: str, line: int) -> list[dict]:
    return [u for u in r.table("unlinked") if u["kind"] == kind and u["_line"] == line]


# ---------------------------------------------------------------- §1 keys


@golden
def rule_1_key_is_normalised_id_15_digit_lower_x_full_width(city: City):
    """§1 "Person key: the normalised 18-digit AAC002": a 15-digit number (converted to 18), a
    lower-case x and full-width digits all link to the same person as the canonical number."""
    a = new_id("19750203")
    a15 = a[:6] + a[8:17]
    city.person(a15)  # the register itself carries the old 15-digit number
    city.insure(a, "12")
    b = new_id("19760101")
    while not b.endswith("X"):
        b = new_id("19760101")
    city.person(b)
    city.insure(b[:17] + "x", "23")
    c = city.person(new_id("19770101"))
    city.insure(_full_width(c), "50")

    def check(r: Result) -> None:
        assert a in r.persons and a15 not in r.persons
        assert r.person(a)["AAC002"] == a
        assert r.statuses(a)[0] == "12"
        assert b in r.persons and b[:17] + "x" not in r.persons
        assert r.statuses(b)[1] == "23"
        assert r.statuses(c)[4] == "50"

    return check


@golden
def rule_1_invalid_id_rows_are_unlinked_with_id_invalid(city: City):
    """§1: rows with an invalid ID (wrong check character, impossible date, before 1900-01-01, wrong
    length, birth after D) link to no one and are listed as unlinked with reason ID_INVALID, whatever
    their kind."""
    rows = []
    bad_check = _wrong_check(new_id("19800101"))
    city.person(bad_check)
    rows.append(("household_register", last_line(city, "household_register"), bad_check))
    bad_date = _hand_id("19800230")
    city.insure(bad_date, "11")
    rows.append(("insurance", last_line(city, "insurance"), bad_date))
    before_1900 = _hand_id("18991231")
    city.add("residence", AAC002=before_1900, AAC003="张三", AAB301=VILLAGE, since_date="20200101")
    rows.append(("residence", last_line(city, "residence"), before_1900))
    too_short = new_id("19800101")[:17]
    city.add("student", AAC002=too_short, AAC003="张三", school="某校", level="5")
    rows.append(("student", last_line(city, "student"), too_short))
    after_d = _hand_id("20261001")
    city.person(after_d)
    rows.append(("household_register", last_line(city, "household_register"), after_d))
    emp = _wrong_check(new_id("19800101"))
    city.add("employment", AAC002=emp, AAC003="张三", AAB001="X1", start_date="20200101")
    rows.append(("employment", last_line(city, "employment"), emp))
    cross = _wrong_check(new_id("19800101"))
    city.add("cross_region_return", AAC002=cross, AAC003="张三", scheme="11", level="province")
    rows.append(("cross_region_return", last_line(city, "cross_region_return"), cross))
    dead = _wrong_check(new_id("19500101"))
    city.add("death", AAC002=dead, AAC003="张三", death_date="20250101")
    rows.append(("death", last_line(city, "death"), dead))

    def check(r: Result) -> None:
        for kind, line, number in rows:
            hits = _unlinked(r, kind, line)
            assert [h["reason"] for h in hits] == ["ID_INVALID"], (kind, number)
            assert number not in r.persons and number.upper() not in r.persons

    return check


@golden
def rule_1_birth_date_on_d_is_valid_one_day_later_is_invalid(city: City):
    """§1 + exchange-format.md: a birth date after D makes the ID invalid (tested at comparison time);
    a birth date on D itself is valid (age 0). Likewise 1900-01-01 is valid, 1899-12-31 is not."""
    on_d = city.person(_hand_id("20260930"))
    line_on_d = last_line(city, "household_register")
    after = city.person(_hand_id("20261001"))
    line_after = last_line(city, "household_register")
    old = city.person(_hand_id("19000101"))
    line_old = last_line(city, "household_register")
    too_old = city.person(_hand_id("18991231"))
    line_too_old = last_line(city, "household_register")

    def check(r: Result) -> None:
        assert r.person(on_d)["population_group"] == 1
        assert r.statuses(on_d)[0] == "95"  # age 0 < 16
        assert _unlinked(r, "household_register", line_on_d) == []
        assert after not in r.persons
        assert [u["reason"] for u in _unlinked(r, "household_register", line_after)] == ["ID_INVALID"]
        assert r.person(old)["population_group"] == 1
        assert _unlinked(r, "household_register", line_old) == []
        assert too_old not in r.persons
        assert [u["reason"] for u in _unlinked(r, "household_register", line_too_old)] == ["ID_INVALID"]

    return check


@golden
def rule_1_valid_persons_outside_p_are_not_unlinked(city: City):
    """§1: "rows of valid persons outside P are simply not used" - not in P, and not unlinked."""
    a = new_id("19800101")
    city.insure(a, "11", "3")  # terminated, not active: not group 2
    la = last_line(city, "insurance")
    b = new_id("20050101")
    city.add("student", AAC002=b, AAC003="张三", school="某校", level="5")
    lb = last_line(city, "student")
    c = new_id("19800101")
    city.add("residence", AAC002=c, AAC003="张三", AAB301=VILLAGE, since_date="20260101")  # too recent
    lc = last_line(city, "residence")

    def check(r: Result) -> None:
        for n in (a, b, c):
            assert n not in r.persons
        assert _unlinked(r, "insurance", la) == []
        assert _unlinked(r, "student", lb) == []
        assert _unlinked(r, "residence", lc) == []

    return check


# ---------------------------------------------------------------- §1 names


@golden
def rule_1_name_normalisation_variants_compare_equal(city: City):
    """§1 name comparison: full-width → half-width (U+FF01–FF5E, U+3000), remove white space and the
    dots ·•・‧･. - none of these variants is a NAME_MISMATCH."""
    base = "阿依古丽·买买提"
    variants = [
        "阿依古丽•买买提",  # U+2022
        "阿依古丽・买买提",  # U+30FB
        "阿依古丽‧买买提",  # U+2027
        "阿依古丽･买买提",  # U+FF65
        "阿依古丽.买买提",  # ASCII full stop
        "阿依古丽．买买提",  # U+FF0E full-width full stop → '.'
        "阿依古丽买买提",  # no dot at all
        "阿依古丽 买买提",  # space
        "阿依古丽\u3000买买提",  # ideographic space inside the name
        "阿依 古丽·买 买提",  # spaces anywhere
    ]
    people = []
    for v in variants:
        n = city.person(new_id("19850101"), name=base)
        city.insure(n, "12", AAC003=v)
        people.append(n)
    # full-width punctuation other than dots folds too: （） → ()
    p = city.person(new_id("19850101"), name="李(小)明")
    city.insure(p, "12", AAC003="李（小）明")
    people.append(p)
    # full-width letters fold to half-width
    q = city.person(new_id("19850101"), name="ANNA李")
    city.insure(q, "12", AAC003="ＡＮＮＡ李")
    people.append(q)

    def check(r: Result) -> None:
        for n in people:
            assert "NAME_MISMATCH" not in split(r.person(n)["flags"]), n

    return check


@golden
def rule_1_name_real_difference_is_a_mismatch(city: City):
    """§1: after normalisation names are compared exactly: a different character is NAME_MISMATCH.
    Ambiguity resolved literally: "compare exactly" has no case folding, so 'Anna' ≠ 'ANNA'."""
    a = city.person(new_id("19850101"), name="张三")
    city.insure(a, "12", AAC003="张山")
    b = city.person(new_id("19850101"), name="ANNA李")
    city.insure(b, "12", AAC003="Anna李")
    c = city.person(new_id("19850101"), name="张三")
    city.insure(c, "12", AAC003="张三")
    city.insure(c, "23", AAC003="张三丰")  # one differing row among several is enough

    def check(r: Result) -> None:
        assert "NAME_MISMATCH" in split(r.person(a)["flags"])
        assert "NAME_MISMATCH" in split(r.person(b)["flags"])
        assert "NAME_MISMATCH" in split(r.person(c)["flags"])

    return check


@golden
def rule_1_name_compared_on_every_linked_kind(city: City):
    """§1: the name comparison applies to every linked row of every kind that carries a name:
    student, employment, residence, cross_region_return (not only insurance)."""
    s = city.person(new_id("20080101"), name="王五")
    city.add("student", AAC002=s, AAC003="王六", school="某校", level="4")
    e = city.person(new_id("19850101"), name="王五")
    city.add("employment", AAC002=e, AAC003="王六", AAB001="GX0001", start_date="20200101")
    res = city.person(new_id("19850101"), name="王五")
    city.add("residence", AAC002=res, AAC003="王六", AAB301=VILLAGE2, since_date="20200101")
    x = city.person(new_id("19850101"), name="王五")
    city.add("cross_region_return", AAC002=x, AAC003="王六", scheme="11", level="province")

    def check(r: Result) -> None:
        for n in (s, e, res, x):
            assert "NAME_MISMATCH" in split(r.person(n)["flags"]), n

    return check


@golden
def rule_1_empty_name_is_not_compared(city: City):
    """§1 "(an empty name is not compared)": a cross_region_return row without AAC003."""
    a = city.person(new_id("19850101"), name="王五")
    city.add("cross_region_return", AAC002=a, AAC003="", scheme="11", level="province")

    def check(r: Result) -> None:
        assert "NAME_MISMATCH" not in split(r.person(a)["flags"])
        assert r.statuses(a)[0] == "81"

    return check


@golden
def rule_1_person_without_register_row_never_gets_name_mismatch(city: City):
    """§1 "a person without a register row never gets it": group 2 and group 3 persons whose rows
    carry different names."""
    g2 = new_id("19850101")
    city.insure(g2, "11", AAC003="赵一")
    city.insure(g2, "21", AAC003="钱二")
    g3 = new_id("19850101")
    city.add("residence", AAC002=g3, AAC003="孙三", AAB301=VILLAGE, since_date="20200101")
    city.insure(g3, "12", "3", AAC003="李四")

    def check(r: Result) -> None:
        assert r.person(g2)["population_group"] == 2
        assert "NAME_MISMATCH" not in split(r.person(g2)["flags"])
        assert r.person(g3)["population_group"] == 3
        assert "NAME_MISMATCH" not in split(r.person(g3)["flags"])

    return check


@golden
def rule_1_name_of_moved_out_person_is_compared_with_register(city: City):
    """§1: a moved-out person (hukou_status 3, in P through group 2) still has a register row, so
    their insurance names are compared with it (literal reading: "a person without a register row
    never gets it" - this one has one)."""
    a = city.person(new_id("19850101"), name="周七", hukou_status="3")
    city.insure(a, "11", AAC003="周八", AAB301="320104")

    def check(r: Result) -> None:
        assert r.person(a)["population_group"] == 2
        assert "NAME_MISMATCH" in split(r.person(a)["flags"])

    return check


# ---------------------------------------------------------------- §1 age, agency area


@golden
def rule_1_age_16_reached_on_the_birthday(city: City):
    """§1 age in whole years at D=2026-09-30: born 2010-09-30 is 16 (pension required: 91), born
    2010-10-01 is 15 (pension 95 by §3 rule 5)."""
    sixteen = city.person(new_id("20100930"))
    fifteen = city.person(new_id("20101001"))

    def check(r: Result) -> None:
        assert r.statuses(sixteen)[0] == "91"
        assert r.person(sixteen)["AIC003_rule"] == 7
        assert r.statuses(fifteen)[0] == "95"
        assert r.person(fifteen)["AIC003_rule"] == 5

    return check


@golden
def rule_1_agency_area_compared_by_first_6_digits(city: City):
    """§1 "An agency area AAB301 is compared by its first 6 digits": 320102 and 320102001001 are the
    same area (no DUP_PENSION), and a 12-digit insurance AAB301 places a group-2 person at the county
    of its first 6 digits."""
    a = city.person(new_id("19700101"))
    city.insure(a, "11", AAB301="320102", AAB001="GX0002")
    city.insure(a, "11", AAB301="320102001001", AAB001="GX0002")
    b = new_id("19700101")
    city.insure(b, "12", AAB301="320104002001", AAC030="20200101")

    def check(r: Result) -> None:
        assert "DUP_PENSION" not in split(r.person(a)["flags"])
        assert r.person(b)["population_group"] == 2
        assert r.person(b)["AAB301"] == "320104000000"

    return check


# ---------------------------------------------------------------- §2 population


@golden
def rule_2_1_local_hukou_statuses_1_4_5_6_and_empty_are_in_p(city: City):
    """§2.1: register persons with hukou_status 1, 4, 5, 6 (empty means 1) are group 1; status 3
    (moved out) without insurance or residence is not in P; status 2 is dead."""
    ins = {s: city.person(new_id("19800101"), hukou_status=s) for s in ("1", "4", "5", "6")}
    empty = city.person(new_id("19800101"))
    moved = city.person(new_id("19800101"), hukou_status="3")
    dead = city.person(new_id("19800101"), hukou_status="2")

    def check(r: Result) -> None:
        for n in (*ins.values(), empty):
            assert r.person(n)["population_group"] == 1
            assert r.person(n)["AAB301"] == VILLAGE
        assert moved not in r.persons
        assert dead not in r.persons

    return check


@golden
def rule_2_dead_by_death_row_on_d_not_after_d(city: City):
    """§2 Dead: a death row with death_date ≤ D. Death on D itself → dead (not in P); death the day
    after D → alive (in P, group 1); one death row ≤ D among several → dead."""
    on_d = city.person(new_id("19500101"))
    city.add("death", AAC002=on_d, AAC003="张三", death_date="20260930")
    after = city.person(new_id("19500101"))
    city.add("death", AAC002=after, AAC003="张三", death_date="20261001")
    several = city.person(new_id("19500101"))
    city.add("death", AAC002=several, AAC003="张三", death_date="20261101")
    city.add("death", AAC002=several, AAC003="张三", death_date="20260101")

    def check(r: Result) -> None:
        assert on_d not in r.persons
        assert r.person(after)["population_group"] == 1
        assert several not in r.persons

    return check


@golden
def rule_2_dead_persons_with_active_insurance_are_not_group_2(city: City):
    """§2 "Dead persons are never in P": dead by hukou_status 2, or by a death row without any
    register row, with an active insurance row - still not in P (not group 2)."""
    h2 = city.person(new_id("19500101"), hukou_status="2")
    city.insure(h2, "12", AAC084="1")
    no_reg = new_id("19500101")
    city.add("death", AAC002=no_reg, AAC003="张三", death_date="20250101")
    city.insure(no_reg, "11", AAC084="1")
    res = new_id("19500101")
    city.add("death", AAC002=res, AAC003="张三", death_date="20250101")
    city.add("residence", AAC002=res, AAC003="张三", AAB301=VILLAGE, since_date="20100101")

    def check(r: Result) -> None:
        assert h2 not in r.persons
        assert no_reg not in r.persons
        assert res not in r.persons

    return check


@golden
def rule_2_2_nonlocal_insured_needs_an_active_row(city: City):
    """§2.2: not in the register, at least one active row (AAC031=1, or AAC084=1) → group 2 with the
    NONLOCAL flag; only suspended (2) or terminated (3) rows → not in P."""
    paying = new_id("19800101")
    city.insure(paying, "12")
    retired = new_id("19500101")
    city.insure(retired, "11", "3", AAC084="1")
    suspended = new_id("19800101")
    city.insure(suspended, "12", "2")
    ended = new_id("19800101")
    city.insure(ended, "12", "3", AAC084="0")

    def check(r: Result) -> None:
        for n in (paying, retired):
            assert r.person(n)["population_group"] == 2
            assert "NONLOCAL" in split(r.person(n)["flags"])
        assert suspended not in r.persons
        assert ended not in r.persons

    return check


@golden
def rule_2_moved_out_is_in_p_only_through_2_or_3(city: City):
    """§2 "Persons with hukou_status 3 (moved out) are in P only through 2 or 3"."""
    nothing = city.person(new_id("19800101"), hukou_status="3")
    city.insure(nothing, "12", "2")  # not active
    insured = city.person(new_id("19800101"), hukou_status="3")
    city.insure(insured, "12", AAB301="320104", AAC030="20200101")
    resident = city.person(new_id("19800101"), hukou_status="3")
    city.add("residence", AAC002=resident, AAC003="张三", AAB301=VILLAGE2, since_date="20200101")

    def check(r: Result) -> None:
        assert nothing not in r.persons
        assert r.person(insured)["population_group"] == 2
        assert r.person(insured)["AAB301"] == "320104000000"
        assert "NONLOCAL" in split(r.person(insured)["flags"])
        assert r.person(resident)["population_group"] == 3
        assert r.person(resident)["AAB301"] == VILLAGE2

    return check


@golden
def rule_2_3_residence_since_exactly_d_minus_1_year_qualifies(city: City):
    """§2.3: since_date ≤ D − 1 year (2025-09-30) qualifies; 2025-10-01 does not."""
    exact = new_id("19800101")
    city.add("residence", AAC002=exact, AAC003="张三", AAB301=VILLAGE2, since_date="20250930")
    late = new_id("19800101")
    city.add("residence", AAC002=late, AAC003="张三", AAB301=VILLAGE2, since_date="20251001")

    def check(r: Result) -> None:
        assert r.person(exact)["population_group"] == 3
        assert r.person(exact)["AAB301"] == VILLAGE2
        assert "NONLOCAL" not in split(r.person(exact)["flags"])
        assert late not in r.persons

    return check


@golden
def rule_2_3_residence_not_already_in_1_or_2(city: City):
    """§2.3 "not already in 1 or 2": a register person or a non-local insured person with a qualifying
    residence row stays in group 1 / 2 and keeps that group's placement."""
    local = city.person(new_id("19800101"), village=VILLAGE)
    city.add("residence", AAC002=local, AAC003="张三", AAB301=VILLAGE2, since_date="20200101")
    insured = new_id("19800101")
    city.insure(insured, "12", AAB301="320102", AAC030="20200101")
    city.add("residence", AAC002=insured, AAC003="张三", AAB301=VILLAGE2, since_date="20200101")

    def check(r: Result) -> None:
        assert r.person(local)["population_group"] == 1
        assert r.person(local)["AAB301"] == VILLAGE
        assert r.person(insured)["population_group"] == 2
        assert r.person(insured)["AAB301"] == "320102000000"
        assert r.person(insured)["population_group"] == 2
        assert r.person(insured)["AAB301"] == "320102000000"

    return check


@golden
def rule_2_4_found_by_survey(city: City):
    """§2.4: a person added at the door with an accepted survey result, not in 1–3, is group 4, placed
    where the survey placed them (with an ID, or keyed "#AAC001" without one); a new-person survey for
    someone already in the register (or insured here) stays group 1 (2), placed as that group is."""
    new = new_id("19900101")
    city.survey(new, new_person=True, AAC003="新人", AAB301=VILLAGE2)
    anon = "#" + new_aac001()
    city.survey(anon, new_person=True, AAC003="无号", AAB301=VILLAGE2)
    local = city.person(new_id("19900101"), village=VILLAGE)
    city.survey(local, new_person=True, AAC003="张三", AAB301=VILLAGE2)
    insured = new_id("19900101")
    city.insure(insured, "12", AAB301="320102")
    city.survey(insured, new_person=True, AAC003="张三", AAB301=VILLAGE2)

    def check(r: Result) -> None:
        assert r.person(new)["population_group"] == 4
        assert r.person(new)["AAB301"] == VILLAGE2
        assert r.person(new)["outcome"] == 5
        assert r.person(anon)["population_group"] == 4
        assert r.person(anon)["AAB301"] == VILLAGE2
        assert r.person(anon)["outcome"] == 5
        assert r.person(local)["population_group"] == 1
        assert r.person(local)["AAB301"] == VILLAGE
        assert r.person(insured)["population_group"] == 2
        assert r.person(insured)["AAB301"] == "320102000000"

    return check


@golden
def rule_2_placement_group_1_register_village(city: City):
    """§2: group 1 is placed at the register's AAB301 (even when insured elsewhere)."""
    a = full_person(city, village=VILLAGE2)
    with_phone_row(city, a, AAB301="320102")

    def check(r: Result) -> None:
        assert r.person(a)["AAB301"] == VILLAGE2

    return check


@golden
def rule_2_placement_group_2_latest_active_aac030_county(city: City):
    """§2: group 2 is placed at the county of the AAB301 of their *active* row with the latest AAC030,
    as the 6-digit code followed by 000000; a later non-active row does not count."""
    a = new_id("19800101")
    city.insure(a, "12", AAB301="320102", AAC030="20150101")
    city.insure(a, "23", AAB301="320104", AAC030="20200101")
    city.insure(a, "11", "2", AAB301="320102", AAC030="20240101")  # suspended: not active

    def check(r: Result) -> None:
        assert r.person(a)["population_group"] == 2
        assert r.person(a)["AAB301"] == "320104000000"

    return check


@golden
def rule_2_placement_group_2_ties_smallest_code(city: City):
    """§2: group 2 placement ties on the latest AAC030 go to the smallest code."""
    a = new_id("19800101")
    city.insure(a, "23", AAB301="320104", AAC030="20200101")
    city.insure(a, "12", AAB301="320102", AAC030="20200101")
    city.insure(a, "40", AAB301="320104", AAC030="20100101")

    def check(r: Result) -> None:
        assert r.person(a)["AAB301"] == "320102000000"

    return check


@golden
def rule_2_placement_group_3_latest_qualifying_residence(city: City):
    """§2: group 3 is placed at the AAB301 of their latest *qualifying* residence row (a row since
    after D − 1 year does not qualify, even though it is later)."""
    a = new_id("19800101")
    city.add("residence", AAC002=a, AAC003="张三", AAB301=VILLAGE, since_date="20180101")
    city.add("residence", AAC002=a, AAC003="张三", AAB301=VILLAGE2, since_date="20240101")
    city.add("residence", AAC002=a, AAC003="张三", AAB301=VILLAGE, since_date="20260101")

    def check(r: Result) -> None:
        assert r.person(a)["population_group"] == 3
        assert r.person(a)["AAB301"] == VILLAGE2

    return check
