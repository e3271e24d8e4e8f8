from __future__ import annotations

from canbao.web.templatetags.canbao import code, codes


def test_codes_show_their_chinese_names() -> None:
    assert code(4, "outcome") == "4 需调查登记"
    assert code(None, "outcome") == "—"
    assert codes("NONLOCAL;SURVEY_CONFLICT", "flag").startswith("非本地户籍参保、")
    assert codes("", "flag") == "无"


def test_search_by_status_code_and_flag_and_paging_keeps_them(client, city) -> None:  # type: ignore[no-untyped-def]
    from tests.factories import web_login

    from canbao.registry.models import Person

    east = [p.pk for p in city.east]
    Person.objects.filter(pk__in=east[:3]).update(aic003="91", flags="NAME_MISMATCH;DUP_PENSION")
    Person.objects.filter(pk__in=east[3:]).update(aic003="11", flags="DUP_BENEFIT_PENSION")
    web_login(client, "city_officer")
    uninsured = client.get("/persons/", {"status_field": "aic003", "status_code": "91"}).content.decode()
    assert "共 3 人" in uninsured
    flagged = client.get("/persons/", {"flag": "DUP_PENSION"}).content.decode()
    assert "共 3 人" in flagged  # whole codes: DUP_BENEFIT_PENSION is not DUP_PENSION
    both = client.get(
        "/persons/", {"flag": "DUP_BENEFIT_PENSION", "status_field": "aic003", "status_code": "11"}
    )
    assert "共 3 人" in both.content.decode()
    Person.objects.filter(pk__in=east).update(flags="DUP_PENSION")
    import canbao.web.views as views

    old, views.PAGE_SIZE = views.PAGE_SIZE, 2
    try:
        page = client.get("/persons/", {"flag": "DUP_PENSION"}).content.decode()
    finally:
        views.PAGE_SIZE = old
    assert "flag=DUP_PENSION&amp;page=2" in page or "flag=DUP_PENSION&page=2" in page
