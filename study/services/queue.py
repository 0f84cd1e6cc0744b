"""The session's queue: which cards today's sitting shows, in what order, in plain SQL.

One implementation read two ways. :class:`study.services.session.StudySession` reads it through
SQLAlchemy (any database); ``study review`` on SQLite first reads it through ``sqlite3``
(:mod:`study.services.first_card`), so the first card is drawn before SQLAlchemy has loaded, and
the session then takes over the very same :class:`Plan` (issue 9). That is why this
module imports no SQLAlchemy and its statements are portable SQL with ``:named``
parameters: a :class:`Reader` runs them on one connection or the other.

The rules themselves are documented in :mod:`study.services.session` and docs/scheduling.md.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import islice
from typing import Any, Protocol

from study.domain import sm2
from study.domain.cards import CardContent, content_from_row
from study.domain.clock import as_date
from study.domain.config import Settings
from study.domain.daily_limits import Budget
from study.domain.review_log import NOT_CANCELLED, ReviewKind, day_number, kind_codes
from study.domain.scheduling import NEW_CARD, SCHEDULE_FIELDS, Policy, Schedule, answer
from study.domain.tags import match_params, note_has_tag_sql, with_tags


class Reader(Protocol):
    """Runs one of this module's statements; ``params`` are Python values (dates, bools,
    and lists for ``IN :name``). Rows stream: a caller may stop reading early."""

    def rows(self, sql: str, params: dict[str, Any]) -> Iterator[tuple[Any, ...]]: ...


@dataclass(frozen=True)
class DeckScope:
    """Which cards a session studies: decks (None: all) and an optional tag."""

    deck_ids: list[str] | None = None
    tag: str | None = None


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
class Pending:
    card_id: str
    kind: str  # new, review, drill, cram


@dataclass(frozen=True)
class Plan:
    """Today's queue as read at the start of a sitting."""

    today: date
    main: list[Pending]  # due reviews with new cards spread among them (or cram cards)
    drills: list[str]  # cards already waiting for a drill from earlier today


# ---------------------------------------------------------------- the rules, as SQL

# A schedule row (card_state, or the alias named) not buried past today: burying hides a
# card while the study day is before its buried_until (NULL: never buried).
_UNBURIED = "({s}.buried_until IS NULL OR {s}.buried_until <= :today)"
# A schedule row a session may show: not suspended, and not buried. The home screen's
# counts use the same rule; browse's "buried" filter is its second half negated.
_STUDIABLE = "{s}.suspended = :no AND " + _UNBURIED
# A card outer-joined to its schedule that can be introduced today: never graded,
# studiable, and not waiting in today's drill.
_NEW_TODAY = (
    "({s}.card_id IS NULL OR ({s}.reviews = 0 AND "
    + _STUDIABLE
    + " AND ({s}.drill_day IS NULL OR {s}.drill_day <> :today)))"
)


def studiable_sql(alias: str) -> str:
    """:data:`_STUDIABLE` on the schedule table or alias ``alias`` (binds :no, :today)."""
    return _STUDIABLE.replace("{s}", alias)


def buried_sql(alias: str) -> str:
    """A schedule row (``alias``) buried past today: what :data:`_STUDIABLE` leaves out
    for burying (binds :today)."""
    return "NOT " + _UNBURIED.replace("{s}", alias)


def new_today_sql(alias: str) -> str:
    """:data:`_NEW_TODAY` on the outer-joined schedule alias ``alias`` (binds :no, :today)."""
    return _NEW_TODAY.replace("{s}", alias)


