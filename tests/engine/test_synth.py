"""The synthetic city (`canbao demo-data`): reproducible bytes, readable files, the injected faults.

No Django, no database: .venv/bin/python -m pytest tests/engine/test_synth.py -p no:django -q
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import time
from collections import Counter
from pathlib import Path

import openpyxl
import pyarrow.parquet as pq
import pytest
from stdnum.cn import ric, uscc

from canbao.cli.main import main as cli_main
from canbao.engine.kinds import KINDS
from canbao.engine.synth import city, generate

AS_OF = dt.date(2026, 9, 30)
PERSONS = 2000


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("city")
    manifest = generate(out, PERSONS, 7, AS_OF, workers=1)
    return out, manifest


def read_rows(out: Path, entry: dict) -> tuple[list[str], list[list[str]]]:
    """Header and rows of a manifest entry, read the way the manifest says (never guessing)."""
    path = out / entry["file"]
    if entry["format"] == "csv":
        text = path.read_bytes().decode(entry["encoding"])  # strict: a wrong declaration fails here
        rows = list(csv.reader(io.StringIO(text, newline="")))
        return rows[0], rows[1:]
    if entry["format"] == "xlsx":
        wb = openpyxl.load_workbook(path, read_only=True)
        ws = wb.worksheets[0]
        got = [["" if v is None else str(v) for v in row] for row in ws.iter_rows(values_only=True)]
        wb.close()
        return got[0], got[1:]
    assert entry["format"] == "parquet"
    table = pq.read_table(path)
    cols = [["" if v is None else v for v in c.to_pylist()] for c in table.columns]
    return table.column_names, [list(r) for r in zip(*cols, strict=True)]


def rows_of(out: Path, manifest: dict, kind: str) -> list[dict[str, str]]:
    """Every row of a kind, as {canonical code: value}, whatever header style its file uses."""
    got = []
    for entry in manifest["files"]:
        if entry["kind"] != kind:
            continue
        header, rows = read_rows(out, entry)
        by_zh = {c.name_zh: c.code for c in KINDS[kind].columns}
        codes = [by_zh.get(h, h) for h in header]
        got += [dict(zip(codes, r, strict=True)) for r in rows]
    return got


_FULL = {ord(c): ord("0") + i for i, c in enumerate("０１２３４５６７８９")}


def normalise_id(raw: str) -> str:
    """exchange-format.md: trim Unicode white space, full-width to half-width, upper-case x, 15 → 18."""
    v = raw.strip().translate(_FULL).upper()
    if len(v) == 15 and v.isdigit():
        body = v[:6] + "19" + v[6:]
        v = body + ric.calc_check_digit(body + "0")
    return v


def id_valid(v: str, as_of: dt.date = AS_OF) -> bool:
    if len(v) != 18 or not v[:17].isdigit() or v[17] != ric.calc_check_digit(v):
        return False
    try:
        born = dt.date(int(v[6:10]), int(v[10:12]), int(v[12:14]))
    except ValueError:
        return False
    return dt.date(1900, 1, 1) <= born <= as_of


# -- reproducibility -----------------------------------------------------------------------------


def test_same_seed_same_bytes(town: tuple[Path, dict], tmp_path: Path) -> None:
    out, manifest = town
    time.sleep(1.1)  # a clock-stamped byte (XLSX document dates, zip times) would now differ
    again = generate(tmp_path, PERSONS, 7, AS_OF, workers=1)
    assert again == manifest
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(p.name for p in tmp_path.iterdir())
    for name in names:
        assert _sha(out / name) == _sha(tmp_path / name), name
    for entry in manifest["files"]:
        assert entry["sha256"] == _sha(out / entry["file"])


def test_different_seed_different_bytes(town: tuple[Path, dict], tmp_path: Path) -> None:
    out, manifest = town
    other = generate(tmp_path, PERSONS, 8, AS_OF, workers=1)
    mine = {f["file"]: f["sha256"] for f in manifest["files"]}
    theirs = {f["file"]: f["sha256"] for f in other["files"]}
    differ = [name for name in mine if mine[name] != theirs[name]]
    assert len(differ) >= len(mine) - 1, differ  # every file but perhaps a tiny one


def test_bytes_do_not_depend_on_workers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(city, "CHUNK", 400)  # several chunks, made by a pool of two workers
    one = generate(tmp_path / "one", 1500, 3, AS_OF, workers=1)
    two = generate(tmp_path / "two", 1500, 3, AS_OF, workers=2)
    assert one == two
    assert len({f["sha256"] for f in one["files"]}) == len(one["files"])


# -- files and manifest --------------------------------------------------------------------------


def test_manifest_lists_every_kind_and_its_parameters(town: tuple[Path, dict]) -> None:
    out, manifest = town
    assert {f["kind"] for f in manifest["files"]} == set(KINDS)
    assert manifest["seed"] == 7 and manifest["persons"] == PERSONS and manifest["as_of"] == "2026-09-30"
    assert manifest["generator_version"]
    listed = {f["file"] for f in manifest["files"]}
    assert listed | {"manifest.json"} == {p.name for p in out.iterdir()}
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8")) == manifest
    formats = Counter((f["format"], f["encoding"]) for f in manifest["files"])
    for want in [
        ("csv", "utf-8"),
        ("csv", "utf-8-sig"),
        ("csv", "gb18030"),
        ("xlsx", None),
        ("parquet", None),
    ]:
        assert formats[want], want
    assert sum(f["kind"] == "insurance" for f in manifest["files"]) >= 3


def test_every_file_reads_in_its_declared_format(town: tuple[Path, dict]) -> None:
    out, manifest = town
    for entry in manifest["files"]:
        header, rows = read_rows(out, entry)
        cols = KINDS[entry["kind"]].columns
        want = [c.name_zh if entry["header"] == "name_zh" else c.code for c in cols]
        assert header[: len(want)] == want, entry["file"]
        assert set(header[len(want) :]) <= {"AAB402"}, entry["file"]
        assert len(rows) == entry["rows"] > 0, entry["file"]
        assert all(len(r) == len(header) for r in rows), entry["file"]
        raw = (out / entry["file"]).read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf") == (entry["encoding"] == "utf-8-sig"), entry["file"]
        if entry["encoding"] == "gb18030":
            with pytest.raises(UnicodeDecodeError):
                raw.decode("utf-8")  # really GB18030, not UTF-8 under another name


def test_chinese_headers_and_extra_column(town: tuple[Path, dict]) -> None:
    out, manifest = town
    faults = manifest["faults"]["files"]
    assert faults["chinese_header"] and faults["extra_column"]
    for name in faults["chinese_header"]:
        header, _ = read_rows(out, next(f for f in manifest["files"] if f["file"] == name))
        assert all("\u4e00" <= h[0] <= "\u9fff" for h in header)


# -- the register ----------------------------------------------------------------------------------


def test_register_ids_valid_except_the_injected(town: tuple[Path, dict]) -> None:
    out, manifest = town
    rows = rows_of(out, manifest, "household_register")
    ids = [normalise_id(r["AAC002"]) for r in rows if r["AAC002"].strip()]
    invalid = [v for v in ids if not id_valid(v)]
    assert len(invalid) == manifest["expected"]["unlinked_rows"]["household_register"] > 0
    raw = [r["AAC002"] for r in rows]
    assert sum(len(v) == 15 for v in raw) == manifest["faults"]["id_15_digit"] > 0
    # Each valid ID once, but for the injected duplicates (the second row is DUPLICATE_KEY).
    dups = sum(n - 1 for n in Counter(v for v in ids if id_valid(v)).values())
    rejects = manifest["expected"]["rejects"]
    assert dups == sum(r.get("DUPLICATE_KEY", 0) for r in rejects.values()) > 0


def test_register_areas_are_villages_of_the_tree(town: tuple[Path, dict]) -> None:
    out, manifest = town
    tree = {r["AAB301"]: r for r in rows_of(out, manifest, "divisions")}
    for code, node in tree.items():
        assert len(code) == 12 and code.isdigit()
        assert (node["parent"] in tree) == (node["level"] != "1")
    villages = {c for c, n in tree.items() if n["level"] == "5"}
    areas = [r["AAB301"] for r in rows_of(out, manifest, "household_register") if r["AAB301"]]
    unknown = [a for a in areas if a not in villages]
    rejects = manifest["expected"]["rejects"]
    assert len(unknown) == sum(r.get("UNKNOWN_AREA", 0) for r in rejects.values()) > 0
    assert all(a not in tree for a in unknown)
    # ID numbers name real GB/T 2260 counties: the city's counties are in stdnum's table.
    for county in manifest["counties"]:
        assert ric.get_birth_place(county[:6] + "20240101001")


def test_all_ids_valid_except_the_injected_in_every_kind(town: tuple[Path, dict]) -> None:
    out, manifest = town
    unlinked = manifest["expected"]["unlinked_rows"]
    for kind in ("insurance", "death", "student", "employment", "residence", "cross_region_return"):
        ids = [normalise_id(r["AAC002"]) for r in rows_of(out, manifest, kind) if r["AAC002"].strip()]
        assert sum(not id_valid(v) for v in ids) == unlinked.get(kind, 0), kind


def test_value_faults_are_present(town: tuple[Path, dict]) -> None:
    out, manifest = town
    values = [
        v
        for entry in manifest["files"]
        if entry["kind"] != "divisions"
        for row in read_rows(out, entry)[1]
        for v in row
    ]
    assert any(v != v.strip() for v in values)  # surrounding white space (U+3000 included)
    assert any(v.endswith("x") and len(v) == 18 for v in values)  # lower-case x
    assert any("０" <= ch <= "９" for v in values for ch in v)  # full-width digits
    assert any(len(v) == 10 and v[4] == "-" and v[7] == "-" for v in values)
    assert any(len(v) == 10 and v[4] == "/" and v[7] == "/" for v in values)


def credit_valid(code: str) -> bool:
    """GB 32100 (stdnum's validate would refuse the letter authority codes N and Y, which are real)."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    return (
        len(code) == 18
        and all(ch in alphabet for ch in code)
        and code[2:8].isdigit()
        and uscc.calc_check_digit(code[:17]) == code[17]
    )


