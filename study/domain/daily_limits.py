"""Daily limits: how many new cards and reviews each deck may still show today.

A deck's limit counts its child decks too (``A`` counts what ``A::B`` showed), and a
card fits only while its deck and every deck above it have room. Limits form a tree, so
the cards they let through do not depend on the order they are taken in. Pure: the
answers done today are read by the store (:mod:`study.storage.store`) and passed in.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

from study.domain.config import Settings
from study.domain.decks import SEPARATOR


def deck_ancestors(decks: dict[str, str], named: Iterable[str] = ()) -> dict[str, list[str]]:
    """Each deck id (of ``{id: name}``) with its own id and the ids of every existing deck
    above it (``A::B`` is above ``A::B::C``), nearest first. A parent that is only a
    name prefix (``A`` of ``A::B``, no deck of its own) is in the chain by its name
    when that name is in ``named`` (it has limits of its own in the settings)."""
    by_name = {name: deck_id for deck_id, name in decks.items()}
    prefixes = set(named) - set(by_name)
    chains: dict[str, list[str]] = {}
    for deck_id, name in decks.items():
        parts = name.split(SEPARATOR)
        above = (SEPARATOR.join(parts[:i]) for i in range(len(parts), 0, -1))
        chains[deck_id] = [
            by_name.get(prefix, prefix)
            for prefix in above
            if prefix in by_name or prefix in prefixes
        ]
    return chains


class DailyLimit:
    """What one daily limit (``new_per_day`` or ``reviews_per_day``) leaves today, per
    deck: the deck's own limit minus what was done today in it and its child decks. A
    card counts against its deck and every deck above it, so it fits only while all of
    them have room. The rule of the limits, written once: the session's :class:`Budget`
    and the home screen's counts (:class:`study.domain.queue_builder.DeckCounts`) both take
    cards through it."""

    def __init__(self, ancestors: dict[str, list[str]], left: dict[str, int]) -> None:
        self.ancestors = ancestors  # each deck with the decks above it (deck_ancestors)
        self.left = left  # per deck (or name-only parent): cards it may still show

    @classmethod
    def today(
        cls,
        settings: Settings,
        ancestors: dict[str, list[str]],
        done: dict[str, int],
        limit: str,
    ) -> DailyLimit:
        """Each deck's ``limit`` minus ``done`` (per deck, today's answers the limit
        counts) in the deck and its child decks; name-only parents included."""
        keys = {key for chain in ancestors.values() for key in chain} | set(ancestors)
        left = {
            key: getattr(settings.limits_for(key), limit)
            - sum(n for d, n in done.items() if key in ancestors.get(d, [d]))
            for key in keys
        }
        return cls(ancestors, left)

    def room(self, deck_id: str) -> int:
        """How many more cards of ``deck_id`` fit today (0 when it or a deck above it is full)."""
        return max(0, min(self.left.get(d, 0) for d in self.ancestors.get(deck_id, [deck_id])))

    def take(self, deck_id: str, count: int = 1) -> int:
        """Count up to ``count`` cards of ``deck_id`` against it and the decks above it;
        the number that fitted."""
        taken = min(count, self.room(deck_id))
        if taken:
            for d in self.ancestors.get(deck_id, [deck_id]):
                self.left[d] -= taken
        return taken

    def caps(self) -> dict[str, int]:
        """Per deck, the most cards it can still show today (its :meth:`room`)."""
        return {deck_id: self.room(deck_id) for deck_id in self.ancestors}

    def copy(self) -> DailyLimit:
        """An independent copy, to take from without using this one up."""
        return DailyLimit(self.ancestors, dict(self.left))


class Budget:
    """The session's daily limit over the decks in scope: which can still take a card."""

    def __init__(
        self,
        settings: Settings,
        deck_ids: Sequence[str] | None,
        decks: dict[str, str],
        done: dict[str, int],
        limit: str,
    ) -> None:
        """``deck_ids`` are the decks in scope (None: all of ``decks``, every deck as
        ``{id: name}``); ``done`` is today's answers per deck that ``limit`` counts
        (the store's ``done_today``)."""
        ancestors = deck_ancestors(decks, settings.deck_limits)
        self.limit = DailyLimit.today(settings, ancestors, done, limit)
        in_scope = set(deck_ids) if deck_ids is not None else set(decks)
        # The decks in scope that can still take a card: none left, nothing more to read.
        self.open = {d for d in decks if d in in_scope and self.limit.room(d)}

    def all_closed(self, deck_ids: Collection[str]) -> bool:
        """Whether none of ``deck_ids`` can take another card."""
        return not self.open.intersection(deck_ids)

    def exhausted(self) -> bool:
        """Whether every deck in scope has used up its limit (or one above it has)."""
        return not self.open

    def take(self, deck_id: str) -> bool:
        """Count one card of ``deck_id`` if it and every deck above it have room."""
        if not self.limit.take(deck_id):
            return False
        if not self.limit.room(deck_id):  # a deck filled up: which others did it close?
            self.open = {d for d in self.open if self.limit.room(d)}
        return True
