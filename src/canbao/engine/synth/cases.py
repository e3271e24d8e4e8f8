"""Deliberate cases: one per rule, branch and near miss of comparison-rules.md (builders.py makes them).

Every chunk holds a few persons of each case (at least one, whatever the chunk size), so even a city
of a few thousand persons exercises every rule. Each case states its *intent* (the population group,
a status, a flag that must or must not be set, …); the generator checks the intent against
expect.evaluate and reports it in the manifest, so a builder that drifts from its rule is caught.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import builders as b
from .builders import Builder


@dataclass(frozen=True)
class Case:
    key: str
    rate: float  # share of persons per chunk (at least one per chunk)
    build: Builder
    group: int | None = None
    dead: bool | None = None
    deceased_active: bool | None = None
    status: dict[str, str] = field(default_factory=dict)
    flags: frozenset[str] = frozenset()
    no_flags: frozenset[str] = frozenset()
    reasons: frozenset[str] = frozenset()


F = frozenset
R = 0.0002  # the default share: 10 persons in a chunk of 50,000
CASES: tuple[Case, ...] = (
    # population and death (§2)
    Case("dead_death_row_and_hk2", R, b.dead("both"), dead=True),
    Case("dead_death_row_only", R, b.dead("row"), dead=True),
    Case("dead_hukou_status_2_only", R, b.dead("hk2"), dead=True),
    Case("dead_two_death_rows", R, b.dead("two_rows"), dead=True),
    Case("deceased_active_benefit", R, b.deceased("benefit"), dead=True, deceased_active=True),
    Case("deceased_active_enrolled_after_death", R, b.deceased("after"), dead=True, deceased_active=True),
    Case("deceased_near_enrolled_before_death", R, b.deceased("before"), dead=True, deceased_active=False),
    Case("deceased_near_enrolled_on_death_day", R, b.deceased("same_day"), dead=True, deceased_active=False),
    Case("deceased_near_hk2_only_paying", R, b.deceased("hk2_active"), dead=True, deceased_active=False),
    Case("deceased_active_hk2_only_benefit", R, b.deceased("hk2_benefit"), dead=True, deceased_active=True),
    Case("deceased_active_nonlocal", R, b.deceased("nonlocal"), dead=True, deceased_active=True),
    Case("death_date_after_as_of", R, b.deceased("future"), group=1, dead=False, status={"AIC003": "11"}),
    Case("g2_moved_out_insured", R, b.group("moved_out"), group=2, flags=F({"NONLOCAL"})),
    Case("g2_nonlocal_with_residence", R, b.group("resident_insured"), group=2),
    Case("g2_placed_latest_area", R, b.group("two_areas"), group=2),
    Case("g2_placed_smallest_area_on_tie", R, b.group("same_day_areas"), group=2),
    Case("g2_city_level_agency", R, b.group("city_level"), group=2),
    Case("g3_resident_uninsured", R, b.group("resident"), group=3, reasons=F({"UNINSURED"})),
    Case("g3_since_exactly_one_year", R, b.group("boundary"), group=3),
    Case("g3_terminated_rows_only", R, b.group("terminated"), group=3, status={"AIC003": "91"}),
    Case("g3_suspended", R, b.group("suspended"), group=3, status={"AIC003": "94"}),
    Case(
        "g3_employee_of_uninsured_unit",
        R,
        b.group("uninsured_employee"),
        group=3,
        status={"AIC003": "92", "ALC003": "92"},
    ),
    Case("g3_moved_out_resident", R, b.group("moved_out_res"), group=3),
    Case("not_p_residence_under_one_year", R, b.group("short"), group=0),
    Case("not_p_inactive_rows_only", R, b.group("inactive"), group=0),
    Case("not_p_moved_out", R, b.group("moved_out_none"), group=0),
    # pension line (§3)
    Case(
        "pension_13_over_11",
        R,
        b.rows((13, 1, 0), (11, 1, 0), unit=True, other_county=True),
        group=1,
        status={"AIC003": "13"},
        flags=F({"DUP_PENSION"}),
    ),
    Case(
        "pension_11_over_12",
        R,
        b.rows((11, 1, 0), (12, 1, 0), unit=True),
        group=1,
        status={"AIC003": "11"},
        flags=F({"DUP_PENSION"}),
    ),
    Case(
        "pension_12_over_14",
        R,
        b.rows((12, 1, 0), (14, 1, 0)),
        status={"AIC003": "12"},
        no_flags=F({"DUP_PENSION"}),
    ),
    Case("pension_14_only", R, b.rows((14, 1, 0), (27, 1, 0), age=(45, 59)), status={"AIC003": "14"}),
    Case("pension_15_only", R, b.rows((15, 1, 0), (27, 1, 0)), status={"AIC003": "15"}),
    Case("cross_province", R, b.cross(("province",)), status={"AIC003": "81"}),
    Case("cross_national", R, b.cross(("national",)), status={"AIC003": "82"}),
    Case("cross_province_and_national", R, b.cross(("national", "province")), status={"AIC003": "81"}),
    Case(
        "cross_over_suspended",
        R,
        b.cross(("national",), local=((11, 2, 0), (27, 1, 0))),
        status={"AIC003": "82"},
    ),
    Case(
        "cross_not_over_local",
        R,
        b.cross(("province",), local=((12, 1, 0), (27, 1, 0))),
        status={"AIC003": "12"},
    ),
    Case(
        "suspended_94",
        R * 3,
        b.rows((11, 2, 0), (21, 2, 0)),
        status={"AIC003": "94", "AKC003": "94"},
        reasons=F({"INTERRUPTED"}),
    ),
    Case(
        "hukou_abroad_93",
        R,
        b.hk(4),
        group=1,
        status={"AIC003": "93", "AKC003": "93", "ALC003": "93"},
        reasons=F({"SPECIAL"}),
    ),
    Case("hukou_military_93", R, b.hk(5), group=1, status={"AIC003": "93"}),
    Case("hukou_prison_93", R, b.hk(6), group=1, status={"AIC003": "93"}),
    Case("hukou_prison_suspended_94", R, b.hk(6, suspended=True), status={"AIC003": "94", "AKC003": "93"}),
    Case("age_15_not_required", R, b.age(16, True), status={"AIC003": "95", "AKC003": "27"}),
    Case("age_16_required", R, b.age(16, False), status={"AIC003": "91"}),
    Case("adult_student_not_required", R, b.age(20, False, student=True), status={"AIC003": "95"}),
    Case("student_insured", R, b.age(19, False, student=True, rows=(12, 27)), status={"AIC003": "12"}),
    Case("child_medical_never_95", R, b.age(8, False, rows=()), status={"AKC003": "91", "AIC003": "95"}),
    Case("birthday_29_february", R, b.feb29),
    # medical line
    Case(
        "medical_21_over_27",
        R,
        b.rows((21, 1, 0), (27, 1, 0), unit=True),
        status={"AKC003": "21"},
        flags=F({"DUP_MEDICAL"}),
    ),
    Case(
        "medical_24_over_27",
        R,
        b.rows((24, 1, 0), (27, 1, 0)),
        status={"AKC003": "24"},
        flags=F({"DUP_MEDICAL"}),
    ),
    Case(
        "medical_27_over_22",
        R,
        b.rows((22, 1, 0), (27, 1, 0)),
        status={"AKC003": "27"},
        flags=F({"DUP_MEDICAL"}),
    ),
    Case("medical_22_only", R, b.rows((22, 1, 0)), status={"AKC003": "22"}),
    Case("medical_23_only", R, b.rows((23, 1, 0)), status={"AKC003": "23"}),
    Case("medical_25_only", R, b.rows((25, 1, 0)), status={"AKC003": "25"}),
    Case("medical_26_only", R, b.rows((26, 1, 0)), status={"AKC003": "26"}),
    Case(
        "medical_21_and_26_no_dup",
        R,
        b.rows((21, 1, 0), (26, 1, 0)),
        status={"AKC003": "21"},
        no_flags=F({"DUP_MEDICAL"}),
    ),
    Case(
        "medical_27_with_suspended_21",
        R,
        b.rows((21, 2, 0), (27, 1, 0)),
        status={"AKC003": "27"},
        no_flags=F({"DUP_MEDICAL"}),
    ),
    Case("medical_cross_national", R, b.cross(("national",), (21,), ((12, 1, 0),)), status={"AKC003": "82"}),
    # employees: work injury, unemployment, maternity
    Case(
        "employee_unit_without_insurance",
        R,
        b.job_case("no_insurance"),
        status={"AIC003": "92", "ALC003": "92", "AMC003": "92"},
    ),
    Case("employee_unit_not_si_registered", R, b.job_case("not_si"), status={"ALC003": "92"}),
    Case("employee_unit_not_in_unit_extract", R, b.job_case("unregistered"), status={"AJC003": "92"}),
    Case("employee_unit_bad_credit_code", R, b.job_case("bad_code"), status={"ALC003": "30"}),
    Case(
        "employee_partial_92",
        R,
        b.job_case("partial"),
        status={"ALC003": "30", "AJC003": "92", "AMC003": "92"},
        reasons=F({"PARTIAL"}),
    ),
    Case(
        "employee_via_insurance_row", R, b.job_case("via_insurance"), status={"AIC003": "11", "ALC003": "92"}
    ),
    Case("employment_ended", R, b.job_case("ended"), status={"AIC003": "91", "ALC003": "95"}),
    Case("employment_ends_on_as_of", R, b.job_case("ends_today"), status={"AIC003": "92", "ALC003": "92"}),
    Case("employment_starts_after_as_of", R, b.job_case("future"), status={"AIC003": "91", "ALC003": "95"}),
    Case(
        "retiree_with_unit_not_employee",
        R,
        b.job_case("retiree_unit"),
        status={"AIC003": "11", "ALC003": "95"},
    ),
    Case("retiree_paying_not_employee", R, b.job_case("retiree_paying"), status={"ALC003": "95"}),
    Case("cross_injury_81", R, b.job_case("cross_injury"), status={"ALC003": "81", "AJC003": "92"}),
    # flags (§4)
    Case(
        "dup_pension_11_two_counties",
        R,
        b.rows((11, 1, 0), (11, 1, 0), unit=True, other_county=True),
        flags=F({"DUP_PENSION"}),
    ),
    Case(
        "dup_pension_near_same_pair",
        R,
        b.rows((11, 1, 0), (11, 1, 0), unit=True),
        no_flags=F({"DUP_PENSION"}),
    ),
    Case(
        "dup_pension_near_terminated",
        R,
        b.rows((11, 1, 0), (12, 3, 0), unit=True),
        no_flags=F({"DUP_PENSION"}),
    ),
    Case(
        "dup_benefit_pension_11_12",
        R,
        b.rows((11, 3, 1), (12, 3, 1), age=(62, 80)),
        flags=F({"DUP_BENEFIT_PENSION", "DUP_PENSION"}),
    ),
    Case(
        "dup_benefit_pension_11_14",
        R,
        b.rows((11, 3, 1), (14, 3, 1), age=(62, 80)),
        flags=F({"DUP_BENEFIT_PENSION"}),
        no_flags=F({"DUP_PENSION"}),
    ),
    Case(
        "dup_benefit_pension_12_two_counties",
        R,
        b.rows((12, 3, 1), (12, 3, 1), age=(62, 80), other_county=True),
        flags=F({"DUP_BENEFIT_PENSION", "DUP_PENSION"}),
    ),
    Case(
        "dup_benefit_medical_21_27",
        R,
        b.rows((21, 3, 1), (27, 3, 1), age=(62, 80)),
        flags=F({"DUP_BENEFIT_MEDICAL", "DUP_MEDICAL"}),
    ),
    Case("name_variants_not_mismatch", R * 2, b.name_case("variant"), no_flags=F({"NAME_MISMATCH"})),
    Case("name_dot_variants_not_mismatch", R, b.name_case("dot_variant"), no_flags=F({"NAME_MISMATCH"})),
    Case(
        "name_mismatch_insurance",
        R,
        b.name_case("mismatch_ins"),
        flags=F({"NAME_MISMATCH"}),
        reasons=F({"INFO_MISMATCH"}),
    ),
    Case("name_mismatch_employment", R, b.name_case("mismatch_job"), flags=F({"NAME_MISMATCH"})),
    Case("name_mismatch_cross_region", R, b.name_case("mismatch_cross"), flags=F({"NAME_MISMATCH"})),
    Case("name_empty_not_compared", R, b.name_case("cross_no_name"), no_flags=F({"NAME_MISMATCH"})),
    Case("birth_mismatch", R, b.register("birth"), flags=F({"BIRTH_MISMATCH"})),
    Case("sex_mismatch", R, b.register("sex"), flags=F({"SEX_MISMATCH"})),
    Case("register_sex_birth_empty", R, b.register("derive"), no_flags=F({"SEX_MISMATCH", "BIRTH_MISMATCH"})),
    # completeness (§5)
    Case("missing_address", R * 2, b.register("no_aae006"), reasons=F({"INFO_MISSING"})),
    Case("missing_hukou_place", R, b.register("no_aac010"), reasons=F({"INFO_MISSING"})),
    Case("missing_phone", R * 2, b.register("no_phone"), reasons=F({"INFO_MISSING"})),
    Case("phone_from_cross_region", R, b.register("phone_cross"), no_flags=F({"NAME_MISMATCH"})),
    Case("hukou_place_as_name", R, b.register("aac010_name")),
    # identity numbers written in other forms (render faults need a person to carry them)
    Case("id_check_x", R, b.lower_x),
    Case("values_full_width_and_padded", R, b.register("phone"), no_flags=F({"NAME_MISMATCH"})),
    Case("id_15_digit_in_register", R * 3, b.born_1900s),
)
