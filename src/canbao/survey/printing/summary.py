"""The 全民参保登记个人基础信息汇总表 of a village (seeds/000 附件7, 44号 附件2) as PDF and XLSX, and the
target list (名册) as XLSX.

The 汇总表 uses the short codes of the 遂宁 填表须知 (户口性质 1-7, 个人身份 1-14) and the 41号 status
codes for the five insurances; a legend under the table says what each number means. Its last page
is topped up with empty rows for persons found at the door (44号 第十八条).
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import xlsxwriter

from canbao.core.masking import neutralise_cell
from canbao.core.xlsx import Sheet, xlsx_bytes
from canbao.engine.codes import get_table
from canbao.survey.printing.layout import GREY, PrintDoc
from canbao.survey.printing.sheets import HUKOU_TABLE, IDENTITY_TABLE, PersonSheet, VillagePrint

TITLE = "全民参保登记个人基础信息汇总表"
# (header, sub-header or "", width in mm on landscape A4, lines a cell may wrap to)
COLUMNS: list[tuple[str, str, float, int]] = [
    ("序号", "", 8, 1), ("姓名", "", 18, 1), ("公民身份证号码", "", 36, 1), ("个人身份", "", 14, 1),
    ("户口性质", "", 14, 1), ("就业状态", "单位全称", 30, 2), ("就业状态", "无单位", 12, 1),
    ("户口所在地", "", 28, 2), ("常住所在地地址", "", 34, 2), ("联系电话\n(手机)", "", 22, 1),
    ("现参保情况", "养老", 9, 1), ("现参保情况", "医疗", 9, 1), ("现参保情况", "工伤", 9, 1),
    ("现参保情况", "失业", 9, 1), ("现参保情况", "生育", 9, 1), ("备注", "", 16, 2),
]  # fmt: skip
ROWS_PER_PAGE, ROW_H = 14, 9.0


def summary_row(n: int, p: PersonSheet) -> list[str]:
    return [
        str(n), p.name, p.id_masked, p.identity_short or p.identity_name, p.hukou_short or p.hukou_name,
        p.employer, "" if p.employer else p.employment, p.hukou_place, p.address, p.phone_masked,
        *(s.code for s in p.statuses), "、".join(p.reasons),
    ]  # fmt: skip


def legend() -> list[str]:
    def codes(table: str) -> str:
        return " ".join(f"{c} {n}" for c, n in get_table(table).codes.items())

    return [
        f"户口性质：{codes(HUKOU_TABLE)}；个人身份：{codes(IDENTITY_TABLE)}",
        f"无单位：{codes('employment_status')}；现参保情况填登记库参保状态代码：11–15、21–27、30、40、50 已参加对应险种，"
        "81 省内异地参保，82 省外异地参保，91 个人未参保，92 单位未予参保，93 参军、出国、判刑等，94 中断，95 不需参加该险种",
    ]


def _groups() -> list[tuple[str, float, int]]:
    """Top header cells: (text, width, number of columns it spans)."""
    out: list[tuple[str, float, int]] = []
    for head, _sub, width, _ in COLUMNS:
        if out and out[-1][0] == head:
            out[-1] = (head, out[-1][1] + width, out[-1][2] + 1)
        else:
            out.append((head, width, 1))
    return out


def summary_pdf(doc: VillagePrint) -> bytes:
    pdf = PrintDoc(landscape=True, footer_left=doc.area.label, title=f"{TITLE} {doc.area.village}")
    pdf.set_margins(10, 10, 10)
    rows = [summary_row(i, p) for i, p in enumerate(doc.persons, start=1)]
    blanks = (-len(rows)) % ROWS_PER_PAGE or (ROWS_PER_PAGE if not rows else 0)
    rows += [[""] * len(COLUMNS) for _ in range(blanks)]
    for start in range(0, len(rows), ROWS_PER_PAGE):
        pdf.add_page()
        _summary_page(pdf, doc, rows[start : start + ROWS_PER_PAGE])
    return bytes(pdf.output())


def _summary_page(pdf: PrintDoc, doc: VillagePrint, rows: Sequence[Sequence[str]]) -> None:
    left = 10.0
    pdf.title_text(17, TITLE, size=16, spacing=1)
    area = doc.area
    x: float = left
    y: float = 21.0
    for name, caption, span in ((area.city, "市(州)", 34.0), (area.county, "县(区)", 34.0),
                                (area.township, "镇(街道)", 40.0), (area.village, "村(社区)", 40.0)):  # fmt: skip
        pdf.put(x, y, span - 12, 6, name, size=10, align="C", pad=0)
        pdf.blank(x, y + 6, span - 12)
        pdf.put(x + span - 12, y, 12, 6, caption, size=8.5, pad=0.5)
        x += span
    pdf.put(x + 6, y, 14, 6, "经办人：", size=9, pad=0)
    pdf.blank(x + 20, y + 6, 30)
    pdf.put(x + 54, y, 10, 6, "电话：", size=9, pad=0)
    pdf.blank(x + 64, y + 6, 30)

    top, h1, h2 = 30.0, 7.0, 6.0
    x = float(left)
    for (text, width, span), first in zip(_groups(), _first_columns(), strict=True):
        has_sub = bool(COLUMNS[first][1])
        pdf.label(x, top, width, h1 if has_sub else h1 + h2, text, size=8.5)
        if has_sub:
            sx = x
            for _head, sub, w, _ in COLUMNS[first : first + span]:
                pdf.label(sx, top + h1, w, h2, sub, size=8)
                sx += w
        x += width
    y = top + h1 + h2
    for row in rows:
        x = left
        for value, (_h, _s, w, lines) in zip(row, COLUMNS, strict=True):
            pdf.rect(x, y, w, ROW_H)
            if value:
                pdf.size(8)
                if lines > 1 and pdf.width(value) > w - 2:
                    pdf.put_lines(x, y, w, ROW_H, value, size=7, max_lines=lines, pad=0.8)
                else:
                    pdf.put(x, y, w, ROW_H, value, size=8, align="C" if w <= 14 else "L", pad=0.8, min_size=6)
            x += w
        y += ROW_H
    pdf.set_line_width(0.6)
    pdf.rect(left, top, sum(c[2] for c in COLUMNS), y - top)
    pdf.set_line_width(0.3)
    y += 2.5
    for i, (label, w) in enumerate((("复核人：", 70), ("负责人：", 70))):
        pdf.put(left + i * 80, y, 14, 6, label, size=9, pad=0)
        pdf.blank(left + i * 80 + 14, y + 6, w - 20)
    pdf.put(left + 160, y, 117, 6, "填报时间：　　　　年　　月　　日", size=9, align="R", pad=0)
    y += 8
    for line in legend():
        pdf.size(6.5)
        for part in pdf.wrap(line, 277):
            pdf.set_text_color(*GREY)
            pdf.text(left, y + 2.5, part)
            y += 3.2
    pdf.set_text_color(0, 0, 0)


def _first_columns() -> list[int]:
    firsts, i = [], 0
    for _text, _w, span in _groups():
        firsts.append(i)
        i += span
    return firsts


def summary_xlsx(doc: VillagePrint) -> bytes:
    """The same table in Excel: title, area line, the two header rows of the form, one row a person."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False, "strings_to_numbers": False})  # fmt: skip
    title = book.add_format({"bold": True, "font_size": 16, "align": "center", "valign": "vcenter"})
    plain = book.add_format({"font_size": 10})
    head = book.add_format({"bold": True, "border": 1, "align": "center", "valign": "vcenter",
                            "text_wrap": True, "bg_color": "#ECF0F5", "font_size": 10})  # fmt: skip
    cell = book.add_format({"border": 1, "valign": "vcenter", "text_wrap": True, "font_size": 10})
    small = book.add_format({"font_size": 8, "font_color": "#6E6E6E", "text_wrap": True})
    ws = book.add_worksheet("汇总表")
    last = len(COLUMNS) - 1
    ws.merge_range(0, 0, 0, last, TITLE, title)
    ws.set_row(0, 30)
    a = doc.area
    line = f"{a.city} 市(州)　{a.county} 县(区)　{a.township} 镇(街道)　{a.village} 村(社区)　经办人：　　　　电话："
    ws.merge_range(1, 0, 1, last, _text(line), plain)
    col = 0
    for (text, _w, span), first in zip(_groups(), _first_columns(), strict=True):
        if COLUMNS[first][1]:
            if span > 1:
                ws.merge_range(2, col, 2, col + span - 1, text, head)
            else:
                ws.write_string(2, col, text, head)
            for j in range(span):
                ws.write_string(3, col + j, COLUMNS[first + j][1], head)
        else:
            ws.merge_range(2, col, 3, col, text, head)
        col += span
    for j, (_h, _s, width, _l) in enumerate(COLUMNS):
        ws.set_column(j, j, max(5.0, width / 2.1))
    row = 4
    for n, person in enumerate(doc.persons, start=1):
        for j, value in enumerate(summary_row(n, person)):
            ws.write_string(row, j, _text(value), cell)
        row += 1
    row += 1
    ws.write_string(row, 0, "复核人：", plain)
    ws.write_string(row, 5, "负责人：", plain)
    ws.write_string(row, 10, "填报时间：　　年　　月　　日", plain)
    for text in legend():
        row += 1
        ws.merge_range(row, 0, row, last, _text(text), small)
        ws.set_row(row, 24)
    ws.freeze_panes(4, 2)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(2, 3)
    book.close()
    return buffer.getvalue()


def _text(value: str) -> str:
    return str(neutralise_cell(value))


ROSTER_HEADER = ["序号", "对象类别", "编号", "姓名/单位名称", "公民身份号码/统一社会信用代码", "性别",
                 "出生日期", "联系电话", "常住所在地地址/单位地址", "调查原因", "调查小组", "状态"]  # fmt: skip


def roster_xlsx(doc: VillagePrint) -> bytes:
    """The 名册: every current target of the village, persons then units (masked)."""
    rows: list[list[object]] = []
    for p in doc.persons:
        rows.append(["", "人员", p.target_id or "", p.name, p.id_masked, p.sex, p.birth, p.phone_masked,
                     p.address, "、".join(p.reasons), p.team, p.state])  # fmt: skip
    for u in doc.units:
        rows.append(["", "单位", u.target_id or "", u.name, u.aab998, "", "", "", u.address,
                     "、".join(u.reasons), u.team, u.state])  # fmt: skip
    for n, r in enumerate(rows, start=1):
        r[0] = n
    data, _ = xlsx_bytes([Sheet(f"入户调查名册-{doc.area.village}"[:31], ROSTER_HEADER, rows)])
    return data
