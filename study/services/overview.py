"""What the home screen shows: each deck's cards for today, today's work, and the streak.

A service of the core (no textual, no SQLAlchemy): read through the store
(:mod:`study.storage.store`), so ``study`` can draw the deck list with sqlite3 before
SQLAlchemy has loaded (:mod:`study.services.first_card`). Each line's counts are the queue
builder run with a counting sink (:func:`study.services.queue.available_today`), with the
daily limits of the line's decks and those above applied
(:class:`study.domain.queue_builder.DeckCounts`), so the count beside a deck is the
number of cards a session on that deck would show.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from study.domain.config import Settings
from study.domain.decks import SEPARATOR
from study.domain.review_log import Today
from study.domain.streak import current_streak
from study.services.queue import Counts, available_today
from study.storage.store import Store


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
        return list(_walk(self.decks))


@dataclass(frozen=True)
class _Deck:
    id: str
    name: str


def overview(store: Store, learner_id: int, settings: Settings, today: date) -> Overview:
    """The deck tree with today's counts, today's work and the study streak."""
    rows = store.decks()
    decks = [_Deck(deck_id, name) for deck_id, name, retired in rows if not retired]
    cards = store.card_totals()
    every_deck = {deck_id: name for deck_id, name, _ in rows}
    counts = available_today(store, learner_id, settings, today, every_deck)
    roots = _build_tree(decks)
    for node in _walk(roots):
        node.counts = counts.of(node.deck_ids)
        node.cards = sum(cards.get(d, 0) for d in node.deck_ids)
    every = [d.id for d in decks]
    return Overview(
        today=today,
        decks=roots,
        all_counts=counts.of(every),
        cards=sum(cards.get(d, 0) for d in every),
        done=store.today_work(learner_id, today),
        streak=streak(store, learner_id, today),
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


def streak(store: Store, learner_id: int, today: date) -> int:
    """The learner's current streak (:func:`study.domain.streak.current_streak`).

    One indexed lookup per day of the run, so a three-year streak over a million
    reviews costs a thousand small reads, not a scan of the history.
    """
    return current_streak(lambda day: store.studied_on(learner_id, day), today)


def scope_title(store: Store, deck_ids: Sequence[str] | None, tag: str | None) -> str:
    """A short name for what a session studies: ``Cardiology``, ``3 decks``, ``tag hip``."""
    if deck_ids is None:
        title = "All decks"
    else:
        names = sorted(store.deck_names(deck_ids))
        # A deck chosen with its children: the parent's name says it all.
        roots = [n for n in names if not any(n.startswith(o + SEPARATOR) for o in names)]
        title = roots[0] if len(roots) == 1 else f"{len(names)} decks"
    if not tag:
        return title
    return f"tag {tag}" if deck_ids is None else f"{title} · tag {tag}"
