"""Backups of a study database (the package docstring of :mod:`study.maintenance` says
where they live and how they are made safe)."""

from __future__ import annotations

import atexit
import os
import re
import shutil
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import zstandard

from study import backup_files
from study.clock import study_day
from study.config import Settings, data_dir
from study.errors import UserError
from study.review_log import ReviewKind
from study.storage.database import (
    BUSY_TIMEOUT_MS,
    SCHEMA_VERSION,
    StorageError,
    shown_name,
    sqlite_path,
)

BACKUP_FOLDER = "backups"
# Matched in full: compressed (.db.zst), or plain as study wrote them before version 9.
BACKUP_NAME = re.compile(r"study-(\d{8})-(\d{6})\.db(?:\.zst)?")
PARTIAL_SUFFIX = ".partial"
EXIT_WAIT_SECONDS = 10.0
STALE_PARTIAL_SECONDS = 3600.0

# The tables a study database has, in the order the doctor reports them.
COUNTED = ("decks", "notes", "cards", "learners", "reviews", "cancelled")


class BackupError(StorageError):
    """A backup could not be made; the message says why and what to do."""


class RestoreError(UserError):
    """A file that cannot be restored (damaged, not a study database, too new)."""


class NotAFileDatabase(UserError):
    """Backups and the doctor work on SQLite files only."""


# What to do instead on a database server: said in one line wherever study would back up.
SERVER_BACKUP = (
    "study backs up SQLite files only; back up a database server with its own tools "
    "(PostgreSQL: pg_dump -Fc DBNAME > study.dump)"
)


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


def server_backup_notice(url: str, now: datetime, settings: Settings) -> str | None:
    """For a database server with daily backups on: the one line saying to use pg_dump,
    once per study day (a mark in the data directory remembers the day), else None."""
    if not settings.daily_backup or sqlite_path(url) is not None:
        return None
    mark = data_dir() / "server-backup-notice"
    today = study_day(now, settings.zone, settings.day_starts_at).isoformat()
    try:
        if mark.is_file() and mark.read_text(encoding="utf-8").strip() == today:
            return None
        mark.parent.mkdir(parents=True, exist_ok=True)
        mark.write_text(today, encoding="utf-8")
    except OSError:
        pass  # no mark: the notice comes again next time, which is harmless
    return f"{shown_name(url)}: no daily backup made; {SERVER_BACKUP}"


def backup_folder(database: Path) -> Path:
    """Where the backups of ``database`` go: ``backups/`` next to it."""
    return database.parent / BACKUP_FOLDER


def _stamp(now: datetime) -> str:
    if now.tzinfo is None:
        raise ValueError("pass a timezone-aware time")
    return now.astimezone(UTC).strftime("%Y%m%d-%H%M%S")


def _connect(
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


def _read_only(path: Path) -> tuple[sqlite3.Connection, str]:
    """A read-only connection to ``path`` and a note on how it was opened.

    A database in WAL mode needs its ``-shm`` file even to be read; on a full disk or in
    a read-only folder that file cannot be made. When the ``-wal`` file is empty or gone
    (every change is in the database file), the file is then read as immutable, and the
    note says why; otherwise the error is raised.
    """
    connection: sqlite3.Connection | None = None
    try:
        connection = _connect(path, read_only=True)
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


def _integrity(connection: sqlite3.Connection, *, quick: bool = False) -> list[str]:
    """The lines of ``PRAGMA integrity_check`` (``["ok"]`` for a sound file)."""
    pragma = "PRAGMA quick_check" if quick else "PRAGMA integrity_check"
    return [str(row[0]) for row in connection.execute(pragma)]


def _version_of(connection: sqlite3.Connection) -> int | None:
    """The schema version stored in the file; None when it has no ``schema_info`` table."""
    has_table = connection.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", ("schema_info",)
    ).fetchone()
    if has_table is None:
        return None
    row = connection.execute("SELECT version FROM schema_info").fetchone()
    return int(row[0]) if row and row[0] is not None else None


# ------------------------------------------------------------------ backups


@dataclass(frozen=True)
class BackupInfo:
    """One backup file in the backup folder."""

    path: Path
    taken_at: datetime
    size: int


