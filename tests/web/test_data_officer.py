"""The data officer's pages: upload → import job → report; compare job → summary, lists, exports.

Everything is scoped (a county officer reads its county only; others get the 404 page) and audited.
"""

from __future__ import annotations

import csv
import io
import os
import stat
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook
from tests.factories import OPERATOR, PASSWORD, make_id, staff_create, web_login

from canbao.audit.models import AuditRecord
from canbao.comparison.models import ComparisonRun, ImportBatch
from canbao.core.home import sub
from canbao.core.masking import mask_id
from canbao.engine.validate.creditcode import calc_credit_check_char
from canbao.jobs.models import Job
from canbao.jobs.worker import Worker

AS_OF = "2026-09-30"
EAST_VILLAGE, EAST_VILLAGE2, WEST_VILLAGE = "320102001001", "320102001002", "320104002001"
E1 = make_id("320102", "19700101", 31)
E2 = make_id("320102", "19800202", 32)
E_DEAD = make_id("320102", "19500303", 33)
W1 = make_id("320104", "19900303", 41)
W_DEAD = make_id("320104", "19450404", 42)
_bad = make_id("320102", "19700101", 34)
BAD_ID = _bad[:-1] + ("0" if _bad[-1] != "0" else "1")  # wrong check character: unlinked
EAST_UNIT = "91320102MA1ABCDE1" + calc_credit_check_char("91320102MA1ABCDE1")
WEST_UNIT = "91320104MA1ABCDE2" + calc_credit_check_char("91320104MA1ABCDE2")
NOWHERE_UNIT = "91320199MA1ABCDE3" + calc_credit_check_char("91320199MA1ABCDE3")  # no area: the root node
FORMULA = '=HYPERLINK("http://example.com","点我")'


def csv_bytes(rows: list[list[str]]) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue().encode("utf-8")


REGISTER = [
    ["AAC002", "AAC003", "AAC004", "AAB301", "AAE006", "hukou_status"],
    [E1, "张三", "1", EAST_VILLAGE, "东一社区1号", "1"],
    [E2, "李四", "", EAST_VILLAGE2, "东二社区2号", "1"],
    [E_DEAD, "王老", "1", EAST_VILLAGE, "东一社区3号", "1"],
    [W1, "王五", "", WEST_VILLAGE, "西一村1号", "1"],
    [W_DEAD, "赵老", "", WEST_VILLAGE, "西一村2号", "1"],
    [make_id("320102", "19600101", 35), "代码错", "7", EAST_VILLAGE, "", "1"],  # rejected: BAD_CODE
]
INSURANCE = [
    ["AAC002", "AAC003", "scheme", "AAC031", "AAC084", "AAB001", "AAB004", "AAB301", "AAC030"],
    [E1, "张叁", "11", "1", "0", "U001", "东城公司", "320102", "20200101"],  # NAME_MISMATCH
    [E_DEAD, "王老", "12", "1", "1", "", "", "320102", "20150101"],
    [W_DEAD, "赵老", "12", "1", "1", "", "", "320104", "20150101"],
    [BAD_ID, "无效号", "11", "1", "0", "", "", "320102", "20200101"],
]
DEATH = [["AAC002", "AAC003", "death_date"], [E_DEAD, "王老", "20240101"], [W_DEAD, "赵老", "20240202"]]
UNITS = [
    ["AAB998", "AAB004", "AAB019", "AAB301", "AAE006", "AAB001"],
    [EAST_UNIT, FORMULA, "", EAST_VILLAGE, "东城路1号", "U001"],
    [WEST_UNIT, "西城公司", "", WEST_VILLAGE, "西城路2号", "U002"],
    [NOWHERE_UNIT, "无区划公司", "", "", "", "U003"],
]


def login(client: Client, username: str) -> None:
    web_login(client, username)


def run_jobs() -> int:
    return Worker(heartbeat=0).run_pending()


