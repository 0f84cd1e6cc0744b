"""Every released schema, frozen as a filled dump, upgrades to the current schema with
every row kept, after a backup; newer and damaged databases are refused clearly."""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest
from reliability_helpers import consistency_problems, integrity

from study.clock import FixedClock
from study.config import Settings
from study.maintenance import list_backups
from study.session import StudySession
from study.storage.database import SCHEMA_VERSION, StorageError, open_database
from study.storage.repository import card_rows, list_learners
from study.workspace import open_workspace

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
DUMPS = sorted(FIXTURES.glob("schema_v*.sql"))
NOW = datetime(2026, 1, 20, 9, 0, tzinfo=UTC)
SETTINGS = Settings(timezone="Europe/London", daily_backup=False)


def _load(dump: Path, target: Path) -> None:
    with closing(sqlite3.connect(target)) as connection:
        connection.executescript(dump.read_text(encoding="utf-8"))


def _rows(
    db: Path, columns: dict[str, list[str]] | None = None
) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table but schema_info, by the given (old) columns."""
    with closing(sqlite3.connect(db)) as connection:
        tables = [
            r[0]
            for r in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'schema_info'"
            )
        ]
        found = {}
        for table in tables:
            names = (columns or {}).get(table) or [
                r[1] for r in connection.execute(f"PRAGMA table_info({table})")
            ]
            query = f"SELECT {', '.join(names)} FROM {table} ORDER BY rowid"
            found[table] = connection.execute(query).fetchall()
        return found


def _columns(db: Path) -> dict[str, list[str]]:
    with closing(sqlite3.connect(db)) as connection:
        tables = [
            r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        ]
        return {t: [r[1] for r in connection.execute(f"PRAGMA table_info({t})")] for t in tables}


def _shape(db: Path) -> tuple[dict[str, set[str]], dict[str, tuple[str, tuple[str, ...]]]]:
    """Tables with their column names, and indexes with their table and columns."""
    with closing(sqlite3.connect(db)) as connection:
        tables = {t: set(c) for t, c in _columns(db).items()}
        indexes = {}
        for name, table in connection.execute(
            "SELECT name, tbl_name FROM sqlite_master WHERE type = 'index' "
            "AND name NOT LIKE 'sqlite_autoindex%'"
        ):
            cols = tuple(r[2] for r in connection.execute(f"PRAGMA index_info({name})"))
            indexes[name] = (table, cols)
    return tables, indexes


def _version(db: Path) -> int:
    with closing(sqlite3.connect(db)) as connection:
        return int(connection.execute("SELECT version FROM schema_info").fetchone()[0])


def test_there_is_a_frozen_dump_of_every_released_schema() -> None:
    versions = sorted(int(p.stem.removeprefix("schema_v")) for p in DUMPS)
    assert versions and versions[0] == 1
    assert versions == list(range(1, versions[-1] + 1)), "a released schema has no dump"
    assert versions[-1] <= SCHEMA_VERSION


@pytest.mark.parametrize("dump", DUMPS, ids=[p.stem for p in DUMPS])
def test_every_earlier_schema_upgrades_and_keeps_every_row(dump: Path, tmp_path: Path) -> None:
    db = tmp_path / "study.db"
    _load(dump, db)
    old_version = _version(db)
    old_columns = _columns(db)
    before = _rows(db)

    workspace = open_workspace(
        str(db), "alice", clock=FixedClock(NOW), settings=SETTINGS, sync_bundled=False
    )
    try:
        with workspace.database.session() as session:
            learners = {learner.name: n for learner, n in list_learners(session)}
            rows = card_rows(session, workspace.learner_id, workspace.today())
        study = StudySession(workspace.database, workspace.learner_id, SETTINGS, workspace.clock)
        assert study.current() is not None  # the upgraded database is studied as before
    finally:
        workspace.close()

    assert _version(db) == SCHEMA_VERSION
    after = _rows(db, old_columns)
    assert {table: after[table] for table in before} == before
    assert not any(after[table] for table in after.keys() - before.keys())  # new tables: empty
    assert set(learners) == {"alice", "bob"} and all(learners.values())
    assert len(rows) == sum(1 for row in before["card"] if not row[-1])  # retired left out
    assert integrity(db) == ["ok"]
    assert consistency_problems(db) == []
    # Same tables, columns and indexes as a database created at the current version.
    fresh = tmp_path / "fresh.db"
    open_database(f"sqlite:///{fresh}").close()
    assert _shape(db) == _shape(fresh)

    # The backup was taken before the upgrade: the old version with the same rows.
    if old_version < SCHEMA_VERSION:
        [backup] = list_backups(db)
        assert _version(backup.path) == old_version
        assert _rows(backup.path) == before


def test_no_upgrade_happens_when_the_backup_before_it_fails(tmp_path: Path) -> None:
    db = tmp_path / "study.db"
    _load(DUMPS[0], db)
    (tmp_path / "backups").write_text("a file where the backup folder should be")
    with pytest.raises(StorageError, match="not upgraded"):
        open_workspace(str(db), settings=SETTINGS, sync_bundled=False)
    assert _version(db) == int(DUMPS[0].stem.removeprefix("schema_v"))


def test_a_database_of_a_newer_schema_is_refused_naming_the_version_needed(tmp_path: Path) -> None:
    db = tmp_path / "study.db"
    open_database(f"sqlite:///{db}").close()
    with closing(sqlite3.connect(db)) as connection:
        connection.execute("UPDATE schema_info SET version = ?", (SCHEMA_VERSION + 1,))
        connection.commit()
    content = db.read_bytes()
    with pytest.raises(StorageError) as refused:
        open_workspace(str(db), settings=SETTINGS, sync_bundled=False)
    message = str(refused.value)
    assert f"schema version {SCHEMA_VERSION + 1}" in message
    assert f"up to version {SCHEMA_VERSION}" in message
    assert db.read_bytes() == content
    assert not (tmp_path / "backups").exists()


@pytest.mark.parametrize("damage", ["random bytes", "truncated", "empty header", "a text file"])
def test_a_damaged_database_file_gives_a_clear_message(tmp_path: Path, damage: str) -> None:
    db = tmp_path / "study.db"
    if damage == "random bytes":
        db.write_bytes(os.urandom(50_000))
    elif damage == "a text file":
        db.write_text("these are my notes, not a database\n" * 100)
    else:
        _load(DUMPS[0], db)
        data = db.read_bytes()
        db.write_bytes(
            data[: len(data) // 3] if damage == "truncated" else b"\0" * 100 + data[100:]
        )
    with pytest.raises(StorageError) as refused:
        workspace = open_workspace(str(db), settings=SETTINGS, sync_bundled=False)
        # A truncated file can open; the damage shows when its pages are read.
        StudySession(workspace.database, workspace.learner_id, SETTINGS, workspace.clock)
    assert "damaged" in str(refused.value) or "not a study database" in str(refused.value)
