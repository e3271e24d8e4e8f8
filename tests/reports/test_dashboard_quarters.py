"""The dashboard over quarters: each quarter's figures come from the run its quarterly report is made from."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.test import Client
from django.utils import timezone
from tests.factories import web_login

from canbao.comparison.models import ComparisonRun
from canbao.engine.compare.config import load_rules
from canbao.engine.compare.pipeline import output_schemas
from canbao.reports import quarters
from canbao.reports.services import ReportRefused, quarter_run, quarter_runs

EAST, WEST = "320102001001", "320104002001"


def make_run(folder: Path, as_of: dt.date, east_registered: int, *, published: bool = True) -> ComparisonRun:
    """A run of 4 persons in the east county, `east_registered` of them registered (outcome 1), and 4 in
    the west, all registered: the east's rate tells which run a quarter took, the city's differs."""
    rows = [{"pkey": f"e{i}", "AAC002": f"e{i}", "AAB301": EAST, "population_group": 1,
             "outcome": 1 if i < east_registered else 4, "complete": True} for i in range(4)]  # fmt: skip
    rows += [{"pkey": f"w{i}", "AAC002": f"w{i}", "AAB301": WEST, "population_group": 1, "outcome": 1,
              "complete": False} for i in range(4)]  # fmt: skip
    schema = output_schemas(load_rules())["persons"][0]
    folder.mkdir(parents=True)
    table = pa.Table.from_pylist([{n: r.get(n) for n in schema.names} for r in rows], schema=schema)
    pq.write_table(table, folder / "persons.parquet")
    return ComparisonRun.objects.create(as_of=as_of, rules_version="test", rules_digest="", status="done",
                                        published=published, result_dir=str(folder), started_by="test",
                                        finished_at=timezone.now())  # fmt: skip


@pytest.fixture
def runs(city, tmp_path: Path) -> dict[str, ComparisonRun]:  # type: ignore[no-untyped-def]
    made = {
        "a": make_run(tmp_path / "a", dt.date(2025, 11, 15), 4),  # 2025Q4
        "b": make_run(tmp_path / "b", dt.date(2026, 2, 10), 1),  # 2026Q1, an earlier as-of date
        "d": make_run(tmp_path / "d", dt.date(2026, 3, 31), 3),  # 2026Q1, made before c, same date
        "c": make_run(tmp_path / "c", dt.date(2026, 3, 31), 2),  # 2026Q1: the quarter's run (latest, then id)
        # 2026Q2: no run. 2026Q3: a published run whose files are gone: the quarter has no report.
        "e": make_run(tmp_path / "e", dt.date(2026, 8, 1), 4),
        "f": make_run(tmp_path / "f", dt.date(2026, 12, 31), 0),  # 2026Q4
        "g": make_run(tmp_path / "g", dt.date(2026, 11, 1), 4, published=False),  # not published: ignored
    }
    (tmp_path / "e" / "persons.parquet").unlink()
    return made


def test_each_quarter_takes_the_run_of_its_report(runs: dict[str, ComparisonRun]) -> None:
    got = quarter_runs()
    assert got == [("2025Q4", runs["a"]), ("2026Q1", runs["c"]), ("2026Q2", None), ("2026Q3", None),
                   ("2026Q4", runs["f"])]  # fmt: skip
    for period, run in got:  # the same run the quarterly report is made from, or no report at all
        if run is None:
            with pytest.raises(ReportRefused):
                quarter_run(period)
        else:
            assert quarter_run(period) == run
    # At most `count` quarters back from the latest; a gap at the start of the window is left out.
    assert quarter_runs(count=3) == [("2026Q4", runs["f"])]
    assert quarter_runs(count=4) == [
        ("2026Q1", runs["c"]),
        ("2026Q2", None),
        ("2026Q3", None),
        ("2026Q4", runs["f"]),
    ]


def test_quarters_go_back_across_years() -> None:
    assert quarters.previous("2026Q1") == "2025Q4" and quarters.previous("2026Q3") == "2026Q2"


def dashboard_data(page: str) -> dict:  # type: ignore[type-arg]
    found = re.search(r'<script id="dashboard-data" type="application/json">(.*?)</script>', page, re.S)
    assert found
    return json.loads(found.group(1))  # type: ignore[no-any-return]


def test_dashboard_shows_the_node_per_quarter_and_opens_each_report(client: Client, runs) -> None:  # type: ignore[no-untyped-def]
    web_login(client, "east_reviewer")
    page = client.get("/dashboard/").content.decode()
    data = dashboard_data(page)
    a, c, f = runs["a"], runs["c"], runs["f"]
    assert [(q["period"], q["run"], q["persons"], q["rate"], q["complete"]) for q in data["quarters"]] == [
        ("2025Q4", f"#{a.pk} 2025-11-15", 4, 100.0, 100.0),
        ("2026Q1", f"#{c.pk} 2026-03-31", 4, 50.0, 100.0),  # the east only: the west is not the reviewer's
        ("2026Q2", None, None, None, None),
        ("2026Q3", None, None, None, None),
        ("2026Q4", f"#{f.pk} 2026-12-31", 4, 0.0, 100.0),
    ]
    assert 'id="chart-quarters"' in page
    assert "/reports/quarterly/?node=320102000000&amp;period=2026Q1" in page and "无报表" in page
    assert "/reports/quarterly/?node=320102000000&amp;period=2026Q2" not in page  # no report to open
    # The per-run trend is still there: the latest published runs with their files, by id.
    assert [t["run"].split()[0] for t in data["trend"]] == [
        f"#{runs[k].pk}" for k in ("a", "b", "d", "c", "f")
    ]
    report = client.get("/reports/quarterly/", {"period": "2026Q1"}).content.decode()
    assert f"比对批次 #{c.pk}（" in report  # the quarter's point and its report agree

    web_login(client, "city_officer")
    city = dashboard_data(client.get("/dashboard/", {"node": "320100000000"}).content.decode())
    assert [(q["period"], q["persons"], q["rate"], q["complete"]) for q in city["quarters"]][1] == (
        "2026Q1",
        8,
        75.0,
        50.0,  # east 2 + west 4 registered of 8; the west incomplete
    )
    web_login(client, "west_reviewer")
    assert client.get("/dashboard/", {"node": "320102000000"}).status_code == 404
