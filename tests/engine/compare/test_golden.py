"""Golden tests: every rule and sub-case of comparison-rules.md, on DuckDB and on Spark."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import tests.engine.compare.cases_rules  # noqa: F401 - registers the cases (first: its example checks line numbers)
from tests.engine.compare import cases_flags, cases_outcome, cases_population, cases_status  # noqa: F401
from tests.engine.compare.cases import CASES, Case, Result
from tests.engine.compare.golden import City


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_duckdb(case: Case, tmp_path: Path) -> None:
    city = City(tmp_path)
    check = case.build(city)
    check(Result(city.run("duckdb")))


@pytest.fixture(scope="module")
def spark_result(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    if shutil.which("java") is None:
        pytest.fail("Spark 需要 Java：请安装 openjdk-17-jre-headless（.ci/run 会自动安装）")
    tmp = tmp_path_factory.mktemp("spark-golden")
    city = City(tmp)
    checks = {case.name: case.build(city) for case in CASES}
    spark = Result(city.run("spark"))
    duck = Result(city.run("duckdb"))
    return {"checks": checks, "spark": spark, "duck": duck}


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_spark(case: Case, spark_result: dict) -> None:
    spark_result["checks"][case.name](spark_result["spark"])


@pytest.mark.slow
def test_spark_and_duckdb_files_are_identical(spark_result: dict) -> None:
    spark, duck = spark_result["spark"].raw.outputs, spark_result["duck"].raw.outputs
    for name in duck:
        assert Path(spark[name]).read_bytes() == Path(duck[name]).read_bytes(), name
