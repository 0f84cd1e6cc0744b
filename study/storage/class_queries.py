"""The class view's queries (``study class``, the Class screen): every learner at once,
never one query per learner. study.services.class_stats adds their rows up.

The review log is grouped by (learner, study day), the schedules by (learner, state),
the window's grades by card. Cancelled grades never count.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from study.domain.review_log import ReviewKind
from study.domain.sm2 import PASSING_GRADE
from study.storage.models import Card, CardState, Learner, Note, NoteTag, Review
from study.storage.schedules import cancelled_by_undo, not_cancelled
from study.storage.stats_scope import card_ids_in, state_expression

_REVIEW: sa.Table = Review.__table__  # type: ignore[attr-defined]
_STATE: sa.Table = CardState.__table__  # type: ignore[attr-defined]
_CARD: sa.Table = Card.__table__  # type: ignore[attr-defined]
_NOTE: sa.Table = Note.__table__  # type: ignore[attr-defined]
_TAG: sa.Table = NoteTag.__table__  # type: ignore[attr-defined]
_LEARNER: sa.Table = Learner.__table__  # type: ignore[attr-defined]


def learner_count(session: Session) -> int:
    """How many profiles the database holds."""
    return int(session.execute(sa.select(sa.func.count()).select_from(_LEARNER)).scalar_one())


def is_tutor(session: Session, learner_id: int) -> bool:
    """Whether the profile may see the class."""
    tutor = session.execute(
        sa.select(_LEARNER.c.tutor).where(_LEARNER.c.id == learner_id)
    ).scalar_one_or_none()
    return bool(tutor)


def learner_names(session: Session) -> dict[int, str]:
    """Every profile's name by its id."""
    return {
        int(i): str(name) for i, name in session.execute(sa.select(_LEARNER.c.id, _LEARNER.c.name))
    }


@dataclass(frozen=True)
class CardScope:
    """The cards the class view covers: of ``deck_ids`` (None: every deck) with ``tag``."""

    deck_ids: tuple[str, ...] | None
    tag: str | None

    def ids(self) -> sa.Select[Any] | None:
        """The ids of the cards in scope, or None for every card."""
        return card_ids_in(self.deck_ids, self.tag)

    def cards(self, query: sa.Select[Any]) -> sa.Select[Any]:
        """A query over ``card``, restricted to the live cards in scope."""
        query = query.select_from(_CARD).where(_CARD.c.retired.is_(False))
        ids = self.ids()
        return query if ids is None else query.where(_CARD.c.id.in_(ids))

    def reviewed(self, column: sa.ColumnElement[str]) -> sa.ColumnElement[bool]:
        """A test on a card id column: the card is in scope (retired cards' history kept)."""
        ids = self.ids()
        return sa.true() if ids is None else column.in_(ids)

    def in_log(self, review: Any) -> sa.ColumnElement[bool]:
        """A test on a review row: its card is in scope (the log names cards by key)."""
        keys = card_ids_in(self.deck_ids, self.tag, _CARD.c.key)
        return sa.true() if keys is None else review.card_key.in_(keys)


def live_card_count(session: Session, scope: CardScope) -> int:
    """How many cards (not retired) the scope holds."""
    return int(session.execute(scope.cards(sa.select(sa.func.count()))).scalar_one())


def _retention_sums(review: Any) -> tuple[sa.ColumnElement[int], sa.ColumnElement[int]]:
    retained = sa.and_(review.kind == ReviewKind.REVIEW, review.repetitions_before > 0)
    passed = sa.and_(retained, review.grade >= PASSING_GRADE)
    return (
        sa.func.coalesce(sa.func.sum(sa.case((retained, 1), else_=0)), 0),
        sa.func.coalesce(sa.func.sum(sa.case((passed, 1), else_=0)), 0),
    )


