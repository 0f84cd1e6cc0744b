"""Every failure a learner can meet at the command line is one clear line on stderr and
a non-zero exit status; `--debug` (a global option) shows the traceback instead."""

from __future__ import annotations

import os
import shlex
import sqlite3
import subprocess
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from reliability_helpers import PYTHON, can_unshare, deck_file, env_for, fingerprint, integrity

from study.services.maintenance import list_backups
from study.storage.database import SCHEMA_VERSION

CLI = "from study.cli import main; main()"
ROOT = os.geteuid() == 0 if hasattr(os, "geteuid") else False


def one_line(result: Any) -> str:
    """The single `study: ...` line of a failure (and nothing else on stderr)."""
    assert result.exit_code != 0, result.stdout
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("study: ")
    return lines[0]


def study_process(home: Path, *args: str, prefix: str = "") -> subprocess.CompletedProcess[str]:
    """The real CLI in a child process, optionally behind a shell ``prefix``."""
    command = [PYTHON, "-c", CLI, *args]
    if prefix:
        command = ["sh", "-c", f"{prefix} && exec {shlex.join(command)}"]
    return subprocess.run(command, capture_output=True, text=True, env=env_for(home), timeout=120)


@pytest.mark.parametrize(
    "args",
    [
        ["--bogus"],
        ["nosuch"],
        ["import"],
        ["import", "--bogus", "x.toml"],
        ["cards", "--deck"],
        ["cards", "--deck", "no-such-deck"],
        ["stats", "--days", "0"],
        ["config", "nosuch", "1"],
        ["config", "new_per_day", "-5"],
        ["config", "timezone", "Mars/Olympus"],
        ["backup", "--list", "--restore", "x.db"],
        ["backup", "--restore", "no-such-backup.db"],
        ["profile", "remove", "ghost", "--yes"],
        ["profile", "add", "bad\x01name"],
        ["--db", "postgresql://nowhere/x", "doctor"],
        ["--db", "postgresql://nowhere/x", "backup"],
    ],
)
def test_bad_arguments_are_one_clear_line(run_study: Callable[..., Any], args: list[str]) -> None:
    line = one_line(run_study(*args))
    assert len(line) < 300


def test_debug_shows_the_traceback_wherever_it_is_among_the_global_options(tmp_path: Path) -> None:
    db = tmp_path / "broken.db"
    db.write_bytes(os.urandom(8192))
    home = tmp_path / "home"
    for args in (
        ["--debug", "--db", str(db), "cards"],
        ["--db", str(db), "--debug", "cards"],
        ["--db", str(db), "--profile", "x", "--debug", "cards"],
    ):
        result = study_process(home, *args)
        assert result.returncode != 0
        assert "Traceback" in result.stderr, args
    quiet = study_process(home, "--db", str(db), "cards")
    assert quiet.returncode == 1 and "Traceback" not in quiet.stderr
    assert "damaged" in quiet.stderr and len(quiet.stderr.strip().splitlines()) == 1


def test_a_database_of_a_newer_schema_is_refused_naming_the_version(
    run_study: Callable[..., Any], db_path: Path
) -> None:
    assert run_study("profile", "list").exit_code == 0
    with closing(sqlite3.connect(db_path)) as connection:
        connection.execute("UPDATE schema_info SET version = ?", (SCHEMA_VERSION + 5,))
        connection.commit()
    before = fingerprint(db_path)
    line = one_line(run_study("cards"))
    assert f"schema version {SCHEMA_VERSION + 5}" in line
    assert fingerprint(db_path) == before


