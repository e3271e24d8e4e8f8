"""Accepted survey results as an input of every later comparison (exchange-format.md survey_result)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyarrow as pa

from canbao.core import crypto
from canbao.engine.compare.pipeline import SURVEY_SCHEMA
from canbao.engine.validate.text import name_key
from canbao.survey.models import SurveyForm


def _ymd(value: str | None) -> str | None:
    return value.replace("-", "") if value else None


def survey_table(as_of: dt.date) -> pa.Table | None:
    """Every form the county accepted on or before `as_of`; None when there is none."""
    end = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)
    forms = (
        SurveyForm.objects.filter(state="accepted", aae015__lt=end, target__kind__in=("person", "new_person"))
        .select_related("target", "target__person")
        .order_by("pk")
    )
    rows: list[dict[str, Any]] = []
    for form in forms.iterator(chunk_size=2000):
        person = form.target.person
        token = form.aac002_cipher or (person.aac002_cipher if person else "")
        number = crypto.decrypt(token) if token else None
        d = form.data
        rows.append({
            "pkey": number or f"#{person.aac001 if person else form.pk}",
            "survey_id": form.pk,
            "AAC002": number,
            "AAC003": d.get("aac003"),
            "name_key": name_key(d["aac003"]) if d.get("aac003") else None,
            "AAC004": d.get("aac004"),
            "AAC006": _ymd(d.get("aac006")),
            "AAC009": d.get("aac009"),
            "AAC010": d.get("aac010"),
            "AAE006": d.get("aae006"),
            "AAE005": crypto.decrypt(form.aae005_cipher) if form.aae005_cipher else None,
            "employment_status": d.get("employment_status"),
            "employer_aab998": d.get("employer_aab998"),
            "employer_name": d.get("employer_name"),
            "uninsured_reason": d.get("uninsured_reason"),
            "AAB301": form.target.village_id,
            "AAE014": form.aae014,
            "AAE015": form.aae015.strftime("%Y%m%dT%H:%M:%S") if form.aae015 else None,
            "survey_date": form.survey_date.strftime("%Y%m%d"),
            "new_person": form.target.kind == "new_person",
        })  # fmt: skip
    if not rows:
        return None
    return pa.Table.from_pylist(rows, schema=SURVEY_SCHEMA)
