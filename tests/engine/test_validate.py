"""Validators of engine.validate. All numbers are synthetic (built with the check functions)."""

from __future__ import annotations

import datetime

import pytest

from canbao.engine.validate import (
    calc_check_char,
    calc_credit_check_char,
    check_credit_code,
    check_division_code,
    check_id,
    check_phone,
    convert_15_to_18,
    county_code6,
    division_prefix,
    lookup_region,
    name_key,
    normalise_text,
    parse_date,
)
from canbao.engine.validate.creditcode import ALPHABET

# The worked example of GB 11643 itself, not a person.
EXAMPLE = "11010519491231002X"


def make_id(first17: str) -> str:
    return first17 + calc_check_char(first17)


def mod11_2(first17: str) -> str:
    """Independent ISO 7064 MOD 11-2, to check calc_check_char against."""
    weights = [2 ** (17 - i) % 11 for i in range(17)]
    total = sum(int(d) * w for d, w in zip(first17, weights, strict=True))
    return "0123456789X"[(12 - total % 11) % 11]


def wrong_char(number: str) -> str:
    bad = "0" if number[-1] != "0" else "1"
    return number[:-1] + bad


# --- identity numbers -------------------------------------------------------------------------


def test_example_is_valid() -> None:
    r = check_id(EXAMPLE)
    assert r.valid and r.reason is None and r.message is None
    assert r.normalised == EXAMPLE
    assert r.birth_date == datetime.date(1949, 12, 31)
    assert r.sex == "2"  # 17th digit 2 is even
    assert r.region_code == "110105"
    assert r.region_name == "北京市朝阳区"
    assert r.region_note is None
    assert not r.converted_from_15


def test_lower_case_x_and_full_width_and_spaces() -> None:
    assert check_id(EXAMPLE.lower()).normalised == EXAMPLE
    full = "".join(chr(ord(c) + 0xFEE0) for c in EXAMPLE)
    r = check_id(f"\u3000 {full}\t")
    assert r.valid and r.normalised == EXAMPLE


def test_15_digit_converted() -> None:
    r = check_id("110105491231002")
    assert r.valid
    assert r.normalised == EXAMPLE
    assert r.converted_from_15
    assert convert_15_to_18("110105491231002") == EXAMPLE


def test_check_char_matches_independent_implementation() -> None:
    for first17 in ["11010519491231002", "51090220000229001", "44190019850101123", "00000000000000000"]:
        assert calc_check_char(first17) == mod11_2(first17)


def test_wrong_check_char() -> None:
    r = check_id("110105194912310021")
    assert not r.valid
    assert r.reason == "CHECK_CHAR"
    assert r.message == "校验码错误：应为 X，实为 1"
    assert r.normalised == "110105194912310021"  # formed, though invalid
    assert r.birth_date is None and r.sex is None  # nothing derived from an invalid number


def test_bad_date() -> None:
    number = make_id("11010519490230001")
    r = check_id(number)
    assert not r.valid and r.reason == "BAD_DATE"
    assert "19490230" in (r.message or "")
    assert r.normalised == number


def test_bad_date_in_15_digit_number() -> None:
    r = check_id("110105491331002")
    assert r.reason == "BAD_DATE" and r.converted_from_15
    assert r.normalised is not None and len(r.normalised) == 18


@pytest.mark.parametrize("value", ["11010519491231002", "1101051949123100211", "1234567890123456"])
def test_wrong_length(value: str) -> None:
    r = check_id(value)
    assert not r.valid and r.reason == "LENGTH" and r.normalised is None
    assert str(len(value)) in (r.message or "")


@pytest.mark.parametrize(
    "value", ["11010519491231002Y", "110105-19491231002X", "1101051949X231002X", "11010549123100X"]
)
def test_bad_chars(value: str) -> None:
    assert check_id(value).reason == "BAD_CHARS"


@pytest.mark.parametrize("value", ["", "   ", None])
def test_empty(value: str | None) -> None:
    r = check_id(value)  # type: ignore[arg-type]
    assert r.reason == "EMPTY" and not r.valid


