"""Backups of a study database: made as consistent, checked copies under a temporary
name, listed newest first, pruned to the number kept, and used to refuse an empty
database where a lost one's backups are."""

from __future__ import annotations

import os
import re
import shlex
import sqlite3
import threading
import time
from contextlib import closing, suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from study.domain.config import database_url
from study.domain.errors import UserError
from study.services import backup_files
from study.storage.database import StorageError, sqlite_path
from study.storage.sqlite_files import (
    blocked,
    connect,
    copy_file,
    integrity_check,
    why_blocked,
)

BACKUP_FOLDER = "backups"
# After the database file's stem, matched in full: compressed (.db.zst), or plain as study
# wrote them before version 9.
BACKUP_NAME = r"-(\d{8})-(\d{6})\.db(?:\.zst)?"
COPY_KINDS = ("replaced", "damaged", "before-repair")
PARTIAL_SUFFIX = ".partial"
STALE_PARTIAL_SECONDS = 3600.0


class BackupError(StorageError):
    """A backup could not be made; the message says why and what to do."""


def backup_folder(database: Path) -> Path:
    """Where the backups of ``database`` go: ``backups/`` next to it."""
    return database.parent / BACKUP_FOLDER


def backup_name(database: Path, moment: datetime, suffix: str) -> str:
    """The name of a regular backup of ``database`` taken at ``moment``: the database file's
    stem and the time, ``study-YYYYMMDD-HHMMSS.db.zst`` for ``study.db``. Named after the
    database, the backups of two databases in one folder are never listed, pruned or
    offered for a restore as each other's."""
    return f"{database.stem}-{time_stamp(moment)}{suffix}"


def _backup_pattern(database: Path) -> re.Pattern[str]:
    return re.compile(re.escape(database.stem) + BACKUP_NAME)


def copy_name(database: Path, kind: str, now: datetime) -> str:
    """The name of a copy of ``database`` kept by a restore or a repair (``kind``: one of
    :data:`COPY_KINDS`), e.g. ``replaced-study-YYYYMMDD-HHMMSS.db``: named after the
    database too, so a restore of another database in the same second never replaces it."""
    return f"{kind}-{database.stem}-{time_stamp(now)}.db"


def time_stamp(now: datetime) -> str:
    """``now`` in UTC as the names of backups and kept copies write it: YYYYMMDD-HHMMSS."""
    if now.tzinfo is None:
        raise ValueError("pass a timezone-aware time")
    return now.astimezone(UTC).strftime("%Y%m%d-%H%M%S")


@dataclass(frozen=True)
class BackupInfo:
    """One backup file in the backup folder."""

    path: Path
    taken_at: datetime
    size: int


def copy_database(source: Path, destination: Path, *, verify: bool) -> None:
    """A consistent copy of ``source`` into a new file ``destination`` (DELETE journal mode)."""
    with (
        closing(connect(source, read_only=True)) as reader,
        closing(connect(destination)) as writer,
    ):
        copy_file(reader, writer)
        if verify:
            problems = integrity_check(writer)
            if problems != ["ok"]:
                raise BackupError(
                    f"{source}: the database is damaged ({problems[0]}), so no backup "
                    "was made; run `study doctor`"
                )


def make_backup(
    database: Path,
    *,
    now: datetime,
    kept: int | None = None,
    name: str | None = None,
    verify: bool = True,
) -> Path:
    """Back up ``database`` into its backup folder and return the new file.

    The copy is written under a temporary name, checked, flushed to disk and only then
    renamed, so a file with a backup name is always a complete, sound copy. A regular
    backup (no ``name``; :func:`backup_name`) is then compressed (``*.db.zst``,
    :mod:`study.services.backup_files`); a named copy (before a restore or a repair) stays a plain
    file. With ``kept``, older regular backups of ``database`` beyond that number are
    deleted afterwards.
    """
    if not database.is_file():
        raise BackupError(f"no database at {database} yet; nothing to back up")
    folder = backup_folder(database)
    compressed = name is None
    suffix = ".db" + (backup_files.COMPRESSED_SUFFIX if compressed else "")
    target = folder / (name or backup_name(database, now, suffix))
    temporary = folder / f".{target.name}.{os.getpid()}.{threading.get_ident()}{PARTIAL_SUFFIX}"
    packed = temporary.with_name(f"{temporary.name}.zst{PARTIAL_SUFFIX}")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _remove_stale_partials(folder)
        temporary.unlink(missing_ok=True)
        copy_database(database, temporary, verify=verify)
        if compressed:
            backup_files.compress(temporary, packed)
            os.replace(packed, temporary)
        with open(temporary, "rb") as handle:
            os.fsync(handle.fileno())
        target = _claim_name(temporary, target, database, now, given=name is not None)
    except sqlite3.Error as error:
        discard(temporary)
        discard(packed)
        if blocked(error):
            raise BackupError(
                f"{database}: cannot back up the database ({error}): "
                f"{why_blocked(database.parent)}; free some disk space or make the folder "
                "writable (a full disk is no sign of damage)"
            ) from None
        raise BackupError(
            f"{database}: cannot back up the database ({error}); run `study doctor`"
        ) from None
    except OSError as error:
        discard(temporary)
        discard(packed)
        raise BackupError(
            f"cannot write a backup in {folder} ({error.strerror or error}); "
            "free some disk space or check the folder's permissions"
        ) from None
    except BaseException:
        discard(temporary)
        discard(packed)
        raise
    if kept is not None:
        prune_backups(database, kept, keep=target)
    if not target.is_file():  # a backup reported is a backup that exists
        raise BackupError(f"the backup {target} vanished as it was made; run `study backup` again")
    return target


