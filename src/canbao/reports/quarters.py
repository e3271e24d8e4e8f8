"""Quarters as the report names them (2026Q3) and their due dates (季后 25 日内)."""

from __future__ import annotations

import datetime as dt
import re

PATTERN = re.compile(r"^(\d{4})Q([1-4])$")


class PeriodError(ValueError):
    pass


def parse(period: str) -> tuple[dt.date, dt.date]:
    """First and last day of the quarter."""
    m = PATTERN.match(period.strip().upper())
    if not m:
        raise PeriodError(f"季度 {period!r} 格式应为 YYYYQn，例如 2026Q3")
    year, q = int(m.group(1)), int(m.group(2))
    first = dt.date(year, 3 * q - 2, 1)
    last = (dt.date(year + (q == 4), (3 * q) % 12 + 1, 1)) - dt.timedelta(days=1)
    return first, last


def due(period: str) -> dt.date:
    """Due 25 days after the quarter: 4-25, 7-25, 10-25, 1-25."""
    _first, last = parse(period)
    return last + dt.timedelta(days=25)


def of(day: dt.date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def previous(period: str) -> str:
    first, _last = parse(period)
    return of(first - dt.timedelta(days=1))
