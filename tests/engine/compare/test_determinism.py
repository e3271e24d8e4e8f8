"""Same inputs and as-of date ⇒ the same result files, byte for byte (comparison-rules.md)."""

from __future__ import annotations

from pathlib import Path

from tests.engine.compare import cases_flags, cases_outcome, cases_population, cases_status  # noqa: F401
from tests.engine.compare.cases import CASES
from tests.engine.compare.golden import City, persons


def test_two_runs_write_identical_files(tmp_path: Path) -> None:
    city = City(tmp_path)
    for case in CASES[:20]:
        case.build(city)
    assert len(CASES) >= 20
    result = city.run("duckdb")
    assert len(persons(result)) > 20  # a city with something in it
    first = result.outputs
    second_dir = tmp_path / "again"
    second_dir.mkdir()
    city.tmp = second_dir
    second = city.run("duckdb").outputs
    for name in first:
        assert Path(first[name]).read_bytes() == Path(second[name]).read_bytes(), name


def test_database_file_gives_the_same_files_as_memory(tmp_path: Path, monkeypatch) -> None:
    # Large inputs (10 M persons) run in a DuckDB database file that can spill; small ones in memory.
    # Both must write the same bytes, or the golden tests would not speak for the large runs.
    city = City(tmp_path)
    for case in CASES[:20]:
        case.build(city)
    outputs = {}
    for forced in ("0", "1"):
        monkeypatch.setenv("CANBAO_DUCKDB_ON_DISK", forced)
        city.tmp = tmp_path / f"disk{forced}"
        city.tmp.mkdir()
        outputs[forced] = city.run("duckdb").outputs
    for name in outputs["0"]:
        assert Path(outputs["0"][name]).read_bytes() == Path(outputs["1"][name]).read_bytes(), name
