"""The quarterly report pages: scoped, drill-down from a cell and back, breaches explained, XLSX layout."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from django.test import Client
from openpyxl import load_workbook
from tests.factories import OPERATOR, make_id, web_login

from canbao.audit.models import AuditRecord
from canbao.comparison.imports import import_extract
from canbao.comparison.models import ComparisonRun
from canbao.comparison.runs import comparison_run
from canbao.engine.report import files
from canbao.reports.models import HukouCount

AS_OF = dt.date(2026, 9, 30)
E1, E2, W1 = (
    make_id("320102", "19700101", 61),
    make_id("320102", "19800101", 62),
    make_id("320104", "19900101", 63),
)


@pytest.fixture
def run(city, tmp_path: Path) -> ComparisonRun:  # type: ignore[no-untyped-def]
    register = tmp_path / "reg.csv"
    register.write_text("AAC002,AAC003,AAB301,AAE006,hukou_status\n"
                        f"{E1},甲,320102001001,东一社区1号,1\n{E2},乙,320102001002,东二社区2号,1\n"
                        f"{W1},丙,320104002001,西一村3号,1\n", encoding="utf-8")  # fmt: skip
    insurance = tmp_path / "ins.csv"
    insurance.write_text("AAC002,AAC003,scheme,AAC031,AAC084,AAB001,AAB301,AAC030\n"
                         f"{E1},甲,12,1,0,,320102,20200101\n", encoding="utf-8")  # fmt: skip
    import_extract(path=register, kind="household_register", as_of=AS_OF, actor=OPERATOR)
    import_extract(path=insurance, kind="insurance", as_of=AS_OF, actor=OPERATOR)
    return comparison_run(as_of=AS_OF, actor=OPERATOR)


def test_county_report_rows_cells_and_scope(client: Client, run) -> None:  # type: ignore[no-untyped-def]
    web_login(client, "east_reviewer")
    page = client.get("/reports/quarterly/", {"period": "2026Q3"}).content.decode()
    assert "东城街道" in page and "西城" not in page and "逻辑关系校验通过" in page
    assert client.get("/reports/quarterly/", {"period": "2026Q3", "node": "320104000000"}).status_code == 404
    assert "没有已入库的比对批次" in client.get("/reports/quarterly/", {"period": "2026Q2"}).content.decode()
    assert AuditRecord.objects.filter(object_type="report_quarterly", actor="east_reviewer").exists()


def test_drill_from_total_cell_to_persons_and_back(client: Client, run) -> None:  # type: ignore[no-untyped-def]
    web_login(client, "city_officer")
    report = client.get("/reports/quarterly/", {"period": "2026Q3", "node": "320100000000"}).content.decode()
    link = "/reports/quarterly/cell/?node=320100000000&period=2026Q3&row=合计&col=7"
    assert link in report
    cell = client.get(
        "/reports/quarterly/cell/", {"node": "320100000000", "period": "2026Q3", "row": "合计", "col": "7"}
    )
    body = cell.content.decode()
    # Outcome 4 (需调查): E2 and W1 have no insurance; E1 has pension but no medical (未参全).
    assert "共 3 人" in body and all(name in body for name in ("甲", "乙", "丙"))
    assert E2 not in body and E2[:4] in body  # masked
    assert (
        "/reports/quarterly/?node=320100000000&amp;period=2026Q3" in body
        or "/reports/quarterly/?node=320100000000&period=2026Q3" in body
    )  # and back
    east = client.get(
        "/reports/quarterly/cell/",
        {"node": "320100000000", "period": "2026Q3", "row": "320102000000", "col": "7"},
    )
    assert "共 2 人" in east.content.decode() and "丙" not in east.content.decode()
    enrolled = client.get(
        "/reports/quarterly/cell/", {"node": "320100000000", "period": "2026Q3", "row": "合计", "col": "9"}
    )
    assert "共 2 人" in enrolled.content.decode()  # pension 91: 乙 and 丙
    web_login(client, "east_reviewer")
    outside = client.get(
        "/reports/quarterly/cell/", {"node": "320100000000", "period": "2026Q3", "row": "合计", "col": "7"}
    )
    assert outside.status_code == 404


def test_run_writes_the_report_files(run) -> None:  # type: ignore[no-untyped-def]
    persons = Path(run.result_dir) / "persons.parquet"
    counts = pq.read_table(persons.with_name(files.COUNTS))
    assert sum(counts.column("n").to_pylist()) == pq.read_metadata(persons).num_rows == 3
    assert pq.read_table(persons.with_name(files.BY_AREA)).column("AAB301").to_pylist() == sorted(
        ["320102001001", "320102001002", "320104002001"]
    )
    assert "report_counts" in run.timings and "persons_by_area" in run.timings


def test_breach_is_shown_with_row_column_and_persons(client: Client, run) -> None:  # type: ignore[no-untyped-def]
    path = Path(run.result_dir) / "persons.parquet"
    table = pq.read_table(path)
    rows = table.to_pylist()
    for r in rows:  # tamper: a non-local resident "entered directly" breaks 1 = 3 − 4 + 5 + 6 + 7
        if r["AAC002"] == E2:
            r["population_group"], r["outcome"] = 3, 1
    import pyarrow as pa

    pq.write_table(pa.Table.from_pylist(rows, schema=table.schema), path)
    files.prepare(path)  # the run's report files, as if the run had made these persons
    web_login(client, "east_reviewer")
    page = client.get("/reports/quarterly/", {"period": "2026Q3"}).content.decode()
    assert "逻辑关系校验未通过" in page and "320102001000 行，第 1 栏" in page
    people = client.get(
        "/reports/quarterly/cell/", {"node": "320102000000", "period": "2026Q3", "breach": "0"}
    ).content.decode()
    assert "共 1 人" in people and "乙" in people


def test_xlsx_has_the_form_layout_and_col1_entry(client: Client, run) -> None:  # type: ignore[no-untyped-def]
    web_login(client, "city_officer")
    client.post("/reports/quarterly/?period=2026Q3&node=320100000000", {"area": "320102000000", "count": "5"})
    assert HukouCount.objects.get(node_id="320102000000", period="2026Q3").count == 5
    response = client.get(
        "/reports/quarterly/", {"period": "2026Q3", "node": "320100000000", "format": "xlsx"}
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert "A1:R1" in merged and "A3:A4" in merged and "J3:L3" in merged  # title; 地区; 养老保险 over 9–11
    assert sheet["A1"].value == "全民参保登记基础数据情况表" and sheet["R2"].value == "单位：人"
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=6, max_row=8)]
    east = next(v for v in values if str(v[0]).startswith("东城区"))
    assert east[1] == 5 and east[2] == 2  # entered col 1; col 2 counted
    footer = " ".join(str(c.value) for row in sheet.iter_rows(min_row=9) for c in row if c.value)
    assert "单位负责人" in footer and "2026-10-25" in footer


def test_cell_export_downloads_under_the_threshold_and_asks_approval_above(
    client: Client, run, settings
) -> None:  # type: ignore[no-untyped-def]
    web_login(client, "city_officer")
    params = {"node": "320100000000", "period": "2026Q3", "row": "合计", "col": "7", "format": "xlsx"}
    small = client.get("/reports/quarterly/cell/", params)
    sheet = load_workbook(io.BytesIO(small.content)).active
    values = [c for row in sheet.iter_rows(values_only=True) for c in row]
    assert "乙" in values and E2 not in values and any(str(v).startswith("3201**") for v in values)
    settings.CANBAO = {**settings.CANBAO, "EXPORT_APPROVAL_THRESHOLD": 2}
    big = client.get("/reports/quarterly/cell/", params)
    assert big.status_code == 302 and big["Location"].startswith("/exports/new/")


def test_expansion_lists_count_by_area_and_list_the_persons(client: Client, run) -> None:  # type: ignore[no-untyped-def]
    web_login(client, "city_officer")
    index = client.get("/reports/expansion/").content.decode()
    assert "应参未参：养老保险" in index and "单位未予参保：医疗保险" in index
    listing = client.get("/reports/expansion/no_medical/").content.decode()
    assert "共 3 人" in listing  # none of the three has medical cover
    east = client.get("/reports/expansion/no_medical/", {"area": "320102000000"}).content.decode()
    assert "共 2 人" in east and "丙" not in east
    book = client.get("/reports/expansion/no_pension/", {"format": "xlsx"})
    values = [
        c for row in load_workbook(io.BytesIO(book.content)).active.iter_rows(values_only=True) for c in row
    ]
    assert "乙" in values and "丙" in values and "甲" not in values  # 甲 has pension 12
    web_login(client, "east_reviewer")
    assert "丙" not in client.get("/reports/expansion/no_medical/").content.decode()


def test_dashboard_figures_charts_and_drill(client: Client, run) -> None:  # type: ignore[no-untyped-def]
    import json
    import re

    web_login(client, "city_officer")
    page = client.get("/dashboard/", {"node": "320100000000"}).content.decode()
    assert 'id="kpi-rate">0.0%' in page and "echarts-6.1.0.min.js" in page
    data = json.loads(
        re.search(r'<script id="dashboard-data" type="application/json">(.*?)</script>', page, re.S).group(1)
    )  # type: ignore[union-attr]
    assert [a["name"] for a in data["areas"]] == ["东城区", "西城区"]
    assert data["coverage"][0] == {"name": "养老保险", "value": 33.3}  # 甲 of three, none exempt
    assert data["outcomes"] == [{"code": 4, "name": "4 需调查登记", "value": 3}]
    assert "/persons/?outcome=4&area=320100000000" in page  # a number opens the persons behind it
    web_login(client, "east_reviewer")
    assert client.get("/dashboard/", {"node": "320104000000"}).status_code == 404


def test_pdf_in_the_form_layout_from_page_and_cli(client: Client, run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import pypdfium2

    from canbao.cli.main import main

    web_login(client, "city_officer")
    response = client.get(
        "/reports/quarterly/", {"period": "2026Q3", "node": "320100000000", "format": "pdf"}
    )
    assert response["Content-Type"] == "application/pdf"
    out = tmp_path / "q.pdf"
    assert (
        main(["report", "quarterly", "--period", "2026Q3", "--node", "320100000000", "--out", str(out)]) == 0
    )
    for data in (response.content, out.read_bytes()):
        text = pypdfium2.PdfDocument(data)[0].get_textpage().get_text_range()
        squeezed = "".join(text.split())
        assert "全民参保登记基础数据情况表" in squeezed and "东城区" in squeezed and "合计" in squeezed
        assert "应参保未参保人数" in squeezed and "单位负责人" in squeezed and "2026-10-25" in squeezed
