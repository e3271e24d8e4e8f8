"""The steps of comparison-rules.md, each one SELECT in DuckDB's dialect.

One definition per step: the DuckDB backend runs the text as written, the Spark backend runs it
transpiled by sqlglot. The SQL therefore keeps to what both engines share (window functions, CASE,
COALESCE, SUBSTRING, CONCAT_WS, LEFT JOIN … IS NULL for anti-joins) and takes every parameter from the
rules configuration, never from code paths.

Inputs (registered by the pipeline): one table per source kind in its staged layout plus `_file`
(the file's order among the kind's files) and `_as_of` (YYYYMMDD); `survey_result`; `divisions`;
`scheme_lines(scheme, line, priority)`; `lines(line, position)`. Empty values are '' in the staged
files: the `v_*` views turn them into NULL once, so every later step tests IS NULL.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from canbao.engine.compare.config import LINES, LineRule, RulesConfig
from canbao.engine.kinds import KINDS

PERSON_KINDS = (
    "household_register",
    "insurance",
    "death",
    "student",
    "employment",
    "residence",
    "cross_region_return",
)
# Kinds whose rows carry a name compared with the register's (death rows: the dead are never in P).
NAMED_KINDS = ("household_register", "insurance", "student", "employment", "residence", "cross_region_return")
FLAG_ORDER = (
    "DUP_PENSION", "DUP_MEDICAL", "DUP_BENEFIT_PENSION", "DUP_BENEFIT_MEDICAL",
    "NAME_MISMATCH", "BIRTH_MISMATCH", "SEX_MISMATCH", "NONLOCAL", "SURVEY_CONFLICT",
)  # fmt: skip
REASON_ORDER = ("UNINSURED", "PARTIAL", "INTERRUPTED", "SPECIAL", "INFO_MISSING", "INFO_MISMATCH")
SCHEME_CODES = ("11", "12", "13", "14", "15", "21", "22", "23", "24", "25", "26", "27", "30", "40", "50")
# Ranks in the order of the output's strings: status_basis is sorted on numbers, not on its strings.
LINE_RANK = {key: rank for rank, key in enumerate(sorted(LINES))}
KIND_RANK = {
    kind: rank
    for rank, kind in enumerate(
        sorted(("insurance", "cross_region_return", "household_register", "student", "employment"))
    )
}


# Steps read once, or cheap to recompute, stay views: the engine then plans them into the step that
# reads them instead of writing and re-reading a table. Steps read by several later steps are tables.
VIEW_STEPS = frozenset(
    {f"v_{k}" for k in (*PERSON_KINDS, "unit")}
    | {
        "facts",
        "status_long",
        "name_pick",
        "items_extract",
        "name_mismatch",
        "unit_seen",
        "unit_carried",
        "ins",
        # The outputs: read once, ordered, by the pipeline.
        "persons",
        "status_basis",
        "deceased_active",
        "unlinked",
        "units",
    }
)


@dataclass(frozen=True)
class Step:
    name: str
    sql: str

    @property
    def materialize(self) -> bool:
        return self.name not in VIEW_STEPS


def _codes(values: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    for v in values:
        if not v.replace("_", "").isalnum():
            raise ValueError(f"规则参数不合法：{v!r}")
    return tuple(values)


def _q(values: tuple[str, ...] | list[str]) -> str:
    for v in values:
        if not v.replace("_", "").isalnum():
            raise ValueError(f"规则参数不合法：{v!r}")
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


def _row_key(alias: str = "") -> str:
    """One number per source row, ordered as (file, line): line numbers stay far below 10^10."""
    return f"(CAST({alias}_file AS BIGINT) * 10000000000 + {alias}_line)"


def person_key(col: str = "AAC002") -> str:
    """The person key of a valid ID number: its first 17 digits as a BIGINT. The 18th character is a
    check digit of the 17, so distinct valid numbers have distinct keys, and the keys sort as the
    numbers do. Joins, aggregates and sorts on it are several times cheaper than on the 18-character
    string, which DuckDB cannot keep inline."""
    return f"CAST(SUBSTRING({col}, 1, 17) AS BIGINT)"


def _id_of(pid: str) -> str:
    """The ID number back from its key (GB 11643: the check digit of the 17 weighted digits)."""
    digits = f"LPAD(CAST({pid} AS VARCHAR), 17, '0')"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = " + ".join(
        f"CAST(SUBSTRING({digits}, {i + 1}, 1) AS INTEGER) * {w}" for i, w in enumerate(weights)
    )
    return f"CONCAT({digits}, SUBSTRING('10X98765432', (({total}) % 11) + 1, 1))"


def _key_range(pkey: str, pid_range: tuple[int | None, int | None]) -> str:
    """WHERE clause keeping the survey rows whose person key is in the range (those without an ID
    number, whose keys are negative, in the first range)."""
    lo, hi = pid_range
    key = f"CASE WHEN {pkey} LIKE '#%' THEN -1 ELSE {person_key(pkey)} END"
    terms = ([f"{key} >= {int(lo)}"] if lo is not None else []) + (
        [f"{key} < {int(hi)}"] if hi is not None else []
    )
    return f" WHERE {' AND '.join(terms)}" if terms else ""


def _ymd(day: dt.date) -> str:
    return day.strftime("%Y%m%d")


def minus_years(day: dt.date, years: int) -> dt.date:
    """D − n years; 29 February becomes 28 February in a common year (comparison-rules.md §1)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _view(kind: str, d: str) -> str:
    cols = []
    for col in KINDS[kind].columns:
        cols.append(f"NULLIF({col.code}, '') AS {col.code}")
    extra = ["_file", "_line", "_as_of"]
    if kind in PERSON_KINDS:
        extra += [
            "AAC002_raw",
            f"(id_valid AND SUBSTRING(AAC002, 7, 8) <= '{d}') AS ok",
            f"CASE WHEN id_valid THEN {person_key()} END AS pid",
        ]
    if "AAC003" in KINDS[kind].codes:
        extra.append("NULLIF(name_key, '') AS name_key")
    if "AAB998" in KINDS[kind].codes:
        extra.append("AAB998_valid")
    return f"SELECT {', '.join(cols + extra)} FROM {kind}"


