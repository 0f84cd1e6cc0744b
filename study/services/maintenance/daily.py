"""The once-a-day backup: due when none was taken on the learner's study day, run in a
daemon thread so the first card is never delayed, and waited for at exit at most
:data:`EXIT_WAIT_SECONDS`. On a database server the learner is told, once a day, to use
the server's own tools instead."""

from __future__ import annotations

import atexit
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from study.domain.clock import study_day
from study.domain.config import Settings, data_dir
from study.services.maintenance.backups import list_backups, make_backup
from study.storage.database import StorageError, shown_name, sqlite_path

EXIT_WAIT_SECONDS = 10.0

# What to do instead on a database server: said in one line wherever study would back up.
SERVER_BACKUP = (
    "study backs up SQLite files only; back up a database server with its own tools "
    "(PostgreSQL: pg_dump -Fc DBNAME > study.dump)"
)


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
