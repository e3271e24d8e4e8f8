"""Writing persons into the registration database, in bulk, with history for what changed."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from functools import partial
from itertools import islice
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from canbao.core import crypto
from canbao.core.masking import mask_id, mask_phone
from canbao.registry.models import Person, PersonHistory

# Plain fields a published row may carry, besides the ID number and phone (which are encrypted).
PERSON_FIELDS = (
    "aac003", "aac004", "aac005", "aac006", "aac012", "aac009", "aac010", "aae006", "aab401", "aab402",
    "hukou_status", "employment_status", "employer_aab998", "employer_aab001", "employer_name",
    "uninsured_reason", "population_group", "placement_id", "aic003", "akc003", "alc003", "ajc003", "amc003",
    "outcome", "flags", "survey_reasons", "complete", "status_rules", "in_population", "aae011", "aae036", "aae014", "aae015",
)  # fmt: skip
CHUNK = 5000
# What a re-published person may change, in the order persons_upsert reads and writes them.
_UPDATED = (*PERSON_FIELDS, "aae005_hash", "aae005_masked", "aae005_cipher", "source_run")
_EXISTING = ("id", "aac002_hash", *_UPDATED)
_CIPHER_AT = _UPDATED.index("aae005_cipher")


@dataclass
class PublishCounts:
    created: int = 0
    changed: int = 0
    unchanged: int = 0


def _chunks(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    it = iter(rows)
    while chunk := list(islice(it, size)):
        yield chunk


def _comparable(value: Any) -> Any:
    return "" if value is None else value


def persons_upsert(
    rows: Iterable[dict[str, Any]],
    *,
    actor: str,
    source: str,
    reason: str = "",
    run_id: int | None = None,
    touch: bool = False,
) -> PublishCounts:
    """Create or update persons keyed by their ID number; history only for persons whose data changed.

    Each row holds `aac002` (18 characters, plain), optionally `aae005` (plain phone) and any of
    PERSON_FIELDS. Runs in one transaction: a failure leaves the database as it was. A created or
    changed person records the handler (AAE011/AAE036). With `touch`, unchanged persons get
    `source_run = run_id` too, so that the caller can tell who was not in the input.
    """
    now = timezone.now()
    counts = PublishCounts()
    with transaction.atomic():
        next_no = int(Person.objects.aggregate(m=Max("aac001"))["m"] or 0) + 1
        fresh = next_no == 1
        for chunk in _chunks(rows, CHUNK):
            seen: set[str] = set()  # per chunk; across chunks the unique index on aac002_hash decides
            numbers = [r["aac002"] for r in chunk]
            hashes = crypto.lookup_hashes(numbers)
            # Into an empty table (a first publish) there is nothing to look up: skip 5,000-key queries.
            existing: dict[str, tuple[Any, ...]] = {}
            if not fresh:
                # During a key rotation a person may still be under an old key's hash: find it by any.
                # Plain tuples, not model instances: building 5,000 instances of forty fields cost
                # more than the query.
                aliases = crypto.hash_aliases(numbers, hashes)
                existing = {
                    aliases[t[1]]: t
                    for t in Person.objects.filter(aac002_hash__in=list(aliases)).values_list(*_EXISTING)
                }
            phones = [r.get("aae005") or "" for r in chunk]
            phone_hashes = crypto.lookup_hashes(phones)
            no_phone_hash = crypto.lookup_hash("")  # what an empty phone hashes to, once per chunk
            new_people: list[dict[str, Any]] = []
            changed: list[tuple[int, list[Any]]] = []
            history: list[dict[str, Any]] = []
            touched: list[int] = []
            to_encrypt_id: list[tuple[dict[str, Any], str]] = []
            to_encrypt_phone: list[tuple[dict[str, Any] | list[Any], str]] = []
            for row, id_hash, phone, phone_hash in zip(chunk, hashes, phones, phone_hashes, strict=True):
                if id_hash in seen:
                    raise ValueError(f"同一批数据中身份号码重复：{mask_id(row['aac002'])}")
                seen.add(id_hash)
                found = existing.get(id_hash)
                values = {f: row[f] for f in PERSON_FIELDS if f in row}
                if found is None:
                    # New persons skip model instances: a plain row is ~20× cheaper to build and insert.
                    new = {
                        **values,
                        "aac001": f"{next_no:016d}",
                        "aac002_hash": id_hash,
                        "aac002_masked": mask_id(row["aac002"]),
                        "source_run": run_id,
                        "aae011": actor[:20],
                        "aae036": now,
                        "created_at": now,
                        "updated_at": now,
                    }
                    next_no += 1
                    to_encrypt_id.append((new, row["aac002"]))
                    if phone:
                        new["aae005_hash"], new["aae005_masked"] = phone_hash, mask_phone(phone)
                        to_encrypt_phone.append((new, phone))
                    new_people.append(new)
                    continue
                person_id = found[0]
                current = dict(zip(_UPDATED, found[2:], strict=True))
                before: dict[str, Any] = {}
                after: dict[str, Any] = {}
                for f, v in values.items():
                    if _comparable(current[f]) != _comparable(v):
                        before[f], after[f] = _json(current[f]), _json(v)
                        current[f] = v
                if (
                    "aae005" in row
                    and phone_hash != (current["aae005_hash"] or no_phone_hash)
                    and not _same_under_old_key(current["aae005_cipher"], current["aae005_hash"], phone)
                ):
                    before["aae005"], after["aae005"] = current["aae005_masked"], mask_phone(phone)
                    current["aae005_hash"], current["aae005_masked"] = (
                        (phone_hash, mask_phone(phone)) if phone else ("", "")
                    )
                    current["aae005_cipher"] = ""  # the new phone's ciphertext, or none
                if before:
                    current["source_run"] = run_id
                    current["aae011"], current["aae036"] = actor[:20], now
                    update = [*(current[f] for f in _UPDATED), now]
                    if "aae005" in before and phone:
                        to_encrypt_phone.append((update, phone))
                    changed.append((person_id, update))
                    history.append(
                        {
                            "person_id": person_id,
                            "at": now,
                            "actor": actor,
                            "source": source,
                            "reason": reason,
                            "before": before,
                            "after": after,
                        }
                    )
                else:
                    counts.unchanged += 1
                    if touch and current["source_run"] != run_id:
                        touched.append(person_id)
            for (new, _plain), token in zip(
                to_encrypt_id, crypto.encrypt_many([p for _, p in to_encrypt_id]), strict=True
            ):
                new["aac002_cipher"] = token
            for (target, _plain), token in zip(
                to_encrypt_phone, crypto.encrypt_many([p for _, p in to_encrypt_phone]), strict=True
            ):
                if isinstance(target, dict):
                    target["aae005_cipher"] = token
                else:
                    target[_CIPHER_AT] = token
            insert_rows(Person, new_people)
            if changed:
                update_values(Person, [*_UPDATED, "updated_at"], changed)
                insert_rows(PersonHistory, history)  # plain rows: bulk_create binds JSON slowly
            if touched:
                Person.objects.filter(pk__in=touched).update(source_run=run_id)
            counts.created += len(new_people)
            counts.changed += len(changed)
    return counts


def _same_under_old_key(cipher: str, phone_hash: str, phone: str) -> bool:
    """During a key rotation a person not yet re-hashed keeps the old key's hash of an unchanged phone."""
    kid = cipher.partition(":")[0]
    return (
        bool(phone and cipher)
        and kid != crypto.load_keyring().current
        and crypto.hash_matches(phone, phone_hash, kid=kid)
    )