def test_before_1900_and_boundary() -> None:
    assert check_id(make_id("11010518991231001")).reason == "BEFORE_1900"
    assert check_id(make_id("11010519000101001")).valid


def test_after_as_of() -> None:
    number = make_id("11010520200101001")
    assert check_id(number).valid
    assert check_id(number, as_of=datetime.date(2020, 1, 1)).valid  # born on D is fine
    r = check_id(number, as_of=datetime.date(2019, 12, 31))
    assert not r.valid and r.reason == "AFTER_AS_OF"


def test_leap_day() -> None:
    assert check_id(make_id("11010520000229001")).valid
    assert check_id(make_id("11010519000229001")).reason == "BAD_DATE"  # 1900 is not a leap year


def test_sex_from_17th_digit() -> None:
    assert check_id(make_id("11010519800101001")).sex == "1"
    assert check_id(make_id("11010519800101002")).sex == "2"


def test_abolished_region_noted_but_valid() -> None:
    r = check_id(make_id("11010319800101001"))  # 崇文区, merged into 东城区 in 2010
    assert r.valid
    assert r.region_name == "北京市崇文区"
    assert r.region_note is not None and "撤销" in r.region_note and "2010" in r.region_note


def test_unknown_region_noted_but_valid() -> None:
    r = check_id(make_id("99999919800101001"))
    assert r.valid
    assert r.region_name is None
    assert r.region_note is not None and "999999" in r.region_note


def test_calc_check_char_refuses_bad_input() -> None:
    with pytest.raises(ValueError):
        calc_check_char("1234")
    with pytest.raises(ValueError):
        convert_15_to_18("11010519491231002X")


# --- GB/T 2260 region names -----------------------------------------------------------------


def test_lookup_region() -> None:
    assert lookup_region("130102") is not None
    r = lookup_region("130102")
    assert r is not None and r.name == "河北省石家庄市长安区" and r.current
    assert lookup_region("130000").name == "河北省"  # type: ignore[union-attr]
    assert lookup_region("500236").name == "重庆市奉节县"  # type: ignore[union-attr]  # placeholder "县" left out
    renamed = lookup_region("120110")  # 东郊区 → 东丽区 in 1992: current, latest name
    assert renamed is not None and renamed.current and renamed.local_name == "东丽区"
    assert lookup_region("990000") is None
    assert lookup_region("12345") is None


# --- unified social credit codes -------------------------------------------------------------


def make_credit(first17: str) -> str:
    return first17 + calc_credit_check_char(first17)


def test_credit_code_valid_and_normalised() -> None:
    code = make_credit("91510900MA6200001")
    r = check_credit_code(code)
    assert r.valid and r.normalised == code and r.reason is None
    assert check_credit_code(f" {code.lower()} ").normalised == code
    # A code from an authority with a letter code (here N, 农业农村部门) is valid too.
    assert check_credit_code(make_credit("N2510900MA6200001")).valid


def test_credit_code_wrong_check_char() -> None:
    code = make_credit("91510900MA6200001")
    other = next(c for c in ALPHABET if c != code[-1])
    r = check_credit_code(code[:-1] + other)
    assert not r.valid and r.reason == "CHECK_CHAR"
    assert r.message == f"校验码错误：应为 {code[-1]}，实为 {other}"


def test_credit_check_char_known_value() -> None:
    # python-stdnum's documented example (GB 32100 weights), not checked through stdnum's validate.
    assert calc_credit_check_char("91110000600037341") == "L"


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("", "EMPTY"),
        ("91510900MA620000", "LENGTH"),
        ("91510900MA620000111", "LENGTH"),
        ("91510900MA6I00001X", "BAD_CHARS"),  # I is not in the alphabet
        ("91510900MA6O00001X", "BAD_CHARS"),
        ("91ABCDEFMA6200001X", "BAD_CHARS"),  # region part must be digits
    ],
)
def test_credit_code_rejects(value: str, reason: str) -> None:
    r = check_credit_code(value)
    assert not r.valid and r.reason == reason and r.message


