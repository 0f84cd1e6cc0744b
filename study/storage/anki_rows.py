"""What an Anki export reads: the notes one row per card (with the learner's schedule
when progress goes too), the decks' names and descriptions, and the review log."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlmodel import Session, col

from study.domain.review_log import ReviewKind
from study.storage.models import Card, CardState, Deck, Note, Review
from study.storage.schedules import not_cancelled
from study.storage.tags import tag_list


class NoteRow(NamedTuple):
    """One card of the export with its note (and its schedule with ``with_progress``).

    Read by position from the query: a NamedTuple is an order of magnitude faster to read
    than SQLAlchemy's row attributes, which matters at 100,000 notes."""

    note_id: str
    deck_id: str
    type: str
    front: str
    back: str
    text: str
    extra: str
    tags: str
    source_file: str
    source_sentence: str
    editor_note: str
    updated_at: str | datetime  # as the driver returns it (SQLite: text)
    card_id: str | None
    ordinal: int | None
    reviews: int | None
    interval: int | None
    ease_hundredths: int | None
    due_day: date | None
    lapses: int | None
    suspended: bool | None
    flagged: bool | None
    state_updated: datetime | None
    drill_day: date | None


def _note_query(deck_ids: list[str] | None, learner_id: int, with_progress: bool) -> Any:
    """Notes with their cards, one row per card (the columns of :class:`NoteRow`), in deck
    order; a note without a card comes back once with no card (it is refused). Without
    ``with_progress`` the schedule columns are NULL: no join."""
    state_columns: list[Any] = [
        col(CardState.reviews),
        col(CardState.interval),
        col(CardState.ease_hundredths),
        col(CardState.due_day),
        col(CardState.lapses),
        col(CardState.suspended),
        col(CardState.flagged),
        col(CardState.updated_at),
        col(CardState.drill_day),
    ]
    query = (
        sa.select(
            col(Note.id),
            col(Note.deck_id),
            col(Note.type),
            col(Note.front),
            col(Note.back),
            col(Note.text),
            col(Note.extra),
            tag_list(Note.id).label("tags"),
            col(Note.source_file),
            col(Note.source_sentence),
            col(Note.editor_note),
            # Raw, converted once per note: SQLAlchemy's conversion on every card row
            # costs more than a tenth of a large export.
            sa.type_coerce(col(Note.updated_at), sa.String),
            col(Card.id),
            col(Card.ordinal),
            *(state_columns if with_progress else [sa.null()] * len(state_columns)),
        )
        .join(Deck, col(Deck.id) == Note.deck_id)
        .outerjoin(Card, sa.and_(col(Card.note_id) == Note.id, col(Card.retired).is_(False)))
        .where(col(Note.retired).is_(False))
        .order_by(col(Deck.name), col(Deck.id), col(Note.position), col(Note.id), col(Card.ordinal))
    )
    if with_progress:
        query = query.outerjoin(
            CardState,
            sa.and_(col(CardState.card_id) == Card.id, col(CardState.learner_id) == learner_id),
        )
    if deck_ids is not None:
        query = query.where(col(Note.deck_id).in_(deck_ids))
    return query


def note_rows(
    session: Session, deck_ids: list[str] | None, learner_id: int, with_progress: bool
) -> Iterator[NoteRow]:
    """The live notes of ``deck_ids`` (None: every deck) one row per card, in deck order,
    streamed (see :func:`_note_query`)."""
    rows = session.execute(
        _note_query(deck_ids, learner_id, with_progress).execution_options(yield_per=1000)
    )
    return map(NoteRow._make, rows)


def count_notes(session: Session, deck_ids: list[str] | None) -> int:
    """How many notes the export will write (for its progress bar)."""
    query = sa.select(sa.func.count()).select_from(Note).where(col(Note.retired).is_(False))
    if deck_ids is not None:
        query = query.where(col(Note.deck_id).in_(deck_ids))
    return int(session.execute(query).scalar_one())


def deck_names(session: Session) -> dict[str, str]:
    """Every deck's name by its id (retired decks too)."""
    return {
        deck_id: name for deck_id, name in session.execute(sa.select(col(Deck.id), col(Deck.name)))
    }


def deck_descriptions(session: Session, deck_ids: set[str]) -> dict[str, str]:
    """The descriptions of ``deck_ids`` that are not empty, by deck id."""
    return {
        deck_id: text
        for deck_id, text in session.execute(
            sa.select(col(Deck.id), col(Deck.description)).where(
                col(Deck.id).in_(sorted(deck_ids)), col(Deck.description) != ""
            )
        )
    }


def exported_reviews(session: Session, learner_id: int) -> Iterable[Sequence[Any]]:
    """The learner's answers, undo records and what they cancelled left out, oldest
    first and streamed: card id, time, grade, kind, answer time, interval before and
    after, ease after."""
    query = (
        sa.select(
            col(Card.id),
            col(Review.reviewed_at),
            col(Review.grade),
            col(Review.kind),
            col(Review.answer_ms),
            col(Review.interval_before),
            col(Review.interval_after),
            col(Review.ease_after),
        )
        .join(Card, col(Card.key) == col(Review.card_key))
        .where(
            col(Review.learner_id) == learner_id,
            col(Review.kind) != ReviewKind.UNDO,
            col(Review.grade).is_not(None),
            not_cancelled(),
        )
        .order_by(col(Review.reviewed_at), col(Review.id))
        .execution_options(yield_per=2000)
    )
    return session.execute(query)
