"""The key ring: batch decryption, a key file replaced on disk is seen at once, atomic key-file writes."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from canbao.core import crypto, keyfile


@pytest.fixture
def key_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "keys.json"
    monkeypatch.setenv("CANBAO_KEY_FILE", str(path))
    return path


def test_decrypt_many_matches_decrypt_for_any_length_and_key(key_path: Path) -> None:
    values = ["", "1", "13800000000", "32010219700101001X", "长" * 40, "x" * 16, "y" * 17]
    first = crypto.encrypt_many(values)
    keyfile.begin_rotation(rotating_from=["k1"])
    second = crypto.encrypt_many(values)
    assert {t.partition(":")[0] for t in first} == {"k1"} and {t.partition(":")[0] for t in second} == {"k2"}
    mixed = [t for pair in zip(first, second, strict=True) for t in pair] + [""]
    assert crypto.decrypt_many(mixed) == [v for v in values for _ in range(2)] + [""]
    assert [crypto.decrypt(t) for t in second] == values
    with pytest.raises(ValueError, match="未知的密钥"):
        crypto.decrypt_many(["k9:AAAAAAAAAAAAAAAAAAAAAAAA"])


def test_a_replaced_key_file_is_seen_without_restart(key_path: Path) -> None:
    ring = crypto.load_keyring()
    assert ring.current == "k1" and crypto.load_keyring() is ring  # cached while unchanged
    number = "32010219700101001X"
    old_hash = crypto.lookup_hash(number)
    kid = keyfile.begin_rotation(rotating_from=["k1"])
    assert kid == "k2" and crypto.load_keyring().current == "k2"
    assert crypto.encrypt(number).startswith("k2:")
    # While the rotation is pending a look-up tries both index keys, the current one first.
    variants = crypto.lookup_hash_variants(number)
    assert variants[1] == old_hash and variants[0] == crypto.lookup_hash(number) != old_hash
    aliases = crypto.hash_aliases([number])
    assert aliases == {variants[0]: variants[0], old_hash: variants[0]}
    keyfile.end_rotation()
    assert crypto.lookup_hash_variants(number) == [variants[0]]
    assert crypto.hash_aliases([number]) == {variants[0]: variants[0]}


def test_key_file_is_replaced_whole_private_and_keeps_old_keys(key_path: Path) -> None:
    crypto.load_keyring()
    before = json.loads(key_path.read_text())
    os.chmod(key_path, 0o644)
    keyfile.begin_rotation(rotating_from=[])
    after = json.loads(key_path.read_text())
    assert after["keys"]["k1"] == before["keys"]["k1"]
    assert after["keys"]["k2"]["audit"] == before["keys"]["k1"]["audit"]  # the audit key is not rotated
    assert after["keys"]["k2"]["sm4"] != before["keys"]["k1"]["sm4"]
    assert after["keys"]["k2"]["index"] != before["keys"]["k1"]["index"]
    assert after["rotation"]["target"] == "k2" and after["rotation"]["from"] == ["k1"]
    assert key_path.stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in key_path.parent.iterdir()) == ["keys.json"]  # no temporary left
    with pytest.raises(RuntimeError):
        keyfile.begin_rotation(rotating_from=[])  # one pending rotation at a time


def test_one_key_operation_at_a_time(key_path: Path) -> None:
    with keyfile.rotation_lock():
        # flock is per open file: a second open in this process conflicts like another process would.
        with pytest.raises(keyfile.KeyFileBusy):
            with keyfile.rotation_lock():
                pass
    with keyfile.rotation_lock():
        pass


def test_next_key_id() -> None:
    assert keyfile.next_key_id(["k1"]) == "k2"
    assert keyfile.next_key_id(["k2", "k10", "other"]) == "k11"
    assert keyfile.next_key_id([]) == "k1"
