"""Vectorised normalisation and validation of an extract, as DuckDB SQL over the raw text columns.

Python reads the file (it alone knows physical line numbers and every encoding); DuckDB then checks all
rows at once: a Python check per cell costs ~100 µs a row, which is ten minutes for a 10 M-person
register, while these expressions run at millions of rows a second.

The rules are those of exchange-format.md and cli.md, and must agree with the per-value validators
in canbao.engine.validate (tests/engine/test_sqlcheck.py compares them value by value):
- every value is trimmed of Unicode white space and has full-width digits and letters folded;
- a row's first failing column (in layout order) gives its reject: REQUIRED_MISSING, then TOO_LONG,
  then BAD_DATE / BAD_CODE; then UNKNOWN_AREA (register) and DUPLICATE_KEY (first row stands).
"""

from __future__ import annotations

from canbao.engine.codes import get_table
from canbao.engine.io.mapping import Mapping
from canbao.engine.kinds import Column, Kind

# Every character str.isspace() accepts (what str.strip() removes), so SQL and Python agree.
WHITE_SPACE = "".join(chr(c) for c in range(0x110000) if chr(c).isspace())
FULL_WIDTH = "".join(chr(c) for c in [*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B)])
HALF_WIDTH = "".join(chr(ord(c) - 0xFEE0) for c in FULL_WIDTH)
NAME_FOLD_FROM = "".join(chr(c) for c in range(0xFF01, 0xFF5F)) + "\u3000"
NAME_FOLD_TO = "".join(chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)) + " "
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def lit(value: str) -> str:
    """A SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


# The same characters as a RE2 class. translate() and trim() with long character lists cost ~2 µs a
# value in DuckDB, so each runs only on the rare values this cheap test says need it.
_WS_CLASS = r"[\t-\r\x1c-\x20\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}]"
_FW_CLASS = r"[\x{ff10}-\x{ff19}\x{ff21}-\x{ff3a}\x{ff41}-\x{ff5a}]"
_WS_CHARS = _WS_CLASS[1:-1]
_NAME_DROP = f"[{_WS_CHARS}·•・‧･.]"
_NAME_CLASS = f"[\\x{{ff01}}-\\x{{ff5e}}{_WS_CHARS}·•・‧･.]"


def normalise_sql(expr: str) -> str:
    folded = f"CASE WHEN regexp_matches({expr}, '{_FW_CLASS}') THEN translate({expr}, {lit(FULL_WIDTH)}, {lit(HALF_WIDTH)}) ELSE {expr} END"
    trimmed = f"CASE WHEN regexp_matches(_v, '^{_WS_CLASS}|{_WS_CLASS}$') THEN trim(_v, {lit(WHITE_SPACE)}) ELSE _v END"
    return f"NULLIF(({trimmed.replace('_v', f'({folded})')}), '')"


def name_key_sql(expr: str) -> str:
    """comparison-rules.md §1 name key (canbao.engine.validate.text.name_key)."""
    folded = f"translate({expr}, {lit(NAME_FOLD_FROM)}, {lit(NAME_FOLD_TO)})"
    stripped = f"regexp_replace({folded}, '{_NAME_DROP}', '', 'g')"
    return f"CASE WHEN regexp_matches({expr}, '{_NAME_CLASS}') THEN {stripped} ELSE {expr} END"


def id_body17_sql(s: str) -> str:
    """The first 17 characters of the 18-digit form, or NULL when the value cannot form one."""
    return (
        f"CASE WHEN regexp_full_match({s}, '[0-9]{{15}}') THEN substr({s}, 1, 6) || '19' || substr({s}, 7, 9) "
        f"WHEN regexp_full_match({s}, '[0-9]{{17}}[0-9X]') THEN substr({s}, 1, 17) END"
    )


def id_check_char_sql(body: str) -> str:
    total = " + ".join(f"CAST(substr({body}, {i + 1}, 1) AS INTEGER) * {w}" for i, w in enumerate(ID_WEIGHTS))
    return f"substr('10X98765432', (({total}) % 11) + 1, 1)"


def id_reason_sql(s: str, body: str, norm: str, check: str | None = None) -> str:
    """The GB 11643 reason code of check_id (as-of test excluded: made at comparison time)."""
    birth = f"substr({norm}, 7, 8)"
    check = check or id_check_char_sql(body)
    return (
        f"CASE WHEN NOT regexp_full_match({s}, '[0-9X]+') THEN 'BAD_CHARS' "
        f"WHEN length({s}) NOT IN (15, 18) THEN 'LENGTH' "
        f"WHEN {body} IS NULL THEN 'BAD_CHARS' "
        f"WHEN substr({norm}, 18, 1) <> {check} THEN 'CHECK_CHAR' "
        f"WHEN try_strptime({birth}, '%Y%m%d') IS NULL OR substr({birth}, 1, 4) = '0000' THEN 'BAD_DATE' "
        f"WHEN {birth} < '19000101' THEN 'BEFORE_1900' END"
    )


def credit_valid_sql(c: str) -> str:
    """GB 32100 check (canbao.engine.validate.creditcode.check_credit_code().valid)."""
    total = " + ".join(
        f"(instr({lit(CREDIT_CHARS)}, substr({c}, {i + 1}, 1)) - 1) * {w}"
        for i, w in enumerate(CREDIT_WEIGHTS)
    )
    check = f"substr({lit(CREDIT_CHARS)}, ((31 - (({total}) % 31)) % 31) + 1, 1)"
    return (
        f"(regexp_full_match({c}, '[{CREDIT_CHARS}]{{18}}') AND regexp_full_match(substr({c}, 3, 6), '[0-9]{{6}}') "
        f"AND substr({c}, 18, 1) = {check})"
    )


def date_sql(c: str, fmt: str | None) -> str:
    """The value as YYYYMMDD, or NULL when it is no date (the BAD_DATE test is `c IS NOT NULL AND … IS NULL`)."""
    if fmt:
        parsed = f"try_strptime({c}, {lit(fmt)})"
    else:
        parsed = (
            f"CASE WHEN regexp_full_match({c}, '[0-9]{{8}}') THEN try_strptime({c}, '%Y%m%d') "
            f"WHEN regexp_full_match({c}, '[0-9]{{4}}-[0-9]{{1,2}}-[0-9]{{1,2}}') THEN try_strptime({c}, '%Y-%m-%d') "
            f"WHEN regexp_full_match({c}, '[0-9]{{4}}/[0-9]{{1,2}}/[0-9]{{1,2}}') THEN try_strptime({c}, '%Y/%m/%d') END"
        )
    return f"CASE WHEN year({parsed}) >= 1 THEN strftime({parsed}, '%Y%m%d') END"


def division_ok_sql(c: str) -> str:
    """canbao.engine.validate.division.check_division_code().valid."""
    return (
        f"(regexp_full_match({c}, '[0-9]{{12}}') AND substr({c}, 1, 2) <> '00' "
        f"AND NOT (substr({c}, 3, 2) = '00' AND substr({c}, 5, 8) <> '00000000') "
        f"AND NOT (substr({c}, 7, 3) = '000' AND substr({c}, 10, 3) <> '000'))"
    )


def _label(col: Column) -> str:
    return f"{col.name_zh}（{col.code}）"


def _msg(col: Column, text_sql: str) -> str:
    return f"'第 ' || _line || ' 行 {_label(col)}：' || {text_sql}"


def build_normalise(kind: Kind, present: list[str], mapping: Mapping | None) -> str:
    """SELECT of `raw` giving canonical, normalised columns (NULL for empty)."""
    constants = mapping.constants if mapping else {}
    values = mapping.values if mapping else {}
    exprs = ["_line"]
    for col in kind.columns:
        if col.code in present:
            e = normalise_sql(f'"{col.code}"')
        elif col.code in constants:
            e = normalise_sql(lit(constants[col.code]))
        else:
            e = "CAST(NULL AS VARCHAR)"
        if col.code in values and values[col.code]:
            cases = " ".join(f"WHEN {lit(src)} THEN {lit(dst)}" for src, dst in values[col.code].items())
            e = f"CASE {e} {cases} ELSE {e} END"
        exprs.append(f"{e} AS {col.code}")
    return "SELECT " + ", ".join(exprs) + " FROM raw"


def build_errors(kind: Kind, mapping: Mapping | None, *, check_areas: bool) -> str:
    """SELECT over `norm`: each row's first error as 'column|REASON|message', NULL when none."""
    date_formats = mapping.dates if mapping else {}
    cases: list[str] = []
    for col in kind.columns:
        c = col.code
        if col.required:
            cases.append(
                f"WHEN {c} IS NULL THEN {lit(c)} || '|REQUIRED_MISSING|' || {_msg(col, lit('必填项为空'))}"
            )
        cases.append(
            f"WHEN length({c}) > {col.max_len} THEN {lit(c)} || '|TOO_LONG|' || "
            + _msg(col, f"'内容过长（' || length({c}) || ' 个字符，最多 {col.max_len}）'")
        )
        if col.type == "date":
            cases.append(
                f"WHEN {c} IS NOT NULL AND ({date_sql(c, date_formats.get(c))}) IS NULL THEN {lit(c)} || '|BAD_DATE|' || "
                + _msg(col, f"'日期“' || left({c}, 20) || '”无法识别'")
            )
        elif col.type == "code" and col.table:
            codes = ", ".join(lit(code) for code in get_table(col.table).codes)
            cases.append(
                f"WHEN {c} IS NOT NULL AND {c} NOT IN ({codes}) THEN {lit(c)} || '|BAD_CODE|' || "
                + _msg(col, f"'代码“' || left({c}, 20) || '”不在代码表中'")
            )
        elif col.type == "division":
            cases.append(
                f"WHEN {c} IS NOT NULL AND NOT {division_ok_sql(c)} THEN {lit(c)} || '|BAD_CODE|' || "
                + _msg(col, f"'“' || left({c}, 20) || '”不是有效的 12 位统计用区划代码'")
            )
    if check_areas:
        col = kind.column("AAB301")
        cases.append(
            "WHEN AAB301 NOT IN (SELECT code FROM known_areas) THEN 'AAB301|UNKNOWN_AREA|' || "
            + _msg(col, "AAB301 || ' 不在区划树中'")
        )
    return f"SELECT _line, CASE {' '.join(cases)} END AS error FROM norm"


