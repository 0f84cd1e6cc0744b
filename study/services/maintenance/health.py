"""The doctor and the repair: what is wrong in a database file (integrity, foreign keys,
schema version, rows pointing at nothing, stale marks, schedules that disagree with the
log), and fixing only what is safe to fix, after a backup."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from study.domain.errors import UserError
from study.domain.review_log import ReviewKind, not_cancelled_sql
from study.services.maintenance.backups import (
    BackupInfo,
    copy_name,
    list_backups,
    make_backup,
    restore_hint,
)
from study.services.maintenance.restoring import RestoreError
from study.services.maintenance.sqlite_files import (
    blocked,
    connect,
    integrity_check,
    open_read_only,
    version_of,
    why_blocked,
)
from study.storage.database import SCHEMA_VERSION, StorageError

# The tables a study database has, in the order the doctor reports them.
COUNTED = ("decks", "notes", "cards", "learners", "reviews", "cancelled")

# Rows that point at a row that is gone: (what, table, condition). All constant SQL.
_ORPHANS: dict[str, tuple[str, str]] = {
    "card_state without its card": (
        "card_state",
        "card_id NOT IN (SELECT id FROM card)",
    ),
    "card_state without its learner": (
        "card_state",
        "learner_id NOT IN (SELECT id FROM learner)",
    ),
    "note_tag without its note": ("note_tag", "note_id NOT IN (SELECT id FROM note)"),
    "material without its deck": ("material", "deck_id NOT IN (SELECT id FROM deck)"),
    "note without its deck": ("note", "deck_id NOT IN (SELECT id FROM deck)"),
    "card without its note": ("card", "note_id NOT IN (SELECT id FROM note)"),
    "review without its card": ("review", "card_key NOT IN (SELECT key FROM card)"),
    "review without its learner": ("review", "learner_id NOT IN (SELECT id FROM learner)"),
    "undo of a missing review": (
        "review",
        "cancels_id IS NOT NULL AND cancels_id NOT IN (SELECT id FROM review)",
    ),
    "undo record of a missing review": (
        "review_undo",
        "review_id NOT IN (SELECT id FROM review)",
    ),
}
_NEW, _REVIEW, _UNDO = ReviewKind.NEW.code, ReviewKind.REVIEW.code, ReviewKind.UNDO.code
# The orphans repair deletes: nothing else refers to them and they mean nothing alone.
_SAFE_TO_DELETE = (
    "card_state without its card",
    "card_state without its learner",
    "note_tag without its note",
    "material without its deck",
)
_COUNT_SQL = {
    "decks": "SELECT count(*) FROM deck",
    "notes": "SELECT count(*) FROM note",
    "cards": "SELECT count(*) FROM card",
    "learners": "SELECT count(*) FROM learner",
    "reviews": f"SELECT count(*) FROM review WHERE kind != {_UNDO}",
    "cancelled": f"SELECT count(*) FROM review WHERE kind = {_UNDO}",
}
# Left-over marks with no effect any more (the session ignores them), cleared by repair.
_STALE = {
    "drill marks of past days": ("drill_day", "drill_day IS NOT NULL AND drill_day < ?"),
    "burials that have ended": ("buried_until", "buried_until IS NOT NULL AND buried_until <= ?"),
}
# A card whose schedule disagrees with the last review in its log that was not undone.
# (The log's due dates are day numbers: date(n * 86400, 'unixepoch') is their ISO text.)
_MISMATCH_SQL = f"""
SELECT count(*) FROM card_state AS s
JOIN card AS c ON c.id = s.card_id
JOIN review AS r ON r.id = (
    SELECT max(l.id) FROM review AS l
    WHERE l.learner_id = s.learner_id AND l.card_key = c.key
      AND l.kind IN ({_NEW}, {_REVIEW})
      AND {not_cancelled_sql("l")}
)
WHERE s.repetitions != r.repetitions_after OR s.ease_hundredths != r.ease_after
   OR s.interval != r.interval_after
   OR s.due_day IS NOT date(r.due_after * 86400, 'unixepoch')
