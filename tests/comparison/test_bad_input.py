"""The bad-input corpus: each file gives its clear error, and nothing is lost or half-imported."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from openpyxl import Workbook
from tests.factories import TREE, make_id

from canbao.cli.main import main
from canbao.comparison.models import ImportBatch
from canbao.comparison.rawstore import file_sha256
from canbao.core.home import sub

pytestmark = pytest.mark.django_db

HEADER = "AAC002,AAC003,AAB301\n"


@pytest.fixture(autouse=True)
def divisions(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "divisions.csv"
    path.write_text(
        "AAB301,name,level,parent\n" + "".join(f"{c},{n},{lv},{p}\n" for c, n, lv, p in TREE),
        encoding="utf-8",
    )
    assert main(["import", "--kind", "divisions", "--as-of", "2026-09-30", str(path)]) == 0
    capsys.readouterr()


def rows(n: int) -> str:
    return "".join(f"{make_id('320102', '19800101', i)},人{i},320102001001\n" for i in range(1, n + 1))


def run(
    path: Path, capsys: pytest.CaptureFixture[str], kind: str = "household_register", *extra: str
) -> tuple[int, dict | str]:
    code = main(["import", "--kind", kind, "--as-of", "2026-09-30", str(path), "--json", *extra])
    out = capsys.readouterr()
    return code, (json.loads(out.out) if code == 0 else out.err)


def assert_refused(path: Path, capsys: pytest.CaptureFixture[str], needle: str) -> None:
    code, err = run(path, capsys)
    assert code == 1, err
    assert needle in err and path.name in err
    assert not ImportBatch.objects.filter(kind="household_register").exists()
    # Kept for inspection, byte for byte, in the raw store.
    sha = file_sha256(path)
    assert any(p.name.startswith(sha) for p in sub("raw", sha[:2]).iterdir())


def test_truncated_csv_in_a_quoted_field_is_refused(tmp_path: Path, capsys) -> None:
    path = tmp_path / "truncated.csv"
    path.write_text(HEADER + rows(3) + f'{make_id("320102", "19800101", 9)},"未闭合的引号', encoding="utf-8")
    assert_refused(path, capsys, "引号没有闭合")


def test_truncated_last_row_is_rejected_not_lost(tmp_path: Path, capsys) -> None:
    path = tmp_path / "cut.csv"
    path.write_text(HEADER + rows(3) + make_id("320102", "19800101", 9)[:10], encoding="utf-8")
    code, report = run(path, capsys)
    assert code == 0
    assert (report["rows_read"], report["accepted"], report["rejected"]) == (4, 3, 1)
    assert report["rejects"][0]["line"] == 5 and report["rejects"][0]["reason"] == "REQUIRED_MISSING"


@pytest.mark.parametrize("name", ["garbage.csv", "garbage.xlsx", "garbage.parquet"])
def test_binary_garbage_is_refused(tmp_path: Path, capsys, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(bytes((i * 7919) % 256 for i in range(20000)))
    code, err = run(path, capsys)
    assert code == 1 and name in err


def test_truncated_xlsx_and_parquet_are_refused(tmp_path: Path, capsys) -> None:
    wb = Workbook()
    wb.active.append(["AAC002", "AAC003", "AAB301"])
    buf = io.BytesIO()
    wb.save(buf)
    (tmp_path / "cut.xlsx").write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])
    assert_refused(tmp_path / "cut.xlsx", capsys, "XLSX")
    sink = io.BytesIO()
    pq.write_table(pa.table({"AAC002": ["x"], "AAC003": ["y"], "AAB301": ["z"]}), sink)
    (tmp_path / "cut.parquet").write_bytes(sink.getvalue()[:-20])
    assert_refused(tmp_path / "cut.parquet", capsys, "Parquet")


def test_wrong_encoding_after_the_sniffed_part_names_the_line(tmp_path: Path, capsys) -> None:
    path = tmp_path / "mixed.csv"
    body = (HEADER + rows(900) * 120).encode("utf-8")  # more than the 4 MB the detector reads
    tail = f"{make_id('320102', '19800101', 999)},王五,320102001001\n".encode("gb18030")
    path.write_bytes(body + tail)
    code, err = run(path, capsys)
    assert code == 1 and "不是 utf-8 编码" in err and "行" in err


def test_hundred_thousand_character_field_is_rejected_too_long(tmp_path: Path, capsys) -> None:
    path = tmp_path / "long.csv"
    path.write_text(
        HEADER + rows(2) + f"{make_id('320102', '19800101', 7)},{'长' * 100_000},320102001001\n",
        encoding="utf-8",
    )
    code, report = run(path, capsys)
    assert code == 0
    assert [(r["line"], r["column"], r["reason"]) for r in report["rejects"]] == [(4, "AAC003", "TOO_LONG")]
    assert "100000" in report["rejects"][0]["message"]


def test_formula_strings_are_kept_as_data(tmp_path: Path, capsys) -> None:
    formula = "=cmd|' /C calc'!A0"
    path = tmp_path / "formula.csv"
    path.write_text(
        HEADER + f'{make_id("320102", "19800101", 5)},"{formula}",320102001001\n', encoding="utf-8"
    )
    code, report = run(path, capsys)
    assert code == 0 and report["accepted"] == 1
    staged = pq.read_table(ImportBatch.objects.get(kind="household_register").staged_path).to_pylist()
    assert staged[0]["AAC003"] == formula  # neutralised only in exports for people, never altered in data


def test_duplicate_headers_empty_file_and_header_only(tmp_path: Path, capsys) -> None:
    (tmp_path / "dup.csv").write_text("AAC002,姓名,AAC003,AAB301\n" + "1,2,3,4\n", encoding="utf-8")
    assert_refused(tmp_path / "dup.csv", capsys, "列名重复")
    (tmp_path / "empty.csv").write_bytes(b"")
    assert_refused(tmp_path / "empty.csv", capsys, "文件为空")
    (tmp_path / "header.csv").write_text(HEADER, encoding="utf-8")
    assert_refused(tmp_path / "header.csv", capsys, "没有数据行")
