"""The vectorised SQL checks agree with the per-value Python validators, value by value."""

from __future__ import annotations

import random

import duckdb
import pytest

from canbao.engine.io import sqlcheck
from canbao.engine.validate.creditcode import calc_credit_check_char, check_credit_code
from canbao.engine.validate.division import check_division_code
from canbao.engine.validate.idnumber import calc_check_char, check_id
from canbao.engine.validate.text import name_key, normalise_text, parse_date


def _ids() -> list[str]:
    rng = random.Random(7)
    values = ["11010519491231002X", "11010519491231002x", "110105491231002", "110105194912310021", "11010519490230002X",
              "110105189912310020", "1101051949123100", "ABC", "11010519491231002X ", "１１０１０５１９４９１２３１００２Ｘ",
              "110105X94912310021", "11010549123100X", "000000000000000000", "110105000001010010"]  # fmt: skip
    for _ in range(400):
        body = f"{rng.randint(110000, 659999)}{rng.randint(1890, 2030)}{rng.randint(0, 13):02d}{rng.randint(0, 32):02d}{rng.randint(0, 999):03d}"
        check = calc_check_char(body) if rng.random() < 0.7 else rng.choice("0123456789X")
        values.append(body + check)
        values.append(body[:6] + body[8:15])  # a 15-digit form
    return values


def _credit_codes() -> list[str]:
    rng = random.Random(11)
    chars = sqlcheck.CREDIT_CHARS
    values = ["", "91320102MA1ABCDE1X", "9132010A2MA1ABCDE1", "91320102MA1ABCDEI1"]
    for _ in range(300):
        body = (
            rng.choice("159")
            + rng.choice("123")
            + f"{rng.randint(110000, 659999)}"
            + "".join(rng.choice(chars) for _ in range(9))
        )
        values.append(body + (calc_credit_check_char(body) if rng.random() < 0.7 else rng.choice(chars)))
    return values


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    return duckdb.connect()


def _sql(con: duckdb.DuckDBPyConnection, expr: str, values: list[str]) -> list[object]:
    con.execute("CREATE OR REPLACE TABLE v (i INTEGER, s VARCHAR)")
    con.executemany("INSERT INTO v VALUES (?, ?)", list(enumerate(values)))
    return [row[0] for row in con.execute(f"SELECT {expr} FROM v ORDER BY i").fetchall()]


TEXTS = [
    "  张三  ",
    "\u3000李四\u3000",
    "ＡＢＣ１２３",
    "ａｂ　",
    "\t\n",
    "",
    "x\u2003",
    "＃号",
    "Ａ．李",
    "王 五",
    "·",
    "阿依·古丽",
    "\xa0甲\xa0",
]


def test_normalise_matches_python(con: duckdb.DuckDBPyConnection) -> None:
    got = _sql(con, sqlcheck.normalise_sql("s"), TEXTS)
    assert got == [normalise_text(t) or None for t in TEXTS]


def test_name_key_matches_python(con: duckdb.DuckDBPyConnection) -> None:
    got = _sql(con, sqlcheck.name_key_sql("s"), TEXTS)
    assert got == [name_key(t) for t in TEXTS]


def test_id_checks_match_python(con: duckdb.DuckDBPyConnection) -> None:
    values = [normalise_text(v) for v in _ids()]
    s = "replace(s, 'x', 'X')"
    body = sqlcheck.id_body17_sql(s)
    norm = f"(CASE WHEN length({s}) = 15 AND {body} IS NOT NULL THEN {body} || {sqlcheck.id_check_char_sql(body)} ELSE {s} END)"
    reasons = _sql(con, f"COALESCE({sqlcheck.id_reason_sql(s, body, norm)}, '')", values)
    normalised = _sql(con, norm, values)
    for value, reason, number in zip(values, reasons, normalised, strict=True):
        check = check_id(value)
        assert reason == (check.reason or ""), value
        assert number == (check.normalised or value.upper()), value


def test_credit_code_validity_matches_python(con: duckdb.DuckDBPyConnection) -> None:
    values = _credit_codes()
    got = _sql(con, f"CASE WHEN s = '' THEN FALSE ELSE {sqlcheck.credit_valid_sql('upper(s)')} END", values)
    assert got == [check_credit_code(v).valid for v in values]


def test_dates_match_python(con: duckdb.DuckDBPyConnection) -> None:
    values = [
        "20260930",
        "2026-09-30",
        "2026/9/3",
        "2026-9/30",
        "20250229",
        "20240229",
        "2026093",
        "0000-01-01",
        "1900/01/01",
        "19491231",
        "abc",
        "2026.09.30",
    ]
    got = _sql(con, sqlcheck.date_sql("s", None), values)
    expected = []
    for v in values:
        try:
            d = parse_date(v)
            expected.append(d.strftime("%Y%m%d") if d else None)
        except ValueError:
            expected.append(None)
    assert got == expected


def test_division_codes_match_python(con: duckdb.DuckDBPyConnection) -> None:
    values = [
        "320102001001",
        "320100000000",
        "320000000000",
        "000000000000",
        "320002001001",
        "320102000001",
        "32010200100",
        "3201020010011",
        "32010200100A",
        "441900003001",
    ]
    got = _sql(con, sqlcheck.division_ok_sql("s"), values)
    assert got == [check_division_code(v).valid for v in values]
