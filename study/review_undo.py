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
from dataclasses import replace
from datetime import timedelta

from study.review_log import SCHEDULED, ReviewKind
from study.scheduling import ReviewEntry, Schedule
from study.sm2 import PASSING_GRADE


def derived_before(after: Schedule, entry: ReviewEntry) -> Schedule:
    """The card's schedule before the answer ``entry``, from ``after``, the schedule the
    answer left."""
    reviews, lapses = after.reviews, after.lapses
    last_review_day, drill_day = after.last_review_day, after.drill_day
    if entry.kind in SCHEDULED:
        lapsed = entry.kind == ReviewKind.REVIEW and (entry.grade or 0) < PASSING_GRADE
        reviews, lapses = reviews - 1, lapses - int(lapsed)
        # The last review set the due date: that day plus its interval.
        last_review_day = (
            None
            if entry.due_before is None
            else entry.due_before - timedelta(days=entry.interval_before)
        )
        drill_day = None  # a scheduled review is never waiting in a drill
    elif entry.kind == ReviewKind.DRILL:
        drill_day = entry.study_day  # a drill answers today's drill
    return replace(
        after,
        repetitions=entry.repetitions_before,
        ease_hundredths=entry.ease_before,
        interval=entry.interval_before,
        due_day=entry.due_before,
        last_review_day=last_review_day,
        reviews=reviews,
        lapses=lapses,
        drill_day=drill_day,
    )


def undo_record(
    card: Schedule, siblings: dict[str, Schedule], after: Schedule, entry: ReviewEntry
) -> str | None:
    """What ``review_undo`` keeps for an answer: None when the row alone gives back
    ``card``, the schedule read before it, from ``after``, the schedule it left, and it
    buried no sibling; the names of the siblings it buried when that is all it did beyond
    the row; else the whole snapshot (``{"card": ..., "siblings": {id: ...}}``, each in
    :meth:`Schedule.json` form)."""
    if derived_before(after, entry) == card:
        if not siblings:
            return None
        if all(sibling.buried_until is None for sibling in siblings.values()):
            return json.dumps({"buried": sorted(siblings)})
    snapshot = {
        "card": card.json(),
        "siblings": {sibling: schedule.json() for sibling, schedule in siblings.items()},
    }
    return json.dumps(snapshot, sort_keys=True)


def restored(
    record: str | None,
    entry: ReviewEntry,
    card_id: str,
    current: Callable[[str], Schedule],
) -> dict[str, Schedule]:
    """The schedules undoing the answer ``entry`` of ``card_id`` restores, by card id:
    from its ``record`` (see :func:`undo_record`) and ``current`` (a card's schedule now)."""
    saved = json.loads(record) if record else {}
    if "card" in saved:
        return {
            card_id: Schedule.from_json(saved["card"]),
            **{
                sibling: Schedule.from_json(values)
                for sibling, values in saved.get("siblings", {}).items()
            },
        }
    return {
        card_id: derived_before(current(card_id), entry),
        **{
            sibling: replace(current(sibling), buried_until=None)
            for sibling in saved.get("buried", [])
        },
    }
