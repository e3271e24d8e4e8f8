"""The canonical source kinds of exchange-format.md, as data.

One `Kind` per source extract: its columns with indicator code, Chinese item name, whether required,
and how the value is read (text, date, code table, ID number). Import, the synthetic city and the
engine all read these definitions, so a column is described once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Column:
    code: str  # canonical header (indicator code or lower-case name), as written in exchange files
    name_zh: str  # the Chinese item name, also accepted as a header
    required: bool = False
    type: str = "text"  # text | date | code | id | credit | division | phone
    table: str | None = None  # code table key (engine.codes) when type == "code"
    max_len: int = 200  # longer values are rejected with TOO_LONG


@dataclass(frozen=True)
class Kind:
    key: str
    name_zh: str
    columns: tuple[Column, ...]
    key_columns: tuple[str, ...] = ()  # a second row with the same key is DUPLICATE_KEY
    notes: str = ""

    def column(self, code: str) -> Column:
        for col in self.columns:
            if col.code == code:
                return col
        raise KeyError(code)

    @property
    def codes(self) -> list[str]:
        return [c.code for c in self.columns]

    @property
    def required(self) -> list[str]:
        return [c.code for c in self.columns if c.required]


def _c(code: str, name: str, required: bool = False, **kw: Any) -> Column:
    return Column(code, name, required, **kw)


ID: dict[str, Any] = {"type": "id", "max_len": 30}
NAME: dict[str, Any] = {"max_len": 50}

KINDS: dict[str, Kind] = {
    k.key: k
    for k in [
        Kind(
            "divisions",
            "行政区划",
            (
                _c("AAB301", "行政区划代码", True, type="division", max_len=12),
                _c("name", "名称", True, max_len=100),
                _c("level", "级别", True, type="code", table="division_level", max_len=1),
                _c("parent", "上级代码", type="division", max_len=12),
            ),
            key_columns=("AAB301",),
        ),
        Kind(
            "household_register",
            "公安户籍人口",
            (
                _c("AAC002", "公民身份号码", True, **ID),
                _c("AAC003", "姓名", True, **NAME),
                _c("AAC004", "性别", type="code", table="AAC004", max_len=1),
                _c("AAC005", "民族", type="code", table="AAC005", max_len=2),
                _c("AAC006", "出生日期", type="date", max_len=30),
                _c("AAC009", "户口性质", type="code", table="AAC009", max_len=2),
                _c("AAC010", "户口所在地", max_len=150),
                _c("AAB301", "行政区划代码", True, type="division", max_len=12),
                _c("AAE006", "常住所在地地址", max_len=150),
                _c("AAB401", "户口簿编号", max_len=20),
                _c("hukou_status", "户口状态", type="code", table="hukou_status", max_len=1),
            ),
            key_columns=("AAC002",),
        ),
        Kind(
            "insurance",
            "社会保险业务系统参保记录",
            (
                _c("AAC002", "公民身份号码", True, **ID),
                _c("AAC003", "姓名", True, **NAME),
                _c("scheme", "险种类型", True, type="code", table="scheme", max_len=2),
                _c("AAC031", "参保缴费状态", True, type="code", table="AAC031", max_len=1),
                _c("AAC084", "待遇享受状态", type="code", table="AAC084", max_len=1),
                _c("AAB001", "单位编号", max_len=20),
                _c("AAB004", "单位名称", max_len=100),
                _c("AAB301", "参保地行政区划", max_len=12),
                _c("AAC030", "参保日期", type="date", max_len=30),
                _c("AAE005", "联系电话", type="phone", max_len=30),
                _c("AAC001", "人员编号", max_len=20),
            ),
        ),
        Kind(
            "death",
            "死亡/火化",
            (
                _c("AAC002", "公民身份号码", True, **ID),
                _c("AAC003", "姓名", True, **NAME),
                _c("death_date", "死亡日期", True, type="date", max_len=30),
            ),
        ),
        Kind(
            "student",
            "在校学生学籍",
            (
                _c("AAC002", "公民身份号码", True, **ID),
                _c("AAC003", "姓名", True, **NAME),
                _c("school", "学校名称", max_len=100),
                _c("level", "学段", type="code", table="student_level", max_len=1),
            ),
        ),
        Kind(
            "employment",
            "就业登记/用工备案/劳动合同",
            (
                _c("AAC002", "公民身份号码", True, **ID),
                _c("AAC003", "姓名", True, **NAME),
                _c("AAB998", "统一社会信用代码", max_len=30),
                _c("AAB001", "单位编号", max_len=20),
                _c("AAB004", "单位名称", max_len=100),
                _c("start_date", "开始日期", True, type="date", max_len=30),
                _c("end_date", "结束日期", type="date", max_len=30),
            ),
        ),
        Kind(
            "residence",
            "居住证/流动人口",
            (
                _c("AAC002", "公民身份号码", True, **ID),
                _c("AAC003", "姓名", True, **NAME),
                _c("AAE006", "常住所在地地址", max_len=150),
                _c("AAB301", "行政区划代码", True, type="division", max_len=12),
                _c("since_date", "居住起始日期", True, type="date", max_len=30),
            ),
        ),
        Kind(
            "unit",
            "用人单位",
            (
                _c("AAB998", "统一社会信用代码", True, max_len=30),
                _c("AAB004", "单位名称", True, max_len=100),
                _c("AAB019", "单位类型", type="code", table="AAB019", max_len=2),
                _c("AAB301", "行政区划代码", max_len=12),
                _c("AAE006", "地址", max_len=150),
                _c("AAB001", "单位编号", max_len=20),
            ),
        ),
        Kind(
            "cross_region_return",
            "跨地区比对结果",
            (
                _c("AAC002", "公民身份号码", True, **ID),
                _c("AAC003", "姓名", **NAME),
                _c("scheme", "险种类型", True, type="code", table="scheme", max_len=2),
                _c("AAB301", "参保地行政区划", max_len=12),
                _c("level", "比对层级", True, type="code", table="cross_region_level", max_len=10),
                _c("AAE005", "联系电话", type="phone", max_len=30),
            ),
        ),
    ]
}


# The order a city's extracts are imported in: the tree first (the register is checked against it).
IMPORT_ORDER = tuple(KINDS)


def get_kind(key: str) -> Kind:
    try:
        return KINDS[key]
    except KeyError:
        raise KeyError(f"未知的数据类别 {key}（可用：{'、'.join(KINDS)}）") from None