def build_steps(
    rules: RulesConfig, as_of: dt.date, top_node: str, pid_range: tuple[int | None, int | None] = (None, None)
) -> list[Step]:
    """The steps; with `pid_range` (lower bound, upper bound exclusive; None: none), those of the
    persons of that range of keys only, as the pipeline runs a range of persons: it reads the staged
    files of that range already, and the steps filter the survey results (`sv`; WHERE comes before
    the window that numbers the keys without an ID number, which all fall in the first range)."""
    if not (top_node.isdigit() and len(top_node) == 12):
        raise ValueError(f"顶层区划代码不合法：{top_node!r}")
    d = _ymd(as_of)
    d_res = _ymd(minus_years(as_of, rules.residence_years))
    hk_p, hk_dead, hk_special = _q(rules.hukou_in_population), _q(rules.hukou_dead), _q(rules.hukou_special)
    emp_schemes = _q(rules.employee_schemes)
    steps: list[Step] = [Step(f"v_{k}", _view(k, d)) for k in (*PERSON_KINDS, "unit")]
    add = steps.append

    # §1 keys: rows with an invalid number (or born after D) link to no one.
    add(Step("unlinked", " UNION ALL ".join(
        f"SELECT '{k}' AS kind, _file, _line, AAC002_raw AS AAC002, AAC003, 'ID_INVALID' AS reason FROM v_{k} WHERE NOT ok"
        for k in PERSON_KINDS
    )))  # fmt: skip

    # The register: the first row of a person (file and line order) stands. An aggregate of the
    # smallest (file, line) and a join back on it (one number a row): a window partitioned by person
    # sorts every wide row. The range of the name keys of all the person's rows serves NAME_MISMATCH.
    add(
        Step(
            "reg",
            f"""
        SELECT r.*, COALESCE(r.hukou_status, '1') AS hk, m.reg_nk_min, m.reg_nk_max
        FROM v_household_register r
        JOIN (SELECT MIN({_row_key()}) AS k, MIN(name_key) AS reg_nk_min, MAX(name_key) AS reg_nk_max
              FROM v_household_register WHERE ok GROUP BY pid) m
          ON m.k = {_row_key("r.")}
        WHERE r.ok""",
        )
    )

    # §2 dead: a death row on or before D (the earliest), or hukou_status 2.
    add(
        Step(
            "dead",
            f"""
        SELECT pid, MIN(AAC002) AS AAC002, MIN(death_date) AS death_date FROM (
          SELECT pid, AAC002, death_date FROM v_death WHERE ok AND death_date <= '{d}'
          UNION ALL SELECT pid, AAC002, CAST(NULL AS VARCHAR) AS death_date FROM reg WHERE hk IN {hk_dead}
        ) u GROUP BY pid""",
        )
    )

    # Every linked insurance row (those of a scheme outside the rules' lines too: their names count
    # for NAME_MISMATCH); `ins` is those of the lines.
    add(
        Step(
            "ins_all",
            """
        SELECT i.pid, i.AAC003, i.name_key, i.scheme, s.line, s.lrank, s.priority, i.AAC031, i.AAC084,
               i.AAB001, i.AAB301, SUBSTRING(i.AAB301, 1, 6) AS area6, i.AAC030, i.AAE005,
               (i.AAC031 = '1' OR COALESCE(i.AAC084, '0') = '1') AS active, i._file, i._line, i._as_of
        FROM v_insurance i LEFT JOIN scheme_lines s ON s.scheme = i.scheme
        WHERE i.ok""",
        )
    )
    add(Step("ins", "SELECT * FROM ins_all WHERE line IS NOT NULL"))
    add(
        Step(
            "xr",
            """
        SELECT c.pid, c.AAC003, c.name_key, c.scheme, s.line, s.lrank, c.level, c.AAE005, c._file, c._line, c._as_of
        FROM v_cross_region_return c JOIN scheme_lines s ON s.scheme = c.scheme
        WHERE c.ok""",
        )
    )

    # Per person, one pass over their insurance rows gives what §3 and §4 need: per line the best
    # active priority (rule 1) and whether a row is suspended (rule 3), the duplicate flags (two or
    # more distinct (scheme, area) pairs ⟺ their smallest and largest differ) and the range of the
    # rows' name keys (NAME_MISMATCH).
    per_line = []
    for r in rules.lines:
        per_line.append(f"MIN(CASE WHEN active AND line = '{r.key}' THEN priority END) AS pri_{r.key}")
        per_line.append(f"MAX(CASE WHEN AAC031 = '2' AND line = '{r.key}' THEN 1 ELSE 0 END) AS sus_{r.key}")
    dup = []
    for flag in FLAG_ORDER[:4]:
        terms = []
        if flag in rules.dup_enrollment:
            pair = f"CASE WHEN active AND line IS NOT NULL AND scheme IN {_q(rules.dup_enrollment[flag])} THEN CONCAT(scheme, '|', COALESCE(area6, '')) END"
            terms.append(f"MIN({pair}) <> MAX({pair})")
        if flag in rules.dup_benefit:
            line = _q([rules.dup_benefit[flag]])
            terms.append(f"SUM(CASE WHEN line IN {line} AND AAC084 = '1' THEN 1 ELSE 0 END) >= 2")
        dup.append(f"CASE WHEN {' OR '.join(terms) or 'FALSE'} THEN 1 ELSE 0 END AS {flag}")
    names = "MIN(name_key) AS nk_min, MAX(name_key) AS nk_max"
    add(Step("ins_p", f"SELECT pid, {', '.join(per_line + dup)}, {names} FROM ins_all GROUP BY pid"))
    xr_lines = ", ".join(
        f"MAX(CASE WHEN line = '{r.key}' THEN CASE WHEN level = 'province' THEN 2 ELSE 1 END END) AS xr_{r.key}"
        for r in rules.lines
    )
    add(Step("xr_p", f"SELECT pid, {xr_lines} FROM xr GROUP BY pid"))

    # §2 population groups and placement.
    # g2's candidates come from ins_p (one row a person; active rows always have a line): a small
    # build side for the join with the insurance rows.
    any_active = ", ".join(f"a.pri_{r.key}" for r in rules.lines)
    add(
        Step(
            "g1",
            f"""
        SELECT r.pid, r.AAC002, r.AAB301 FROM reg r LEFT JOIN dead d ON d.pid = r.pid
        WHERE r.hk IN {hk_p} AND d.pid IS NULL""",
        )
    )
    add(
        Step(
            "g2",
            f"""
        SELECT pid, {_id_of("pid")} AS AAC002,
               CASE WHEN area6 IS NULL THEN NULL ELSE CONCAT(area6, '000000') END AS AAB301 FROM (
          SELECT i.pid, i.area6,
                 ROW_NUMBER() OVER (PARTITION BY i.pid
                   ORDER BY CASE WHEN i.area6 IS NULL THEN 1 ELSE 0 END, i.AAC030 DESC NULLS LAST, i.area6, i._file, i._line) AS rn
          FROM ins i JOIN (
            SELECT a.pid FROM ins_p a LEFT JOIN dead d ON d.pid = a.pid LEFT JOIN g1 ON g1.pid = a.pid
            WHERE COALESCE({any_active}) IS NOT NULL AND d.pid IS NULL AND g1.pid IS NULL) c ON c.pid = i.pid
          WHERE i.active) t
        WHERE rn = 1""",
        )
    )
    add(
        Step(
            "res_q",
            f"""
        SELECT * FROM (
          SELECT r.*, ROW_NUMBER() OVER (PARTITION BY r.pid ORDER BY r.since_date DESC, r.AAB301, r._file, r._line) AS rn
          FROM v_residence r WHERE r.ok AND r.since_date <= '{d_res}') t
        WHERE rn = 1""",
        )
    )
    add(
        Step(
            "g3",
            """
        SELECT r.pid, r.AAC002, r.AAB301 FROM res_q r
        LEFT JOIN dead d ON d.pid = r.pid LEFT JOIN g1 ON g1.pid = r.pid LEFT JOIN g2 ON g2.pid = r.pid
        WHERE d.pid IS NULL AND g1.pid IS NULL AND g2.pid IS NULL""",
        )
    )
    # A surveyed person's key: that of their ID number (checked at entry), or for one without a number
    # ('#…') a negative number in the order of the keys, so that every person's key sorts as pkey does.
    add(
        Step(
            "sv",
            f"""
        SELECT t.*, CASE WHEN t.pkey LIKE '#%' THEN ROW_NUMBER() OVER (ORDER BY t.pkey) - 1000000000000000000
                         ELSE {person_key("t.pkey")} END AS pid FROM (
          SELECT * FROM (
            SELECT s.*, ROW_NUMBER() OVER (PARTITION BY s.pkey ORDER BY s.AAE015 DESC, s.survey_id DESC) AS rn
            FROM survey_result s) u
          WHERE rn = 1) t{_key_range("t.pkey", pid_range)}""",
        )
    )
    add(
        Step(
            "g4",
            """
        SELECT s.pid, s.pkey, s.AAB301 FROM sv s
        LEFT JOIN dead d ON d.pid = s.pid LEFT JOIN g1 ON g1.pid = s.pid
        LEFT JOIN g2 ON g2.pid = s.pid LEFT JOIN g3 ON g3.pid = s.pid
        WHERE s.new_person AND d.pid IS NULL AND g1.pid IS NULL AND g2.pid IS NULL AND g3.pid IS NULL""",
        )
    )
    # A placement outside the tree (an unknown county, no agency area) falls back to the top node.
    add(
        Step(
            "pop",
            f"""
        SELECT u.pid, u.pkey, CASE WHEN u.pkey LIKE '#%' THEN NULL ELSE u.pkey END AS AAC002, u.grp,
               COALESCE(dv.AAB301, '{top_node}') AS AAB301
        FROM (
          SELECT pid, AAC002 AS pkey, 1 AS grp, AAB301 FROM g1
          UNION ALL SELECT pid, AAC002, 2, AAB301 FROM g2
          UNION ALL SELECT pid, AAC002, 3, AAB301 FROM g3
          UNION ALL SELECT pid, pkey, 4, AAB301 FROM g4) u
        LEFT JOIN divisions dv ON dv.AAB301 = u.AAB301""",
        )
    )

    # *Employee*: a current employment row, or an active 11/13/21 row with a unit and not a retiree.
    add(
        Step(
            "employee_rows",
            f"""
        SELECT pid, 'employment' AS kind, {KIND_RANK["employment"]} AS krank, _file, _line FROM v_employment
        WHERE ok AND start_date <= '{d}' AND (end_date IS NULL OR end_date >= '{d}')
        UNION ALL
        SELECT pid, 'insurance' AS kind, {KIND_RANK["insurance"]} AS krank, _file, _line FROM ins
        WHERE active AND scheme IN {emp_schemes} AND AAB001 IS NOT NULL AND COALESCE(AAC084, '0') <> '1'""",
        )
    )

    # Per-person facts used by §3.
    add(
        Step(
            "facts",
            f"""
        SELECT p.pid, p.pkey, p.AAC002, p.grp, p.AAB301, r.hk,
               CASE WHEN p.AAC002 IS NULL THEN NULL ELSE
                 CAST(SUBSTRING('{d}', 1, 4) AS INTEGER) - CAST(SUBSTRING(p.AAC002, 7, 4) AS INTEGER)
                 - CASE WHEN SUBSTRING('{d}', 5, 4) < SUBSTRING(p.AAC002, 11, 4) THEN 1 ELSE 0 END END AS age,
               CASE WHEN st.pid IS NULL THEN 0 ELSE 1 END AS student,
               CASE WHEN em.pid IS NULL THEN 0 ELSE 1 END AS employee
        FROM pop p
        LEFT JOIN reg r ON r.pid = p.pid
        LEFT JOIN (SELECT DISTINCT pid FROM v_student WHERE ok) st ON st.pid = p.pid
        LEFT JOIN (SELECT DISTINCT pid FROM employee_rows) em ON em.pid = p.pid""",
        )
    )
    # §3 status per line: the first rule that applies, one row per person with a column per line
    # (and the person's duplicate flags from ins_p, so that `persons` need not join ins_p again).
    pension_exempt = f"f.age < {rules.pension_min_age}"
    if rules.students_exempt_from_pension:
        pension_exempt += " OR f.student = 1"
    unless_employee = set(rules.not_required_unless_employee)
    rule_cols, code_cols = [], []
    for r in rules.lines:
        exempt = []
        if r.key == "pension":
            exempt.append(f"({pension_exempt})")
        if r.key in unless_employee:
            exempt.append("f.employee = 0")
        not_required = " OR ".join(exempt) or "FALSE"
        scheme = " ".join(f"WHEN {rank} THEN '{code}'" for rank, code in enumerate(_codes(r.schemes)))
        rule_cols.append(f"""
          CASE WHEN a.pri_{r.key} IS NOT NULL THEN 1 WHEN x.xr_{r.key} IS NOT NULL THEN 2
               WHEN a.sus_{r.key} = 1 THEN 3 WHEN f.hk IN {hk_special} THEN 4
               WHEN {not_required} THEN 5 WHEN f.employee = 1 THEN 6 ELSE 7 END AS {r.column}_rule""")
        code_cols.append(f"""
          CASE WHEN a.pri_{r.key} IS NOT NULL THEN CASE a.pri_{r.key} {scheme} END
               WHEN x.xr_{r.key} IS NOT NULL THEN CASE WHEN x.xr_{r.key} = 2 THEN '81' ELSE '82' END
               WHEN a.sus_{r.key} = 1 THEN '94' WHEN f.hk IN {hk_special} THEN '93'
               WHEN {not_required} THEN '95' WHEN f.employee = 1 THEN '92' ELSE '91' END AS {r.column}""")
    add(
        Step(
            "status",
            f"""
        SELECT f.pid, f.pkey, {",".join(code_cols)}, {",".join(rule_cols)},
          {", ".join(f"a.{flag}" for flag in FLAG_ORDER[:4])}
        FROM facts f
        LEFT JOIN ins_p a ON a.pid = f.pid
        LEFT JOIN xr_p x ON x.pid = f.pid""",
        )
    )
    # The same, one row per person and line (read by status_basis only, for rules 2–6).
    add(
        Step(
            "status_long",
            " UNION ALL ".join(
                f"SELECT pid, pkey, '{r.key}' AS line, {LINE_RANK[r.key]} AS lrank, {r.column}_rule AS rule, "
                f"{r.column} AS code FROM status"
                for r in rules.lines
            ),
        )
    )
    # The source rows that decided each status (rule 5 for age, and rule 7, have none). Rule 1: the
    # active rows of the line whose scheme is the status (insurance rows joined once, by person).
    # Ordered on three numbers (pid; line and kind ranks; file and line) that sort as the output's
    # (pkey, line, kind, _file, _line) do: tens of millions of rows sort far faster on them.
    rule1 = " ".join(
        f"WHEN '{r.key}' THEN CASE WHEN s.{r.column}_rule = 1 THEN s.{r.column} END" for r in rules.lines
    )
    add(
        Step(
            "status_basis",
            f"""
        SELECT s.pkey, i.line, 1 AS rule, 'insurance' AS kind, i._file, i._line,
               s.pid, i.lrank * 8 + {KIND_RANK["insurance"]} AS bk, {_row_key("i.")} AS rk
          FROM ins i JOIN status s ON s.pid = i.pid
          WHERE i.active AND i.scheme = CASE i.line {rule1} END
        UNION ALL SELECT s.pkey, s.line, s.rule, 'cross_region_return', c._file, c._line,
               s.pid, s.lrank * 8 + {KIND_RANK["cross_region_return"]}, {_row_key("c.")}
          FROM status_long s JOIN xr c ON c.pid = s.pid AND c.lrank = s.lrank
           AND c.level = CASE WHEN s.code = '81' THEN 'province' ELSE 'national' END WHERE s.rule = 2
        UNION ALL SELECT s.pkey, s.line, s.rule, 'insurance', i._file, i._line,
               s.pid, s.lrank * 8 + {KIND_RANK["insurance"]}, {_row_key("i.")}
          FROM status_long s JOIN ins i ON i.pid = s.pid AND i.lrank = s.lrank AND i.AAC031 = '2' WHERE s.rule = 3
        UNION ALL SELECT s.pkey, s.line, s.rule, 'household_register', r._file, r._line,
               s.pid, s.lrank * 8 + {KIND_RANK["household_register"]}, {_row_key("r.")}
          FROM status_long s JOIN reg r ON r.pid = s.pid WHERE s.rule = 4
        UNION ALL SELECT s.pkey, s.line, s.rule, 'student', t._file, t._line,
               s.pid, s.lrank * 8 + {KIND_RANK["student"]}, {_row_key("t.")}
          FROM status_long s JOIN v_student t ON t.pid = s.pid AND t.ok WHERE s.rule = 5 AND s.line = 'pension'
        UNION ALL SELECT s.pkey, s.line, s.rule, e.kind, e._file, e._line,
               s.pid, s.lrank * 8 + e.krank, {_row_key("e.")}
          FROM status_long s JOIN employee_rows e ON e.pid = s.pid WHERE s.rule = 6""",
        )
    )

    steps += _flag_steps(rules)
    steps += _item_steps(rules)
    steps += _outcome_steps(rules)
    steps += _anomaly_steps()
    steps += _unit_steps(top_node)
    return steps


