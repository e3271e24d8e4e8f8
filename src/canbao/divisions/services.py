"""Loading the jurisdiction tree from a `divisions` extract."""

from __future__ import annotations

from typing import Any

from canbao.divisions.models import LEVEL_PREFIX, Division
from canbao.engine.io.extract import Reject
from canbao.engine.validate.division import check_division_code


def divisions_load(rows: list[dict[str, Any]]) -> tuple[int, list[tuple[dict[str, Any], Reject]]]:
    """Upsert the nodes; returns (loaded, rows refused by the tree checks with their reject).

    A node must sit under its parent: its code starts with the parent's significant digits and its
    level is deeper. Parents may come after children in the file, so rows are taken level by level.
    """
    known: dict[str, tuple[int, str]] = {d.code: (d.level, d.prefix) for d in Division.objects.all()}
    refused: list[tuple[dict[str, Any], Reject]] = []
    accepted: list[dict[str, Any]] = []
    for row in sorted(rows, key=lambda r: (int(r["level"]), r["AAB301"])):
        code, level, parent = row["AAB301"], int(row["level"]), row.get("parent") or ""
        line = int(row["_line"])
        inferred = check_division_code(code).level
        if inferred != level:
            refused.append(
                (
                    row,
                    Reject(
                        line,
                        "level",
                        "BAD_CODE",
                        f"第 {line} 行 级别（level）：代码 {code} 是第 {inferred} 级，与填写的 {level} 级不符",
                    ),
                )
            )
            continue
        if parent:
            if parent not in known:
                refused.append(
                    (
                        row,
                        Reject(
                            line,
                            "parent",
                            "UNKNOWN_AREA",
                            f"第 {line} 行 上级代码（parent）：{parent} 不在区划树中",
                        ),
                    )
                )
                continue
            p_level, p_prefix = known[parent]
            if p_level >= level or not code.startswith(p_prefix):
                refused.append(
                    (
                        row,
                        Reject(
                            line,
                            "parent",
                            "BAD_CODE",
                            f"第 {line} 行 上级代码（parent）：{code} 不是 {parent} 的下级",
                        ),
                    )
                )
                continue
        known[code] = (level, code[: LEVEL_PREFIX[level]])
        accepted.append(row)
    nodes = [
        Division(
            code=r["AAB301"],
            name=r["name"],
            level=int(r["level"]),
            parent_id=r.get("parent") or None,
            prefix=r["AAB301"][: LEVEL_PREFIX[int(r["level"])]],
        )
        for r in accepted
    ]
    # Level order guarantees every parent row exists before its children are written.
    for level in sorted({n.level for n in nodes}):
        Division.objects.bulk_create(
            [n for n in nodes if n.level == level],
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=["name", "level", "parent", "prefix"],
            batch_size=2000,
        )
    return len(accepted), refused


def known_area_codes() -> set[str]:
    return set(Division.objects.values_list("code", flat=True))