def persons_leave_population(
    person_ids: Iterable[int], *, actor: str, source: str, reason: str, run_id: int | None = None
) -> int:
    """Persons no longer in P (died, moved away, …) stay in the database, marked and with history."""
    total = 0
    ids = list(person_ids)
    with transaction.atomic():
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            PersonHistory.objects.bulk_create(
                [
                    PersonHistory(
                        person_id=pk,
                        actor=actor,
                        source=source,
                        reason=reason,
                        before={"in_population": True},
                        after={"in_population": False},
                    )
                    for pk in chunk
                ]
            )
            total += Person.objects.filter(pk__in=chunk).update(in_population=False, source_run=run_id)
    return total


_PLAIN_TYPES = frozenset(
    {"CharField", "TextField", "IntegerField", "BigIntegerField", "PositiveSmallIntegerField", "SmallIntegerField",
     "BooleanField", "DateField", "DateTimeField", "ForeignKey"}
)  # fmt: skip


def update_rows(objs: list[Any], field_names: list[str]) -> None:
    """Write `field_names` of changed model instances back (see `update_values`)."""
    if not objs:
        return
    model = type(objs[0])
    fields = [model._meta.get_field(name) for name in field_names]
    if any(f.name == "updated_at" for f in model._meta.concrete_fields) and "updated_at" not in field_names:
        fields.append(model._meta.get_field("updated_at"))
    rows = [
        (
            obj.pk,
            [
                f.pre_save(obj, False) if getattr(f, "auto_now", False) else getattr(obj, f.attname)
                for f in fields
            ],
        )
        for obj in objs
    ]
    update_values(model, [f.attname for f in fields], rows)


