"""Cards as stored: their content, the listing rows (content with one learner's
schedule), a card's review history, and its flags (suspended, flagged, buried)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from study.domain.cards import CardContent, content_from_row, state_name
from study.domain.scheduling import NEW_CARD, Schedule
from study.storage.errors import NotFoundError
from study.storage.learners import lock_learner
from study.storage.models import Card, CardState, Deck, Note, Review
from study.storage.schedules import state_of
from study.storage.store import buried_sql
from study.storage.tags import note_has_tag, tags_by_note

_STATE_TABLE = "card_state"


@dataclass(frozen=True)
class CardRow:
    """A card with its content and one learner's schedule, for listings."""

    content: CardContent
    deck_name: str
    schedule: Schedule
    state: str  # new, learning, young or mature (cards.state_name) on the day read
    buried: bool  # hidden until the next study day
    edited: bool
    editor_note: str
    updated_at: datetime

    @property
    def card_id(self) -> str:
        return self.content.card_id

    @property
    def question(self) -> str:
        return self.content.question


def card_rows(
    session: Session,
    learner_id: int,
    today: date,
    *,
    deck_ids: Sequence[str] | None = None,
    tag: str | None = None,
    card_ids: Iterable[str] | None = None,
) -> list[CardRow]:
    """Every card that is not retired (suspended ones included), in deck-file order."""
    query = (
        sa.select(Card, Note, col(Deck.name), CardState, buried_column(_STATE_TABLE, today))
        .join(Note, col(Note.id) == Card.note_id)
        .join(Deck, col(Deck.id) == Card.deck_id)
        .outerjoin(
            CardState,
            sa.and_(col(CardState.card_id) == Card.id, col(CardState.learner_id) == learner_id),
        )
        .where(col(Card.retired).is_(False), col(Note.retired).is_(False))
        .order_by(col(Deck.name), col(Card.position))
    )
    if deck_ids is not None:
        query = query.where(col(Card.deck_id).in_(list(deck_ids)))
    if tag is not None:
        query = query.where(note_has_tag(col(Card.note_id), tag))
    if card_ids is not None:
        query = query.where(col(Card.id).in_(list(card_ids)))
    found = list(session.execute(query))
    tags = tags_by_note(session, {note.id for _, note, _, _, _ in found})
    return [
        card_row(card, note, deck_name, state, today, tags.get(note.id, ()), bool(buried))
        for card, note, deck_name, state, buried in found
    ]


def buried_column(schedule: str, today: date) -> sa.ColumnElement[bool]:
    """Whether the schedule row ``schedule`` (the table or alias name) is buried past
    ``today``, as a column of a listing (the store's rule, :func:`buried_sql`)."""
    buried = sa.text(buried_sql(schedule)).bindparams(sa.bindparam("today", today, sa.Date))
    return sa.and_(buried)


def content_of(card: Card, note: Note, tags: tuple[str, ...]) -> CardContent:
    """The plain-text content of one card (``tags``: its note's)."""
    fields = (note.type, note.front, note.back, note.text, note.extra)
    cited = (note.source_file, note.source_sentence, note.editor_note)
    row = (card.id, note.id, card.deck_id, card.ordinal, *fields, *cited)
    return content_from_row(row, tags)


def card_row(
    card: Card,
    note: Note,
    deck_name: str,
    state: CardState | None,
    today: date,
    tags: tuple[str, ...],
    buried: bool,
) -> CardRow:
    """One listing row: ``state`` is the learner's schedule, or None for a new card;
    ``tags`` are its note's; ``buried`` is :func:`buried_column` read with it."""
    schedule = NEW_CARD if state is None else Schedule.from_row(state)
    return CardRow(
        content=content_of(card, note, tags),
        deck_name=deck_name,
        schedule=schedule,
        state=state_name(schedule, today),
        buried=buried,
        edited=note.edited,
        editor_note=note.editor_note,
        updated_at=note.updated_at,
    )


def card_history(session: Session, learner_id: int, card_id_: str) -> list[Review]:
    """A card's review log for one learner, oldest first (undo records included)."""
    return list(
        session.exec(
            select(Review)
            .join(Card, col(Card.key) == col(Review.card_key))
            .where(Review.learner_id == learner_id, Card.id == card_id_)
            .order_by(col(Review.id))
        )
    )


def note_and_deck(session: Session, card_id_: str) -> tuple[str, Deck]:
    """The id of a card's note and the card's deck; NotFoundError for an unknown card."""
    card = session.get(Card, card_id_)
    if card is None:
        raise NotFoundError(f"no card {card_id_!r}")
    deck = session.get(Deck, card.deck_id)
    assert deck is not None
    return card.note_id, deck


def set_flags(
    session: Session, learner_id: int, card_id_: str, now: datetime, **flags: Any
) -> None:
    """Set suspended / flagged / buried_until / ... on a card's schedule, creating it if new."""
    if session.get(Card, card_id_) is None:
        raise NotFoundError(f"no card {card_id_!r}; `study cards` lists them")
    lock_learner(session, learner_id)
    state = state_of(session, learner_id, card_id_)
    for key, value in flags.items():
        setattr(state, key, value)
    state.updated_at = now
    session.add(state)
