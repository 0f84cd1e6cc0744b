"""Many ids in one query: a list of ids goes into ``IN (...)`` a chunk at a time."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

T = TypeVar("T")

# Bound parameters per IN (...): under SQLite's old limit of 999 a statement, with room
# for the statement's other parameters; PostgreSQL takes any number.
IN_CHUNK = 500


def chunks(ids: Sequence[T], size: int = IN_CHUNK) -> Iterator[Sequence[T]]:
    """``ids`` in consecutive slices of at most ``size``, in order (none for no ids)."""
    for start in range(0, len(ids), size):
        yield ids[start : start + size]
