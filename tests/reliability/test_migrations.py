"""Every released schema, frozen as a filled dump, upgrades to the current schema with
every row kept, after a backup; newer and damaged databases are refused clearly."""

from __future__ import annotations

import json
import os
import sqlite3
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from reliability_helpers import consistency_problems, integrity, plain

from study.domain.clock import FixedClock
from study.domain.config import Settings
from study.domain.review_log import ReviewKind, day_of, time_of
from study.domain.scheduling import SCHEDULE_FIELDS
from study.services.maintenance import list_backups
from study.services.session import StudySession
from study.services.workspace import open_workspace
from study.storage.cards import card_rows
from study.storage.database import SCHEMA_VERSION, StorageError, open_database
from study.storage.learners import list_learners

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
            # Sorted: a table kept in its key's order (WITHOUT ROWID) has no rowid.
            query = f"SELECT {', '.join(names)} FROM {table}"
            found[table] = sorted(connection.execute(query).fetchall(), key=repr)
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


# Version 9 converted the review log (study.storage.compact_log): its rows are compared
# by what they say, not by their stored form.
LOG_COLUMNS = (
    "id, learner_id, card_id, reviewed_at, study_day, grade, kind, cancels_id, answer_ms, "
    "repetitions_before, ease_before, interval_before, due_before, "
    "repetitions_after, ease_after, interval_after, due_after"
)


def _old_log(db: Path) -> list[tuple[object, ...]]:
    """A version 8 (or older) log, each time to the millisecond (as the compact log keeps
    it)."""
    with closing(sqlite3.connect(db)) as connection:
        rows = connection.execute(f"SELECT {LOG_COLUMNS} FROM review ORDER BY id").fetchall()
    return [(*row[:3], str(row[3])[:23], *row[4:]) for row in rows]


def _new_log(db: Path) -> list[tuple[object, ...]]:
    """The compact log in version 8's terms: card ids, times and days as text, kinds as
    words."""
    with closing(sqlite3.connect(db)) as connection:
        rows = connection.execute(
            "SELECT r.id, r.learner_id, c.id, r.reviewed_at, r.study_day, r.grade, r.kind, "
            "r.cancels_id, r.answer_ms, r.repetitions_before, r.ease_before, r.interval_before, "
            "r.due_before, r.repetitions_after, r.ease_after, r.interval_after, r.due_after "
            "FROM review AS r JOIN card AS c ON c.key = r.card_key ORDER BY r.id"
        ).fetchall()

    def day(number: int | None) -> str | None:
        return None if number is None else day_of(number).isoformat()

    return [
        (
            *row[:3],
            time_of(row[3]).strftime("%Y-%m-%d %H:%M:%S.%f")[:23],
            day(row[4]),
            row[5],
            ReviewKind.of_code(row[6]).value,
            *row[7:12],
            day(row[12]),
            *row[13:16],
            day(row[16]),
        )
        for row in rows
    ]


def _undo_snapshots(db: Path) -> dict[int, str]:
    """The old log's snapshots undo can still reach: each learner's last two study days,
    answers no undo cancelled."""
    with closing(sqlite3.connect(db)) as connection:
        return dict(
            connection.execute(
                "SELECT r.id, r.state_before FROM review AS r WHERE r.kind != 'undo' "
                "AND r.state_before != '' "
                "AND NOT EXISTS (SELECT 1 FROM review AS u WHERE u.cancels_id = r.id) "
                "AND r.study_day >= (SELECT date(max(l.study_day), '-1 day') FROM review AS l "
                "WHERE l.learner_id = r.learner_id)"
            ).fetchall()
        )


def _tags(db: Path) -> set[tuple[str, str]]:
    """Every (note, tag as written) pair, wherever the schema kept them (before version
    10: ``note.tags`` and ``note_tag``; from version 10: ``note_tag`` alone)."""
    with closing(sqlite3.connect(db)) as connection:
        pairs = set(connection.execute("SELECT note_id, tag FROM note_tag"))
        if "tags" in _columns(db)["note"]:
            for note_id, tags in connection.execute("SELECT id, tags FROM note"):
                pairs |= {(note_id, tag) for tag in tags.split()}
    return pairs


def _keys(db: Path) -> set[tuple[str, str]]:
    with closing(sqlite3.connect(db)) as connection:
        return set(connection.execute("SELECT tag, tag_key FROM note_tag"))


