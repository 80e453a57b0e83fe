"""Keys an import has seen earlier in its file (ids, duplicate keys), with the row of each.

A file of a million rows would need ~100 bytes of Python objects per key in a set; here
a key costs 16 bytes: a 64-bit and an independent 32-bit hash (a false match needs both
to collide, about 1 in 10^17 for a million keys) and its first row, in sorted NumPy arrays.
Keys of the chunk being checked wait in a small dict and are merged in by ``flush``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

_KEY_A = "krimpkaart-seen-a"[:16]
_KEY_B = "krimpkaart-seen-b"[:16]


def _hashes(keys: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    values = np.array(keys, dtype=object)
    return (pd.util.hash_array(values, hash_key=_KEY_A, categorize=False),
            pd.util.hash_array(values, hash_key=_KEY_B, categorize=False).astype(np.uint32))


class SeenKeys:
    """A growing set of text keys with the row where each was first seen."""

    def __init__(self) -> None:
        self._a = np.empty(0, dtype=np.uint64)  # sorted
        self._b = np.empty(0, dtype=np.uint32)
        self._rows = np.empty(0, dtype=np.int32)
        self._pending: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self._a) + len(self._pending)

    def rows(self, keys: Sequence[str]) -> dict[str, int]:
        """``key -> first row`` for those of ``keys`` seen before (one vectorised lookup)."""
        found = {k: self._pending[k] for k in keys if k in self._pending}
        if not len(self._a) or not keys:
            return found
        a, b = _hashes(keys)
        left = np.searchsorted(self._a, a, side="left")
        right = np.searchsorted(self._a, a, side="right")
        for i in np.flatnonzero(right > left):
            for j in range(left[i], right[i]):  # almost always exactly one
                if self._b[j] == b[i]:
                    found.setdefault(keys[int(i)], int(self._rows[j]))
                    break
        return found

    def pending(self, key: str) -> int | None:
        """The row of ``key`` if it was added since the last ``flush`` (no hashing)."""
        return self._pending.get(key)

    def get(self, key: str) -> int | None:
        """The first row of ``key``, or None."""
        return self.rows([key]).get(key)

    def add(self, key: str, row: int) -> None:
        """Remember ``key`` at ``row``; the caller knows it is new (from ``rows``/``get``)."""
        self._pending.setdefault(key, row)

    def flush(self) -> None:
        """Move the pending keys into the sorted arrays (once per chunk)."""
        if not self._pending:
            return
        keys = list(self._pending)
        a, b = _hashes(keys)
        rows = np.fromiter(self._pending.values(), dtype=np.int32, count=len(keys))
        order = np.argsort(a, kind="stable")
        a, b, rows = a[order], b[order], rows[order]
        at = np.searchsorted(self._a, a, side="right")  # one pass, no re-sort of the rest
        self._a = np.insert(self._a, at, a)
        self._b = np.insert(self._b, at, b)
        self._rows = np.insert(self._rows, at, rows)
        self._pending = {}
