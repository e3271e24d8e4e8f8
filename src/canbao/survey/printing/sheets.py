"""What a village's printouts hold: one `PersonSheet` per person target, one `UnitSheet` per unit.

Everything here is already masked (ID numbers and phones come from the `*_masked` columns; nothing
is decrypted) and coded items carry their Chinese names, so the layouts only place text. A value
the registry does not hold stays empty: the surveyor fills that box at the door (INFO_MISSING).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from canbao.comparison.models import ComparisonRun
from canbao.divisions.models import Division
from canbao.engine.codes import code_name, get_table, insurance_lines
from canbao.registry.models import Person, Unit
from canbao.survey.models import STATE_NAMES, Campaign, Target

# The short-code tables the entry form accepts (survey/validation.py CODED): the printed boxes carry
# the same numbers, so what is ticked on paper is typed as it stands.
HUKOU_TABLE, IDENTITY_TABLE, UNINSURED_TABLE = "survey_hukou", "survey_identity", "uninsured_002"


@dataclass(frozen=True)
class Area:
    province: str = ""
    city: str = ""
    county: str = ""
    township: str = ""
    village: str = ""
    code: str = ""

    @classmethod
    def of(cls, village: Division) -> Area:
        names = {node.level: node.name for node in village.path()}
        return cls(names.get(1, ""), names.get(2, ""), names.get(3, ""), names.get(4, ""),
                   names.get(5, ""), village.code)  # fmt: skip

    @property
    def label(self) -> str:
        return " ".join(n for n in (self.county, self.township, self.village) if n) + f"（{self.code}）"


@dataclass(frozen=True)
class Status:
    line: str  # 养老保险 …
    code: str  # the 41号 status code, "" when the registry has none
    name: str


@dataclass
class PersonSheet:
    target_id: int | None
    name: str
    id_masked: str
    sex: str
    nation: str
    birth: str
    hukou: str  # AAC009 code
    hukou_place: str
    address: str
    phone_masked: str
    employer: str
    employment: str  # employment_status code (persons without an employer)
    identity: str  # AAC012 code
    uninsured: str  # unified uninsured_reason code
    statuses: list[Status] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)  # survey reasons, Chinese names
    team: str = ""
    state: str = ""

    @property
    def hukou_short(self) -> str:
        return short_code(HUKOU_TABLE, self.hukou)

    @property
    def identity_short(self) -> str:
        return short_code(IDENTITY_TABLE, self.identity)

    @property
    def hukou_name(self) -> str:
        return code_name("AAC009", self.hukou) or ""

    @property
    def identity_name(self) -> str:
        return code_name("AAC012", self.identity) or ""

    @property
    def employment_name(self) -> str:
        return code_name("employment_status", self.employment) or ""


@dataclass
class UnitSheet:
    target_id: int | None
    division: str  # 行政区划代码
    aab001: str
    aab998: str
    name: str
    kind: str  # AAB019 code
    address: str
    reasons: list[str] = field(default_factory=list)
    team: str = ""
    state: str = ""

    @property
    def kind_name(self) -> str:
        return code_name("AAB019", self.kind) or ""


@dataclass
class VillagePrint:
    area: Area
    campaign: Campaign | None
    run: ComparisonRun | None
    persons: list[PersonSheet]
    units: list[UnitSheet]

    @property
    def source_label(self) -> str:
        if self.campaign is not None:
            return f"入户调查“{self.campaign.name}”"
        return f"比对批次 #{self.run.pk}（{self.run.as_of}）" if self.run else ""


def short_code(table: str, code: str) -> str:
    """The paper form's short code for a registry code ("" when the form has no box for it)."""
    if not code:
        return ""
    for short, mapped in get_table(table).mapping.items():
        if mapped == code:
            return short
    return ""


def _reason_names(reasons: str, table: str) -> list[str]:
    return [code_name(table, r) or r for r in reasons.split(";") if r]


