"""The quarterly report as files: CSV (cli.md) and XLSX in the form's layout (41号 附件3)."""

from __future__ import annotations

import csv
import io

import xlsxwriter

from canbao.core.masking import neutralise_cell
from canbao.engine.report.quarterly import TOTAL, Row
from canbao.reports import quarters
from canbao.reports.services import QuarterReport

TITLE = "全民参保登记基础数据情况表"
COLS = range(1, 18)
SINGLE = {1: "户籍人口数", 2: "已获得数据人数", 3: "本地参保直接入库人数", 4: "其中：非本地户籍参保人数",
          5: "省内异地参保确认入库人数", 6: "省外异地参保确认入库人数", 7: "需调查核实人数", 8: "其中：已核实入库人数"}  # fmt: skip
GROUPS = [
    ("养老保险", 9, 11),
    ("医疗保险", 12, 14),
    ("工伤保险", 15, 15),
    ("失业保险", 16, 16),
    ("生育保险", 17, 17),
]
SUB = {9: "应参保未参保人数", 10: "重复参保人数", 11: "重复享受待遇人数", 12: "应参保未参保人数", 13: "重复参保人数",
       14: "重复享受待遇人数", 15: "应参保未参保人数", 16: "应参保未参保人数", 17: "应参保未参保人数"}  # fmt: skip


def _rows(q: QuarterReport) -> list[Row]:
    return [*q.report.rows, q.report.total]


def to_csv(q: QuarterReport) -> bytes:
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\r\n")
    out.writerow(["AAB301", *map(str, COLS)])
    for row in _rows(q):
        out.writerow([TOTAL if row.code == TOTAL else row.code, *(row.cells[c] for c in COLS)])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def to_xlsx(q: QuarterReport, *, unit_name: str = "") -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False}
    )
    sheet = book.add_worksheet(q.period)
    title = book.add_format({"bold": True, "font_size": 16, "align": "center", "valign": "vcenter"})
    head = book.add_format({"bold": True, "border": 1, "align": "center", "valign": "vcenter", "text_wrap": True,
                            "bg_color": "#F2F2F2"})  # fmt: skip
    cell = book.add_format({"border": 1, "num_format": "#,##0"})
    text = book.add_format({"border": 1})
    total_fmt = book.add_format({"border": 1, "bold": True, "num_format": "#,##0"})
    last = 17
    sheet.merge_range(0, 0, 0, last, TITLE, title)
    sheet.write(1, 0, f"填报单位：{neutralise_cell(unit_name or q.node.name)}")
    sheet.write(1, 8, f"{q.period[:4]} 年第 {q.period[-1]} 季度")
    sheet.write(1, last, "单位：人")
    # Two-row header: single columns merged down, insurance lines merged across their sub-items.
    sheet.merge_range(2, 0, 3, 0, "地区", head)
    for col, name in SINGLE.items():
        sheet.merge_range(2, col, 3, col, name, head)
    for name, start, end in GROUPS:
        if start == end:
            sheet.write(2, start, name, head)
        else:
            sheet.merge_range(2, start, 2, end, name, head)
        for col in range(start, end + 1):
            sheet.write(3, col, SUB[col], head)
    sheet.write(4, 0, "甲", head)
    for col in COLS:
        sheet.write_number(4, col, col, head)
    r = 5
    for row in _rows(q):
        fmt = total_fmt if row.code == TOTAL else cell
        sheet.write(
            r, 0, neutralise_cell(row.name if row.code == TOTAL else f"{row.name}（{row.code}）"), text
        )
        for col in COLS:
            sheet.write_number(r, col, row.cells[col], fmt)
        r += 1
    r += 1
    sheet.write(r, 0, "单位负责人：")
    sheet.write(r, 5, "填表人：")
    sheet.write(r, 10, "联系电话：")
    sheet.write(r, 14, "报出日期：")
    sheet.write(r + 1, 0, f"报送时间：季后 25 日内（本季度应于 {quarters.due(q.period).isoformat()} 前报出）；"
                          f"数据来源：比对批次 #{q.run.pk}（比对基准日 {q.run.as_of}）")  # fmt: skip
    sheet.set_column(0, 0, 26)
    sheet.set_column(1, last, 11)
    sheet.set_row(2, 30)
    sheet.set_row(3, 42)
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
    book.close()
    return buffer.getvalue()
