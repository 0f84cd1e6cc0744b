"""The database: schema version, exact E-Factors, aware UTC times, learners."""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import select

from study.domain.errors import UserError
from study.storage.database import (
    SCHEMA_VERSION,
    Database,
    StorageError,
    explain_error,
    open_database,
    schema_version,
    shown_name,
)
from study.storage.errors import NotFoundError
from study.storage.learners import (
    find_learner,
    get_or_create_learner,
    list_learners,
    remove_learner,
    rename_learner,
)
from study.storage.models import Card, CardState, Deck, Learner, Note, Review
from study.storage.schedules import card_keys
from tests.conftest import run_elsewhere

NOW = datetime(2026, 1, 12, 18, tzinfo=UTC)


def test_new_database_is_created_at_the_current_schema_version(db_url: str) -> None:
    database = open_database(db_url)
    try:
        assert schema_version(database.engine) == SCHEMA_VERSION
        tables = set(sa.inspect(database.engine).get_table_names())
        assert {"learner", "deck", "note", "card", "card_state", "review", "schema_info"} <= tables
    finally:
        database.close()
    # Opening it again neither recreates nor migrates it.
    again = open_database(db_url)
    assert schema_version(again.engine) == SCHEMA_VERSION
    again.close()


@pytest.mark.sqlite_only
def test_sqlite_file_uses_wal_foreign_keys_and_a_busy_timeout(database: Database) -> None:
    with database.engine.connect() as connection:
        pragma = connection.exec_driver_sql
        assert pragma("PRAGMA journal_mode").scalar() == "wal"
        assert pragma("PRAGMA foreign_keys").scalar() == 1
        assert pragma("PRAGMA busy_timeout").scalar() >= 1000
        assert pragma("PRAGMA synchronous").scalar() == 1  # NORMAL


def test_a_database_from_a_newer_release_is_refused(db_url: str) -> None:
    open_database(db_url).close()
    run_elsewhere(db_url, f"UPDATE schema_info SET version = {SCHEMA_VERSION + 1}")
    with pytest.raises(StorageError, match="newer than this study reads"):
        open_database(db_url)


def test_a_file_that_is_not_a_database_gives_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StorageError, match="damaged"):
        open_database(f"sqlite:///{path}")


def _card(database: Database) -> None:
    def work(session: object) -> None:
        # No ORM relationships: flush each parent so the rows go in in this order.
        for row in (
            Deck(id="d", name="D", imported_at=NOW),
            Note(id="n", deck_id="d", type="basic", updated_at=NOW),
            Card(id="n", note_id="n", deck_id="d"),
        ):
            session.add(row)
            session.flush()

    database.write(work)


def test_easiness_is_stored_as_exact_hundredths(database: Database, learner_id: int) -> None:
    _card(database)
    database.write(
        lambda s: s.add(CardState(learner_id=learner_id, card_id="n", ease_hundredths=276))
    )
    column = CardState.__table__.c.ease_hundredths
    assert isinstance(column.type, sa.Integer)
    with database.session() as session:
        assert session.get(CardState, (learner_id, "n")).ease_hundredths == 276


def test_the_database_refuses_an_easiness_below_1_3(database: Database, learner_id: int) -> None:
    _card(database)
    with pytest.raises(sa.exc.IntegrityError):
        database.write(
            lambda s: s.add(CardState(learner_id=learner_id, card_id="n", ease_hundredths=129))
        )


def test_times_are_stored_as_utc_and_come_back_aware(database: Database, db_url: str) -> None:
    paris_evening = datetime(2026, 7, 1, 21, 30, tzinfo=timezone(timedelta(hours=2)))
    database.write(lambda s: get_or_create_learner(s, "ana", paris_evening))
    with database.session() as session:
        learner = session.exec(select(Learner).where(Learner.name == "ana")).one()
    assert learner.created_at == paris_evening
    assert learner.created_at.tzinfo == UTC
    # Stored as UTC without a zone (text in SQLite, a timestamp in PostgreSQL).
    [(raw,)] = run_elsewhere(db_url, "SELECT created_at FROM learner WHERE name = 'ana'")
    assert str(raw).startswith("2026-07-01 19:30:00")


