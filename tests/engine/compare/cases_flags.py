"""Golden cases for comparison-rules.md §4: the flags, and the DECEASED_ACTIVE list."""

from __future__ import annotations

from tests.engine.compare.cases import Result, golden
from tests.engine.compare.golden import City, new_id
from tests.engine.compare.golden_util import full_person, split, with_phone_row


def _flags(r: Result, n: str) -> list[str]:
    return split(r.person(n)["flags"])


def _deceased(r: Result, n: str) -> list[tuple[str, str]]:
    """(scheme, AAC030) of the DECEASED_ACTIVE rows of person n, sorted."""
    return sorted((d["scheme"], d["AAC030"] or "") for d in r.table("deceased_active") if d["AAC002"] == n)


# ---------------------------------------------------------------- duplicate enrolment


@golden
def rule_4_dup_pension_two_distinct_scheme_area_pairs(city: City):
    """§4 DUP_PENSION: active rows in ≥ 2 distinct (scheme, AAB301) pairs among 11, 12, 13 - same
    scheme in two areas, or two schemes in one area; an AAC084 = 1 row is active too."""
    areas = city.person(new_id("19700101"))
    city.insure(areas, "11", AAB301="320102", AAB001="GF0001")
    city.insure(areas, "11", AAB301="320104", AAB001="GF0001")
    schemes = city.person(new_id("19700101"))
    city.insure(schemes, "11", AAB301="320102")
    city.insure(schemes, "12", AAB301="320102")
    benefit = city.person(new_id("19550101"))
    city.insure(benefit, "13", "3", AAC084="1", AAB301="320102")
    city.insure(benefit, "12", AAB301="320102")

    def check(r: Result) -> None:
        for n in (areas, schemes, benefit):
            assert "DUP_PENSION" in _flags(r, n), n

    return check


@golden
def rule_4_dup_pension_near_misses(city: City):
    """§4 DUP_PENSION near-misses: the same (scheme, area) pair twice; a second pair that is not active
    (suspended); a second pair in a scheme outside 11/12/13 (14, 15)."""
    same = city.person(new_id("19700101"))
    city.insure(same, "12", AAB301="320102")
    city.insure(same, "12", AAB301="320102")
    inactive = city.person(new_id("19700101"))
    city.insure(inactive, "12", AAB301="320102")
    city.insure(inactive, "11", "2", AAB301="320104")
    other = city.person(new_id("19700101"))
    city.insure(other, "12", AAB301="320102")
    city.insure(other, "14", AAB301="320102")
    city.insure(other, "15", AAB301="320104")

    def check(r: Result) -> None:
        for n in (same, inactive, other):
            assert "DUP_PENSION" not in _flags(r, n), n

    return check


@golden
def rule_4_dup_medical(city: City):
    """§4 DUP_MEDICAL: ≥ 2 distinct active (scheme, AAB301) pairs among 21, 22, 23, 24, 27. Not for
    25/26 (outside the list), nor the same pair twice."""
    two = city.person(new_id("19700101"))
    city.insure(two, "21", AAB001="GF0002")
    city.insure(two, "23")
    areas = city.person(new_id("19700101"))
    city.insure(areas, "27", AAB301="320102")
    city.insure(areas, "27", AAB301="320104")
    outside = city.person(new_id("19700101"))
    city.insure(outside, "21", AAB001="GF0002")
    city.insure(outside, "25")
    city.insure(outside, "26", AAB301="320104")
    same = city.person(new_id("19700101"))
    city.insure(same, "22")
    city.insure(same, "22")

    def check(r: Result) -> None:
        assert "DUP_MEDICAL" in _flags(r, two)
        assert "DUP_MEDICAL" in _flags(r, areas)
        assert "DUP_MEDICAL" not in _flags(r, outside)
        assert "DUP_MEDICAL" not in _flags(r, same)

    return check