def upload(client: Client, kind: str, name: str, rows: list[list[str]]) -> Job:
    response = client.post(
        "/imports/", {"kind": kind, "as_of": AS_OF, "file": SimpleUploadedFile(name, csv_bytes(rows))}
    )
    assert response.status_code == 302, response.content.decode()
    job = Job.objects.get(pk=int(response["Location"].strip("/").split("/")[-1]))
    assert job.kind == "import" and job.status == "queued"
    return job


@pytest.fixture
def officers(city):  # type: ignore[no-untyped-def]
    staff_create(
        username="east_officer",
        roles=["data_officer"],
        node_code="320102000000",
        password=PASSWORD,
        actor=OPERATOR,
    )
    return city


@pytest.fixture
def compared(officers, client: Client) -> ComparisonRun:  # type: ignore[no-untyped-def]
    """The tiny city imported through the pages and compared by a job."""
    login(client, "city_officer")
    for kind, name, rows in (
        ("household_register", "register.csv", REGISTER),
        ("insurance", "insurance.csv", INSURANCE),
        ("death", "death.csv", DEATH),
        ("unit", "units.csv", UNITS),
    ):
        upload(client, kind, name, rows)
    assert run_jobs() == 4
    assert not Job.objects.exclude(status="done").exists(), list(Job.objects.values("kind", "error"))
    response = client.post("/runs/", {"as_of": AS_OF})
    assert response.status_code == 302
    job = Job.objects.get(kind="compare")
    assert run_jobs() == 1
    job.refresh_from_db()
    assert job.status == "done", job.error
    run = ComparisonRun.objects.get(pk=job.result["run"])
    assert run.status == "done"
    return run


def xlsx_cells(response) -> list[object]:  # type: ignore[no-untyped-def]
    book = load_workbook(io.BytesIO(response.content))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for cell in row]


# ------------------------------------------------------------------------------ imports and jobs


def test_upload_queues_an_import_job_and_the_report_follows(officers, client: Client) -> None:
    login(client, "city_officer")
    page = client.get("/imports/")
    assert page.status_code == 200 and "上传数据文件" in page.content.decode()
    assert "公安户籍人口" in page.content.decode() and 'value="divisions"' not in page.content.decode()
    job = upload(client, "household_register", "户籍人口.csv", REGISTER)
    stored = Path(job.params["path"])
    assert stored.parent.parent == sub("uploads") and stored.name == "户籍人口.csv"
    assert stat.S_IMODE(os.stat(stored).st_mode) == 0o600
    assert stored.read_bytes() == csv_bytes(REGISTER)
    status = client.get(f"/jobs/{job.pk}/")
    assert status.status_code == 200 and "排队中" in status.content.decode()
    assert f"/jobs/{job.pk}.json" in status.content.decode()  # the page polls its status

    assert run_jobs() == 1
    polled = client.get(f"/jobs/{job.pk}.json").json()
    batch = ImportBatch.objects.get()
    assert polled["status"] == "done" and polled["finished"] is True
    assert polled["link"] == ["查看导入报告", f"/imports/{batch.pk}/"]
    assert not stored.exists()  # the raw store keeps the bytes; the upload is gone
    assert batch.created_by == "city_officer" and batch.file_name == "户籍人口.csv"
    assert AuditRecord.objects.get(action="import").actor == "city_officer"  # the job ran as the officer

    report = client.get(f"/imports/{batch.pk}/")
    body = report.content.decode()
    assert report.status_code == 200
    assert (batch.rows_read, batch.accepted, batch.rejected) == (6, 5, 1)
    assert "读取行数</dt><dd>6" in body and "拒绝行数</dt><dd>1" in body and "utf-8" in body
    assert "代码不在代码表中" in body and "AAC004" in body and "<td>7</td>" in body  # line 7
    assert f"/imports/{batch.pk}/" in client.get("/imports/").content.decode()


def test_refused_upload_fails_the_job_with_the_reason(officers, client: Client) -> None:
    login(client, "city_officer")
    job = upload(client, "household_register", "bad.csv", [["AAC002", "AAC003"], ["1", "x"]])
    run_jobs()
    job.refresh_from_db()
    assert job.status == "failed" and "缺少必需的列" in job.error
    assert "缺少必需的列" in client.get(f"/jobs/{job.pk}/").content.decode()
    assert not ImportBatch.objects.exists()


