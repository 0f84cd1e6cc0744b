"""study.services.first_card: the first card of `study review`, read with sqlite3 before SQLAlchemy;
and the deck list's counts, read by the same queue code.

The fast path must show exactly what the session would show, so most tests compare it
with a StudySession opened on the same database: the same plan, card, counts, previews
and title, through a month of random studying.
"""

from __future__ import annotations

import random
import sqlite3
import tempfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from study.domain.clock import FixedClock, study_day
from study.domain.config import DeckLimits, Settings
from study.domain.decks import decks_matching
from study.services import first_card
from study.services.first_card import FirstView, read_first_view, sqlite_file
from study.services.library import import_deck_files, sync_bundled_decks
from study.services.overview import overview, scope_title
from study.services.queue import DeckScope
from study.services.session import StudySession
from study.storage.database import Database, open_database
from study.storage.decks import resolve_decks
from study.storage.learners import get_or_create_learner
from study.storage.store import SqliteStore
from tests.conftest import START, ZONE, DeckFactory, basic, cloze

SETTINGS = Settings(timezone=ZONE, new_per_day=4, reviews_per_day=6, drill_gap=2)


@pytest.fixture(autouse=True)
def no_bundled_decks(monkeypatch: pytest.MonkeyPatch) -> None:
    """These databases hold test decks only; one test below puts the bundled one back."""
    monkeypatch.setattr(first_card, "bundled_deck_files", lambda: [])


def _decks(factory: DeckFactory) -> list[Path]:
    parent = factory.spec("med", name="Medicine", basics=5)
    child = factory.spec("cardio", name="Medicine::Cardiology", basics=6)
    clozes = factory.spec(
        "pharm",
        name="Pharmacology",
        notes=[
            cloze(f"p{i}", f"Drug {i} blocks {{{{c1::target {i}}}}} in {{{{c2::organ {i}}}}}.")
            for i in range(4)
        ]
        + [basic("p-tagged", tags=("hip",))],
    )
    return [factory.write_spec(spec) for spec in (parent, child, clozes)]


def _open(path: Path, factory: DeckFactory, clock: FixedClock) -> tuple[Database, int]:
    database = open_database(f"sqlite:///{path}")
    import_deck_files(database, _decks(factory), clock.now())
    learner = database.write(lambda s: get_or_create_learner(s, "default", clock.now()))
    assert learner.id is not None
    return database, learner.id


def _fast(
    path: Path, clock: FixedClock, scope: DeckScope, settings: Settings = SETTINGS, **kw: bool
) -> FirstView | None:
    return read_first_view(f"sqlite:///{path}", "default", settings, scope, clock.now(), **kw)


def _agree(
    database: Database,
    learner_id: int,
    path: Path,
    clock: FixedClock,
    scope: DeckScope,
    cram: bool = False,
) -> None:
    """The fast path shows what a session opened now shows (or declines when it has none)."""
    first = _fast(path, clock, scope, cram=cram)
    session = StudySession(database, learner_id, SETTINGS, clock, scope=scope, cram=cram)
    card = session.current()
    if card is None:
        assert first is None
        return
    assert first is not None
    assert first.plan.today == session.today
    assert first.card == card
    assert first.queue.current is not None
    assert first.queue.current.kind == session.current_kind
    assert first.queue.counts() == session.counts()
    assert first.previews == session.preview()
    # The session handed the plan continues exactly like one that read its own.
    handed = StudySession(
        database, learner_id, SETTINGS, clock, scope=scope, cram=cram, plan=first.plan
    )
    assert handed.queue == session.queue


def _home_agrees(database: Database, learner_id: int, clock: FixedClock) -> None:
    """Each line of the deck list counts what a session started there would show."""
    today = study_day(clock.now(), SETTINGS.zone)
    with database.store() as store:
        home = overview(store, learner_id, SETTINGS, today)
    nodes = list(home.decks)
    while nodes:
        node = nodes.pop()
        nodes.extend(node.children)
        scope = DeckScope(node.deck_ids)
        started = StudySession(database, learner_id, SETTINGS, clock, scope=scope)
        assert node.counts == started.counts(), node.path


@pytest.fixture
def collection(tmp_path: Path, decks: DeckFactory) -> Iterator[tuple[Database, int, Path]]:
    path = tmp_path / "fast.db"
    database, learner_id = _open(path, decks, FixedClock(START))
    try:
        yield database, learner_id, path
    finally:
        database.close()


SCOPES = [
    DeckScope(),
    DeckScope(["med", "cardio"]),
    DeckScope(["pharm"]),
    DeckScope(None, "hip"),
    DeckScope(["cardio"], "t"),
]


@hypothesis_settings(max_examples=12)
@given(seed=st.integers(0, 10_000), days=st.integers(1, 12))
def test_the_first_card_is_the_sessions_through_days_of_random_study(seed: int, days: int) -> None:
    rng = random.Random(seed)
    clock = FixedClock(START)
    with tempfile.TemporaryDirectory() as folder:
        factory = DeckFactory(Path(folder))
        path = Path(folder) / "fast.db"
        database, learner_id = _open(path, factory, clock)
        try:
            for _day in range(days):
                session = StudySession(database, learner_id, SETTINGS, clock)
                for _ in range(rng.randrange(0, 12)):
                    if session.current() is None:
                        break
                    action = rng.random()
                    if action < 0.08:
                        session.bury()
                    elif action < 0.12:
                        session.suspend()
                    elif action < 0.18 and session.can_undo():
                        session.undo()
                    else:
                        session.grade(rng.choice([1, 2, 3, 4, 5, 5]))
                for scope in SCOPES:
                    _agree(database, learner_id, path, clock, scope)
                _home_agrees(database, learner_id, clock)
                clock.advance(days=rng.choice([1, 1, 2, 5]))
            _agree(database, learner_id, path, clock, DeckScope(), cram=True)
        finally:
            database.close()


