"""The doctor and the repair: what is wrong in a database file (integrity, foreign keys,
schema version, rows pointing at nothing, stale marks, schedules that disagree with the
log), and fixing only what is safe to fix, after a backup."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from study.domain.errors import UserError
from study.services.maintenance.backups import (
    BackupInfo,
    copy_name,
    list_backups,
    make_backup,
    restore_hint,
)
from study.services.maintenance.restoring import RestoreError
from study.storage.database import SCHEMA_VERSION, StorageError
from study.storage.health_checks import (
    SAFE_TO_DELETE,
    foreign_key_problems,
    orphan_counts,
    repair_in_place,
    row_counts,
    schedule_mismatches,
    stale_counts,
)
from study.storage.sqlite_files import (
    blocked,
    connect,
    integrity_check,
    open_read_only,
    version_of,
    why_blocked,
)


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
                safe = what in SAFE_TO_DELETE
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
    report.foreign_keys = foreign_key_problems(connection)
    report.schema_version = version_of(connection)
    if report.schema_version is None or report.schema_version < SCHEMA_VERSION:
        return  # an older schema's tables are checked once study has upgraded it
    report.counts = row_counts(connection)
    report.orphans = orphan_counts(connection)
    report.stale = stale_counts(connection, today)
    report.schedule_mismatches = schedule_mismatches(connection)


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
    try:
        with closing(connect(database)) as connection:
            fixed = repair_in_place(connection, today)
    except sqlite3.Error as error:
        raise StorageError(
            f"{database}: the repair stopped ({error}); nothing was half-done, and the "
            f"database before it is kept at {copy}"
        ) from None
    return RepairResult(copy, fixed, doctor(database, today=today))