def test_upload_form_errors_are_shown(officers, client: Client) -> None:
    login(client, "city_officer")
    response = client.post("/imports/", {"kind": "divisions", "as_of": "", "file": ""})
    assert response.status_code == 200
    assert not Job.objects.exists()
    assert "error" in response.content.decode()


def test_import_report_pages_its_rejects(officers, client: Client) -> None:
    rows = [REGISTER[0]] + [
        [make_id("320102", "19600101", 100 + i), f"错{i}", "7", EAST_VILLAGE, "", ""] for i in range(60)
    ]
    login(client, "city_officer")
    upload(client, "household_register", "many.csv", rows)
    run_jobs()
    batch = ImportBatch.objects.get()
    first = client.get(f"/imports/{batch.pk}/").content.decode()
    second = client.get(f"/imports/{batch.pk}/", {"page": 2}).content.decode()
    assert "第 1 / 2 页（共 60 条）" in first and "第 2 / 2 页" in second
    assert "第 2 行" in first and "第 61 行" in second and "第 61 行" not in first


# ------------------------------------------------------------------------------------- comparison


def test_compare_job_and_run_summary(compared: ComparisonRun, client: Client) -> None:
    response = client.get(f"/runs/{compared.pk}/")
    body = response.content.decode()
    assert response.status_code == 200
    s = response.context["summary"]
    assert s.persons == 3 and dict((c, n) for c, _, n in s.outcome)["4"] == 3
    assert dict((c, n) for c, _, n in s.reasons) == {
        "UNINSURED": 2, "PARTIAL": 1, "INTERRUPTED": 0, "SPECIAL": 0, "INFO_MISSING": 3, "INFO_MISMATCH": 1,
    }  # fmt: skip
    assert dict((c, n) for c, _, n in s.flags)["NAME_MISMATCH"] == 1
    assert (s.deceased, s.unlinked, s.units, s.units_needing_survey) == (2, 1, 3, 2)
    assert [(a.code, a.name, a.persons) for a in s.areas] == [
        (EAST_VILLAGE, "东一社区", 1), (EAST_VILLAGE2, "东二社区", 1), (WEST_VILLAGE, "西一村", 1),
    ]  # fmt: skip
    for name in ("需调查登记", "未参全", "未参保", "姓名与户籍不一致", "东一社区", "西一村"):
        assert name in body, name
    runs_page = client.get("/runs/").content.decode()
    assert f"/runs/{compared.pk}/" in runs_page and "已完成" in runs_page
    job = Job.objects.get(kind="compare")
    assert client.get(f"/jobs/{job.pk}.json").json()["link"] == ["查看比对结果", f"/runs/{compared.pk}/"]
    assert AuditRecord.objects.filter(action="compare", actor="city_officer").exists()


def test_second_comparison_waits_for_the_first(officers, client: Client) -> None:
    login(client, "city_officer")
    assert client.post("/runs/", {"as_of": AS_OF}).status_code == 302
    again = client.post("/runs/", {"as_of": AS_OF})
    assert again.status_code == 409 and "在排队或运行中" in again.content.decode()
    assert Job.objects.filter(kind="compare").count() == 1
    run_jobs()  # nothing imported: refused with the reason, no run left running
    job = Job.objects.get(kind="compare")
    assert job.status == "failed" and "户籍" in job.error
    assert not ComparisonRun.objects.exists()


def test_lists_are_masked_and_complete_for_the_city(compared: ComparisonRun, client: Client) -> None:
    deceased = client.get(f"/runs/{compared.pk}/deceased/").content.decode()
    assert mask_id(E_DEAD) in deceased and mask_id(W_DEAD) in deceased
    assert E_DEAD not in deceased and W_DEAD not in deceased
    assert (
        "死亡后仍在享受待遇" in deceased
        and "城乡居民基本养老保险" in deceased
        and "insurance.csv 第 3 行" in deceased
    )
    unlinked = client.get(f"/runs/{compared.pk}/unlinked/").content.decode()
    assert mask_id(BAD_ID) in unlinked and BAD_ID not in unlinked and "公民身份号码无效" in unlinked
    units = client.get(f"/runs/{compared.pk}/units/").content.decode()
    assert EAST_UNIT in units and WEST_UNIT in units and "无参保记录" in units
    assert (
        NOWHERE_UNIT in units and "测试市" in units
    )  # unknown area: placed at the deployment node (the city)


