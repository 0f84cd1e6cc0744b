"""Everything a command or screen needs, opened once: settings, database, learner, clock."""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from datetime import date, datetime

from study.domain.clock import Clock, SystemClock, study_day
from study.domain.config import DEFAULT_PROFILE, Settings, database_url, load_settings, profile_name
from study.services.library import sync_bundled_decks
from study.services.maintenance import (
    EXIT_WAIT_SECONDS,
    SERVER_BACKUP,
    BackgroundBackup,
    backup_before_migration,
    immutable_url,
    refuse_new_beside_backups,
    server_backup_notice,
    start_daily_backup,
    why_read_only,
)
from study.storage.database import (
    SCHEMA_VERSION,
    Database,
    Session,
    open_database,
    shown_name,
    sqlite_path,
)
from study.storage.errors import NotFoundError
from study.storage.learners import (
    find_learner,
    get_or_create_learner,
    learner_named,
    list_learners,
)
from study.storage.models import Learner


@dataclass
class Workspace:
    """An open database for one learner, with the settings and the clock."""

    settings: Settings
    database: Database
    learner_id: int
    learner_name: str
    clock: Clock = field(default_factory=SystemClock)
    backup: BackgroundBackup | None = None  # today's backup, running in the background
    # Lines for the learner from opening (a backup study cannot make on a server).
    notices: list[str] = field(default_factory=list)
    note: str = ""  # how the database was opened, when not as usual (read as immutable)

    def today(self) -> date:
        """The learner's current study day."""
        return study_day(self.clock.now(), self.settings.zone, self.settings.day_starts_at)

    def close(self) -> None:
        """Let today's backup finish (it started with the workspace), then release the database.

        Bounded like the wait at exit, so closing never hangs on a stuck disk.
        """
        if self.backup is not None:
            self.backup.wait(EXIT_WAIT_SECONDS)
        self.database.close()


def open_workspace(
    db: str | None = None,
    profile: str | None = None,
    *,
    clock: Clock | None = None,
    settings: Settings | None = None,
    sync_bundled: bool = True,
    create_profile: bool = True,
    read_only: bool = False,
) -> Workspace:
    """Open the database (migrating it), import bundled decks that are new, find the learner.

    With ``create_profile=False`` (the command line) a profile other than ``default``
    must exist: NotFoundError lists the profiles. ``read_only`` (a command that only
    reads): where the database's folder cannot be written (a full disk, a read-only
    folder), the file is read as immutable instead of failing, and nothing is imported,
    created or backed up.
    """
    settings = settings or load_settings()
    clock = clock or SystemClock()
    url = database_url(db)
    path = sqlite_path(url)
    name = profile_name(profile)
    if read_only and path is not None:
        fallback = immutable_url(path)
        if fallback is not None:
            database = open_database(fallback)
            with database.session() as session:
                reader = find_learner(session, name)
            assert reader.id is not None
            note = f"{path} {why_read_only(path)}"
            return Workspace(settings, database, reader.id, name, clock, note=note)

    notices: list[str] = []

    def backup_first(_database: Database, version: int) -> None:
        if path is not None:  # a migration never starts without a backup of the file
            backup_before_migration(path, version, clock.now(), settings.backups_kept)
        else:
            notices.append(
                f"{shown_name(url)}: upgraded from schema version {version} to "
                f"{SCHEMA_VERSION} without a backup; {SERVER_BACKUP}"
            )

    if path is not None:
        refuse_new_beside_backups(path)  # a lost database is restored, not replaced
    database = open_database(url, synchronous=settings.synchronous, before_migration=backup_first)
    now = clock.now()
    if sync_bundled:
        sync_bundled_decks(database, now)
    with database.session() as session:  # a read: only a new profile waits for the lock
        learner = learner_named(session, name)
    if learner is None:
        try:
            learner = database.write(lambda session: _learner(session, name, now, create_profile))
        except NotFoundError:
            database.close()
            raise
    assert learner.id is not None
    # In a thread: the first card never waits for the backup (see study.services.maintenance).
    backup = start_daily_backup(path, settings, now) if path and settings.daily_backup else None
    notice = server_backup_notice(url, now, settings)
    notices += [notice] if notice else []
    return Workspace(settings, database, learner.id, name, clock, backup, notices)


def _learner(session: Session, name: str, now: datetime, create: bool) -> Learner:
    """The profile ``name``: ``default`` is made on first use, any other must exist unless
    ``create`` (a typo must not silently become a new, empty learner)."""
    if create or name == DEFAULT_PROFILE:
        return get_or_create_learner(session, name, now)
    learners = [learner for learner, _ in list_learners(session)]
    for learner in learners:
        if learner.name == name:
            return learner
    names = ", ".join(sorted({DEFAULT_PROFILE} | {learner.name for learner in learners}))
    raise NotFoundError(
        f"no profile {name!r} (profiles: {names}); "
        f"create it with `study profile add {shlex.quote(name)}`"
    )
