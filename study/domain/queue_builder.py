"""Today's queue, gathered from rows: pure functions, no database.

As Anki's queue builder (``rslib/src/scheduler/queue/builder/``): the caller reads the
rows (:class:`QueueRows`, lazy iterators in the order the rules want them) and the
builder decides. The cards it gathers go into a :class:`Sink`: a :class:`PlanSink` keeps
them as the sitting's :class:`Plan`; a :class:`CountingSink` counts them per deck, which
is what the home screen shows beside each deck. Both are the same :func:`gather`, so the
deck list and the session cannot disagree.

The rules (docs/scheduling.md): drills waiting from earlier today first; then due
reviews, most overdue first, each deck while its daily limit has room; new cards deck by
deck in name order, each deck in file order, one card of a note a day when siblings are
buried; new cards spread evenly among the due ones (:func:`spread`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from study.domain.config import Settings
from study.domain.daily_limits import Budget, DailyLimit, deck_ancestors
from study.domain.review_log import ReviewKind

DueRow = tuple[str, str]  # (card id, deck id)
NewRow = tuple[str, str, str]  # (card id, deck id, note id)


@dataclass(frozen=True)
class DeckScope:
    """Which cards a session studies: decks (None: all) and an optional tag."""

    deck_ids: list[str] | None = None
    tag: str | None = None


@dataclass(frozen=True)
class Pending:
    """A card waiting in the queue, and what kind of answer it is waiting for."""

    card_id: str
    kind: ReviewKind  # new, review, drill or cram


@dataclass(frozen=True)
class Plan:
    """Today's queue as read at the start of a sitting."""

    today: date
    main: list[Pending]  # due reviews with new cards spread among them (or cram cards)
    drills: list[str]  # cards already waiting for a drill from earlier today


@dataclass(frozen=True)
class Counts:
    """Cards for today, or left in a session: new, learning (drills waiting), due reviews."""

    new: int = 0
    learning: int = 0
    due: int = 0

    @property
    def total(self) -> int:
        return self.new + self.learning + self.due


@dataclass(frozen=True)
class Waiting:
    """What a scope holds that today's queue leaves out: new cards and due reviews
    (once a sitting is over, or a deck shows none: what the daily limits hold back),
    and suspended cards."""

    new: int = 0
    due: int = 0
    suspended: int = 0


@dataclass(frozen=True)
class Available:
    """Per deck, the cards a session could take today: new and due ones each counted only
    up to the deck's cap (no list shows more than the daily limits let through), and
    every drill waiting from earlier today."""

    new: dict[str, int]
    learning: dict[str, int]
    due: dict[str, int]


class QueueRows(Protocol):
    """The rows of one scope the builder reads, each a lazy iterator: the builder stops
    reading as soon as the limits are met (the due pile can be tens of thousands long)."""

    def drills(self) -> Iterable[DueRow]:
        """Cards waiting for a drill from earlier today, in the order they were graded."""
        ...

    def due(self) -> Iterable[DueRow]:
        """Due reviews (drills waiting included), earliest due date first, then file order."""
        ...

    def new_in(self, deck_ids: list[str]) -> Iterable[NewRow]:
        """The new cards of ``deck_ids`` (decks sharing a name) that may come today, in
        file order."""
        ...


class Sink(Protocol):
    """Where gathered cards go, and whether more of a kind can still go there."""

    def drill(self, card_id: str, deck_id: str) -> None:
        """A card waiting for a drill (drills have no limit)."""

    def open(self, kind: ReviewKind, deck_ids: Collection[str] | None = None) -> bool:
        """Whether a card of ``kind`` (new or review) still fits: in one of ``deck_ids``,
        or (None) in any deck."""
        ...

    def take(self, kind: ReviewKind, card_id: str, deck_id: str) -> bool:
        """Take a card of ``kind`` of ``deck_id`` if its deck has room; whether it did."""
        ...


def deck_groups(decks: dict[str, str], deck_ids: Collection[str] | None) -> list[list[str]]:
    """The decks of ``decks`` (``{id: name}``, in name order) in ``deck_ids`` (None: all),
    decks sharing a name together, in name order: the order new cards come in."""
    groups: dict[str, list[str]] = {}
    for deck_id, name in decks.items():
        if deck_ids is None or deck_id in deck_ids:
            groups.setdefault(name, []).append(deck_id)
    return list(groups.values())


