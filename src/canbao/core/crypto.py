"""Field encryption (SM4) and keyed look-up hashes (HMAC-SM3), with keys outside the database.

Why CTR and not GCM: publishing ten million persons encrypts twenty million values; a GCM context per
value costs ~25 µs in `cryptography`, while one CTR keystream for a whole batch, XORed in bulk, costs
well under 1 µs a value. Each value keeps its own initial counter block, so any single value still
decrypts on its own with plain SM4-CTR. Integrity comes from the look-up hash stored beside every
ciphertext: `decrypt_checked` recomputes it.

Token format: ``<key id>:<base64(iv16 || ciphertext)>``. The key id lets `keys rotate` find values
still under an old key.

The key file is re-read whenever it changes on disk (`keys rotate` replaces it by rename), so a running
server follows a rotation: it encrypts under the new key and, while the rotation is pending, looks
values up under every key that may still be in use (`hash_aliases`). See docs/adr/0007.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from canbao.core.home import sub, write_once

_BLOCK = 16
_lock = threading.Lock()
_cache: dict[str, tuple[tuple[int, int, int], KeyRing]] = {}


@dataclass(frozen=True)
class KeySet:
    sm4: bytes  # 16 bytes
    index: bytes  # 32 bytes, HMAC-SM3 key of look-up hashes
    audit: bytes  # 32 bytes, HMAC-SM3 key of the audit chain


@dataclass(frozen=True)
class KeyRing:
    current: str
    keys: dict[str, KeySet]
    # While `keys rotate` is pending: the old key ids whose look-up hashes may still be in the database.
    rotating_from: tuple[str, ...] = ()

    @property
    def active(self) -> KeySet:
        return self.keys[self.current]

    @property
    def lookup_ids(self) -> tuple[str, ...]:
        """The key ids a look-up must try: the current one, then any a pending rotation has not finished."""
        return (self.current, *(k for k in self.rotating_from if k != self.current and k in self.keys))


def key_file() -> Path:
    explicit = os.environ.get("CANBAO_KEY_FILE")
    if explicit:
        return Path(explicit)
    return sub("keys") / "keys.json"


def new_keyset() -> dict[str, str]:
    return {
        "sm4": secrets.token_hex(16),
        "index": secrets.token_hex(32),
        "audit": secrets.token_hex(32),
    }


def _signature(path: Path) -> tuple[int, int, int] | None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def load_keyring() -> KeyRing:
    """The key ring, cached while the file is unchanged (one stat per call: a rotation is seen at once)."""
    path = key_file()
    sig = _signature(path)
    cached = _cache.get(str(path))
    if cached is not None and cached[0] == sig:
        return cached[1]
    with _lock:
        if sig is None:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            write_once(path, json.dumps({"current": "k1", "keys": {"k1": new_keyset()}}, indent=2))
        # Read and stat the same open file, so the cached signature belongs to what was parsed.
        with path.open() as fh:
            st = os.fstat(fh.fileno())
            data = json.load(fh)
        ring = ring_from_dict(data)
        _cache[str(path)] = ((st.st_ino, st.st_mtime_ns, st.st_size), ring)
        return ring


def ring_from_dict(data: dict[str, Any]) -> KeyRing:
    rotation = data.get("rotation") or {}
    return KeyRing(
        current=data["current"],
        keys={
            kid: KeySet(bytes.fromhex(k["sm4"]), bytes.fromhex(k["index"]), bytes.fromhex(k["audit"]))
            for kid, k in data["keys"].items()
        },
        rotating_from=tuple(rotation.get("from", ())),
    )


def reset_cache() -> None:
    """Forget loaded keys (tests switch CANBAO_HOME)."""
    _cache.clear()


def hmac_sm3(key: bytes, data: bytes) -> bytes:
    mac = hmac.HMAC(key, hashes.SM3())
    mac.update(data)
    return mac.finalize()


def lookup_hash(value: str) -> str:
    """The keyed hash used to find and join on an encrypted value (hex, 64 chars)."""
    return hmac_sm3(load_keyring().active.index, value.encode()).hex()


def lookup_hashes(values: Iterable[str], *, kid: str | None = None) -> list[str]:
    """Hashes under the current index key (what is written), or under the key `kid`."""
    ring = load_keyring()
    key = ring.keys[kid].index if kid else ring.active.index
    # One keyed context copied per value: the key schedule is computed once, not per value (half
    # the cost; twenty million values in a first publish of ten million persons).
    keyed = hmac.HMAC(key, hashes.SM3())
    out = []
    for v in values:
        mac = keyed.copy()
        mac.update(v.encode())
        out.append(mac.finalize().hex())
    return out


def lookup_hash_variants(value: str) -> list[str]:
    """Every hash `value` may be stored under: one, except while a key rotation is pending.

    Use for finding (`aac002_hash__in=…`); write with `lookup_hash`.
    """
    ring = load_keyring()
    return [hmac_sm3(ring.keys[kid].index, value.encode()).hex() for kid in ring.lookup_ids]


def hash_aliases(values: Sequence[str], current: Sequence[str] | None = None) -> dict[str, str]:
    """{hash a value may be stored under: its hash under the current key}, for finding many values.

    Query with `aac002_hash__in=list(aliases)` and map a found row's hash through `aliases` to the
    current hash of its value. Outside a rotation this is the identity on `current` (no extra HMACs).
    `current` may be given when the caller already computed `lookup_hashes(values)`.
    """
    ring = load_keyring()
    now = list(current) if current is not None else lookup_hashes(values)
    aliases = {h: h for h in now}
    for kid in ring.lookup_ids[1:]:
        for old, new in zip(lookup_hashes(values, kid=kid), now, strict=True):
            aliases.setdefault(old, new)
    return aliases


def _iv_add(iv: int, n: int) -> bytes:
    return ((iv + n) % (1 << 128)).to_bytes(16, "big")


def encrypt_many(values: Sequence[str], *, kid: str | None = None) -> list[str]:
    """Encrypt a batch with one SM4-CTR keystream; every value gets its own counter block.

    The XOR of the whole batch is one vectorised operation (C speed), not a loop over bytes.
    Under the current key, or under `kid` (key rotation names its target explicitly).
    """
    if not values:
        return []
    ring = load_keyring()
    kid = kid or ring.current
    raw = [v.encode() for v in values]
    blocks = [(len(b) + _BLOCK - 1) // _BLOCK or 1 for b in raw]
    padded = b"".join(b.ljust(n * _BLOCK, b"\0") for b, n in zip(raw, blocks, strict=True))
    base = int.from_bytes(secrets.token_bytes(16), "big")
    encryptor = Cipher(algorithms.SM4(ring.keys[kid].sm4), modes.CTR(_iv_add(base, 0))).encryptor()
    stream = encryptor.update(bytes(len(padded)))
    mixed = _xor(padded, stream)
    out: list[str] = []
    offset = 0
    prefix = f"{kid}:"
    for plain, nblocks in zip(raw, blocks, strict=True):
        start = offset * _BLOCK
        token = base64.b64encode(_iv_add(base, offset) + mixed[start : start + len(plain)]).decode()
        out.append(prefix + token)
        offset += nblocks
    return out


def _xor(a: bytes, b: bytes) -> bytes:
    """a XOR b for equal lengths that are a multiple of 8, vectorised by Arrow (zero-copy views)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(a) // 8
    left = pa.Array.from_buffers(pa.uint64(), n, [None, pa.py_buffer(a)])
    right = pa.Array.from_buffers(pa.uint64(), n, [None, pa.py_buffer(b)])
    return pc.bit_wise_xor(left, right).buffers()[1].to_pybytes()[: len(a)]


