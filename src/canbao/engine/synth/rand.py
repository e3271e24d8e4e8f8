"""A faster `random.Random` for bulk generation.

The standard randint/randrange/choice go through _randbelow (rejection sampling on getrandbits), about
five times slower than one call to random(). For synthetic data the float method's bias (below 1e-15
for the small ranges used here) does not matter, and it is just as deterministic for a given seed.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


class FastRandom(random.Random):
    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def randrange(self, start: int, stop: int | None = None, step: int = 1) -> int:  # type: ignore[override]
        if stop is None:
            return int(self.random() * start)
        return start + int(self.random() * (stop - start))

    def choice(self, seq: Sequence[T]) -> T:  # type: ignore[override]
        return seq[int(self.random() * len(seq))]
