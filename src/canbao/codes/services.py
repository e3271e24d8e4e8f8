from __future__ import annotations

from django.db import transaction

from canbao.codes.models import CodeItem
from canbao.engine.codes import load_tables


def codes_sync() -> int:
    """Make the database's code tables equal to the shipped data (run after every migrate)."""
    items = [
        CodeItem(table=t.key, table_name=t.name_zh, code=code, name=name, source=t.source or "")
        for t in load_tables().values()
        for code, name in t.codes.items()
    ]
    with transaction.atomic():
        CodeItem.objects.all().delete()
        CodeItem.objects.bulk_create(items, batch_size=1000)
    return len(items)
