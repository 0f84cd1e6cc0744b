"""What undoing an answer restores, from the review row itself (schema version 9).

Up to version 8 every review kept the card's whole schedule row as JSON (about 280 of
its 560 bytes). An answer changes a schedule in a few known ways, so the schedule
before it follows from the schedule after it and the row's ``*_before`` columns:
:func:`derived_before`. When grading, the session compares that with the schedule it
actually read; only an answer that changed more keeps a record in ``review_undo``:
the names of the siblings it buried (``{"buried": [...]}``, when each was simply not
buried before), or else the whole snapshot as JSON (a leech marked or suspended, an
unusual stored schedule, a sibling buried already).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from study.review_log import SCHEDULED, ReviewKind
from study.sm2 import PASSING_GRADE


@dataclass(frozen=True)
class AnswerRow:
    """The columns of a review row that undo reads."""

    kind: str
    grade: int | None
    study_day: date
    repetitions_before: int
    ease_before: int
    interval_before: int
    due_before: date | None

    @classmethod
    def of(cls, review: Any) -> AnswerRow:
        """The columns undo reads, from a stored review row (``Review``)."""
        return cls(**{name: getattr(review, name) for name in cls.__dataclass_fields__})


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def derived_before(after: dict[str, Any], row: AnswerRow) -> dict[str, Any]:
    """The card's schedule before the answer ``row`` (in the JSON form of
    ``study.session``'s snapshots: dates as ISO text), from ``after``, the schedule the
    answer left, in the same form."""
    before = dict(after)
    before.update(
        repetitions=row.repetitions_before,
        ease_hundredths=row.ease_before,
        interval=row.interval_before,
        due_day=_iso(row.due_before),
    )
    if row.kind in SCHEDULED:
        lapsed = row.kind == ReviewKind.REVIEW and (row.grade or 0) < PASSING_GRADE
        before.update(
            reviews=after["reviews"] - 1,
            lapses=after["lapses"] - int(lapsed),
            # The last review set the due date: that day plus its interval.
            last_review_day=(
                None
                if row.due_before is None
                else _iso(date.fromordinal(row.due_before.toordinal() - row.interval_before))
            ),
            drill_day=None,  # a scheduled review is never waiting in a drill
        )
    elif row.kind == ReviewKind.DRILL:
        before["drill_day"] = _iso(row.study_day)  # a drill answers today's drill
    return before


def undo_record(before: dict[str, Any], after: dict[str, Any], row: AnswerRow) -> str | None:
    """What ``review_undo`` keeps for an answer: None when the row alone gives back
    ``before`` (``{"card": ..., "siblings": {id: ...}}``, the schedules read before it,
    in JSON form) from ``after`` (the card's schedule it left); the names of the siblings
    it buried when that is all it did beyond the row; else the whole snapshot."""
    if derived_before(after, row) != before["card"]:
        return json.dumps(before, sort_keys=True)
    siblings = before["siblings"]
    if not siblings:
        return None
    if all(values["buried_until"] is None for values in siblings.values()):
        return json.dumps({"buried": sorted(siblings)})
    return json.dumps(before, sort_keys=True)


def restored(
    record: str | None,
    row: AnswerRow,
    card_id: str,
    current: Callable[[str], dict[str, Any]],
) -> dict[str, Any]:
    """The schedules undoing the answer ``row`` of ``card_id`` restores, in the form of
    :func:`undo_record`'s ``before``: from its ``record`` and ``current`` (a card's
    schedule now, in JSON form)."""
    saved = json.loads(record) if record else {}
    if "card" in saved:
        return saved
    return {
        "card": derived_before(current(card_id), row),
        "siblings": {
            sibling: {**current(sibling), "buried_until": None}
            for sibling in saved.get("buried", [])
        },
    }
