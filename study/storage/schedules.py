"""Schedules and the review log: a learner's schedule for a card read and written
(through a session, or on the grading path through a direct connection), reviews
appended, the log's card keys, and the "not cancelled by an undo" condition."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from study.domain.review_log import ReviewKind, cancels_sql, not_cancelled_sql
from study.domain.scheduling import NEW_CARD, SCHEDULE_FIELDS, Schedule
from study.storage.chunks import chunks
from study.storage.database import DirectConnection, Prepared, binds
from study.storage.models import Card, CardState, Review, ReviewUndo


def not_cancelled(review: str = "review") -> sa.TextClause:
    """A condition on the ``review`` table (or the alias named): no undo record cancels
    the review (the rule: :func:`study.domain.review_log.not_cancelled_sql`)."""
    return sa.text(not_cancelled_sql(review))


def cancelled_by_undo(review: sa.Table) -> tuple[sa.FromClause, sa.Join]:
    """The undo records (an alias ``undo`` of the log) joined to the reviews of
    ``review`` they cancel: the cancelled reviews found from the few undo records (the
    partial index on ``cancels_id``), never by walking the log."""
    undo = review.alias("undo")
    return undo, undo.join(review, sa.text(cancels_sql("undo", review.name)))


def state_of(session: Session, learner_id: int, card_id_: str) -> CardState:
    """The learner's schedule for a card; a new, unsaved one if the card was never touched."""
    state = session.get(CardState, (learner_id, card_id_))
    return state or CardState(learner_id=learner_id, card_id=card_id_)


def schedule_of(session: Session, learner_id: int, card_id_: str) -> Schedule:
    """The learner's schedule for a card (a new card's if it was never touched)."""
    state = session.get(CardState, (learner_id, card_id_))
    return NEW_CARD if state is None else Schedule.from_row(state)


def put_schedule(
    session: Session, learner_id: int, card_id_: str, schedule: Schedule, now: datetime
) -> None:
    """Store ``schedule`` as the learner's schedule for a card, stamped ``now``."""
    state = state_of(session, learner_id, card_id_)
    for key, value in schedule.row().items():
        setattr(state, key, value)
    state.updated_at = now
    session.add(state)


# ---------------------------------------------------------------- undo of a grade


def last_undoable(session: Session, learner_id: int, today: date) -> Review | None:
    """The learner's last grade of ``today`` that no undo cancelled, or None."""
    return session.exec(
        select(Review)
        .where(
            Review.learner_id == learner_id,
            Review.study_day == today,
            Review.kind != ReviewKind.UNDO,
            not_cancelled(),
        )
        .order_by(col(Review.id).desc())
        .limit(1)
    ).first()


def review_kind(session: Session, review_id: int) -> ReviewKind | None:
    """The kind of review ``review_id`` (None when there is no such review)."""
    review = session.get(Review, review_id)
    return ReviewKind(review.kind) if review is not None else None


def undo_snapshot(session: Session, review_id: int) -> str | None:
    """The undo record (JSON) review ``review_id`` stored, or None when it stored none."""
    record = session.get(ReviewUndo, review_id)
    return record.state_before if record is not None else None


def append_undo(
    session: Session, learner_id: int, card_key: int, now: datetime, today: date, cancels: int
) -> None:
    """Append the undo record that cancels review ``cancels`` (of the card ``card_key``)."""
    session.add(
        Review(
            learner_id=learner_id,
            card_key=card_key,
            reviewed_at=now,
            study_day=today,
            kind=ReviewKind.UNDO,
            cancels_id=cancels,
        )
    )


# ---------------------------------------------------------------- the grading path
# Grading runs these once per answer, in Database.write_direct: statements built and
# compiled once (Prepared), run on the driver's connection on SQLite, without a Session's
# identity map and unit of work, which cost several times the SQL itself (issue 9).

REVIEW_FIELDS = (  # every column of Review but its id and the card's key
    "learner_id",
    "reviewed_at",
    "study_day",
    "grade",
    "kind",
    "cancels_id",
    "answer_ms",
    "repetitions_before",
    "ease_before",
    "interval_before",
    "due_before",
    "repetitions_after",
    "ease_after",
    "interval_after",
    "due_after",
)
_STATE_TABLE: sa.Table = CardState.__table__  # type: ignore[attr-defined]
_REVIEW_TABLE: sa.Table = Review.__table__  # type: ignore[attr-defined]
_CARD_TABLE: sa.Table = Card.__table__  # type: ignore[attr-defined]


