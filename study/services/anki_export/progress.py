"""A card's progress in Anki's terms: its SM-2 schedule as the columns of Anki's ``cards``
table, and the review log as Anki's ``revlog``, for "Import any learning progress"."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime

import genanki

from study.domain.review_log import ReviewKind
from study.storage.anki_rows import NoteRow, exported_reviews
from study.storage.database import Session

# The package collection's creation: noon UTC, read with a creation offset of 0, so its
# date is COLLECTION_CREATED.date() whatever the time zone of the importing machine.
COLLECTION_CREATED = datetime(2000, 1, 1, 12, 0, tzinfo=UTC)

# Anki's card types and queues, and revlog kinds.
TYPE_NEW, TYPE_REVIEW, TYPE_RELEARN = 0, 2, 3
QUEUE_SUSPENDED, QUEUE_NEW, QUEUE_LEARN, QUEUE_REVIEW = -1, 0, 1, 2
REVLOG_LEARN, REVLOG_REVIEW, REVLOG_RELEARN, REVLOG_FILTERED = 0, 1, 2, 3
REVLOG_TYPES = {
    ReviewKind.NEW: REVLOG_LEARN,
    ReviewKind.REVIEW: REVLOG_REVIEW,
    ReviewKind.DRILL: REVLOG_RELEARN,
    ReviewKind.CRAM: REVLOG_FILTERED,
}
FLAG_RED = 1


def anki_button(grade: int) -> int:
    """Our 0-5 grade as Anki's answer button: 0-2 Again (1), 3 Hard, 4 Good, 5 Easy."""
    if not 0 <= grade <= 5:
        raise ValueError(f"grade must be from 0 to 5, not {grade}")
    return 1 if grade < 3 else grade - 1


def due_number(due_day: date) -> int:
    """A review card's ``due`` in the package: days since the collection's creation."""
    return (due_day - COLLECTION_CREATED.date()).days


@dataclass(frozen=True)
class _Schedule:
    """One card's columns in Anki's ``cards`` table."""

    type: int = TYPE_NEW
    queue: int = QUEUE_NEW
    due: int | None = None  # None: the note's new-card position
    interval: int = 0
    factor: int = 0
    reps: int = 0
    lapses: int = 0
    flags: int = 0
    mod: int | None = None
    left: int = 0


_NEW = _Schedule()


class ScheduledCard(genanki.Card):  # type: ignore[misc]
    """A genanki card that writes a schedule too (genanki writes every card as new), and
    records its Anki id in ``anki_ids`` (when given) for the review log."""

    def __init__(
        self, ordinal: int, schedule: _Schedule, anki_ids: dict[str, int] | None, card_id: str
    ) -> None:
        super().__init__(ordinal)
        self.schedule = schedule
        self.anki_ids = anki_ids
        self.card_id = card_id

    def write_to_db(
        self,
        cursor: sqlite3.Cursor,
        timestamp: float,
        deck_id: int,
        note_id: int,
        id_gen: Iterator[int],
        due: int = 0,
    ) -> None:
        s = self.schedule
        card_id = next(id_gen)
        cursor.execute(
            "INSERT INTO cards VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                card_id,
                note_id,
                deck_id,
                self.ord,
                s.mod if s.mod is not None else int(timestamp),
                -1,  # usn
                s.type,
                s.queue,
                s.due if s.due is not None else due,
                s.interval,
                s.factor,
                s.reps,
                s.lapses,
                s.left,
                0,  # odue
                0,  # odid
                s.flags,
                "",  # data
            ),
        )
        if self.anki_ids is not None:
            self.anki_ids[self.card_id] = card_id


def card_schedule(row: NoteRow, today: date, now: datetime) -> _Schedule:
    """A card's Anki schedule from its row (state columns are None for a new card).

    ``reps`` is filled in from the review log once it is written (see
    :func:`count_answers`). A card waiting for its drill today is relearning in Anki's
    learning queue, due now, with one step left: passing it there keeps the interval and
    ease SM-2 gave it (a new card in Anki's "learning" would graduate with the deck's
    default ease instead).
    """
    if row.reviews is None:
        return _NEW
    flags = FLAG_RED if row.flagged else 0
    mod = int(row.state_updated.timestamp()) if row.state_updated is not None else None
    if row.reviews > 0 and row.due_day is not None:
        suspended = bool(row.suspended)
        if row.drill_day == today:
            return _Schedule(
                type=TYPE_RELEARN,
                queue=QUEUE_SUSPENDED if suspended else QUEUE_LEARN,
                due=int(now.timestamp()),
                interval=max(1, row.interval or 0),
                factor=(row.ease_hundredths or 250) * 10,
                lapses=row.lapses or 0,
                flags=flags,
                mod=mod,
                left=1,
            )
        return _Schedule(
            type=TYPE_REVIEW,
            queue=QUEUE_SUSPENDED if suspended else QUEUE_REVIEW,
            due=due_number(row.due_day),
            interval=max(1, row.interval or 0),
            factor=(row.ease_hundredths or 250) * 10,
            lapses=row.lapses or 0,
            flags=flags,
            mod=mod,
        )
    return _Schedule(queue=QUEUE_SUSPENDED if row.suspended else QUEUE_NEW, flags=flags, mod=mod)


def count_answers(cursor: sqlite3.Cursor) -> None:
    """Give each card Anki's ``reps`` (every answer in its log) and ``data`` with its last
    review time, as Anki's Check Database computes it (the last rated answer that is not
    cramming: a filtered-deck answer with no ease), from the review log just written."""
    cursor.execute(
        """UPDATE cards SET
            reps = (SELECT count() FROM revlog WHERE revlog.cid = cards.id),
            data = coalesce(
                (SELECT json_object('lrt', max(revlog.id) / 1000) FROM revlog
                 WHERE revlog.cid = cards.id AND revlog.ease > 0
                 AND NOT (revlog.type = ? AND revlog.factor = 0)
                 HAVING count() > 0),
                '')
        WHERE id IN (SELECT cid FROM revlog)""",
        (REVLOG_FILTERED,),
    )


def write_revlog(
    cursor: sqlite3.Cursor, session: Session, learner_id: int, anki_card_ids: dict[str, int]
) -> int:
    """The learner's review log for the exported cards, undo records and what they
    cancelled left out. Revlog ids are review times in milliseconds, made unique."""
    if not anki_card_ids:
        return 0
    last_id = 0
    written = 0
    for card_id, reviewed_at, grade, kind, answer_ms, before, after, ease in exported_reviews(
        session, learner_id
    ):
        anki_id = anki_card_ids.get(card_id)
        if anki_id is None:
            continue
        last_id = max(int(reviewed_at.timestamp() * 1000), last_id + 1)
        cursor.execute(
            "INSERT INTO revlog VALUES(?,?,?,?,?,?,?,?,?)",
            (
                last_id,
                anki_id,
                -1,  # usn
                anki_button(grade),
                after,
                before,
                0 if kind == ReviewKind.CRAM else ease * 10,  # Anki's mark of a cramming answer
                answer_ms,
                REVLOG_TYPES.get(kind, REVLOG_REVIEW),
            ),
        )
        written += 1
    return written
