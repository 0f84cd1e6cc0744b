"""Grading processes killed with SIGKILL at random moments lose nothing that was
acknowledged, leave a sound database, and the next session resumes where they stopped."""

from __future__ import annotations

import random
import signal
import sqlite3
import time
from contextlib import closing
from pathlib import Path

import pytest
from reliability_helpers import (
    consistency_problems,
    deck_file,
    integrity,
    start_driver,
)

from study.domain.config import Settings
from study.services.library import import_deck_files
from study.services.session import StudySession
from study.services.workspace import open_workspace

KILLS = 24
SETTINGS = Settings(timezone="UTC", new_per_day=100000, bury_siblings=False, drill_gap=2)


def _acknowledged(output: str) -> tuple[list[int], list[int]]:
    """The grades and undos the killed process acknowledged: its complete lines only (the
    kill may land while it writes one, leaving "ACK" without its id)."""
    grades, undos = [], []
    for line in output.split("\n")[:-1]:
        word, _, value = line.partition(" ")
        if word == "ACK":
            grades.append(int(value))
        elif word == "UNDO":
            undos.append(int(value))
    return grades, undos


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_killed_sessions_lose_no_acknowledged_grade(tmp_path: Path) -> None:
    home, db = tmp_path / "home", tmp_path / "study.db"
    home.mkdir()
    workspace = open_workspace(str(db), "crash", settings=SETTINGS, sync_bundled=False)
    import_deck_files(workspace.database, [deck_file(tmp_path, "big", 3000)], workspace.clock.now())
    workspace.close()

    rng = random.Random(20260112)
    grades: list[int] = []
    undos: list[int] = []
    killed_while_grading = 0
    for run in range(KILLS):
        driver = start_driver(db, home, "all", 100_000, seed=run, pause=0.01)
        assert driver.stdout is not None
        if rng.random() < 0.2:
            time.sleep(rng.uniform(0.0, 0.8))  # sometimes while it starts up or backs up
        else:
            assert driver.stdout.readline().strip() == "READY", driver.stderr.read()
            time.sleep(rng.uniform(0.0, 0.4))
        driver.send_signal(signal.SIGKILL)
        out, _err = driver.communicate(timeout=30)
        assert driver.returncode == -signal.SIGKILL
        acked, undone = _acknowledged(out)
        killed_while_grading += bool(acked)
        grades += acked
        undos += undone

    assert killed_while_grading >= KILLS // 2, "the kills should mostly land mid-session"
    assert len(grades) > 100
    assert integrity(db) == ["ok"]
    with closing(sqlite3.connect(db)) as connection:
        stored = {row[0]: row[1] for row in connection.execute("SELECT id, kind FROM review")}
        cancelled = {row[0] for row in connection.execute("SELECT cancels_id FROM review")}
    missing = [g for g in grades if g not in stored]
    assert missing == [], f"{len(missing)} acknowledged grades lost"
    assert all(stored[g] != 4 for g in grades)  # the kind code of an undo record
    assert set(undos) <= cancelled, "an acknowledged undo was lost"
    assert consistency_problems(db) == []

    # A new session resumes: undo still works, and its counts match the database.
    workspace = open_workspace(str(db), "crash", settings=SETTINGS, sync_bundled=False)
    try:
        session = StudySession(workspace.database, workspace.learner_id, SETTINGS, workspace.clock)
        assert session.can_undo()
        undone_card = session.undo()
        assert undone_card is not None and session.current() is not None
        assert session.current().card_id == undone_card
        with closing(sqlite3.connect(db)) as connection:
            new_left = connection.execute(
                "SELECT count(*) FROM card WHERE id NOT IN "
                "(SELECT card_id FROM card_state WHERE reviews > 0)"
            ).fetchone()[0]
            waiting = connection.execute(
                "SELECT count(*) FROM card_state WHERE drill_day = ?",
                (workspace.today().isoformat(),),
            ).fetchone()[0]
        assert session.counts().new == new_left
        assert session.counts().learning == waiting
        session.grade(5, 800)
    finally:
        workspace.close()
    assert consistency_problems(db) == []
    assert integrity(db) == ["ok"]
    # Killed processes leave no half-written backup behind under a backup's name.
    backups = list((db.parent / "backups").glob("study-*.db"))
    assert all(integrity(path) == ["ok"] for path in backups)
