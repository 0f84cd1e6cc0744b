"""Keeping the learner's database safe: backups, restore, and the doctor.

Everything here works on the SQLite file directly (``sqlite3``), not through the app's
engine, so it still works when the database cannot be opened by the app: a damaged
file, or a schema this version does not read.

Backups are consistent copies made with SQLite's online backup API (a snapshot even
while another process grades), checked with ``PRAGMA integrity_check`` before they are
given their final name, and written under a temporary name first, so a backup that
was interrupted (the process killed, the disk full) never looks like a good one.
They live in ``backups/`` next to the database file, named after its stem, as
``study-YYYYMMDD-HHMMSS.db.zst`` for ``study.db`` (UTC time; compressed,
:mod:`study.services.backup_files`; ``.db``: a plain file, as made before schema version 9); the
newest ``backups_kept`` of those are kept. Copies made by a restore
(``replaced-*.db``, ``damaged-*``) or before a repair (``before-repair-*.db``), named
after the database too, are never deleted automatically.

The daily backup runs in a daemon thread: the first card is never delayed. A process
that exits while it runs waits for it at most :data:`EXIT_WAIT_SECONDS` (it takes well
under a second for a database of years of reviews); past that the copy is abandoned,
its temporary file is removed by a later backup, and the next start tries again.

The modules: ``sqlite_files`` opens the file with plain sqlite3; ``backups`` makes, lists
and prunes backups; ``daily`` runs the daily one; ``restoring`` puts one back; ``health``
is the doctor and the repair.
"""

from study.services.maintenance.backups import (
    PARTIAL_SUFFIX,
    backup_before_migration,
    backup_folder,
    list_backups,
    make_backup,
    other_copies,
    refuse_new_beside_backups,
)
from study.services.maintenance.daily import (
    EXIT_WAIT_SECONDS,
    SERVER_BACKUP,
    BackgroundBackup,
    server_backup_notice,
    start_daily_backup,
)
from study.services.maintenance.health import doctor, repair
from study.services.maintenance.restoring import RestoreError, check_backup, restore
from study.storage.sqlite_files import database_file, immutable_url, why_read_only

__all__ = [
    "EXIT_WAIT_SECONDS",
    "PARTIAL_SUFFIX",
    "SERVER_BACKUP",
    "BackgroundBackup",
    "RestoreError",
    "backup_before_migration",
    "backup_folder",
    "check_backup",
    "database_file",
    "doctor",
    "immutable_url",
    "list_backups",
    "make_backup",
    "other_copies",
    "refuse_new_beside_backups",
    "repair",
    "restore",
    "server_backup_notice",
    "start_daily_backup",
    "why_read_only",
]