def test_county_officer_sees_the_run_but_only_its_county(compared: ComparisonRun, client: Client) -> None:
    login(client, "east_officer")
    summary = client.get(f"/runs/{compared.pk}/")
    assert summary.status_code == 200
    s = summary.context["summary"]
    assert s.persons == 2 and s.deceased == 1 and s.units == 1 and s.unlinked is None
    assert [a.code for a in s.areas] == [EAST_VILLAGE, EAST_VILLAGE2]
    assert "西一村" not in summary.content.decode() and "/unlinked/" not in summary.content.decode()
    deceased = client.get(f"/runs/{compared.pk}/deceased/").content.decode()
    assert mask_id(E_DEAD) in deceased and mask_id(W_DEAD) not in deceased and "赵老" not in deceased
    units = client.get(f"/runs/{compared.pk}/units/").content.decode()
    assert EAST_UNIT in units and WEST_UNIT not in units and NOWHERE_UNIT not in units
    # Rows without an area, and any area outside the county, answer exactly like a missing run.
    missing = client.get("/runs/999999/")
    assert missing.status_code == 404
    for url in (
        f"/runs/{compared.pk}/unlinked/",
        f"/runs/{compared.pk}/unlinked/?format=xlsx",
        f"/runs/{compared.pk}/?area=320104000000",
        f"/runs/{compared.pk}/deceased/?area=320104002001",
        f"/runs/{compared.pk}/nothing/",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "未找到该记录" in response.content.decode()
    # Narrowing within the county works.
    village = client.get(f"/runs/{compared.pk}/", {"area": EAST_VILLAGE2}).context["summary"]
    assert village.persons == 1 and village.deceased == 0


def test_city_officer_narrows_to_a_county(compared: ComparisonRun, client: Client) -> None:
    west = client.get(f"/runs/{compared.pk}/", {"area": "320104000000"}).context["summary"]
    assert (west.persons, west.deceased, west.units, west.unlinked) == (1, 1, 1, None)


# ---------------------------------------------------------------------------------------- exports


def test_list_export_is_masked_and_neutralised(compared: ComparisonRun, client: Client) -> None:
    response = client.get(f"/runs/{compared.pk}/units/", {"format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    cells = xlsx_cells(response)
    assert "'" + FORMULA in cells and FORMULA not in cells
    assert EAST_UNIT in cells and "统一社会信用代码" in cells

    deceased = xlsx_cells(client.get(f"/runs/{compared.pk}/deceased/", {"format": "xlsx"}))
    text = "\n".join(str(c) for c in deceased if c is not None)
    assert mask_id(E_DEAD) in deceased and mask_id(W_DEAD) in deceased
    for number in (E_DEAD, W_DEAD, E1, E2, W1):
        assert number not in text
    record = AuditRecord.objects.filter(action="export", object_ref=f"run:{compared.pk}:deceased").get()
    assert record.actor == "city_officer" and record.result == "ok"
    assert '"masked":true' in record.detail and '"rows":2' in record.detail

    unlinked = xlsx_cells(client.get(f"/runs/{compared.pk}/unlinked/", {"format": "xlsx"}))
    assert mask_id(BAD_ID) in unlinked and BAD_ID not in "\n".join(str(c) for c in unlinked)


def test_county_export_holds_only_its_rows(compared: ComparisonRun, client: Client) -> None:
    login(client, "east_officer")
    cells = xlsx_cells(client.get(f"/runs/{compared.pk}/deceased/", {"format": "xlsx"}))
    assert mask_id(E_DEAD) in cells and mask_id(W_DEAD) not in cells
    units = xlsx_cells(client.get(f"/runs/{compared.pk}/units/", {"format": "xlsx"}))
    assert EAST_UNIT in units and WEST_UNIT not in units


def test_summary_export(compared: ComparisonRun, client: Client) -> None:
    response = client.get(f"/runs/{compared.pk}/", {"format": "xlsx"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["概况", "按区划统计"]
    areas = list(book["按区划统计"].iter_rows(values_only=True))
    assert areas[1][:3] == (EAST_VILLAGE, "东一社区", 1)
    overview = list(book["概况"].iter_rows(values_only=True))
    assert ("调查原因", "UNINSURED", "未参保", 2) in overview
    record = AuditRecord.objects.get(action="export", object_type="run_summary")
    assert '"masked":true' in record.detail


def test_person_list_export_over_the_threshold_needs_approval(
    compared: ComparisonRun, client: Client, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.CANBAO = {**settings.CANBAO, "EXPORT_APPROVAL_THRESHOLD": 1}
    response = client.get(f"/runs/{compared.pk}/deceased/", {"format": "xlsx"})
    assert response.status_code == 302 and response["Location"].startswith("/exports/new/")
    held = AuditRecord.objects.get(action="export", result="approval_required")
    assert held.actor == "city_officer" and '"threshold":1' in held.detail and '"rows":2' in held.detail
    # Units are not a person list; a narrower scope under the threshold exports.
    assert client.get(f"/runs/{compared.pk}/units/", {"format": "xlsx"}).status_code == 200
    narrowed = client.get(f"/runs/{compared.pk}/deceased/", {"format": "xlsx", "area": "320102000000"})
    assert narrowed.status_code == 200
    # Request → a peer data officer at the city (the deployment's top node) approves → one download.
    form = client.get(response["Location"])
    assert "疑似死亡后继续参保或领取待遇名单" in form.content.decode() and "2" in form.content.decode()
    spec = form.context["spec_json"]
    created = client.post("/exports/new/", {"kind": "run_list", "spec": spec, "reason": "核查疑似死亡人员"})
    assert created.status_code == 302
    staff_create(username="city_officer2", roles=["data_officer"], node_code="320100000000", password=PASSWORD,
                actor=OPERATOR)  # fmt: skip
    pk = created["Location"].strip("/").split("/")[-1]
    login(client, "city_officer2")
    assert client.post(f"/exports/{pk}/decide/", {"decision": "approve"}).status_code == 302
    login(client, "city_officer")
    cells = xlsx_cells(client.post(f"/exports/{pk}/download/"))
    assert mask_id(E_DEAD) in cells and mask_id(W_DEAD) in cells
    assert client.post(f"/exports/{pk}/download/").status_code == 409


# ------------------------------------------------------------------------------- scoping and audit


@pytest.mark.parametrize("username", ["east_reviewer", "viewer", "east_village", "sys", "auditor"])
def test_other_roles_get_not_found(compared: ComparisonRun, client: Client, username: str) -> None:
    batch = ImportBatch.objects.first()
    job = Job.objects.first()
    assert batch is not None and job is not None
    login(client, username)
    urls = [
        "/imports/", f"/imports/{batch.pk}/", f"/jobs/{job.pk}/", f"/jobs/{job.pk}.json", "/runs/",
        f"/runs/{compared.pk}/", f"/runs/{compared.pk}/?format=xlsx", f"/runs/{compared.pk}/deceased/",
        f"/runs/{compared.pk}/unlinked/", f"/runs/{compared.pk}/units/?format=xlsx",
    ]  # fmt: skip
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert client.post("/runs/", {"as_of": AS_OF}).status_code == 404
    assert client.post("/imports/", {"kind": "death", "as_of": AS_OF}).status_code == 404
    assert Job.objects.count() == 5
    home = client.get("/").content.decode()
    assert 'href="/imports/"' not in home and 'href="/runs/"' not in home


def test_every_page_view_is_audited(compared: ComparisonRun, client: Client) -> None:
    batch = ImportBatch.objects.first()
    job = Job.objects.first()
    assert batch is not None and job is not None
    urls = [
        "/imports/", f"/imports/{batch.pk}/", f"/jobs/{job.pk}/", "/runs/", f"/runs/{compared.pk}/",
        f"/runs/{compared.pk}/deceased/", f"/runs/{compared.pk}/unlinked/", f"/runs/{compared.pk}/units/",
    ]  # fmt: skip
    for url in urls:
        before = AuditRecord.objects.filter(action="view", actor="city_officer").count()
        assert client.get(url).status_code == 200, url
        assert AuditRecord.objects.filter(action="view", actor="city_officer").count() == before + 1, url
    listed = AuditRecord.objects.filter(object_ref=f"run:{compared.pk}:deceased", action="view").get()
    assert '"rows":2' in listed.detail and '"scope":"3201"' in listed.detail


def test_data_officer_home_and_nav_link_the_pages(officers, client: Client) -> None:
    login(client, "city_officer")
    home = client.get("/").content.decode()
    assert 'href="/imports/"' in home and 'href="/runs/"' in home


# ------------------------------------------------------------------------------ person detail


def test_person_detail_names_the_rule_and_source_rows_of_each_status(
    compared: ComparisonRun, client: Client
) -> None:
    from canbao.core import crypto
    from canbao.registry.models import Person

    person = Person.objects.get(aac002_hash=crypto.lookup_hash(E1))
    assert person.source_run == compared.pk and person.aic003 == "11"
    login(client, "east_reviewer")
    body = client.get(f"/persons/{person.pk}/").content.decode()
    # Pension: rule 1 on the active scheme-11 row, line 2 of insurance.csv.
    assert "规则 1：" in body and "insurance.csv 第 2 行" in body
    # Medical and the rest: the same active row with a unit makes an employee → rule 6 (92).
    assert body.count("规则 6：就业人员，单位未予参保") == 4 and body.count("insurance.csv 第 2 行") == 5
    # The rows' contents are on a page of their own (reading staged extracts back is slow at 10 M).
    assert "东城公司" not in body and f'href="/persons/{person.pk}/basis/"' in body
    basis = client.get(f"/persons/{person.pk}/basis/").content.decode()
    assert (
        "规则 1：" in basis and "insurance.csv 第 2 行" in basis and basis.count("insurance.csv 第 2 行") == 5
    )
    assert "城镇职工基本养老保险" in basis and "东城公司" in basis  # the row itself, each line showing it
    assert basis.count("东城公司") == 5
    assert E1 not in basis and mask_id(E1) in basis
    assert AuditRecord.objects.filter(action="person_basis", object_ref=person.audit_ref).count() == 1
    other = Person.objects.get(aac002_hash=crypto.lookup_hash(E2))
    assert "规则 7：个人未参保" in client.get(f"/persons/{other.pk}/").content.decode()


def test_full_number_needs_a_reason_and_is_audited(compared: ComparisonRun, client: Client) -> None:
    from canbao.core import crypto
    from canbao.registry.models import Person

    person = Person.objects.get(aac002_hash=crypto.lookup_hash(E1))
    login(client, "east_reviewer")
    refused = client.post(f"/persons/{person.pk}/", {"field": "aac002", "reason": ""})
    assert (
        "请填写查看完整公民身份号码的事由" in refused.content.decode() and E1 not in refused.content.decode()
    )
    shown = client.post(f"/persons/{person.pk}/", {"field": "aac002", "reason": "为本人办理参保登记"})
    assert shown.status_code == 200 and E1 in shown.content.decode()
    assert shown["Cache-Control"] == "no-store"
    record = AuditRecord.objects.filter(action="reveal").latest("seq")
    assert (
        record.actor == "east_reviewer" and "为本人办理参保登记" in record.detail and E1 not in record.detail
    )
    assert record.object_ref == person.audit_ref
    # The next plain view is masked again: nothing is remembered.
    assert E1 not in client.get(f"/persons/{person.pk}/").content.decode()
    # Outside the jurisdiction a reveal is the same 404 as a missing person.
    login(client, "west_reviewer")
    assert (
        client.post(f"/persons/{person.pk}/", {"field": "aac002", "reason": "越权查看测试"}).status_code
        == 404
    )
    assert AuditRecord.objects.filter(action="reveal").count() == 1
