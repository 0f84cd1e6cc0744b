"""Two windows on one deck (issue 21, D4): both build their queue at start, so each may
reach a card the other graded meanwhile. The grade is applied to the card's stored
state, read again in the write transaction, and a card already graded today is not
graded again as a scheduled review: SM-2 advances once a day (it becomes a drill)."""

from __future__ import annotations

import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

from reliability_helpers import PYTHON, consistency_problems, deck_file, env_for, integrity

from study.domain.config import Settings
from study.services.library import import_deck_files
from study.services.workspace import open_workspace

# One window: builds its whole queue, says READY, waits for GO on its input (sent once
# both windows are ready), then grades every card it was given, 5 each time (a failed
# grade would add drills).
WINDOW = r"""
import sys
from study.domain.config import Settings
from study.services.session import StudySession
from study.services.workspace import open_workspace

db = sys.argv[1]
settings = Settings(timezone="UTC", new_per_day=100000, reviews_per_day=100000,
                    bury_siblings=False, daily_backup=False)
ws = open_workspace(db, "two", settings=settings, sync_bundled=False)
session = StudySession(ws.database, ws.learner_id, settings, ws.clock)
print("READY", session.counts().new, flush=True)
sys.stdin.readline()
kinds = []
while session.current() is not None:
    kinds.append(session.current_kind)
    session.grade(5, 1000)
print("DONE", len(kinds), flush=True)
ws.close()
"""

CARDS = 40


def test_two_windows_grading_one_deck_advance_each_card_once_a_day(tmp_path: Path) -> None:
    db = tmp_path / "study.db"
    settings = Settings(daily_backup=False)
    workspace = open_workspace(str(db), "two", settings=settings, sync_bundled=False)
    import_deck_files(workspace.database, [deck_file(tmp_path, "d", CARDS)], workspace.clock.now())
    workspace.close()
    windows = [
        subprocess.Popen(
            [PYTHON, "-c", WINDOW, str(db)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env_for(tmp_path / "home"),
        )
        for _ in range(2)
    ]
    for window in windows:  # each window's queue holds every card before either grades
        assert window.stdout is not None
        assert window.stdout.readline().strip() == f"READY {CARDS}"
    for window in windows:
        assert window.stdin is not None
        window.stdin.write("GO\n")
        window.stdin.flush()
    outputs = [window.communicate(timeout=180) for window in windows]
    for window, (_out, err) in zip(windows, outputs, strict=True):
        assert window.returncode == 0, err
    assert integrity(db) == ["ok"]
    assert consistency_problems(db) == []
    with closing(sqlite3.connect(db)) as connection:
        scheduled = connection.execute(
            # kinds 0 and 1: new and review
            "SELECT card_key, count(*) FROM review WHERE kind IN (0, 1) GROUP BY card_key"
        ).fetchall()
        schedules = connection.execute(
            "SELECT card_id, repetitions, interval, reviews FROM card_state"
        ).fetchall()
        graded = connection.execute("SELECT count(*) FROM review").fetchone()[0]
    assert graded == 2 * CARDS  # every answer of both windows is in the log
    assert sorted(count for _, count in scheduled) == [1] * CARDS
    # One scheduled grade of 5 on day 0: n = 1, I = 1 (never 6 days on day 0).
    assert {(reps, interval, reviews) for _, reps, interval, reviews in schedules} == {(1, 1, 1)}
