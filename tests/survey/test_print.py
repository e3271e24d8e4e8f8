"""Printing a village: the forms PDF (text extracted and searched), the 汇总表 and 名册, the CLI, the pages."""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
import pypdfium2 as pdfium
import pytest
from tests.factories import make_id, web_login

from canbao.audit.models import AuditRecord
from canbao.audit.services import AuditActor
from canbao.cli.main import main
from canbao.registry.models import Person
from canbao.survey.models import Target
from canbao.survey.printing.service import village_print
from canbao.survey.printing.sheets import name_key
from canbao.survey.printing.source import village_for_operator

VILLAGE, WEST_VILLAGE = "320102001001", "320104002001"
OP = AuditActor("cli:test")
# Every ID number and phone of the test city (tests/factories.build_city), in full.
FULL_IDS = [make_id("320102", f"19{70 + i}0101", 10 + i) for i in range(6)] + [
    make_id("320104", f"19{80 + i}0505", 20 + i) for i in range(4)
]
FULL_PHONES = [f"1380000{i:04d}" for i in range(6)] + [f"1390000{i:04d}" for i in range(4)]


def pdf_text(data: bytes) -> tuple[int, str]:
    """Page count and the text of every page, whitespace removed (boxed characters come apart)."""
    doc = pdfium.PdfDocument(data)
    try:
        pages = []
        for i in range(len(doc)):
            page = doc[i]
            text = page.get_textpage().get_text_range()
            pages.append("".join(text.split()))
            page.close()
        return len(doc), "\n".join(pages)
    finally:
        doc.close()


def village_targets(survey, village: str = VILLAGE) -> list[Target]:  # type: ignore[no-untyped-def]
    return list(Target.objects.filter(campaign=survey.campaign, village_id=village).select_related("person"))


def assert_no_full_numbers(text: str) -> None:
    for number in FULL_IDS + FULL_PHONES:
        assert number not in text


# ------------------------------------------------------------------------------------------ the PDFs


def test_village_pdf_has_each_targets_name_and_masked_number_and_no_full_number(survey) -> None:
    targets = village_targets(survey)
    assert len(targets) >= 2
    accepted = targets[0]
    Target.objects.filter(pk=accepted.pk).update(state="accepted")  # no longer a current target
    doc = village_for_operator(village_code=VILLAGE, campaign_id=survey.campaign.pk)
    _name, data = village_print(doc=doc, output="forms", actor=OP)

    pages, text = pdf_text(data)
    assert pages == len(targets) - 1  # one page per current target
    for target in targets[1:]:
        assert target.person.aac003 in text
        assert target.person.aac002_masked in text
        assert target.person.aac002_masked.startswith("3201") and "*" in target.person.aac002_masked
    assert accepted.person.aac003 not in text
    assert "全民参保登记表" in text and "东一社区" in text and "未参保、信息缺失" in text
    assert_no_full_numbers(text)
    assert b"/FontFile" in data and b"NotoSansSC" in data  # the Chinese font travels inside the file
    record = AuditRecord.objects.filter(action="export", object_type="survey_print").latest("seq")
    detail = json.loads(record.detail)
    assert detail["persons"] == len(targets) - 1 and detail["masked"] is True


def test_forms_are_ordered_by_name_and_prefilled_from_the_registry(survey) -> None:
    targets = village_targets(survey)
    first = min(targets, key=lambda t: name_key(t.person.aac003))
    Person.objects.filter(pk=first.person.pk).update(
        aac010="测试省测试市东城区户籍地址", aic003="12", akc003="23"
    )
    doc = village_for_operator(village_code=VILLAGE, campaign_id=survey.campaign.pk)
    assert [p.name for p in doc.persons] == sorted((t.person.aac003 for t in targets), key=name_key)
    _name, data = village_print(doc=doc, output="forms", actor=OP)
    pdf = pdfium.PdfDocument(data)
    first_page = "".join(pdf[0].get_textpage().get_text_range().split())
    pdf.close()
    assert first.person.aac003 in first_page
    assert "测试省测试市东城区户籍地址" in first_page
    assert "12已参加城乡居民基本养老保险" in first_page and "23已参加新型农村合作医疗" in first_page


