"""The pre-filled 全民参保登记表 (44号 附件1, with the boxes of the 淮北 form of seeds/002) and the unit
form (the unit items of seeds/002), one page each, all the targets of a village in one PDF.

Boxes carry the entry codes of the survey form (户口性质 1-7 and 个人身份 1-14 of seeds/000 附件7,
就业状态 1-5 and 未参保原因 1-12 of seeds/002): what the surveyor ticks is what is typed in.
"""

from __future__ import annotations

from collections.abc import Callable

from canbao.engine.codes import get_table
from canbao.survey.printing.layout import GREY, HINT_FILL, PrintDoc
from canbao.survey.printing.sheets import (
    HUKOU_TABLE,
    IDENTITY_TABLE,
    UNINSURED_TABLE,
    Area,
    PersonSheet,
    UnitSheet,
    VillagePrint,
    short_code,
)

LEFT, WIDTH, LABEL_W = 15.0, 180.0, 28.0
NOTES = (
    "1. 本表由全民参保登记信息系统按登记库预先打印；公民身份号码、联系电话已脱敏，空白项为登记库缺失的信息，请入户核实后填写。",
    "2. 方框前的数字为信息录入代码，录入系统时填写该数字；现参保情况与登记库不符的，在“实际情况”栏填写。",
    "3. 登记对象为无独立民事行为能力人时，本表由其监护人签字确认；由指定代理人签字的，需附书面委托书或证明。",
    "4. 本表含个人信息，仅用于全民参保登记工作，不得提供给任何单位或个人；调查结束后按档案管理规定归档。",
)


def forms_pdf(doc: VillagePrint, progress: Callable[[int], None] | None = None) -> bytes:
    """Every person form, then every unit form, of the village: one page each."""
    pdf = PrintDoc(footer_left=doc.area.label, title=f"全民参保登记表 {doc.area.village}")
    for person in doc.persons:
        pdf.add_page()
        person_page(pdf, person, doc.area)
        if progress:
            progress(pdf.page_no())
    for unit in doc.units:
        pdf.add_page()
        unit_page(pdf, unit, doc.area)
        if progress:
            progress(pdf.page_no())
    if not doc.persons and not doc.units:
        pdf.add_page()
        pdf.put(LEFT, 60, WIDTH, 10, f"{doc.area.village}当前没有需要入户调查的对象。", size=12, align="C")
    return bytes(pdf.output())


def _head(pdf: PrintDoc, title: str, area: Area, target_id: int | None, hint: str) -> float:
    pdf.put(LEFT, 8, WIDTH, 5, f"编号：{target_id}" if target_id else "", size=8, align="R", color=GREY)
    pdf.title_text(22, title)
    # 省 市 县 乡镇 村: the names on underlines, the level under each (44号 附件1, first line).
    y, widths = 29.0, (30, 30, 36, 40, 44)
    names = (area.province, area.city, area.county, area.township, area.village)
    captions = ("省(自治区、直辖市)", "市(州)", "县(区)", "乡镇(街道)", "村(社区)")
    x = LEFT
    for w, name, caption in zip(widths, names, captions, strict=True):
        pdf.put(x + 1, y, w - 2, 6, name, size=10.5, align="C", pad=0)
        pdf.blank(x + 1, y + 6, w - 2, caption)
        x += w
    pdf.set_fill_color(*HINT_FILL)
    pdf.set_draw_color(210, 190, 130)
    pdf.rect(LEFT, 41, WIDTH, 6.5, style="DF")
    pdf.set_draw_color(0, 0, 0)
    pdf.put(LEFT, 41, WIDTH, 6.5, hint, size=8.5)
    return 50.0


