"""`study stats` and `study log` through the real entry point."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from click.testing import CliRunner

from study.cli import cli
from study.domain.clock import FixedClock
from study.domain.config import Settings
from study.services.queue import DeckScope
from study.services.session import StudySession
from study.storage.database import open_database
from study.storage.learners import get_or_create_learner
from study.storage.models import CardState
from tests.conftest import ZONE, DeckFactory, basic

Run = Callable[..., Any]


@pytest.fixture
def studied(run_study: Run, decks: DeckFactory, db_url: str) -> str:
    """A database with deck ``cli`` imported and three grades, one of them undone."""
    notes = [
        basic("cli-1", front="Bad \x1b[31mred\x1b[0m question", tags=("topic",)),
        basic("cli-2", tags=("topic",)),
        basic("cli-3"),
    ]
    result = run_study("import", str(decks.write("cli", notes=notes)))
    assert result.exit_code == 0, result.stderr
    database = open_database(db_url)
    try:
        clock = FixedClock(datetime(2026, 1, 12, 18, tzinfo=UTC))
        learner = database.write(lambda s: get_or_create_learner(s, "default", clock.now()))
        assert learner.id is not None
        session = StudySession(
            database, learner.id, Settings(timezone=ZONE), clock, scope=DeckScope(["cli"])
        )
        for grade in (5, 4, 1):
            session.grade(grade, answer_ms=1500)
        session.undo()  # the grade 1 is cancelled

        def harden(s: Any) -> None:  # make cli-1 the hardest card
            state = s.get(CardState, (learner.id, "cli-1"))
            state.ease_hundredths, state.lapses = 130, 4
            s.add(state)

        database.write(harden)
    finally:
        database.close()
    return db_url


def test_stats_json_gives_the_documented_keys(run_study: Run, studied: str) -> None:
    result = run_study("stats", "--json", "--deck", "cli")

    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["cards"]["total"] == 3
    assert (
        data["cards"]["new"]
        + data["cards"]["learning"]
        + data["cards"]["young"]
        + data["cards"]["mature"]
        == 3
    )
    assert data["reviews"]["total"] == 2  # the undone grade does not count
    assert set(data["streak"]) >= {"current", "longest"}
    assert len(data["forecast"]) == 30 and set(data["forecast"][0]) == {"date", "due"}
    assert data["scope"]["decks"] == ["cli"]
    assert [t["tag"] for t in data["tags"]] == ["topic"]
    assert data["tags"][0]["total"] == 2


def test_stats_days_sets_the_length_of_the_history(run_study: Run, studied: str) -> None:
    result = run_study("stats", "--json", "--days", "7")

    assert result.exit_code == 0, result.stderr
    assert len(json.loads(result.stdout)["history"]) == 7


def test_stats_for_people_fit_80_columns_and_show_card_text_safely(
    run_study: Run, studied: str
) -> None:
    result = run_study("stats", "--deck", "cli")

    assert result.exit_code == 0, result.stderr
    out = result.stdout
    for heading in ("Forecast", "True retention", "Calendar", "Decks", "Topics", "Hardest"):
        assert heading in out
    assert max(len(line) for line in out.splitlines()) <= 80
    assert "\x1b" not in out  # the card's escape sequence is shown, never sent
    assert "Bad ␛[31mred" in out


def test_stats_of_an_unknown_deck_is_one_clear_line(run_study: Run, studied: str) -> None:
    result = run_study("stats", "--deck", "no-such-deck")

    assert result.exit_code == 2
    assert "no deck 'no-such-deck'" in result.stderr
    assert "Traceback" not in result.stderr


def test_log_csv_lists_the_grades_that_count(run_study: Run, studied: str) -> None:
    result = run_study("log", "--csv", "--deck", "cli")

    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == [
        "date",
        "time",
        "deck",
        "card",
        "question",
        "grade",
        "kind",
        "interval",
        "easiness",
        "answer_seconds",
    ]
    assert [(r["grade"], r["kind"], r["deck"]) for r in rows] == [
        ("5", "new", "cli"),
        ("4", "new", "cli"),
    ]
    assert rows[0]["date"] == "2026-01-12" and rows[0]["time"] == "18:00:00"
    assert rows[0]["answer_seconds"] == "1.5"
    assert rows[0]["easiness"] in ("2.60", "2.50")


def test_log_for_people_marks_the_end_with_a_count(studied: str) -> None:
    result = CliRunner().invoke(cli, ["--db", str(studied), "log"])

    assert result.exit_code == 0, result.output
    assert "2 grades (cancelled grades left out)" in result.output
    assert "\x1b" not in result.output
