"""Same inputs and as-of date ⇒ the same result files, byte for byte (comparison-rules.md)."""

from __future__ import annotations

import random
from pathlib import Path

import pyarrow.parquet as pq
from tests.engine.compare import cases_flags, cases_outcome, cases_population, cases_status  # noqa: F401
from tests.engine.compare.cases import CASES
from tests.engine.compare.golden import City, persons


def _run_with(city: City, tmp_path: Path, monkeypatch, variable: str, values: tuple[str, ...]) -> list[dict]:
    """The city's result files, one run per value of the environment variable."""
    outputs = []
    for value in values:
        monkeypatch.setenv(variable, value)
        city.tmp = tmp_path / f"{variable}-{value}"
        city.tmp.mkdir()
        outputs.append(city.run("duckdb").outputs)
    return outputs


def _assert_same_files(first: dict, second: dict) -> None:
    assert first.keys() == second.keys()
    for name in first:
        assert Path(first[name]).read_bytes() == Path(second[name]).read_bytes(), name


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
    _assert_same_files(first, second)


def test_database_file_gives_the_same_files_as_memory(tmp_path: Path, monkeypatch) -> None:
    # Large inputs (10 M persons) run in a DuckDB database file that can spill; small ones in memory.
    # Both must write the same bytes, or the golden tests would not speak for the large runs.
    city = City(tmp_path)
    for case in CASES[:20]:
        case.build(city)
    one, other = _run_with(city, tmp_path, monkeypatch, "CANBAO_DUCKDB_ON_DISK", ("0", "1"))
    _assert_same_files(one, other)


def test_outputs_are_in_the_order_of_their_string_keys(tmp_path: Path) -> None:
    # persons and status_basis are sorted on integer keys (pid, ranks of line and kind, row key) that
    # must order them exactly as (pkey, line, kind, _file, _line): persons keyed "#AAC001" (no ID
    # number) first, in their string order, then ID numbers.
    import tests.engine.compare.cases_rules  # noqa: F401

    city = City(tmp_path)
    for case in CASES:
        case.build(city)
    result = city.run("duckdb")
    keys = [r["pkey"] for r in pq.read_table(result.outputs["persons"]).to_pylist()]
    assert sum(k.startswith("#") for k in keys) >= 2 and len(keys) > 100
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    basis = pq.read_table(result.outputs["status_basis"]).to_pylist()
    order = [(r["pkey"], r["line"], r["kind"], r["_file"], r["_line"]) for r in basis]
    assert {r["kind"] for r in basis} >= {"insurance", "household_register", "employment"}
    assert len({r["line"] for r in basis}) == 5
    assert order == sorted(order)


def test_person_key_is_the_id_number_in_17_digits_and_back() -> None:
    import duckdb

    from canbao.engine.compare.steps import _id_of, person_key
    from canbao.engine.validate.idnumber import calc_check_char

    rng = random.Random(7)
    ids = []
    for _ in range(2000):
        first17 = f"{rng.randint(110000, 659999)}{rng.randint(19000101, 20251231)}{rng.randint(0, 999):03d}"
        ids.append(first17 + calc_check_char(first17))
    assert any(i.endswith("X") for i in ids)
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT unnest($ids) AS AAC002", {"ids": ids})
    rows = con.execute(
        f"SELECT AAC002, {person_key()} AS pid, {_id_of(person_key())} AS back FROM t ORDER BY pid"
    ).fetchall()
    assert [r[0] for r in rows] == sorted(ids)  # the keys sort as the numbers do
    assert all(r[2] == r[0] and r[1] == int(r[0][:17]) for r in rows)


def test_ranges_of_persons_give_the_same_files(tmp_path: Path, monkeypatch) -> None:
    # Large inputs are compared one range of person keys at a time (pipeline.sharded); the files
    # must be those of one pass, byte for byte: persons without an ID number (negative keys) in the
    # first range, every output in order across the ranges, units and unlinked rows once.
    import tests.engine.compare.cases_rules  # noqa: F401

    city = City(tmp_path)
    for case in CASES:
        case.build(city)
    one, four = _run_with(city, tmp_path, monkeypatch, "CANBAO_ENGINE_SHARDS", ("1", "4"))
    assert pq.read_metadata(four["persons"]).num_rows > 100
    _assert_same_files(one, four)


def test_only_files_in_id_order_are_read_by_ranges(tmp_path: Path, monkeypatch) -> None:
    import pyarrow as pa

    from canbao.engine import duck
    from canbao.engine.compare import pipeline

    ids = [f"{110101199001010000 + i * 7919:018d}" for i in range(300)]
    rows = {"AAC002": ids, "id_valid": [True] * len(ids)}
    in_order, shuffled = tmp_path / "in_order.parquet", tmp_path / "shuffled.parquet"
    pq.write_table(
        pa.table({k: sorted(v) if k == "AAC002" else v for k, v in rows.items()}), in_order, row_group_size=50
    )
    pq.write_table(pa.table({k: list(reversed(v)) for k, v in rows.items()}), shuffled, row_group_size=50)
    assert pipeline._in_id_order(str(in_order)) and not pipeline._in_id_order(str(shuffled))
    monkeypatch.setattr(duck, "ON_DISK_BYTES", 0)
    monkeypatch.setattr(pipeline, "SHARD_BYTES", 1000)
    day = __import__("datetime").date(2026, 9, 30)

    def extracts(path: Path) -> dict:
        return {"household_register": [pipeline.ExtractFile("household_register", str(path), day, 0)]}

    assert pipeline.shard_count(extracts(in_order)) > 1
    assert pipeline.shard_count(extracts(shuffled)) == 1
