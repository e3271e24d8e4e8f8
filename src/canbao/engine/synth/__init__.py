"""The synthetic city behind `canbao demo-data` (cli.md): fictional extracts in the canonical layouts.

Entry point: :func:`generate`. See city.py for the streaming design, cases.py for the deliberate
rule cases and faults.py for the injected faults.
"""

from __future__ import annotations

from .city import CHUNK, GENERATOR_VERSION, generate

__all__ = ["CHUNK", "GENERATOR_VERSION", "generate"]
