"""Many `study` processes grading against one PostgreSQL server at once: every
acknowledged grade is stored exactly once, and every schedule agrees with the log.

Where SQLite takes a lock on the whole file, PostgreSQL locks rows: a grade locks its
learner's row (SELECT ... FOR UPDATE), so two windows of one learner take turns while
different learners grade side by side.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from study.domain.config import Settings
from study.services.library import import_deck_files
from study.services.session import StudySession
from study.services.workspace import open_workspace
from tests.conftest import run_elsewhere
from tests.reliability.reliability_helpers import (
    consistency_problems,
    deck_file,
    start_driver,
)

SETTINGS = Settings(timezone="UTC", daily_backup=False)


def _prepare(url: str, tmp_path: Path, cards: int) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    workspace = open_workspace(url, "tutor", settings=SETTINGS, sync_bundled=False)
    files = [deck_file(tmp_path, "left", cards), deck_file(tmp_path, "right", cards)]
    import_deck_files(workspace.database, files, workspace.clock.now())
    workspace.close()
    return home


def _grade_all_at_once(
    url: str, home: Path, runs: list[tuple[str, str]], grades: int
) -> tuple[list[int], list[int]]:
    """Start one grading process per (profile, decks) at the same moment; what they
    acknowledged (review ids) and undid."""
    start = time.time() + 4  # all begin together, once every process has started
    drivers = [
        start_driver(url, home, decks, grades, seed=seed, start=start, profile=profile)
        for seed, (profile, decks) in enumerate(runs)
    ]
    outputs = [driver.communicate(timeout=600) for driver in drivers]
    for driver, (out, err) in zip(drivers, outputs, strict=True):
        assert driver.returncode == 0, err
        assert "Traceback" not in err
        assert out.splitlines()[-1] == "DONE"
    lines = [line.split() for out, _ in outputs for line in out.splitlines()]
    acknowledged = [int(words[1]) for words in lines if words[0] == "ACK"]
    undone = [int(words[1]) for words in lines if words[0] == "UNDO"]
    return acknowledged, undone


def _stored(url: str) -> tuple[list[int], list[int]]:
    graded = [int(str(r[0])) for r in run_elsewhere(url, "SELECT id FROM review WHERE kind != 4")]
    cancelled = [
        int(str(r[0])) for r in run_elsewhere(url, "SELECT cancels_id FROM review WHERE kind = 4")
    ]
    return graded, cancelled


def test_eight_learners_grading_at_once_on_one_server_keep_every_grade(
    postgres_url: str, tmp_path: Path
) -> None:
    home = _prepare(postgres_url, tmp_path, 250)
    runs = [(f"learner-{n}", "all") for n in range(8)]
    acknowledged, undone = _grade_all_at_once(postgres_url, home, runs, 200)
    assert len(acknowledged) > 8 * 150  # every process really graded (1 in 10 steps undoes)
    assert len(set(acknowledged)) == len(acknowledged)
    graded, cancelled = _stored(postgres_url)
    assert sorted(graded) == sorted(acknowledged), "a grade was lost or stored twice"
    assert sorted(cancelled) == sorted(undone), "an undo was lost or stored twice"
    assert consistency_problems(postgres_url) == []
    per_learner = run_elsewhere(
        postgres_url,
        "SELECT learner.name, count(review.id) FROM learner JOIN review "
        "ON review.learner_id = learner.id GROUP BY learner.name",
    )
    assert {name for name, _ in per_learner} == {name for name, _ in runs}


@pytest.mark.parametrize("scopes", [("left", "left"), ("all", "all")])
def test_two_windows_of_one_learner_on_a_server_lose_and_double_nothing(
    postgres_url: str, tmp_path: Path, scopes: tuple[str, str]
) -> None:
    home = _prepare(postgres_url, tmp_path, 300)
    runs = [("ana", scope) for scope in scopes]
    acknowledged, undone = _grade_all_at_once(postgres_url, home, runs, 150)
    assert len(acknowledged) > 150
    graded, cancelled = _stored(postgres_url)
    assert sorted(graded) == sorted(acknowledged), "a grade was lost or stored twice"
    assert sorted(cancelled) == sorted(undone), "an undo was lost or stored twice"
    assert consistency_problems(postgres_url) == []


def test_a_grade_waits_for_the_learners_row_lock_and_then_commits(
    postgres_url: str, tmp_path: Path
) -> None:
    _prepare(postgres_url, tmp_path, 2)
    workspace = open_workspace(postgres_url, "ana", settings=SETTINGS, sync_bundled=False)
    other = sa.create_engine(postgres_url)
    try:
        session = StudySession(workspace.database, workspace.learner_id, SETTINGS, workspace.clock)
        holder = other.connect()
        transaction = holder.begin()
        # Another window of the same learner, in the middle of a grade.
        holder.exec_driver_sql(
            f"SELECT id FROM learner WHERE id = {workspace.learner_id} FOR UPDATE"
        )
        finished = threading.Event()

        def grade() -> None:
            session.grade(5)
            finished.set()

        grader = threading.Thread(target=grade)
        grader.start()
        assert not finished.wait(0.5), "the grade did not wait for the learner's lock"
        transaction.commit()
        holder.close()
        grader.join(30)
        assert finished.is_set()
        assert run_elsewhere(postgres_url, "SELECT count(*) FROM review") == [(1,)]
    finally:
        other.dispose()
        workspace.close()