def new_cards(rows: Iterable[NewRow], bury_siblings: bool) -> Iterator[DueRow]:
    """The new cards of ``rows`` as (card id, deck id), one card of a note when siblings
    are buried (a note's cards are all in its deck, so one group's rows suffice)."""
    notes: set[str] = set()
    for card_id, deck_id, note_id in rows:
        if bury_siblings:
            if note_id in notes:
                continue
            notes.add(note_id)
        yield card_id, deck_id


def gather(rows: QueueRows, sink: Sink, groups: list[list[str]], bury_siblings: bool) -> None:
    """Every card of today's queue into ``sink``: drills, then due reviews, then new
    cards group by group (``groups``: :func:`deck_groups`), each read only while the
    sink has room for it."""
    drills: set[str] = set()
    for card_id, deck_id in rows.drills():
        drills.add(card_id)
        sink.drill(card_id, deck_id)
    if sink.open(ReviewKind.REVIEW):
        for card_id, deck_id in rows.due():
            if not sink.open(ReviewKind.REVIEW):
                break
            if card_id not in drills:
                sink.take(ReviewKind.REVIEW, card_id, deck_id)
    for group in groups:
        if not sink.open(ReviewKind.NEW):
            break
        if not sink.open(ReviewKind.NEW, group):
            continue
        for card_id, deck_id in new_cards(rows.new_in(group), bury_siblings):
            taken = sink.take(ReviewKind.NEW, card_id, deck_id)
            if taken and not sink.open(ReviewKind.NEW, group):
                break  # the group is full: read no further


class PlanSink:
    """Collects the plan: each card taken while its deck's daily limit, and those of
    the decks above it, have room (:class:`study.domain.daily_limits.Budget`)."""

    def __init__(self, new: Budget, review: Budget) -> None:
        self.budgets = {ReviewKind.NEW: new, ReviewKind.REVIEW: review}
        self.drills: list[str] = []
        self.taken: dict[ReviewKind, list[Pending]] = {ReviewKind.NEW: [], ReviewKind.REVIEW: []}

    def drill(self, card_id: str, deck_id: str) -> None:
        self.drills.append(card_id)

    def open(self, kind: ReviewKind, deck_ids: Collection[str] | None = None) -> bool:
        budget = self.budgets[kind]
        return not (budget.exhausted() if deck_ids is None else budget.all_closed(deck_ids))

    def take(self, kind: ReviewKind, card_id: str, deck_id: str) -> bool:
        if not self.budgets[kind].take(deck_id):
            return False
        self.taken[kind].append(Pending(card_id, kind))
        return True

    def plan(self, today: date) -> Plan:
        """The plan gathered: due reviews with the new cards spread among them."""
        main = spread(self.taken[ReviewKind.REVIEW], self.taken[ReviewKind.NEW])
        return Plan(today, main, self.drills)


class CountingSink:
    """Counts per deck, each deck up to its own cap (``caps``: per kind, per deck);
    the limits of the decks above it are applied to these counts afterwards
    (:class:`study.domain.daily_limits.DailyLimit`), for every line of the deck tree."""

    def __init__(self, new_caps: dict[str, int], due_caps: dict[str, int]) -> None:
        self.caps = {ReviewKind.NEW: new_caps, ReviewKind.REVIEW: due_caps}
        self.counts: dict[ReviewKind, Counter[str]] = {
            ReviewKind.NEW: Counter(),
            ReviewKind.REVIEW: Counter(),
        }
        self.learning: Counter[str] = Counter()
        # The decks that can still take a card of each kind: none left, nothing to read.
        self.wanting = {
            kind: {d for d, cap in caps.items() if cap > 0} for kind, caps in self.caps.items()
        }

    def drill(self, card_id: str, deck_id: str) -> None:
        self.learning[deck_id] += 1

    def open(self, kind: ReviewKind, deck_ids: Collection[str] | None = None) -> bool:
        wanting = self.wanting[kind]
        return bool(wanting) if deck_ids is None else not wanting.isdisjoint(deck_ids)

    def take(self, kind: ReviewKind, card_id: str, deck_id: str) -> bool:
        if deck_id not in self.wanting[kind]:
            return False
        counts = self.counts[kind]
        counts[deck_id] += 1
        if counts[deck_id] >= self.caps[kind][deck_id]:
            self.wanting[kind].discard(deck_id)
        return True

    def available(self) -> Available:
        """The counts gathered."""
        return Available(
            new=dict(self.counts[ReviewKind.NEW]),
            learning=dict(self.learning),
            due=dict(self.counts[ReviewKind.REVIEW]),
        )