def test_unit_credit_codes(town: tuple[Path, dict]) -> None:
    out, manifest = town
    units = rows_of(out, manifest, "unit")
    assert any(u["AAB998"][0] in "NY" for u in units)
    bad = {u["AAB998"] for u in units if u["AAB004"] and not credit_valid(u["AAB998"])}
    assert len(bad) == manifest["expected"]["units"]["ID_INVALID"] > 0
    assert manifest["expected"]["units"]["NO_INSURANCE"] > 0


def test_phones_and_names_are_synthetic(town: tuple[Path, dict]) -> None:
    out, manifest = town
    phones = [r["AAE005"] for r in rows_of(out, manifest, "insurance") if r["AAE005"].strip()]
    phones = [p.strip().translate(_FULL) for p in phones]
    assert phones and all(len(p) == 11 and p[0] == "1" and p[1] in "3456789" for p in phones)


# -- the comparison cases -------------------------------------------------------------------------


def test_every_case_is_present_and_does_what_it_says(town: tuple[Path, dict]) -> None:
    _, manifest = town
    for key, got in manifest["cases"].items():
        assert got["persons"] > 0, key
        assert got["intent_met"] == got["persons"], key


def test_expected_counts_cover_every_rule(town: tuple[Path, dict]) -> None:
    _, manifest = town
    e = manifest["expected"]
    assert all(e["population"].get(g, 0) > 0 for g in ("1", "2", "3"))
    assert e["population"]["total"] + e["not_in_population"] + e["dead"] == PERSONS
    assert e["dead"] > e["dead_by_hukou_status_only"] > 0 and e["death_date_after_as_of"] > 0
    assert e["deceased_active"] > 0
    status = e["status"]
    assert set(status["AIC003"]) == {"11", "12", "13", "14", "15", "81", "82", "91", "92", "93", "94", "95"}
    assert set(status["AKC003"]) == {
        "21",
        "22",
        "23",
        "24",
        "25",
        "26",
        "27",
        "81",
        "82",
        "91",
        "92",
        "93",
        "94",
    }
    for col, scheme in (("ALC003", "30"), ("AJC003", "40"), ("AMC003", "50")):
        assert set(status[col]) == {scheme, "81", "82", "92", "93", "95"}, col
    flags = {"DUP_PENSION", "DUP_MEDICAL", "DUP_BENEFIT_PENSION", "DUP_BENEFIT_MEDICAL", "NAME_MISMATCH"}
    assert flags | {"BIRTH_MISMATCH", "SEX_MISMATCH", "NONLOCAL"} <= set(e["flags"])
    assert set(e["survey_reasons"]) == {
        "UNINSURED",
        "PARTIAL",
        "INTERRUPTED",
        "SPECIAL",
        "INFO_MISSING",
        "INFO_MISMATCH",
    }
    assert set(e["outcomes"]) == {"1", "2", "3", "4"}
    assert sum(e["outcomes"].values()) == e["population"]["total"]


