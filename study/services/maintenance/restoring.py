"""Restoring a backup: checked before anything changes, and the database it replaces
kept, sound or damaged, so that at every moment a database file is there."""

from __future__ import annotations

import os
import shutil
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import zstandard

from study.domain.errors import UserError
from study.services import backup_files
from study.services.maintenance.backups import (
    PARTIAL_SUFFIX,
    backup_folder,
    copy_database,
    copy_name,
    discard,
    make_backup,
)
from study.storage.database import SCHEMA_VERSION, StorageError
from study.storage.sqlite_files import (
    blocked,
    connect,
    integrity_check,
    open_read_only,
    version_of,
    why_blocked,
)


class RestoreError(UserError):
    """A file that cannot be restored (damaged, not a study database, too new)."""


@dataclass(frozen=True)
class RestoreResult:
    """What a restore did: the version restored and where the replaced file was kept."""

    restored: Path
    version: int
    kept_copy: Path | None


def check_backup(path: Path) -> int:
    """The schema version of backup ``path`` once it is shown to be a sound study database.

    Raises RestoreError saying what is wrong: missing, damaged, not a study database,
    or written by a newer version of study.
    """
    if not path.is_file():
        raise RestoreError(f"{path}: no such backup file; `study backup --list` shows them")
    try:
        with (
            backup_files.readable(path, _scratch(path)) as plain,
            closing(connect(plain, read_only=True)) as connection,
        ):
            problems = integrity_check(connection)
            if problems != ["ok"]:
                raise RestoreError(f"{path}: this backup is damaged ({problems[0]}); pick another")
            version = version_of(connection)
    except (sqlite3.Error, zstandard.ZstdError) as error:
        raise RestoreError(
            f"{path}: not a usable database ({error}); pick another backup"
        ) from None
    except OSError as error:  # not the backup's fault: a full disk, a read-only folder
        raise StorageError(
            f"{path}: cannot unpack the backup to check it ({error.strerror or error}); "
            "nothing was restored: free some disk space and try again"
        ) from None
    if version is None or version < 1:
        raise RestoreError(f"{path}: not a study database; pick a file from `study backup --list`")
    if version > SCHEMA_VERSION:
        raise RestoreError(
            f"{path}: this backup is at schema version {version}, newer than this study reads "
            f"({SCHEMA_VERSION}); upgrade study first"
        )
    return version


def _scratch(backup: Path) -> Path:
    """Where a compressed backup is unpacked to be read: a temporary file beside it."""
    return backup.with_name(f".{backup.name}.{os.getpid()}.unpacked{PARTIAL_SUFFIX}")


def _condition(path: Path) -> str:
    """``missing``, ``sound`` or ``damaged``; StorageError when it cannot be told (the
    folder cannot be written: a full disk is no reason to call a database damaged)."""
    if not path.exists():
        return "missing"
    try:
        connection, _note = open_read_only(path)
        with closing(connection):
            return "sound" if integrity_check(connection, quick=True) == ["ok"] else "damaged"
    except sqlite3.Error as error:
        if blocked(error):
            raise StorageError(
                f"{path}: cannot check the database ({error}): {why_blocked(path.parent)}; "
                "nothing was restored: free some disk space or make the folder writable first"
            ) from None
        return "damaged"


def restore(backup: Path, target: Path, *, now: datetime) -> RestoreResult:
    """Replace the database ``target`` with ``backup``, keeping a copy of what it replaces.

    The backup is checked first (integrity, schema version); nothing changes if it fails.
    A sound target is copied to ``backups/replaced-*.db`` and overwritten through SQLite's
    backup API, one transaction that other open connections see as a normal write. For a
    damaged (or missing) target the replacement is first written beside it in full and
    checked; only then is the damaged file linked to ``backups/damaged-*`` (with its
    ``-wal``) and the replacement renamed over it, so at every moment a database file is
    there. An older schema is upgraded on the next start.
    """
    version = check_backup(backup)
    if backup.resolve() == target.resolve():
        raise RestoreError(f"{backup} is the database itself; pick a backup file")
    try:
        with backup_files.readable(backup, _scratch(target)) as plain:
            return _restore_checked(plain, backup, target, version, now)
    except zstandard.ZstdError as error:
        raise RestoreError(f"{backup}: this backup is damaged ({error}); pick another") from None
    except OSError as error:
        raise StorageError(
            f"cannot unpack {backup} ({error.strerror or error}); nothing was replaced: "
            "free some disk space and try again"
        ) from None


def _restore_checked(
    plain: Path, backup: Path, target: Path, version: int, now: datetime
) -> RestoreResult:
    """:func:`restore` from ``plain``, the backup as an SQLite file."""
    folder = backup_folder(target)
    temporary = target.with_name(f".{target.name}.restore{PARTIAL_SUFFIX}")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        condition = _condition(target)
        if condition == "sound":
            kept = make_backup(
                target, now=now, name=copy_name(target, "replaced", now), verify=False
            )
            with (
                closing(connect(plain, read_only=True)) as source,
                closing(connect(target)) as destination,
            ):
                source.backup(destination)
            return RestoreResult(backup, version, kept)
        temporary.unlink(missing_ok=True)
        copy_database(plain, temporary, verify=True)
        with open(temporary, "rb") as handle:
            os.fsync(handle.fileno())
        kept_copy: Path | None = None
        if condition == "damaged":
            kept_copy = folder / copy_name(target, "damaged", now)
            for suffix in ("", "-wal"):
                part = Path(f"{target}{suffix}")
                if part.exists():
                    _keep(part, Path(f"{kept_copy}{suffix}"))
            # The damaged file's journal must never be applied to the restored file.
            for suffix in ("-wal", "-shm"):
                Path(f"{target}{suffix}").unlink(missing_ok=True)
        os.replace(temporary, target)
        return RestoreResult(backup, version, kept_copy)
    except sqlite3.Error as error:
        discard(temporary)
        raise StorageError(
            f"{target}: the restore failed ({error}); nothing was replaced: close every "
            "study window and try again"
        ) from None
    except OSError as error:
        discard(temporary)
        raise StorageError(
            f"cannot restore into {target} ({error.strerror or error}); nothing was "
            "replaced: free some disk space or check the folder's permissions"
        ) from None
    except BaseException:
        discard(temporary)
        raise


def _keep(part: Path, copy: Path) -> None:
    """Keep ``part`` as ``copy`` without moving it: a hard link (no space needed), else a copy."""
    try:
        os.link(part, copy)
    except OSError:
        shutil.copyfile(part, copy)