def _copy(source: Path, destination: Path, *, verify: bool) -> None:
    """A consistent copy of ``source`` into a new file ``destination`` (DELETE journal mode)."""
    with (
        closing(_connect(source, read_only=True)) as reader,
        closing(_connect(destination)) as writer,
    ):
        reader.backup(writer)
        # A standalone file: no -wal beside it, whatever mode the source was in.
        writer.execute("PRAGMA journal_mode=DELETE")
        if verify:
            problems = _integrity(writer)
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
    backup (no ``name``) is then compressed (``study-*.db.zst``, :mod:`study.backup_files`);
    a named copy (before a restore or a repair) stays a plain file. With ``kept``, older
    ``study-*`` backups beyond that number are deleted afterwards.
    """
    if not database.is_file():
        raise BackupError(f"no database at {database} yet; nothing to back up")
    folder = backup_folder(database)
    compressed = name is None
    suffix = ".db" + (backup_files.COMPRESSED_SUFFIX if compressed else "")
    target = folder / (name or f"study-{_stamp(now)}{suffix}")
    temporary = folder / f".{target.name}.{os.getpid()}.{threading.get_ident()}{PARTIAL_SUFFIX}"
    packed = temporary.with_name(f"{temporary.name}.zst{PARTIAL_SUFFIX}")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _remove_stale_partials(folder)
        temporary.unlink(missing_ok=True)
        _copy(database, temporary, verify=verify)
        if compressed:
            backup_files.compress(temporary, packed)
            os.replace(packed, temporary)
        with open(temporary, "rb") as handle:
            os.fsync(handle.fileno())
        target = _claim_name(temporary, target, now, given=name is not None)
    except sqlite3.Error as error:
        _discard(temporary)
        _discard(packed)
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
        _discard(temporary)
        _discard(packed)
        raise BackupError(
            f"cannot write a backup in {folder} ({error.strerror or error}); "
            "free some disk space or check the folder's permissions"
        ) from None
    except BaseException:
        _discard(temporary)
        _discard(packed)
        raise
    if kept is not None:
        prune_backups(folder, kept, keep=target)
    if not target.is_file():  # a backup reported is a backup that exists
        raise BackupError(f"the backup {target} vanished as it was made; run `study backup` again")
    return target


def _claim_name(temporary: Path, target: Path, now: datetime, *, given: bool) -> Path:
    """Give the finished copy its name without replacing another backup.

    Two backups in one second (the daily one and `study backup`, or two processes) would
    otherwise share a name and the later rename would silently replace the other copy; the
    later one takes the next free second instead, so names still sort oldest to newest.
    A name chosen by the caller is replaced on purpose.
    """
    if given:
        os.replace(temporary, target)
        return target
    suffix = target.name[len(f"study-{_stamp(now)}") :]  # .db or .db.zst
    moment = now
    while True:
        try:
            os.link(temporary, target)  # fails if the name is taken, unlike a rename
        except FileExistsError:
            moment += timedelta(seconds=1)
            target = target.with_name(f"study-{_stamp(moment)}{suffix}")
            continue
        except OSError:  # a file system without hard links: check, then rename
            if target.exists():
                moment += timedelta(seconds=1)
                target = target.with_name(f"study-{_stamp(moment)}{suffix}")
                continue
            os.replace(temporary, target)
            return target
        temporary.unlink()
        return target


def _discard(path: Path) -> None:
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
    """The regular backups of ``database`` (``study-*.db``), newest first.

    Newest by when the file was written, not by its name: the name's time comes from the
    system clock, which may have been wrong (a backup named in the future must not
    outrank every later one).
    """
    return _backups_in(backup_folder(database))


def _backups_in(folder: Path) -> list[BackupInfo]:
    if not folder.is_dir():
        return []
    found: list[tuple[float, BackupInfo]] = []
    for path in folder.iterdir():
        match = BACKUP_NAME.fullmatch(path.name)
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
    """Copies kept by restore and repair (``replaced-``, ``damaged-``, ``before-repair-``)."""
    folder = backup_folder(database)
    if not folder.is_dir():
        return []
    prefixes = ("replaced-", "damaged-", "before-repair-")
    return sorted(p for p in folder.iterdir() if p.name.startswith(prefixes))


def prune_backups(folder: Path, kept: int, *, keep: Path | None = None) -> list[Path]:
    """Delete all but the newest ``kept`` (at least 1) regular backups in ``folder``, by
    when they were written; ``keep`` (the backup just made) is never deleted."""
    backups = _backups_in(folder)
    removed: list[Path] = []
    for info in backups[max(kept, 1) :]:
        if keep is not None and info.path == keep:
            continue
        info.path.unlink(missing_ok=True)  # two processes may prune at once
        removed.append(info.path)
    return removed


def _restore_hint(database: Path) -> str:
    """Where a database is missing: the backups and kept copies of it that exist ("" if none)."""
    folder = backup_folder(database)
    backups = list_backups(database)
    if backups:
        return (
            f"; {folder} holds its backups: restore the newest with "
            f"`study backup --restore {backups[0].path.name}`"
        )
    copies = other_copies(database)
    if copies:
        return (
            f"; {folder} holds {copies[-1].name}, kept by a restore or repair: "
            "`study backup --list` shows what can be restored"
        )
    return ""


def refuse_new_beside_backups(database: Path) -> None:
    """Refuse to create an empty database where a lost one's backups or copies are.

    A database that vanished (a restore killed half-way, a file deleted by mistake) must
    not be replaced silently by an empty one: the learner is told how to restore it.
    """
    if database.exists() or any(database.parent.glob("*.db")):
        return  # another database lives here: the backups may be its own
    hint = _restore_hint(database)
    if hint:
        raise StorageError(
            f"no database at {database}{hint}; or, to start anew with an empty database, "
            f"move {backup_folder(database)} away first"
        )


def daily_backup_due(database: Path, now: datetime, settings: Settings) -> bool:
    """Whether no backup was taken yet on the learner's current study day."""
    if not settings.daily_backup or not database.is_file():
        return False
    backups = list_backups(database)
    if not backups:
        return True
    today = study_day(now, settings.zone, settings.day_starts_at)
    newest = study_day(backups[0].taken_at, settings.zone, settings.day_starts_at)
    return newest != today


