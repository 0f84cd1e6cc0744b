"""The README's set-up for a tutor works as written, on a database that is new."""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from pathlib import Path
from typing import Any

README = Path(__file__).resolve().parents[2] / "README.md"


def _tutor_commands() -> list[list[str]]:
    """The `study --db ...` lines of the README's Teaching a class section."""
    section = README.read_text(encoding="utf-8").split("## Teaching a class")[1].split("\n## ")[0]
    lines = re.findall(r"^study --db \S+ .*$", section, flags=re.MULTILINE)
    return [shlex.split(line)[3:] for line in lines]  # without "study --db URL"


def test_the_readmes_tutor_set_up_works_on_a_new_database(
    run_study: Callable[..., Any], tmp_path: Path
) -> None:
    commands = _tutor_commands()
    assert commands, "the README shows how a tutor starts"
    db = str(tmp_path / "class.db")
    for command in commands:
        result = run_study("--db", db, *command)
        # it said `--profile dr-lee decks`, which a new database refuses: no such profile
        assert result.exit_code == 0, (command, result.stderr)
    profile = commands[-1][commands[-1].index("--profile") + 1]
    assert run_study("--db", db, "--profile", profile, "class").exit_code == 0
