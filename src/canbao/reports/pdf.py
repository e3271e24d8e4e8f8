"""The quarterly report as PDF in the form's layout (landscape A4, the two-row header, signature lines),
drawn with the printing primitives of the survey forms (embedded Noto Sans SC, ADR 0009)."""

from __future__ import annotations

from canbao.engine.report.quarterly import TOTAL
from canbao.reports import quarters
from canbao.reports.export import GROUPS, SINGLE, SUB, TITLE
from canbao.reports.services import QuarterReport
from canbao.survey.printing.layout import PrintDoc

LEFT, AREA_W, COL_W = 8.0, 41.0, 14.3  # 41 + 17 × 14.3 = 284 mm of a 297 mm page
ROW_H, ROWS_PER_PAGE = 6.0, 20


def to_pdf(q: QuarterReport) -> bytes:
    pdf = PrintDoc(landscape=True, footer_left=f"{q.node.name} {q.period}", title=f"{TITLE} {q.period}")
    pdf.set_margins(LEFT, 10, LEFT)
    rows = [*q.report.rows, q.report.total]
    for start in range(0, len(rows), ROWS_PER_PAGE):
        pdf.add_page()
        _page(pdf, q, rows[start : start + ROWS_PER_PAGE], last=start + ROWS_PER_PAGE >= len(rows))
    return bytes(pdf.output())


def _x(col: int) -> float:
    return LEFT + AREA_W + (col - 1) * COL_W


def _page(pdf: PrintDoc, q: QuarterReport, rows: list, *, last: bool) -> None:  # type: ignore[type-arg]
    pdf.title_text(16, TITLE, size=16, spacing=1)
    pdf.put(LEFT, 20, 120, 6, f"填报单位：{q.node.name}（{q.node.code}）", size=9, pad=0)
    pdf.put(LEFT + 110, 20, 60, 6, f"{q.period[:4]} 年第 {q.period[-1]} 季度", size=9, align="C", pad=0)
    pdf.put(LEFT + 224, 20, 60, 6, "单位：人", size=9, align="R", pad=0)
    top, h1, h2, h3 = 27.0, 8.0, 12.0, 5.0
    pdf.label(LEFT, top, AREA_W, h1 + h2, "地区", size=8.5)
    for col, name in SINGLE.items():
        pdf.label(_x(col), top, COL_W, h1 + h2, name, size=6.5)
    for name, start, end in GROUPS:
        span = (end - start + 1) * COL_W
        if start == end:
            pdf.label(_x(start), top, span, h1, name, size=7)
        else:
            pdf.label(_x(start), top, span, h1, name, size=8)
        for col in range(start, end + 1):
            pdf.label(_x(col), top + h1, COL_W, h2, SUB[col], size=6.5)
    y = top + h1 + h2
    pdf.label(LEFT, y, AREA_W, h3, "甲", size=7)
    for col in range(1, 18):
        pdf.label(_x(col), y, COL_W, h3, str(col), size=7)
    y += h3
    for row in rows:
        name = row.name if row.code == TOTAL else f"{row.name}"
        pdf.value(LEFT, y, AREA_W, ROW_H, name, size=8)
        for col in range(1, 18):
            pdf.value(_x(col), y, COL_W, ROW_H, f"{row.cells[col]:,}", size=7.5, align="R")
        y += ROW_H
    if last:
        y += 4
        for i, label in enumerate(("单位负责人：", "填表人：", "联系电话：", "报出日期：")):
            pdf.put(LEFT + i * 70, y, 20, 6, label, size=9, pad=0)
            pdf.blank(LEFT + i * 70 + 20, y + 6, 42)
        y += 9
        pdf.put(LEFT, y, 280, 5, f"报送时间：季后 25 日内（本季度应于 {quarters.due(q.period).isoformat()} 前报出）。"
                                 f"数据来源：比对批次 #{q.run.pk}（比对基准日 {q.run.as_of}）。"
                                 "逻辑关系：第1栏 = 第3栏 − 第4栏 + 第5栏 + 第6栏 + 第7栏；第8栏 ≤ 第7栏；第4栏 ≤ 第3栏。",
                size=7, pad=0)  # fmt: skip
