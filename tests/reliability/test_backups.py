"""Backups are consistent copies, made daily in the background and before upgrades, the
last N kept; restore checks the backup first and keeps what it replaces."""

from __future__ import annotations

import os
import sqlite3
import threading
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from reliability_helpers import filled_database, fingerprint, integrity, plain

from study.domain.clock import FixedClock
from study.domain.config import Settings
from study.services import maintenance
from study.services.maintenance import (
    RestoreError,
    check_backup,
    daily,
    list_backups,
    make_backup,
    restore,
)
from study.services.session import StudySession
from study.services.workspace import open_workspace
from study.storage.database import SCHEMA_VERSION

NOW = datetime(2026, 1, 12, 18, 0, tzinfo=UTC)
SETTINGS = Settings(timezone="Europe/London", backups_kept=3)


def _count(db: Path, table: str = "card") -> int:
    with plain(db) as path, closing(sqlite3.connect(path)) as connection:
        return int(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def test_a_backup_holds_what_was_committed_and_not_what_was_being_written(tmp_path: Path) -> None:
    db = filled_database(tmp_path, NOW)
    writer = sqlite3.connect(db, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("DELETE FROM note_tag")
    writer.execute("DELETE FROM card")  # not committed while the backup runs
    backup = make_backup(db, now=NOW)
    writer.execute("ROLLBACK")
    writer.close()
    assert backup.name == "study-20260112-180000.db.zst"  # compressed
    assert _count(backup) == 20 and integrity(backup) == ["ok"]
    assert not list(backup.parent.glob(f"*{maintenance.PARTIAL_SUFFIX}"))
    assert not Path(f"{backup}-wal").exists()  # a standalone file


def test_only_the_newest_backups_are_kept(tmp_path: Path) -> None:
    db = filled_database(tmp_path, NOW)
    for day in range(6):
        make_backup(db, now=NOW + timedelta(days=day), kept=3)
    names = [info.path.name for info in list_backups(db)]
    assert names == [f"study-2026011{d}-180000.db.zst" for d in (7, 6, 5)]


def test_the_daily_backup_runs_once_per_study_day(tmp_path: Path) -> None:
    db = filled_database(tmp_path, NOW)
    clock = FixedClock(NOW)
    for hours, expected in [(0, 1), (5, 1), (12, 2), (13, 2)]:  # the day starts at 04:00
        clock.current = NOW + timedelta(hours=hours)
        workspace = open_workspace(str(db), clock=clock, settings=SETTINGS, sync_bundled=False)
        assert workspace.backup is not None and workspace.backup.wait(30)
        assert workspace.backup.error is None
        workspace.close()
        assert len(list_backups(db)) == expected, hours


def test_the_daily_backup_never_delays_the_first_card(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = filled_database(tmp_path, NOW)
    gate = threading.Event()
    real = daily.make_backup

    def slow_backup(*args: object, **kwargs: object) -> Path:
        assert gate.wait(30)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(daily, "make_backup", slow_backup)
    workspace = open_workspace(
        str(db), clock=FixedClock(NOW), settings=SETTINGS, sync_bundled=False
    )
    session = StudySession(workspace.database, workspace.learner_id, SETTINGS, workspace.clock)
    assert session.current() is not None
    session.grade(5, 1000)  # graded while the backup still waits
    assert workspace.backup is not None and not workspace.backup.done.is_set()
    gate.set()
    assert workspace.backup.wait(30) and workspace.backup.path is not None
    workspace.close()
    assert _count(workspace.backup.path, "review") in (0, 1)


def test_restore_replaces_the_database_and_keeps_the_one_it_replaced(tmp_path: Path) -> None:
    db = filled_database(tmp_path, NOW)
    backup = make_backup(db, now=NOW)
    saved = fingerprint(backup)
    other = sqlite3.connect(db)  # another window still has it open
    with closing(sqlite3.connect(db)) as connection:
        connection.execute("DELETE FROM note_tag")
        connection.execute("DELETE FROM card")
        connection.commit()
    changed = fingerprint(db)

    result = restore(backup, db, now=NOW + timedelta(minutes=1))

    assert _count(db) == 20 and integrity(db) == ["ok"]
    assert other.execute("SELECT count(*) FROM card").fetchone()[0] == 20
    other.close()
    assert result.kept_copy is not None and result.kept_copy.name.startswith("replaced-")
    assert fingerprint(result.kept_copy) == changed
    assert fingerprint(backup) == saved  # the backup itself is untouched
    assert result.version == SCHEMA_VERSION


def test_restore_over_a_damaged_database_moves_the_damaged_file_aside(tmp_path: Path) -> None:
    db = filled_database(tmp_path, NOW)
    backup = make_backup(db, now=NOW)
    damaged = b"garbage" * 1000
    db.write_bytes(damaged)
    result = restore(backup, db, now=NOW)
    assert result.kept_copy is not None and result.kept_copy.read_bytes() == damaged
    assert _count(db) == 20 and integrity(db) == ["ok"]


@pytest.mark.parametrize("problem", ["damaged", "not study", "newer", "missing"])
def test_restore_refuses_a_bad_backup_and_changes_nothing(tmp_path: Path, problem: str) -> None:
    db = filled_database(tmp_path, NOW)
    candidate = tmp_path / "candidate.db"
    if problem == "damaged":
        data = make_backup(db, now=NOW).read_bytes()
        candidate.write_bytes(data[:4096] + b"\x00" * 4096 + data[8192:])
    elif problem == "not study":
        with closing(sqlite3.connect(candidate)) as connection:
            connection.execute("CREATE TABLE notes (text)")
    elif problem == "newer":
        with plain(make_backup(db, now=NOW)) as unpacked:
            candidate.write_bytes(unpacked.read_bytes())
        with closing(sqlite3.connect(candidate)) as connection:
            connection.execute("UPDATE schema_info SET version = ?", (SCHEMA_VERSION + 1,))
            connection.commit()
    before = fingerprint(db)
    with pytest.raises(RestoreError):
        check_backup(candidate)
    with pytest.raises(RestoreError):
        restore(candidate, db, now=NOW)
    assert fingerprint(db) == before
    assert (
        not list((tmp_path / "backups").glob("replaced-*"))
        if (tmp_path / "backups").exists()
        else True
    )


def test_an_interrupted_backup_never_looks_like_a_backup(tmp_path: Path) -> None:
    db = filled_database(tmp_path, NOW)
    folder = maintenance.backup_folder(db)
    folder.mkdir()
    leftover = folder / f".study-20260101-000000.db.1.1{maintenance.PARTIAL_SUFFIX}"
    leftover.write_bytes(b"half a copy")
    assert list_backups(db) == []
    os.utime(leftover, (0, 0))  # long ago: the process that wrote it is gone
    make_backup(db, now=NOW)
    assert not leftover.exists()
    assert [info.path.name for info in list_backups(db)] == ["study-20260112-180000.db.zst"]


def test_backup_and_restore_from_the_command_line(run_study, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert run_study("profile", "add", "ana").exit_code == 0
    made = run_study("backup")
    assert made.exit_code == 0 and "backed up to" in made.stdout
    name = made.stdout.split("/")[-1].strip()
    assert name in run_study("backup", "--list").stdout
    assert run_study("profile", "remove", "ana", "--yes").exit_code == 0
    refused = run_study("backup", "--restore", name, input="n\n")
    assert refused.exit_code == 1 and "ana" not in run_study("profile", "list").stdout
    done = run_study("backup", "--restore", name, input="y\n")
    assert done.exit_code == 0, done.stderr
    assert "ana" in run_study("profile", "list").stdout


def test_two_backups_in_the_same_second_keep_both_copies_in_order(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from study.services.maintenance import list_backups, make_backup
    from study.storage.database import open_database

    db = tmp_path / "study.db"
    open_database(f"sqlite:///{db}").close()
    moment = datetime(2026, 11, 27, 0, 45, tzinfo=UTC)
    first = make_backup(db, now=moment)
    second = make_backup(db, now=moment)
    assert first != second and first.exists() and second.exists()
    assert [b.path for b in list_backups(db)] == [second, first]  # newest first


def test_a_plain_backup_made_before_compression_is_listed_and_restored(tmp_path: Path) -> None:
    db = filled_database(tmp_path, NOW)
    folder = maintenance.backup_folder(db)
    folder.mkdir()
    older = folder / "study-20260101-180000.db"  # what study wrote up to schema version 8
    with closing(sqlite3.connect(db)) as source, closing(sqlite3.connect(older)) as copy:
        source.backup(copy)
    os.utime(older, (NOW.timestamp() - 86400, NOW.timestamp() - 86400))
    newer = make_backup(db, now=NOW)
    assert [info.path for info in list_backups(db)] == [newer, older]
    with closing(sqlite3.connect(db)) as connection:
        connection.execute("DELETE FROM note_tag")
        connection.execute("DELETE FROM card")
        connection.commit()
    assert check_backup(older) == SCHEMA_VERSION
    restore(older, db, now=NOW + timedelta(minutes=1))
    assert _count(db) == 20 and integrity(db) == ["ok"]


def test_a_compressed_backup_is_a_third_of_the_database_and_restores_it(tmp_path: Path) -> None:
    db = filled_database(tmp_path, NOW, cards=2000)
    saved = fingerprint(db)
    backup = make_backup(db, now=NOW)
    assert backup.stat().st_size < db.stat().st_size / 2
    with closing(sqlite3.connect(db)) as connection:
        connection.execute("DELETE FROM note_tag")
        connection.execute("DELETE FROM card")
        connection.commit()
    restore(backup, db, now=NOW + timedelta(minutes=1))
    assert fingerprint(db) == saved
    assert not list(tmp_path.glob(f".*{maintenance.PARTIAL_SUFFIX}"))  # the unpacked copy
    assert not list(backup.parent.glob(f".*{maintenance.PARTIAL_SUFFIX}"))


def test_a_damaged_compressed_backup_is_refused_and_nothing_changes(tmp_path: Path) -> None:
    db = filled_database(tmp_path, NOW)
    backup = make_backup(db, now=NOW)
    data = backup.read_bytes()
    backup.write_bytes(data[: len(data) // 2])  # cut short
    before = fingerprint(db)
    with pytest.raises(RestoreError, match="pick another"):
        restore(backup, db, now=NOW)
    assert fingerprint(db) == before
    assert not list(tmp_path.glob(f".*{maintenance.PARTIAL_SUFFIX}"))


def _second_database(folder: Path, name: str) -> Path:
    """Another database in ``folder`` (the same content as ``folder/study.db``)."""
    other = folder / name
    with (
        closing(sqlite3.connect(folder / "study.db")) as source,
        closing(sqlite3.connect(other)) as copy,
    ):
        source.backup(copy)
    return other


def test_two_databases_in_one_folder_each_keep_their_own_backups(tmp_path: Path) -> None:
    db = filled_database(tmp_path, NOW)
    other = _second_database(tmp_path, "class.db")
    for day in range(5):  # interleaved: each prune sees the other's backups beside its own
        make_backup(db, now=NOW + timedelta(days=day), kept=2)
        make_backup(other, now=NOW + timedelta(days=day, minutes=1), kept=3)
    assert [info.path.name for info in list_backups(db)] == [
        f"study-2026011{d}-180000.db.zst" for d in (6, 5)
    ]
    assert [info.path.name for info in list_backups(other)] == [
        f"class-2026011{d}-180100.db.zst" for d in (6, 5, 4)
    ]
    assert len(list(maintenance.backup_folder(db).iterdir())) == 5


def test_backup_list_and_restore_offer_only_the_databases_own_backups(
    run_study: Any, db_path: Path
) -> None:
    other = db_path.parent / "class.db"
    assert run_study("profile", "add", "ana").exit_code == 0
    assert run_study("--db", str(other), "profile", "add", "ben").exit_code == 0
    ours = run_study("backup").stdout.split("/")[-1].strip()
    theirs = run_study("--db", str(other), "backup").stdout.split("/")[-1].strip()
    assert ours.startswith(f"{db_path.stem}-") and theirs.startswith("class-")
    listed = run_study("--db", str(other), "backup", "--list").stdout
    assert theirs in listed and ours not in listed
    listed = run_study("backup", "--list").stdout
    assert ours in listed and theirs not in listed
    other.unlink()  # lost: its own backup is offered, the other database's is not
    refused = run_study("--db", str(other), "profile", "list")
    assert refused.exit_code == 1 and not other.exists()
    assert f"study --db {other} backup --restore {theirs}`" in refused.stderr
    assert ours not in refused.stderr
    restored = run_study("--db", str(other), "backup", "--restore", theirs, "--yes")
    assert restored.exit_code == 0, restored.stderr
    assert "ben" in run_study("--db", str(other), "profile", "list").stdout


def test_backups_of_study_db_made_before_they_were_named_after_it_are_still_its_own(
    tmp_path: Path,
) -> None:
    db = filled_database(tmp_path, NOW)
    other = _second_database(tmp_path, "class.db")
    compressed = make_backup(db, now=NOW - timedelta(days=2))
    assert compressed.name == "study-20260110-180000.db.zst"  # the name study always gave
    plain_copy = maintenance.backup_folder(db) / "study-20260111-180000.db"
    with closing(sqlite3.connect(db)) as source, closing(sqlite3.connect(plain_copy)) as copy:
        source.backup(copy)
    for age, path in ((2, compressed), (1, plain_copy)):
        written = NOW.timestamp() - age * 86400
        os.utime(path, (written, written))
    assert [info.path for info in list_backups(db)] == [plain_copy, compressed]
    assert list_backups(other) == []
    newest = make_backup(db, now=NOW, kept=2)
    assert [info.path for info in list_backups(db)] == [newest, plain_copy]
    with closing(sqlite3.connect(db)) as connection:
        connection.execute("DELETE FROM note_tag")
        connection.execute("DELETE FROM card")
        connection.commit()
    restore(plain_copy, db, now=NOW + timedelta(minutes=1))
    assert _count(db) == 20


def test_copies_kept_by_restores_in_the_same_second_belong_to_their_database(
    tmp_path: Path,
) -> None:
    db = filled_database(tmp_path, NOW)
    other = _second_database(tmp_path, "class.db")
    ours, theirs = make_backup(db, now=NOW), make_backup(other, now=NOW)
    older = maintenance.backup_folder(db) / "replaced-20260101-180000.db"  # named before
    older.write_bytes(b"a copy whose database is not known")
    moment = NOW + timedelta(minutes=1)

    kept = restore(ours, db, now=moment).kept_copy
    kept_too = restore(theirs, other, now=moment).kept_copy

    assert kept is not None and kept_too is not None and kept != kept_too
    assert kept.is_file() and kept_too.is_file()  # the second never replaced the first
    assert maintenance.other_copies(db) == [older, kept]
    assert maintenance.other_copies(other) == [older, kept_too]