def update_values(model: Any, attnames: list[str], rows: list[tuple[int, list[Any]]]) -> None:
    """Set the columns `attnames` of the rows with these primary keys to these Python values.

    The ORM's bulk_update sends one UPDATE per 1,000 rows with a CASE of 1,000 branches per field,
    which PostgreSQL evaluates in quadratic time (minutes for 10,000 changed persons). On PostgreSQL
    the rows go to a temporary table by COPY and one UPDATE … FROM applies them; elsewhere one
    parameterised UPDATE per row (executemany) is fast.
    """
    if not rows:
        return
    ops = connection.ops
    fields = [next(f for f in model._meta.concrete_fields if f.attname == name) for name in attnames]
    table = ops.quote_name(model._meta.db_table)
    postgres = connection.vendor == "postgresql"
    # COPY adapts plain Python values itself; Django's per-value preparation (~10 µs a value, forty
    # fields a person) is needed only for JSON there, and for everything on the other databases.
    prepare = [
        None
        if postgres and f.get_internal_type() in _PLAIN_TYPES
        else partial(f.get_db_prep_save, connection=connection)
        for f in fields
    ]
    with connection.cursor() as cursor:
        if postgres:
            columns = ", ".join(ops.quote_name(f.column) for f in fields)
            create = (
                f"CREATE TEMP TABLE _upd ON COMMIT DROP AS SELECT {columns}, id FROM {table} WITH NO DATA"  # noqa: S608
            )
            cursor.execute(create)
            with cursor.cursor.copy(f"COPY _upd ({columns}, id) FROM STDIN") as copy:
                for pk, values in rows:
                    copy.write_row(
                        [v if fn is None else fn(v) for v, fn in zip(values, prepare, strict=True)] + [pk]
                    )
            assignments = ", ".join(
                f"{ops.quote_name(f.column)} = u.{ops.quote_name(f.column)}" for f in fields
            )
            cursor.execute(f"UPDATE {table} AS t SET {assignments} FROM _upd AS u WHERE t.id = u.id")  # noqa: S608
            cursor.execute("DROP TABLE _upd")
        else:
            assignments = ", ".join(f"{ops.quote_name(f.column)} = %s" for f in fields)
            cursor.executemany(
                f"UPDATE {table} SET {assignments} WHERE id = %s",  # noqa: S608
                [[fn(v) for v, fn in zip(values, prepare, strict=True)] + [pk] for pk, values in rows],  # type: ignore[misc]
            )


def insert_rows(model: Any, rows: list[dict[str, Any]]) -> None:
    """Insert plain rows (attname → value; missing fields take their defaults) as fast as the database
    allows: COPY on PostgreSQL, executemany elsewhere. No model instances, no primary keys read back.

    The ORM's bulk_create costs ~1 ms a person here (model __init__ and per-field preparation); a
    first publish of 10 M persons cannot afford that.
    """
    if not rows:
        return
    ops = connection.ops
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = [f.get_default() for f in fields]
    adapt = []
    for f in fields:
        kind = f.get_internal_type()
        if kind == "DateTimeField":
            adapt.append(ops.adapt_datetimefield_value)
        elif kind == "DateField":
            adapt.append(ops.adapt_datefield_value)
        elif kind == "JSONField":
            adapt.append(partial(f.get_db_prep_save, connection=connection))
        else:
            adapt.append(None)
    names = [f.attname for f in fields]
    table = ops.quote_name(model._meta.db_table)
    columns = ", ".join(ops.quote_name(f.column) for f in fields)

    adapted: dict[tuple[int, Any], Any] = {}  # most rows share the same few timestamps and dates
    name_defaults = list(zip(names, defaults, strict=True))
    to_adapt = [(i, fn) for i, fn in enumerate(adapt) if fn is not None and not isinstance(fn, partial)]
    to_json = [(i, fn) for i, fn in enumerate(adapt) if isinstance(fn, partial)]

    def values(row: dict[str, Any]) -> list[Any]:
        get = row.get
        out = [get(name, default) for name, default in name_defaults]
        for i, fn in to_json:
            out[i] = fn(out[i])
        for i, fn in to_adapt:
            v = out[i]
            if v is not None:
                key = (i, v)
                a = adapted.get(key)
                if a is None:
                    a = adapted[key] = fn(v)
                out[i] = a
        return out

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:  # noqa: S608 - names from the model
                for row in rows:
                    copy.write_row(values(row))
        else:
            marks = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", [values(r) for r in rows])  # noqa: S608


