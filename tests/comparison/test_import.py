"""`canbao import` for divisions and the household register: encodings, formats, headers, rejects."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from openpyxl import Workbook
from tests.factories import TREE, make_id

from canbao.audit.models import AuditRecord
from canbao.cli.main import main
from canbao.comparison.models import ImportBatch
from canbao.divisions.models import Division

pytestmark = pytest.mark.django_db

REGISTER_HEADER = ["AAC002", "AAC003", "AAC004", "AAB301", "AAE006", "hukou_status"]


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def run_import(capsys: pytest.CaptureFixture[str], kind: str, path: Path, *extra: str) -> tuple[int, dict]:
    code = main(["import", "--kind", kind, "--as-of", "2026-09-30", str(path), "--json", *extra])
    out = capsys.readouterr()
    return code, (json.loads(out.out) if code == 0 else {"stderr": out.err})


@pytest.fixture
def divisions(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_csv(
        tmp_path / "divisions.csv",
        [["AAB301", "name", "level", "parent"], *[list(map(str, r)) for r in TREE]],
    )
    code, report = run_import(capsys, "divisions", path)
    assert code == 0 and report["accepted"] == len(TREE) and report["rejected"] == 0


def register_rows() -> list[list[str]]:
    return [
        REGISTER_HEADER,
        [make_id("320102", "19700101", 11), "张三", "1", "320102001001", "东一社区1号", "1"],
        [make_id("320102", "19800202", 12), "李四", "", "320102001002", "", ""],
        [make_id("320104", "19900303", 13), "王五", "1", "320104002001", "西一村", "1"],
    ]


def test_divisions_build_the_tree(divisions: None) -> None:
    village = Division.objects.get(code="320102001001")
    assert village.level == 5 and village.parent_id == "320102001000" and village.prefix == "320102001001"
    assert Division.objects.get(code="320102000000").prefix == "320102"


@pytest.mark.parametrize(
    "encoding,reported",
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gb18030", "gb18030"), ("gbk", "gb18030")],
)
def test_register_csv_in_every_encoding(
    divisions: None, tmp_path: Path, capsys, encoding: str, reported: str
) -> None:
    path = write_csv(tmp_path / f"register-{encoding}.csv", register_rows(), encoding)
    code, report = run_import(capsys, "household_register", path)
    assert code == 0
    assert report["encoding"] == reported
    assert (report["rows_read"], report["accepted"], report["rejected"]) == (3, 3, 0)
    staged = pq.read_table(ImportBatch.objects.get(pk=report["batch_id"]).staged_path).to_pylist()
    assert [r["AAC003"] for r in staged] == ["张三", "李四", "王五"]


def test_register_with_chinese_headers_xlsx(divisions: None, tmp_path: Path, capsys) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["公民身份号码", "姓名", "行政区划代码", "备注"])
    ws.append([make_id("320102", "19700101", 11), "张三", "320102001001", "extra column"])
    ws.append([make_id("320102", "19700101", 12), "", "320102001001", ""])
    wb.save(tmp_path / "register.xlsx")
    code, report = run_import(capsys, "household_register", tmp_path / "register.xlsx")
    assert code == 0 and report["format"] == "xlsx" and report["encoding"] is None
    assert report["ignored_columns"] == ["备注"]
    assert report["rejects"] == [
        {
            "line": 3,
            "column": "AAC003",
            "reason": "REQUIRED_MISSING",
            "message": report["rejects"][0]["message"],
        }
    ]
    assert "姓名" in report["rejects"][0]["message"]


def test_register_parquet_line_numbers(divisions: None, tmp_path: Path, capsys) -> None:
    rows = register_rows()
    table = pa.table({h: [r[i] for r in rows[1:]] for i, h in enumerate(REGISTER_HEADER)})
    table = table.set_column(3, "AAB301", pa.array(["320102001001", "999999999999", "320104002001"]))
    pq.write_table(table, tmp_path / "register.parquet")
    code, report = run_import(capsys, "household_register", tmp_path / "register.parquet")
    assert code == 0 and report["format"] == "parquet"
    assert [(r["line"], r["reason"]) for r in report["rejects"]] == [(3, "UNKNOWN_AREA")]


@pytest.mark.parametrize("on_disk", ["0", "1"])
def test_rejects_reconcile_and_nothing_is_lost(
    divisions: None, tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch, on_disk: str
) -> None:
    # "1": the way a large file (a city's register) is worked on, in a DuckDB file within the limit.
    monkeypatch.setenv("CANBAO_DUCKDB_ON_DISK", on_disk)
    first = make_id("320102", "19700101", 11)
    rows = [
        REGISTER_HEADER,
        [first, "张三", "1", "320102001001", "", "1"],
        [first.lower(), "张三二", "1", "320102001001", "", "1"],  # same person again
        ["110105491231002", "十五位", "", "320102001001", "", ""],  # converted to 18
        [
            make_id("320102", "19700101", 13)[:-1] + "0",
            "校验错",
            "",
            "320102001001",
            "",
            "",
        ],  # invalid id: kept
        [make_id("320102", "19700101", 14), "代码错", "7", "320102001001", "", ""],
        [make_id("320102", "19700101", 15), "过长", "1", "320102001001", "长" * 100_000, ""],
        [make_id("320102", "19700101", 16), "　全角　", "1", "３２０１０２００１００１", "", ""],
    ]
    code, report = run_import(capsys, "household_register", write_csv(tmp_path / "r.csv", rows))
    assert code == 0
    assert report["rows_read"] == report["accepted"] + report["rejected"] == 7
    assert {(r["line"], r["reason"], r["column"]) for r in report["rejects"]} == {
        (3, "DUPLICATE_KEY", "AAC002"),
        (6, "BAD_CODE", "AAC004"),
        (7, "TOO_LONG", "AAE006"),
    }
    staged = {
        r["AAC003"]: r
        for r in pq.read_table(ImportBatch.objects.get(pk=report["batch_id"]).staged_path).to_pylist()
    }
    assert staged["十五位"]["AAC002"] == "11010519491231002X" and staged["十五位"]["id_converted"]
    assert staged["校验错"]["id_valid"] is False and staged["校验错"]["id_reason"] == "CHECK_CHAR"
    assert staged["全角"]["AAB301"] == "320102001001"


def test_same_bytes_twice_do_nothing_new(divisions: None, tmp_path: Path, capsys) -> None:
    path = write_csv(tmp_path / "r.csv", register_rows())
    assert run_import(capsys, "household_register", path)[1]["duplicate_file"] is False
    code, report = run_import(capsys, "household_register", path)
    assert code == 0 and report["duplicate_file"] is True
    assert ImportBatch.objects.filter(kind="household_register").count() == 1


@pytest.mark.parametrize(
    "content,needle",
    [
        (b"", "文件为空"),
        (b"AAC002,AAC003,AAB301\n", "没有数据行"),
        (b"AAC002,AAC003\n11010519491231002X,x\n", "缺少必需的列"),
        (b"AAC002,AAC002,AAC003,AAB301\n1,2,3,4\n", "列名重复"),
        (bytes(range(256)) * 20, "不是文本文件"),
        ("姓名".encode("utf-16"), "无法识别文件编码"),
    ],
)
def test_whole_file_refused_imports_nothing(
    divisions: None, tmp_path: Path, capsys, content: bytes, needle: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    code, result = run_import(capsys, "household_register", path)
    assert code == 1
    assert needle in result["stderr"]
    assert not ImportBatch.objects.filter(kind="household_register").exists()
    assert AuditRecord.objects.filter(action="import", result="refused").count() == 1


def test_wrong_kind_is_named(divisions: None, tmp_path: Path, capsys) -> None:
    path = write_csv(tmp_path / "r.csv", register_rows())
    code, result = run_import(capsys, "death", path)
    assert code == 1 and "缺少必需的列" in result["stderr"]


def test_divisions_tree_checks(tmp_path: Path, capsys) -> None:
    rows = [["AAB301", "name", "level", "parent"], *[list(map(str, r)) for r in TREE[:3]]]
    rows.append(["320199001000", "错位镇", "4", "320102000000"])  # not under its parent
    rows.append(["320102002000", "级别错", "5", "320102000000"])  # level does not match the code
    code, report = run_import(capsys, "divisions", write_csv(tmp_path / "d.csv", rows))
    assert code == 0
    assert (report["accepted"], report["rejected"]) == (3, 2)
    assert {r["line"] for r in report["rejects"]} == {5, 6}
    assert not Division.objects.filter(code__in=["320199001000", "320102002000"]).exists()


def test_declared_encoding_in_mapping_is_checked(divisions: None, tmp_path: Path, capsys) -> None:
    path = write_csv(tmp_path / "r.csv", register_rows(), "gb18030")
    mapping = tmp_path / "m.yaml"
    mapping.write_text("kind: household_register\nencoding: utf-8\n", encoding="utf-8")
    code, result = run_import(capsys, "household_register", path, "--mapping", str(mapping))
    assert code == 1 and "不是声明的编码" in result["stderr"]


def test_column_mapping_file(divisions: None, tmp_path: Path, capsys) -> None:
    rows = [
        ["身份证号", "名字", "村代码", "出生"],
        [make_id("320102", "19700101", 11), "张三", "320102001001", "1970年01月01日"],
    ]
    path = write_csv(tmp_path / "r.csv", rows, "gb18030")
    mapping = tmp_path / "m.yaml"
    mapping.write_text(
        "kind: household_register\ncolumns:\n  身份证号: AAC002\n  名字: AAC003\n  村代码: AAB301\n  出生: AAC006\n"
        "dates:\n  AAC006: '%Y年%m月%d日'\nconstants:\n  hukou_status: '1'\n",
        encoding="utf-8",
    )
    code, report = run_import(capsys, "household_register", path, "--mapping", str(mapping))
    assert code == 0 and report["accepted"] == 1, report
    staged = pq.read_table(ImportBatch.objects.get(kind="household_register").staged_path).to_pylist()[0]
    assert (staged["AAC006"], staged["hukou_status"]) == ("19700101", "1")