def _flag_steps(rules: RulesConfig) -> list[Step]:
    # Register and insurance rows: the range of their name keys (reg, ins_p); the other kinds' rows
    # (far fewer) are joined.
    named = " UNION ALL ".join(
        f"SELECT pid, name_key FROM v_{k} WHERE ok"
        for k in NAMED_KINDS
        if k not in ("household_register", "insurance")
    )
    return [
        # NAME_MISMATCH: any linked row's name (keys computed at import, §1) differs from the register's.
        Step(
            "name_mismatch",
            f"""
            SELECT r.pid FROM reg r LEFT JOIN ins_p a ON a.pid = r.pid
            WHERE r.reg_nk_min <> r.name_key OR r.reg_nk_max <> r.name_key OR a.nk_min <> r.name_key OR a.nk_max <> r.name_key
            UNION
            SELECT n.pid FROM ({named}) n JOIN reg r ON r.pid = n.pid
            WHERE n.name_key IS NOT NULL AND n.name_key <> r.name_key""",
        ),
    ]


def _item_steps(rules: RulesConfig) -> list[Step]:
    named_rank = " UNION ALL ".join(
        f"SELECT pid, AAC003, name_key, {i} AS rank_kind, CAST(NULL AS VARCHAR) AS AAC030, _file, _line, _as_of FROM v_{k} WHERE ok AND AAC003 IS NOT NULL"
        for i, k in enumerate(("residence", "employment", "cross_region_return", "student"), start=2)
    )
    return [
        # AAC003 from any linked row: the register first, then insurance (latest AAC030), then the others.
        # The register's (deduplicated) row always wins (items_extract takes it from reg), so only
        # the persons of P without one are ranked here.
        Step(
            "name_pick",
            f"""
            SELECT pid, AAC003, name_key, _as_of FROM (
              SELECT u.pid, u.AAC003, u.name_key, u._as_of,
                ROW_NUMBER() OVER (PARTITION BY u.pid ORDER BY u.rank_kind, u.AAC030 DESC NULLS LAST, u._file, u._line) AS rn
              FROM (
                SELECT pid, AAC003, name_key, 1 AS rank_kind, AAC030, _file, _line, _as_of FROM ins WHERE AAC003 IS NOT NULL
                UNION ALL {named_rank}) u
              JOIN (SELECT p.pid FROM pop p LEFT JOIN reg r ON r.pid = p.pid
                    WHERE p.AAC002 IS NOT NULL AND r.pid IS NULL) c ON c.pid = u.pid) t
            WHERE rn = 1""",
        ),
        # The phone: linked insurance row with the latest AAC030 that has one (ties: the phone sorting
        # first), else a cross-region row (the phone sorting first). Aggregates, not a window over
        # every row: the latest AAC030, then the first phone among its rows, then that row's as-of
        # date (the latest, where identical rows of several extracts tie).
        Step(
            "phone_latest",
            """
            SELECT pid, MAX(AAC030) AS AAC030 FROM ins WHERE AAE005 IS NOT NULL GROUP BY pid""",
        ),
        Step(
            "phone_rows",
            """
            SELECT i.pid, i.AAE005, i._as_of FROM ins i JOIN phone_latest m ON m.pid = i.pid
            WHERE i.AAE005 IS NOT NULL AND (i.AAC030 = m.AAC030 OR (m.AAC030 IS NULL AND i.AAC030 IS NULL))
            UNION ALL
            SELECT c.pid, c.AAE005, c._as_of FROM xr c LEFT JOIN phone_latest m ON m.pid = c.pid
            WHERE c.AAE005 IS NOT NULL AND m.pid IS NULL""",
        ),
        Step(
            "phone_pick",
            """
            SELECT r.pid, r.AAE005, MAX(r._as_of) AS _as_of
            FROM phone_rows r JOIN (SELECT pid, MIN(AAE005) AS AAE005 FROM phone_rows GROUP BY pid) f
              ON f.pid = r.pid AND f.AAE005 = r.AAE005
            GROUP BY r.pid, r.AAE005""",
        ),
        Step(
            "items_extract",
            """
            SELECT p.pid, p.pkey, p.AAC002, p.grp, p.AAB301,
              CASE WHEN r.AAC002 IS NULL THEN np.AAC003 ELSE r.AAC003 END AS AAC003,
              CASE WHEN r.AAC002 IS NULL THEN np.name_key ELSE r.name_key END AS AAC003_key,
              CASE WHEN r.AAC002 IS NULL THEN np._as_of ELSE r._as_of END AS AAC003_as_of,
              COALESCE(r.AAC004, CASE WHEN p.AAC002 IS NULL THEN NULL
                WHEN CAST(SUBSTRING(p.AAC002, 17, 1) AS INTEGER) % 2 = 1 THEN '1' ELSE '2' END) AS AAC004,
              COALESCE(r.AAC006, SUBSTRING(p.AAC002, 7, 8)) AS AAC006, r._as_of AS reg_as_of,
              r.AAC009, r.AAC010, r.AAC005,
              CASE WHEN p.grp = 3 THEN q.AAE006 ELSE r.AAE006 END AS AAE006,
              CASE WHEN p.grp = 3 THEN q._as_of ELSE r._as_of END AS AAE006_as_of,
              ph.AAE005, ph._as_of AS AAE005_as_of,
              CASE WHEN r.AAC002 IS NULL THEN NULL
                   WHEN r.AAC006 IS NOT NULL AND r.AAC006 <> SUBSTRING(r.AAC002, 7, 8) THEN 1 ELSE 0 END AS id_birth,
              CASE WHEN r.AAC002 IS NULL THEN NULL
                   WHEN r.AAC004 IS NOT NULL AND r.AAC004 <>
                     CASE WHEN CAST(SUBSTRING(r.AAC002, 17, 1) AS INTEGER) % 2 = 1 THEN '1' ELSE '2' END THEN 1 ELSE 0 END AS id_sex
            FROM pop p
            LEFT JOIN reg r ON r.pid = p.pid
            LEFT JOIN res_q q ON q.pid = p.pid
            LEFT JOIN name_pick np ON np.pid = p.pid
            LEFT JOIN phone_pick ph ON ph.pid = p.pid""",
        ),
        # §6: surveyed items fill the person's items; a later extract that disagrees is a conflict.
        Step(
            "items",
            """
            SELECT e.pid, e.pkey, e.AAC002, e.grp, e.AAB301,
              COALESCE(s.AAC003, e.AAC003) AS AAC003, COALESCE(s.AAC004, e.AAC004) AS AAC004,
              COALESCE(s.AAC006, e.AAC006) AS AAC006, COALESCE(s.AAC009, e.AAC009) AS AAC009,
              COALESCE(s.AAC010, e.AAC010) AS AAC010, COALESCE(s.AAE006, e.AAE006) AS AAE006,
              COALESCE(s.AAE005, e.AAE005) AS AAE005, e.AAC005,
              s.employment_status, s.employer_aab998, s.employer_name, s.uninsured_reason, s.AAE014, s.AAE015,
              CASE WHEN s.pkey IS NULL THEN 0 ELSE 1 END AS surveyed, e.id_birth, e.id_sex,
              CASE WHEN s.pkey IS NOT NULL AND (
                   (s.name_key IS NOT NULL AND e.AAC003 IS NOT NULL AND e.AAC003_as_of > s.survey_date AND s.name_key <> e.AAC003_key)
                OR (s.AAC004 IS NOT NULL AND e.AAC004 IS NOT NULL AND e.reg_as_of > s.survey_date AND s.AAC004 <> e.AAC004)
                OR (s.AAC006 IS NOT NULL AND e.AAC006 IS NOT NULL AND e.reg_as_of > s.survey_date AND s.AAC006 <> e.AAC006)
                OR (s.AAC009 IS NOT NULL AND e.AAC009 IS NOT NULL AND e.reg_as_of > s.survey_date AND s.AAC009 <> e.AAC009)
                OR (s.AAC010 IS NOT NULL AND e.AAC010 IS NOT NULL AND e.reg_as_of > s.survey_date AND s.AAC010 <> e.AAC010)
                OR (s.AAE006 IS NOT NULL AND e.AAE006 IS NOT NULL AND e.AAE006_as_of > s.survey_date AND s.AAE006 <> e.AAE006)
                OR (s.AAE005 IS NOT NULL AND e.AAE005 IS NOT NULL AND e.AAE005_as_of > s.survey_date AND s.AAE005 <> e.AAE005)
              ) THEN 1 ELSE 0 END AS survey_conflict
            FROM items_extract e
            LEFT JOIN sv s ON s.pid = e.pid""",
        ),
    ]