# --- 12-digit division codes -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "level", "prefix"),
    [
        ("510000000000", 1, "51"),
        ("510900000000", 2, "5109"),
        ("510903000000", 3, "510903"),
        ("510903001000", 4, "510903001"),
        ("510903001201", 5, "510903001201"),
        ("441900003000", 4, "441900003"),  # town directly under a prefecture (县 part 00)
    ],
)
def test_division_levels(code: str, level: int, prefix: str) -> None:
    r = check_division_code(code)
    assert r.valid and r.level == level and r.prefix == prefix


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("", "EMPTY"),
        ("5109030012", "LENGTH"),
        ("51090300120A", "BAD_CHARS"),
        ("000000000000", "BAD_STRUCTURE"),
        ("510903000201", "BAD_STRUCTURE"),  # village without a town
        ("510003001000", "BAD_STRUCTURE"),  # county without a prefecture
    ],
)
def test_division_rejects(code: str, reason: str) -> None:
    r = check_division_code(code)
    assert not r.valid and r.reason == reason and r.message


def test_division_helpers() -> None:
    assert division_prefix("510903001201", 3) == "510903"
    assert division_prefix("510903001201", 4) == "510903001"
    assert county_code6("510903001201") == "510903"
    with pytest.raises(ValueError):
        division_prefix("510903001201", 6)


# --- phones ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "normalised", "kind"),
    [
        ("13800000000", "13800000000", "mobile"),
        ("+86 138 0000 0000", "13800000000", "mobile"),
        ("0086-13800000000", "13800000000", "mobile"),
        ("１３８００００００００", "13800000000", "mobile"),
        ("0825-2221234", "0825-2221234", "landline"),
        ("08252221234", "0825-2221234", "landline"),
        ("01088881234", "010-88881234", "landline"),
        ("028-88881234", "028-88881234", "landline"),
    ],
)
def test_phone_valid(value: str, normalised: str, kind: str) -> None:
    r = check_phone(value)
    assert r.valid and r.normalised == normalised and r.kind == kind


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("", "EMPTY"),
        ("12800000000", "FORMAT"),  # 1 then 2 is not a mobile prefix
        ("1380000000", "FORMAT"),
        ("138000000001", "FORMAT"),
        ("0825-12345", "FORMAT"),
        ("无", "BAD_CHARS"),
        ("138abc00000", "BAD_CHARS"),
    ],
)
def test_phone_invalid(value: str, reason: str) -> None:
    r = check_phone(value)
    assert not r.valid and r.reason == reason and r.message


# --- text ------------------------------------------------------------------------------------


def test_normalise_text() -> None:
    assert normalise_text("\u3000 ＡＢｃ１２３ \n") == "ABc123"
    assert normalise_text("遂宁市（船山区）") == "遂宁市（船山区）"  # other full-width kept
    assert normalise_text("a　b") == "a　b"  # inner space kept
    assert normalise_text(None) == ""


def test_name_key() -> None:
    assert name_key("阿依古丽·买买提") == name_key("阿依古丽买买提")
    assert name_key("阿依古丽・买买提") == name_key("阿依古丽•买买提") == name_key("阿依古丽．买买提")
    assert name_key(" 张\u3000三 ") == "张三"
    assert name_key("ＪＯＨＮ　ｓｍｉｔｈ") == "JOHNsmith"
    assert name_key("张三") != name_key("张叁")


@pytest.mark.parametrize("value", ["20160701", "2016-07-01", "2016/07/01", "2016/7/1", " ２０１６０７０１ "])
def test_parse_date(value: str) -> None:
    assert parse_date(value) == datetime.date(2016, 7, 1)


def test_parse_date_empty_and_errors() -> None:
    assert parse_date("") is None
    assert parse_date(None) is None
    for bad in ["2016-07/01", "2016.07.01", "16-7-1", "201607011", "2016年7月1日"]:
        with pytest.raises(ValueError, match="日期格式错误"):
            parse_date(bad)
    with pytest.raises(ValueError, match="日期无效"):
        parse_date("20190229")