_DECKS = "SELECT id, name FROM deck ORDER BY name, id"
# The review log holds day numbers and kind codes (study.domain.review_log): :day, :kinds.
_DONE_TODAY = (
    "SELECT card.deck_id, COUNT(*) FROM review JOIN card ON card.key = review.card_key "
    "WHERE review.learner_id = :learner_id AND review.study_day = :day "
    "AND review.kind IN :kinds AND " + NOT_CANCELLED + " GROUP BY card.deck_id"
)
# A card whose note has the tag (study.domain.tags: bind its match_params).
TAG_MATCH = note_has_tag_sql("card.note_id")
# Each statement comes in two forms: all decks, or the decks in :deck_ids. A tag adds
# the note to the join and the tag match.
_SCOPED = {
    (False, False): "card.retired = :no",
    (True, False): "card.retired = :no AND card.deck_id IN :deck_ids",
    (False, True): "card.retired = :no AND " + TAG_MATCH,
    (True, True): "card.retired = :no AND card.deck_id IN :deck_ids AND " + TAG_MATCH,
}
_WAITING_DRILLS = (
    "SELECT card_state.card_id, card.deck_id FROM card_state "
    "JOIN card ON card.id = card_state.card_id{join} "
    "WHERE {scope} AND card_state.learner_id = :learner_id AND "
    + studiable_sql("card_state")
    + " AND card_state.drill_day = :today ORDER BY card_state.updated_at"
)
# Read in due order from ix_card_state_due, row by row, until every deck in scope has
# reached its limit: the due pile can be tens of thousands long.
_DUE = (
    "SELECT card_state.card_id, card.deck_id FROM card_state "
    "JOIN card ON card.id = card_state.card_id{join} "
    "WHERE {scope} AND card_state.learner_id = :learner_id AND "
    + studiable_sql("card_state")
    + " AND card_state.reviews > 0 AND card_state.due_day <= :today "
    "ORDER BY card_state.due_day, card.position"
)
# New cards of one deck name in file order (the card (deck_id, position) index).
_NEW_IN = (
    "SELECT card.id, card.deck_id, card.note_id FROM card "
    "LEFT JOIN card_state AS state "
    "ON state.card_id = card.id AND state.learner_id = :learner_id{join} "
    "WHERE card.deck_id IN :group AND "
    + new_today_sql("state")
    + " AND {scope} ORDER BY card.position"
)
# Cram: every unsuspended card, what was learnt first, weakest first; never-seen last.
_CRAM = (
    "SELECT card.id FROM card JOIN deck ON deck.id = card.deck_id "
    "LEFT JOIN card_state AS state "
    "ON state.card_id = card.id AND state.learner_id = :learner_id{join} "
    "WHERE (state.suspended IS NULL OR state.suspended = :no) AND {scope} "
    "ORDER BY state.due_day IS NULL, state.ease_hundredths, deck.name, card.position"
)
_CONTENTS = (
    "SELECT card.id, card.note_id, card.deck_id, card.ordinal, note.type, note.front, "
    "note.back, note.text, note.extra, note.source_file, note.source_sentence, "
    "note.editor_note, note_tag.tag FROM card JOIN note ON note.id = card.note_id "
    "LEFT JOIN note_tag ON note_tag.note_id = note.id WHERE card.id IN :card_ids "
    "ORDER BY note_tag.position"
)


def _scoped(statement: str, scope: DeckScope) -> str:
    """``statement`` limited to ``scope``: its slots filled from the constants above."""
    scope_sql = _SCOPED[(scope.deck_ids is not None, scope.tag is not None)]
    # {join}: no table is joined for a tag any more (the match is on card.note_id).
    return statement.replace("{join}", "").replace("{scope}", scope_sql)


def _scope_params(scope: DeckScope) -> dict[str, Any]:
    params: dict[str, Any] = {"no": False}
    if scope.deck_ids is not None:
        params["deck_ids"] = list(scope.deck_ids)
    if scope.tag is not None:
        params.update(match_params(scope.tag))
    return params


# ---------------------------------------------------------------- building the plan


def plan_queue(
    reader: Reader,
    learner_id: int,
    settings: Settings,
    scope: DeckScope,
    today: date,
    *,
    cram: bool = False,
) -> Plan:
    """Today's queue for ``learner_id`` in ``scope``, read through ``reader``."""
    params = {**_scope_params(scope), "learner_id": learner_id, "today": today}
    if cram:
        rows = reader.rows(_scoped(_CRAM, scope), params)
        return Plan(today, [Pending(row[0], ReviewKind.CRAM) for row in rows], [])
    drills = [row[0] for row in reader.rows(_scoped(_WAITING_DRILLS, scope), params)]
    decks = {deck_id: name for deck_id, name in reader.rows(_DECKS, {})}
    due = _due_cards(reader, settings, scope, decks, params, exclude=set(drills))
    new = _new_cards(reader, settings, scope, decks, params)
    main = spread(
        [Pending(c, ReviewKind.REVIEW) for c in due], [Pending(c, ReviewKind.NEW) for c in new]
    )
    return Plan(today, main, drills)