def person_page(pdf: PrintDoc, p: PersonSheet, area: Area) -> None:
    hint = "调查原因（比对提示，供调查员参考）：" + ("、".join(p.reasons) or "—")
    if p.team:
        hint += f"　　调查小组：{p.team}"
    y = _head(pdf, "全民参保登记表", area, p.target_id, hint)
    x0, lw, vx, vw = LEFT, LABEL_W, LEFT + LABEL_W, WIDTH - LABEL_W

    h = 10.0
    pdf.label(x0, y, lw, h, "姓名")
    pdf.value(vx, y, 42, h, p.name, size=12)
    pdf.label(vx + 42, y, 16, h, "性别")
    pdf.value(vx + 58, y, 20, h, p.sex, align="C")
    pdf.label(vx + 78, y, 16, h, "民族")
    pdf.value(vx + 94, y, vw - 94, h, p.nation)
    y += h
    pdf.label(x0, y, lw, h, "公民身份号码")
    pdf.char_boxes(vx, y, 99, h, 18, p.id_masked)
    pdf.label(vx + 99, y, 20, h, "出生日期")
    pdf.value(vx + 119, y, vw - 119, h, p.birth, align="C")
    y += h
    hukou = [(s, n, s == p.hukou_short) for s, n in get_table(HUKOU_TABLE).codes.items()]
    pdf.label(x0, y, lw, h, "户口性质")
    pdf.rect(vx, y, vw, h)
    pdf.options(vx + 2, y + (h - 5.2) / 2, vw - 4, hukou, size=8.5)
    if p.hukou and not p.hukou_short:  # a registry code the paper form has no box for
        pdf.put(vx, y, vw, h, f"登记库：{p.hukou_name}", size=7, align="R", color=GREY)
    y += h
    pdf.label(x0, y, lw, h, "户口所在地")
    pdf.value(vx, y, vw, h, p.hukou_place)
    y += h
    pdf.label(x0, y, lw, h, "常住所在地地址", size=9)
    pdf.value(vx, y, vw, h, p.address)
    y += h
    pdf.label(x0, y, lw, h, "联系电话(手机)", size=9)
    pdf.value(vx, y, 52, h, p.phone_masked, size=11)
    pdf.label(vx + 52, y, 20, h, "固定电话")
    pdf.value(vx + 72, y, vw - 72, h, "")
    y += h

    # 就业状态: 1. 已单位就业 (with the employer) or 2. 无单位 (codes 1-5).
    h = 15.0
    pdf.label(x0, y, lw, h, "就业状态")
    pdf.rect(vx, y, vw, h)
    pdf.options(vx + 2, y + 1, 30, [("1.", "已单位就业", bool(p.employer))], size=8.5)
    pdf.put(vx + 31, y + 1, 26, 5.2, "工作单位全称：", size=8.5, pad=0)
    pdf.put(vx + 54, y + 1, vw - 56, 5.2, p.employer, size=9.5, pad=0)
    pdf.blank(vx + 54, y + 6, vw - 56)
    status = [
        (c, n, c == p.employment and not p.employer) for c, n in get_table("employment_status").codes.items()
    ]
    status[-1] = (status[-1][0], "已办理离退休手续或已领取养老待遇", status[-1][2])
    pdf.put(vx + 2, y + 8, 18, 5.2, "2. 无单位：", size=8.5, pad=0)
    pdf.options(vx + 19, y + 8, vw - 21, status, size=8, gap=2.0)
    y += h

    identity = [(s, n, s == p.identity_short) for s, n in get_table(IDENTITY_TABLE).codes.items()]
    h = max(10.0, pdf.options_height(vw - 4, identity) + 3)
    pdf.label(x0, y, lw, h, "个人身份")
    pdf.rect(vx, y, vw, h)
    pdf.options(vx + 2, y + 1.5, vw - 4, identity)
    y += h

    # 现参保情况: the five lines as the registry holds them, and a column to confirm or correct.
    h = 7.0
    pdf.label(x0, y, lw, h, "险种", size=9)
    pdf.label(vx, y, 74, h, "登记库参保状态（比对结果）", size=9)
    pdf.label(vx + 74, y, vw - 74, h, "入户核实（相符打√，不符填写实际情况）", size=9)
    y += h
    for status_row in p.statuses:
        h = 8.0
        pdf.label(x0, y, lw, h, status_row.line, size=9.5)
        text = f"{status_row.code} {status_row.name}" if status_row.code else ""
        pdf.value(vx, y, 74, h, text, size=9)
        pdf.rect(vx + 74, y, vw - 74, h)
        pdf.options(vx + 76, y + (h - 5.2) / 2, 20, [("", "相符", False)], size=8.5)
        pdf.put(vx + 94, y, 20, h, "实际情况：", size=8.5, pad=0)
        pdf.blank(vx + 110, y + h - 2, vw - 112)
        y += h
    pdf.set_line_width(0.6)  # the 现参保情况 block, framed as on the form
    pdf.rect(x0, y - 7 - 8 * len(p.statuses), WIDTH, 7 + 8 * len(p.statuses))
    pdf.set_line_width(0.3)

    uninsured = _uninsured_items(p.uninsured)
    h = pdf.options_height(vw - 4, uninsured) + 3
    pdf.label(x0, y, lw, h, "未参保原因", size=10)
    pdf.rect(vx, y, vw, h)
    pdf.options(vx + 2, y + 1.5, vw - 4, uninsured)
    y += h
    h = 11.0
    pdf.label(x0, y, lw, h, "备注")
    pdf.rect(vx, y, vw, h)
    y += h

    pdf.set_line_width(0.6)
    pdf.rect(x0, 50, WIDTH, y - 50)
    pdf.set_line_width(0.3)
    y = _declaration(pdf, y + 3)
    _signatures(pdf, y, ("调查员（经办人）签名：", "复核人签名："))
    _notes(pdf, y + 10, NOTES)