def encrypt(value: str) -> str:
    return encrypt_many([value])[0]


def decrypt(token: str) -> str:
    kid, _, body = token.partition(":")
    ring = load_keyring()
    if kid not in ring.keys:
        raise ValueError(f"未知的密钥 {kid}")
    blob = base64.b64decode(body)
    iv, ct = blob[:_BLOCK], blob[_BLOCK:]
    decryptor = Cipher(algorithms.SM4(ring.keys[kid].sm4), modes.CTR(iv)).decryptor()
    return (decryptor.update(ct) + decryptor.finalize()).decode()


def decrypt_many(tokens: Sequence[str]) -> list[str]:
    """Decrypt a batch (any mix of key ids; "" stays ""): one SM4-ECB call per key makes the keystream
    of every value's counter blocks, XORed in bulk — as fast as `encrypt_many`, where `decrypt` per
    value pays a cipher context each.
    """
    ring = load_keyring()
    out = [""] * len(tokens)
    groups: dict[str, list[tuple[int, bytes]]] = {}
    for i, token in enumerate(tokens):
        if not token:
            continue
        kid, _, body = token.partition(":")
        if kid not in ring.keys:
            raise ValueError(f"未知的密钥 {kid}")
        groups.setdefault(kid, []).append((i, base64.b64decode(body)))
    for kid, items in groups.items():
        counters: list[bytes] = []
        padded: list[bytes] = []
        for _, blob in items:
            iv, ct = int.from_bytes(blob[:_BLOCK], "big"), blob[_BLOCK:]
            nblocks = (len(ct) + _BLOCK - 1) // _BLOCK or 1
            counters.extend(_iv_add(iv, n) for n in range(nblocks))
            padded.append(ct.ljust(nblocks * _BLOCK, b"\0"))
        # ECB over the counter blocks is how CTR makes its keystream: this is CTR, batched.
        ecb = Cipher(algorithms.SM4(ring.keys[kid].sm4), modes.ECB()).encryptor()  # noqa: S305
        plain = _xor(b"".join(padded), ecb.update(b"".join(counters)))
        offset = 0
        for (i, blob), chunk in zip(items, padded, strict=True):
            out[i] = plain[offset : offset + len(blob) - _BLOCK].decode()
            offset += len(chunk)
    return out


def decrypt_checked(token: str, expected_hash: str) -> str:
    """Decrypt and verify against the stored look-up hash (detects a swapped or altered ciphertext)."""
    value = decrypt(token)
    if not hash_matches(value, expected_hash, kid=token.partition(":")[0]):
        raise ValueError("密文与索引不符")
    return value


def hash_matches(value: str, stored_hash: str, *, kid: str) -> bool:
    """Whether `stored_hash` is the look-up hash of `value`.

    A ciphertext and its hash are always written together under one key, so the token's key id names
    the index key; during a rotation the other keys in use are tried too.
    """
    ring = load_keyring()
    kids = [kid] if kid in ring.keys else []
    kids += [k for k in ring.lookup_ids if k != kid]
    data = value.encode()
    return any(secrets.compare_digest(hmac_sm3(ring.keys[k].index, data).hex(), stored_hash) for k in kids)
