"""The register baseline: local-hukou persons loaded from the household register alone.

Before the first comparison (which also decides statuses, outcomes, flags and the other population
groups) the bureau already wants its hukou population in the database, placed in the tree and
searchable. This step does only that part of comparison-rules.md §2 (population group 1 as far as
the register tells it) and leaves every status empty; the comparison overwrites it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pyarrow.parquet as pq

from canbao.audit.services import AuditActor, audit_record
from canbao.comparison.imports import latest_batches
from canbao.engine.validate.idnumber import check_id
from canbao.registry.services import PublishCounts, persons_upsert

IN_P_HUKOU = {"", "1", "4", "5", "6"}


def _register_rows(as_of: dt.date) -> Iterator[dict[str, Any]]:
    for batch in latest_batches("household_register", as_of):
        for rec in pq.read_table(batch.staged_path).to_pylist():
            if not rec["id_valid"] or rec["hukou_status"] not in IN_P_HUKOU:
                continue
            check = check_id(rec["AAC002"], as_of)
            if not check.valid:
                continue
            birth = (
                dt.datetime.strptime(rec["AAC006"], "%Y%m%d").date() if rec["AAC006"] else check.birth_date
            )
            yield {
                "aac002": rec["AAC002"],
                "aac003": rec["AAC003"],
                "aac004": rec["AAC004"] or check.sex or "",
                "aac005": rec["AAC005"],
                "aac006": birth,
                "aac009": rec["AAC009"],
                "aac010": rec["AAC010"],
                "aae006": rec["AAE006"],
                "aab401": rec["AAB401"],
                "hukou_status": rec["hukou_status"] or "1",
                "population_group": 1,
                "placement_id": rec["AAB301"],
            }


def register_baseline_load(*, as_of: dt.date, actor: AuditActor) -> PublishCounts:
    counts = persons_upsert(
        _register_rows(as_of),
        actor=actor.name,
        source=f"register:{as_of.isoformat()}",
        reason="户籍人口基础装载",
    )
    audit_record(
        actor=actor,
        action="baseline_load",
        object_type="registry",
        object_ref=as_of.isoformat(),
        detail=counts.__dict__,
    )
    return counts
