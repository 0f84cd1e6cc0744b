"""What the home screen shows: each deck's cards for today, today's work, and the streak.

A service of the core (no textual): SQL aggregates per deck, then the daily limits
applied the way :mod:`study.session` applies them, so the count beside a deck is the
number of cards a session on that deck would show. A deck's limit counts its child decks
too, and a deck's count is also held back by the limits of the decks above it.
Limits form a tree, so the number of cards they let through does not depend on the
order the session picks them in; applying them to per-deck totals gives the same figure.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from study.config import Settings
from study.queue import (
    SEPARATOR,
    Available,
    Counts,
    available_today,
    deck_ancestors,
    limits_left,
    scope_names_title,
)
from study.sm2 import PASSING_GRADE
from study.storage.database import SqlReader
from study.storage.models import Card, Deck, Note, NoteTag, Review
from study.storage.repository import not_cancelled


@dataclass
class DeckNode:
    """A line of the deck tree: a deck, or a ``Parent`` that only exists in child names.

    ``deck_ids`` are the decks a session started here studies (this one and every child).
    """

    path: str  # the full name, "Parent::Child"
    label: str  # the last part, "Child"
    depth: int
    deck_id: str | None  # None for a parent that is only a name prefix
    deck_ids: list[str]
    counts: Counts = field(default_factory=Counts)
    cards: int = 0  # cards in the subtree that are not retired, suspended ones included
    children: list[DeckNode] = field(default_factory=list)


@dataclass(frozen=True)
class Today:
    """Work done today: cards graded (drills included), correct answers, time."""

    reviews: int = 0
    correct: int = 0
    time_ms: int = 0
    new_seen: int = 0

    @property
    def correct_percent(self) -> float:
        return 100.0 * self.correct / self.reviews if self.reviews else 0.0


@dataclass(frozen=True)
class Overview:
    """Everything the home screen needs, read in one go."""

    today: date
    decks: list[DeckNode]  # the roots of the tree, by name; children nested
    all_counts: Counts  # a session on every deck
    cards: int
    done: Today
    streak: int

    def flat(self) -> list[DeckNode]:
        """The tree in display order (depth first, by name)."""
        out: list[DeckNode] = []

        def walk(nodes: Iterable[DeckNode]) -> None:
            for node in nodes:
                out.append(node)
                walk(node.children)

        walk(self.decks)
        return out


def overview(session: Session, learner_id: int, settings: Settings, today: date) -> Overview:
    """The deck tree with today's counts, today's work and the study streak."""
    decks = list(
        session.exec(select(Deck).where(col(Deck.retired).is_(False)).order_by(col(Deck.name)))
    )
    cards = _card_totals(session)
    done_new, done_review = _done_today(session, learner_id, today)
    all_decks = {d.id: d.name for d in session.exec(select(Deck))}
    ancestors = deck_ancestors(all_decks)
    limits = _Limits(settings, ancestors, done_new, done_review)
    raw = available_today(
        SqlReader(session.connection()),
        learner_id,
        settings,
        today,
        new_caps=limits.caps(limits.left_new),
        due_caps=limits.caps(limits.left_review),
    )

    roots = _build_tree(decks)
    for node in _walk(roots):
        node.counts = limits.apply(node.deck_ids, raw)
        node.cards = sum(cards.get(d, 0) for d in node.deck_ids)
    every = [d.id for d in decks]
    return Overview(
        today=today,
        decks=roots,
        all_counts=limits.apply(every, raw),
        cards=sum(cards.get(d, 0) for d in every),
        done=today_work(session, learner_id, today),
        streak=streak(session, learner_id, today),
    )


def _walk(nodes: Iterable[DeckNode]) -> Iterable[DeckNode]:
    for node in nodes:
        yield node
        yield from _walk(node.children)


def _build_tree(decks: list[Deck]) -> list[DeckNode]:
    nodes: dict[str, DeckNode] = {}
    roots: list[DeckNode] = []
    for deck in sorted(decks, key=lambda d: d.name.split(SEPARATOR)):
        parts = deck.name.split(SEPARATOR)
        for depth in range(1, len(parts) + 1):
            path = SEPARATOR.join(parts[:depth])
            node = nodes.get(path)
            if node is None:
                node = DeckNode(path, parts[depth - 1], depth - 1, None, [])
                nodes[path] = node
                if depth == 1:
                    roots.append(node)
                else:
                    nodes[SEPARATOR.join(parts[: depth - 1])].children.append(node)
            node.deck_ids.append(deck.id)
        nodes[deck.name].deck_id = deck.id
    return roots


class _Limits:
    """Daily limits per deck, minus what was done today in each deck's subtree."""

    def __init__(
        self,
        settings: Settings,
        ancestors: dict[str, list[str]],
        done_new: dict[str, int],
        done_review: dict[str, int],
    ) -> None:
        self.ancestors = ancestors
        self.left_new = limits_left(settings, ancestors, done_new, "new_per_day")
        self.left_review = limits_left(settings, ancestors, done_review, "reviews_per_day")

    def caps(self, left: dict[str, int]) -> dict[str, int]:
        """Per deck, the most cards any count below can take from it: what its own limit
        and those above it leave (counting further would change no figure)."""
        return {
            deck_id: max(0, min(left.get(d, 0) for d in chain))
            for deck_id, chain in self.ancestors.items()
        }

    def apply(self, deck_ids: list[str], raw: Available) -> Counts:
        return Counts(
            new=self._take(deck_ids, raw.new, dict(self.left_new)),
            learning=sum(raw.learning.get(d, 0) for d in deck_ids),
            due=self._take(deck_ids, raw.due, dict(self.left_review)),
        )

    def _take(self, deck_ids: list[str], available: dict[str, int], left: dict[str, int]) -> int:
        taken = 0
        for deck_id in deck_ids:
            chain = self.ancestors.get(deck_id, [deck_id])
            room = min([available.get(deck_id, 0), *(left.get(d, 0) for d in chain)])
            room = max(room, 0)
            for d in chain:
                left[d] = left.get(d, 0) - room
            taken += room
        return taken