@pytest.mark.parametrize("dump", DUMPS, ids=[p.stem for p in DUMPS])
def test_every_earlier_schema_upgrades_and_keeps_every_row(dump: Path, tmp_path: Path) -> None:
    db = tmp_path / "study.db"
    _load(dump, db)
    old_version = _version(db)
    # Version 10 moved note.tags into note_tag: the tags are compared apart (_tags).
    old_columns = _columns(db)
    old_columns["note"].remove("tags")
    old_columns.pop("note_tag")
    before = _rows(db, old_columns)
    tags = _tags(db)
    assert tags
    # Version 9 converted the log; a version 9 log is kept row for row.
    compact = old_version >= 9
    if not compact:
        log, snapshots = _old_log(db), _undo_snapshots(db)
        assert {row[6] for row in log} >= {"new", "review", "drill", "undo"}
        assert snapshots

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
    if not compact:
        old_columns.pop("review")
    after = _rows(db, old_columns)
    compared = set(before) - {"note_tag"} - ({"review"} if not compact else set())
    assert {table: after[table] for table in compared} == {
        table: before[table] for table in compared
    }
    if not compact:
        # Every review and undo record, each value the same (times to the second).
        assert _new_log(db) == log
        assert dict(after["review_undo"]) == snapshots  # what undo still needs, kept
    assert _tags(db) == tags  # every tag of every note, as written
    assert all(key == tag.casefold() for tag, key in _keys(db))
    new_tables = after.keys() - before.keys() - {"review_undo", "note_tag"}
    assert not any(after[table] for table in new_tables)  # new tables: empty
    assert set(learners) == {"alice", "bob"} and all(learners.values())
    retired = old_columns["card"].index("retired")
    assert len(rows) == sum(1 for row in before["card"] if not row[retired])  # left out
    assert integrity(db) == ["ok"]
    assert consistency_problems(db) == []
    # Same tables, columns and indexes as a database created at the current version.
    fresh = tmp_path / "fresh.db"
    open_database(f"sqlite:///{fresh}").close()
    assert _shape(db) == _shape(fresh)

    # The backup was taken before the upgrade: the old version with the same rows.
    if old_version < SCHEMA_VERSION:
        [backup] = list_backups(db)
        with plain(backup.path) as unpacked:
            assert _version(unpacked) == old_version
            assert _rows(unpacked, old_columns) == before
            assert _tags(unpacked) == tags


def _schedules(db: Path, learner: str) -> dict[str, dict[str, object]]:
    with closing(sqlite3.connect(db)) as connection:
        connection.row_factory = sqlite3.Row
        found = connection.execute(
            "SELECT s.* FROM card_state AS s JOIN learner AS l ON l.id = s.learner_id "
            "WHERE l.name = ?",
            (learner,),
        ).fetchall()
    return {row["card_id"]: {k: row[k] for k in SCHEDULE_FIELDS} for row in found}


def _as_stored(values: dict[str, object]) -> dict[str, object]:
    """A snapshot's values as SQLite stores them (booleans as 0 and 1)."""
    return {k: int(v) if isinstance(v, bool) else v for k, v in values.items()}


# Dumps whose log version 9 converted (a version 9 log is kept row for row, above).
CONVERTED = [p for p in DUMPS if int(p.stem.removeprefix("schema_v")) < 9]


@pytest.mark.parametrize("dump", CONVERTED, ids=[p.stem for p in CONVERTED])
@pytest.mark.parametrize("learner", ["alice", "bob"])
def test_after_the_upgrade_undo_takes_back_every_grade_of_the_day_exactly(
    dump: Path, learner: str, tmp_path: Path
) -> None:
    db = tmp_path / "study.db"
    _load(dump, db)
    with closing(sqlite3.connect(db)) as connection:
        day, last_time = connection.execute(
            "SELECT max(r.study_day), max(r.reviewed_at) FROM review AS r "
            "JOIN learner AS l ON l.id = r.learner_id WHERE l.name = ?",
            (learner,),
        ).fetchone()
        day_rows = connection.execute(
            "SELECT r.id, r.card_id, r.state_before FROM review AS r "
            "JOIN learner AS l ON l.id = r.learner_id WHERE l.name = ? AND r.study_day = ? "
            "AND r.kind != 'undo' "
            "AND NOT EXISTS (SELECT 1 FROM review AS u WHERE u.cancels_id = r.id) ORDER BY r.id",
            (learner, day),
        ).fetchall()
    # Each card as the day's first answer that touched it (itself or a sibling) found it.
    expected: dict[str, dict[str, object]] = {}
    for _, card_id, snapshot in day_rows:
        before = json.loads(snapshot)
        for touched, values in [(card_id, before["card"]), *before["siblings"].items()]:
            expected.setdefault(touched, _as_stored(values))
    assert day_rows
    later = datetime.fromisoformat(last_time).replace(tzinfo=UTC) + timedelta(minutes=5)
    workspace = open_workspace(
        str(db), learner, clock=FixedClock(later), settings=SETTINGS, sync_bundled=False
    )
    try:
        assert workspace.today().isoformat() == day
        study = StudySession(workspace.database, workspace.learner_id, SETTINGS, workspace.clock)
        undone = 0
        while study.undo() is not None:
            undone += 1
    finally:
        workspace.close()
    assert undone == len(day_rows)
    schedules = _schedules(db, learner)
    assert {card: schedules[card] for card in expected} == expected


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


def test_the_upgrade_to_version_10_keeps_every_tag_of_both_stores_once_per_key(
    tmp_path: Path,
) -> None:
    db = tmp_path / "study.db"
    _load(FIXTURES / "schema_v9.sql", db)
    with closing(sqlite3.connect(db)) as connection:
        connection.execute("UPDATE note SET tags = ' Cardio a_b cardio ' WHERE id = 'avn-name'")
        connection.execute("INSERT INTO note_tag VALUES ('avn-name', 'Only-In-Rows')")
        connection.commit()
    open_database(f"sqlite:///{db}").close()
    with closing(sqlite3.connect(db)) as connection:
        rows = connection.execute(
            "SELECT tag_key, tag FROM note_tag WHERE note_id = 'avn-name' ORDER BY position"
        ).fetchall()
    # The column's tags as written, in order (the second spelling of cardio is the same
    # tag), then the rows' it lacked (avn and hip, and one only the rows held).
    assert rows == [
        ("cardio", "Cardio"),
        ("a_b", "a_b"),
        ("only-in-rows", "Only-In-Rows"),
        ("avn", "avn"),
        ("hip", "hip"),
    ]
