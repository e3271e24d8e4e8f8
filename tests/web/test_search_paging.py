"""Person search at scale: a capped count, and the code range that lets the list use its index."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from tests.factories import web_login

from canbao.accounts.scoping import code_range
from canbao.registry.selectors import PersonFilters, person_list
from canbao.web import paging
from canbao.web.paging import CappedPaginator


def test_capped_paginator_counts_up_to_the_cap() -> None:
    over = CappedPaginator(list(range(25)), 10, cap=20)
    assert (over.count, over.capped, over.num_pages) == (20, True, 2)
    exact = CappedPaginator(list(range(20)), 10, cap=20)
    assert (exact.count, exact.capped) == (20, False)
    assert list(over.get_page(9)) == list(range(10, 20))  # the last page offered is the cap's


@pytest.mark.django_db
def test_search_says_plus_when_results_exceed_the_cap(client: Client, city, monkeypatch) -> None:
    web_login(client, "city_officer")
    body = client.get("/persons/", {"name": "东"}).content.decode()
    assert "共 6 人" in body and "请缩小查询范围" not in body
    monkeypatch.setattr(paging, "COUNT_CAP", 4)
    body = client.get("/persons/", {"name": "东"}).content.decode()
    assert "共 4+ 人" in body and "请缩小查询范围" in body
    assert len(re.findall(r'href="/persons/\d+/"', body)) == 4


def test_code_range_holds_exactly_the_codes_with_the_prefix() -> None:
    codes = ["3201", "320101999999", "320102", "320102000000", "320102001001", "320102999999", "320103000000",
             "320112001001", "3202"]  # fmt: skip
    for prefix in ("", "320102", "3201", "320102001001", "32010"):
        bounds = code_range("f", prefix)
        inside = [c for c in codes if bounds["f__gte"] <= c <= bounds["f__lte"]]
        assert inside == [c for c in codes if c.startswith(prefix)], prefix


@pytest.mark.django_db
def test_person_list_bounds_the_placement_by_scope_and_area(city) -> None:
    officer, village = city.users["city_officer"], city.users["east_village"]
    sql = str(person_list(actor=officer, filters=PersonFilters(area="320102001000")).query)
    assert "LIKE" not in sql  # ranges only: PostgreSQL can bound an ordered index with them
    assert ">= 3201 " in sql and "320199999999" in sql  # the account's scope
    assert "320102001" in sql and "320102001999" in sql  # the area
    names = [p.aac003 for p in person_list(actor=officer, filters=PersonFilters(area="320102001000"))]
    assert sorted(names) == [f"东{i}号" for i in range(6)]
    # An area beside or above the account's own node shows nothing beyond the node.
    assert not person_list(actor=village, filters=PersonFilters(area="320104000000")).exists()
    above = person_list(actor=village, filters=PersonFilters(area="320100000000"))
    assert sorted(p.aac003 for p in above) == ["东0号", "东2号", "东4号"]


@pytest.mark.django_db
def test_a_result_that_fits_on_the_first_page_is_not_counted(client: Client, city) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    web_login(client, "city_officer")
    with CaptureQueriesContext(connection) as queries:
        body = client.get("/persons/", {"name": "东"}).content.decode()
    assert "共 6 人" in body and len(re.findall(r'href="/persons/\d+/"', body)) == 6
    assert not [q for q in queries.captured_queries if "COUNT(" in q["sql"]]


def test_capped_paginator_first_page_of_a_long_result(city) -> None:  # type: ignore[no-untyped-def]
    people = person_list(actor=city.users["city_officer"], filters=PersonFilters(area="320100000000"))
    total = people.count()
    assert total > 3
    page = CappedPaginator(people, 3).get_page("1")
    assert (page.paginator.count, len(page), page.has_next()) == (total, 3, True)
    assert [p.pk for p in page] == [p.pk for p in people[:3]]
    small = CappedPaginator(people, total + 5).get_page(None)
    assert (small.paginator.count, len(small), small.has_next()) == (total, total, False)
