"""The command an unknown profile's error suggests can be pasted as it is."""

from __future__ import annotations

import shlex
from typing import Any


def test_the_suggested_profile_add_command_quotes_the_name(run_study: Any) -> None:
    result = run_study("--profile", "Dr Lee", "decks")
    assert result.exit_code == 2
    suggested = result.stderr.split("`")[1]
    # it said `study profile add Dr Lee`, which adds a profile named "Dr"... or fails
    assert shlex.split(suggested) == ["study", "profile", "add", "Dr Lee"]
    assert run_study(*shlex.split(suggested)[1:]).exit_code == 0
    assert run_study("--profile", "Dr Lee", "decks").exit_code == 0


def test_a_global_option_after_the_command_says_where_it_goes(run_study: Any) -> None:
    result = run_study("review", "--profile", "ann", db=False)
    assert result.exit_code == 2
    # it said only "No such option '--profile' (see `study review --help`)", whose help
    # does not list it either
    assert result.stderr == (
        "study: --profile goes before the command: `study --profile ... review ...`\n"
    )
