"""Checking a survey form's items: the same rules on the phone (as they type) and on the server.

Input items are what the form of seeds/002 asks, with the short codes of seeds/000 附件7 where the
paper form uses them (户口性质 1-7, 个人身份 1-14) and the uninsured reasons of seeds/002; each short
code is stored mapped to its 41号 / unified code (engine/codes/data/survey.yaml). Returns the clean
items and, per item, a Chinese message.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from canbao.engine.codes import get_table
from canbao.engine.validate.creditcode import check_credit_code
from canbao.engine.validate.idnumber import check_id
from canbao.engine.validate.phone import check_phone
from canbao.engine.validate.text import normalise_text

TEXT_ITEMS = {"aac003": 50, "aac010": 150, "aae006": 150, "employer_name": 100, "note": 300}
# item → (short-code table on the form, the table its codes map to)
CODED = {
    "aac009": ("survey_hukou", "AAC009"),
    "aac012": ("survey_identity", "AAC012"),
    "uninsured_reason": ("uninsured_002", "uninsured_reason"),
}
SCHEMES = set(get_table("scheme").codes)


@dataclass
class Checked:
    items: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    aac002: str = ""  # normalised ID number (kept apart: stored encrypted)
    aae005: str = ""  # phone, likewise

    @property
    def ok(self) -> bool:
        return not self.errors


def check_form(raw: dict[str, Any], *, need_id: bool, today: dt.date | None = None) -> Checked:
    """`need_id`: a person met at the door must give an ID number; a listed target already has one."""
    out = Checked()
    value = normalise_text(str(raw.get("aac002") or ""))
    if value:
        check = check_id(value, today)
        if not check.valid:
            out.errors["aac002"] = check.message or "公民身份号码无效"
        else:
            out.aac002 = check.normalised or value
            out.items["aac004"] = check.sex or ""
            out.items["aac006"] = check.birth_date.isoformat() if check.birth_date else ""
    elif need_id:
        out.errors["aac002"] = "请填写公民身份号码"
    for item, limit in TEXT_ITEMS.items():
        text = normalise_text(str(raw.get(item) or ""))
        if len(text) > limit:
            out.errors[item] = f"不能超过 {limit} 个字"
        elif text:
            out.items[item] = text
    if need_id and not out.items.get("aac003"):
        out.errors["aac003"] = "请填写户籍姓名"
    sex = normalise_text(str(raw.get("aac004") or ""))
    if sex and "aac004" not in out.items:
        if sex not in ("1", "2"):
            out.errors["aac004"] = "性别应为 1（男）或 2（女）"
        else:
            out.items["aac004"] = sex
    for item, (short_table, _maps_to) in CODED.items():
        code = normalise_text(str(raw.get(item) or ""))
        if not code:
            continue
        table = get_table(short_table)
        if code not in table.codes:
            choices = "、".join(f"{k} {v}" for k, v in table.codes.items())
            out.errors[item] = f"代码 {code} 不在{table.name_zh}中（可填：{choices}）"
        else:
            out.items[item] = table.mapping[code]
    phone = normalise_text(str(raw.get("aae005") or ""))
    if phone:
        checked = check_phone(phone)
        if not checked.valid:
            out.errors["aae005"] = checked.message or "电话号码无效"
        else:
            out.aae005 = checked.normalised or phone
    status = normalise_text(str(raw.get("employment_status") or ""))
    employer = out.items.get("employer_name", "")
    if status and status not in get_table("employment_status").codes:
        out.errors["employment_status"] = (
            "就业状态应为 1 学龄前、2 在校学生、3 未就业、4 灵活就业、5 已办理离退休手续"
        )
    elif status and employer:
        out.errors["employment_status"] = "有工作单位的不填无单位人员的就业状态"
    elif status:
        out.items["employment_status"] = status
    credit = normalise_text(str(raw.get("employer_aab998") or "")).upper()
    if credit:
        if not check_credit_code(credit).valid:
            out.errors["employer_aab998"] = "统一社会信用代码无效"
        else:
            out.items["employer_aab998"] = credit
    schemes = raw.get("insured_schemes") or []
    if isinstance(schemes, str):
        schemes = [s for s in schemes.replace(",", " ").split() if s]
    bad = [s for s in schemes if str(s) not in SCHEMES]
    if bad:
        out.errors["insured_schemes"] = f"现参保情况代码无效：{'、'.join(map(str, bad))}"
    elif schemes:
        out.items["insured_schemes"] = sorted({str(s) for s in schemes})
    return out


def check_unit_form(raw: dict[str, Any]) -> Checked:
    """The unit items of seeds/002: 行政区划代码, 单位编号, 统一社会信用代码, 单位名称, 单位类型."""
    out = Checked()
    name = normalise_text(str(raw.get("aab004") or ""))
    if not name:
        out.errors["aab004"] = "请填写单位名称"
    elif len(name) > 100:
        out.errors["aab004"] = "不能超过 100 个字"
    else:
        out.items["aab004"] = name
    credit = normalise_text(str(raw.get("aab998") or "")).upper()
    if credit and not check_credit_code(credit).valid:
        out.errors["aab998"] = "统一社会信用代码无效"
    elif credit:
        out.items["aab998"] = credit
    for item, limit in (("aab001", 20), ("aae006", 150), ("note", 300)):
        text = normalise_text(str(raw.get(item) or ""))
        if len(text) > limit:
            out.errors[item] = f"不能超过 {limit} 个字"
        elif text:
            out.items[item] = text
    kind = normalise_text(str(raw.get("aab019") or ""))
    if kind:
        if kind not in get_table("AAB019").codes:
            out.errors["aab019"] = f"单位类型代码 {kind} 无效"
        else:
            out.items["aab019"] = kind
    return out
