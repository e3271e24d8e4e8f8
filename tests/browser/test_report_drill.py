"""Issue 7 in a browser: from a 合计 cell of the quarterly report to the persons behind it, and back."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from tests.browser.test_staff_pages import click_through, log_in, path_of
from tests.factories import OPERATOR, make_id

from canbao.comparison.imports import import_extract
from canbao.comparison.runs import comparison_run

pytestmark = pytest.mark.browser
E1, E2 = make_id("320102", "19700101", 81), make_id("320102", "19800101", 82)


@pytest.fixture
def run(city, tmp_path: Path):  # type: ignore[no-untyped-def]
    register = tmp_path / "reg.csv"
    register.write_text("AAC002,AAC003,AAB301,AAE006,hukou_status\n"
                        f"{E1},甲,320102001001,东一社区1号,1\n{E2},乙,320102001002,东二社区2号,1\n", encoding="utf-8")  # fmt: skip
    import_extract(path=register, kind="household_register", as_of=dt.date(2026, 9, 30), actor=OPERATOR)
    return comparison_run(as_of=dt.date(2026, 9, 30), actor=OPERATOR)


def test_drill_from_total_cell_to_persons_and_back(page: Any, run) -> None:  # type: ignore[no-untyped-def]
    log_in(page, "city_officer")
    page.goto("/reports/quarterly/?node=320100000000&period=2026Q3")
    assert "逻辑关系校验通过" in page.content()
    total_row = page.locator("table.report tr.total")
    cell = total_row.locator("td").nth(6)  # column 7: 需调查核实人数
    assert cell.inner_text().strip() == "2"
    click_through(page, cell.locator("a"))
    assert path_of(page).startswith("/reports/quarterly/cell/")
    body = page.content()
    assert "共 2 人" in body and "甲" in body and "乙" in body and E1 not in body
    click_through(page, page.get_by_role("link", name="返回报表"))
    assert path_of(page).startswith("/reports/quarterly/") and page.locator("table.report").is_visible()


def test_dashboard_draws_the_quarters_and_opens_a_quarters_report(page: Any, city, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from tests.reports.test_dashboard_quarters import make_run

    make_run(tmp_path / "q1", dt.date(2026, 3, 31), 2)
    make_run(tmp_path / "q3", dt.date(2026, 9, 30), 4)
    log_in(page, "east_reviewer")
    page.goto("/dashboard/")
    chart = page.locator("#chart-quarters svg")
    chart.wait_for()  # ECharts drew it: the quarters on the axis, 2026Q2 (no report) among them
    assert all(p in chart.inner_html() for p in ("2026Q1", "2026Q2", "2026Q3"))
    assert "无报表" in page.locator("table#quarters").inner_text()
    click_through(page, page.locator("table#quarters").get_by_role("link", name="2026Q1"))
    assert path_of(page) == "/reports/quarterly/?node=320102000000&period=2026Q1"
    assert page.locator("table.report").is_visible()
