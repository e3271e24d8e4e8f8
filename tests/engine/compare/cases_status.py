"""Golden cases for comparison-rules.md §3: the status of each person in each of the five lines."""

from __future__ import annotations

from tests.engine.compare.cases import Result, golden
from tests.engine.compare.golden import City, new_id
from tests.engine.compare.golden_util import last_line, new_credit_code

PENSION = ["13", "11", "12", "14", "15"]
MEDICAL = ["21", "24", "27", "22", "23", "25", "26"]
RULE_COLUMNS = ("AIC003_rule", "AKC003_rule", "ALC003_rule", "AJC003_rule", "AMC003_rule")


def _rules(r: Result, n: str) -> tuple[int, ...]:
    p = r.person(n)
    return tuple(p[c] for c in RULE_COLUMNS)


def _employ(city: City, n: str, start: str = "20200101", end: str = "", unit: str = "GE0001") -> None:
    city.add("employment", AAC002=n, AAC003="张三", AAB001=unit, start_date=start, end_date=end)


# ---------------------------------------------------------------- rule 1


@golden
def rule_3_1_pension_priority_13_11_12_14_15(city: City):
    """§3 rule 1: pension priority 13 > 11 > 12 > 14 > 15. Person k holds the active schemes
    PENSION[k:] (added lowest priority first) and must get PENSION[k]; its basis is that row."""
    people = []
    for k in range(len(PENSION)):
        n = city.person(new_id("19700101"))
        lines = {}
        for scheme in reversed(PENSION[k:]):
            city.insure(n, scheme)
            lines[scheme] = last_line(city, "insurance")
        people.append((n, PENSION[k], lines[PENSION[k]]))

    def check(r: Result) -> None:
        for n, expected, line in people:
            assert r.statuses(n)[0] == expected
            assert r.person(n)["AIC003_rule"] == 1
            assert r.basis(n, "pension") == [("insurance", line)]

    return check


@golden
def rule_3_1_medical_priority_21_24_27_22_23_25_26(city: City):
    """§3 rule 1: medical priority 21 > 24 > 27 > 22 > 23 > 25 > 26 (person k holds MEDICAL[k:])."""
    people = []
    for k in range(len(MEDICAL)):
        n = city.person(new_id("19700101"))
        for scheme in reversed(MEDICAL[k:]):
            city.insure(n, scheme)
        people.append((n, MEDICAL[k]))

    def check(r: Result) -> None:
        for n, expected in people:
            assert r.statuses(n)[1] == expected
            assert r.person(n)["AKC003_rule"] == 1

    return check


@golden
def rule_3_1_injury_unemployment_maternity_active_codes(city: City):
    """§3 rule 1 for injury 30, unemployment 40, maternity 50 (active rows give the scheme code)."""
    n = city.person(new_id("19800101"))
    city.insure(n, "30", AAB001="GE0002")
    city.insure(n, "40", AAB001="GE0002")
    city.insure(n, "50", AAB001="GE0002")

    def check(r: Result) -> None:
        assert r.statuses(n)[2:] == ("30", "40", "50")
        assert _rules(r, n)[2:] == (1, 1, 1)

    return check


@golden
def rule_3_1_benefit_row_counts_as_active(city: City):
    """§3 "A row is active when AAC031 = 1, or AAC084 = 1": a terminated (3) pension row that pays
    benefits gives its scheme; among active rows priority still applies (11 benefit > 12 paying)."""
    a = city.person(new_id("19500101"))
    city.insure(a, "11", "3", AAC084="1")
    city.insure(a, "21", "3", AAC084="1")
    b = city.person(new_id("19500101"))
    city.insure(b, "12")
    city.insure(b, "11", "3", AAC084="1")

    def check(r: Result) -> None:
        assert r.statuses(a)[:2] == ("11", "21")
        assert _rules(r, a)[:2] == (1, 1)
        assert r.statuses(b)[0] == "11"

    return check


@golden
def rule_3_1_only_active_rows_count(city: City):
    """§3 rule 1 uses active rows only: a higher-priority suspended (2) or terminated (3) row does not
    beat a lower-priority active one."""
    n = city.person(new_id("19700101"))
    city.insure(n, "13", "2")
    city.insure(n, "11", "3", AAC084="0")
    city.insure(n, "15")
    city.insure(n, "21", "2")
    city.insure(n, "26")

    def check(r: Result) -> None:
        assert r.statuses(n)[:2] == ("15", "26")

    return check


# ---------------------------------------------------------------- rule 2