def _uninsured_items(unified: str) -> list[tuple[str, str, bool]]:
    table = get_table(UNINSURED_TABLE)
    ticked = short_code(UNINSURED_TABLE, unified) if unified else ""
    # 91-93 are the same boxes under 41号 numbers: the paper shows the twelve boxes once.
    return [(c, n, c == ticked) for c, n in table.codes.items() if len(c) < 2 or int(c) <= 12]


def _declaration(pdf: PrintDoc, y: float) -> float:
    pdf.put(LEFT, y, WIDTH, 6, "本人声明：我已知悉本表告知事项，并据实填写本人相关事项。", size=9.5, pad=0)
    pdf.put(LEFT + 70, y + 8, 50, 6, "本人/监护人/指定代理人签名：", size=9, pad=0)
    pdf.blank(LEFT + 118, y + 13, 30)
    pdf.put(LEFT + 150, y + 8, 30, 6, "年　　月　　日", size=9, align="R", pad=0)
    return y + 17


def _signatures(pdf: PrintDoc, y: float, labels: tuple[str, str]) -> None:
    pdf.put(LEFT, y, 36, 6, labels[0], size=9.5, pad=0)
    pdf.blank(LEFT + 36, y + 5.5, 32)
    pdf.put(LEFT + 74, y, 22, 6, labels[1], size=9.5, pad=0)
    pdf.blank(LEFT + 96, y + 5.5, 32)
    pdf.put(LEFT + 134, y, 46, 6, "日期：　　　年　　月　　日", size=9.5, align="R", pad=0)


def _notes(pdf: PrintDoc, y: float, notes: tuple[str, ...]) -> None:
    pdf.put(LEFT, y, WIDTH, 5, "填写说明", size=8.5, pad=0)
    y += 5
    for note in notes:
        pdf.size(7.5)
        lines = pdf.wrap(note, WIDTH - 4)
        for i, line in enumerate(lines):
            pdf.set_text_color(*GREY)
            pdf.text(LEFT + (4 if i else 0), y + 3, line)
            pdf.set_text_color(0, 0, 0)
            y += 3.8


