"""The audit admin's pages: search, export (XLSX/CSV), chain verification; nobody else gets in."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from openpyxl import load_workbook
from tests.factories import web_login

from canbao.audit.models import AuditRecord
from canbao.audit.selectors import retention_days
from canbao.audit.services import AuditActor, audit_record

FORMULA = '=HYPERLINK("http://example.com","x")'
OTHERS = ["east_reviewer", "west_reviewer", "city_officer", "east_village", "sys", "viewer"]


def login(client: Client, username: str) -> None:
    web_login(client, username)


@pytest.fixture
def auditor(client: Client, city) -> Client:  # type: ignore[no-untyped-def]
    for i in range(3):
        audit_record(actor=AuditActor("alice", "320102000000"), action="search", object_type="person",
                     detail={"i": i})  # fmt: skip
    audit_record(actor=AuditActor("bob", "320104000000"), action="person_open", object_type="person",
                 object_ref="person:7:3201**********1234")  # fmt: skip
    audit_record(
        actor=AuditActor("bob"), action="import", object_type="import", object_ref=FORMULA, result="failed"
    )
    login(client, "auditor")
    return client


def _seqs(body: str) -> list[int]:
    import re

    return [int(s) for s in re.findall(r"<tr><td>(\d+)</td>", body)]


def test_search_by_account_action_result_and_object(auditor: Client) -> None:
    body = auditor.get("/audit/", {"actor": "alice"}).content.decode()
    alice = list(AuditRecord.objects.filter(actor="alice").order_by("-seq").values_list("seq", flat=True))
    assert _seqs(body) == alice  # newest first, only alice
    assert _seqs(auditor.get("/audit/", {"action": "person_open"}).content.decode()) == [
        AuditRecord.objects.get(action="person_open").seq
    ]
    assert _seqs(auditor.get("/audit/", {"result": "failed"}).content.decode()) == [
        AuditRecord.objects.get(result="failed").seq
    ]
    by_ref = auditor.get("/audit/", {"object_ref": "person:7"}).content.decode()
    assert _seqs(by_ref) == [AuditRecord.objects.get(action="person_open").seq]
    assert "3201**********1234" in by_ref


def test_search_by_date_range_in_local_days(auditor: Client) -> None:
    today = dt.datetime.now(dt.UTC).astimezone(dt.timezone(dt.timedelta(hours=8))).date()
    assert _seqs(
        auditor.get("/audit/", {"actor": "alice", "date_from": today, "date_to": today}).content.decode()
    )
    yesterday = today - dt.timedelta(days=1)
    assert _seqs(auditor.get("/audit/", {"actor": "alice", "date_to": yesterday}).content.decode()) == []
    assert (
        _seqs(
            auditor.get(
                "/audit/", {"actor": "alice", "date_from": today + dt.timedelta(days=1)}
            ).content.decode()
        )
        == []
    )
    bad = auditor.get("/audit/", {"date_from": today, "date_to": yesterday}).content.decode()
    assert "起始日期不能晚于截止日期" in bad


def test_paging_is_newest_first(auditor: Client) -> None:
    for i in range(60):
        audit_record(actor=AuditActor("carol"), action="view", detail={"i": i})
    first = _seqs(auditor.get("/audit/", {"actor": "carol"}).content.decode())
    second = _seqs(auditor.get("/audit/", {"actor": "carol", "page": 2}).content.decode())
    assert len(first) == 50 and len(second) == 10
    assert first == sorted(first, reverse=True) and first[-1] > second[0]


def test_searching_the_log_is_audited(auditor: Client) -> None:
    auditor.get("/audit/", {"actor": "alice", "action": "search"})
    record = AuditRecord.objects.filter(actor="auditor", object_type="audit_log").latest("seq")
    assert record.action == "search" and '"actor":"alice"' in record.detail and '"results":3' in record.detail


def test_xlsx_export_is_filtered_neutralised_and_audited(auditor: Client) -> None:
    response = auditor.get("/audit/export/", {"actor": "bob", "format": "xlsx"})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    assert response["Cache-Control"] == "no-store"
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("序号", "时间", "账号")
    assert [r[2] for r in rows[1:]] == ["bob", "bob"]
    assert "'" + FORMULA in [r[7] for r in rows[1:]]  # the formula is text, not a live link
    assert FORMULA not in [r[7] for r in rows[1:]]
    export = AuditRecord.objects.get(actor="auditor", action="export")
    assert (
        export.object_type == "audit_log"
        and '"rows":2' in export.detail
        and '"format":"xlsx"' in export.detail
    )


def test_csv_export(auditor: Client) -> None:
    response = auditor.get("/audit/export/", {"result": "failed", "format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 2 and rows[1][7] == "'" + FORMULA
    assert AuditRecord.objects.filter(
        actor="auditor", action="export", detail__contains='"format":"csv"'
    ).exists()


def test_export_over_the_cap_is_refused_and_audited(auditor: Client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.CANBAO = {**settings.CANBAO, "AUDIT_EXPORT_MAX_ROWS": 2}
    response = auditor.get("/audit/export/", {"format": "xlsx"})
    assert response.status_code == 403 and "单次最多导出 2 条" in response.content.decode()
    assert AuditRecord.objects.filter(actor="auditor", action="export", result="refused").exists()


def test_chain_verification_button(auditor: Client) -> None:
    page = auditor.get("/audit/").content.decode()
    assert "尚未在本页校验过" in page
    response = auditor.post("/audit/verify/")
    assert response.status_code == 302
    page = auditor.get("/audit/").content.decode()
    assert "链校验通过" in page
    assert AuditRecord.objects.filter(actor="auditor", action="audit_verify", result="ok").exists()
    AuditRecord.objects.filter(actor="alice").update(actor="mallory")  # tampering
    auditor.post("/audit/verify/")
    page = auditor.get("/audit/").content.decode()
    assert "被篡改" in page
    assert AuditRecord.objects.filter(action="audit_verify", result="failed").exists()


def test_retention_is_shown_and_at_least_180_days(auditor: Client, settings) -> None:  # type: ignore[no-untyped-def]
    assert "不少于 180 天" in auditor.get("/audit/").content.decode()
    settings.CANBAO = {**settings.CANBAO, "AUDIT_RETENTION_DAYS": 365}
    assert retention_days() == 365
    settings.CANBAO = {**settings.CANBAO, "AUDIT_RETENTION_DAYS": 179}
    with pytest.raises(ImproperlyConfigured):
        retention_days()


@pytest.mark.parametrize("username", OTHERS)
def test_other_roles_get_not_found(client: Client, city, username: str) -> None:  # type: ignore[no-untyped-def]
    login(client, username)
    before = AuditRecord.objects.filter(object_type="audit_log").count()
    for url in ["/audit/", "/audit/?actor=alice", "/audit/export/?format=xlsx", "/audit/export/?format=csv"]:
        assert client.get(url).status_code == 404, url
    assert client.post("/audit/verify/").status_code == 404
    assert AuditRecord.objects.filter(object_type="audit_log").count() == before
    assert 'href="/audit/"' not in client.get("/").content.decode()


def test_audit_admin_reaches_no_person_or_export_page(auditor: Client, city) -> None:  # type: ignore[no-untyped-def]
    person = city.east[0]
    for url in ["/persons/", f"/persons/{person.pk}/", "/persons/?area=320100000000&format=xlsx", "/exports/",
                "/exports/new/?kind=person_search&spec=%7B%22area%22%3A%22320100000000%22%7D", "/runs/"]:  # fmt: skip
        assert auditor.get(url).status_code == 404, url
    home = auditor.get("/").content.decode()
    assert 'href="/audit/"' in home and 'href="/persons/"' not in home
    page = auditor.get("/audit/").content.decode()
    assert person.aac003 not in page  # no person data in the log, so none on its page
