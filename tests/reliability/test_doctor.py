"""`study doctor` reports integrity, version and counts; `--repair` fixes what is safe,
after a backup, and never touches the review log."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable
from contextlib import closing
from datetime import date
from pathlib import Path
from typing import Any

from study.domain.clock import FixedClock
from study.domain.config import Settings
from study.services.maintenance import doctor
from study.services.session import StudySession
from study.services.workspace import open_workspace
from study.storage.database import SCHEMA_VERSION


def _review_log(db: Path) -> str:
    with closing(sqlite3.connect(db)) as connection:
        rows = connection.execute("SELECT * FROM review ORDER BY id").fetchall()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def _studied(db: Path, clock: FixedClock) -> None:
    settings = Settings(timezone="UTC", daily_backup=False)
    workspace = open_workspace(str(db), "ana", clock=clock, settings=settings)
    session = StudySession(workspace.database, workspace.learner_id, settings, clock)
    for grade in (5, 2, 4):
        session.grade(grade, 1000)
    session.undo()
    session.bury()
    workspace.close()


def test_doctor_counts_what_the_database_holds(db_path: Path, clock: FixedClock) -> None:
    _studied(db_path, clock)
    report = doctor(db_path, today=date(2026, 1, 12))
    assert report.healthy, report.problems
    assert report.integrity == ["ok"] and report.schema_version == SCHEMA_VERSION
    with closing(sqlite3.connect(db_path)) as connection:
        cards = connection.execute("SELECT count(*) FROM card").fetchone()[0]
    assert report.counts["cards"] == cards > 0
    assert report.counts["learners"] == 1
    assert report.counts["reviews"] == 3 and report.counts["cancelled"] == 1


def test_repair_removes_orphans_and_stale_marks_after_a_backup_and_keeps_the_log(
    run_study: Callable[..., Any], db_path: Path, clock: FixedClock
) -> None:
    _studied(db_path, clock)
    with closing(sqlite3.connect(db_path)) as connection:
        connection.execute("PRAGMA foreign_keys=OFF")  # as an old bug or a hand edit would
        card = connection.execute("SELECT card_id FROM card_state LIMIT 1").fetchone()[0]
        connection.execute(
            "INSERT INTO card_state SELECT 99, card_id, repetitions, ease_hundredths, interval, "
            "due_day, last_review_day, reviews, lapses, suspended, leech, buried_until, "
            "drill_day, flagged, flag_reason, updated_at FROM card_state WHERE card_id = ?",
            (card,),
        )
        connection.execute(
            "INSERT INTO note_tag (note_id, tag_key, tag, position) VALUES ('gone', 'x', 'x', 0)"
        )
        connection.execute(
            "UPDATE card_state SET drill_day = '2025-01-01' WHERE card_id = ?", (card,)
        )
        connection.commit()
    log = _review_log(db_path)

    found = run_study("doctor")
    assert found.exit_code == 1
    assert "1 card_state without its learner" in found.stdout
    assert "1 note_tag without its note" in found.stdout
    assert "drill marks of past days" in found.stdout

    repaired = run_study("doctor", "--repair")
    assert repaired.exit_code == 0, repaired.stdout + repaired.stderr
    assert "fixed 1 card_state without its learner" in repaired.stdout
    assert repaired.stdout.rstrip().endswith("healthy")
    assert _review_log(db_path) == log
    [copy] = (db_path.parent / "backups").glob("before-repair-*.db")
    assert _review_log(copy) == log
    with closing(sqlite3.connect(copy)) as connection:
        assert (
            connection.execute("SELECT count(*) FROM card_state WHERE learner_id = 99").fetchone()[
                0
            ]
            == 1
        )


def test_doctor_reads_a_database_it_cannot_open_for_study(
    run_study: Callable[..., Any], db_path: Path
) -> None:
    db_path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 5000)
    result = run_study("doctor")
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert "cannot be read as a database" in result.stdout
    assert run_study("doctor", "--repair").exit_code == 2  # refuses; restore instead


def test_doctor_on_a_database_of_an_older_schema_says_it_will_be_upgraded(
    run_study: Callable[..., Any], db_path: Path
) -> None:
    # A learner who updated study and runs `study doctor` before opening it: the older
    # tables are not the new queries' tables; that is no damage.
    dump = Path(__file__).parents[1] / "fixtures" / f"schema_v{SCHEMA_VERSION - 1}.sql"
    with closing(sqlite3.connect(db_path)) as connection:
        connection.executescript(dump.read_text(encoding="utf-8"))
    before = db_path.read_bytes()
    result = run_study("doctor")
    assert result.exit_code == 0, result.stdout
    assert "integrity: ok" in result.stdout and "healthy" in result.stdout
    assert "upgrades this database" in result.stdout
    assert db_path.read_bytes() == before  # the doctor changes nothing