@pytest.mark.parametrize("damage", ["random bytes", "truncated"])
def test_a_damaged_database_is_a_clear_line_and_doctor_and_restore_handle_it(
    run_study: Callable[..., Any], db_path: Path, damage: str
) -> None:
    assert run_study("profile", "add", "someone").exit_code == 0
    assert run_study("backup").exit_code == 0
    with closing(sqlite3.connect(db_path)) as connection:  # everything into the main file
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = db_path.read_bytes()
    db_path.write_bytes(
        os.urandom(len(data)) if damage == "random bytes" else data[: len(data) // 2]
    )
    for suffix in ("-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)

    for command in (["cards"], ["profile", "list"], ["backup"]):
        result = run_study(*command)
        # A truncated file reads fine until a missing page is needed; then one line.
        if result.exit_code == 0 and damage == "truncated":
            continue
        line = one_line(result)
        assert "damaged" in line or "malformed" in line or "not a database" in line, line
    doctor = run_study("doctor")
    assert doctor.exit_code == 1 and "Traceback" not in doctor.stderr
    assert "problem:" in doctor.stdout and "restore" in doctor.stdout

    restored = run_study("backup", "--restore", _newest_backup(db_path).name, "--yes")
    assert restored.exit_code == 0, restored.stderr
    assert integrity(db_path) == ["ok"]
    assert "someone" in run_study("profile", "list").stdout
    assert list((db_path.parent / "backups").glob("damaged-*.db"))  # kept, never deleted


def _newest_backup(db: Path) -> Path:
    return list_backups(db)[0].path


@pytest.mark.parametrize(
    "content",
    [os.urandom(4096), b"", "\u00e9t\u00e9".encode("latin-1")],
    ids=["binary", "empty", "latin-1"],
)
def test_generate_refuses_unusable_material_in_one_line(
    run_study: Callable[..., Any], tmp_path: Path, content: bytes
) -> None:
    source = tmp_path / "material.txt"
    source.write_bytes(content)
    output = tmp_path / "out.toml"
    one_line(run_study("generate", str(source), "-o", str(output)))
    assert not output.exists()


def test_generate_into_a_broken_deck_file_says_nothing_was_written(
    run_study: Callable[..., Any], tmp_path: Path
) -> None:
    source = tmp_path / "gout.md"
    source.write_text("Gout is an arthritis caused by urate crystals.\n", encoding="utf-8")
    output = tmp_path / "gout.toml"
    output.write_text("not toml [[", encoding="utf-8")
    result = run_study("generate", str(source), "-o", str(output))
    assert result.exit_code == 2
    problem, last = result.stderr.strip().splitlines()
    assert problem.startswith(f"{output}:1: invalid TOML")
    # it said "nothing was imported; ... import again" to someone who imported nothing
    assert "import" not in last and "nothing was written" in last and "-o" in last
    assert output.read_text(encoding="utf-8") == "not toml [["


def test_generate_refuses_missing_paths_and_folders_in_one_line(
    run_study: Callable[..., Any], tmp_path: Path
) -> None:
    for source in (tmp_path / "missing.txt", tmp_path):
        one_line(run_study("generate", str(source), "-o", str(tmp_path / "out.toml")))
    assert not (tmp_path / "out.toml").exists()


@pytest.mark.skipif(ROOT, reason="root reads files whatever their permissions")
def test_generate_and_import_refuse_unreadable_files_in_one_line(
    run_study: Callable[..., Any], tmp_path: Path
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("Avascular necrosis is also called osteonecrosis.\n")
    secret.chmod(0)
    one_line(run_study("generate", str(secret), "-o", str(tmp_path / "out.toml")))
    deck = deck_file(tmp_path, "locked", 2)
    deck.chmod(0)
    assert run_study("import", str(deck)).exit_code == 2


def _read_only(folder: Path) -> str | None:
    """A shell prefix making ``folder`` really read-only for the command after it."""
    if not ROOT:
        folder.chmod(0o555)
        return "true"
    if not can_unshare():
        return None
    quoted = shlex.quote(str(folder))
    return f"mount --bind {quoted} {quoted} && mount -o remount,bind,ro {quoted} {quoted}"


def _in_namespace(home: Path, prefix: str, *args: str) -> subprocess.CompletedProcess[str]:
    if prefix == "true":
        return study_process(home, *args)
    command = [
        "unshare",
        "-m" if ROOT else "-rm",
        "sh",
        "-c",
        f"{prefix} && exec {shlex.join([PYTHON, '-c', CLI, *args])}",
    ]
    return subprocess.run(command, capture_output=True, text=True, env=env_for(home), timeout=120)


def test_an_unwritable_data_directory_is_one_clear_line(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    prefix = _read_only(locked)
    if prefix is None:
        pytest.skip("cannot make a read-only folder here")
    home = locked / "home"
    result = _in_namespace(home, prefix, "cards")
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "cannot create the data directory" in result.stderr


def test_a_database_in_a_read_only_folder_is_one_clear_line(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    home = tmp_path / "home"
    assert study_process(home, "--db", str(folder / "study.db"), "profile", "list").returncode == 0
    before = fingerprint(folder / "study.db")
    prefix = _read_only(folder)
    if prefix is None:
        pytest.skip("cannot make a read-only folder here")
    result = _in_namespace(home, prefix, "--db", str(folder / "study.db"), "profile", "add", "x")
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "cannot write" in result.stderr or "cannot open" in result.stderr, result.stderr
    folder.chmod(0o755)
    assert fingerprint(folder / "study.db") == before


# Fill a small filesystem, then import a deck that does not fit: the import fails with one
# line, the database is unchanged and sound, and once space is freed the import works.
FULL_DISK = r"""
set -e
mount -t tmpfs -o size=16m tmpfs "$DIR"
run() { "$PY" -c "from study.cli import main; main()" --db "$DIR/study.db" "$@"; }
check() { "$PY" -c "$CHECK" "$DIR/study.db"; }
run import "$SMALL" > /dev/null
echo "BEFORE $(check)"
dd if=/dev/zero of="$DIR/filler" bs=4k 2>/dev/null || true
set +e
run import "$BIG" 2> "$ERR"
echo "STATUS $?"
set -e
rm "$DIR/filler"
echo "AFTER $(check)"
run import "$BIG" > /dev/null
echo "FREED $(check)"
"""


@pytest.mark.skipif(not can_unshare(), reason="needs a mount namespace for a small filesystem")
def test_a_full_disk_fails_one_line_and_changes_nothing(tmp_path: Path) -> None:
    disk = tmp_path / "disk"
    disk.mkdir()
    small, big = deck_file(tmp_path, "small", 5), deck_file(tmp_path, "big", 3000)
    err = tmp_path / "err.txt"
    env = env_for(tmp_path / "home") | {
        "CHECK": CHECK,
        "DIR": str(disk),
        "PY": PYTHON,
        "SMALL": str(small),
        "BIG": str(big),
        "ERR": str(err),
    }
    command = ["unshare", "-m" if ROOT else "-rm", "sh", "-c", FULL_DISK]
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    report = dict(line.split(" ", 1) for line in result.stdout.splitlines())
    stderr = err.read_text()
    assert report["STATUS"] == "1", stderr
    assert "Traceback" not in stderr and len(stderr.strip().splitlines()) == 1
    assert "disk is full" in stderr or "disk may be full" in stderr
    assert report["AFTER"] == report["BEFORE"]  # sound, and not half-imported
    cards_before, cards_after = int(report["BEFORE"].split()[2]), int(report["FREED"].split()[2])
    assert report["FREED"].startswith("ok ") and cards_after == cards_before + 3000


CHECK = """
import hashlib, sqlite3, sys
c = sqlite3.connect(sys.argv[1])
rows = hashlib.sha256("".join(c.iterdump()).encode()).hexdigest()
cards = c.execute("SELECT count(*) FROM card").fetchone()[0]
print(c.execute("PRAGMA integrity_check").fetchone()[0], rows, cards)
"""


# SQLite's own limit on the file size: the same failure without a filesystem to fill.
MAX_PAGES = r"""
import sys
from sqlalchemy import event
from sqlalchemy.engine import Engine
@event.listens_for(Engine, "connect")
def _limit(connection, _record):
    pages = connection.execute("PRAGMA page_count").fetchone()[0]
    connection.execute(f"PRAGMA max_page_count = {max(pages, 1) + 8}")
from study.cli import main
sys.argv = ["study", *sys.argv[1:]]
main()
"""


def test_a_database_at_its_size_limit_fails_one_line_and_changes_nothing(tmp_path: Path) -> None:
    home, db = tmp_path / "home", tmp_path / "study.db"
    assert (
        study_process(
            home, "--db", str(db), "import", str(deck_file(tmp_path, "small", 5))
        ).returncode
        == 0
    )
    before = fingerprint(db)
    big = deck_file(tmp_path, "big", 3000)
    result = subprocess.run(
        [PYTHON, "-c", MAX_PAGES, "--db", str(db), "import", str(big)],
        capture_output=True,
        text=True,
        env=env_for(home),
        timeout=120,
    )
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "full" in result.stderr
    assert fingerprint(db) == before and integrity(db) == ["ok"]


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("foo://somewhere/study", "not a database study can open"),
        ("://", "not a database study can open"),
        ("mysql://ann:s3cret@localhost/study", "the driver for this database (MySQLdb)"),
        # issue 21: these said "unexpected error: ValueError ... report the traceback"
        ("postgresql+psycopg://ann:s3cret@host:notaport/db", "not a database study can open"),
        ("sqlite:///x.db?timeout=abc", "not a database study can open"),
    ],
)
def test_a_database_url_study_cannot_use_is_one_line(
    run_study: Callable[..., Any], url: str, says: str
) -> None:
    line = one_line(run_study("--db", url, "stats"))
    assert says in line and "s3cret" not in line
    assert one_line(run_study("--db", url, "review")) == line