def _json(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


UNIT_FIELDS = (
    "aab998",  # searched and joined on (unit pages, API, employees): not only inside ukey
    "aab001",
    "aab004",
    "aab019",
    "placement_id",
    "aae006",
    "credit_code_valid",
    "needs_survey",
    "survey_reasons",
)


def units_upsert(
    rows: Iterable[dict[str, Any]], *, actor: str, source: str, reason: str = "", run_id: int | None = None
) -> PublishCounts:
    """Create or update units keyed by `ukey` (the credit code, or "#<AAB001>"); history only for units that changed."""
    from canbao.registry.models import Unit, UnitHistory

    counts = PublishCounts()
    now = timezone.now()
    with transaction.atomic():
        for chunk in _chunks(rows, CHUNK):
            existing = {u.ukey: u for u in Unit.objects.filter(ukey__in=[r["ukey"] for r in chunk])}
            new_units: list[dict[str, Any]] = []
            new_keys: set[str] = set()
            changed, history = [], []
            for row in chunk:
                values = {f: row[f] for f in UNIT_FIELDS if f in row}
                if row["ukey"] in new_keys:
                    continue
                unit = existing.get(row["ukey"])
                if unit is None:
                    # Plain rows, as for persons: a first publish creates hundreds of thousands.
                    new_units.append(
                        {
                            "ukey": row["ukey"],
                            "source_run": run_id,
                            **values,
                            "created_at": now,
                            "updated_at": now,
                        }
                    )
                    new_keys.add(row["ukey"])
                    continue
                before = {
                    f: _json(getattr(unit, f))
                    for f, v in values.items()
                    if _comparable(getattr(unit, f)) != _comparable(v)
                }
                if not before:
                    counts.unchanged += 1
                    continue
                for f in before:
                    setattr(unit, f, values[f])
                unit.source_run = run_id
                changed.append(unit)
                history.append(
                    UnitHistory(
                        unit=unit,
                        actor=actor,
                        source=source,
                        reason=reason,
                        before=before,
                        after={f: _json(values[f]) for f in before},
                    )
                )
            insert_rows(Unit, new_units)
            if changed:
                update_rows(changed, [*UNIT_FIELDS, "source_run"])
                UnitHistory.objects.bulk_create(history, batch_size=1000)
            counts.created += len(new_units)
            counts.changed += len(changed)
    return counts


@contextmanager
def indexes_deferred(model: Any) -> Iterator[None]:
    """On PostgreSQL, drop a table's indexes and its unique and foreign-key constraints (not the
    primary key) for a bulk load, and build them again afterwards: one sorted build per index, and
    one validating query per foreign key, are many times cheaper than maintaining each index and
    queueing a deferred check row by row. A duplicate or a dangling key still fails, when the
    constraint is added back. Inside the caller's transaction, so a failed load gets everything
    back with the rollback. Elsewhere a no-op."""
    if connection.vendor != "postgresql":
        yield
        return
    table = model._meta.db_table
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        # PostgreSQL will not alter a table with pending deferred checks: run them first.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass "
            "AND contype IN ('u', 'f') ORDER BY conname",
            [table],
        )
        constraints = cursor.fetchall()
        for name, _ in constraints:
            cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s AND i.indexname NOT IN "
            "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass) ORDER BY i.indexname",
            [table, table],
        )
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {quote(name)}")
    yield
    with connection.cursor() as cursor:
        # Django's foreign keys are DEFERRABLE INITIALLY DEFERRED: run pending checks now (see
        # above), then defer again.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        # Sorting in memory instead of in temporary files (this transaction only).
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for _, definition in indexes:
            cursor.execute(definition)
        for name, definition in constraints:
            cursor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute("RESET maintenance_work_mem")