def learner_day_groups(
    session: Session, scope: CardScope, today: date
) -> tuple[Iterable[Any], Iterable[Any]]:
    """Each learner's grades up to ``today`` grouped by (learner, study day), and the
    same groups of the cancelled grades alone, to subtract: rows of (learner, day,
    reviews, retention reviews, passes), streamed (a class's log has hundreds of
    thousands of groups: kept alive in a list, they cost the garbage collector more than
    the query).

    One GROUP BY (learner, study day) over the log's covering index; cancelled grades
    are rare, so subtracting them costs less than checking every grade for an undo
    record.
    """
    review = _REVIEW.c
    retained, passed = _retention_sums(review)
    keys = (review.learner_id, review.study_day)
    counted = (
        sa.select(*keys, sa.func.count(), retained, passed)
        .where(review.kind != ReviewKind.UNDO, review.study_day <= today, scope.in_log(review))
        .group_by(*keys)
    )
    undo, undone = cancelled_by_undo(_REVIEW)
    cancelled = (
        sa.select(*keys, sa.func.count(), retained, passed)
        .select_from(undone)
        .where(undo.c.kind == ReviewKind.UNDO, review.study_day <= today, scope.in_log(review))
        .group_by(*keys)
    )
    return session.execute(counted), session.execute(cancelled)


def learner_state_groups(session: Session, scope: CardScope, today: date) -> list[Any]:
    """Each learner's schedules of live cards in scope grouped by (learner, state): rows
    of (learner, state, cards, suspended, leeches, due today, overdue)."""
    state = _STATE.c
    name = state_expression(today).label("state")
    active = sa.and_(state.reviews > 0, state.suspended.is_(False))

    def flagged(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
        return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)

    # By an expression of the learner, not the column: every schedule is read, in one
    # scan of the table rather than one lookup per row through the (learner, due) index.
    learner = (state.learner_id + 0).label("learner")
    query = sa.select(
        learner,
        name,
        sa.func.count(),
        flagged(state.suspended.is_(True)),
        flagged(state.leech.is_(True)),
        flagged(sa.and_(active, state.due_day == today)),
        flagged(sa.and_(active, state.due_day < today)),
    ).select_from(_STATE)
    ids = scope.ids()
    if ids is None:
        retired = sa.select(_CARD.c.id).where(_CARD.c.retired.is_(True))
        query = query.where(state.card_id.not_in(retired))
    else:
        query = query.where(state.card_id.in_(ids.where(_CARD.c.retired.is_(False))))
    return list(session.execute(query.group_by(learner, name)))


def card_groups(
    session: Session, scope: CardScope, since: date, today: date
) -> tuple[list[Any], list[Any]]:
    """Per card over every learner: (card id, retention reviews, passes) in the window
    from ``since`` to ``today``, and (card id, lapses, learners) from the schedules of
    graded cards."""
    review = _REVIEW.c
    retained, passed = _retention_sums(review)
    # Grouped by an expression of the card's key, not the column: SQLite would otherwise
    # read every log row through the card index to have them in card order, where the
    # day index and a sort of the window's few groups cost a fraction.
    card = (review.card_key + 0).label("card")
    grouped = (
        sa.select(card, retained.label("retained"), passed.label("passed"))
        .where(
            review.kind == ReviewKind.REVIEW,
            review.repetitions_before > 0,
            review.study_day >= since,
            review.study_day <= today,
            scope.in_log(review),
            not_cancelled(),
        )
        .group_by(card)
        .subquery("grouped")
    )
    window = sa.select(_CARD.c.id, grouped.c.retained, grouped.c.passed).join_from(
        grouped, _CARD, _CARD.c.key == grouped.c.card
    )
    state = _STATE.c
    schedules = (
        sa.select(state.card_id, sa.func.sum(state.lapses), sa.func.count())
        .where(state.reviews > 0, scope.reviewed(state.card_id))
        .group_by(state.card_id)
    )
    return list(session.execute(window)), list(session.execute(schedules))


def card_texts(session: Session, card_ids: Sequence[str]) -> list[Any]:
    """The cards' (id, deck_id, ordinal, note type, front, back, text), for their
    question."""
    query = (
        sa.select(
            _CARD.c.id,
            _CARD.c.deck_id,
            _CARD.c.ordinal,
            _NOTE.c.type,
            _NOTE.c.front,
            _NOTE.c.back,
            _NOTE.c.text,
        )
        .select_from(_CARD.join(_NOTE, _NOTE.c.id == _CARD.c.note_id))
        .where(_CARD.c.id.in_(list(card_ids)))
    )
    return list(session.execute(query))


def card_tags(session: Session, scope: CardScope) -> list[Any]:
    """(card id, tag key, tag as written) for each tag of each live card in scope."""
    query = scope.cards(sa.select(_CARD.c.id, _TAG.c.tag_key, _TAG.c.tag)).join(
        _TAG, _TAG.c.note_id == _CARD.c.note_id
    )
    return list(session.execute(query))
