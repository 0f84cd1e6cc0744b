"""The grading path's direct writes (Database.write_direct): on SQLite they run on the
driver's connection; they must store exactly what the generic Core path stores, commit
or roll back as one transaction, and fail with SQLAlchemy's exception types."""

from __future__ import annotations

import sqlite3
import threading
from contextlib import closing
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from study.domain.clock import FixedClock
from study.domain.config import Settings
from study.domain.review_log import ReviewKind
from study.domain.scheduling import NEW_CARD
from study.services.library import import_deck_files
from study.services.session import StudySession
from study.storage.database import Database, DirectConnection, open_database
from study.storage.learners import get_or_create_learner
from study.storage.schedules import load_schedule, save_schedule
from tests.conftest import START, ZONE, DeckFactory, basic, cloze, run_elsewhere

SETTINGS = Settings(timezone=ZONE)


def _study(db_path: Path, deck: Path, *, direct: bool) -> dict[str, list[tuple[Any, ...]]]:
    """Two days of study with drills, buried siblings and an undo; the stored rows."""
    clock = FixedClock(START)
    database = open_database(f"sqlite:///{db_path}")
    database.direct = direct
    try:
        import_deck_files(database, [deck], clock.now())
        learner = database.write(lambda s: get_or_create_learner(s, "default", clock.now()))
        assert learner.id is not None
        for _day in range(2):
            session = StudySession(database, learner.id, SETTINGS, clock)
            answers = 0
            while session.current() is not None and answers < 40:
                session.grade((5, 2, 4, 3)[answers % 4], answer_ms=1500)
                clock.advance(seconds=7)
                answers += 1
                if answers == 3:
                    session.undo()
            clock.advance(days=1)
    finally:
        database.close()
    with closing(sqlite3.connect(db_path)) as connection:
        return {
            table: connection.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
            for table in ("card_state", "review", "review_undo")
        }


def test_the_driver_path_stores_exactly_what_the_core_path_stores(
    tmp_path: Path, decks: DeckFactory
) -> None:
    deck = decks.write(
        "d",
        notes=[
            basic("b-1"),
            basic("b-2"),
            cloze("c-1", "{{c1::Aspirin}} inhibits {{c2::COX}}."),
            cloze("c-2", "{{c1::Heparin}} acts on {{c2::antithrombin}}."),
        ],
    )
    driver = _study(tmp_path / "driver.db", deck, direct=True)
    core = _study(tmp_path / "core.db", deck, direct=False)
    assert len(driver["review"]) > 10
    assert any(row[5] == ReviewKind.UNDO.code for row in driver["review"])  # kind
    assert driver["review_undo"]  # the siblings buried: the snapshot kept for undo
    # Day numbers, times, kinds, booleans and the JSON snapshots: the same in the file.
    assert driver == core


def test_a_direct_write_that_fails_leaves_nothing_behind(
    database: Database, learner_id: int, clock: FixedClock, decks: DeckFactory, db_url: str
) -> None:
    import_deck_files(database, [decks.write("d", basics=1)], clock.now())

    def half_then_fail(connection: DirectConnection) -> None:
        schedule = replace(NEW_CARD, repetitions=7)
        save_schedule(connection, learner_id, "d-1", schedule, clock.now(), stored=False)
        raise RuntimeError("stop before the review is written")

    with pytest.raises(RuntimeError):
        database.write_direct(half_then_fail)
    assert run_elsewhere(db_url, "SELECT count(*) FROM card_state") == [(0,)]
    # The connection went back to the pool usable, outside any transaction.
    assert database.write_direct(lambda c: load_schedule(c, learner_id, "d-1")) is None


def test_a_driver_error_comes_out_as_sqlalchemy_wraps_it(
    database: Database, learner_id: int, clock: FixedClock, decks: DeckFactory
) -> None:
    import_deck_files(database, [decks.write("d", basics=1)], clock.now())

    def break_the_ease_check(connection: DirectConnection) -> None:
        schedule = replace(NEW_CARD, ease_hundredths=100)  # below the 1.3 floor the table refuses
        save_schedule(connection, learner_id, "d-1", schedule, clock.now(), stored=False)

    with pytest.raises(sa.exc.IntegrityError) as caught:
        database.write_direct(break_the_ease_check)
    assert "INSERT INTO card_state" in str(caught.value.statement)
    assert "ease_at_least_1_3" in str(caught.value.orig)


@pytest.mark.sqlite_only  # PostgreSQL's row locks: tests/postgres/test_concurrency.py
def test_a_grade_waits_for_another_writer_and_then_commits(
    database: Database, learner_id: int, clock: FixedClock, decks: DeckFactory, db_path: Path
) -> None:
    import_deck_files(database, [decks.write("d", basics=2)], clock.now())
    session = StudySession(database, learner_id, SETTINGS, clock)
    other = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
    with closing(other):
        other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
        release = threading.Timer(0.3, lambda: other.execute("COMMIT"))
        release.start()
        session.grade(5)
        release.join()
        assert other.execute("SELECT count(*) FROM review").fetchone() == (1,)
    # Read back through the driver path with the column types applied.
    schedule = database.write_direct(lambda c: load_schedule(c, learner_id, "d-1"))
    assert schedule is not None
    assert isinstance(schedule.due_day, date) and schedule.suspended is False
