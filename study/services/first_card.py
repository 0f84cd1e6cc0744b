"""The first screen of ``study`` and ``study review``, read with sqlite3 before SQLAlchemy.

Loading SQLAlchemy, SQLModel and the schema takes about a third of a second: more than
a bare Textual app needs to start at all. So on an SQLite database, ``study review``
first reads today's :class:`~study.services.queue.Plan` with the standard library's sqlite3
(:class:`study.storage.store.SqliteStore`: the store a session reads through SQLAlchemy,
with the very same statements), through the same :mod:`study.services.queue` code a
session uses, and draws its first card; then it opens the workspace and the session takes
over that very plan (issue 9). ``study`` draws its deck list the same way.

This path is taken only when nothing has to be written first: the database exists at
this study's schema version, the learner exists, no bundled deck is due for import, and
there is a card to show. Otherwise, and on any error, :func:`read_first_view` answers
None and the ordinary start runs: it creates, migrates, imports and reports errors.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from study.domain.cards import CardContent
from study.domain.clock import study_day
from study.domain.config import Settings
from study.domain.decks import DeckError, bundled_deck_files, decks_matching
from study.domain.decks.reading import stale_bundled_decks
from study.domain.scheduling import Policy
from study.services.overview import Overview, overview, scope_title
from study.services.queue import (
    DeckScope,
    GradePreview,
    Plan,
    Queue,
    grade_previews,
    plan_queue,
)
from study.storage.store import SqliteStore, Store
from study.storage.version import SCHEMA_VERSION

T = TypeVar("T")


@dataclass(frozen=True)
class FirstView:
    """What the review screen shows first, and the plan the session then takes over."""

    plan: Plan
    scope: DeckScope  # with the decks asked for resolved to ids
    queue: Queue  # at its first card
    card: CardContent
    previews: dict[int, GradePreview]
    title: str


def sqlite_file(url: str) -> Path | None:
    """The file of a plain ``sqlite:///path`` URL (what a path given to ``--db`` becomes);
    None for anything else, which takes the ordinary start."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or "?" in url:
        return None
    path = url[len(prefix) :]
    return Path(path) if path and path != ":memory:" else None


def read_first_view(
    url: str,
    profile: str,
    settings: Settings,
    scope: DeckScope,
    now: datetime,
    *,
    decks: Sequence[str] = (),
    cram: bool = False,
) -> FirstView | None:
    """The first card of a review of ``scope``, or None when the ordinary start must run.

    ``decks`` (ids or names, as ``study review --deck`` takes them) narrow the scope to
    those decks and their children; one that matches nothing leaves the error to the
    ordinary start.
    """

    def read(store: Store, learner_id: int) -> FirstView | None:
        nonlocal scope
        if decks:
            known = store.live_decks()
            found = [decks_matching(known, query) for query in decks]
            if any(ids is None for ids in found):
                return None
            scope = DeckScope(sorted({i for ids in found for i in ids or ()}), scope.tag)
        today = study_day(now, settings.zone, settings.day_starts_at)
        plan = plan_queue(store, learner_id, settings, scope, today, cram=cram)
        queue = Queue.start(plan, cram=cram)
        if queue.current is None:
            return None  # the end of the day's work: the session's summary says what is next
        card = store.card_contents([queue.current.card_id]).get(queue.current.card_id)
        if card is None:
            return None
        return FirstView(
            plan=plan,
            scope=scope,
            queue=queue,
            card=card,
            previews=grade_previews(store, learner_id, queue.current, Policy.of(settings), today),
            title=scope_title(store, scope.deck_ids, scope.tag),
        )

    return _read_ready(url, profile, read)


def read_first_home(url: str, profile: str, settings: Settings, now: datetime) -> Overview | None:
    """The deck list of ``study``, or None when the ordinary start must run."""

    def read(store: Store, learner_id: int) -> Overview:
        today = study_day(now, settings.zone, settings.day_starts_at)
        return overview(store, learner_id, settings, today)

    return _read_ready(url, profile, read)


def _read_ready(url: str, profile: str, read: Callable[[Store, int], T | None]) -> T | None:
    """``read(store, learner id)`` in one read transaction on the SQLite file of ``url``,
    if nothing has to be written first; None otherwise, and on any error."""
    path = sqlite_file(url)
    if path is None or not path.is_file():
        return None
    try:
        with SqliteStore.snapshot(path) as store:
            learner_id = _ready(store, profile)
            return None if learner_id is None else read(store, learner_id)
    except (sqlite3.Error, OSError, ValueError, DeckError):
        return None


def _ready(store: Store, profile: str) -> int | None:
    """The learner's id, when the database needs no migration, no bundled deck import
    and no new profile: what the ordinary start would otherwise write first."""
    if store.schema_version() != SCHEMA_VERSION:
        return None  # to be created or migrated
    if stale_bundled_decks(bundled_deck_files(), store.deck_versions()):
        return None  # a bundled deck to import first
    return store.learner_id(profile)