@golden
def rule_4_dup_benefit_pension_and_medical(city: City):
    """§4 DUP_BENEFIT_*: AAC084 = 1 in two or more rows of the line (any scheme of the line). Literal
    reading: *rows*, not distinct pairs - two benefit rows of the same scheme and area count (and are
    not DUP_PENSION, which needs distinct pairs). One benefit row is not a duplicate."""
    pen = city.person(new_id("19500101"))
    city.insure(pen, "14", "3", AAC084="1")
    city.insure(pen, "15", "3", AAC084="1")
    same = city.person(new_id("19500101"))
    city.insure(same, "11", "3", AAC084="1", AAB301="320102")
    city.insure(same, "11", "3", AAC084="1", AAB301="320102")
    med = city.person(new_id("19500101"))
    city.insure(med, "21", "3", AAC084="1")
    city.insure(med, "26", "1", AAC084="1")
    one = city.person(new_id("19500101"))
    city.insure(one, "11", "3", AAC084="1")
    city.insure(one, "12", "1", AAC084="0")
    city.insure(one, "21", "3", AAC084="1")

    def check(r: Result) -> None:
        assert "DUP_BENEFIT_PENSION" in _flags(r, pen)
        assert "DUP_PENSION" not in _flags(r, pen)  # 14, 15 are outside the enrolment list
        assert "DUP_BENEFIT_PENSION" in _flags(r, same)
        assert "DUP_PENSION" not in _flags(r, same)
        assert "DUP_BENEFIT_MEDICAL" in _flags(r, med)
        assert "DUP_BENEFIT_PENSION" not in _flags(r, med)
        assert "DUP_BENEFIT_PENSION" not in _flags(r, one)
        assert "DUP_BENEFIT_MEDICAL" not in _flags(r, one)
        assert "DUP_PENSION" in _flags(r, one)  # 11 (benefit, active) and 12 (paying) in 320102

    return check


# ---------------------------------------------------------------- register mismatches


@golden
def rule_4_birth_and_sex_mismatch(city: City):
    """§4 BIRTH_MISMATCH / SEX_MISMATCH: the register's AAC006 / AAC004, when not empty, disagrees with
    the ID number. Empty, equal, or equal in another accepted date format (YYYY-MM-DD) → no flag."""
    birth = city.person(new_id("19800101", "1"), AAC006="19800102")
    sex = city.person(new_id("19800101", "1"), AAC004="2")
    both = city.person(new_id("19800101", "2"), AAC004="1", AAC006="19810101")
    empty = city.person(new_id("19800101", "2"))
    equal = city.person(new_id("19800101", "2"), AAC004="2", AAC006="19800101")
    dashed = city.person(new_id("19800101", "1"), AAC004="1", AAC006="1980-01-01")

    def check(r: Result) -> None:
        assert "BIRTH_MISMATCH" in _flags(r, birth) and "SEX_MISMATCH" not in _flags(r, birth)
        assert "SEX_MISMATCH" in _flags(r, sex) and "BIRTH_MISMATCH" not in _flags(r, sex)
        assert [f for f in _flags(r, both) if f.endswith("MISMATCH")] == ["BIRTH_MISMATCH", "SEX_MISMATCH"]
        for n in (empty, equal, dashed):
            assert not [f for f in _flags(r, n) if f.endswith("MISMATCH")], n

    return check


@golden
def rule_4_nonlocal_only_for_group_2(city: City):
    """§4 NONLOCAL = population group 2; not group 1, 3 or 4."""
    g1 = city.person(new_id("19800101"))
    city.insure(g1, "12")
    g2 = new_id("19800101")
    city.insure(g2, "12")
    g3 = new_id("19800101")
    city.add("residence", AAC002=g3, AAC003="张三", AAB301="320102001001", since_date="20200101")
    g4 = new_id("19800101")
    city.survey(g4, new_person=True, AAC003="张三", AAB301="320102001001")

    def check(r: Result) -> None:
        assert [r.person(n)["population_group"] for n in (g1, g2, g3, g4)] == [1, 2, 3, 4]
        assert _flags(r, g2) == ["NONLOCAL"]
        for n in (g1, g3, g4):
            assert "NONLOCAL" not in _flags(r, n)

    return check


@golden
def rule_4_flags_in_table_order(city: City):
    """§4 + exchange-format.md: `flags` is ';'-joined in the order of the spec's table. A group-2
    person with both duplicate enrolments and both duplicate benefits:
    DUP_PENSION;DUP_MEDICAL;DUP_BENEFIT_PENSION;DUP_BENEFIT_MEDICAL;NONLOCAL. A register person with
    a name, birth and sex mismatch: NAME_MISMATCH;BIRTH_MISMATCH;SEX_MISMATCH. No flag → ''."""
    n = new_id("19500101")
    city.insure(n, "11", "3", AAC084="1", AAB301="320102")
    city.insure(n, "12", "1", AAC084="1", AAB301="320104")
    city.insure(n, "21", "3", AAC084="1", AAB301="320102")
    city.insure(n, "23", "1", AAC084="1", AAB301="320102")
    m = city.person(new_id("19800101", "1"), name="张三", AAC004="2", AAC006="19800202")
    city.insure(m, "12", AAC003="李四")
    clean = full_person(city)
    with_phone_row(city, clean)

    def check(r: Result) -> None:
        assert (
            r.person(n)["flags"] == "DUP_PENSION;DUP_MEDICAL;DUP_BENEFIT_PENSION;DUP_BENEFIT_MEDICAL;NONLOCAL"
        )
        assert r.person(m)["flags"] == "NAME_MISMATCH;BIRTH_MISMATCH;SEX_MISMATCH"
        assert r.person(clean)["flags"] == ""

    return check


