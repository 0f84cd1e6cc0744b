"""A learner's database survives a full disk, a wrong clock and a half-done restore
(issue 21, D2 and D3): restore never moves a database aside before its replacement is
complete and checked, a full disk is told apart from damage, no empty database replaces
a lost one silently, and pruning never deletes the backup it just reported."""

from __future__ import annotations

import errno
import os
import random
import sqlite3
import subprocess
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from reliability_helpers import (
    PYTHON,
    can_unshare,
    env_for,
    filled_database,
    fingerprint,
    integrity,
    kill_after_ready,
)

from study.domain.config import Settings
from study.domain.errors import StorageError
from study.services import maintenance
from study.services.maintenance import list_backups, make_backup, restore, restoring
from study.services.workspace import open_workspace
from study.storage import sqlite_files

NOW = datetime(2026, 1, 12, 18, 0, tzinfo=UTC)
ROOT = os.geteuid() == 0


def _damage(db: Path) -> bytes:
    with open(db, "r+b") as file:
        file.write(b"this is not a database header!!!")
    return db.read_bytes()


def test_a_restore_that_runs_out_of_space_leaves_the_damaged_database_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = filled_database(tmp_path, NOW)
    backup = make_backup(db, now=NOW)
    damaged = _damage(db)

    def disk_full(*_args: Any, **_kwargs: Any) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(restoring, "copy_database", disk_full)
    with pytest.raises(StorageError, match="nothing was replaced: free some disk space"):
        restore(backup, db, now=NOW + timedelta(minutes=1))
    assert db.read_bytes() == damaged  # still there, untouched: the learner can retry
    assert not list(tmp_path.glob(".study.db.restore*"))


def test_a_restore_cut_short_before_its_rename_leaves_a_database_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = filled_database(tmp_path, NOW)
    backup = make_backup(db, now=NOW)
    damaged = _damage(db)
    real_replace = os.replace

    def killed(source: Any, target: Any) -> None:
        if Path(target) == db:
            raise OSError(errno.EIO, "killed")
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", killed)
    with pytest.raises(StorageError):
        restore(backup, db, now=NOW + timedelta(minutes=1))
    assert db.read_bytes() == damaged
    monkeypatch.setattr(os, "replace", real_replace)
    result = restore(backup, db, now=NOW + timedelta(minutes=2))
    assert integrity(db) == ["ok"] and result.kept_copy is not None
    assert result.kept_copy.read_bytes() == damaged


def test_no_empty_database_is_created_where_backups_of_a_lost_one_are(
    run_study: Any, db_path: Path
) -> None:
    assert run_study("decks").exit_code == 0
    assert run_study("backup").exit_code == 0
    backup = list_backups(db_path)[0]
    db_path.unlink()
    result = run_study("decks")
    assert result.exit_code == 1
    [line] = result.stderr.strip().splitlines()
    assert f"no database at {db_path}" in line
    # with --db: without it, the command would restore into the default database
    assert f"study --db {db_path} backup --restore {backup.path.name}" in line
    assert not db_path.exists()
    assert f"--restore {backup.path.name}" in run_study("doctor").stderr
    assert run_study("backup", "--restore", backup.path.name, "--yes").exit_code == 0
    assert run_study("decks").exit_code == 0


def test_a_moved_aside_copy_alone_also_stops_a_new_database(run_study: Any, db_path: Path) -> None:
    folder = db_path.parent / "backups"
    folder.mkdir()
    (folder / "damaged-20260112-180000.db").write_bytes(b"x" * 100)
    result = run_study("decks")
    assert result.exit_code == 1
    assert "damaged-20260112-180000.db" in result.stderr and "--list" in result.stderr
    assert not db_path.exists()


def test_pruning_keeps_the_newest_written_backups_whatever_their_names(tmp_path: Path) -> None:
    db = filled_database(tmp_path, NOW)
    ahead = NOW + timedelta(days=400)  # the clock ran ahead, then was corrected
    for day in range(3):
        made = make_backup(db, now=ahead + timedelta(days=day))
        os.utime(made, (NOW.timestamp() - 3600 + day, NOW.timestamp() - 3600 + day))
    newest = make_backup(db, now=NOW, kept=2)
    assert newest.is_file()  # the backup reported exists
    names = [info.path.name for info in list_backups(db)]
    assert names[0] == newest.name and len(names) == 2
    assert names[1] == f"study-{(ahead + timedelta(days=2)):%Y%m%d-%H%M%S}.db.zst"


def test_backups_kept_is_at_least_one(run_study: Any, db_path: Path, tmp_path: Path) -> None:
    result = run_study("config", "backups_kept", "0")
    assert result.exit_code == 2 and "at least 1" in result.stderr
    db = filled_database(tmp_path / "x", NOW)
    made = make_backup(db, now=NOW, kept=0)
    assert [info.path for info in list_backups(db)] == [made]


