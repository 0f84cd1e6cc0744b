"""What an Anki import reads and writes of a learner's progress: the review times and
schedules stored for the package's cards, a schedule taken from Anki, the log appended."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from study.domain.review_log import ReviewKind
from study.domain.scheduling import Schedule
from study.storage.chunks import chunks
from study.storage.models import Card, CardState, Review
from study.storage.schedules import not_cancelled


@dataclass
class StoredProgress:
    """A learner's progress on some cards: each answer's card id and time (undo records
    and what they cancelled left out), and the stored schedules by card id."""

    answers: list[tuple[str, datetime]] = field(default_factory=list)
    states: dict[str, CardState] = field(default_factory=dict)


def stored_progress(session: Session, learner_id: int, card_ids: Sequence[str]) -> StoredProgress:
    """The learner's answers and schedules for ``card_ids``."""
    stored = StoredProgress()
    for chunk in chunks(list(card_ids)):
        for card_id_, reviewed_at in session.execute(
            sa.select(col(Card.id), col(Review.reviewed_at))
            .join(Card, col(Card.key) == col(Review.card_key))
            .where(
                col(Review.learner_id) == learner_id,
                col(Card.id).in_(chunk),
                col(Review.kind) != ReviewKind.UNDO,
                col(Review.grade).is_not(None),
                not_cancelled(),
            )
        ):
            stored.answers.append((card_id_, reviewed_at))
        for stored_state in session.exec(
            select(CardState).where(
                CardState.learner_id == learner_id, col(CardState.card_id).in_(chunk)
            )
        ):
            stored.states[stored_state.card_id] = stored_state
    return stored


def take_schedule(
    session: Session,
    stored: StoredProgress,
    learner_id: int,
    card_id_: str,
    schedule: Schedule,
    now: datetime,
) -> None:
    """Store ``schedule`` as the learner's schedule for a card, stamped ``now`` (the
    reason of a stored flag kept while it stays flagged)."""
    state = stored.states.get(card_id_) or CardState(learner_id=learner_id, card_id=card_id_)
    reason = state.flag_reason if schedule.flagged else ""
    for name, value in schedule.row().items():
        setattr(state, name, value)
    state.flag_reason = reason
    state.updated_at = now
    session.add(state)


def append_reviews(session: Session, rows: list[dict[str, Any]]) -> None:
    """Append ``rows`` (the columns of the ``review`` table) to the review log."""
    session.execute(sa.insert(Review), rows)
