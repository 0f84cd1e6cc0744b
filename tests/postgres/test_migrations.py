"""Every released schema upgrades on PostgreSQL too, with every row kept.

The frozen dumps are SQLite files' SQL. Every migration so far changes indexes only, so
a PostgreSQL database at an old version is today's tables with that version's indexes
(taken from the dump) and the dump's rows; the test checks that assumption first.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel

from study.clock import FixedClock
from study.config import Settings
from study.session import StudySession
from study.storage.database import SCHEMA_VERSION, open_database, schema_version
from study.storage.repository import list_learners
from study.workspace import open_workspace
from tests.conftest import run_elsewhere
from tests.postgres_server import PostgresServer
from tests.reliability.reliability_helpers import consistency_problems

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
DUMPS = sorted(FIXTURES.glob("schema_v*.sql"))
NOW = datetime(2026, 1, 20, 9, 0, tzinfo=UTC)
SETTINGS = Settings(timezone="Europe/London", daily_backup=False)


def _indexes(url: str) -> dict[str, str]:
    """Every index that is not a primary key, by name, with its definition."""
    rows = run_elsewhere(
        url,
        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' "
        "AND right(indexname, 5) <> '_pkey'",
    )
    return {str(name): str(definition) for name, definition in rows}


def _rows(
    url: str, like: dict[str, list[tuple[object, ...]]] | None = None
) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table but schema_info (of the columns the table had before the
    upgrade: ``like``'s)."""
    engine = sa.create_engine(url)
    inspector = sa.inspect(engine)
    try:
        with engine.connect() as connection:
            found = {}
            for table in SQLModel.metadata.sorted_tables:
                if table.name == "schema_info" or not inspector.has_table(table.name):
                    continue
                if like is not None and table.name not in like:
                    continue  # a table a later version added: nothing to compare
                names = [c["name"] for c in inspector.get_columns(table.name)]
                if like is not None and like[table.name]:
                    names = names[: len(like[table.name][0])]
                query = sa.select(*(table.c[name] for name in names))
                found[table.name] = sorted(tuple(row) for row in connection.execute(query))
            return found
    finally:
        engine.dispose()


def _server_database_at(dump: Path, sqlite_file: Path, url: str) -> int:
    """Fill ``url`` with the dump's rows, indexes and version; the version."""
    with closing(sqlite3.connect(sqlite_file)) as connection:
        connection.executescript(dump.read_text(encoding="utf-8"))
        version = int(connection.execute("SELECT version FROM schema_info").fetchone()[0])
        old_indexes = [
            sql
            for (sql,) in connection.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
            )
        ]
        old_columns = {
            table: [r[1] for r in connection.execute(f"PRAGMA table_info({table})")]
            for (table,) in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
    current = {t.name: [c.name for c in t.columns] for t in SQLModel.metadata.sorted_tables}
    new_tables = set(current) - set(old_columns)  # tables later versions added
    assert set(old_columns) <= set(current)
    kept_tables = [t for t in current if t not in new_tables]
    added = {t: [c for c in current[t] if c not in old_columns[t]] for t in kept_tables}
    assert all(old_columns[t] == current[t][: len(old_columns[t])] for t in kept_tables), (
        "a migration changed a table other than by adding columns: load the dump another way"
    )

    open_database(url).close()  # today's tables
    source = sa.create_engine(f"sqlite:///{sqlite_file}")
    target = sa.create_engine(url)
    try:
        with source.connect() as reading, target.begin() as writing:
            for name in _indexes(url):
                writing.exec_driver_sql(f"DROP INDEX {name}")
            for table_name in new_tables:
                writing.exec_driver_sql(f"DROP TABLE {table_name}")
            for table_name, columns in added.items():  # the columns later versions added
                for column in columns:
                    writing.exec_driver_sql(f"ALTER TABLE {table_name} DROP COLUMN {column}")
            for sql in old_indexes:
                writing.exec_driver_sql(sql)
            for table in SQLModel.metadata.sorted_tables:
                if table.name == "schema_info" or table.name in new_tables:
                    continue
                kept = [table.c[name] for name in old_columns[table.name]]
                rows = [dict(row._mapping) for row in reading.execute(sa.select(*kept))]
                # The old table: its columns with their types, without later defaults.
                old = sa.Table(
                    table.name, sa.MetaData(), *(sa.Column(c.name, c.type) for c in kept)
                )
                if rows:
                    writing.execute(sa.insert(old), rows)
            for table in ("learner", "review"):  # the ids go on after the copied ones
                writing.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )
            writing.execute(sa.text("UPDATE schema_info SET version = :v"), {"v": version})
    finally:
        source.dispose()
        target.dispose()
    return version


@pytest.mark.parametrize("dump", DUMPS, ids=[p.stem for p in DUMPS])
def test_every_earlier_schema_upgrades_on_a_server_and_keeps_every_row(
    dump: Path, tmp_path: Path, postgres_server: PostgresServer, postgres_url: str
) -> None:
    version = _server_database_at(dump, tmp_path / "dump.db", postgres_url)
    assert version < SCHEMA_VERSION
    before = _rows(postgres_url)
    assert before["review"] and before["card_state"]

    workspace = open_workspace(
        postgres_url, "alice", clock=FixedClock(NOW), settings=SETTINGS, sync_bundled=False
    )
    try:
        assert schema_version(workspace.database.engine) == SCHEMA_VERSION
        [notice] = workspace.notices  # no backup on a server: said, with what to use
        assert "without a backup" in notice and "pg_dump" in notice
        assert _rows(postgres_url, before) == before  # every row kept, unchanged
        tutors = dict(run_elsewhere(postgres_url, "SELECT name, tutor FROM learner"))
        assert tutors == {"alice": True, "bob": False}  # the first profile is the tutor
        with workspace.database.session() as session:
            learners = {learner.name: n for learner, n in list_learners(session)}
        study = StudySession(workspace.database, workspace.learner_id, SETTINGS, workspace.clock)
        assert study.current() is not None
        study.grade(4)  # a new review gets the next id after the copied ones
    finally:
        workspace.close()

    assert len(_rows(postgres_url)["review"]) == len(before["review"]) + 1
    assert set(learners) == {"alice", "bob"} and all(learners.values())
    assert consistency_problems(postgres_url) == []
    # The same indexes as a database created at the current version.
    fresh = postgres_server.new_database()
    try:
        open_database(fresh).close()
        assert _indexes(postgres_url) == _indexes(fresh)
    finally:
        postgres_server.drop_database(fresh)
