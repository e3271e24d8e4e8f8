"""The permission matrix: every URL × every role × inside / outside the jurisdiction.

Expectations are written out from roles-and-workflow.md (not derived from roles.py, which they check):
allowed → 200; a role without the right → 404; outside the account's node → 404 for everyone, the same
answer as for a record that does not exist. Every URL the project routes must be classified here: a new
page without a row in this table fails `test_every_url_is_in_the_matrix`.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from tests.factories import OPERATOR, PASSWORD, staff_create, web_login

from canbao.comparison.models import ComparisonRun
from canbao.engine.validate import calc_credit_check_char
from canbao.registry.models import Person, Unit
from canbao.survey.models import Target
from canbao.survey.services import campaign_create

VILLAGE, WEST = "320102001001", "320104002001"
ROLES = ["sysadmin", "secadmin", "auditadmin", "data_officer", "county_reviewer", "township_clerk",
         "village_assistant", "surveyor", "viewer"]  # fmt: skip
ACCOUNT = {  # one account per role, all inside the east county; "outside" is the west county
    "sysadmin": ("m_sys", "320102000000"), "secadmin": ("m_sec", "320102000000"),
    "auditadmin": ("m_audit", "320102000000"), "data_officer": ("m_officer", "320102000000"),
    "county_reviewer": ("m_county", "320102000000"), "township_clerk": ("m_town", "320102001000"),
    "village_assistant": ("m_village", VILLAGE), "surveyor": ("m_surveyor", VILLAGE),
    "viewer": ("m_viewer", "320102000000"),
}  # fmt: skip
ALL = set(ROLES)
BUSINESS = {"data_officer", "county_reviewer", "township_clerk", "village_assistant", "viewer"}
SURVEY_OFFICE = {"data_officer", "county_reviewer", "township_clerk", "village_assistant"}
REPORTS = {"data_officer", "county_reviewer", "township_clerk", "viewer"}
SURVEY_ENTRY = {"village_assistant", "surveyor"}

# url name → (path inside, path outside or None, roles allowed inside)
MATRIX: dict[str, tuple[str, str | None, set[str]]] = {
    "home": ("/", None, ALL),
    "password": ("/password/", None, ALL),
    "pledge": ("/pledge/", None, ALL),
    "tree": ("/tree/?node={village}", "/tree/?node=320104000000", ALL),
    "person_search": ("/persons/?name=东", None, BUSINESS),
    "person_detail": ("/persons/{person}/", "/persons/{west_person}/", BUSINESS),
    "person_basis": ("/persons/{person}/basis/", "/persons/{west_person}/basis/", BUSINESS),
    "unit_search": ("/units/?name=公司", None, BUSINESS),
    "unit_detail": ("/units/{unit}/", "/units/{west_unit}/", BUSINESS),
    "imports": ("/imports/", None, {"data_officer"}),
    "import_detail": ("/imports/999999/", None, set()),
    "job_detail": ("/jobs/999999/", None, set()),
    "job_status": ("/jobs/999999.json", None, set()),
    "runs": ("/runs/", None, {"data_officer"}),
    "run_detail": ("/runs/999999/", None, set()),
    "run_list": ("/runs/999999/deceased/", None, set()),
    "account_list": ("/accounts/", None, {"sysadmin", "secadmin"}),
    "account_new": ("/accounts/new/", None, {"sysadmin"}),
    "account_detail": ("/accounts/{account}/", "/accounts/{west_account}/", {"sysadmin", "secadmin"}),
    "audit_log": ("/audit/", None, {"auditadmin"}),
    "audit_export": ("/audit/export/?format=csv", None, {"auditadmin"}),
    "export_requests": ("/exports/", None, BUSINESS),
    "report_quarterly": (
        "/reports/quarterly/?node={village}",
        "/reports/quarterly/?node=320104000000",
        REPORTS,
    ),
    "dashboard": ("/dashboard/?node={village}", "/dashboard/?node=320104000000", REPORTS),
    "expansion_index": ("/reports/expansion/", None, REPORTS),
    "expansion_list": ("/reports/expansion/no_pension/?area={village}", None, REPORTS),
    "survey_campaigns": ("/survey/", None, SURVEY_OFFICE),
    "survey_campaign": ("/survey/{campaign}/", "/survey/{campaign}/?node=320104000000", SURVEY_OFFICE),
    "survey_targets": ("/survey/{campaign}/targets/", None, SURVEY_OFFICE),
    "survey_target": (
        "/survey/{campaign}/targets/{target}/",
        "/survey/{campaign}/targets/{west_target}/",
        SURVEY_OFFICE,
    ),
    "survey_teams": ("/survey/{campaign}/teams/", None, SURVEY_OFFICE),
    "survey_print_forms": (
        "/survey/{campaign}/village/{village}/forms.pdf",
        "/survey/{campaign}/village/320104002001/forms.pdf",
        SURVEY_OFFICE,
    ),
    "survey_print_summary_pdf": (
        "/survey/{campaign}/village/{village}/summary.pdf",
        "/survey/{campaign}/village/320104002001/summary.pdf",
        SURVEY_OFFICE,
    ),
    "survey_print_summary_xlsx": (
        "/survey/{campaign}/village/{village}/summary.xlsx",
        "/survey/{campaign}/village/320104002001/summary.xlsx",
        SURVEY_OFFICE,
    ),
    "survey_print_roster": (
        "/survey/{campaign}/village/{village}/roster.xlsx",
        "/survey/{campaign}/village/320104002001/roster.xlsx",
        SURVEY_OFFICE,
    ),
    # The phone pages (survey.enter). A surveyor sees only its team's targets: the matrix's surveyor has
    # no team, so a target's page is 404 for it (tests/survey/test_mobile.py covers the team's own).
    "m_home": ("/m/", None, SURVEY_ENTRY),
    "m_new": ("/m/new/", None, SURVEY_ENTRY),
    "m_offline": ("/m/offline", None, SURVEY_ENTRY),
    "m_sync": ("/m/sync", None, SURVEY_ENTRY),
    "m_target": ("/m/targets/{target}/", "/m/targets/{west_target}/", {"village_assistant"}),
}
# Not GET pages of a logged-in account, or needing state that their own tests build.
EXEMPT = {
    "login": "public", "logout": "POST only", "login_totp": "the login's second step",
    "audit_verify": "POST only (tests/web/test_audit_pages.py)",
    "export_request_new": "needs a list over the threshold (tests/exports)",
    "export_request": "the ancestor rule is tested in tests/exports",
    "export_decide": "tests/exports", "export_download": "tests/exports",
    "report_cell": "needs a run in the quarter (tests/reports)",
    "api_schema": "public schema", "api_token": "tests/api", "api_logout": "tests/api",
    "api_persons": "test_api_matrix below", "api_person": "test_api_matrix below",
    "api_units": "test_api_matrix below", "api_unit": "test_api_matrix below",
    "m_sw": "the phone's service worker script: code only, served without login",
}  # fmt: skip


def _names(patterns: list[URLPattern | URLResolver]) -> set[str]:
    names: set[str] = set()
    for p in patterns:
        if isinstance(p, URLResolver):
            names |= _names(p.url_patterns)
        elif p.name:
            names.add(p.name)
    return names


def test_every_url_is_in_the_matrix() -> None:
    routed = _names(get_resolver().url_patterns)
    unclassified = routed - set(MATRIX) - set(EXEMPT)
    assert not unclassified, f"classify these URLs in the permission matrix: {sorted(unclassified)}"


def _credit(body: str) -> str:
    return f"91{body}" + calc_credit_check_char(f"91{body}")


@pytest.fixture
def world(city) -> dict[str, object]:  # type: ignore[no-untyped-def]
    for role, (username, node) in ACCOUNT.items():
        staff_create(username=username, roles=[role], node_code=node, password=PASSWORD, actor=OPERATOR)
    run = ComparisonRun.objects.create(as_of=dt.date(2026, 9, 30), rules_version="t", rules_digest="t",
                                       status="done", published=True, started_by="t")  # fmt: skip
    Person.objects.update(outcome=4, survey_reasons="UNINSURED")
    campaign = campaign_create(user=city.users["city_officer"], run=run, name="矩阵", actor=OPERATOR)
    person = next(p for p in city.east if p.placement_id == VILLAGE)
    unit = Unit.objects.create(
        ukey="e", aab998=_credit("320102MA1MX0001"), aab004="东城公司", placement_id=VILLAGE
    )
    west_unit = Unit.objects.create(
        ukey="w", aab998=_credit("320104MA1MX0002"), aab004="西城公司", placement_id=WEST
    )
    return {
        "village": VILLAGE, "person": person.pk, "west_person": city.west[0].pk, "unit": unit.pk,
        "west_unit": west_unit.pk, "account": city.users["east_village"].pk, "west_account": city.users["west_reviewer"].pk,
        "campaign": campaign.pk, "target": Target.objects.get(campaign=campaign, person=person).pk,
        "west_target": Target.objects.filter(campaign=campaign, village_id=WEST).first().pk,  # type: ignore[union-attr]
        "west_names": [p.aac003 for p in city.west],
    }  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
def test_pages(client: Client, world, role: str) -> None:  # type: ignore[no-untyped-def]
    web_login(client, ACCOUNT[role][0])
    problems = []
    for name, (inside, outside, allowed) in MATRIX.items():
        want = 200 if role in allowed else 404
        got = client.get(inside.format(**world)).status_code
        if got != want:
            problems.append(f"{name} inside: {got} (want {want})")
        if outside is not None:
            got = client.get(outside.format(**world)).status_code
            if got != 404:
                problems.append(f"{name} outside: {got} (want 404)")
    if role in BUSINESS:  # lists: the other county's persons never appear
        body = client.get("/persons/", {"name": "西"}).content.decode()
        problems += [f"person list shows {n}" for n in world["west_names"] if n in body]
    assert not problems, problems


@pytest.mark.parametrize("role", ROLES)
def test_api_matrix(world, role: str) -> None:  # type: ignore[no-untyped-def]
    from canbao.core import crypto

    cache.clear()
    api = Client()
    response = api.post("/api/v1/auth/token", {"username": ACCOUNT[role][0], "password": PASSWORD},
                        content_type="application/json")  # fmt: skip
    if role in {"sysadmin", "secadmin", "auditadmin"}:
        assert response.status_code == 403  # no tokens for the admin roles: they see no person data
        return
    assert response.status_code == 201, response.content
    auth = {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}
    inside = crypto.decrypt(Person.objects.get(pk=world["person"]).aac002_cipher)
    outside = crypto.decrypt(Person.objects.get(pk=world["west_person"]).aac002_cipher)
    unit, west_unit = (Unit.objects.get(pk=world[k]).aab998 for k in ("unit", "west_unit"))
    want = 200 if role in BUSINESS else 404
    assert api.get(f"/api/v1/persons/{inside}/", **auth).status_code == want
    assert api.get("/api/v1/persons/", {"name": "东"}, **auth).status_code in (
        (200,) if want == 200 else (403, 404)
    )
    assert api.get(f"/api/v1/units/{unit}/", **auth).status_code == want
    assert api.get(f"/api/v1/persons/{outside}/", **auth).status_code == 404
    assert api.get(f"/api/v1/units/{west_unit}/", **auth).status_code == 404
