"""The review log's vocabulary and its compact stored forms (no SQLAlchemy: the first
screen reads the log with sqlite3).

A review row stores small integers only (schema version 9): the kind as a code, the
study day as days since 1970-01-01, the time as milliseconds since the epoch (UTC, as
Anki's review log has it).
These functions convert them, so plain SQL statements bind what the columns hold.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any

EPOCH_DAY = date(1970, 1, 1)
_EPOCH_ORDINAL = EPOCH_DAY.toordinal()


class ReviewKind(StrEnum):
    """What an answer was: its value is the name shown (JSON, CSV), its code is stored."""

    NEW = "new"  # the first answer of a card: it moves the schedule
    REVIEW = "review"  # a scheduled review: it moves the schedule
    DRILL = "drill"  # graded again the same day (SM-2's step 7): the log only
    CRAM = "cram"  # ahead of schedule: the log only
    UNDO = "undo"  # cancels the review its cancels_id points to

    @property
    def code(self) -> int:
        """The small integer stored in ``review.kind``."""
        return _CODES[self]

    @classmethod
    def of_code(cls, code: int) -> ReviewKind:
        """The kind a stored code stands for."""
        return _KINDS[code]


@dataclass(frozen=True)
class Today:
    """Work done today: cards graded (drills included), correct answers, time, and the
    new cards seen."""

    reviews: int = 0
    correct: int = 0
    time_ms: int = 0
    new_seen: int = 0

    @property
    def correct_percent(self) -> float:
        return 100.0 * self.correct / self.reviews if self.reviews else 0.0


_KINDS = tuple(ReviewKind)  # a code is the kind's position: never reorder, only append
_CODES = {kind: code for code, kind in enumerate(_KINDS)}
SCHEDULED = (ReviewKind.NEW, ReviewKind.REVIEW)  # the kinds of answer that move a schedule


# ---------------------------------------------------------------- not cancelled
# The one rule of undo in the log: an ``undo`` row's ``cancels_id`` names the review it
# cancels, and a review is cancelled when one does. The forms below (SQL text for any
# review table or alias, a join from the undo records, rows in memory) all say that.


def cancels_sql(undo: str, review: str) -> str:
    """SQL: the undo row ``undo`` cancels the review ``review`` (table names or aliases)."""
    return f"{undo}.cancels_id = {review}.id"


def not_cancelled_sql(review: str = "review") -> str:
    """SQL: no undo row cancels the review ``review`` (an index lookup on
    ``ix_review_cancels``, which holds the undo rows only)."""
    return f"NOT EXISTS (SELECT 1 FROM review AS undo WHERE {cancels_sql('undo', review)})"


NOT_CANCELLED = not_cancelled_sql()


def cancelled_ids(reviews: Iterable[Any]) -> set[int]:
    """The ids of the reviews that ``reviews`` (rows with ``cancels_id``) cancel: the rule
    on rows in memory, for a log read whole (one card's history)."""
    return {review.cancels_id for review in reviews if review.cancels_id is not None}


def kind_codes(kinds: tuple[str, ...] | list[str]) -> list[int]:
    """The stored codes of ``kinds`` (names or :class:`ReviewKind`), for ``IN`` lists."""
    return [ReviewKind(kind).code for kind in kinds]


def day_number(day: date) -> int:
    """A study day as stored: days since 1970-01-01."""
    return day.toordinal() - _EPOCH_ORDINAL


def day_of(number: int) -> date:
    """The study day a stored day number stands for."""
    return date.fromordinal(number + _EPOCH_ORDINAL)


def epoch_millis(moment: datetime) -> int:
    """An aware time as stored: milliseconds since the epoch (a finer part dropped)."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: pass a timezone-aware time")
    return (moment - _EPOCH) // _MILLISECOND


def time_of(millis: int) -> datetime:
    """The aware UTC time a stored number of milliseconds stands for."""
    return _EPOCH + millis * _MILLISECOND


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MILLISECOND = timedelta(milliseconds=1)
