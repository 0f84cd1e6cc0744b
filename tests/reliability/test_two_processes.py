"""Two terminals grading the same database at the same moment: nobody sees "database is
locked", and every grade is stored exactly once."""

from __future__ import annotations

import sqlite3
import time
from contextlib import closing
from pathlib import Path

import pytest
from reliability_helpers import consistency_problems, deck_file, integrity, start_driver

from study.domain.config import Settings
from study.services.library import import_deck_files
from study.services.workspace import open_workspace

GRADES = 150


@pytest.mark.parametrize("scopes", [("left", "right"), ("left", "left"), ("all", "all")])
def test_two_processes_grading_at_once_lose_and_double_nothing(
    tmp_path: Path, scopes: tuple[str, str]
) -> None:
    home, db = tmp_path / "home", tmp_path / "study.db"
    home.mkdir()
    settings = Settings(timezone="UTC", daily_backup=False)
    workspace = open_workspace(str(db), "crash", settings=settings, sync_bundled=False)
    files = [deck_file(tmp_path, "left", 400), deck_file(tmp_path, "right", 400)]
    import_deck_files(workspace.database, files, workspace.clock.now())
    workspace.close()

    start = time.time() + 2.5  # both begin grading at the same moment, after starting up
    drivers = [
        start_driver(db, home, scope, GRADES, seed=seed, start=start)
        for seed, scope in enumerate(scopes)
    ]
    outputs = [driver.communicate(timeout=120) for driver in drivers]
    for driver, (out, err) in zip(drivers, outputs, strict=True):
        assert driver.returncode == 0, err
        assert "locked" not in err and "Traceback" not in err
        assert out.splitlines()[-1] == "DONE"

    acknowledged = [
        int(line.split()[1]) for out, _ in outputs for line in out.splitlines() if line[:3] == "ACK"
    ]
    undos = [
        int(line.split()[1])
        for out, _ in outputs
        for line in out.splitlines()
        if line[:4] == "UNDO"
    ]
    assert len(acknowledged) > GRADES  # both really graded
    assert len(set(acknowledged)) == len(acknowledged)
    with closing(sqlite3.connect(db)) as connection:
        graded = [r[0] for r in connection.execute("SELECT id FROM review WHERE kind != 4")]
        cancelled = [
            r[0] for r in connection.execute("SELECT cancels_id FROM review WHERE kind = 4")
        ]
    assert sorted(graded) == sorted(acknowledged), "a grade was lost or stored twice"
    assert sorted(cancelled) == sorted(undos), "an undo was lost or stored twice"
    assert integrity(db) == ["ok"]
    assert consistency_problems(db) == []
