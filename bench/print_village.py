"""Time the printouts of one village of N synthetic targets (no database: the sheets are built in memory).

    .venv/bin/python bench/print_village.py --targets 500 [--png docs/images]

With --png, page 1 of the 登记表 and of the 汇总表 are rendered (pypdfium2, 150 dpi) to
survey-form.png and survey-summary.png in that folder: the pictures in the README and the ADR.
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from pathlib import Path

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉兰海燕晓东立新"
STREETS = ["百子亭", "丹凤街", "北京东路", "太平北路", "珠江路", "长江路"]


def synthetic(n: int, seed: int = 7):  # type: ignore[no-untyped-def]
    from canbao.engine.codes import code_name, insurance_lines
    from canbao.survey.printing.sheets import Area, PersonSheet, Status, UnitSheet, VillagePrint, name_key

    rnd = random.Random(seed)
    area = Area("江苏省", "南京市", "玄武区", "玄武门街道", "百子亭社区", "320102001001")
    lines = insurance_lines()
    persons = []
    for i in range(n):
        name = rnd.choice(SURNAMES) + "".join(rnd.choice(GIVEN) for _ in range(rnd.choice((1, 2))))
        codes = [rnd.choice(["", "12", "11", "91", "94"]), rnd.choice(["", "23", "21", "22", "91"]),
                 rnd.choice(["", "30", "91"]), rnd.choice(["", "40", "91"]), rnd.choice(["", "50", "91"])]  # fmt: skip
        employed = rnd.random() < 0.3
        persons.append(PersonSheet(
            target_id=1000 + i, name=name, id_masked=f"3201**********{rnd.randint(0, 9999):04d}",
            sex=rnd.choice(["男", "女"]), nation="汉族", birth=f"{rnd.randint(1950, 2010)}年0{rnd.randint(1, 9)}月1{rnd.randint(0, 9)}日",
            hukou=rnd.choice(["11", "21", "22", ""]), hukou_place="江苏省南京市玄武区",
            address="" if rnd.random() < 0.2 else f"玄武区{rnd.choice(STREETS)}{rnd.randint(1, 120)}号{rnd.randint(1, 8)}栋{rnd.randint(101, 1802)}室",
            phone_masked="" if rnd.random() < 0.3 else f"13{rnd.randint(0, 9)}****{rnd.randint(0, 9999):04d}",
            employer="南京玄武百货有限公司" if employed else "", employment="" if employed else rnd.choice(["1", "2", "3", "4", "5"]),
            identity=rnd.choice(["27", "24", "70", "80", "31", ""]), uninsured=rnd.choice(["", "20", "30", "40"]),
            statuses=[Status(line.name_zh, c, code_name(line.status_column, c) or "") for line, c in zip(lines, codes, strict=True)],
            reasons=rnd.sample(["未参保", "未参全", "中断", "信息缺失", "信息不准"], rnd.choice((1, 2))),
            team=f"第{rnd.randint(1, 4)}组", state="待调查",
        ))  # fmt: skip
    persons.sort(key=lambda p: name_key(p.name))
    units = [UnitSheet(9000, area.code, "320102U0001", "91320102MA1W2X3Y4B", "南京玄武百货有限公司", "10",
                       "玄武区北京东路 18 号", ["无参保记录"], "第1组", "待调查")]  # fmt: skip
    return VillagePrint(area, None, None, persons, units)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--targets", type=int, default=500)
    parser.add_argument("--png", type=Path)
    args = parser.parse_args()
    os.environ.setdefault("CANBAO_HOME", tempfile.mkdtemp(prefix="canbao-bench-print-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "canbao.settings")
    import django

    django.setup()
    from canbao.survey.printing.forms_pdf import forms_pdf
    from canbao.survey.printing.summary import roster_xlsx, summary_pdf, summary_xlsx

    doc = synthetic(args.targets)
    results = {}
    for label, render in (("登记表 PDF", forms_pdf), ("汇总表 PDF", summary_pdf),
                          ("汇总表 XLSX", summary_xlsx), ("名册 XLSX", roster_xlsx)):  # fmt: skip
        start = time.perf_counter()
        data = render(doc)
        results[label] = data
        print(
            f"{label}: {len(doc.persons)} 人 + {len(doc.units)} 单位，{time.perf_counter() - start:.2f} s，{len(data) / 1024:.0f} KiB"
        )
    if args.png:
        import pypdfium2 as pdfium

        args.png.mkdir(parents=True, exist_ok=True)
        for label, name in (("登记表 PDF", "survey-form.png"), ("汇总表 PDF", "survey-summary.png")):
            pdf = pdfium.PdfDocument(results[label])
            page = pdf[0]
            page.render(scale=150 / 72).to_pil().convert("L").save(args.png / name, optimize=True)
            page.close()
            pdf.close()
            print(f"→ {args.png / name}")


if __name__ == "__main__":
    main()