"""


@dataclass
class DoctorReport:
    """What the doctor found in one database file."""

    path: Path
    opened: bool = True
    integrity: list[str] = field(default_factory=list)
    foreign_keys: int = 0
    schema_version: int | None = None
    counts: dict[str, int] = field(default_factory=dict)
    orphans: dict[str, int] = field(default_factory=dict)
    stale: dict[str, int] = field(default_factory=dict)
    schedule_mismatches: int = 0
    newest_backup: BackupInfo | None = None
    blocked: str = ""  # why the file could not be opened, when it is not damage
    note: str = ""  # how the file was read, when not as usual

    @property
    def problems(self) -> list[str]:
        """Everything that is wrong, one line each, with what to do; empty when healthy."""
        found: list[str] = []
        if not self.opened and self.blocked:
            found.append(
                f"the file cannot be opened ({self.integrity[0]}): {self.blocked}; this is "
                "not damage, do not restore a backup: free some disk space or make the "
                "folder writable, then run `study doctor` again"
            )
            return found
        if not self.opened:
            found.append(
                f"the file cannot be read as a database ({self.integrity[0]}); "
                "restore a backup with `study backup --restore FILE`"
            )
            return found
        if self.integrity != ["ok"]:
            found.append(
                f"integrity check failed: {self.integrity[0]} ({len(self.integrity)} problems); "
                "`study doctor --repair` rebuilds indexes, otherwise restore a backup"
            )
        if self.schema_version is None:
            found.append("this is not a study database (no schema version)")
        elif self.schema_version > SCHEMA_VERSION:
            found.append(
                f"schema version {self.schema_version} is newer than this study reads "
                f"({SCHEMA_VERSION}); upgrade study"
            )
        for what, number in self.orphans.items():
            if number:
                safe = what in _SAFE_TO_DELETE
                advice = "`--repair` removes them" if safe else "left alone; restore a backup"
                found.append(f"{number} {what} ({advice})")
        if self.schedule_mismatches:
            found.append(
                f"{self.schedule_mismatches} cards whose schedule disagrees with their review "
                "log (left alone)"
            )
        return found

    @property
    def healthy(self) -> bool:
        return not self.problems


def doctor(database: Path, *, today: date) -> DoctorReport:
    """Examine ``database`` without changing it: integrity, foreign keys, version, counts.

    Opens the file read-only, so it works on a damaged database, one of a newer schema,
    and while another process is studying.
    """
    if not database.is_file():
        raise UserError(f"no database at {database}; nothing to examine{restore_hint(database)}")
    report = DoctorReport(database)
    backups = list_backups(database)
    report.newest_backup = backups[0] if backups else None
    try:
        connection, report.note = open_read_only(database)
        report.integrity = integrity_check(connection)
    except sqlite3.Error as error:
        report.opened, report.integrity = False, [str(error)]
        if blocked(error):
            report.blocked = why_blocked(database.parent)
        return report
    with closing(connection):
        try:
            _examine(connection, report, today)
        except sqlite3.Error as error:
            # A damaged page can break a query even when some checks passed.
            if report.integrity == ["ok"]:
                report.integrity = [f"cannot read the tables ({error})"]
    return report


def _examine(connection: sqlite3.Connection, report: DoctorReport, today: date) -> None:
    report.foreign_keys = len(connection.execute("PRAGMA foreign_key_check").fetchall())
    report.schema_version = version_of(connection)
    if report.schema_version is None or report.schema_version < SCHEMA_VERSION:
        return  # an older schema's tables are checked once study has upgraded it
    for name in COUNTED:
        report.counts[name] = int(connection.execute(_COUNT_SQL[name]).fetchone()[0])
    for what, (table, condition) in _ORPHANS.items():
        query = f"SELECT count(*) FROM {table} WHERE {condition}"  # constants only
        report.orphans[what] = int(connection.execute(query).fetchone()[0])
    for what, (_column, condition) in _STALE.items():
        query = f"SELECT count(*) FROM card_state WHERE {condition}"  # constants only
        report.stale[what] = int(connection.execute(query, (today.isoformat(),)).fetchone()[0])
    report.schedule_mismatches = int(connection.execute(_MISMATCH_SQL).fetchone()[0])


@dataclass(frozen=True)
class RepairResult:
    """What ``repair`` did: the backup taken first, what it fixed, and the check after."""

    backup: Path
    fixed: dict[str, int]
    after: DoctorReport


def repair(database: Path, *, today: date, now: datetime) -> RepairResult:
    """Fix what is safe to fix, after a backup; the review log is never touched.

    Deletes rows that point at nothing (schedules of missing cards or learners, tags of
    missing notes, texts of missing decks), clears drill marks of past days and ended
    burials, rebuilds every index (REINDEX) and compacts the file (VACUUM).
    """
    before = doctor(database, today=today)
    if not before.opened or before.schema_version is None:
        raise RestoreError(
            f"{database}: cannot be repaired ({before.problems[0]}); restore a backup instead"
        )
    if before.schema_version > SCHEMA_VERSION:
        raise RestoreError(f"{database}: {before.problems[0]}")
    copy = make_backup(
        database, now=now, name=copy_name(database, "before-repair", now), verify=False
    )
    fixed: dict[str, int] = {}
    try:
        with closing(connect(database)) as connection:
            connection.execute("PRAGMA foreign_keys=ON")
            with _transaction(connection):
                for what in _SAFE_TO_DELETE:
                    table, condition = _ORPHANS[what]
                    cursor = connection.execute(f"DELETE FROM {table} WHERE {condition}")
                    fixed[what] = cursor.rowcount
                for what, (column, condition) in _STALE.items():
                    cursor = connection.execute(
                        f"UPDATE card_state SET {column} = NULL WHERE {condition}",
                        (today.isoformat(),),
                    )
                    fixed[what] = cursor.rowcount
                connection.execute("REINDEX")
            connection.execute("VACUUM")
    except sqlite3.Error as error:
        raise StorageError(
            f"{database}: the repair stopped ({error}); nothing was half-done, and the "
            f"database before it is kept at {copy}"
        ) from None
    return RepairResult(copy, fixed, doctor(database, today=today))


@contextmanager
def _transaction(connection: sqlite3.Connection) -> Iterator[None]:
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")
