"""The whole chain on a generated city: every file imports with the rejects the generator planted,
the comparison reproduces the generator's own expected counts, publishing and exporting reconcile."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from canbao.cli.main import main
from canbao.comparison.models import ComparisonRun, ImportBatch
from canbao.engine.kinds import IMPORT_ORDER
from canbao.registry.models import Person, PersonHistory

pytestmark = pytest.mark.django_db(transaction=True)

AS_OF = "2026-09-30"


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("city")
    assert main(["demo-data", "--persons", "3000", "--seed", "5", "--out", str(out), "--as-of", AS_OF]) == 0
    return out


def _import_all(city: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, dict]:
    manifest = json.loads((city / "manifest.json").read_text(encoding="utf-8"))
    reports = {}
    for kind in IMPORT_ORDER:
        for entry in (f for f in manifest["files"] if f["kind"] == kind):
            code = main(["import", "--kind", kind, "--as-of", AS_OF, str(city / entry["file"]), "--json"])
            out = capsys.readouterr().out
            assert code == 0, out
            reports[entry["file"]] = json.loads(out)
    return reports


def test_import_compare_publish_export(
    city: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    manifest = json.loads((city / "manifest.json").read_text(encoding="utf-8"))
    expected = manifest["expected"]
    reports = _import_all(city, capsys)
    for entry in manifest["files"]:
        report = reports[entry["file"]]
        assert report["rows_read"] == report["accepted"] + report["rejected"] == entry["rows"], entry["file"]
        assert report["encoding"] == entry["encoding"], entry["file"]
        assert dict(Counter(r["reason"] for r in report["rejects"])) == expected["rejects"].get(
            entry["file"], {}
        ), entry["file"]

    assert main(["compare", "--as-of", AS_OF, "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    counts = result["counts"]
    assert counts["persons"] == expected["population"]["total"]
    assert {k: v for k, v in counts["population_group"].items() if v} == {
        k: v for k, v in expected["population"].items() if k != "total"
    }
    assert {k: v for k, v in counts["outcome"].items() if v} == expected["outcomes"]
    assert {k: v for k, v in counts["survey_reasons"].items() if v} == expected["survey_reasons"]
    assert {k: v for k, v in counts["flags"].items() if v} == expected["flags"]
    assert counts["complete"] == expected["complete"]
    assert counts["deceased_active"] == expected["deceased_active"]
    assert counts["units"] == expected["units"]["total"]
    assert counts["units_needing_survey"] == expected["units"]["needs_survey"]
    assert counts["unlinked"] == sum(expected["unlinked_rows"].values())

    run = ComparisonRun.objects.get(pk=result["run"])
    persons = pq.read_table(Path(run.result_dir) / "persons.parquet").to_pylist()
    for column, by_code in expected["status"].items():
        assert dict(Counter(p[column] for p in persons)) == by_code, column
    assert dict(Counter(p["AAB301"][:6] for p in persons)) == expected["placed_by_county"]

    # Published: one Person per person in P, nothing else in P.
    assert Person.objects.filter(in_population=True).count() == counts["persons"]
    assert result["published"]["created"] == counts["persons"]
    # Published units carry their credit code in AAB998 (searched and joined on), not only in ukey.
    from canbao.registry.models import Unit

    units = pq.read_table(Path(run.result_dir) / "units.parquet").to_pylist()
    assert Unit.objects.count() == len(units) > 0
    assert dict(Unit.objects.values_list("ukey", "aab998")) == {u["ukey"]: u["AAB998"] or "" for u in units}

    # Unchanged inputs: a new run record, no changed person.
    assert main(["compare", "--as-of", AS_OF, "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["run"] != result["run"]
    assert (again["published"]["created"], again["published"]["changed"], again["published"]["left"]) == (
        0,
        0,
        0,
    )
    assert not PersonHistory.objects.exists()

    # The quarterly report: every identity holds at the city and in every county, and the CLI's CSV has
    # a row per child area plus 合计, whose cells are the sums.
    from canbao.divisions.models import Division
    from canbao.reports.services import quarter_report

    top = Division.objects.filter(level=2).order_by("code").first()
    for node in [top, *top.children.all()]:
        q = quarter_report(node=node, period="2026Q3")
        assert not q.report.breaches, (node.code, q.report.breaches)
    city_report = quarter_report(node=top, period="2026Q3").report
    assert city_report.total.cells[2] == counts["population_group"]["1"]
    assert (
        sum(city_report.total.cells[c] for c in (3, 5, 6, 7)) - city_report.total.cells[4]
        == city_report.total.cells[1]
    )
    report_csv = tmp_path / "q.csv"
    assert (
        main(["report", "quarterly", "--period", "2026Q3", "--node", top.code, "--out", str(report_csv)]) == 0
    )
    with report_csv.open(encoding="utf-8-sig", newline="") as fh:
        table = list(csv.reader(fh))
    assert table[0] == ["AAB301", *map(str, range(1, 18))] and table[-1][0] == "合计"
    assert [r[0] for r in table[1:-1]][: top.children.count()] == sorted(
        top.children.values_list("code", flat=True)
    )
    for col in range(1, 18):
        assert int(table[-1][col]) == sum(int(r[col]) for r in table[1:-1])

    out = tmp_path / "registry.csv"
    assert main(["export", "registry", "--out", str(out)]) == 0
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == counts["persons"]
    numbers = [r["AAC002"] for r in rows]
    assert numbers == sorted(numbers)
    assert all(r["AAC001"] and r["AAE011"] and r["AAE036"] for r in rows)
    assert ImportBatch.objects.count() == len(manifest["files"])


def test_failed_publish_leaves_the_database_as_it_was(
    city: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _import_all(city, capsys)
    assert main(["compare", "--as-of", AS_OF, "--json"]) == 0
    capsys.readouterr()
    before = list(Person.objects.order_by("pk").values_list("pk", "aac003", "outcome", "source_run"))

    import canbao.comparison.runs as runs

    def broken_units(*args: object, **kwargs: object) -> None:
        raise RuntimeError("killed during publish")

    monkeypatch.setattr(runs, "units_upsert", broken_units)
    monkeypatch.setattr(runs, "survey_input", lambda as_of: None)
    with pytest.raises(RuntimeError):
        main(["compare", "--as-of", AS_OF])
    assert list(Person.objects.order_by("pk").values_list("pk", "aac003", "outcome", "source_run")) == before
    failed = ComparisonRun.objects.order_by("-id").first()
    assert (
        failed is not None and failed.status == "failed" and not failed.published and "killed" in failed.error
    )
    assert not Path(failed.result_dir or "/nonexistent").exists()