_SELECT_SCHEDULE = Prepared(
    sa.select(*(_STATE_TABLE.c[name] for name in SCHEDULE_FIELDS)).where(
        _STATE_TABLE.c.learner_id == sa.bindparam("learner_id"),
        _STATE_TABLE.c.card_id == sa.bindparam("card_id"),
    )
)
_UPDATE_SCHEDULE = Prepared(
    sa.update(_STATE_TABLE)
    .where(
        _STATE_TABLE.c.learner_id == sa.bindparam("key_learner_id"),
        _STATE_TABLE.c.card_id == sa.bindparam("key_card_id"),
    )
    .values(binds(_STATE_TABLE, (*SCHEDULE_FIELDS, "updated_at")))
)
_INSERT_SCHEDULE = Prepared(
    sa.insert(_STATE_TABLE).values(
        binds(_STATE_TABLE, ("learner_id", "card_id", *SCHEDULE_FIELDS, "updated_at"))
    )
)
_INSERT_REVIEW = Prepared(
    sa.insert(_REVIEW_TABLE).values(
        card_key=sa.select(_CARD_TABLE.c.key)
        .where(_CARD_TABLE.c.id == sa.bindparam("card_id"))
        .scalar_subquery(),
        **binds(_REVIEW_TABLE, REVIEW_FIELDS),
    )
)
_INSERT_UNDO_RECORD = Prepared(
    sa.insert(ReviewUndo.__table__).values(  # type: ignore[attr-defined]
        review_id=sa.bindparam("review_id"), state_before=sa.bindparam("state_before")
    )
)
_other_card = _CARD_TABLE.alias("other")
_SIBLINGS = Prepared(
    sa.select(_CARD_TABLE.c.id).where(
        _CARD_TABLE.c.note_id
        == sa.select(_other_card.c.note_id)
        .where(_other_card.c.id == sa.bindparam("card_id"))
        .scalar_subquery(),
        _CARD_TABLE.c.id != sa.bindparam("card_id"),
        _CARD_TABLE.c.retired.is_(False),
    )
)


def load_schedule(connection: DirectConnection, learner_id: int, card_id_: str) -> Schedule | None:
    """The learner's schedule for a card, or None when no row is stored (a new card)."""
    rows = connection.rows(_SELECT_SCHEDULE, {"learner_id": learner_id, "card_id": card_id_})
    return Schedule.from_row(tuple(rows[0])) if rows else None


def save_schedule(
    connection: DirectConnection,
    learner_id: int,
    card_id_: str,
    schedule: Schedule,
    now: datetime,
    *,
    stored: bool,
) -> None:
    """Write a schedule back, stamped ``now``: an update of the stored row, or (``stored``
    False) an insert."""
    values = schedule.row()
    values["updated_at"] = now
    if stored:
        values["key_learner_id"] = learner_id
        values["key_card_id"] = card_id_
        connection.run(_UPDATE_SCHEDULE, values)
    else:
        values["learner_id"] = learner_id
        values["card_id"] = card_id_
        connection.run(_INSERT_SCHEDULE, values)


def sibling_cards(connection: DirectConnection, card_id_: str) -> list[str]:
    """The other live cards of the card's note (the other cloze numbers)."""
    return [row[0] for row in connection.rows(_SIBLINGS, {"card_id": card_id_})]


def append_review(
    connection: DirectConnection, values: dict[str, Any], state_before: str | None = None
) -> int:
    """Append one row to the log (``values``: every column of ``Review`` but its id, the
    card by its ``card_id``); its id. ``state_before``: the undo record of an answer
    that changed more than the row's ``*_before`` columns restore (JSON)."""
    review_id = connection.run(_INSERT_REVIEW, values)
    assert isinstance(review_id, int)
    if state_before is not None:
        connection.run(_INSERT_UNDO_RECORD, {"review_id": review_id, "state_before": state_before})
    return review_id


def card_keys(session: Session | sa.Connection, card_ids: Iterable[str]) -> dict[str, int]:
    """The keys the review log names the cards ``card_ids`` by."""
    wanted, found = list(dict.fromkeys(card_ids)), {}
    for chunk in chunks(wanted):
        query = sa.select(_CARD_TABLE.c.id, _CARD_TABLE.c.key).where(_CARD_TABLE.c.id.in_(chunk))
        found.update({row[0]: row[1] for row in session.execute(query)})
    return found