def build_typed(kind: Kind, mapping: Mapping | None) -> str:
    """SELECT over the error-free rows of `norm`: canonical values plus the derived columns.

    The ID number's intermediate values are computed once each in a chain of CTEs; inlined, the
    17-term check sum would be evaluated three times a row.
    """
    date_formats = mapping.dates if mapping else {}
    has_id = "AAC002" in kind.codes and kind.column("AAC002").type == "id"
    exprs = ["_line"]
    for col in kind.columns:
        c = col.code
        if col.type == "date":
            exprs.append(f"{date_sql(c, date_formats.get(c))} AS {c}")
        elif col.type == "id":
            reason = id_reason_sql("_s", "_body", "_norm", "_chk")
            exprs += [
                f"_norm AS {c}",
                f"{c} AS AAC002_raw",
                f"({reason}) IS NULL AS id_valid",
                f"COALESCE({reason}, '') AS id_reason",
                "(length(_s) = 15 AND _body IS NOT NULL) AS id_converted",
            ]
        else:
            exprs.append(c)
    if "AAC003" in kind.codes:
        exprs.append(f"{name_key_sql('AAC003')} AS name_key")
    if "AAB998" in kind.codes:
        exprs.append(
            f"CASE WHEN AAB998 IS NULL THEN NULL ELSE {credit_valid_sql('upper(AAB998)')} END AS AAB998_valid"
        )
    base = "SELECT n.* FROM norm n JOIN errs e ON e._line = n._line WHERE e.error IS NULL"
    if not has_id:
        return f"WITH ok AS ({base}) SELECT {', '.join(exprs)} FROM ok"
    return (
        f"WITH ok AS ({base}), "
        "a AS (SELECT *, replace(AAC002, 'x', 'X') AS _s FROM ok), "
        f"b AS (SELECT *, {id_body17_sql('_s')} AS _body FROM a), "
        f"c AS (SELECT *, {id_check_char_sql('_body')} AS _chk FROM b), "
        "d AS (SELECT *, CASE WHEN length(_s) = 15 AND _body IS NOT NULL THEN _body || _chk ELSE _s END AS _norm FROM c) "
        f"SELECT {', '.join(exprs)} FROM d"
    )