def test_summary_pdf_and_xlsx_hold_the_rows_masked(survey) -> None:
    targets = village_targets(survey)
    Person.objects.filter(pk=targets[0].person.pk).update(aac003="=HYPERLINK(1)", aic003="91")
    doc = village_for_operator(village_code=VILLAGE, campaign_id=survey.campaign.pk)

    _name, data = village_print(doc=doc, output="summary_pdf", actor=OP)
    pages, text = pdf_text(data)
    assert pages == 1 and "全民参保登记个人基础信息汇总表" in text
    for target in targets[1:]:
        assert target.person.aac003 in text and target.person.aac002_masked in text
    assert_no_full_numbers(text)

    name, data = village_print(doc=doc, output="summary_xlsx", actor=OP)
    assert name.endswith(".xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet["A1"].value == "全民参保登记个人基础信息汇总表"
    assert [sheet.cell(3, c).value for c in (6, 11)] == ["就业状态", "现参保情况"]
    assert [sheet.cell(4, c).value for c in (6, 7, 11, 15)] == ["单位全称", "无单位", "养老", "生育"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=5, max_row=4 + len(targets))]
    by_name = {r[1]: r for r in rows}
    assert set(by_name) == {"'=HYPERLINK(1)"} | {t.person.aac003 for t in targets[1:]}  # neutralised
    formula_row = by_name["'=HYPERLINK(1)"]
    assert formula_row[2] == targets[0].person.aac002_masked and formula_row[10] == "91"
    assert formula_row[15] == "未参保、信息缺失"
    cells = " ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value)
    assert_no_full_numbers(cells)