def _due_cards(
    reader: Reader,
    settings: Settings,
    scope: DeckScope,
    decks: dict[str, str],
    params: dict[str, Any],
    exclude: set[str],
) -> list[str]:
    done = done_today(reader, params["learner_id"], params["today"], (ReviewKind.REVIEW,))
    budget = Budget(settings, scope.deck_ids, decks, done, "reviews_per_day")
    picked: list[str] = []
    for card_id, deck_id in reader.rows(_scoped(_DUE, scope), params):
        if budget.exhausted():
            break
        if card_id not in exclude and budget.take(deck_id):
            picked.append(card_id)
    return picked


def _new_cards(
    reader: Reader,
    settings: Settings,
    scope: DeckScope,
    decks: dict[str, str],
    params: dict[str, Any],
) -> list[str]:
    # New cards come deck by deck in name order, each deck in file order: a deck is read
    # only until its limit is reached, instead of sorting every card of the collection.
    done = done_today(reader, params["learner_id"], params["today"], (ReviewKind.NEW,))
    budget = Budget(settings, scope.deck_ids, decks, done, "new_per_day")
    picked: list[str] = []
    statement = _scoped(_NEW_IN, scope)
    for deck_ids in budget.name_groups():
        if budget.exhausted():
            break
        if budget.all_closed(deck_ids):
            continue
        for card_id, deck_id in _new_in(reader, statement, params, deck_ids, settings):
            if budget.take(deck_id):
                picked.append(card_id)
                if budget.all_closed(deck_ids):
                    break
    return picked


def _new_in(
    reader: Reader,
    statement: str,
    params: dict[str, Any],
    deck_ids: list[str],
    settings: Settings,
) -> Iterator[tuple[str, str]]:
    """The new cards of ``deck_ids`` (decks sharing a name, or one deck) in file order, as
    (card id, deck id), one card of a note a day when siblings are buried. The one loop
    that gathers new cards: the session's plan and the home screen's counts both read
    through it, so they cannot disagree."""
    notes: set[str] = set()  # a note's cards are all in its deck
    for card_id, deck_id, note_id in reader.rows(statement, {**params, "group": deck_ids}):
        if settings.bury_siblings:
            if note_id in notes:
                continue
            notes.add(note_id)
        yield card_id, deck_id


# The end of a sitting: the earliest due date of a scheduled card, and whether any card
# in scope is still new.
_EARLIEST_DUE = (
    "SELECT MIN(card_state.due_day) FROM card_state "
    "JOIN card ON card.id = card_state.card_id{join} "
    "WHERE {scope} AND card_state.learner_id = :learner_id "
    "AND card_state.suspended = :no AND card_state.reviews > 0"
)
_ANY_NEW = (
    "SELECT card.id FROM card LEFT JOIN card_state AS state "
    "ON state.card_id = card.id AND state.learner_id = :learner_id{join} "
    "WHERE {scope} AND (state.card_id IS NULL OR (state.reviews = 0 AND state.suspended = :no)) "
    "LIMIT 1"
)


# What a scope holds beyond today's queue: every studiable new card (by note too, as
# one card of a note comes a day), every studiable due review, and suspended cards.
_STUDIABLE_NEW = (
    "SELECT COUNT(*), COUNT(DISTINCT card.note_id) FROM card LEFT JOIN card_state AS state "
    "ON state.card_id = card.id AND state.learner_id = :learner_id{join} "
    "WHERE {scope} AND " + new_today_sql("state")
)
_STUDIABLE_DUE = (
    "SELECT COUNT(*) FROM card_state JOIN card ON card.id = card_state.card_id{join} "
    "WHERE {scope} AND card_state.learner_id = :learner_id AND "
    + studiable_sql("card_state")
    + " AND card_state.reviews > 0 AND card_state.due_day <= :today "
    "AND (card_state.drill_day IS NULL OR card_state.drill_day <> :today)"
)
_SUSPENDED = (
    "SELECT COUNT(*) FROM card_state JOIN card ON card.id = card_state.card_id{join} "
    "WHERE {scope} AND card_state.learner_id = :learner_id AND card_state.suspended = :yes"
)