def test_rates_look_like_a_real_city(tmp_path: Path) -> None:
    e = generate(tmp_path, 20_000, 11, AS_OF, workers=1)["expected"]
    total = e["population"]["total"]
    assert 0.80 < e["population"]["1"] / total < 0.95
    pension = e["status"]["AIC003"]
    covered = sum(v for k, v in pension.items() if k not in ("91", "92", "93", "94", "95"))
    assert 0.80 < covered / (total - pension["95"]) < 0.95
    assert 0.6 < sum(e["outcomes"][k] for k in ("1", "2", "3")) / total < 0.95


# -- the command ------------------------------------------------------------------------------------


def test_cli_writes_the_city_and_refuses_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        cli_main(
            [
                "demo-data",
                "--persons",
                "300",
                "--seed",
                "2",
                "--out",
                str(tmp_path / "c"),
                "--as-of",
                "2028-02-29",
            ]
        )
        == 0
    )
    manifest = json.loads((tmp_path / "c" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["as_of"] == "2028-02-29" and manifest["persons"] == 300
    assert "已生成 300/300 人" in capsys.readouterr().err
    assert cli_main(["demo-data", "--persons", "0", "--out", str(tmp_path / "d")]) == 1
    assert "人数" in capsys.readouterr().err
    assert cli_main(["demo-data", "--out", str(tmp_path / "d"), "--as-of", "2026-02-30"]) == 1
    assert not (tmp_path / "d").exists()


@pytest.mark.parametrize("persons", [1, 7, 90])
def test_tiny_cities(tmp_path: Path, persons: int) -> None:
    manifest = generate(tmp_path, persons, 1, AS_OF, workers=1)
    assert manifest["expected"]["persons"] == persons