def _missing_items(rules: RulesConfig) -> str:
    """The number of required items (§5) missing from items row `x`."""
    terms = []
    for item in rules.required_items:
        exempt = [g for g, items in rules.not_required_for_groups.items() if item in items]
        cond = f"x.{item} IS NULL"
        if exempt:
            cond = f"({cond} AND x.grp NOT IN ({', '.join(exempt)}))"
        terms.append(f"CASE WHEN {cond} THEN 1 ELSE 0 END")
    return "(" + " + ".join(terms) + ")"


def _outcome_steps(rules: RulesConfig) -> list[Step]:
    # Each person's output row is one join of items and status: every per-person fact is a column
    # of one or the other (at 10 M persons, each further join's build side costs gigabytes).
    missing = _missing_items(rules)
    flag_exprs = {
        "DUP_PENSION": "w.DUP_PENSION = 1",
        "DUP_MEDICAL": "w.DUP_MEDICAL = 1",
        "DUP_BENEFIT_PENSION": "w.DUP_BENEFIT_PENSION = 1",
        "DUP_BENEFIT_MEDICAL": "w.DUP_BENEFIT_MEDICAL = 1",
        "NAME_MISMATCH": "nm.pid IS NOT NULL",
        "BIRTH_MISMATCH": "x.id_birth = 1",
        "SEX_MISMATCH": "x.id_sex = 1",
        "NONLOCAL": "x.grp = 2",
        "SURVEY_CONFLICT": "x.survey_conflict = 1",
    }
    # COALESCE: a person without a register row has NULL there, and NOT NULL is not TRUE.
    mismatch = "(nm.pid IS NOT NULL OR COALESCE(x.id_birth, 0) = 1 OR COALESCE(x.id_sex, 0) = 1)"

    # "Some line's code is …", tested on the rule numbers (integers) where they decide: rule 2 gives
    # 81/82, 3 gives 94, 4 gives 93, 6 and 7 give 92 and 91; rule 1 gives a scheme code.
    def any_line(test: str) -> str:
        return "(" + " OR ".join(test.format(c=f"w.{r.column}") for r in rules.lines) + ")"

    def local_line(r: LineRule) -> str:
        # Rule 1 gives one of the line's configured schemes: where all of them are scheme codes (the
        # default) the rule number alone decides, and DuckDB is spared an IN list (which it plans as
        # a join with a list of constants, twenty of them per person).
        codes = [c for c in r.schemes if c in SCHEME_CODES]
        if len(codes) == len(r.schemes):
            return f"w.{r.column}_rule = 1"
        return f"(w.{r.column}_rule = 1 AND w.{r.column} IN {_q(codes)})" if codes else "FALSE"

    local = "(" + " OR ".join(local_line(r) for r in rules.lines) + ")"
    covered = "(" + " OR ".join(f"{local_line(r)} OR w.{r.column}_rule = 2" for r in rules.lines) + ")"
    reasons = {
        "UNINSURED": f"NOT {covered}",
        "PARTIAL": f"{covered} AND {any_line('{c}_rule IN (6, 7)')}",
        "INTERRUPTED": any_line("{c}_rule = 3"),
        "SPECIAL": any_line("{c}_rule = 4"),
        "INFO_MISSING": f"{missing} > 0",
        "INFO_MISMATCH": mismatch,
    }
    any_reason = " OR ".join(f"({v})" for v in reasons.values())
    status_cols = ", ".join(f"w.{r.column}, w.{r.column}_rule" for r in rules.lines)
    return [
        Step(
            "persons",
            f"""
            SELECT x.pid, x.pkey, x.AAC002, x.AAC003, x.AAC004, x.AAC006, x.AAC009, x.AAC010, x.AAB301, x.AAE006, x.AAE005, x.AAC005,
              {status_cols},
              CASE WHEN x.surveyed = 1 THEN 5 WHEN {any_reason} THEN 4
                   WHEN {local} THEN 1 WHEN {any_line("{c} = '81'")} THEN 2 ELSE 3 END AS outcome,
              CONCAT_WS(';', {", ".join(f"CASE WHEN {flag_exprs[f]} THEN '{f}' END" for f in FLAG_ORDER)}) AS flags,
              CONCAT_WS(';', {", ".join(f"CASE WHEN {v} THEN '{k}' END" for k, v in reasons.items())}) AS survey_reasons,
              x.grp AS population_group,
              CASE WHEN {missing} = 0 AND NOT {mismatch} THEN TRUE ELSE FALSE END AS complete,
              x.employment_status, x.employer_aab998, x.employer_name, x.uninsured_reason, x.AAE014, x.AAE015
            FROM items x
            JOIN status w ON w.pid = x.pid
            LEFT JOIN name_mismatch nm ON nm.pid = x.pid""",
        ),
    ]


