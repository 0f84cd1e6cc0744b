"""The tutor's view (`study class`): every learner's figures from their own grades only,
the class's hardest cards and weakest tags, and only for a tutor; a learner's own
commands show nothing of another learner."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from collections.abc import Callable
from contextlib import closing
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from study.services.class_stats import NotATutorError, class_report
from study.services.workspace import open_workspace
from study.storage.database import Database
from study.storage.learners import get_or_create_learner
from tests.conftest import START, DeckFactory, basic
from tests.stats.stats_helpers import TODAY, History

Run = Callable[..., Any]
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _learner(database: Database, name: str) -> int:
    learner = database.write(lambda s: get_or_create_learner(s, name, START))
    assert learner.id is not None
    return learner.id


@pytest.fixture
def school(database: Database, learner_id: int, decks: DeckFactory) -> dict[str, History]:
    """The tutor ('default', who created the database) and two learners, ann and ben,
    on a deck of four cards tagged by topic."""
    notes = [
        basic("c-1", tags=("cardio",)),
        basic("c-2", tags=("cardio",)),
        basic("r-1", tags=("renal",)),
        basic("r-2", tags=("renal",)),
    ]
    tutor = History(database, learner_id, decks)
    tutor.load("d", notes=notes)
    return {
        "tutor": tutor,
        "ann": History(database, _learner(database, "ann"), decks),
        "ben": History(database, _learner(database, "ben"), decks),
    }


def _rows(database: Database, viewer: int, **kwargs: Any) -> dict[str, Any]:
    report = class_report(database, viewer, TODAY, **kwargs)
    return {row.learner: row for row in report.learners}


def test_each_learners_row_counts_only_their_own_grades(
    database: Database, school: dict[str, History]
) -> None:
    ann, ben = school["ann"], school["ben"]
    for days_ago in (0, 1, 2, 40):  # a three-day streak, and a day outside the window
        day = TODAY - timedelta(days=days_ago)
        ann.grade("c-1", 4, day=day)
        ann.grade("r-1", 2, day=day)
    ann.schedule("c-1", interval=30, due_day=TODAY)  # mature, due today
    ann.schedule("r-1", repetitions=0, due_day=TODAY - timedelta(days=3))  # learning, overdue
    ben.grade("c-2", 5, day=TODAY - timedelta(days=5), kind="new", repetitions_before=0)
    ben.schedule("c-2", interval=4, due_day=TODAY + timedelta(days=1))  # young

    rows = _rows(database, school["tutor"].learner_id, days=30)
    assert list(rows) == ["ann", "ben", "default"]
    a, b = rows["ann"], rows["ben"]
    assert (a.reviews, a.study_days, a.streak, a.last_studied) == (6, 3, 3, TODAY)
    assert (a.retention.reviews, a.retention.passed) == (6, 3)
    assert (a.cards.new, a.cards.learning, a.cards.young, a.cards.mature) == (2, 1, 0, 1)
    assert (a.due_today, a.overdue) == (1, 1)
    assert (b.reviews, b.study_days, b.streak) == (1, 1, 0)
    assert b.retention.reviews == 0 and b.retention.percent is None  # a new card's grade
    assert (b.cards.new, b.cards.young, b.due_today, b.overdue) == (3, 1, 0, 0)
    assert b.last_studied == TODAY - timedelta(days=5)
    nobody = rows["default"]
    assert (nobody.reviews, nobody.streak, nobody.last_studied, nobody.cards.new) == (
        0,
        0,
        None,
        4,
    )


def test_cancelled_grades_never_count_in_the_class(
    database: Database, school: dict[str, History]
) -> None:
    ann = school["ann"]
    ann.grade("c-1", 5)
    ann.undo(ann.grade("c-1", 1))
    ann.undo(ann.grade("r-1", 1, day=TODAY - timedelta(days=1)))  # the only grade that day
    row = _rows(database, school["tutor"].learner_id)["ann"]
    assert (row.reviews, row.study_days, row.streak) == (1, 1, 1)
    assert (row.retention.reviews, row.retention.passed) == (1, 1)


def test_the_hardest_cards_and_weakest_tags_are_the_class_s(
    database: Database, school: dict[str, History]
) -> None:
    ann, ben = school["ann"], school["ben"]
    for learner in (ann, ben):
        for _ in range(2):
            learner.grade("r-1", 1)  # everyone fails r-1
            learner.grade("c-1", 5)
        learner.grade("r-2", 4)
        learner.schedule("r-1", lapses=2, repetitions=0)
        learner.schedule("c-1")
    report = class_report(database, school["tutor"].learner_id, TODAY)
    hardest = report.hardest_cards
    assert [c.card_id for c in hardest] == ["r-1"]  # c-1 and r-2 were never failed
    assert (hardest[0].learners, hardest[0].lapses, hardest[0].retention.reviews) == (2, 4, 4)
    assert hardest[0].retention.passed == 0 and hardest[0].question == "Question r-1?"
    assert [t.tag for t in report.weakest_tags] == ["renal", "cardio"]
    renal = report.weakest_tags[0]
    assert (renal.cards, renal.retention.reviews, renal.retention.passed, renal.lapses) == (
        2,
        6,
        2,
        4,
    )


def test_a_deck_or_tag_scope_limits_every_figure(
    database: Database, school: dict[str, History]
) -> None:
    ann = school["ann"]
    ann.grade("c-1", 1)
    ann.grade("r-1", 1)
    ann.schedule("c-1", lapses=1)
    ann.schedule("r-1", lapses=1)
    rows = _rows(database, school["tutor"].learner_id, tag="renal")
    assert rows["ann"].reviews == 1 and rows["ann"].cards.total == 2
    report = class_report(database, school["tutor"].learner_id, TODAY, tag="renal")
    assert [c.card_id for c in report.hardest_cards] == ["r-1"]


def test_only_a_tutor_sees_the_class(database: Database, school: dict[str, History]) -> None:
    with pytest.raises(NotATutorError, match="for a tutor"):
        class_report(database, school["ann"].learner_id, TODAY)


# ---------------------------------------------------------------- the command line


def _grade_as(db_url: str, profile: str, grades: int) -> None:
    from study.domain.config import Settings
    from study.services.session import StudySession

    settings = Settings(timezone="UTC", daily_backup=False)
    workspace = open_workspace(db_url, profile, settings=settings, sync_bundled=False)
    try:
        session = StudySession(workspace.database, workspace.learner_id, settings, workspace.clock)
        for _ in range(grades):
            session.grade(1)
    finally:
        workspace.close()


@pytest.fixture
def classroom(run_study: Run, decks: DeckFactory, db_url: str) -> str:
    """A database made by the tutor, with ann (3 grades) and a learner whose name is a
    spreadsheet formula (1 grade)."""
    result = run_study("import", str(decks.write("d", basics=5)))
    assert result.exit_code == 0, result.stderr
    _grade_as(db_url, "ann", 3)
    _grade_as(db_url, "=HYPERLINK(evil)", 1)
    return db_url


def test_class_json_has_exactly_the_documented_shape(run_study: Run, classroom: str) -> None:
    result = run_study("class", "--json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert list(report) == ["learners", "hardest_cards", "weakest_tags"]
    ann = next(row for row in report["learners"] if row["learner"] == "ann")
    assert list(ann) == [
        "learner",
        "reviews",
        "study_days",
        "streak",
        "cards",
        "retention",
        "due_today",
        "overdue",
        "last_studied",
    ]
    assert ann["reviews"] == 3 and ann["study_days"] == 1 and ann["streak"] == 1
    assert set(ann["cards"]) >= {"new", "learning", "young", "mature"}
    assert ann["cards"]["learning"] == 3


def test_class_csv_is_safe_for_a_spreadsheet(run_study: Run, classroom: str) -> None:
    result = run_study("class", "--csv")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0][:4] == ["learner", "reviews", "study_days", "streak"]
    names = [row[0] for row in rows[1:]]
    assert "'=HYPERLINK(evil)" in names and not any(n.startswith("=") for n in names)


def test_class_for_people_lists_every_learner(run_study: Run, classroom: str) -> None:
    result = run_study("class")
    assert result.exit_code == 0, result.stderr
    assert "ann" in result.stdout and "=HYPERLINK(evil)" in result.stdout
    assert "Hardest cards" in result.stdout


def test_a_learner_cannot_see_the_class_or_add_a_tutor(run_study: Run, classroom: str) -> None:
    refused = run_study("--profile", "ann", "class")
    assert refused.exit_code == 2
    assert refused.stderr.startswith("study: the class view is for a tutor")
    assert refused.stderr.count("\n") == 1
    promoted = run_study("--profile", "ann", "profile", "add", "ann", "--tutor")
    assert promoted.exit_code == 2 and "only a tutor may add a tutor" in promoted.stderr
    assert run_study("profile", "add", "ann", "--tutor").exit_code == 0
    assert run_study("--profile", "ann", "class", "--json").exit_code == 0


def test_nothing_of_one_learner_leaks_into_anothers_commands(
    run_study: Run, classroom: str
) -> None:
    as_ben = ("--profile", "ben")
    assert run_study("profile", "add", "ben").exit_code == 0  # an unknown profile is refused
    stats = json.loads(run_study(*as_ben, "stats", "--deck", "d", "--json").stdout)
    assert stats["reviews"]["total"] == 0
    assert stats["cards"]["new"] == stats["cards"]["total"] == 5
    log = run_study(*as_ben, "log", "--csv").stdout.splitlines()
    assert len(log) == 1  # the header alone
    cards = json.loads(run_study(*as_ben, "cards", "--json").stdout)
    assert {card["state"] for card in cards if card["deck"] == "d"} == {"new"}
    listed = run_study(*as_ben, "profile", "list").stdout
    assert "ben" in listed and "ann" not in listed and "HYPERLINK" not in listed
    renamed = run_study(*as_ben, "profile", "rename", "ann", "anna")
    assert renamed.exit_code == 2 and "only a tutor may rename" in renamed.stderr
    removed = run_study(*as_ben, "profile", "remove", "ann", "--yes")
    assert removed.exit_code == 2 and "only a tutor may remove" in removed.stderr
    everyone = run_study("profile", "list").stdout  # the tutor sees every profile
    assert "ann" in everyone and "ben" in everyone


@pytest.mark.sqlite_only  # the frozen dump is SQLite's (tests/postgres migrates it too)
def test_the_upgrade_makes_the_first_profile_the_tutor(tmp_path: Path) -> None:
    db = tmp_path / "study.db"
    with closing(sqlite3.connect(db)) as connection:
        connection.executescript((FIXTURES / "schema_v1.sql").read_text(encoding="utf-8"))
    workspace = open_workspace(str(db), "bob", sync_bundled=False)
    workspace.close()
    with closing(sqlite3.connect(db)) as connection:
        tutors = dict(connection.execute("SELECT name, tutor FROM learner"))
    assert tutors == {"alice": 1, "bob": 0}


def test_the_first_profile_of_a_new_database_is_its_tutor(database: Database) -> None:
    first, second = _learner(database, "first"), _learner(database, "second")
    assert class_report(database, first, date(2026, 1, 12)).learners
    with pytest.raises(NotATutorError):
        class_report(database, second, date(2026, 1, 12))


def test_the_only_tutor_cannot_be_removed(run_study: Run, classroom: str) -> None:
    removed = run_study("profile", "remove", "default", "--yes")
    assert removed.exit_code == 2 and "only tutor" in removed.stderr
    assert run_study("profile", "add", "ann", "--tutor").exit_code == 0
    assert run_study("--profile", "ann", "profile", "remove", "default", "--yes").exit_code == 0
