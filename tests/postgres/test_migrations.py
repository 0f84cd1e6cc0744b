"""Every released schema upgrades on PostgreSQL too, with every row kept.

The frozen dumps are SQLite files' SQL. Up to version 8 every migration changed indexes
or added columns and tables, so a PostgreSQL database at an old version is today's
tables without what later versions added, with that version's indexes (taken from the
dump) and the dump's rows; the test checks that assumption first. Version 9 converted
the review log: its version 8 table is made as it was
(:func:`study.storage.compact_log.v8_review_table`). Version 10 moved ``note.tags``
into ``note_tag``: version 9's ``note_tag`` is made as it was
(:func:`study.storage.tag_migration.v9_note_tag_table`), ``note.tags`` added back, and
the tags are compared apart (:func:`_tags`).
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel

from study.domain.clock import FixedClock
from study.domain.config import Settings
from study.services.session import StudySession
from study.services.workspace import open_workspace
from study.storage.compact_log import v8_review_table
from study.storage.database import SCHEMA_VERSION, open_database, schema_version
from study.storage.learners import list_learners
from study.storage.models import Card, Note, Review
from study.storage.schedules import REVIEW_FIELDS
from study.storage.tag_migration import v9_note_tag_table
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
                if table.name in ("schema_info", "review", "note_tag") or not inspector.has_table(
                    table.name
                ):
                    continue  # the review log: see _log; the tags: see _tags
                if like is not None and table.name not in like:
                    continue  # a table a later version added: nothing to compare
                names = [c["name"] for c in inspector.get_columns(table.name)]
                names = [n for n in names if (table.name, n) != ("note", "tags")]
                if like is not None and like[table.name]:
                    names = names[: len(like[table.name][0])]
                query = sa.select(*(table.c[name] for name in names))
                found[table.name] = sorted(tuple(row) for row in connection.execute(query))
            return found
    finally:
        engine.dispose()


def _tags(url: str) -> set[tuple[object, ...]]:
    """Every (note, tag as written) pair, wherever the schema keeps them."""
    pairs = set(run_elsewhere(url, "SELECT note_id, tag FROM note_tag"))
    columns = run_elsewhere(
        url,
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_name = 'note' AND column_name = 'tags'",
    )
    if columns:
        for note_id, tags in run_elsewhere(url, "SELECT id, tags FROM note"):
            pairs |= {(note_id, tag) for tag in str(tags).split()}
    return pairs


LOG_COLUMNS = ("id", *REVIEW_FIELDS)  # the log as compared before and after


def _log(url: str, *, converted: bool) -> list[tuple[object, ...]]:
    """The review log by what it says, in either form (version 8's, or the compact one
    of version 9): card ids, aware times to the millisecond, dates, kind names."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            if converted:
                review, card = Review.__table__, Card.__table__  # type: ignore[attr-defined]
                query = sa.select(card.c.id, *(review.c[n] for n in LOG_COLUMNS)).join_from(
                    review, card, card.c.key == review.c.card_key
                )
            else:
                review = v8_review_table("review")
                query = sa.select(review.c.card_id, *(review.c[n] for n in LOG_COLUMNS))
            rows = connection.execute(query).all()
    finally:
        engine.dispose()
    found = []
    for card_id, *values in rows:
        moment = values[2]
        values[2] = moment.replace(microsecond=moment.microsecond // 1000 * 1000)
        values[5] = str(values[5])
        found.append((card_id, *values))
    return sorted(found, key=lambda row: row[1])


def _server_database_at(dump: Path, sqlite_file: Path, url: str) -> int:
    """Fill ``url`` with the dump's rows, indexes and version; the version."""
    with closing(sqlite3.connect(sqlite_file)) as connection:
        connection.executescript(dump.read_text(encoding="utf-8"))
        version = int(connection.execute("SELECT version FROM schema_info").fetchone()[0])
        old_indexes = dict(
            connection.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
            ).fetchall()
        )
        old_columns = {
            table: [r[1] for r in connection.execute(f"PRAGMA table_info({table})")]
            for (table,) in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
    current = {t.name: [c.name for c in t.columns] for t in SQLModel.metadata.sorted_tables}
    # The log as version 9 converts it (beside the tables its keys refer to).
    metadata = sa.MetaData()
    sa.Table("learner", metadata, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table("card", metadata, sa.Column("id", sa.String, primary_key=True))
    legacy = v8_review_table("review", metadata)
    compact = version >= 9  # the dump's log is already version 9's
    if not compact:
        current["review"] = [c.name for c in legacy.columns]
    # The tags as version 9 kept them: note.tags (after extra) and note_tag (note, tag).
    legacy_tags = v9_note_tag_table(metadata)
    current["note_tag"] = [c.name for c in legacy_tags.columns]
    note_columns = [c for c in Note.__table__.columns]  # type: ignore[attr-defined]
    after_extra = current["note"].index("extra") + 1
    current["note"][after_extra:after_extra] = ["tags"]
    legacy_note = sa.Table(
        "note",
        sa.MetaData(),
        *(sa.Column(c.name, c.type) for c in note_columns),
        sa.Column("tags", sa.String),
    )
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
            indexes = _indexes(url)
            for table_name in new_tables:
                writing.exec_driver_sql(f"DROP TABLE {table_name}")
            if not compact:
                writing.exec_driver_sql("DROP TABLE review")  # with its indexes and keys
            writing.exec_driver_sql("DROP TABLE note_tag")
            # A version 9 log keeps its keys (ix_card_key holds one): its indexes stay.
            kept = {name for name in indexes if compact and name in old_indexes}
            for name in set(indexes) - kept:
                writing.exec_driver_sql(f"DROP INDEX IF EXISTS {name}")
            if not compact:
                legacy.create(writing)
            legacy_tags.create(writing)
            writing.exec_driver_sql("DROP INDEX ix_note_tag_tag")  # the dump's, below
            writing.exec_driver_sql("ALTER TABLE note ADD COLUMN tags VARCHAR NOT NULL DEFAULT ''")
            for table_name, columns in added.items():  # the columns later versions added
                for column in columns:
                    writing.exec_driver_sql(f"ALTER TABLE {table_name} DROP COLUMN {column}")
            for name, sql in old_indexes.items():
                if name not in kept:
                    writing.exec_driver_sql(sql)
            for table in SQLModel.metadata.sorted_tables:
                if table.name == "schema_info" or table.name in new_tables:
                    continue
                legacies = {"note": legacy_note, "note_tag": legacy_tags}
                if not compact:
                    legacies["review"] = legacy
                source_table = legacies.get(table.name, table)
                kept = [source_table.c[name] for name in old_columns[table.name]]
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
    tags = _tags(postgres_url)
    log = _log(postgres_url, converted=version >= 9)
    assert tags
    assert log and before["card_state"]

    workspace = open_workspace(
        postgres_url, "alice", clock=FixedClock(NOW), settings=SETTINGS, sync_bundled=False
    )
    try:
        assert schema_version(workspace.database.engine) == SCHEMA_VERSION
        [notice] = workspace.notices  # no backup on a server: said, with what to use
        assert "without a backup" in notice and "pg_dump" in notice
        assert _rows(postgres_url, before) == before  # every row kept, unchanged
        assert _tags(postgres_url) == tags  # every tag of every note, as written
        assert _log(postgres_url, converted=True) == log  # every review and undo, converted
        tutors = dict(run_elsewhere(postgres_url, "SELECT name, tutor FROM learner"))
        assert tutors == {"alice": True, "bob": False}  # the first profile is the tutor
        with workspace.database.session() as session:
            learners = {learner.name: n for learner, n in list_learners(session)}
        study = StudySession(workspace.database, workspace.learner_id, SETTINGS, workspace.clock)
        assert study.current() is not None
        study.grade(4)  # a new review gets the next id after the copied ones
    finally:
        workspace.close()

    assert len(_log(postgres_url, converted=True)) == len(log) + 1
    assert set(learners) == {"alice", "bob"} and all(learners.values())
    assert consistency_problems(postgres_url) == []
    # The same indexes as a database created at the current version.
    fresh = postgres_server.new_database()
    try:
        open_database(fresh).close()
        assert _indexes(postgres_url) == _indexes(fresh)
    finally:
        postgres_server.drop_database(fresh)