def test_naive_times_are_refused(database: Database) -> None:
    with pytest.raises(sa.exc.StatementError, match="naive datetime"):
        database.write(lambda s: get_or_create_learner(s, "x", datetime(2026, 1, 1)))


def test_review_log_keeps_the_study_day_as_a_date(database: Database, learner_id: int) -> None:
    _card(database)
    database.write(
        lambda s: s.add(
            Review(
                learner_id=learner_id,
                card_key=card_keys(s, ["n"])["n"],
                reviewed_at=NOW,
                study_day=date(2026, 1, 12),
                grade=4,
                kind="new",
            )
        )
    )
    with database.session() as session:
        review = session.exec(select(Review)).one()
    assert review.study_day == date(2026, 1, 12)
    assert review.reviewed_at == NOW


# ---------------------------------------------------------------- learners


def test_profiles_are_added_listed_renamed_and_removed(database: Database) -> None:
    write = database.write
    write(lambda s: get_or_create_learner(s, "ana", NOW))
    write(lambda s: get_or_create_learner(s, "ben", NOW))
    write(lambda s: get_or_create_learner(s, "ana", NOW))  # the same profile again
    with database.session() as session:
        assert [(learner.name, n) for learner, n in list_learners(session)] == [
            ("ana", 0),
            ("ben", 0),
        ]
    write(lambda s: rename_learner(s, "ana", "anna"))
    with pytest.raises(NotFoundError, match="exists already"):
        write(lambda s: rename_learner(s, "anna", "ben"))
    write(lambda s: remove_learner(s, "ben"))
    with database.session() as session:
        assert [learner.name for learner, _ in list_learners(session)] == ["anna"]
        with pytest.raises(NotFoundError, match="no profile named 'ben'"):
            find_learner(session, "ben")


def test_removing_a_profile_removes_its_schedule_and_log_only(
    database: Database, learner_id: int
) -> None:
    _card(database)
    other = database.write(lambda s: get_or_create_learner(s, "other", NOW)).id
    for who in (learner_id, other):
        database.write(lambda s, who=who: s.add(CardState(learner_id=who, card_id="n")))
        database.write(
            lambda s, who=who: s.add(
                Review(
                    learner_id=who,
                    card_key=card_keys(s, ["n"])["n"],
                    reviewed_at=NOW,
                    study_day=date(2026, 1, 12),
                    kind="new",
                )
            )
        )
    database.write(lambda s: remove_learner(s, "other"))
    with database.session() as session:
        assert [r.learner_id for r in session.exec(select(Review))] == [learner_id]
        assert [c.learner_id for c in session.exec(select(CardState))] == [learner_id]


def test_messages_name_a_file_by_its_path_and_never_show_a_password(tmp_path: Path) -> None:
    path = tmp_path / "study.db"
    assert shown_name(f"sqlite:///{path}") == str(path)
    server = "postgresql://ann:s3cret@db.example/study"
    assert shown_name(server) == "postgresql://ann:***@db.example/study"
    assert "s3cret" not in explain_error(server, "database is locked")
    assert explain_error(f"sqlite:///{path}", "file is not a database").startswith(f"{path}: ")


def test_a_server_that_cannot_be_reached_is_one_line_saying_what_to_check() -> None:
    url = "postgresql+psycopg://ann:s3cret@127.0.0.1:1/study"
    reason = (
        'connection failed: connection to server at "127.0.0.1", port 1 failed: Connection '
        "refused\n\tIs the server running on that host and accepting TCP/IP connections?"
    )
    line = explain_error(url, reason)
    assert "\n" not in line and "s3cret" not in line
    assert "cannot reach the database server" in line and "check the URL" in line
    refused = explain_error(url, 'FATAL:  password authentication failed for user "ann"')
    assert "refused the login" in refused and "s3cret" not in refused


def test_a_server_url_without_its_driver_says_which_extra_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if it were not installed
    with pytest.raises(
        UserError, match=r"\(psycopg\) is not installed; pip install 'study\[postgres\]'"
    ):
        open_database("postgresql+psycopg://ann@db.example/study")
