"""Code tables of engine.codes: contents checked against the seeds and specs they cite."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from canbao.engine.codes import (
    CodeTable,
    code_name,
    get_table,
    insurance_lines,
    is_valid_code,
    line_of_scheme,
    load_tables,
    map_short_code,
    short_code_kinds,
)

STATUS_TABLES = ["AIC003", "AKC003", "ALC003", "AJC003", "AMC003"]
COMMON_STATUS = {
    "81": "省内异地参保",
    "82": "省外异地参保",
    "91": "个人未参保",
    "92": "单位未予参保",
    "93": "参军、出国、判刑等其他原因未参保",
    "94": "中断",
    "95": "不需参加该险种",
}
SEEDS = Path("/work/shared/seeds")


def test_load_is_cached_and_complete() -> None:
    tables = load_tables()
    assert load_tables() is tables
    expected = {
        *STATUS_TABLES,
        "AAB019",
        "AAC012",
        "AAC009",
        "AAC004",
        "AAC005",
        "hukou_status",
        "AAC031",
        "AAC084",
        "scheme",
        "insurance_line",
        "cross_region_level",
        "outcome",
        "flag",
        "survey_reason",
        "unit_survey_reason",
        "unlinked_reason",
        "population_group",
        "student_level",
        "division_level",
        "reject_reason",
        "uninsured_reason",
        "survey_hukou",
        "survey_identity",
        "survey_uninsured",
        "employment_status",
        "uninsured_002",
        "uninsured_003",
    }
    assert expected <= set(tables)
    for table in tables.values():
        assert isinstance(table, CodeTable)
        assert table.name_zh and table.source and table.codes
        assert all(isinstance(c, str) and isinstance(n, str) and n for c, n in table.codes.items())


def test_every_source_cites_a_seed_or_spec_or_standard() -> None:
    for table in load_tables().values():
        assert re.search(r"seeds/00\d_|spec/|GB", table.source), table.key


def test_seed_citations_name_existing_files() -> None:
    if not SEEDS.exists():
        pytest.skip("seeds not available")
    for table in load_tables().values():
        for name in re.findall(r"seeds/(\S+\.txt)", table.source):
            assert (SEEDS / name).exists(), (table.key, name)


def test_aab019() -> None:
    t = get_table("AAB019")
    assert len(t.codes) == 21
    assert t.codes["10"] == "企业"
    assert t.codes["55"] == "全额拨款事业单位"
    assert t.codes["81"] == "个体工商户(有雇工的)"
    assert t.codes["96"] == "城市居民委员会"
    assert "20" not in t.codes and "92" not in t.codes


def test_aac012() -> None:
    t = get_table("AAC012")
    assert list(t.codes) == [
        "11",
        "12",
        "13",
        "17",
        "21",
        "24",
        "27",
        "31",
        "37",
        "51",
        "54",
        "70",
        "80",
        "90",
    ]
    assert t.codes["80"] == "退(离)休人员"


def test_aac009() -> None:
    t = get_table("AAC009")
    assert len(t.codes) == 17
    assert t.codes["21"] == "本地农业户口(本地农村)"
    assert t.codes["34"] == "华侨"
    assert t.codes["42"] == "取得永久居留权的外国人"
    assert t.codes["52"] == "外地居民户口"


@pytest.mark.parametrize(
    ("key", "own"),
    [
        ("AIC003", {"11", "12", "13", "14", "15"}),
        ("AKC003", {"21", "22", "23", "24", "25", "26", "27"}),
        ("ALC003", {"30"}),
        ("AJC003", {"40"}),
        ("AMC003", {"50"}),
    ],
)
def test_status_tables(key: str, own: set[str]) -> None:
    t = get_table(key)
    assert set(t.codes) == own | set(COMMON_STATUS)
    for code, name in COMMON_STATUS.items():
        assert t.codes[code] == name
    assert all(t.codes[c].startswith("已参加") for c in own)


def test_status_codes_match_schemes() -> None:
    # Every scheme code is the "已参加…" code of its line's status table, and nothing else is.
    for line in insurance_lines():
        status = get_table(line.status_column)
        enrolled = {c for c in status.codes if c not in COMMON_STATUS}
        assert set(line.schemes) == enrolled
        for scheme in line.schemes:
            assert line_of_scheme(scheme) == line.key
    assert set(get_table("scheme").codes) == {s for line in insurance_lines() for s in line.schemes}


def test_insurance_lines() -> None:
    lines = insurance_lines()
    assert [ln.key for ln in lines] == ["pension", "medical", "injury", "unemployment", "maternity"]
    assert [ln.status_column for ln in lines] == STATUS_TABLES
    assert lines[1].schemes == ("21", "22", "23", "24", "25", "26", "27")
    assert line_of_scheme("99") is None


def test_gender_and_ethnicity() -> None:
    assert get_table("AAC004").codes == {"0": "未知的性别", "1": "男", "2": "女", "9": "未说明的性别"}
    eth = get_table("AAC005").codes
    assert len(eth) == 58
    assert [f"{i:02d}" for i in range(1, 57)] + ["97", "98"] == list(eth)
    assert eth["01"] == "汉族" and eth["05"] == "维吾尔族" and eth["56"] == "基诺族"
    assert eth["98"] == "外国血统中国籍人士"
    assert is_valid_code("AAC005", "01") and not is_valid_code("AAC005", "1")


def test_spec_tables() -> None:
    assert get_table("hukou_status").codes["4"] == "出国(境)定居"
    assert list(get_table("hukou_status").codes) == ["1", "2", "3", "4", "5", "6"]
    assert get_table("AAC031").codes == {"1": "参保缴费", "2": "暂停缴费", "3": "终止缴费"}
    assert get_table("outcome").codes["5"] == "已核实入库"
    assert list(get_table("outcome").codes) == ["1", "2", "3", "4", "5"]
    assert list(get_table("population_group").codes) == ["1", "2", "3", "4"]
    assert get_table("student_level").codes["4"] == "高中/中职"
    assert get_table("division_level").codes["5"] == "村(社区)"
    assert list(get_table("reject_reason").codes) == [
        "REQUIRED_MISSING",
        "BAD_DATE",
        "BAD_CODE",
        "DUPLICATE_KEY",
        "UNKNOWN_AREA",
        "TOO_LONG",
    ]
    assert list(get_table("unit_survey_reason").codes) == ["NO_INSURANCE", "ID_INVALID"]
    assert get_table("cross_region_level").attrs["province"]["status"] == "81"
    assert get_table("cross_region_level").attrs["national"]["status"] == "82"


def test_flag_and_reason_order() -> None:
    flags = get_table("flag")
    assert list(flags.codes) == [
        "DUP_PENSION",
        "DUP_MEDICAL",
        "DUP_BENEFIT_PENSION",
        "DUP_BENEFIT_MEDICAL",
        "NAME_MISMATCH",
        "BIRTH_MISMATCH",
        "SEX_MISMATCH",
        "NONLOCAL",
        "SURVEY_CONFLICT",
    ]
    assert flags.ordered(["NONLOCAL", "DUP_MEDICAL", "NONLOCAL", "DUP_PENSION"]) == [
        "DUP_PENSION",
        "DUP_MEDICAL",
        "NONLOCAL",
    ]
    with pytest.raises(KeyError):
        flags.ordered(["NOPE"])
    assert list(get_table("survey_reason").codes) == [
        "UNINSURED",
        "PARTIAL",
        "INTERRUPTED",
        "SPECIAL",
        "INFO_MISSING",
        "INFO_MISMATCH",
    ]


def test_code_name_and_is_valid_code() -> None:
    assert code_name("AAC009", "34") == "华侨"
    assert code_name("AAC009", " ３４ ") == "华侨"  # values are read the way import reads them
    assert code_name("AAC009", "35") is None
    assert code_name("AAC009", None) is None
    assert is_valid_code("scheme", "27")
    assert not is_valid_code("scheme", "28")
    assert not is_valid_code("scheme", None)
    with pytest.raises(KeyError):
        code_name("NO_SUCH_TABLE", "1")


# --- survey short codes ----------------------------------------------------------------------


def test_short_code_kinds() -> None:
    assert set(short_code_kinds()) == {
        "survey_hukou",
        "survey_identity",
        "survey_uninsured",
        "uninsured_002",
        "uninsured_003",
    }


@pytest.mark.parametrize(
    "kind", ["survey_hukou", "survey_identity", "survey_uninsured", "uninsured_002", "uninsured_003"]
)
def test_every_short_code_maps_to_an_existing_code(kind: str) -> None:
    table = get_table(kind)
    target = get_table(table.maps_to or "")
    assert set(table.mapping) == set(table.codes)
    for short in table.codes:
        assert map_short_code(kind, short) in target.codes


def test_survey_hukou() -> None:
    t = get_table("survey_hukou")
    assert t.maps_to == "AAC009"
    assert list(t.codes) == [str(i) for i in range(1, 8)]
    assert [map_short_code("survey_hukou", str(i)) for i in range(1, 8)] == [
        "11",
        "12",
        "21",
        "22",
        "30",
        "34",
        "40",
    ]


def test_survey_identity_one_to_one() -> None:
    t = get_table("survey_identity")
    assert t.maps_to == "AAC012"
    assert list(t.codes) == [str(i) for i in range(1, 15)]
    # The 14 short codes are the 14 AAC012 codes, in order.
    assert [map_short_code("survey_identity", str(i)) for i in range(1, 15)] == list(
        get_table("AAC012").codes
    )
    assert map_short_code("survey_identity", "2") == "12"  # 参公人员
    assert map_short_code("survey_identity", "13") == "80"  # 离退休人员


def test_survey_uninsured_000() -> None:
    t = get_table("survey_uninsured")
    assert t.maps_to == "uninsured_reason"
    assert list(t.codes) == [str(i) for i in range(1, 10)]
    assert t.codes["5"] == "不了解政策" and t.codes["8"] == "无缴费能力"
    # The status-like short codes land on reasons carrying the matching 41号 status.
    reasons = get_table("uninsured_reason")
    expected_status = {"1": "81", "2": "82", "3": "91", "4": "92", "6": "93", "7": "94", "9": "95"}
    for short, status in expected_status.items():
        assert reasons.attrs[map_short_code("survey_uninsured", short)]["status"] == status


def test_uninsured_reason_statuses_exist() -> None:
    reasons = get_table("uninsured_reason")
    for code, attrs in reasons.attrs.items():
        if "status" in attrs:
            assert attrs["status"] in get_table("AIC003").codes, code


def test_every_unified_reason_is_used() -> None:
    used = {
        map_short_code(kind, short)
        for kind in ["survey_uninsured", "uninsured_002", "uninsured_003"]
        for short in get_table(kind).codes
    }
    assert used == set(get_table("uninsured_reason").codes)


def test_the_three_sources_meet_in_the_unified_table() -> None:
    # The same situation written three ways lands on one code.
    assert map_short_code("survey_uninsured", "8") == map_short_code(
        "uninsured_003", "12"
    )  # 无缴费能力 / 无力缴费
    assert map_short_code("uninsured_002", "5") == map_short_code("uninsured_003", "2")  # 参军 / 部队服役
    assert map_short_code("uninsured_002", "8") == map_short_code("uninsured_003", "3")  # 判刑 / 服刑
    assert map_short_code("uninsured_002", "10") == map_short_code("uninsured_003", "10")  # 联系不上
    assert map_short_code("uninsured_002", "3") == map_short_code("survey_uninsured", "4")  # 单位未予参保
    assert map_short_code("uninsured_002", "92") == map_short_code("uninsured_002", "3")  # 填写说明 code


def test_source_lists_kept() -> None:
    t002 = get_table("uninsured_002")
    assert len([c for c in t002.codes if int(c) <= 12]) == 12
    assert t002.codes["6"] == "部队建账的随军家属"
    t003 = get_table("uninsured_003")
    assert len(t003.codes) == 13
    assert t003.codes["5"] == "空挂户" and t003.codes["13"] == "暂无参保意愿"
    emp = get_table("employment_status")
    assert emp.codes == {
        "1": "学龄前",
        "2": "在校学生",
        "3": "未就业",
        "4": "灵活就业",
        "5": "已办理离退休手续或已领取养老待遇",
    }


def test_map_short_code_errors() -> None:
    assert map_short_code("survey_hukou", " ７ ") == "40"
    with pytest.raises(KeyError):
        map_short_code("survey_hukou", "8")
    with pytest.raises(KeyError):
        map_short_code("AAC009", "10")  # not a short-code table
    with pytest.raises(KeyError):
        map_short_code("nope", "1")


def test_seed_texts_contain_the_short_code_names() -> None:
    # The short-code names are copied from the seeds: each must appear there verbatim.
    if not SEEDS.exists():
        pytest.skip("seeds not available")
    text = {
        name: (SEEDS / name).read_text(encoding="utf-8") for name in [p.name for p in SEEDS.glob("*.txt")]
    }
    # (survey_hukou is left out: the seed's table breaks 本地/城市 over two lines.)
    keys = [*STATUS_TABLES, "AAB019", "AAC012", "AAC009", "survey_identity", "survey_uninsured"]
    for key in [*keys, "employment_status", "uninsured_002", "uninsured_003"]:
        table = get_table(key)
        seed = next(name for name in text if name in table.source)
        for name in table.codes.values():
            assert name in text[seed], (key, name)