def test_a_drill_waiting_from_earlier_comes_first_and_deck_limits_hold(
    collection: tuple[Database, int, Path],
) -> None:
    database, learner_id, path = collection
    clock = FixedClock(START)
    settings = Settings(timezone=ZONE, deck_limits={"cardio": DeckLimits(1, 1)})
    session = StudySession(database, learner_id, settings, clock)
    drilled = session.queue.current
    assert drilled is not None
    session.grade(2)  # comes back later today
    first = _fast(path, clock, DeckScope(), settings)
    assert first is not None and first.queue.current is not None
    assert first.plan.drills == [drilled.card_id]
    assert (first.queue.current.card_id, first.queue.current.kind) == (drilled.card_id, "drill")
    assert len([p for p in first.plan.main if p.card_id.startswith("cardio")]) <= 1


def test_it_declines_whenever_the_ordinary_start_has_something_to_do(
    collection: tuple[Database, int, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database, _, path = collection
    clock = FixedClock(START)
    assert _fast(path, clock, DeckScope()) is not None
    # Another profile: to be created.
    assert (
        read_first_view(f"sqlite:///{path}", "someone", SETTINGS, DeckScope(), clock.now()) is None
    )
    # No database yet, another database, a URL with options, in memory.
    assert _fast(tmp_path / "missing.db", clock, DeckScope()) is None
    assert not (tmp_path / "missing.db").exists()  # and none was created
    for url in (
        "postgresql://u@h/db",
        f"sqlite:///{path}?mode=ro",
        "sqlite://",
        "sqlite:///:memory:",
    ):
        assert sqlite_file(url) is None
    # A bundled deck to import first.
    monkeypatch.setattr(first_card, "bundled_deck_files", lambda: _bundled())
    assert _fast(path, clock, DeckScope()) is None
    sync_bundled_decks(database, clock.now())
    assert _fast(path, clock, DeckScope()) is not None
    # An older schema: to be migrated.
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE schema_info SET version = version - 1")
    assert _fast(path, clock, DeckScope()) is None


def test_it_declines_on_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database\n" * 100)
    assert _fast(path, FixedClock(START), DeckScope()) is None
    assert path.read_text().startswith("these are my notes")


def test_it_declines_when_nothing_is_left_today(collection: tuple[Database, int, Path]) -> None:
    database, learner_id, path = collection
    clock = FixedClock(START)
    session = StudySession(database, learner_id, SETTINGS, clock, scope=DeckScope(["med"]))
    while session.current() is not None:
        session.grade(5)
    assert _fast(path, clock, DeckScope(["med"])) is None  # the session shows its summary
    assert _fast(path, clock, DeckScope()) is not None


def test_the_sqlite_store_binds_lists_dates_and_booleans_as_sqlalchemy_stores_them(
    collection: tuple[Database, int, Path],
) -> None:
    _, _, path = collection
    today = study_day(START, SETTINGS.zone)
    with sqlite3.connect(path) as connection:
        store = SqliteStore(connection)
        rows = store.rows(
            "SELECT id FROM card WHERE deck_id IN :decks AND retired = :no ORDER BY id",
            {"decks": ["med", "pharm"], "no": False},
        )
        assert [r[0] for r in rows][:2] == ["med-1", "med-2"]
        assert list(
            store.rows("SELECT :day, :day < :later", {"day": today, "later": today + timedelta(1)})
        ) == [(today.isoformat(), 1)]
        assert list(store.rows("SELECT count(*) FROM card WHERE id IN :none", {"none": []})) == [
            (0,)
        ]


def _bundled() -> list[Path]:
    from study.domain.decks import bundled_deck_files

    return bundled_deck_files()


def test_decks_asked_by_name_are_resolved_as_the_cli_resolves_them(
    collection: tuple[Database, int, Path],
) -> None:
    database, learner_id, path = collection
    clock = FixedClock(START)
    url = f"sqlite:///{path}"
    first = read_first_view(
        url, "default", SETTINGS, DeckScope(), clock.now(), decks=("medicine", "pharm")
    )
    assert first is not None
    with database.session() as session:
        expected = sorted(
            {i for query in ("medicine", "pharm") for i in resolve_decks(session, query)}
        )
    assert first.scope.deck_ids == expected == ["cardio", "med", "pharm"]
    with database.store() as store:
        assert first.title == scope_title(store, first.scope.deck_ids, None)
    _agree(database, learner_id, path, clock, first.scope)
    unknown = ("medicine", "no such deck")
    assert (
        read_first_view(url, "default", SETTINGS, DeckScope(), clock.now(), decks=unknown) is None
    )


def test_a_parent_that_is_only_a_name_prefix_is_found_whatever_its_case() -> None:
    decks = [("spine", "Orthopaedics::Spine and hip"), ("hand", "Orthopaedics::Hand")]
    assert decks_matching(decks, "orthopaedics") == ["spine", "hand"]
    assert decks_matching(decks, "ORTHOPAEDICS::hand") == ["hand"]
    assert decks_matching(decks, "ortho") is None