def unit_page(pdf: PrintDoc, u: UnitSheet, area: Area) -> None:
    hint = "调查原因（比对提示，供调查员参考）：" + ("、".join(u.reasons) or "—")
    if u.team:
        hint += f"　　调查小组：{u.team}"
    y = _head(pdf, "全民参保登记表（用人单位）", area, u.target_id, hint)
    x0, lw = LEFT, 36.0
    vx, vw = x0 + lw, WIDTH - lw
    h = 10.0
    pdf.label(x0, y, lw, h, "行政区划代码")
    pdf.char_boxes(vx, y, 72, h, 12, u.division)
    pdf.label(vx + 72, y, 22, h, "单位编号")
    pdf.value(vx + 94, y, vw - 94, h, u.aab001, align="C")
    y += h
    pdf.label(x0, y, lw, h, "统一社会信用代码")
    pdf.char_boxes(vx, y, vw, h, 18, u.aab998)
    y += h
    pdf.label(x0, y, lw, h, "单位名称")
    pdf.value(vx, y, vw, h, u.name, size=11)
    y += h
    kinds = [(c, n, c == u.kind) for c, n in get_table("AAB019").codes.items()]
    h = pdf.options_height(vw - 4, kinds, size=8) + 3
    pdf.label(x0, y, lw, h, "单位类型")
    pdf.rect(vx, y, vw, h)
    pdf.options(vx + 2, y + 1.5, vw - 4, kinds, size=8)
    y += h
    h = 10.0
    pdf.label(x0, y, lw, h, "单位地址")
    pdf.value(vx, y, vw, h, u.address)
    y += h
    pdf.label(x0, y, lw, h, "联系人")
    pdf.value(vx, y, 50, h, "")
    pdf.label(vx + 50, y, 24, h, "联系电话")
    pdf.value(vx + 74, y, vw - 74, h, "")
    y += h
    h = 16.0
    pdf.label(x0, y, lw, h, "参保情况")
    pdf.rect(vx, y, vw, h)
    pdf.options(vx + 2, y + 2, 40, [("", "已为职工参保", False)], size=9)
    pdf.put(vx + 40, y + 2, 24, 5.2, "参保人数：", size=9, pad=0)
    pdf.blank(vx + 58, y + 7, 20)
    pdf.put(vx + 79, y + 2, 8, 5.2, "人", size=9, pad=0)
    pdf.options(vx + 2, y + 9, 40, [("", "未参保", False)], size=9)
    pdf.put(vx + 40, y + 9, 24, 5.2, "未参保原因：", size=9, pad=0)
    pdf.blank(vx + 60, y + 14, vw - 62)
    y += h
    h = 24.0
    pdf.label(x0, y, lw, h, "备注")
    pdf.rect(vx, y, vw, h)
    y += h
    pdf.set_line_width(0.6)
    pdf.rect(x0, 50, WIDTH, y - 50)
    pdf.set_line_width(0.3)
    y += 6
    pdf.put(LEFT, y, WIDTH, 6, "单位声明：以上信息经本单位核实无误。", size=9.5, pad=0)
    pdf.put(LEFT + 80, y + 8, 40, 6, "单位经办人签名（盖章）：", size=9, pad=0)
    pdf.blank(LEFT + 120, y + 13, 28)
    pdf.put(LEFT + 150, y + 8, 30, 6, "年　　月　　日", size=9, align="R", pad=0)
    y += 22
    _signatures(pdf, y, ("调查员（经办人）签名：", "复核人签名："))
    _notes(pdf, y + 10, (
        "1. 统一社会信用代码为 18 位；尚未取得的，填写组织机构代码或工商注册号并在备注中说明。",
        "2. 单位类型在对应方框内打√，方框前的数字为信息录入代码。",
        "3. 本表仅用于全民参保登记工作，调查结束后按档案管理规定归档。",
    ))  # fmt: skip