# A 2 MB filesystem: a database and its backup, then the disk filled to the last byte.
# The doctor must say "full disk", not "damaged"; restore must refuse and change nothing.
FULL_DISK = r"""
set -e
mount -t tmpfs -o size=2m tmpfs "$DIR"
run() { "$PY" -c "from study.cli import main; main()" --db "$DIR/study.db" "$@"; }
run profile list > /dev/null
run backup > /dev/null
NAME=$(ls "$DIR/backups" | tail -1)
# No -shm left by a reader: a WAL reader must then create one, which a full disk refuses.
[ -s "$DIR/study.db-wal" ] || rm -f "$DIR/study.db-wal" "$DIR/study.db-shm"
echo "BEFORE $(sha256sum < "$DIR/study.db")"
dd if=/dev/zero of="$DIR/filler" bs=1k 2>/dev/null || true
set +e
run doctor > "$OUT/doctor.out" 2>&1
echo "DOCTOR $?"
run backup --restore "$NAME" --yes > "$OUT/restore.out" 2> "$OUT/restore.err"
echo "RESTORE $?"
set -e
rm "$DIR/filler"
echo "AFTER $(sha256sum < "$DIR/study.db")"
run doctor > /dev/null
echo "HEALTHY $?"
"""


@pytest.mark.skipif(not can_unshare(), reason="needs a mount namespace for a small filesystem")
def test_on_a_full_disk_the_doctor_says_so_and_restore_changes_nothing(tmp_path: Path) -> None:
    disk = tmp_path / "disk"
    disk.mkdir()
    env = env_for(tmp_path / "home") | {"DIR": str(disk), "PY": PYTHON, "OUT": str(tmp_path)}
    command = ["unshare", "-m" if ROOT else "-rm", "sh", "-c", FULL_DISK]
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    report = dict(line.split(" ", 1) for line in result.stdout.splitlines())
    doctor = (tmp_path / "doctor.out").read_text()
    assert "integrity: ok" in doctor, doctor  # read without its -shm file
    assert "is full" in doctor and "restore a backup" not in doctor.replace("do not restore", "")
    restore_err = (tmp_path / "restore.err").read_text()
    assert report["RESTORE"] == "1", restore_err
    assert "Traceback" not in restore_err and len(restore_err.strip().splitlines()) == 1
    assert "free some disk space" in restore_err
    assert report["AFTER"] == report["BEFORE"]
    assert report["HEALTHY"] == "0"


def test_the_doctor_on_an_unreadable_folder_says_it_is_not_damage(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = filled_database(tmp_path, NOW)
    before = fingerprint(db)
    real_connect = sqlite_files.connect

    def no_shm(path: Path, **kwargs: Any) -> sqlite3.Connection:
        connection = real_connect(path, **kwargs)
        if kwargs.get("read_only"):
            connection.close()
            raise sqlite3.OperationalError("disk I/O error")  # what a full disk gives
        return connection

    monkeypatch.setattr(sqlite_files, "connect", no_shm)
    with open(f"{db}-wal", "wb") as wal:  # changes not yet in the file: cannot be read
        wal.write(b"x" * 32)
    report = maintenance.doctor(db, today=NOW.date())
    assert not report.opened and report.blocked
    assert "not damage, do not restore" in report.problems[0]
    os.unlink(f"{db}-wal")
    report = maintenance.doctor(db, today=NOW.date())
    assert report.opened and report.integrity == ["ok"] and report.note
    with closing(sqlite3.connect(db)) as connection:
        assert connection.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    assert fingerprint(db) == before


RESTORE = r"""
import sys
from datetime import UTC, datetime
from pathlib import Path
from study.services.maintenance import restore
print("READY", flush=True)
restore(Path(sys.argv[1]), Path(sys.argv[2]), now=datetime.now(UTC))
print("DONE", flush=True)
"""


def test_a_restore_killed_at_any_moment_leaves_a_database_in_place(tmp_path: Path) -> None:
    db = filled_database(tmp_path, NOW, 20_000)  # a few MB: the copy takes a while
    backup = make_backup(db, now=NOW)
    rng = random.Random(21)
    for _ in range(8):
        damaged = _damage(db)
        kill_after_ready(RESTORE, [str(backup), str(db)], tmp_path / "home", rng, 0.3)
        assert db.is_file()  # never "no study.db"
        assert db.read_bytes() == damaged or integrity(db) == ["ok"]


def test_a_new_database_beside_another_ones_backups_is_allowed(tmp_path: Path) -> None:
    db = filled_database(tmp_path, NOW)
    make_backup(db, now=NOW)
    other = tmp_path / "other.db"
    workspace = open_workspace(str(other), settings=Settings(daily_backup=False))
    workspace.close()
    assert other.is_file()