@golden
def rule_3_2_cross_region_province_beats_national(city: City):
    """§3 rule 2: a cross_region_return row for the line → 81 if any is `province`, else 82; the
    scheme decides the line (12 → pension, 23 → medical)."""
    both = city.person(new_id("19800101"))
    city.add("cross_region_return", AAC002=both, AAC003="张三", scheme="11", level="national")
    city.add("cross_region_return", AAC002=both, AAC003="张三", scheme="12", level="province")
    city.add("cross_region_return", AAC002=both, AAC003="张三", scheme="23", level="national")
    prov = city.person(new_id("19800101"))
    city.add("cross_region_return", AAC002=prov, AAC003="张三", scheme="27", level="province")

    def check(r: Result) -> None:
        assert r.statuses(both)[:2] == ("81", "82")
        assert _rules(r, both)[:2] == (2, 2)
        assert r.statuses(prov)[:2] == ("91", "81")

    return check


@golden
def rule_3_2_cross_region_order_against_rules_1_3_4_5(city: City):
    """§3 order: rule 1 (local active row) beats rule 2; rule 2 beats rule 3 (suspended), rule 4
    (hukou 5) and rule 5 (age < 16 for pension; a non-employee's injury line)."""
    local = city.person(new_id("19800101"))
    city.insure(local, "12")
    city.add("cross_region_return", AAC002=local, AAC003="张三", scheme="11", level="province")
    susp = city.person(new_id("19800101"))
    city.insure(susp, "12", "2")
    city.add("cross_region_return", AAC002=susp, AAC003="张三", scheme="12", level="national")
    soldier = city.person(new_id("20000101"), hukou_status="5")
    city.add("cross_region_return", AAC002=soldier, AAC003="张三", scheme="21", level="province")
    child = city.person(new_id("20150101"))
    city.add("cross_region_return", AAC002=child, AAC003="张三", scheme="12", level="province")
    city.add("cross_region_return", AAC002=child, AAC003="张三", scheme="30", level="national")

    def check(r: Result) -> None:
        assert r.statuses(local)[0] == "12"
        assert r.statuses(susp)[0] == "82"
        assert r.statuses(soldier)[:2] == ("93", "81")
        assert r.statuses(child)[0] == "81"
        assert r.statuses(child)[2] == "82"
        assert r.statuses(child)[3:] == ("95", "95")

    return check


# ---------------------------------------------------------------- rule 3


@golden
def rule_3_3_suspended_row_gives_94(city: City):
    """§3 rule 3: a row in the line with AAC031 = 2 → 94, in every line (for a non-employee's injury
    line too, since rule 3 comes before rule 5; for hukou 4 too, since it comes before rule 4)."""
    n = city.person(new_id("19800101"))
    for scheme in ("12", "23", "30", "40", "50"):
        city.insure(n, scheme, "2")
    abroad = city.person(new_id("19800101"), hukou_status="4")
    city.insure(abroad, "12", "2")

    def check(r: Result) -> None:
        assert r.statuses(n) == ("94", "94", "94", "94", "94")
        assert _rules(r, n) == (3, 3, 3, 3, 3)
        assert r.statuses(abroad) == ("94", "93", "93", "93", "93")

    return check


@golden
def rule_3_3_terminated_row_is_not_94(city: City):
    """§3 rule 3 is AAC031 = 2 only: a terminated row (3, no benefit) falls through to 91/95."""
    n = city.person(new_id("19800101"))
    city.insure(n, "12", "3")
    city.insure(n, "23", "3", AAC084="0")

    def check(r: Result) -> None:
        assert r.statuses(n) == ("91", "91", "95", "95", "95")
        assert _rules(r, n) == (7, 7, 5, 5, 5)

    return check


# ---------------------------------------------------------------- rule 4


@golden
def rule_3_4_hukou_4_5_6_gives_93(city: City):
    """§3 rule 4: hukou_status 4, 5 or 6 → 93 in every line without rules 1–3, before rule 5 (a child
    abroad gets 93 for pension, not 95) and before rule 6 (an employee gets 93, not 92)."""
    people = {s: city.person(new_id("19800101"), hukou_status=s) for s in ("4", "5", "6")}
    child = city.person(new_id("20150101"), hukou_status="4")
    worker = city.person(new_id("19800101"), hukou_status="6")
    _employ(city, worker)
    insured = city.person(new_id("19800101"), hukou_status="5")
    city.insure(insured, "23")
    normal = city.person(new_id("19800101"), hukou_status="1")

    def check(r: Result) -> None:
        for n in (*people.values(), child, worker):
            assert r.statuses(n) == ("93",) * 5, n
            assert _rules(r, n) == (4,) * 5
        assert r.statuses(insured) == ("93", "23", "93", "93", "93")
        assert r.statuses(normal) == ("91", "91", "95", "95", "95")

    return check


# ---------------------------------------------------------------- rule 5


@golden
def rule_3_5_pension_not_required_under_16(city: City):
    """§3 rule 5: pension 95 for age < 16; medical never 95 (a child without insurance is 91)."""
    child = city.person(new_id("20150101"))

    def check(r: Result) -> None:
        assert r.statuses(child) == ("95", "91", "95", "95", "95")
        assert _rules(r, child) == (5, 7, 5, 5, 5)

    return check


