"""Key rotation: re-encrypt every ciphertext and recompute every look-up hash under a new key set.

`rotate` adds a key set (core/keyfile.begin_rotation), then walks the tables holding key-dependent
values in primary-key order, a batch per transaction:

- persons: ID number and phone ciphertext and their look-up hashes (checked against the stored hash
  before re-hashing, so that a swapped or altered ciphertext is never laundered into a valid pair);
- person and unit history: ciphertext tokens anywhere in `before`/`after`.

Progress (phase, last primary key) is written beside the key file after each committed batch; a killed
rotation is finished by running `rotate` again. A batch redone after a crash re-encrypts rows already
under the new key, which is harmless. Writers running meanwhile already use the new key (the key file is
re-read when it changes); a final sweep from the start catches any row a concurrent writer put back
under an old key. Until the rotation ends, look-ups try the old index keys too (crypto.hash_aliases).

Nothing else stores key-dependent values: run outputs and staged files hold plain values (on the
encrypted volume, ADR 0007), the audit log names persons by key and masked number, and the audit
key is not rotated.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Q, TextField, Value
from django.db.models.functions import Cast, StrIndex, Substr

from canbao.audit.services import AuditActor, audit_record
from canbao.core import crypto, keyfile
from canbao.registry.models import Person, PersonHistory, UnitHistory

BATCH = 10_000
PHASES = ("persons", "person_history", "unit_history")
TOKEN = re.compile(r"^(k\d+):[A-Za-z0-9+/]{22,}={0,2}$")  # iv (16 bytes) + at least one byte, base64
PERSON_COLUMNS = ("aac002_cipher", "aac002_hash", "aae005_cipher", "aae005_hash")

# Called after every committed batch with (phase, last primary key): tests interrupt a rotation here.
after_batch: Callable[[str, int], None] | None = None

Progress = Callable[[str, int], None]


class RotationError(Exception):
    """Refused or stopped; the message (Chinese) says why. A pending rotation stays resumable."""


@dataclass
class RotationResult:
    target: str
    resumed: bool
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


# ---- reading: which keys are in use ---------------------------------------------------------------


def _kid_of(column: str) -> Substr:
    return Substr(column, 1, StrIndex(column, Value(":")) - 1)


def person_key_counts() -> dict[str, dict[str, int]]:
    """{key id: {"aac002": persons whose ID number is under it, "aae005": … whose phone is}}."""
    out: dict[str, dict[str, int]] = {}
    for column in ("aac002", "aae005"):
        rows = (
            Person.objects.exclude(**{f"{column}_cipher": ""})
            .annotate(kid=_kid_of(f"{column}_cipher"))
            .values("kid")
            .annotate(n=Count("id"))
            .order_by()
        )
        for row in rows:
            out.setdefault(row["kid"], {"aac002": 0, "aae005": 0})[column] = row["n"]
    return out


def _mentions(kid: str) -> Q:
    needle = f'"{kid}:'  # a JSON string value that begins with the key id
    return Q(before_text__contains=needle) | Q(after_text__contains=needle)


def _history_qs(model: type[PersonHistory] | type[UnitHistory]) -> Any:
    return model.objects.annotate(
        before_text=Cast("before", TextField()), after_text=Cast("after", TextField())
    ).order_by()


def history_key_counts() -> dict[str, dict[str, int]]:
    """{key id: {"person_history": rows with a token under it, "unit_history": …}}."""
    out: dict[str, dict[str, int]] = {}
    for kid in crypto.load_keyring().keys:
        for name, model in (("person_history", PersonHistory), ("unit_history", UnitHistory)):
            n = _history_qs(model).filter(_mentions(kid)).count()
            if n:
                out.setdefault(kid, {})[name] = n
    return out


def pending_rotation() -> dict[str, Any] | None:
    rotation: dict[str, Any] | None = keyfile.read_key_data().get("rotation")
    return rotation


# ---- writing ---------------------------------------------------------------------------------------


def _bulk_set(table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    """UPDATE `columns` of many rows by id (each row: values…, id) — no model instances, and no
    `updated_at` bump: a rotation changes no data."""
    ops = connection.ops
    qtable = ops.quote_name(table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cols = ", ".join(ops.quote_name(c) for c in columns)
            cursor.execute(
                f"CREATE TEMP TABLE _rot ON COMMIT DROP AS SELECT {cols}, id FROM {qtable} WITH NO DATA"  # noqa: S608 - names from the model
            )
            with cursor.cursor.copy(f"COPY _rot ({cols}, id) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            sets = ", ".join(f"{ops.quote_name(c)} = u.{ops.quote_name(c)}" for c in columns)
            cursor.execute(f"UPDATE {qtable} AS t SET {sets} FROM _rot AS u WHERE t.id = u.id")  # noqa: S608
            cursor.execute("DROP TABLE _rot")
        else:
            sets = ", ".join(f"{ops.quote_name(c)} = %s" for c in columns)
            cursor.executemany(f"UPDATE {qtable} SET {sets} WHERE id = %s", rows)  # noqa: S608


def _locked(qs: Any) -> Any:
    # PostgreSQL: a writer updating one of these persons waits for the batch (or the batch for it).
    # SQLite's IMMEDIATE transactions already hold the write lock from the start.
    return qs.select_for_update() if connection.features.has_select_for_update else qs


def _check_hashes(tokens: list[str], values: list[str], hashes: list[str | None]) -> list[int]:
    """Indexes where the stored hash is not the hash of the decrypted value (under the token's key)."""
    bad: list[int] = []
    by_kid: dict[str, list[int]] = {}
    for i, token in enumerate(tokens):
        if token:
            by_kid.setdefault(token.partition(":")[0], []).append(i)
    for kid, idxs in by_kid.items():
        expected = crypto.lookup_hashes([values[i] for i in idxs], kid=kid)
        for i, h in zip(idxs, expected, strict=True):
            if h != hashes[i] and not crypto.hash_matches(values[i], hashes[i] or "", kid=kid):
                bad.append(i)
    return bad


def _reencrypt(values: list[str], target: str) -> tuple[list[str], list[str]]:
    """(tokens, hashes) under `target` for the non-empty values; "" stays ""."""
    idx = [i for i, v in enumerate(values) if v]
    plain = [values[i] for i in idx]
    tokens, hashes = [""] * len(values), [""] * len(values)
    for i, t, h in zip(
        idx, crypto.encrypt_many(plain, kid=target), crypto.lookup_hashes(plain, kid=target), strict=True
    ):
        tokens[i], hashes[i] = t, h
    return tokens, hashes


def _persons_batch(target: str, last_pk: int, size: int) -> tuple[int, int] | None:
    """One batch of persons not (wholly) under `target`; (rows done, last pk) or None when none left."""
    prefix = f"{target}:"
    needs = (~Q(aac002_cipher__startswith=prefix) & ~Q(aac002_cipher="")) | (
        ~Q(aae005_cipher__startswith=prefix) & ~Q(aae005_cipher="")
    )
    with transaction.atomic():
        qs = _locked(Person.objects.filter(needs, pk__gt=last_pk).order_by("pk"))
        rows = list(qs.values_list("pk", *PERSON_COLUMNS, "aac002_masked")[:size])
        if not rows:
            return None
        id_tokens = [r[1] for r in rows]
        phone_tokens = [r[3] for r in rows]
        ids, phones = crypto.decrypt_many(id_tokens), crypto.decrypt_many(phone_tokens)
        bad = sorted(
            {
                *_check_hashes(id_tokens, ids, [r[2] for r in rows]),
                *_check_hashes(phone_tokens, phones, [r[4] for r in rows]),
            }
        )
        if bad:
            names = "、".join(f"person:{rows[i][0]}:{rows[i][5]}" for i in bad[:10])
            raise RotationError(f"密文与索引不符，轮换已停止（其余数据不受影响）：{names}")
        new_ids, new_id_hashes = _reencrypt(ids, target)
        new_phones, new_phone_hashes = _reencrypt(phones, target)
        out = [
            (
                new_ids[i] or "",
                new_id_hashes[i] or r[2],  # a person without an ID number keeps its NULL hash
                new_phones[i],
                new_phone_hashes[i] or r[4],
                r[0],
            )
            for i, r in enumerate(rows)
        ]
        _bulk_set(Person._meta.db_table, PERSON_COLUMNS, out)
    return len(rows), rows[-1][0]


def _tokens_in(value: Any, old: set[str], found: list[str]) -> None:
    if isinstance(value, str):
        m = TOKEN.match(value)
        if m and m.group(1) in old:
            found.append(value)
    elif isinstance(value, dict):
        for v in value.values():
            _tokens_in(v, old, found)
    elif isinstance(value, list):
        for v in value:
            _tokens_in(v, old, found)


def _replace(value: Any, mapping: dict[str, str]) -> Any:
    if isinstance(value, str):
        return mapping.get(value, value)
    if isinstance(value, dict):
        return {k: _replace(v, mapping) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace(v, mapping) for v in value]
    return value


def _decrypt_tokens(tokens: list[str]) -> dict[str, str]:
    try:
        return dict(zip(tokens, crypto.decrypt_many(tokens), strict=True))
    except (ValueError, UnicodeDecodeError):
        # Something shaped like a token that is not one: keep it as it is.
        out = {}
        for token in tokens:
            try:
                out[token] = crypto.decrypt(token)
            except (ValueError, UnicodeDecodeError):
                continue
        return out


def _history_batch(
    model: type[PersonHistory] | type[UnitHistory], target: str, last_pk: int, size: int
) -> tuple[int, int] | None:
    old = set(crypto.load_keyring().keys) - {target}
    if not old:
        return None
    mentions = Q()
    for kid in sorted(old):
        mentions |= _mentions(kid)
    with transaction.atomic():
        qs = _locked(_history_qs(model).filter(mentions, pk__gt=last_pk).order_by("pk"))
        rows = list(qs.values_list("pk", "before", "after")[:size])
        if not rows:
            return None
        found: list[str] = []
        for _, before, after in rows:
            _tokens_in(before, old, found)
            _tokens_in(after, old, found)
        plain = _decrypt_tokens(sorted(set(found)))
        originals = list(plain)
        mapping = dict(
            zip(originals, crypto.encrypt_many([plain[t] for t in originals], kid=target), strict=True)
        )
        before_f, after_f = model._meta.get_field("before"), model._meta.get_field("after")
        changed = []
        for pk, before, after in rows:
            nb, na = _replace(before, mapping), _replace(after, mapping)
            if nb != before or na != after:
                changed.append(
                    (before_f.get_db_prep_save(nb, connection), after_f.get_db_prep_save(na, connection), pk)
                )
        if changed:
            table = connection.ops.quote_name(model._meta.db_table)
            with connection.cursor() as cursor:
                cursor.executemany(f'UPDATE {table} SET "before" = %s, "after" = %s WHERE id = %s', changed)  # noqa: S608
    return len(changed), rows[-1][0]


def _run_phase(phase: str, target: str, last_pk: int, size: int) -> tuple[int, int] | None:
    if phase == "persons":
        return _persons_batch(target, last_pk, size)
    model = PersonHistory if phase == "person_history" else UnitHistory
    return _history_batch(model, target, last_pk, size)


# ---- the rotation ----------------------------------------------------------------------------------


def _load_state(target: str) -> dict[str, Any]:
    path = keyfile.state_file()
    if path.exists():
        state: dict[str, Any] = json.loads(path.read_text())
        if state.get("target") == target:
            return state
    return {"target": target, "phase": PHASES[0], "last_pk": 0, "sweep": False, "counts": {}}


def _save_state(state: dict[str, Any]) -> None:
    keyfile.write_key_data(state, keyfile.state_file())


def rotate(
    *,
    actor: AuditActor,
    batch_size: int = BATCH,
    resume_only: bool = False,
    progress: Progress | None = None,
) -> RotationResult:
    """Rotate to a new key set, or finish the pending rotation. Raises RotationError when refused."""
    try:
        with keyfile.rotation_lock():
            return _rotate_locked(
                actor=actor, batch_size=batch_size, resume_only=resume_only, progress=progress
            )
    except keyfile.KeyFileBusy as exc:
        raise RotationError(f"{exc}，请稍后再试") from None


def _rotate_locked(
    *, actor: AuditActor, batch_size: int, resume_only: bool, progress: Progress | None
) -> RotationResult:
    started = time.monotonic()
    pending = pending_rotation()
    if pending:
        target, resumed = str(pending["target"]), True
    elif resume_only:
        raise RotationError("没有未完成的密钥轮换")
    else:
        # Only persons hold look-up hashes: their keys are the ones look-ups must keep trying.
        target, resumed = keyfile.begin_rotation(rotating_from=sorted(person_key_counts())), False

    def record(result: str, detail: dict[str, Any]) -> None:
        audit_record(
            actor=actor,
            action="key_rotate",
            object_type="keyring",
            object_ref=target,
            result=result,
            detail=detail,
        )

    record("resumed" if resumed else "started", {"from": list(crypto.load_keyring().rotating_from)})
    state = _load_state(target)
    try:
        _run(state, batch_size, progress)
    except Exception as exc:
        record("failed", {"phase": state["phase"], "last_pk": state["last_pk"], "error": str(exc)[:300]})
        raise
    keyfile.end_rotation()
    keyfile.state_file().unlink(missing_ok=True)
    result = RotationResult(
        target=target, resumed=resumed, counts=dict(state["counts"]), seconds=time.monotonic() - started
    )
    record("ok", {"counts": result.counts, "seconds": round(result.seconds, 1)})
    return result


def _run(state: dict[str, Any], batch_size: int, progress: Progress | None) -> None:
    target = state["target"]
    while True:
        phase = state["phase"]
        step = _run_phase(phase, target, state["last_pk"], batch_size)
        if step is None:
            following = PHASES.index(phase) + 1
            if following < len(PHASES):
                state["phase"], state["last_pk"] = PHASES[following], 0
            elif not state["sweep"]:
                # Once more from the start: rows a concurrent writer put back under an old key.
                state["phase"], state["last_pk"], state["sweep"] = PHASES[0], 0, True
            else:
                return
            _save_state(state)
            continue
        done, last_pk = step
        state["last_pk"] = last_pk
        state["counts"][phase] = state["counts"].get(phase, 0) + done
        _save_state(state)
        if progress is not None:
            progress(phase, state["counts"][phase])
        if after_batch is not None:
            after_batch(phase, last_pk)


def retire(*, kid: str, actor: AuditActor) -> None:
    """Remove an old key set from the key file once no value in the database uses it."""
    ring = crypto.load_keyring()
    if kid not in ring.keys:
        raise RotationError(f"没有密钥 {kid}")
    if kid == ring.current:
        raise RotationError(f"{kid} 是当前密钥，不能停用")
    if pending_rotation():
        raise RotationError("密钥轮换尚未完成，请先运行 canbao keys rotate --resume")
    used = person_key_counts().get(kid) or history_key_counts().get(kid)
    if used:
        raise RotationError(f"仍有数据使用密钥 {kid}：{used}")
    with transaction.atomic():
        audit_record(actor=actor, action="key_retire", object_type="keyring", object_ref=kid)
        keyfile.retire_key(kid)