def _claim_name(
    temporary: Path, target: Path, database: Path, now: datetime, *, given: bool
) -> Path:
    """Give the finished copy its name without replacing another backup.

    Two backups in one second (the daily one and `study backup`, or two processes) would
    otherwise share a name and the later rename would silently replace the other copy; the
    later one takes the next free second instead, so names still sort oldest to newest.
    A name chosen by the caller is replaced on purpose.
    """
    if given:
        os.replace(temporary, target)
        return target
    suffix = target.name[len(backup_name(database, now, "")) :]  # .db or .db.zst
    moment = now
    while True:
        try:
            os.link(temporary, target)  # fails if the name is taken, unlike a rename
        except FileExistsError:
            moment += timedelta(seconds=1)
            target = target.with_name(backup_name(database, moment, suffix))
            continue
        except OSError:  # a file system without hard links: check, then rename
            if target.exists():
                moment += timedelta(seconds=1)
                target = target.with_name(backup_name(database, moment, suffix))
                continue
            os.replace(temporary, target)
            return target
        temporary.unlink()
        return target


def discard(path: Path) -> None:
    """Remove a temporary file if it is there; never fails (it runs while handling an error)."""
    with suppress(OSError):
        path.unlink(missing_ok=True)


def _remove_stale_partials(folder: Path) -> None:
    """Remove temporary files of backups that were interrupted long ago (a killed process)."""
    cutoff = time.time() - STALE_PARTIAL_SECONDS
    for leftover in folder.glob(f".*{PARTIAL_SUFFIX}"):
        try:
            if leftover.stat().st_mtime < cutoff:
                leftover.unlink()
        except OSError:
            pass  # another process removed it, or it is not ours to remove


def list_backups(database: Path) -> list[BackupInfo]:
    """The regular backups of ``database`` (``<its stem>-*.db[.zst]``), newest first.

    Newest by when the file was written, not by its name: the name's time comes from the
    system clock, which may have been wrong (a backup named in the future must not
    outrank every later one).
    """
    folder = backup_folder(database)
    if not folder.is_dir():
        return []
    pattern = _backup_pattern(database)
    found: list[tuple[float, BackupInfo]] = []
    for path in folder.iterdir():
        match = pattern.fullmatch(path.name)
        if not match:
            continue
        taken = datetime.strptime(match.group(1) + match.group(2), "%Y%m%d%H%M%S")
        try:
            info = path.stat()
        except OSError:
            continue  # pruned by another process meanwhile
        found.append((info.st_mtime, BackupInfo(path, taken.replace(tzinfo=UTC), info.st_size)))
    found.sort(key=lambda item: (item[0], item[1].path.name), reverse=True)
    return [info for _, info in found]


def other_copies(database: Path) -> list[Path]:
    """Copies of ``database`` kept by restore and repair (:func:`copy_name`), and those
    named before copies were named after their database (whose they are is not known)."""
    folder = backup_folder(database)
    if not folder.is_dir():
        return []
    kinds = "|".join(COPY_KINDS)
    own = re.compile(rf"(?:{kinds})-(?:{re.escape(database.stem)}-)?\d{{8}}-\d{{6}}\.db(?:-wal)?")
    return sorted(p for p in folder.iterdir() if own.fullmatch(p.name))


def prune_backups(database: Path, kept: int, *, keep: Path | None = None) -> list[Path]:
    """Delete all but the newest ``kept`` (at least 1) regular backups of ``database``, by
    when they were written; ``keep`` (the backup just made) is never deleted."""
    backups = list_backups(database)
    removed: list[Path] = []
    for info in backups[max(kept, 1) :]:
        if keep is not None and info.path == keep:
            continue
        info.path.unlink(missing_ok=True)  # two processes may prune at once
        removed.append(info.path)
    return removed


def restore_hint(database: Path) -> str:
    """Where a database is missing: the backups and kept copies of it that exist ("" if none)."""
    folder = backup_folder(database)
    backups = list_backups(database)
    if backups:
        return (
            f"; {folder} holds its backups: restore the newest with "
            f"`{_restore_command(database, backups[0].path.name)}`"
        )
    copies = other_copies(database)
    if copies:
        return (
            f"; {folder} holds {copies[-1].name}, kept by a restore or repair: "
            "`study backup --list` shows what can be restored"
        )
    return ""


def _restore_command(database: Path, backup: str) -> str:
    """The command restoring ``backup`` into ``database``: with ``--db`` unless a command
    without it opens that database (a hint copied as it is must not restore one
    database's backup over another)."""
    try:
        plain = sqlite_path(database_url(None))
    except UserError:  # STUDY_DB names a folder that is gone
        plain = None
    option = "" if plain == database else f"--db {shlex.quote(str(database))} "
    return f"study {option}backup --restore {backup}"


def refuse_new_beside_backups(database: Path) -> None:
    """Refuse to create an empty database where a lost one's backups or copies are.

    A database that vanished (a restore killed half-way, a file deleted by mistake) must
    not be replaced silently by an empty one: the learner is told how to restore it.
    """
    if database.exists():
        return
    if not list_backups(database) and any(database.parent.glob("*.db")):
        return  # another database lives here: the copies kept may be its own
    hint = restore_hint(database)
    if hint:
        raise StorageError(
            f"no database at {database}{hint}; or, to start anew with an empty database, "
            f"move {backup_folder(database)} away first"
        )


def backup_before_migration(database: Path, version: int, now: datetime, kept: int) -> Path:
    """The backup taken before a database at schema ``version`` is upgraded."""
    try:
        return make_backup(database, now=now, kept=max(kept, 1))
    except BackupError as error:
        raise BackupError(
            f"{error}; the database was not upgraded (it is still at version {version})"
        ) from None
