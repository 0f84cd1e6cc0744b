"""Everything a command or screen needs, opened once: settings, database, learner, clock."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from study.clock import Clock, SystemClock, study_day
from study.config import Settings, data_dir, load_settings
from study.library import sync_bundled_decks
from study.storage.database import Database, default_url, open_database
from study.storage.repository import get_or_create_learner

DEFAULT_PROFILE = "default"


@dataclass
class Workspace:
    """An open database for one learner, with the settings and the clock."""

    settings: Settings
    database: Database
    learner_id: int
    learner_name: str
    clock: Clock = field(default_factory=SystemClock)

    def today(self) -> date:
        """The learner's current study day."""
        return study_day(self.clock.now(), self.settings.zone, self.settings.day_starts_at)

    def close(self) -> None:
        self.database.close()


def database_url(option: str | None) -> str:
    """``--db``, else ``STUDY_DB``, else the default SQLite file."""
    url = option or os.environ.get("STUDY_DB") or default_url(data_dir())
    if "://" not in url:  # a plain path is taken as an SQLite file
        url = f"sqlite:///{Path(url).expanduser().resolve()}"
    return url


def open_workspace(
    db: str | None = None,
    profile: str | None = None,
    *,
    clock: Clock | None = None,
    settings: Settings | None = None,
    sync_bundled: bool = True,
) -> Workspace:
    """Open the database (migrating it), import bundled decks that are new, find the learner."""
    settings = settings or load_settings()
    clock = clock or SystemClock()
    database = open_database(database_url(db), synchronous=settings.synchronous)
    now = clock.now()
    if sync_bundled:
        sync_bundled_decks(database, now)
    name = profile or os.environ.get("STUDY_PROFILE") or DEFAULT_PROFILE
    learner = database.write(lambda session: get_or_create_learner(session, name, now))
    assert learner.id is not None
    return Workspace(settings, database, learner.id, name, clock)