@dataclass(frozen=True)
class Waiting:
    """What ``scope`` holds that today's queue leaves out: new cards and due reviews
    (once a sitting is over, or a deck shows none: what the daily limits hold back),
    and suspended cards."""

    new: int = 0
    due: int = 0
    suspended: int = 0


def waiting(
    reader: Reader, learner_id: int, settings: Settings, scope: DeckScope, today: date
) -> Waiting:
    """Studiable new cards and due reviews in ``scope`` regardless of the daily limits,
    and its suspended cards (see :class:`Waiting`)."""
    params = {**_scope_params(scope), "learner_id": learner_id, "today": today, "yes": True}
    cards, notes = next(reader.rows(_scoped(_STUDIABLE_NEW, scope), params))
    due = next(reader.rows(_scoped(_STUDIABLE_DUE, scope), params))[0]
    suspended = next(reader.rows(_scoped(_SUSPENDED, scope), params))[0]
    new = notes if settings.bury_siblings else cards  # one card of a note a day
    return Waiting(new=int(new or 0), due=int(due or 0), suspended=int(suspended or 0))


def next_study_day(reader: Reader, learner_id: int, scope: DeckScope, today: date) -> date | None:
    """The first study day after ``today`` with cards to study in ``scope``, or None.

    Reviews still due today (left over by the daily limit, or buried) and new cards left
    over make tomorrow a study day; otherwise the earliest due date.
    """
    tomorrow = today + timedelta(days=1)
    params = {**_scope_params(scope), "learner_id": learner_id}
    earliest = next(reader.rows(_scoped(_EARLIEST_DUE, scope), params))[0]
    candidates = [] if earliest is None else [max(as_date(earliest), tomorrow)]
    if next(reader.rows(_scoped(_ANY_NEW, scope), params), None) is not None:
        candidates.append(tomorrow)
    return min(candidates) if candidates else None


@dataclass(frozen=True)
class Available:
    """Per deck, the cards a session could take today: new and due ones each counted only
    up to the deck's cap (no list shows more than the daily limits let through), and
    every drill waiting from earlier today."""

    new: dict[str, int]
    learning: dict[str, int]
    due: dict[str, int]


def available_today(
    reader: Reader,
    learner_id: int,
    settings: Settings,
    today: date,
    new_caps: dict[str, int],
    due_caps: dict[str, int],
) -> Available:
    """What each deck has for today, read as :func:`plan_queue` reads it (in the same
    order, stopping as soon as every deck has its cap), so a deck list over a large
    collection costs about as much as starting one session."""
    params = {**_scope_params(DeckScope()), "learner_id": learner_id, "today": today}
    learning: Counter[str] = Counter()
    drills: set[str] = set()
    for card_id, deck_id in reader.rows(_scoped(_WAITING_DRILLS, DeckScope()), params):
        drills.add(card_id)
        learning[deck_id] += 1
    due: Counter[str] = Counter()
    wanting = {d for d, cap in due_caps.items() if cap > 0}
    if wanting:
        for card_id, deck_id in reader.rows(_scoped(_DUE, DeckScope()), params):
            if card_id in drills or deck_id not in wanting:
                continue
            due[deck_id] += 1
            if due[deck_id] >= due_caps[deck_id]:
                wanting.discard(deck_id)
                if not wanting:
                    break
    new: dict[str, int] = {}
    statement = _scoped(_NEW_IN, DeckScope())
    for deck_id, cap in new_caps.items():
        cards = _new_in(reader, statement, params, [deck_id], settings)
        new[deck_id] = sum(1 for _ in islice(cards, max(cap, 0)))  # no read when cap is 0
    return Available(new=new, learning=dict(learning), due=dict(due))


def done_today(
    reader: Reader, learner_id: int, today: date, kinds: tuple[str, ...]
) -> dict[str, int]:
    """Per deck, today's answers of ``kinds`` that were not undone: what the limits count."""
    params = {"learner_id": learner_id, "day": day_number(today), "kinds": kind_codes(kinds)}
    return {deck_id: int(n) for deck_id, n in reader.rows(_DONE_TODAY, params)}


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


# ---------------------------------------------------------------- walking the plan


