"""A study database opened as a plain SQLite file (:mod:`sqlite3`, not the app's engine),
as backups, restore and the doctor need it: read-only, read as immutable when its folder
cannot be written, checked for integrity, and asked its schema version."""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

from study.domain.errors import UserError
from study.storage.database import BUSY_TIMEOUT_MS, StorageError, shown_name, sqlite_path


class NotAFileDatabase(UserError):
    """Backups and the doctor work on SQLite files only."""


def database_file(url: str) -> Path:
    """The SQLite file behind a database URL; NotAFileDatabase for anything else."""
    path = sqlite_path(url)
    if path is None:
        raise NotAFileDatabase(
            f"{shown_name(url)}: backups and the doctor work on SQLite files only; "
            "on a server use its own tools (PostgreSQL: pg_dump -Fc DBNAME > study.dump "
            "to back up)"
        )
    return path


def connect(
    path: Path, *, read_only: bool = False, timeout: float | None = None
) -> sqlite3.Connection:
    """A plain sqlite3 connection; read-only ones never create the file."""
    wait = BUSY_TIMEOUT_MS / 1000 if timeout is None else timeout
    if read_only:
        uri = f"{path.resolve().as_uri()}?mode=ro"
        return sqlite3.connect(uri, uri=True, timeout=wait, isolation_level=None)
    return sqlite3.connect(path, timeout=wait, isolation_level=None)


# What SQLite says when it cannot write beside the file (a WAL reader must create the
# -shm file): a full disk or a read-only folder, not a damaged database.
_BLOCKED = ("disk I/O error", "unable to open", "readonly", "read-only", "disk is full")


def blocked(error: sqlite3.Error) -> bool:
    """Whether ``error`` means the folder cannot be written (full disk, read-only), not damage."""
    return any(words in str(error) for words in _BLOCKED)


def why_blocked(folder: Path) -> str:
    """Which it is: a read-only folder or a full disk (or, failing both, the folder)."""
    if not os.access(folder, os.W_OK):
        return f"the folder {folder} is read-only"
    try:
        if shutil.disk_usage(folder).free < 1_000_000:
            return f"the disk holding {folder} is full"
    except OSError:
        pass
    return f"the folder {folder} cannot be written (a full disk or its permissions)"


def _writable(folder: Path) -> bool:
    if not os.access(folder, os.W_OK):
        return False
    try:
        return shutil.disk_usage(folder).free >= 1_000_000
    except OSError:
        return False


def immutable_url(database: Path) -> str | None:
    """A URL that reads ``database`` as immutable, when its folder cannot be written.

    None when the folder can be written (open it as usual) or there is no file. A WAL
    database needs its ``-shm`` file even to be read, which a full disk or a read-only
    folder refuses; read as immutable it needs nothing beside it, which is exact while
    the ``-wal`` holds no change (StorageError when it does).
    """
    if not database.is_file() or _writable(database.parent):
        return None
    wal = Path(f"{database}-wal")
    if wal.exists() and wal.stat().st_size > 0:
        raise StorageError(
            f"{database}: {why_blocked(database.parent)}, and the last changes are in "
            f"{wal.name}, which cannot be read without writing beside it; free some disk "
            "space or make the folder writable"
        )
    return f"sqlite:///{database.resolve().as_uri()}?mode=ro&immutable=1&uri=true"


def why_read_only(database: Path) -> str:
    """The note for a database read as immutable."""
    return f"is read without writing beside it: {why_blocked(database.parent)}"


def open_read_only(path: Path) -> tuple[sqlite3.Connection, str]:
    """A read-only connection to ``path`` and a note on how it was opened.

    A database in WAL mode needs its ``-shm`` file even to be read; on a full disk or in
    a read-only folder that file cannot be made. When the ``-wal`` file is empty or gone
    (every change is in the database file), the file is then read as immutable, and the
    note says why; otherwise the error is raised.
    """
    connection: sqlite3.Connection | None = None
    try:
        connection = connect(path, read_only=True)
        connection.execute("PRAGMA schema_version").fetchone()
        return connection, ""
    except sqlite3.Error as error:
        if connection is not None:
            connection.close()
        wal = Path(f"{path}-wal")
        if not blocked(error) or (wal.exists() and wal.stat().st_size > 0):
            raise
    uri = f"{path.resolve().as_uri()}?mode=ro&immutable=1"
    connection = sqlite3.connect(uri, uri=True, isolation_level=None)
    return connection, why_read_only(path)


def copy_file(reader: sqlite3.Connection, writer: sqlite3.Connection) -> None:
    """Copy the database of ``reader`` into ``writer``'s (SQLite's online backup) as a
    standalone file: no -wal beside it, whatever mode the source was in."""
    reader.backup(writer)
    writer.execute("PRAGMA journal_mode=DELETE")


def integrity_check(connection: sqlite3.Connection, *, quick: bool = False) -> list[str]:
    """The lines of ``PRAGMA integrity_check`` (``["ok"]`` for a sound file)."""
    pragma = "PRAGMA quick_check" if quick else "PRAGMA integrity_check"
    return [str(row[0]) for row in connection.execute(pragma)]


def version_of(connection: sqlite3.Connection) -> int | None:
    """The schema version stored in the file; None when it has no ``schema_info`` table."""
    has_table = connection.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", ("schema_info",)
    ).fetchone()
    if has_table is None:
        return None
    row = connection.execute("SELECT version FROM schema_info").fetchone()
    return int(row[0]) if row and row[0] is not None else None