def persons_load_fresh(batches: Iterable[pa.RecordBatch], *, actor: str, run_id: int | None) -> int:
    """Insert new persons into an EMPTY table (a first publish), column by column.

    Each batch holds `aac002` and `aae005` (plain; '' for no phone) and PERSON_FIELDS columns in
    their database form (strings, integers, booleans; dates as 'YYYY-MM-DD'). The rows become what
    `persons_upsert` would insert (same numbering, hashes, ciphertexts, masks and defaults), but
    no Python object is built per row: only the look-up hashes and the encryption run per value;
    the rest is Arrow compute, written to COPY as CSV. Call inside `indexes_deferred(Person)`.
    """
    now = timezone.now()
    fields = [f for f in Person._meta.concrete_fields if not f.primary_key]
    ops = connection.ops
    table = ops.quote_name(Person._meta.db_table)
    columns = ", ".join(ops.quote_name(f.column) for f in fields)
    stamp = now.isoformat()
    fixed = {
        "source_run": run_id,
        "aae011": actor[:20],
        "aae036": stamp,
        "created_at": stamp,
        "updated_at": stamp,
    }
    total = 0
    options = pacsv.WriteOptions(include_header=False, quoting_style="needed")
    with transaction.atomic(), connection.cursor() as cursor:
        next_no = int(Person.objects.aggregate(m=Max("aac001"))["m"] or 0) + 1
        copy_sql = f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv)"  # noqa: S608 - names from the model
        postgres = connection.vendor == "postgresql"
        with cursor.cursor.copy(copy_sql) if postgres else nullcontext() as copy:
            for batch in batches:
                n = batch.num_rows
                if not n:
                    continue
                ids = batch.column("aac002").to_pylist()
                phones = batch.column("aae005").to_pylist()
                with_phone = [i for i, p in enumerate(phones) if p]
                cols: dict[str, pa.Array] = {
                    name: batch.column(name)
                    for name in batch.schema.names
                    if name not in ("aac002", "aae005")
                }
                numbers = pa.array(range(next_no, next_no + n), pa.int64())
                cols["aac001"] = pc.utf8_lpad(pc.cast(numbers, pa.string()), 16, "0")
                next_no += n
                cols["aac002_hash"] = pa.array(crypto.lookup_hashes(ids), pa.string())
                cols["aac002_cipher"] = pa.array(crypto.encrypt_many(ids), pa.string())
                cols["aac002_masked"] = pa.array([mask_id(v) for v in ids], pa.string())
                phone_values = [phones[i] for i in with_phone]
                for name, values in (
                    ("aae005_hash", crypto.lookup_hashes(phone_values)),
                    ("aae005_cipher", crypto.encrypt_many(phone_values)),
                    ("aae005_masked", [mask_phone(v) for v in phone_values]),
                ):
                    full = [""] * n
                    for i, v in zip(with_phone, values, strict=True):
                        full[i] = v
                    cols[name] = pa.array(full, pa.string())
                arrays = [
                    cols[f.attname]
                    if f.attname in cols
                    else _constant(fixed[f.attname] if f.attname in fixed else f.get_default(), n)
                    for f in fields
                ]
                data = pa.table(arrays, names=[f.attname for f in fields])
                if copy is not None:
                    buffer = io.BytesIO()
                    pacsv.write_csv(data, buffer, options)
                    copy.write(buffer.getbuffer())
                else:  # SQLite (development, tests): the same rows through insert_rows
                    insert_rows(Person, [_typed(row, fields) for row in data.to_pylist()])
                total += n
    return total


def _typed(row: dict[str, Any], fields: list[Any]) -> dict[str, Any]:
    """A row of the COPY table back in Python types (dates and times are ISO strings there)."""
    for f in fields:
        value = row[f.attname]
        if isinstance(value, str) and f.get_internal_type() == "DateField":
            row[f.attname] = dt.date.fromisoformat(value)
        elif isinstance(value, str) and f.get_internal_type() == "DateTimeField":
            row[f.attname] = dt.datetime.fromisoformat(value)
    return row


def _constant(value: Any, n: int) -> pa.Array:
    """A column of one value, in the form COPY reads (None is NULL)."""
    if value is None:
        return pa.nulls(n, pa.string())
    if isinstance(value, bool):
        return pa.array([value], pa.bool_()).take(pa.array([0] * n, pa.int32()))
    if isinstance(value, int):
        return pa.array([value], pa.int64()).take(pa.array([0] * n, pa.int32()))
    return pa.array([str(value)], pa.string()).take(pa.array([0] * n, pa.int32()))