# ---------------------------------------------------------------- DECEASED_ACTIVE


@golden
def rule_4_deceased_active_benefit_clause(city: City):
    """§4 DECEASED_ACTIVE clause 1: a dead person with an active row whose AAC084 = 1 - whatever its
    AAC030. Near-miss: a benefit-less terminated row is not listed."""
    n = new_id("19400101")
    city.person(n)
    city.add("death", AAC002=n, AAC003="张三", death_date="20250101")
    city.insure(n, "11", "3", AAC084="1", AAC030="20000101")
    city.insure(n, "21", "3", AAC084="0", AAC030="20000101")

    def check(r: Result) -> None:
        assert n not in r.persons
        assert _deceased(r, n) == [("11", "20000101")]
        assert {d["death_date"] for d in r.table("deceased_active") if d["AAC002"] == n} == {"20250101"}

    return check


@golden
def rule_4_deceased_active_enrolled_after_death_clause(city: City):
    """§4 DECEASED_ACTIVE clause 2: AAC031 = 1 with AAC030 strictly after the death date. Near-misses:
    AAC030 on the death date; before it; a suspended row enrolled after it (not active)."""
    n = new_id("19400101")
    city.person(n)
    city.add("death", AAC002=n, AAC003="张三", death_date="20250101")
    city.insure(n, "12", AAC030="20250102")
    city.insure(n, "23", AAC030="20250101")
    city.insure(n, "50", AAC030="20240101")
    city.insure(n, "30", "2", AAC030="20250601")

    def check(r: Result) -> None:
        assert _deceased(r, n) == [("12", "20250102")]

    return check


@golden
def rule_4_deceased_active_several_death_rows_use_earliest(city: City):
    """§2 "with several, the earliest" death date ≤ D: enrolment on 2025-03-01 is after the earliest
    death (2025-01-01) though not after the later one (2025-06-01) → listed; a person dead only by a
    death row (no register row) is listed too."""
    n = new_id("19400101")
    city.person(n)
    city.add("death", AAC002=n, AAC003="张三", death_date="20250601")
    city.add("death", AAC002=n, AAC003="张三", death_date="20250101")
    city.insure(n, "12", AAC030="20250301")
    lone = new_id("19400101")
    city.add("death", AAC002=lone, AAC003="张三", death_date="20250101")
    city.insure(lone, "22", AAC030="20260101")

    def check(r: Result) -> None:
        assert _deceased(r, n) == [("12", "20250301")]
        assert {d["death_date"] for d in r.table("deceased_active") if d["AAC002"] == n} == {"20250101"}
        assert lone not in r.persons
        assert _deceased(r, lone) == [("22", "20260101")]

    return check


@golden
def rule_4_deceased_active_hukou_2_only_first_clause(city: City):
    """§4: "a person dead only by hukou_status 2 has no death date: only the first clause applies" -
    the benefit row is listed, a paying row enrolled recently is not."""
    n = city.person(new_id("19400101"), hukou_status="2")
    city.insure(n, "11", "3", AAC084="1", AAC030="19990101")
    city.insure(n, "23", AAC030="20260101")

    def check(r: Result) -> None:
        assert _deceased(r, n) == [("11", "19990101")]
        assert {d["death_date"] for d in r.table("deceased_active") if d["AAC002"] == n} in ({None}, {""})

    return check


@golden
def rule_4_deceased_active_hukou_2_with_death_row_has_both_clauses(city: City):
    """§4: a person with hukou_status 2 *and* a death row is not dead "only by hukou_status 2": the
    death row gives the date, so the second clause applies too."""
    n = city.person(new_id("19400101"), hukou_status="2")
    city.add("death", AAC002=n, AAC003="张三", death_date="20250101")
    city.insure(n, "23", AAC030="20250601")
    city.insure(n, "12", AAC030="20240601")

    def check(r: Result) -> None:
        assert _deceased(r, n) == [("23", "20250601")]

    return check


@golden
def rule_4_deceased_active_not_for_living(city: City):
    """§4 DECEASED_ACTIVE is for dead persons only: death after D (alive) with a benefit row and a
    recent enrolment → in P, not listed."""
    n = city.person(new_id("19400101"))
    city.add("death", AAC002=n, AAC003="张三", death_date="20261001")
    city.insure(n, "11", "3", AAC084="1", AAC030="19990101")
    city.insure(n, "23", AAC030="20261002")

    def check(r: Result) -> None:
        assert n in r.persons
        assert _deceased(r, n) == []

    return check