@golden
def rule_3_5_pension_not_required_for_students(city: City):
    """§3 rule 5: pension 95 for any person with a linked student row, whatever the age - even an
    employee (rule 5 comes before rule 6), while the student-employee's other lines are 92."""
    student = city.person(new_id("20040101"))
    city.add("student", AAC002=student, AAC003="张三", school="某大学", level="5")
    working = city.person(new_id("20000101"))
    city.add("student", AAC002=working, AAC003="张三", school="某大学", level="5")
    _employ(city, working)

    def check(r: Result) -> None:
        assert r.statuses(student) == ("95", "91", "95", "95", "95")
        assert r.statuses(working) == ("95", "92", "92", "92", "92")
        assert _rules(r, working) == (5, 6, 6, 6, 6)

    return check


@golden
def rule_3_5_medical_never_not_required(city: City):
    """§3 rule 5 "medical: never (basic medical covers everyone)": child, student, non-employee - all
    91 for medical without rows."""
    child = city.person(new_id("20200101"))
    student = city.person(new_id("20050101"))
    city.add("student", AAC002=student, AAC003="张三", school="某校", level="4")
    elder = city.person(new_id("19400101"))

    def check(r: Result) -> None:
        for n in (child, student, elder):
            assert r.statuses(n)[1] == "91"
            assert r.person(n)["AKC003_rule"] == 7

    return check


@golden
def rule_3_5_injury_unemployment_maternity_not_required_for_non_employees(city: City):
    """§3 rule 5: injury, unemployment, maternity → 95 when the person is not an employee (here a
    resident-scheme insured adult)."""
    n = city.person(new_id("19800101"))
    city.insure(n, "12")
    city.insure(n, "27")

    def check(r: Result) -> None:
        assert r.statuses(n) == ("12", "27", "95", "95", "95")
        assert _rules(r, n) == (1, 1, 5, 5, 5)

    return check


# ---------------------------------------------------------------- rule 6, employee


@golden
def rule_3_6_employee_by_open_employment_row_gives_92(city: City):
    """§3 rule 6: an employee (open-ended employment row, start ≤ D) without rows → 92 in every line,
    pension and medical included."""
    n = city.person(new_id("19800101"))
    _employ(city, n)

    def check(r: Result) -> None:
        assert r.statuses(n) == ("92",) * 5
        assert _rules(r, n) == (6,) * 5

    return check


@golden
def rule_3_6_employment_row_date_boundaries(city: City):
    """§3 Employee: start_date ≤ D and (no end_date or end_date ≥ D). Start on D and end on D count;
    start the day after D, or end the day before D, do not."""
    start_d = city.person(new_id("19800101"))
    _employ(city, start_d, start="20260930")
    end_d = city.person(new_id("19800101"))
    _employ(city, end_d, start="20200101", end="20260930")
    start_late = city.person(new_id("19800101"))
    _employ(city, start_late, start="20261001")
    ended = city.person(new_id("19800101"))
    _employ(city, ended, start="20200101", end="20260929")

    def check(r: Result) -> None:
        assert r.statuses(start_d) == ("92",) * 5
        assert r.statuses(end_d) == ("92",) * 5
        assert r.statuses(start_late) == ("91", "91", "95", "95", "95")
        assert r.statuses(ended) == ("91", "91", "95", "95", "95")

    return check


@golden
def rule_3_6_employee_by_active_11_13_21_with_unit(city: City):
    """§3 Employee: an active row of scheme 11, 13 or 21 with a non-empty AAB001 and AAC084 ≠ 1
    (empty or 0)."""
    e11 = city.person(new_id("19800101"))
    city.insure(e11, "11", AAB001="GE0003")
    e13 = city.person(new_id("19800101"))
    city.insure(e13, "13", AAB001="GE0003", AAC084="0")
    e21 = city.person(new_id("19800101"))
    city.insure(e21, "21", AAB001="GE0003")

    def check(r: Result) -> None:
        assert r.statuses(e11) == ("11", "92", "92", "92", "92")
        assert r.statuses(e13) == ("13", "92", "92", "92", "92")
        assert r.statuses(e21) == ("92", "21", "92", "92", "92")
        assert _rules(r, e21) == (6, 1, 6, 6, 6)

    return check