@dataclass
class BackgroundBackup:
    """The daily backup running in its own thread."""

    database: Path
    thread: threading.Thread | None = None
    path: Path | None = None
    error: str | None = None
    done: threading.Event = field(default_factory=threading.Event)

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until the backup is finished (or was not needed); False on timeout."""
        return self.done.wait(timeout)


_running: list[BackgroundBackup] = []
_running_lock = threading.Lock()


def _wait_at_exit() -> None:
    deadline = time.monotonic() + EXIT_WAIT_SECONDS
    with _running_lock:
        running = list(_running)
    for job in running:
        job.wait(max(0.0, deadline - time.monotonic()))


atexit.register(_wait_at_exit)


def start_daily_backup(database: Path, settings: Settings, now: datetime) -> BackgroundBackup:
    """Start the once-a-day backup in a background thread and return at once.

    The thread decides whether a backup is due (none yet on this study day), makes it and
    prunes old ones. It never raises: a failure is kept in ``error`` (``study doctor``
    shows how old the newest backup is), so a failed backup never stops a study session.
    """
    job = BackgroundBackup(database)

    def run() -> None:
        try:
            if daily_backup_due(database, now, settings):
                job.path = make_backup(database, now=now, kept=settings.backups_kept)
        except (StorageError, OSError, sqlite3.Error, ValueError) as error:
            job.error = str(error)
        finally:
            job.done.set()
            with _running_lock:
                if job in _running:
                    _running.remove(job)

    job.thread = threading.Thread(target=run, name="study-daily-backup", daemon=True)
    with _running_lock:
        _running.append(job)
    job.thread.start()
    return job


def backup_before_migration(database: Path, version: int, now: datetime, kept: int) -> Path:
    """The backup taken before a database at schema ``version`` is upgraded."""
    try:
        return make_backup(database, now=now, kept=max(kept, 1))
    except BackupError as error:
        raise BackupError(
            f"{error}; the database was not upgraded (it is still at version {version})"
        ) from None


# ------------------------------------------------------------------ restore


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
            closing(_connect(plain, read_only=True)) as connection,
        ):
            problems = _integrity(connection)
            if problems != ["ok"]:
                raise RestoreError(f"{path}: this backup is damaged ({problems[0]}); pick another")
            version = _version_of(connection)
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
        connection, _note = _read_only(path)
        with closing(connection):
            return "sound" if _integrity(connection, quick=True) == ["ok"] else "damaged"
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
    stamp = _stamp(now)
    temporary = target.with_name(f".{target.name}.restore{PARTIAL_SUFFIX}")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        condition = _condition(target)
        if condition == "sound":
            kept = make_backup(target, now=now, name=f"replaced-{stamp}.db", verify=False)
            with (
                closing(_connect(plain, read_only=True)) as source,
                closing(_connect(target)) as destination,
            ):
                source.backup(destination)
            return RestoreResult(backup, version, kept)
        temporary.unlink(missing_ok=True)
        _copy(plain, temporary, verify=True)
        with open(temporary, "rb") as handle:
            os.fsync(handle.fileno())
        kept_copy: Path | None = None
        if condition == "damaged":
            kept_copy = folder / f"damaged-{stamp}.db"
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
        _discard(temporary)
        raise StorageError(
            f"{target}: the restore failed ({error}); nothing was replaced: close every "
            "study window and try again"
        ) from None
    except OSError as error:
        _discard(temporary)
        raise StorageError(
            f"cannot restore into {target} ({error.strerror or error}); nothing was "
            "replaced: free some disk space or check the folder's permissions"
        ) from None
    except BaseException:
        _discard(temporary)
        raise


def _keep(part: Path, copy: Path) -> None:
    """Keep ``part`` as ``copy`` without moving it: a hard link (no space needed), else a copy."""
    try:
        os.link(part, copy)
    except OSError:
        shutil.copyfile(part, copy)


# ------------------------------------------------------------------ doctor


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
      AND NOT EXISTS (SELECT 1 FROM review AS u WHERE u.cancels_id = l.id)
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
        raise UserError(f"no database at {database}; nothing to examine{_restore_hint(database)}")
    report = DoctorReport(database)
    backups = list_backups(database)
    report.newest_backup = backups[0] if backups else None
    try:
        connection, report.note = _read_only(database)
        report.integrity = _integrity(connection)
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
    report.schema_version = _version_of(connection)
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
    copy = make_backup(database, now=now, name=f"before-repair-{_stamp(now)}.db", verify=False)
    fixed: dict[str, int] = {}
    try:
        with closing(_connect(database)) as connection:
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