def build_plan(
    rows: QueueRows,
    settings: Settings,
    scope: DeckScope,
    decks: dict[str, str],
    done: dict[ReviewKind, dict[str, int]],
    today: date,
) -> Plan:
    """Today's queue of ``scope``: ``decks`` is every deck (``{id: name}``, name order),
    ``done`` today's answers per deck of each kind the limits count (new, review)."""
    sink = PlanSink(
        Budget(settings, scope.deck_ids, decks, done[ReviewKind.NEW], "new_per_day"),
        Budget(settings, scope.deck_ids, decks, done[ReviewKind.REVIEW], "reviews_per_day"),
    )
    gather(rows, sink, deck_groups(decks, scope.deck_ids), settings.bury_siblings)
    return sink.plan(today)


class DeckCounts:
    """Today's cards of every deck as the home screen shows them: each deck's counts
    (:class:`CountingSink`), with the daily limits of the decks above applied for any
    set of decks (a line of the deck tree). Limits form a tree, so the cards they let
    through do not depend on the order a session takes them in."""

    def __init__(self, available: Available, new: DailyLimit, review: DailyLimit) -> None:
        self.available = available
        self.new = new
        self.review = review

    def of(self, deck_ids: Iterable[str]) -> Counts:
        """The counts of a session on ``deck_ids``: each deck's cards as far as the
        limits (its own and those above it) let them through."""
        new, review = self.new.copy(), self.review.copy()
        raw = self.available
        deck_ids = list(deck_ids)
        return Counts(
            new=sum(new.take(d, raw.new.get(d, 0)) for d in deck_ids),
            learning=sum(raw.learning.get(d, 0) for d in deck_ids),
            due=sum(review.take(d, raw.due.get(d, 0)) for d in deck_ids),
        )


def count_available(
    rows: QueueRows,
    settings: Settings,
    decks: dict[str, str],
    done: dict[ReviewKind, dict[str, int]],
) -> DeckCounts:
    """What each deck of ``decks`` (every deck, ``{id: name}`` in name order) has for
    today: :func:`gather` over every deck into a :class:`CountingSink` that caps each
    deck at what its limits leave (``done``: as for :func:`build_plan`)."""
    ancestors = deck_ancestors(decks, settings.deck_limits)
    new = DailyLimit.today(settings, ancestors, done[ReviewKind.NEW], "new_per_day")
    review = DailyLimit.today(settings, ancestors, done[ReviewKind.REVIEW], "reviews_per_day")
    sink = CountingSink(new.caps(), review.caps())
    gather(rows, sink, deck_groups(decks, None), settings.bury_siblings)
    return DeckCounts(sink.available(), new, review)


def cram_plan(card_ids: Iterable[str], today: date) -> Plan:
    """A cram sitting's plan: every card of ``card_ids``, in order, as cram."""
    return Plan(today, [Pending(card_id, ReviewKind.CRAM) for card_id in card_ids], [])


def spread(due: list[Pending], new: list[Pending]) -> list[Pending]:
    """Due reviews in order with new cards spread evenly among them."""
    if not new or not due:
        return due + new
    merged: list[Pending] = []
    step = (len(due) + len(new)) / len(new)
    slots = {int(i * step + step / 2) for i in range(len(new))}
    due_iter, new_iter = iter(due), iter(new)
    for index in range(len(due) + len(new)):
        source = new_iter if index in slots else due_iter
        item = next(source, None) or next(new_iter if source is due_iter else due_iter)
        merged.append(item)
    return merged
