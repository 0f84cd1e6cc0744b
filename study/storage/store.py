"""The store: every read of the queue, the home screen and the first screen, in one
interface that returns domain objects or row iterators.

One set of statements, two drivers. :class:`Store` holds the statements (portable SQL
with ``:named`` parameters) and turns their rows into domain objects; a subclass only
says how a statement runs: :class:`SqliteStore` on the standard library's sqlite3 (the
first screen, drawn before SQLAlchemy loads: this module must not import it), and
:class:`study.storage.database.SqlStore` on a SQLAlchemy connection (any database).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from study.domain.cards import CardContent, content_from_row
from study.domain.clock import as_date
from study.domain.queue_builder import DeckScope, DueRow, NewRow, Waiting
from study.domain.review_log import NOT_CANCELLED, ReviewKind, Today, day_number, kind_codes
from study.domain.scheduling import NEW_CARD, SCHEDULE_FIELDS, Schedule
from study.domain.sm2 import PASSING_GRADE
from study.domain.tags import match_params, note_has_tag_sql, with_tags

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


# A card whose note has the tag (study.domain.tags: bind its match_params).
TAG_MATCH = note_has_tag_sql("card.note_id")

_DECKS = "SELECT id, name, retired FROM deck ORDER BY name, id"
_LIVE_DECKS = "SELECT id, name FROM deck WHERE retired = :no ORDER BY name"
_CARD_TOTALS = "SELECT deck_id, COUNT(*) FROM card WHERE retired = :no GROUP BY deck_id"
_DECK_NAMES = "SELECT name FROM deck WHERE id IN :deck_ids"
# The review log holds day numbers and kind codes (study.domain.review_log): :day, :kinds.
_DONE_TODAY = (
    "SELECT card.deck_id, COUNT(*) FROM review JOIN card ON card.key = review.card_key "
    "WHERE review.learner_id = :learner_id AND review.study_day = :day "
    "AND review.kind IN :kinds AND " + NOT_CANCELLED + " GROUP BY card.deck_id"
)
# Each statement comes in two forms: all decks, or the decks in :deck_ids; a tag adds
# the tag match.
_SCOPED = {
    (False, False): "card.retired = :no",
    (True, False): "card.retired = :no AND card.deck_id IN :deck_ids",
    (False, True): "card.retired = :no AND " + TAG_MATCH,
    (True, True): "card.retired = :no AND card.deck_id IN :deck_ids AND " + TAG_MATCH,
}
_WAITING_DRILLS = (
    "SELECT card_state.card_id, card.deck_id FROM card_state "
    "JOIN card ON card.id = card_state.card_id "
    "WHERE {scope} AND card_state.learner_id = :learner_id AND "
    + studiable_sql("card_state")
    + " AND card_state.drill_day = :today ORDER BY card_state.updated_at"
)
# Read in due order from ix_card_state_due, row by row, until every deck in scope has
# reached its limit: the due pile can be tens of thousands long.
_DUE = (
    "SELECT card_state.card_id, card.deck_id FROM card_state "
    "JOIN card ON card.id = card_state.card_id "
    "WHERE {scope} AND card_state.learner_id = :learner_id AND "
    + studiable_sql("card_state")
    + " AND card_state.reviews > 0 AND card_state.due_day <= :today "
    "ORDER BY card_state.due_day, card.position"
)
# New cards of one deck name in file order (the card (deck_id, position) index).
_NEW_IN = (
    "SELECT card.id, card.deck_id, card.note_id FROM card "
    "LEFT JOIN card_state AS state "
    "ON state.card_id = card.id AND state.learner_id = :learner_id "
    "WHERE card.deck_id IN :group AND "
    + new_today_sql("state")
    + " AND {scope} ORDER BY card.position"
)
# Cram: every unsuspended card, what was learnt first, weakest first; never-seen last.
_CRAM = (
    "SELECT card.id FROM card JOIN deck ON deck.id = card.deck_id "
    "LEFT JOIN card_state AS state "
    "ON state.card_id = card.id AND state.learner_id = :learner_id "
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
_SCHEDULE = (
    "SELECT " + ", ".join(SCHEDULE_FIELDS) + " FROM card_state "
    "WHERE learner_id = :learner_id AND card_id = :card_id"
)
# The end of a sitting: the earliest due date of a scheduled card, and whether any card
# in scope is still new.
_EARLIEST_DUE = (
    "SELECT MIN(card_state.due_day) FROM card_state "
    "JOIN card ON card.id = card_state.card_id "
    "WHERE {scope} AND card_state.learner_id = :learner_id "
    "AND card_state.suspended = :no AND card_state.reviews > 0"
)
_ANY_NEW = (
    "SELECT card.id FROM card LEFT JOIN card_state AS state "
    "ON state.card_id = card.id AND state.learner_id = :learner_id "
    "WHERE {scope} AND (state.card_id IS NULL OR (state.reviews = 0 AND state.suspended = :no)) "
    "LIMIT 1"
)
# What a scope holds beyond today's queue: every studiable new card (by note too, as
# one card of a note comes a day), every studiable due review, and suspended cards.
_STUDIABLE_NEW = (
    "SELECT COUNT(*), COUNT(DISTINCT card.note_id) FROM card LEFT JOIN card_state AS state "
    "ON state.card_id = card.id AND state.learner_id = :learner_id "
    "WHERE {scope} AND " + new_today_sql("state")
)
_STUDIABLE_DUE = (
    "SELECT COUNT(*) FROM card_state JOIN card ON card.id = card_state.card_id "
    "WHERE {scope} AND card_state.learner_id = :learner_id AND "
    + studiable_sql("card_state")
    + " AND card_state.reviews > 0 AND card_state.due_day <= :today "
    "AND (card_state.drill_day IS NULL OR card_state.drill_day <> :today)"
)
_SUSPENDED = (
    "SELECT COUNT(*) FROM card_state JOIN card ON card.id = card_state.card_id "
    "WHERE {scope} AND card_state.learner_id = :learner_id AND card_state.suspended = :yes"
)
# Today's work and the streak: graded answers (drills and cram included), neither
# cancelled by an undo nor undo records themselves.
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
_CODES = {"new": ReviewKind.NEW.code, "undo": ReviewKind.UNDO.code}
# One entry per tag key (study.domain.tags), named by its first spelling.
_TAGS = (
    "SELECT min(note_tag.tag), COUNT(*) FROM note_tag "
    "JOIN note ON note.id = note_tag.note_id WHERE note.retired = :no "
    "GROUP BY note_tag.tag_key ORDER BY note_tag.tag_key"
)
# What the first screen checks before it reads without writing anything first.
_SCHEMA_VERSION = "SELECT version FROM schema_info"
# As study.services.library counts them: a bundled deck replaced by the learner's file
# is not stale.
_DECK_VERSIONS = "SELECT id, CASE WHEN bundled THEN version ELSE 2147483647 END FROM deck"
_LEARNER = "SELECT id FROM learner WHERE name = :name"


def _scoped(statement: str, scope: DeckScope) -> str:
    """``statement`` limited to ``scope``: its slots filled from the constants above."""
    scope_sql = _SCOPED[(scope.deck_ids is not None, scope.tag is not None)]
    return statement.replace("{scope}", scope_sql)


def _scope_params(scope: DeckScope) -> dict[str, Any]:
    params: dict[str, Any] = {"no": False}
    if scope.deck_ids is not None:
        params["deck_ids"] = list(scope.deck_ids)
    if scope.tag is not None:
        params.update(match_params(scope.tag))
    return params


class Store:
    """The reads of the queue, the home screen and the first screen, on one connection
    in one read transaction. Subclasses say how a statement runs (:meth:`rows`)."""

    def rows(self, sql: str, params: dict[str, Any]) -> Iterator[tuple[Any, ...]]:
        """Run ``sql``; ``params`` are Python values (dates, bools, and lists for
        ``IN :name``). Rows stream: a caller may stop reading early."""
        raise NotImplementedError

    def _one(self, sql: str, params: dict[str, Any]) -> tuple[Any, ...] | None:
        return next(self.rows(sql, params), None)

    # ------------------------------------------------------------ decks

    def decks(self) -> list[tuple[str, str, bool]]:
        """Every deck as (id, name, retired), by name."""
        return [(deck_id, name, bool(retired)) for deck_id, name, retired in self.rows(_DECKS, {})]

    def live_decks(self) -> list[tuple[str, str]]:
        """The decks that are not retired, as (id, name), by name."""
        return [(row[0], row[1]) for row in self.rows(_LIVE_DECKS, {"no": False})]

    def deck_names(self, deck_ids: Sequence[str]) -> list[str]:
        """The names of the decks ``deck_ids``, in no particular order."""
        return [row[0] for row in self.rows(_DECK_NAMES, {"deck_ids": list(deck_ids)})]

    def card_totals(self) -> dict[str, int]:
        """Per deck, its cards that are not retired."""
        return {deck_id: int(n) for deck_id, n in self.rows(_CARD_TOTALS, {"no": False})}

    def tags(self) -> list[tuple[str, int]]:
        """Every tag of a note that is not retired (each key once, by its first spelling),
        with its number of notes (its own, not its children's), by name."""
        return [(tag, int(n)) for tag, n in self.rows(_TAGS, {"no": False})]

    # ------------------------------------------------------------ today's queue

    def waiting_drills(self, learner_id: int, scope: DeckScope, today: date) -> Iterator[DueRow]:
        """Cards of ``scope`` waiting for a drill today, in the order they were graded."""
        params = {**_scope_params(scope), "learner_id": learner_id, "today": today}
        return self.rows(_scoped(_WAITING_DRILLS, scope), params)

    def due(self, learner_id: int, scope: DeckScope, today: date) -> Iterator[DueRow]:
        """Studiable due reviews of ``scope``, earliest due first, then file order."""
        params = {**_scope_params(scope), "learner_id": learner_id, "today": today}
        return self.rows(_scoped(_DUE, scope), params)

    def new_in(
        self, learner_id: int, scope: DeckScope, today: date, deck_ids: list[str]
    ) -> Iterator[NewRow]:
        """The cards of ``deck_ids`` in ``scope`` that can be introduced today, in file
        order, as (card id, deck id, note id)."""
        params = {**_scope_params(scope), "learner_id": learner_id, "today": today}
        params["group"] = deck_ids
        return self.rows(_scoped(_NEW_IN, scope), params)

    def cram(self, learner_id: int, scope: DeckScope) -> Iterator[str]:
        """Every unsuspended card of ``scope`` in cram order."""
        params = {**_scope_params(scope), "learner_id": learner_id}
        for row in self.rows(_scoped(_CRAM, scope), params):
            yield row[0]

    def done_today(
        self, learner_id: int, today: date, kinds: tuple[ReviewKind, ...]
    ) -> dict[str, int]:
        """Per deck, today's answers of ``kinds`` that were not undone: what the limits count."""
        params = {"learner_id": learner_id, "day": day_number(today), "kinds": kind_codes(kinds)}
        return {deck_id: int(n) for deck_id, n in self.rows(_DONE_TODAY, params)}

    # ------------------------------------------------------------ cards

    def schedule(self, learner_id: int, card_id: str) -> Schedule:
        """The learner's schedule for a card (a new card's if it was never graded)."""
        row = self._one(_SCHEDULE, {"learner_id": learner_id, "card_id": card_id})
        return NEW_CARD if row is None else Schedule.from_plain_row(row)

    def card_contents(self, card_ids: Sequence[str]) -> dict[str, CardContent]:
        """The content of several cards in one query, by card id (missing ids left out)."""
        if not card_ids:
            return {}
        rows = self.rows(_CONTENTS, {"card_ids": list(card_ids)})
        return {
            card_id: content_from_row(row, tags) for card_id, (row, tags) in with_tags(rows).items()
        }

    # ------------------------------------------------------------ beyond today's queue

    def waiting(
        self, learner_id: int, scope: DeckScope, today: date, *, bury_siblings: bool
    ) -> Waiting:
        """Studiable new cards and due reviews in ``scope`` regardless of the daily limits
        (new ones by note when siblings are buried: one card of a note a day), and its
        suspended cards."""
        params = {**_scope_params(scope), "learner_id": learner_id, "today": today, "yes": True}
        cards, notes = self._one(_scoped(_STUDIABLE_NEW, scope), params) or (0, 0)
        due = (self._one(_scoped(_STUDIABLE_DUE, scope), params) or (0,))[0]
        suspended = (self._one(_scoped(_SUSPENDED, scope), params) or (0,))[0]
        new = notes if bury_siblings else cards
        return Waiting(new=int(new or 0), due=int(due or 0), suspended=int(suspended or 0))

    def earliest_due(self, learner_id: int, scope: DeckScope) -> date | None:
        """The earliest due date of a scheduled, unsuspended card of ``scope``."""
        params = {**_scope_params(scope), "learner_id": learner_id}
        row = self._one(_scoped(_EARLIEST_DUE, scope), params)
        return None if row is None or row[0] is None else as_date(row[0])

    def any_new(self, learner_id: int, scope: DeckScope) -> bool:
        """Whether ``scope`` holds a card never graded and not suspended."""
        params = {**_scope_params(scope), "learner_id": learner_id}
        return self._one(_scoped(_ANY_NEW, scope), params) is not None

    # ------------------------------------------------------------ the review log

    def today_work(self, learner_id: int, today: date) -> Today:
        """Grades given today (drills and cram included; cancelled ones and undo records not)."""
        params = {"learner_id": learner_id, "day": day_number(today), "passing": PASSING_GRADE}
        row = self._one(_TODAY_WORK, {**params, **_CODES})
        reviews, correct, time_ms, new_seen = row or (0, 0, 0, 0)
        return Today(
            reviews=int(reviews), correct=int(correct), time_ms=int(time_ms), new_seen=int(new_seen)
        )

    def studied_on(self, learner_id: int, day: date) -> bool:
        """Whether the learner graded a card on ``day`` (an undone grade does not count)."""
        params = {"learner_id": learner_id, "day": day_number(day), **_CODES}
        return self._one(_STUDIED_ON, params) is not None

    # ------------------------------------------------------------ what the first screen checks

    def schema_version(self) -> int | None:
        """The database's schema version (None: no version row)."""
        row = self._one(_SCHEMA_VERSION, {})
        return None if row is None or row[0] is None else int(row[0])

    def deck_versions(self) -> dict[str, Any]:
        """Each deck's bundled version (a learner's own deck: above any bundled one)."""
        return dict(self.rows(_DECK_VERSIONS, {}))

    def learner_id(self, name: str) -> int | None:
        """The id of the learner (profile) ``name``, or None."""
        row = self._one(_LEARNER, {"name": name})
        return None if row is None else int(row[0])


class SqliteStore(Store):
    """The store on a sqlite3 connection (the first screen, before SQLAlchemy loads).

    Values are stored as SQLAlchemy stores them on SQLite (dates as ISO text, booleans
    as 0/1), and a list becomes one placeholder per item for ``IN :name``.
    """

    @classmethod
    @contextmanager
    def snapshot(cls, path: Path, *, timeout_s: float = 10.0) -> Iterator[SqliteStore]:
        """The store on the SQLite file ``path``, in one read transaction (one snapshot for
        every read); ``timeout_s`` as the app's own connections wait for a writer."""
        with closing(sqlite3.connect(path, timeout=timeout_s, isolation_level=None)) as connection:
            connection.execute("BEGIN")
            yield cls(connection)

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    def rows(self, sql: str, params: dict[str, Any]) -> Iterator[tuple[Any, ...]]:
        values: dict[str, Any] = {}
        for name, value in params.items():
            if isinstance(value, list):
                names = [f"{name}_{i}" for i in range(len(value))]
                placeholders = "(" + ", ".join(":" + n for n in names) + ")"
                sql = re.sub(rf"(?<!:):{name}\b", placeholders, sql)
                values.update(zip(names, map(_stored, value), strict=True))
            else:
                values[name] = _stored(value)
        yield from self.connection.execute(sql, values)


def _stored(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value
