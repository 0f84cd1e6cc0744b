"""The one place that words an error for the learner (study.services.explain), for the command
line and the app."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from study.domain.decks import DeckError
from study.domain.errors import StorageError, UserError
from study.services.explain import explain


def test_a_deck_files_problems_are_listed_up_to_each_places_limit() -> None:
    error = DeckError([f"d.toml:{n}: unknown key" for n in range(1, 61)])
    command_line = explain(error)
    assert command_line.problems[-1] == "... and 10 more problems"
    assert len(command_line.problems) == 51 and command_line.exit_code == 2
    assert command_line.line.startswith("nothing was imported")
    in_app = explain(error, app=True)
    assert in_app.text.splitlines() == [*error.problems[:5], "... and 55 more problems"]


def test_bad_input_exits_with_status_2_and_a_storage_error_with_1() -> None:
    assert explain(UserError("no deck 'x'")).exit_code == 2
    assert explain(StorageError("cannot open")).exit_code == 1
    assert explain(UserError("no deck 'x'"), app=True).text == "no deck 'x'"


def test_a_drivers_error_names_the_database_on_the_command_line(tmp_path: Path) -> None:
    line = explain(sqlite3.OperationalError("database is locked"), db=f"{tmp_path}/s.db").line
    assert "s.db" in line and "busy" in line


def test_an_unexpected_error_says_how_to_report_it_in_each_place() -> None:
    assert "study --debug" in explain(RuntimeError("boom")).line
    assert explain(RuntimeError("boom"), app=True).text.endswith("please report it")