def _card_totals(session: Session) -> dict[str, int]:
    rows = session.exec(
        select(Card.deck_id, sa.func.count())
        .where(col(Card.retired).is_(False))
        .group_by(col(Card.deck_id))
    )
    return {deck_id: int(n) for deck_id, n in rows}


def _done_today(
    session: Session, learner_id: int, today: date
) -> tuple[dict[str, int], dict[str, int]]:
    """New cards introduced and reviews done today per deck (what the limits count)."""
    rows = session.exec(
        select(Card.deck_id, Review.kind, sa.func.count())
        .select_from(Review)
        .join(Card, col(Card.id) == Review.card_id)
        .where(
            Review.learner_id == learner_id,
            Review.study_day == today,
            col(Review.kind).in_(("new", "review")),
            not_cancelled(),
        )
        .group_by(col(Card.deck_id), col(Review.kind))
    )
    new: dict[str, int] = {}
    review: dict[str, int] = {}
    for deck_id, kind, n in rows:
        (new if kind == "new" else review)[deck_id] = int(n)
    return new, review


def today_work(session: Session, learner_id: int, today: date) -> Today:
    """Grades given today (drills and cram included; cancelled ones and undo records not)."""
    row = session.exec(
        select(
            sa.func.count(),
            sa.func.coalesce(
                sa.func.sum(sa.case((col(Review.grade) >= PASSING_GRADE, 1), else_=0)), 0
            ),
            sa.func.coalesce(sa.func.sum(Review.answer_ms), 0),
            sa.func.coalesce(sa.func.sum(sa.case((col(Review.kind) == "new", 1), else_=0)), 0),
        ).where(
            Review.learner_id == learner_id,
            Review.study_day == today,
            Review.kind != "undo",
            not_cancelled(),
        )
    ).one()
    return Today(
        reviews=int(row[0]), correct=int(row[1]), time_ms=int(row[2]), new_seen=int(row[3])
    )


def streak(session: Session, learner_id: int, today: date) -> int:
    """Consecutive study days with a grade that was not undone, ending today (or yesterday
    if nothing yet today): the current run of :func:`study.stats.streaks`.

    One indexed lookup per day of the run, so a three-year streak over a million
    reviews costs a thousand small reads, not a scan of the history.
    """
    studied = (
        select(sa.literal(1))
        .select_from(Review)
        .where(
            Review.learner_id == learner_id,
            Review.study_day == sa.bindparam("day", type_=sa.Date),
            Review.kind != "undo",
            not_cancelled(),
        )
        .limit(1)
    )
    connection = session.connection()

    def studied_on(day: date) -> bool:
        return connection.execute(studied, {"day": day}).first() is not None

    day = today if studied_on(today) else today - timedelta(days=1)
    run = 0
    while day > date.min and studied_on(day):
        run += 1
        day -= timedelta(days=1)
    return run


def tags(session: Session) -> list[tuple[str, int]]:
    """Every tag of a card that is not retired, with its number of notes, by name."""
    rows = session.exec(
        select(NoteTag.tag, sa.func.count(sa.distinct(col(NoteTag.note_id))))
        .join(Note, col(Note.id) == NoteTag.note_id)
        .where(col(Note.retired).is_(False))
        .group_by(col(NoteTag.tag))
        .order_by(col(NoteTag.tag))
    )
    return [(tag, int(n)) for tag, n in rows]


def scope_title(session: Session, deck_ids: Sequence[str] | None, tag: str | None) -> str:
    """A short name for what a session studies: ``Cardiology``, ``3 decks``, ``tag hip``."""
    names = None
    if deck_ids is not None:
        names = list(session.exec(select(Deck.name).where(col(Deck.id).in_(list(deck_ids)))))
    return scope_names_title(names, tag)