def _anomaly_steps() -> list[Step]:
    return [
        # §4: dead persons with an active row receiving benefits, or paying into a row that began after
        # the death (only where a death date is known).
        Step(
            "deceased_active",
            """
            SELECT d.AAC002, i.AAC003, d.death_date, i.scheme, i.AAC031, i.AAC084, i.AAC030, i.AAB001, i.AAB301,
                   CASE WHEN COALESCE(i.AAC084, '0') = '1' THEN 'BENEFIT' ELSE 'CONTRIBUTION_AFTER_DEATH' END AS clause,
                   COALESCE(r.AAB301, CASE WHEN i.area6 IS NULL THEN NULL ELSE CONCAT(i.area6, '000000') END) AS placement,
                   i._file, i._line
            FROM dead d JOIN ins i ON i.pid = d.pid
            LEFT JOIN reg r ON r.pid = d.pid
            WHERE COALESCE(i.AAC084, '0') = '1'
               OR (i.AAC031 = '1' AND d.death_date IS NOT NULL AND i.AAC030 IS NOT NULL AND i.AAC030 > d.death_date)""",
        ),
    ]


def _unit_steps(top_node: str) -> list[Step]:
    return [
        # §7: a unit is keyed by AAB998, or by AAB001 where no credit code is known for it anywhere.
        Step(
            "unit_seen",
            """
            SELECT AAB998, AAB001, AAB998_valid, AAB004, AAB019, AAB301, AAE006, 0 AS src, _file, _line FROM v_unit
            UNION ALL
            SELECT AAB998, AAB001, AAB998_valid, AAB004, CAST(NULL AS VARCHAR), CAST(NULL AS VARCHAR), CAST(NULL AS VARCHAR), 1, _file, _line
            FROM v_employment WHERE AAB998 IS NOT NULL OR AAB001 IS NOT NULL""",
        ),
        Step(
            "unit_keyed",
            """
            SELECT COALESCE(s.AAB998, m.AAB998, CONCAT('#', s.AAB001)) AS ukey,
                   COALESCE(s.AAB998, m.AAB998) AS AAB998, COALESCE(s.AAB001, m2.AAB001) AS AAB001,
                   CASE WHEN s.AAB998 IS NOT NULL THEN s.AAB998_valid ELSE m.AAB998_valid END AS AAB998_valid,
                   s.AAB004, s.AAB019, s.AAB301, s.AAE006, s.src, s._file, s._line
            FROM unit_seen s
            -- Plain equality joins (each side grouped to one row per key): a condition such as
            -- "s.AAB998 IS NULL AND …" in ON turns DuckDB's hash join into a nested loop.
            LEFT JOIN (SELECT AAB001, MIN(AAB998) AS AAB998, MIN(CASE WHEN AAB998_valid THEN 1 ELSE 0 END) = 1 AS AAB998_valid
                       FROM v_unit WHERE AAB001 IS NOT NULL AND AAB998 IS NOT NULL GROUP BY AAB001) m
              ON m.AAB001 = s.AAB001
            LEFT JOIN (SELECT AAB998, MIN(AAB001) AS AAB001 FROM v_unit WHERE AAB001 IS NOT NULL AND AAB998 IS NOT NULL GROUP BY AAB998) m2
              ON m2.AAB998 = s.AAB998""",
        ),
        Step(
            "unit_carried",
            """
            SELECT DISTINCT NULLIF(TRIM(AAB001), '') AS AAB001 FROM insurance WHERE NULLIF(TRIM(AAB001), '') IS NOT NULL""",
        ),
        Step(
            "units",
            f"""
            SELECT u.ukey, u.AAB998, u.AAB001, u.AAB004, u.AAB019, u.AAE006,
              COALESCE(dv.AAB301, dv6.AAB301, '{top_node}') AS AAB301,
              CONCAT_WS(';', CASE WHEN u.carried = 0 THEN 'NO_INSURANCE' END,
                             CASE WHEN u.AAB998 IS NOT NULL AND u.valid = 0 THEN 'ID_INVALID' END) AS survey_reasons,
              CASE WHEN u.carried = 0 OR (u.AAB998 IS NOT NULL AND u.valid = 0) THEN TRUE ELSE FALSE END AS needs_survey,
              CASE WHEN u.AAB998 IS NULL THEN NULL WHEN u.valid = 1 THEN TRUE ELSE FALSE END AS credit_code_valid
            FROM (
              SELECT k.ukey, MIN(k.AAB998) AS AAB998, MIN(k.AAB001) AS AAB001,
                COALESCE(MIN(CASE WHEN k.src = 0 THEN k.AAB004 END), MIN(k.AAB004)) AS AAB004,
                MIN(k.AAB019) AS AAB019, MIN(k.AAB301) AS area, MIN(k.AAE006) AS AAE006,
                MIN(CASE WHEN k.AAB998_valid THEN 1 ELSE 0 END) AS valid,
                MAX(CASE WHEN c.AAB001 IS NULL THEN 0 ELSE 1 END) AS carried
              FROM unit_keyed k LEFT JOIN unit_carried c ON c.AAB001 = k.AAB001
              GROUP BY k.ukey) u
            LEFT JOIN divisions dv ON dv.AAB301 = u.area
            -- One equality, no other condition in ON: "LENGTH(u.area) = 6 AND …" made DuckDB join
            -- every unit with every division in a nested loop (20 s of 237 s at 10 M persons).
            LEFT JOIN divisions dv6 ON dv6.AAB301 = CASE WHEN LENGTH(u.area) = 6 THEN CONCAT(u.area, '000000') END""",
        ),
    ]
