"""Time `canbao keys rotate` on N synthetic persons (SQLite in a fresh $CANBAO_HOME by default).

    .venv/bin/python bench/keys_rotate.py --persons 100000 [--database-url URL] [--batch-size 10000]

Persons are published with registry.services.persons_upsert (ID number and phone encrypted and
hashed, as in production); a tenth get a history row holding a ciphertext token. Prints the machine,
the time to publish (the baseline: it encrypts and hashes the same values once) and the time to
rotate, and their ratio.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from generate import machine  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--batch-size", type=int, default=10_000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    os.environ["CANBAO_HOME"] = tempfile.mkdtemp(prefix="canbao-bench-keys-")
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    from canbao.cli.common import operator, setup_django

    setup_django()
    from django.db import connection

    from canbao.core import crypto
    from canbao.divisions.services import divisions_load
    from canbao.engine.validate.idnumber import calc_check_char
    from canbao.registry.models import Person, PersonHistory
    from canbao.registry.rotation import rotate
    from canbao.registry.services import persons_upsert

    m = machine()
    print(f"machine: {m['cpu']}, {m['cores']} cores, {m['ram']}, Python {m['python']}; {connection.vendor}")
    divisions_load(
        [
            {"AAB301": "320000000000", "name": "省", "level": "1", "parent": "", "_line": 2},
            {"AAB301": "320100000000", "name": "市", "level": "2", "parent": "320000000000", "_line": 3},
        ]
    )

    def rows():  # type: ignore[no-untyped-def]
        for i in range(args.persons):
            first17 = f"3201{i // 1_000_000:02d}{1950 + i % 50}{1 + i % 12:02d}{1 + i % 28:02d}{i // 1000 % 1000:03d}"
            yield {
                "aac002": first17 + calc_check_char(first17),
                "aae005": f"138{i:08d}",
                "aac003": f"人{i}",
                "placement_id": "320100000000",
            }

    start = time.monotonic()
    persons_upsert(rows(), actor="bench", source="bench")
    publish = time.monotonic() - start
    n = Person.objects.count()
    pks = list(Person.objects.values_list("pk", flat=True)[: n // 10])
    tokens = crypto.encrypt_many([f"139{i:08d}" for i in range(len(pks))])
    PersonHistory.objects.bulk_create(
        [
            PersonHistory(person_id=pk, actor="bench", source="bench", before={"aae005": t}, after={"x": 1})
            for pk, t in zip(pks, tokens, strict=True)
        ],
        batch_size=5000,
    )
    print(f"published {n:,} persons in {publish:.1f} s; {len(pks):,} history rows with a token")
    result = rotate(actor=operator(), batch_size=args.batch_size)
    print(
        f"rotate to {result.target}: {result.seconds:.1f} s "
        f"({n / result.seconds:,.0f} persons/s overall; batch {args.batch_size:,}); counts {result.counts}"
    )
    print(f"ratio rotate / publish: {result.seconds / publish:.2f}")


if __name__ == "__main__":
    main()
