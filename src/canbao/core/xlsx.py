"""XLSX files for people (staff exports): text stays text, and no cell can run as a formula.

Every text cell goes through `neutralise_cell` (a leading = + - @ gets a quote), and xlsxwriter is told
not to turn strings into formulas, URLs or numbers (an ID number must never become 3.2e17).
Masking is the caller's job: rows arrive here already masked.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import xlsxwriter

from canbao.core.masking import neutralise_cell


@dataclass
class Sheet:
    title: str  # at most 31 characters, none of []:*?/\
    header: Sequence[str]
    rows: Iterable[Sequence[object]]


def xlsx_bytes(sheets: Iterable[Sheet]) -> tuple[bytes, int]:
    """The workbook and how many data rows it holds."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    bold = book.add_format({"bold": True})
    total = 0
    for sheet in sheets:
        ws = book.add_worksheet(sheet.title[:31])
        for col, title in enumerate(sheet.header):
            ws.write_string(0, col, str(neutralise_cell(title)), bold)
        n = 0
        for n, row in enumerate(sheet.rows, start=1):
            for col, value in enumerate(row):
                _write(ws, n, col, value)
        total += n
        ws.freeze_panes(1, 0)
    book.close()
    return buffer.getvalue(), total


def _write(ws: xlsxwriter.worksheet.Worksheet, row: int, col: int, value: object) -> None:
    if value is None or value == "":
        return
    if isinstance(value, bool):
        ws.write_boolean(row, col, value)
    elif isinstance(value, int | float):
        ws.write_number(row, col, value)
    else:
        ws.write_string(row, col, str(neutralise_cell(str(value))))
