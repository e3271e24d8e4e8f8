"""Shared by the CLI commands: Django set-up on $CANBAO_HOME, the operator identity, progress."""

from __future__ import annotations

import datetime as dt
import getpass
import os
import sys
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from canbao.audit.services import AuditActor


def setup_django() -> None:
    """Configure Django and migrate an empty or outdated database (the first command creates it)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "canbao.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        call_command("migrate", verbosity=0, interactive=False)


def operator() -> AuditActor:
    """The CLI acts as the server's operator: unscoped, audited as cli:<OS user>."""
    from canbao.audit.services import AuditActor

    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = str(os.getuid())
    return AuditActor(name=f"cli:{name}")


def parse_day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        import argparse

        raise argparse.ArgumentTypeError(f"日期格式应为 YYYY-MM-DD：{value}") from None


def fail(message: str) -> int:
    print(message, file=sys.stderr)
    return 1


class Progress:
    """A progress line that rewrites itself on a terminal and prints plain lines otherwise."""

    def __init__(self, label: str, total: int | None = None, every: float = 1.0) -> None:
        self.label, self.total, self.every = label, total, every
        self.tty = sys.stderr.isatty()
        self.last = 0.0
        self.start = time.monotonic()

    def __call__(self, done: int) -> None:
        now = time.monotonic()
        if now - self.last < self.every:
            return
        self.last = now
        total = f"/{self.total}" if self.total else ""
        rate = done / max(now - self.start, 1e-9)
        text = f"{self.label}：{done}{total} 行（{rate:,.0f} 行/秒）"
        if self.tty:
            sys.stderr.write("\r" + text + " " * 8)
        else:
            sys.stderr.write(text + "\n")
        sys.stderr.flush()

    def done(self) -> None:
        if self.tty and self.last:
            sys.stderr.write("\n")