@golden
def rule_3_6_not_employees(city: City):
    """§3 Employee near-misses: a retiree (AAC084 = 1) with AAB001 is NOT an employee, even while
    AAC031 = 1; neither is an active 11 without AAB001 (individual), an active 12 with an AAB001 (12 is
    not an employee scheme), a suspended 11 with AAB001 (not active), or an ended employment row."""
    retiree = city.person(new_id("19550101"))
    city.insure(retiree, "11", "3", AAC084="1", AAB001="GE0004")
    retiree_paying = city.person(new_id("19550101"))
    city.insure(retiree_paying, "11", "1", AAC084="1", AAB001="GE0004")
    individual = city.person(new_id("19800101"))
    city.insure(individual, "11")
    resident = city.person(new_id("19800101"))
    city.insure(resident, "12", AAB001="GE0004")
    suspended = city.person(new_id("19800101"))
    city.insure(suspended, "11", "2", AAB001="GE0004")
    ended = city.person(new_id("19800101"))
    _employ(city, ended, start="20100101", end="20200101")

    def check(r: Result) -> None:
        assert r.statuses(retiree) == ("11", "91", "95", "95", "95")
        assert r.statuses(retiree_paying) == ("11", "91", "95", "95", "95")
        assert r.statuses(individual) == ("11", "91", "95", "95", "95")
        assert r.statuses(resident) == ("12", "91", "95", "95", "95")
        assert r.statuses(suspended) == ("94", "91", "95", "95", "95")
        assert r.statuses(ended) == ("91", "91", "95", "95", "95")

    return check


@golden
def rule_3_6_employee_by_employment_row_with_aab998_only(city: City):
    """§3 Employee via an employment row that names the employer by AAB998 only (exchange-format.md:
    "AAB998 or AAB001 (the employer)")."""
    n = city.person(new_id("19800101"))
    city.add("employment", AAC002=n, AAC003="张三", AAB998=new_credit_code(), start_date="20200101")
    city.insure(n, "12")

    def check(r: Result) -> None:
        assert r.statuses(n) == ("12", "92", "92", "92", "92")

    return check


# ---------------------------------------------------------------- rule 7 and the whole chain


@golden
def rule_3_7_otherwise_91(city: City):
    """§3 rule 7: an adult, non-student, non-employee, hukou 1, without any row → 91 for pension and
    medical (95 for the three employee lines by rule 5)."""
    n = city.person(new_id("19800101"))

    def check(r: Result) -> None:
        assert r.statuses(n) == ("91", "91", "95", "95", "95")
        assert _rules(r, n) == (7, 7, 5, 5, 5)

    return check


@golden
def rule_3_each_line_decided_independently(city: City):
    """§3 "For each person in P and each line, the first rule that applies": one employee with every
    rule 1–3 and 6 in a different line - pension active (1), medical cross-region (2), injury
    suspended (3), unemployment and maternity 92 (6). The group-2 variant shows the same rules apply
    to a non-local insured person."""
    n = city.person(new_id("19800101"))
    city.insure(n, "11", AAB001="GE0005")
    city.add("cross_region_return", AAC002=n, AAC003="张三", scheme="22", level="national")
    city.insure(n, "30", "2", AAB001="GE0005")
    g2 = new_id("19800101")
    city.insure(g2, "21", AAB001="GE0005")
    city.insure(g2, "40", "2", AAB001="GE0005")

    def check(r: Result) -> None:
        assert r.statuses(n) == ("11", "82", "94", "92", "92")
        assert _rules(r, n) == (1, 2, 3, 6, 6)
        assert r.person(g2)["population_group"] == 2
        assert r.statuses(g2) == ("92", "21", "92", "94", "92")

    return check


@golden
def rule_3_basis_is_the_row_that_decided(city: City):
    """status_basis (harness contract, not in the spec's text): the source rows that decided a status,
    checked where exactly one row decides - rule 1 the highest-priority active row, rule 2 the
    cross-region row, rule 3 the suspended row, rule 4 the register row, rule 6 the employment row."""
    n = city.person(new_id("19800101"), hukou_status="5")
    reg = last_line(city, "household_register")
    city.insure(n, "12")
    pension = last_line(city, "insurance")
    city.add("cross_region_return", AAC002=n, AAC003="张三", scheme="23", level="province")
    medical = last_line(city, "cross_region_return")
    city.insure(n, "30", "2")
    injury = last_line(city, "insurance")
    w = city.person(new_id("19800101"))
    _employ(city, w)
    job = last_line(city, "employment")
    city.insure(w, "50")
    maternity = last_line(city, "insurance")

    def check(r: Result) -> None:
        assert r.statuses(n) == ("12", "81", "94", "93", "93")
        assert r.basis(n, "pension") == [("insurance", pension)]
        assert r.basis(n, "medical") == [("cross_region_return", medical)]
        assert r.basis(n, "injury") == [("insurance", injury)]
        assert r.basis(n, "unemployment") == [("household_register", reg)]
        assert r.statuses(w) == ("92", "92", "92", "92", "50")
        assert r.basis(w, "injury") == [("employment", job)]
        assert r.basis(w, "maternity") == [("insurance", maternity)]

    return check
