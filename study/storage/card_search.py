"""Finding cards: the filtered, ordered, paged card listing of browse (states, flags,
a tag, text search), run in SQL, so a screen shows a page of a 100,000-card
collection without loading it all."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from study.domain.cards import CardStateName
from study.domain.errors import UserError
from study.storage.cards import CardRow, buried_column, card_row
from study.storage.models import Card, CardState, Deck, Note
from study.storage.stats_scope import state_expression
from study.storage.store import buried_sql
from study.storage.tags import note_has_tag, tags_by_note

STATE_ALIAS = "state"  # the learner's card_state row, outer-joined, as the SQL names it
FILTER_STATES = (
    *(name.value for name in CardStateName),
    "suspended",
    "buried",
    "leech",
    "flagged",
)
# How a listing can be ordered, each with what a learner looks for first.
SORTS = {
    "deck": "deck and file order",
    "due": "due date, soonest first",
    "interval": "interval, shortest first",
    "ease": "E-Factor, hardest first",
    "reviews": "reviews, most first",
    "lapses": "lapses, most first",
}


@dataclass(frozen=True)
class BrowseFilter:
    """Which cards to list. Every field narrows; the empty filter lists every card."""

    deck_ids: tuple[str, ...] | None = None
    tag: str | None = None
    state: str | None = None  # one of FILTER_STATES
    text: str = ""  # matched case-insensitively in the card's fields and id
    sort: str = "deck"  # one of SORTS


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _filtered(query: Any, learner_state: Any, today: date, flt: BrowseFilter) -> Any:
    query = query.where(col(Card.retired).is_(False), col(Note.retired).is_(False))
    if flt.deck_ids is not None:
        query = query.where(col(Card.deck_id).in_(list(flt.deck_ids)))
    if flt.tag:
        query = query.where(note_has_tag(col(Card.note_id), flt.tag))
    if flt.text:
        pattern = _like(flt.text)
        query = query.where(
            sa.or_(
                *(
                    sa.func.lower(field).like(pattern.lower(), escape="\\")
                    for field in (Note.front, Note.back, Note.text, Note.extra, Card.id)
                )
            )
        )
    s = learner_state
    state = state_expression(today, s)
    conditions = {
        **{name.value: state == name.value for name in CardStateName},
        "suspended": s.suspended.is_(True),
        "buried": sa.text(buried_sql(STATE_ALIAS)).bindparams(
            sa.bindparam("today", today, sa.Date)
        ),
        "leech": s.leech.is_(True),
        "flagged": s.flagged.is_(True),
    }
    if flt.state is not None:
        if flt.state not in conditions:
            raise UserError(f"unknown card state {flt.state!r}; one of {', '.join(FILTER_STATES)}")
        query = query.where(conditions[flt.state])
    return query


def _order(s: Any, sort: str) -> list[Any]:
    """ORDER BY terms for ``sort``; cards never graded go last, file order breaks ties."""
    file_order = [col(Deck.name), col(Card.position)]
    never_graded = sa.or_(s.card_id.is_(None), s.reviews == 0)
    keys = {
        "deck": [],
        "due": [never_graded, s.due_day],
        "interval": [never_graded, s.interval],
        "ease": [never_graded, s.ease_hundredths],
        "reviews": [sa.func.coalesce(s.reviews, 0).desc()],
        "lapses": [sa.func.coalesce(s.lapses, 0).desc()],
    }
    if sort not in keys:
        raise UserError(f"unknown order {sort!r}; one of {', '.join(SORTS)}")
    return [*keys[sort], *file_order]


def search_cards(
    session: Session,
    learner_id: int,
    today: date,
    flt: BrowseFilter,
    *,
    offset: int,
    limit: int,
) -> tuple[list[CardRow], int]:
    """The rows ``offset`` to ``offset + limit`` of the cards matching ``flt``, in the
    order ``flt.sort`` names, and how many cards match in all."""
    state = sa.orm.aliased(CardState, name=STATE_ALIAS)
    joined = sa.and_(col(state.card_id) == Card.id, col(state.learner_id) == learner_id)
    base = (
        sa.select(Card, Note, col(Deck.name), state, buried_column(STATE_ALIAS, today))
        .join(Note, col(Note.id) == Card.note_id)
        .join(Deck, col(Deck.id) == Card.deck_id)
        .outerjoin(state, joined)
    )
    query = _filtered(base, state, today, flt).order_by(*_order(state, flt.sort))
    counting = (
        select(sa.func.count())
        .select_from(Card)
        .join(Note, col(Note.id) == Card.note_id)
        .outerjoin(state, joined)
    )
    total = int(session.exec(_filtered(counting, state, today, flt)).one())
    found = list(session.execute(query.offset(offset).limit(limit)))
    tags = tags_by_note(session, {note.id for _, note, _, _, _ in found})
    rows = [
        card_row(card, note, deck_name, card_state, today, tags.get(note.id, ()), bool(buried))
        for card, note, deck_name, card_state, buried in found
    ]
    return rows, total