def test_roster_lists_targets_with_reasons_team_and_state_in_chinese(survey) -> None:
    doc = village_for_operator(village_code=VILLAGE, campaign_id=survey.campaign.pk)
    _name, data = village_print(doc=doc, output="roster", actor=OP)
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["序号", "对象类别", "编号", "姓名/单位名称"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert len(rows) == len(village_targets(survey))
    assert {r[9] for r in rows} == {"未参保、信息缺失"} and {r[11] for r in rows} == {"待调查"}
    assert all("*" in r[4] for r in rows)


def test_over_the_approval_threshold_is_refused_and_audited(survey, settings) -> None:
    from canbao.survey.printing.service import PrintRefused

    settings.CANBAO = {**settings.CANBAO, "EXPORT_APPROVAL_THRESHOLD": 1}
    doc = village_for_operator(village_code=VILLAGE, campaign_id=survey.campaign.pk)
    with pytest.raises(PrintRefused, match="超过 1 人"):
        village_print(doc=doc, output="forms", actor=OP)
    assert AuditRecord.objects.filter(object_type="survey_print", result="refused").exists()


# ---------------------------------------------------------------------------------------------- CLI


def test_cli_prints_the_open_campaign_of_the_latest_published_run(survey, tmp_path: Path, capsys) -> None:
    out = tmp_path / "village.pdf"
    assert main(["survey", "print", "--village", VILLAGE, "--out", str(out)]) == 0
    pages, text = pdf_text(out.read_bytes())
    targets = village_targets(survey)
    assert pages == len(targets)
    assert all(t.person.aac003 in text for t in targets)
    assert "入户调查" in capsys.readouterr().out
    assert AuditRecord.objects.filter(object_type="survey_print", actor__startswith="cli:").exists()


def test_cli_without_a_campaign_prints_whom_a_campaign_would_target(published, tmp_path: Path) -> None:
    out = tmp_path / "village.pdf"
    assert main(["survey", "print", "--village", VILLAGE, "--out", str(out)]) == 0
    expected = Person.objects.filter(outcome=4, placement_id=VILLAGE)
    pages, text = pdf_text(out.read_bytes())
    assert pages == expected.count() > 0
    assert all(p.aac003 in text and p.aac002_masked in text for p in expected)
    assert not any(p.aac003 in text for p in Person.objects.filter(outcome=1, placement_id=VILLAGE))


def test_cli_refusals(survey, tmp_path: Path, capsys) -> None:
    out = tmp_path / "x.pdf"
    assert main(["survey", "print", "--village", "320102001999", "--out", str(out)]) == 1
    assert main(["survey", "print", "--village", VILLAGE, "--out", str(out), "--campaign", "9999"]) == 1
    assert main(["survey", "print", "--village", VILLAGE, "--out", str(tmp_path / "x.txt")]) == 1
    assert "未找到" in capsys.readouterr().err
    assert not out.exists()


# ---------------------------------------------------------------------------------------------- web


@pytest.mark.parametrize("suffix", ["forms.pdf", "summary.pdf", "summary.xlsx", "roster.xlsx"])
def test_pages_serve_each_printout_to_the_village_assistant(survey, client, suffix: str) -> None:
    web_login(client, "east_village")
    response = client.get(f"/survey/{survey.campaign.pk}/village/{VILLAGE}/{suffix}")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert "attachment" in response["Content-Disposition"]
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert content[:4] == (b"%PDF" if suffix.endswith(".pdf") else b"PK\x03\x04")
    assert AuditRecord.objects.filter(object_type="survey_print", actor="east_village").exists()


@pytest.mark.parametrize(
    ("username", "village", "status"),
    [
        ("east_village", VILLAGE, 200),
        ("east_village", WEST_VILLAGE, 404),  # another county's village
        ("west_village", VILLAGE, 404),
        ("east_town", VILLAGE, 200),  # 初审
        ("east_reviewer", VILLAGE, 200),  # 审定
        ("east_reviewer", WEST_VILLAGE, 404),
        ("west_reviewer", WEST_VILLAGE, 200),
        ("city_officer", WEST_VILLAGE, 200),
        ("s1", VILLAGE, 404),  # a surveyor gets paper from the assistant
        ("viewer", VILLAGE, 404),
        ("east_village", "320102001000", 404),  # a township is not a village
    ],
)
def test_pages_are_scoped(survey, client, username: str, village: str, status: int) -> None:
    web_login(client, username)
    # The 名册: the same scoping as the PDFs (source.village_for_user), without the font's cost.
    response = client.get(f"/survey/{survey.campaign.pk}/village/{village}/roster.xlsx")
    assert response.status_code == status


def test_the_data_officer_prints_every_current_target_of_a_village(survey, client) -> None:
    web_login(client, "city_officer")
    response = client.get(f"/survey/{survey.campaign.pk}/village/{WEST_VILLAGE}/roster.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row - 1 == len(village_targets(survey, WEST_VILLAGE)) > 0


def test_unknown_campaign_is_not_found(survey, client) -> None:
    web_login(client, "east_village")
    assert client.get(f"/survey/{survey.campaign.pk + 1}/village/{VILLAGE}/roster.xlsx").status_code == 404


def test_page_refuses_over_the_threshold_in_chinese(survey, client, settings) -> None:
    settings.CANBAO = {**settings.CANBAO, "EXPORT_APPROVAL_THRESHOLD": 1}
    web_login(client, "east_village")
    response = client.get(f"/survey/{survey.campaign.pk}/village/{VILLAGE}/summary.pdf")
    assert response.status_code == 403
    assert "需经上一级审核员审批" in response.content.decode()


def test_names_sort_in_pinyin_order_as_paper_lists_do() -> None:
    names = ["张伟", "王芳", "安琪", "赵敏", "何涛", "陈静"]
    assert sorted(names, key=name_key) == ["安琪", "陈静", "何涛", "王芳", "张伟", "赵敏"]