@dataclass
class Queue:
    """Where a sitting is in its plan: the next card, drills coming back, cards set aside.

    Drills are ``(card id, shown count when it is due)``: a drill comes back after
    ``drill_gap`` other cards (at once if none is left).
    """

    main: list[Pending]
    drills: list[tuple[str, int]]
    position: int = 0
    shown: int = 0
    current: Pending | None = None
    skipped: set[str] = field(default_factory=set)  # buried as a sibling in this sitting
    set_aside: set[str] = field(default_factory=set)  # suspended or buried in this sitting
    drill_kind: str = "drill"  # "cram" in a cram sitting

    @classmethod
    def start(cls, plan: Plan, *, cram: bool = False) -> Queue:
        """The queue at the start of a sitting, on its first card."""
        queue = cls(list(plan.main), [(cid, 0) for cid in plan.drills])
        queue.drill_kind = "cram" if cram else "drill"
        queue.advance()
        return queue

    def advance(self) -> None:
        """Pick the next card: a drill that is ready, else the plan, else any drill."""
        self.current = None
        self.drills = [d for d in self.drills if d[0] not in self.set_aside]
        ready = [d for d in self.drills if d[1] <= self.shown]
        if ready:
            self.current = self._take_drill(ready[0])
            return
        while self.position < len(self.main):
            pending = self.main[self.position]
            self.position += 1
            if pending.card_id not in self.skipped | self.set_aside:
                self.current = pending
                return
        if self.drills:
            self.current = self._take_drill(self.drills[0])

    def _take_drill(self, drill: tuple[str, int]) -> Pending:
        self.drills.remove(drill)
        return Pending(drill[0], self.drill_kind)

    def counts(self) -> Counts:
        """What is left in the sitting, the current card included."""
        hidden = self.skipped | self.set_aside
        left = [p for p in self.main[self.position :] if p.card_id not in hidden]
        kinds = Counter(p.kind for p in left)
        if self.current is not None:
            kinds[self.current.kind] += 1
        learning = len(self.drills) + kinds["drill"]
        return Counts(new=kinds["new"], learning=learning, due=kinds["review"] + kinds["cram"])

    def upcoming(self, count: int) -> list[str]:
        """The card ids of the next ``count`` entries of the plan (to read ahead)."""
        return [p.card_id for p in self.main[self.position : self.position + count]]


# ---------------------------------------------------------------- what each grade would do

_SCHEDULE = (
    "SELECT " + ", ".join(SCHEDULE_FIELDS) + " FROM card_state "
    "WHERE learner_id = :learner_id AND card_id = :card_id"
)


@dataclass(frozen=True)
class GradePreview:
    """What one grade would do to the current card."""

    grade: int
    meaning: str
    interval: int | None  # days until the next review; None: the schedule does not change
    comes_back_today: bool

    @property
    def label(self) -> str:
        """Short text for a grade button: ``1d``, ``17d``, ``again``, ``done``."""
        if self.interval is None:
            return "again" if self.comes_back_today else "done"
        return _days_label(self.interval)


def _days_label(days: int) -> str:
    if days < 60:
        return f"{days}d"
    if days < 365:
        return f"{days / 30:.1f}mo"
    return f"{days / 365:.1f}y"


def grade_previews(
    reader: Reader, learner_id: int, pending: Pending, policy: Policy, today: date
) -> dict[int, GradePreview]:
    """For each grade, what it would do to the card ``pending``: :func:`answer` applied
    to each (a drill or cram answer leaves the interval as it is)."""
    params = {"learner_id": learner_id, "card_id": pending.card_id}
    row = next(reader.rows(_SCHEDULE, params), None)
    schedule = NEW_CARD if row is None else Schedule.from_plain_row(row)
    previews: dict[int, GradePreview] = {}
    for grade in range(6):
        done = answer(schedule, grade, pending.kind, policy, today)
        interval = done.schedule.interval if done.moves_schedule else None
        previews[grade] = GradePreview(
            grade, sm2.GRADE_MEANINGS[grade], interval, done.comes_back_today
        )
    return previews


# ---------------------------------------------------------------- what a card shows


def card_contents(reader: Reader, card_ids: Sequence[str]) -> dict[str, CardContent]:
    """The content of several cards in one query, by card id (missing ids left out)."""
    if not card_ids:
        return {}
    rows = reader.rows(_CONTENTS, {"card_ids": list(card_ids)})
    return {
        card_id: content_from_row(row, tags) for card_id, (row, tags) in with_tags(rows).items()
    }