def person_sheet(person: Person, *, target: Target | None = None) -> PersonSheet:
    statuses = [
        Status(line.name_zh, code := getattr(person, line.status_column.lower()) or "",
               code_name(line.status_column, code) or "")
        for line in insurance_lines()
    ]  # fmt: skip
    return PersonSheet(
        target_id=target.pk if target else None,
        name=person.aac003,
        id_masked=person.aac002_masked,
        sex=code_name("AAC004", person.aac004) or "",
        nation=code_name("AAC005", person.aac005) or "",
        birth=person.aac006.strftime("%Y年%m月%d日") if person.aac006 else "",
        hukou=person.aac009,
        hukou_place=person.aac010,
        address=person.aae006,
        phone_masked=person.aae005_masked,
        employer=person.employer_name,
        employment=person.employment_status,
        identity=person.aac012,
        uninsured=person.uninsured_reason,
        statuses=statuses,
        reasons=_reason_names(target.reasons if target else person.survey_reasons, "survey_reason"),
        team=target.team.name if target and target.team else "",
        state=STATE_NAMES.get(target.state, "") if target else STATE_NAMES["pending"],
    )


def new_person_sheet(target: Target) -> PersonSheet:
    """A person met at the door: what the surveyors entered is all there is."""
    form = getattr(target, "form", None)
    data = form.data if form else {}
    return PersonSheet(
        target_id=target.pk, name=str(data.get("aac003", "")), id_masked=form.aac002_masked if form else "",
        sex=code_name("AAC004", data.get("aac004")) or "", nation="", birth=str(data.get("aac006", "")),
        hukou=str(data.get("aac009", "")), hukou_place=str(data.get("aac010", "")),
        address=str(data.get("aae006", "")), phone_masked=form.aae005_masked if form else "",
        employer=str(data.get("employer_name", "")), employment=str(data.get("employment_status", "")),
        identity=str(data.get("aac012", "")), uninsured=str(data.get("uninsured_reason", "")),
        statuses=[Status(line.name_zh, "", "") for line in insurance_lines()],
        reasons=["调查新增人员"], team=target.team.name if target.team else "",
        state=STATE_NAMES.get(target.state, ""),
    )  # fmt: skip


def unit_sheet(unit: Unit, *, target: Target | None = None) -> UnitSheet:
    return UnitSheet(
        target_id=target.pk if target else None,
        division=unit.placement_id or "",
        aab001=unit.aab001,
        aab998=unit.aab998,
        name=unit.aab004,
        kind=unit.aab019,
        address=unit.aae006,
        reasons=_reason_names(target.reasons if target else unit.survey_reasons, "unit_survey_reason"),
        team=target.team.name if target and target.team else "",
        state=STATE_NAMES.get(target.state, "") if target else STATE_NAMES["pending"],
    )


def name_key(name: str) -> bytes:
    """Sort key: GB18030 bytes put the 3 755 common characters (GB 2312 level 1) in pinyin order, as
    a village's paper lists are; rarer characters follow, in stroke order (level 2) or code order."""
    return name.encode("gb18030", errors="replace")


def _by_name(sheets: Iterable[PersonSheet]) -> list[PersonSheet]:
    return sorted(sheets, key=lambda s: (name_key(s.name), s.id_masked, s.target_id or 0))


def from_targets(targets: Iterable[Target], *, village: Division, campaign: Campaign) -> VillagePrint:
    """The current targets of a campaign in one village (the caller has scoped and filtered them)."""
    persons: list[PersonSheet] = []
    units: list[UnitSheet] = []
    for target in targets:
        if target.kind == "unit" and target.unit is not None:
            units.append(unit_sheet(target.unit, target=target))
        elif target.person is not None:
            persons.append(person_sheet(target.person, target=target))
        elif target.kind == "new_person":
            persons.append(new_person_sheet(target))
    units.sort(key=lambda u: (name_key(u.name), u.target_id or 0))
    return VillagePrint(Area.of(village), campaign, campaign.run, _by_name(persons), units)


def current_targets(campaign: Campaign, village: Division) -> Iterable[Target]:
    """Unscoped (the CLI operator): every target of the village not yet accepted."""
    return (
        Target.objects.filter(campaign=campaign, village=village).exclude(state="accepted")
        .select_related("person", "unit", "team", "form")
    )  # fmt: skip


def from_run(run: ComparisonRun, *, village: Division) -> VillagePrint:
    """No campaign yet: whom a campaign on `run` would target in the village (services.campaign_create)."""
    persons = Person.objects.filter(outcome=4, in_population=True, placement=village)
    units = sorted(
        Unit.objects.filter(needs_survey=True, placement=village), key=lambda u: name_key(u.aab004)
    )
    return VillagePrint(
        Area.of(village), None, run, _by_name(person_sheet(p) for p in persons),
        [unit_sheet(u) for u in units],
    )  # fmt: skip
