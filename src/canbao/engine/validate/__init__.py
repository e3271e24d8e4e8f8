"""Validators for the identifiers and values that come in with source extracts.

Every checker takes the raw text as read from a file, normalises it the way exchange-format.md
says, and returns a frozen result object (never raises on bad input), so an import can record the
reason and a Chinese message for the row without try/except around each column.
"""

from __future__ import annotations

from canbao.engine.validate.creditcode import CodeCheck, calc_credit_check_char, check_credit_code
from canbao.engine.validate.division import (
    DivisionCheck,
    RegionInfo,
    check_division_code,
    county_code6,
    division_prefix,
    lookup_region,
)
from canbao.engine.validate.idnumber import IdCheck, calc_check_char, check_id, convert_15_to_18
from canbao.engine.validate.phone import PhoneCheck, check_phone
from canbao.engine.validate.text import name_key, normalise_text, parse_date

__all__ = [
    "CodeCheck",
    "DivisionCheck",
    "IdCheck",
    "PhoneCheck",
    "RegionInfo",
    "calc_check_char",
    "calc_credit_check_char",
    "check_credit_code",
    "check_division_code",
    "check_id",
    "check_phone",
    "convert_15_to_18",
    "county_code6",
    "division_prefix",
    "lookup_region",
    "name_key",
    "normalise_text",
    "parse_date",
]
