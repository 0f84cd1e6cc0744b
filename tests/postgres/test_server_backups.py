"""Backups on a database server: study cannot copy one, so every place that would back
up says so in one line, naming pg_dump, instead of failing obscurely or saying nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

Run = Callable[..., Any]


def test_backup_and_doctor_on_a_server_say_to_use_pg_dump(
    run_study: Run, postgres_url: str
) -> None:
    for command in (("backup",), ("backup", "--list"), ("doctor",)):
        result = run_study("--db", postgres_url, *command)
        assert result.exit_code == 2, result.stderr
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
        assert "pg_dump" in result.stderr
        assert "study:" in result.stderr and "***" not in result.stdout


def test_the_daily_backup_on_a_server_is_a_line_once_a_day(
    run_study: Run, postgres_url: str, study_home: Path
) -> None:
    # Under --postgres the db_url fixture takes today's line beforehand (tests/conftest.py),
    # as if a command had run earlier today: this test wants the first command of the day.
    (study_home / "server-backup-notice").unlink(missing_ok=True)
    first = run_study("--db", postgres_url, "decks")
    assert first.exit_code == 0, first.stderr
    [line] = first.stderr.splitlines()
    assert "no daily backup made" in line and "pg_dump" in line
    again = run_study("--db", postgres_url, "decks")
    assert again.exit_code == 0 and again.stderr == ""  # said once on this study day
