"""What the home screen shows: each deck's cards for today, today's work, and the streak.

A service of the core (no textual, no SQLAlchemy): plain SQL read through a
:class:`study.services.queue.Reader`, so ``study`` can draw the deck list with sqlite3 before
SQLAlchemy has loaded (:mod:`study.services.first_card`). Per-deck figures, then the daily limits
applied the way :mod:`study.services.session` applies them, so the count beside a deck is the
number of cards a session on that deck would show. A deck's limit counts its child decks
too, and a deck's count is also held back by the limits of the decks above it.
Limits form a tree, so the number of cards they let through does not depend on the
order the session picks them in; applying them to per-deck totals gives the same figure.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from study.domain.config import Settings
from study.domain.daily_limits import DailyLimit, deck_ancestors
from study.domain.decks import SEPARATOR
from study.domain.review_log import NOT_CANCELLED, ReviewKind, day_number
from study.domain.sm2 import PASSING_GRADE
from study.domain.streak import current_streak
from study.services.queue import (
    Available,
    Counts,
    Reader,
    available_today,
    done_today,
)


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


@dataclass(frozen=True)
class _Deck:
    id: str
    name: str


_DECKS = "SELECT id, name, retired FROM deck ORDER BY name, id"
_CARD_TOTALS = "SELECT deck_id, COUNT(*) FROM card WHERE retired = :no GROUP BY deck_id"


def overview(reader: Reader, learner_id: int, settings: Settings, today: date) -> Overview:
    """The deck tree with today's counts, today's work and the study streak."""
    rows = list(reader.rows(_DECKS, {}))
    decks = [_Deck(deck_id, name) for deck_id, name, retired in rows if not retired]
    cards = {deck_id: int(n) for deck_id, n in reader.rows(_CARD_TOTALS, {"no": False})}
    ancestors = deck_ancestors({deck_id: name for deck_id, name, _ in rows}, settings.deck_limits)
    limits = _Limits(
        settings,
        ancestors,
        done_today(reader, learner_id, today, (ReviewKind.NEW,)),
        done_today(reader, learner_id, today, (ReviewKind.REVIEW,)),
    )
    raw = available_today(
        reader,
        learner_id,
        settings,
        today,
        new_caps=limits.new.caps(),
        due_caps=limits.review.caps(),
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
        done=today_work(reader, learner_id, today),
        streak=streak(reader, learner_id, today),
    )


def _walk(nodes: Iterable[DeckNode]) -> Iterable[DeckNode]:
    for node in nodes:
        yield node
        yield from _walk(node.children)


def _build_tree(decks: list[_Deck]) -> list[DeckNode]:
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
    """Both daily limits, applied to per-deck totals
    (:class:`study.domain.daily_limits.DailyLimit`)."""

    def __init__(
        self,
        settings: Settings,
        ancestors: dict[str, list[str]],
        done_new: dict[str, int],
        done_review: dict[str, int],
    ) -> None:
        self.new = DailyLimit.today(settings, ancestors, done_new, "new_per_day")
        self.review = DailyLimit.today(settings, ancestors, done_review, "reviews_per_day")

    def apply(self, deck_ids: list[str], raw: Available) -> Counts:
        """The counts of a session on ``deck_ids``: each deck's cards as far as the limits
        (its own and those above it) let them through."""
        new, review = self.new.copy(), self.review.copy()
        return Counts(
            new=sum(new.take(d, raw.new.get(d, 0)) for d in deck_ids),
            learning=sum(raw.learning.get(d, 0) for d in deck_ids),
            due=sum(review.take(d, raw.due.get(d, 0)) for d in deck_ids),
        )


_TODAY_WORK = (
    "SELECT COUNT(*), COALESCE(SUM(CASE WHEN review.grade >= :passing THEN 1 ELSE 0 END), 0), "
    "COALESCE(SUM(review.answer_ms), 0), "
    "COALESCE(SUM(CASE WHEN review.kind = :new THEN 1 ELSE 0 END), 0) "
    "FROM review WHERE review.learner_id = :learner_id AND review.study_day = :day "
    "AND review.kind <> :undo AND " + NOT_CANCELLED
)
_STUDIED_ON = (
    "SELECT 1 FROM review WHERE review.learner_id = :learner_id AND review.study_day = :day "
    "AND review.kind <> :undo AND " + NOT_CANCELLED + " LIMIT 1"
)
# The log's kind codes and day numbers (study.domain.review_log), bound with every statement.
_CODES = {"new": ReviewKind.NEW.code, "undo": ReviewKind.UNDO.code}
# One entry per tag key (study.domain.tags), named by its first spelling.
_TAGS = (
    "SELECT min(note_tag.tag), COUNT(*) FROM note_tag "
    "JOIN note ON note.id = note_tag.note_id WHERE note.retired = :no "
    "GROUP BY note_tag.tag_key ORDER BY note_tag.tag_key"
)
_DECK_NAMES = "SELECT name FROM deck WHERE id IN :deck_ids"


def today_work(reader: Reader, learner_id: int, today: date) -> Today:
    """Grades given today (drills and cram included; cancelled ones and undo records not)."""
    params = {"learner_id": learner_id, "day": day_number(today), "passing": PASSING_GRADE}
    params.update(_CODES)
    reviews, correct, time_ms, new_seen = next(reader.rows(_TODAY_WORK, params))
    return Today(
        reviews=int(reviews), correct=int(correct), time_ms=int(time_ms), new_seen=int(new_seen)
    )


def streak(reader: Reader, learner_id: int, today: date) -> int:
    """The learner's current streak (:func:`study.domain.streak.current_streak`).

    One indexed lookup per day of the run, so a three-year streak over a million
    reviews costs a thousand small reads, not a scan of the history.
    """

    def studied_on(day: date) -> bool:
        params = {"learner_id": learner_id, "day": day_number(day), **_CODES}
        return next(reader.rows(_STUDIED_ON, params), None) is not None

    return current_streak(studied_on, today)


def tags(reader: Reader) -> list[tuple[str, int]]:
    """Every tag of a card that is not retired (each key once), with its number of
    notes (its own, not its children's), by name."""
    return [(tag, int(n)) for tag, n in reader.rows(_TAGS, {"no": False})]


def scope_title(reader: Reader, deck_ids: Sequence[str] | None, tag: str | None) -> str:
    """A short name for what a session studies: ``Cardiology``, ``3 decks``, ``tag hip``."""
    if deck_ids is None:
        title = "All decks"
    else:
        rows = reader.rows(_DECK_NAMES, {"deck_ids": list(deck_ids)})
        names = sorted(row[0] for row in rows)
        # A deck chosen with its children: the parent's name says it all.
        roots = [n for n in names if not any(n.startswith(o + SEPARATOR) for o in names)]
        title = roots[0] if len(roots) == 1 else f"{len(names)} decks"
    if not tag:
        return title
    return f"tag {tag}" if deck_ids is None else f"{title} · tag {tag}"
