"""What the statistics count over, in SQL: the tables, the learner's scope (decks, a
tag), and a card's state. Shared by the statistics' queries (stats_queries), the class
view's (class_queries) and browse."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import SQLModel

from study.domain.cards import CardStateName, state_tests
from study.domain.review_log import ReviewKind
from study.storage.models import Card, CardState, Deck, Note, Review
from study.storage.tags import note_has_tag


def table(model: type[SQLModel]) -> sa.Table:
    """The Core table of a model, for aggregate queries written in SQLAlchemy Core."""
    return SQLModel.metadata.tables[str(model.__tablename__)]


def unindexed(column: sa.ColumnElement[int]) -> sa.ColumnElement[int]:
    """The same value, but no index can serve a test on it (``column + 0``).

    For a learner test that (nearly) every row passes: one database rarely holds more
    than a few learners, so reading a whole table through its (learner, ...) index costs
    a random lookup per row where a plain scan reads it in order. SQLite would otherwise
    always pick the index for an equality on its first column.
    """
    return column + 0


REVIEW = table(Review)
STATE = table(CardState)
CARD = table(Card)
NOTE = table(Note)
DECK = table(Deck)


@dataclass(frozen=True)
class Scope:
    learner_id: int
    today: date
    deck_ids: tuple[str, ...] | None
    tag: str | None

    def cards(self, query: sa.Select[Any]) -> sa.Select[Any]:
        """Restrict a query over ``card`` to the cards in scope that are not retired."""
        query = query.where(CARD.c.retired.is_(False))
        if self.deck_ids is not None:
            query = query.where(CARD.c.deck_id.in_(self.deck_ids))
        if self.tag is not None:
            query = query.where(tagged(self.tag))
        return query

    def reviews(self, query: sa.Select[Any], *, leading: bool = True) -> sa.Select[Any]:
        """Restrict a query over ``review`` to this learner's grades of cards in scope.

        Reviews of retired cards stay: they are history the learner did.
        ``leading=False`` words the tests so that no index of ``review`` can serve them
        (the learner through :func:`unindexed`, the cards as a correlated EXISTS), for
        a query that must start from another table and check a few rows of the log.
        """
        learner = REVIEW.c.learner_id if leading else unindexed(REVIEW.c.learner_id)
        query = query.where(learner == self.learner_id, REVIEW.c.kind != ReviewKind.UNDO)
        cards = card_ids_in(self.deck_ids, self.tag, CARD.c.key)
        if cards is None:
            return query
        if leading:
            return query.where(REVIEW.c.card_key.in_(cards))
        return query.where(cards.where(CARD.c.key == REVIEW.c.card_key).exists())


def card_ids_in(
    deck_ids: Sequence[str] | None, tag: str | None, column: sa.ColumnElement[Any] = CARD.c.id
) -> sa.Select[Any] | None:
    """The ids (or ``column``: the keys the review log names them by) of the cards of
    ``deck_ids`` with ``tag`` (retired ones too), or None when neither is given (every
    card)."""
    if deck_ids is None and tag is None:
        return None
    cards = sa.select(column)
    if deck_ids is not None:
        cards = cards.where(CARD.c.deck_id.in_(deck_ids))
    if tag is not None:
        cards = cards.where(tagged(tag))
    return cards


def tagged(tag: str) -> sa.ColumnElement[bool]:
    """A card (of the ``card`` table) whose note has ``tag`` (study.domain.tags' rule,
    an index lookup in ``note_tag``)."""
    return note_has_tag(CARD.c.note_id, tag)


def state_expression(today: date, schedule: Any = None) -> sa.ColumnElement[str]:
    """study.domain.cards.state_name in SQL, from the same rule
    (:func:`study.domain.cards.state_tests`), over ``schedule``'s columns (the card_state
    table's by default): a card without a schedule row is new."""
    columns = STATE.c if schedule is None else schedule
    return sa.case(
        (columns.card_id.is_(None), CardStateName.NEW.value),
        *((test, name.value) for name, test in state_tests(columns, today)),
        else_=CardStateName.YOUNG.value,
    )
