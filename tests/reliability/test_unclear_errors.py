"""The errors that used to be unclear (issue 21) are one line each, saying what to do:
malformed database URLs, a driver's message on several lines, a damaged header, and a
settings file that cannot be written (no half-written file left)."""

from __future__ import annotations

import errno
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

Run = Callable[..., Any]


def one_line(result: Any) -> str:
    assert result.exit_code != 0, result.stdout
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://u:secret@host:notaport/db", "postgresql://u:***@host:notaport/db"),
        ("sqlite:///x.db?timeout=abc", "x.db"),
    ],
)
def test_a_malformed_database_url_is_one_line_without_the_password(
    run_study: Run, url: str, shown: str
) -> None:
    result = run_study("--db", url, "decks")
    line = one_line(result)
    assert result.exit_code == 2
    assert shown in line and "not a database study can open" in line
    assert "secret" not in line and "unexpected error" not in line


def test_a_drivers_message_on_several_lines_is_printed_on_one(
    run_study: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    from study import cli

    def refuse(*_args: Any, **_kwargs: Any) -> None:
        raise sqlite3.OperationalError('connection failed\n\tIs the server "db" running?\n')

    monkeypatch.setattr(cli.Options, "workspace", refuse)
    line = one_line(run_study("decks"))
    assert "connection failed Is the server" in line


def test_a_damaged_header_gets_advice(run_study: Run, db_path: Path) -> None:
    assert run_study("profile", "list").exit_code == 0
    with open(db_path, "r+b") as file:
        file.seek(44)  # the schema format number: "unsupported file format"
        file.write(b"\xff\xff\xff\xff")
    line = one_line(run_study("decks"))
    assert "damaged" in line and "study backup --restore" in line


def test_config_leaves_no_half_written_settings_file(
    run_study: Run, monkeypatch: pytest.MonkeyPatch, study_home: Path
) -> None:
    def disk_full(self: Path, target: Any) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(Path, "replace", disk_full)
    line = one_line(run_study("config", "new_per_day", "30"))
    assert "No space left on device" in line and "settings are unchanged" in line
    assert list(study_home.glob("*.tmp")) == []
