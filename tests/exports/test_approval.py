"""Export approval (ADR 0008): person lists above the threshold wait for a reviewer of the level above.

The `city` fixture: 东城区 320102 (街道 320102001, villages …001 with 3 persons and …002 with 3),
西城区 320104 (4 persons). The threshold is lowered to 3 so that a village (3 rows) exports at once
and a county (6 rows) needs approval: the same boundary as 1,000 vs 1,001.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from openpyxl import load_workbook
from tests.factories import OPERATOR, PASSWORD, staff_create, web_login

from canbao.audit.models import AuditRecord
from canbao.exports.models import ExportRequest
from canbao.registry.models import Person

VILLAGE, COUNTY, WEST = "320102001001", "320102000000", "320104000000"


def login(client: Client, username: str) -> None:
    web_login(client, username)


def cells(response) -> list[object]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("application/vnd.openxml")
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [c for row in sheet.iter_rows(values_only=True) for c in row]


@pytest.fixture
def world(city, settings):  # type: ignore[no-untyped-def]
    settings.CANBAO = {**settings.CANBAO, "EXPORT_APPROVAL_THRESHOLD": 3}
    for username, roles, node in [
        ("east_clerk", ["township_clerk"], "320102001000"),
        ("east_clerk2", ["township_clerk"], "320102001000"),
        ("east_reviewer2", ["county_reviewer"], COUNTY),
        ("city_officer2", ["data_officer"], "320100000000"),
    ]:
        city.users[username] = staff_create(
            username=username, roles=roles, node_code=node, password=PASSWORD, actor=OPERATOR
        )
    return city


def ask(client: Client, requester: str, area: str, reason: str = "入户调查准备") -> ExportRequest:
    """Log in as `requester`, export the person search for `area` (over the threshold), request approval."""
    login(client, requester)
    response = client.get("/persons/", {"area": area, "format": "xlsx"})
    assert response.status_code == 302 and response["Location"].startswith("/exports/new/")
    query = parse_qs(urlsplit(response["Location"]).query)
    form = client.get(response["Location"])
    assert form.status_code == 200 and "申请导出审批" in form.content.decode()
    created = client.post(
        "/exports/new/", {"kind": query["kind"][0], "spec": query["spec"][0], "reason": reason}
    )
    assert created.status_code == 302, created.content.decode()
    return ExportRequest.objects.latest("id")


def decide(
    client: Client, approver: str, req: ExportRequest, decision: str = "approve", comment: str = "同意"
):  # type: ignore[no-untyped-def]
    login(client, approver)
    return client.post(f"/exports/{req.pk}/decide/", {"decision": decision, "comment": comment})


# ------------------------------------------------------------------------------------ threshold


def test_at_the_threshold_exports_at_once_masked_and_audited(client: Client, world) -> None:  # type: ignore[no-untyped-def]
    login(client, "east_village")
    values = cells(client.get("/persons/", {"area": VILLAGE, "format": "xlsx"}))
    village = [p for p in world.east if p.placement_id == VILLAGE]
    assert len(village) == 3
    for person in village:
        assert person.aac002_masked in values and person.aae005_masked in values
    from canbao.core.crypto import decrypt

    assert decrypt(village[0].aac002_cipher) not in values  # masked only
    record = AuditRecord.objects.get(actor="east_village", action="export")
    assert record.result == "ok" and record.object_type == "person" and '"rows":3' in record.detail
    assert not ExportRequest.objects.exists()


def test_one_over_the_threshold_needs_approval(client: Client, world, settings) -> None:  # type: ignore[no-untyped-def]
    settings.CANBAO = {**settings.CANBAO, "EXPORT_APPROVAL_THRESHOLD": 2}
    login(client, "east_village")
    response = client.get("/persons/", {"area": VILLAGE, "format": "xlsx"})
    assert response.status_code == 302 and response["Location"].startswith("/exports/new/")
    refused = AuditRecord.objects.get(actor="east_village", action="export")
    assert refused.result == "approval_required" and '"threshold":2' in refused.detail


def test_search_page_offers_the_export(client: Client, world) -> None:  # type: ignore[no-untyped-def]
    login(client, "east_reviewer")
    body = client.get("/persons/", {"area": COUNTY}).content.decode()
    assert "导出 Excel" in body and "format=xlsx" in body


def test_formula_cells_are_neutralised(client: Client, world) -> None:  # type: ignore[no-untyped-def]
    person = [p for p in world.east if p.placement_id == VILLAGE][0]
    Person.objects.filter(pk=person.pk).update(aac003="=1+2")
    login(client, "east_village")
    values = cells(client.get("/persons/", {"area": VILLAGE, "format": "xlsx"}))
    assert "'=1+2" in values and "=1+2" not in values


def test_request_needs_a_reason_and_a_list_over_the_threshold(client: Client, world) -> None:  # type: ignore[no-untyped-def]
    login(client, "east_reviewer")
    location = client.get("/persons/", {"area": COUNTY, "format": "xlsx"})["Location"]
    query = parse_qs(urlsplit(location).query)
    empty = client.post("/exports/new/", {"kind": "person_search", "spec": query["spec"][0], "reason": " "})
    assert empty.status_code == 400 and "导出用途" in empty.content.decode()
    small = client.post(
        "/exports/new/",
        {"kind": "person_search", "spec": json.dumps({"area": VILLAGE}), "reason": "入户调查准备"},
    )
    assert small.status_code == 400 and "无需审批" in small.content.decode()
    outside = client.post(
        "/exports/new/",
        {"kind": "person_search", "spec": json.dumps({"area": WEST}), "reason": "入户调查准备"},
    )
    assert outside.status_code == 400  # another county's area: nothing in scope, nothing to approve
    assert not ExportRequest.objects.exists()


# ------------------------------------------------------------------------------------- approvers


def test_full_flow_village_to_township(client: Client, world) -> None:  # type: ignore[no-untyped-def]
    req = ask(client, "east_reviewer", COUNTY)
    assert (req.status, req.row_count, req.node_id, req.requester.username) == (
        "pending",
        6,
        COUNTY,
        "east_reviewer",
    )
    assert "id_hash" in req.spec and req.spec["area"] == COUNTY

    # Download before approval: refused, nothing sent.
    early = client.post(f"/exports/{req.pk}/download/")
    assert early.status_code == 409 and "不能下载" in early.content.decode()

    # The city's data officer (an ancestor node) sees it pending and approves.
    login(client, "city_officer")
    assert f"/exports/{req.pk}/" in client.get("/exports/").content.decode()
    assert decide(client, "city_officer", req).status_code == 302
    req.refresh_from_db()
    assert req.status == "approved" and req.approver.username == "city_officer" and req.comment == "同意"

    # Only the requester downloads, once.
    assert client.post(f"/exports/{req.pk}/download/").status_code == 404
    login(client, "east_reviewer")
    values = cells(client.post(f"/exports/{req.pk}/download/"))
    assert all(p.aac002_masked in values for p in world.east)
    assert not any(p.aac002_masked in values for p in world.west)
    again = client.post(f"/exports/{req.pk}/download/")
    assert again.status_code == 409 and "已下载" in again.content.decode()
    req.refresh_from_db()
    assert req.status == "downloaded" and req.downloaded_rows == 6

    actions = list(AuditRecord.objects.filter(actor__in=["east_reviewer", "city_officer"])
                   .exclude(action__in=["login", "view"]).order_by("seq").values_list("actor", "action", "result"))  # fmt: skip
    assert actions == [
        ("east_reviewer", "export", "approval_required"),
        ("east_reviewer", "export_request", "ok"),
        ("east_reviewer", "export", "refused"),
        ("city_officer", "export_approve", "ok"),
        ("east_reviewer", "export", "ok"),
        ("east_reviewer", "export", "refused"),
    ]
    download = AuditRecord.objects.filter(actor="east_reviewer", action="export", result="ok").get()
    assert f'"request":{req.pk}' in download.detail and '"rows":6' in download.detail


def test_approver_must_be_at_a_strict_ancestor(client: Client, world) -> None:  # type: ignore[no-untyped-def]
    req = ask(client, "east_clerk", "320102001000")
    # Another clerk at the same township, a village below, a reviewer of the other county: not found.
    for username in ["east_clerk2", "east_village", "west_reviewer"]:
        login(client, username)
        assert client.get(f"/exports/{req.pk}/").status_code == 404
        assert decide(client, username, req).status_code == 404
    # The county reviewer above the township may.
    assert decide(client, "east_reviewer", req).status_code == 302
    req.refresh_from_db()
    assert req.status == "approved"


def test_same_node_peer_below_the_top_may_not_approve(client: Client, world) -> None:  # type: ignore[no-untyped-def]
    req = ask(client, "east_reviewer", COUNTY)
    login(client, "east_reviewer2")
    assert client.get(f"/exports/{req.pk}/").status_code == 404
    assert f"/exports/{req.pk}/" not in client.get("/exports/").content.decode()
    assert decide(client, "east_reviewer2", req).status_code == 404
    req.refresh_from_db()
    assert req.status == "pending"


def test_at_the_top_node_a_peer_approves_never_the_requester(client: Client, world) -> None:  # type: ignore[no-untyped-def]
    req = ask(client, "city_officer", "320100000000")
    assert req.row_count == 10
    own = decide(client, "city_officer", req)
    assert own.status_code == 404  # the requester sees its request but may not decide it
    page = client.get(f"/exports/{req.pk}/").content.decode()
    assert "入户调查准备" in page and f'action="/exports/{req.pk}/decide/"' not in page
    req.refresh_from_db()
    assert req.status == "pending"
    assert decide(client, "city_officer2", req).status_code == 302
    req.refresh_from_db()
    assert req.status == "approved" and req.approver.username == "city_officer2"


def test_refused_request_cannot_be_downloaded(client: Client, world) -> None:  # type: ignore[no-untyped-def]
    req = ask(client, "east_reviewer", COUNTY)
    no_comment = decide(client, "city_officer", req, "refuse", "")
    assert no_comment.status_code == 409 and "审批意见" in no_comment.content.decode()
    assert decide(client, "city_officer", req, "refuse", "范围过大").status_code == 302
    assert decide(client, "city_officer2", req).status_code == 409  # already decided
    login(client, "east_reviewer")
    assert client.post(f"/exports/{req.pk}/download/").status_code == 409
    req.refresh_from_db()
    assert req.status == "refused" and req.comment == "范围过大"
    assert AuditRecord.objects.filter(actor="city_officer", action="export_refuse").exists()


def test_approval_expires(client: Client, world) -> None:  # type: ignore[no-untyped-def]
    req = ask(client, "east_reviewer", COUNTY)
    decide(client, "city_officer", req)
    ExportRequest.objects.filter(pk=req.pk).update(decided_at=req.created_at - dt.timedelta(days=8))
    login(client, "east_reviewer")
    response = client.post(f"/exports/{req.pk}/download/")
    assert response.status_code == 409 and "已过期" in response.content.decode()
    req.refresh_from_db()
    assert req.status == "expired"


def test_download_is_evaluated_in_the_requesters_scope_now(client: Client, world) -> None:  # type: ignore[no-untyped-def]
    req = ask(client, "east_reviewer", COUNTY)
    decide(client, "city_officer", req)
    moved = world.east[0]
    Person.objects.filter(pk=moved.pk).update(placement_id="320104002001")  # left the county since
    login(client, "east_reviewer")
    values = cells(client.post(f"/exports/{req.pk}/download/"))
    assert moved.aac002_masked not in values
    req.refresh_from_db()
    assert req.downloaded_rows == 5


@pytest.mark.parametrize("username", ["sys", "auditor"])
def test_admin_roles_cannot_request_or_approve(client: Client, world, username: str) -> None:  # type: ignore[no-untyped-def]
    req = ask(client, "east_reviewer", COUNTY)
    login(client, username)
    assert client.get("/exports/").status_code == 404
    assert client.get(f"/exports/{req.pk}/").status_code == 404
    assert (
        client.post(
            "/exports/new/",
            {"kind": "person_search", "spec": json.dumps({"area": COUNTY}), "reason": "测试用途"},
        ).status_code
        == 404
    )
    assert decide(client, username, req).status_code == 404
    assert ExportRequest.objects.count() == 1
