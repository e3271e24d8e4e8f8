"""The files of the synthetic city and how a person's facts become their rows.

One entry per file: kind, format, encoding, header style. Several files may share a kind (the
register from two police branches, insurance from four business systems, cross-region returns from
the province and the ministry). Column order is the canonical one of engine.kinds.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from ..kinds import KINDS
from .faults import FULL_WIDTH, INVALID_KINDS, Faults
from .geography import Geography
from .ids import to15, ymd
from .model import SYSTEM_OF_SCHEME, Person
from .names import person_name
from .people import Ctx

_SYSTEM_PREFIX = {"zhigong": "1", "jumin": "2", "gsy": "3", "jiguan": "4"}
_SYSTEM_FILE = {
    "zhigong": "insurance_zhigong.csv",
    "jumin": "insurance_jumin.parquet",
    "gsy": "insurance_gsy.csv",
    "jiguan": "insurance_jiguan.csv",
}


@dataclass(frozen=True)
class FileSpec:
    name: str
    kind: str
    format: str  # csv | xlsx | parquet
    encoding: str | None
    source: str  # the department or business system, in Chinese
    header: str = "code"  # code | name_zh
    extra: tuple[str, ...] = ()  # columns outside the layout (import keeps and ignores them)
    newline: str = "\n"

    def header_row(self) -> list[str]:
        cols = KINDS[self.kind].columns
        head = [c.name_zh if self.header == "name_zh" else c.code for c in cols]
        return head + list(self.extra)


FILES: tuple[FileSpec, ...] = (
    FileSpec("divisions.csv", "divisions", "csv", "utf-8", "行政区划（民政）"),
    # The first county's police branch exports from an old Windows system: GB18030 with CRLF.
    FileSpec(
        "household_register_1.csv",
        "household_register",
        "csv",
        "gb18030",
        "公安户籍人口（第一县区）",
        newline="\r\n",
    ),
    FileSpec(
        "household_register_2.csv",
        "household_register",
        "csv",
        "utf-8",
        "公安户籍人口（其余县区）",
        extra=("AAB402",),
    ),
    FileSpec("insurance_zhigong.csv", "insurance", "csv", "utf-8", "城镇职工养老医疗保险业务系统"),
    FileSpec("insurance_jumin.parquet", "insurance", "parquet", None, "城乡居民养老医疗保险业务系统"),
    FileSpec("insurance_gsy.csv", "insurance", "csv", "utf-8", "工伤失业生育保险业务系统"),
    FileSpec("insurance_jiguan.csv", "insurance", "csv", "utf-8", "机关事业单位养老及其他保障业务系统"),
    FileSpec("death.xlsx", "death", "xlsx", None, "死亡/火化（民政、公安、卫健）"),
    FileSpec("student.csv", "student", "csv", "utf-8-sig", "在校学生学籍（教育）"),
    FileSpec("employment.csv", "employment", "csv", "utf-8", "就业登记/劳动合同（人社）"),
    FileSpec("residence.csv", "residence", "csv", "utf-8", "居住证/流动人口（公安）", header="name_zh"),
    FileSpec("unit.csv", "unit", "csv", "utf-8", "用人单位（市场监管、编办、民政、社保）"),
    FileSpec("cross_region_province.csv", "cross_region_return", "csv", "utf-8", "跨地区比对结果（省级）"),
    FileSpec("cross_region_national.csv", "cross_region_return", "csv", "utf-8", "跨地区比对结果（全国）"),
)
BY_NAME = {f.name: f for f in FILES}


def register_file(geo: Geography, p: Person) -> str:
    assert p.village is not None
    return (
        "household_register_1.csv"
        if p.village.code[:6] == geo.counties[0].code6
        else "household_register_2.csv"
    )


class Renderer:
    """Turns persons into rows, file by file, applying the value faults as it goes."""

    def __init__(self, ctx: Ctx, faults: Faults, insured_units: set[int], job_units: set[int]) -> None:
        self.ctx = ctx
        self.f = faults
        self.insured_units = insured_units
        self.job_units = job_units

    def person(self, rng: random.Random, p: Person, out: dict[str, list[list[str]]], duplicate: bool) -> None:
        F, units = self.f, self.ctx.units
        if p.local:
            self.register(rng, p, out[register_file(self.ctx.geo, p)], duplicate)
        if p.case == "values_full_width_and_padded" and p.ins:  # the phone too, and a padded name
            r = p.ins[0]
            r.phone, r.name = r.phone.translate(FULL_WIDTH), F.pad(rng, r.name or p.name)
            F.count["phone_full_width"] += 1
            F.count["value_white_space"] += 1
        for r in p.ins:
            system = SYSTEM_OF_SCHEME[r.scheme]
            aab001 = aab004 = ""
            if r.unit >= 0:
                aab001, aab004 = units.ident(r.unit)
                if aab001:
                    self.insured_units.add(r.unit)
            # The work-injury system leaves AAC084 empty rather than "0".
            c084 = "1" if r.c084 else ("" if system == "gsy" else "0")
            out[_SYSTEM_FILE[system]].append(
                [
                    F.pid(rng, p.pid),
                    F.name(rng, r.name if r.name is not None else p.name),
                    str(r.scheme),
                    str(r.c031),
                    c084,
                    aab001,
                    aab004,
                    r.area,
                    ymd(r.since),
                    F.phone(rng, r.phone),
                    f"{_SYSTEM_PREFIX[system]}{p.idx:011d}",
                ]
            )
        for d in p.deaths:
            out["death.xlsx"].append([F.pid(rng, p.pid), F.name(rng, p.name), F.date(rng, d, 0.15, 0.05)])
        if p.school:
            name = p.school_name if p.school_name is not None else p.name
            out["student.csv"].append([F.pid(rng, p.pid), F.name(rng, name), p.school[0], p.school[1]])
        for j in p.jobs:
            self.job_units.add(j.unit)
            aab998 = units.aab998(j.unit) if j.ref in ("998", "both") else ""
            aab001 = units.aab001(j.unit) if j.ref in ("001", "both") else ""
            out["employment.csv"].append(
                [
                    F.pid(rng, p.pid),
                    F.name(rng, j.name if j.name is not None else p.name),
                    aab998,
                    aab001,
                    units.name(j.unit),
                    F.date(rng, j.start, 0.05),
                    F.date(rng, j.end, 0.05),
                ]
            )
        for res in p.res:
            out["residence.csv"].append(
                [
                    F.pid(rng, p.pid),
                    F.name(rng, res.name if res.name is not None else p.name),
                    res.address,
                    res.village.code,
                    F.date(rng, res.since, 0.0, 0.10),
                ]
            )
        for c in p.cross:
            out[f"cross_region_{c.level}.csv"].append(
                [
                    F.pid(rng, p.pid),
                    p.name if c.name is None else c.name,
                    str(c.scheme),
                    c.area,
                    c.level,
                    c.phone,
                ]
            )

    def register(self, rng: random.Random, p: Person, rows: list[list[str]], duplicate: bool) -> None:
        F = self.f
        assert p.village is not None
        pid = p.pid
        if p.case == "id_15_digit_in_register":
            pid = to15(pid)
            F.count["id_15_digit"] += 1
        elif p.case == "id_check_x" and pid.endswith("X"):
            pid = pid[:17] + "x"
            F.count["id_lower_x"] += 1
        elif p.case == "values_full_width_and_padded":
            pid = F.pad(rng, pid.translate(FULL_WIDTH))
            F.count["id_full_width"] += 1
            F.count["value_white_space"] += 1
        else:
            pid = F.pid(rng, pid)
        sex = p.reg_sex if p.reg_sex is not None else ("1" if p.male else "2")
        birth = p.reg_birth if p.reg_birth is not None else pid_birth(p)
        if p.reg_birth is None and rng.random() < 0.01:
            birth = f"{birth[:4]}-{birth[4:6]}-{birth[6:]}"
            F.count["date_yyyy_mm_dd"] += 1
        hk = str(p.hk)
        if p.hk == 1 and rng.random() < 0.03:
            hk = ""  # empty means 1 (正常)
            F.count["hukou_status_empty"] += 1
        row = [
            pid,
            F.name(rng, p.name),
            sex,
            p.eth,
            birth,
            p.aac009,
            p.aac010,
            p.village.code,
            p.aae006,
            p.aab401,
            hk,
        ]
        if p.village.code[:6] != self.ctx.geo.counties[0].code6:
            row.append(p.aab401[:5] + f"{p.idx % 100000:05d}")  # AAB402, a column outside the layout
        rows.append(row)
        if duplicate:  # the same person again, as if registered twice; import keeps the first
            again = list(row)
            again[0] = p.pid
            again[8] = self.ctx.geo.address(rng, p.village)
            rows.append(again)
            F.count["register_duplicate"] += 1
            F.rejects[register_file(self.ctx.geo, p)]["DUPLICATE_KEY"] += 1


def pid_birth(p: Person) -> str:
    return p.pid[6:14]


# -- phantom rows ----------------------------------------------------------------------------


class Phantoms:
    """Rows belonging to no generated person: invalid ID numbers, and rows import must reject."""

    # file -> (column index, reason, replacement value) of the rejected rows it gets
    REJECTS: dict[str, tuple[tuple[int, str, str], ...]] = {
        "household_register_1.csv": ((1, "REQUIRED_MISSING", ""), (7, "UNKNOWN_AREA", "?")),
        "household_register_2.csv": (
            (0, "REQUIRED_MISSING", ""),
            (7, "REQUIRED_MISSING", ""),
            (7, "UNKNOWN_AREA", "?"),
            (10, "BAD_CODE", "7"),
            (8, "TOO_LONG", "!"),
        ),
        "insurance_zhigong.csv": ((3, "REQUIRED_MISSING", ""), (2, "BAD_CODE", "99")),
        "insurance_jumin.parquet": ((2, "REQUIRED_MISSING", ""),),
        "insurance_gsy.csv": ((0, "REQUIRED_MISSING", ""),),
        "death.xlsx": ((2, "REQUIRED_MISSING", ""), (2, "BAD_DATE", "!")),
        "student.csv": ((1, "REQUIRED_MISSING", ""),),
        "employment.csv": ((5, "REQUIRED_MISSING", ""), (5, "BAD_DATE", "!")),
        "residence.csv": ((3, "REQUIRED_MISSING", ""), (4, "REQUIRED_MISSING", "")),
        "cross_region_national.csv": ((4, "REQUIRED_MISSING", ""),),
    }
    INVALID_IN = (
        "household_register_1.csv",
        "household_register_2.csv",
        "insurance_zhigong.csv",
        "insurance_jumin.parquet",
        "death.xlsx",
        "student.csv",
        "employment.csv",
        "residence.csv",
        "cross_region_national.csv",
    )

    def __init__(self, ctx: Ctx, faults: Faults) -> None:
        self.ctx = ctx
        self.f = faults

    def add(self, rng: random.Random, n: int, out: dict[str, list[list[str]]]) -> None:
        k = max(1, round(0.0001 * n))
        for fi, file in enumerate(self.INVALID_IN):
            for i in range(k):
                how = INVALID_KINDS[(i + fi) % len(INVALID_KINDS)]
                self._insert(rng, out[file], self.row(rng, file, self.f.invalid_pid(self.ctx, rng, how), out))
                self.f.count[f"id_invalid:{how}"] += 1
                self.f.unlinked[BY_NAME[file].kind] += 1
        for file, variants in self.REJECTS.items():
            for col, reason, value in variants:
                for _ in range(k):
                    row = self.row(rng, file, self.f.phantom_pid(self.ctx, rng), out)
                    if value == "?":
                        value_now = self.ctx.geo.unknown_area
                    elif value == "!":
                        value_now = "20250230" if reason == "BAD_DATE" else "长" * 160
                    else:
                        value_now = value
                    row[col] = value_now
                    self._insert(rng, out[file], row)
                    self.f.rejects[file][reason] += 1
                    self.f.count[f"rejected:{reason}"] += 1

    @staticmethod
    def _insert(rng: random.Random, rows: list[list[str]], row: list[str]) -> None:
        rows.insert(rng.randrange(len(rows) + 1), row)

    def row(self, rng: random.Random, file: str, pid: str, out: dict[str, list[list[str]]]) -> list[str]:
        ctx, geo = self.ctx, self.ctx.geo
        kind = BY_NAME[file].kind
        male = rng.random() < 0.5
        name = names_for(rng, male)
        recent = ymd(ctx.days_ago(rng, 30, 3000))
        if kind == "household_register":
            county = geo.counties[0] if file.endswith("_1.csv") else rng.choice(geo.counties[1:])
            village = geo.pick_village_in(rng, county)
            row = [pid, name, "1" if male else "2", "01", "", "21", county.code6, village.code]
            row += [geo.address(rng, village), f"{village.code[4:9]}{rng.randrange(10**5):05d}", "1"]
            return row + ([""] if file.endswith("_2.csv") else [])
        if kind == "insurance":
            scheme = "12" if "jumin" in file else "11"
            area = rng.choice(geo.counties).code6
            return [pid, name, scheme, "1", "0", "", "", area, recent, ctx.phone(rng), ""]
        if kind == "death":
            return [pid, name, recent]
        if kind == "student":
            return [pid, name, "市第二中学", "4"]
        if kind == "employment":
            # The employer of a real row in this chunk, so phantoms never change which units exist.
            real = out[file][rng.randrange(len(out[file]))] if out[file] else ["", "", "", "", ""]
            return [pid, name, real[2], real[3], real[4], recent, ""]
        if kind == "residence":
            village = geo.pick_village(rng)
            return [pid, name, geo.address(rng, village), village.code, recent]
        return [pid, name, "11", rng.choice(geo.elsewhere_national), "national", ctx.phone(rng)]


def names_for(rng: random.Random, male: bool) -> str:
    return person_name(rng, male, "01")
