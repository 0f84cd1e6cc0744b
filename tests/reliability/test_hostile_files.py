"""A shared deck file is untrusted input (issue 21, S1-S4): it cannot read, show or store
anything outside its own folder, its text cannot act on the terminal or a spreadsheet,
and look-alike ids and names are refused."""

from __future__ import annotations

import csv
import io
import os
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from study.domain.decks import DeckSpec, NoteSpec, Source
from study.domain.decks.reading import load_deck
from study.domain.decks.writing import dump_deck
from study.domain.material import MAX_MATERIAL_BYTES

Run = Callable[..., Any]


def write_deck(folder: Path, *, material: tuple[str, ...] = (), source: str = "") -> Path:
    spec = DeckSpec(
        id="shared",
        name="Shared",
        material=material,
        notes=(
            NoteSpec(
                id="shared-1",
                type="basic",
                front="Q?",
                back="A",
                source=Source(source, "A sentence.") if source else None,
            ),
        ),
    )
    path = folder / "shared.toml"
    path.write_text(dump_deck(spec), encoding="utf-8")
    return path


def stored_material(db: Path) -> list[tuple[str, str]]:
    if not db.exists():
        return []
    with closing(sqlite3.connect(db)) as connection:
        return connection.execute(
            "SELECT file, text FROM material WHERE deck_id = ?", ("shared",)
        ).fetchall()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    path = tmp_path / "shared"
    path.mkdir()
    return path


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text("API_TOKEN=hunter2\n", encoding="utf-8")
    return path


def refused(result: Any, deck: Path, what: str) -> None:
    assert result.exit_code == 2, result.stderr
    assert f"{deck}:" in result.stderr
    assert what in result.stderr
    assert "hunter2" not in result.stdout + result.stderr


@pytest.mark.parametrize("where", ["absolute", "dot-dot"])
def test_a_material_file_outside_the_deck_folder_is_refused_and_never_read(
    run_study: Run, folder: Path, secret: Path, db_path: Path, where: str
) -> None:
    name = str(secret) if where == "absolute" else "../secret.txt"
    deck = write_deck(folder, material=(name,))
    refused(run_study("import", str(deck)), deck, "outside the deck file's folder")
    assert stored_material(db_path) == []


def test_a_source_file_outside_the_deck_folder_is_refused(
    run_study: Run, folder: Path, db_path: Path
) -> None:
    deck = write_deck(folder, source="/proc/self/environ")
    result = run_study("import", str(deck))
    refused(result, deck, "outside the deck file's folder")
    assert f"{deck}:14:" in result.stderr  # the source line of the card
    assert stored_material(db_path) == []


def test_a_symlink_out_of_the_deck_folder_is_refused(
    run_study: Run, folder: Path, secret: Path, db_path: Path
) -> None:
    (folder / "notes.txt").symlink_to(secret)
    deck = write_deck(folder, material=("notes.txt",))
    refused(run_study("import", str(deck)), deck, "outside the deck file's folder")
    assert stored_material(db_path) == []


def test_a_symlink_inside_the_deck_folder_is_read(
    run_study: Run, folder: Path, db_path: Path
) -> None:
    (folder / "real.txt").write_text("A sentence.", encoding="utf-8")
    (folder / "notes.txt").symlink_to(folder / "real.txt")
    deck = write_deck(folder, material=("notes.txt",))
    assert run_study("import", str(deck)).exit_code == 0
    assert stored_material(db_path) == [("notes.txt", "A sentence.")]


def test_a_device_file_is_refused_without_reading_it(run_study: Run, folder: Path) -> None:
    (folder / "zero").symlink_to("/dev/zero")
    deck = write_deck(folder, material=("zero",))
    refused(run_study("import", str(deck)), deck, "outside the deck file's folder")
    deck = write_deck(folder, material=("/dev/zero",))
    refused(run_study("import", str(deck)), deck, "outside the deck file's folder")


def test_a_fifo_or_a_folder_is_not_a_regular_file(
    run_study: Run, folder: Path, db_path: Path
) -> None:
    os.mkfifo(folder / "pipe")  # reading it would wait forever
    (folder / "sub").mkdir()
    deck = write_deck(folder, material=("pipe", "sub"))
    result = run_study("import", str(deck))
    refused(result, deck, "'pipe' is not a regular file")
    assert "'sub' is not a regular file" in result.stderr
    assert stored_material(db_path) == []


def test_a_material_file_over_the_size_limit_is_refused(run_study: Run, folder: Path) -> None:
    with open(folder / "big.txt", "wb") as file:
        file.truncate(MAX_MATERIAL_BYTES + 1)  # sparse: no disk used
    deck = write_deck(folder, material=("big.txt",))
    refused(run_study("import", str(deck)), deck, "'big.txt' is larger than")


def test_a_missing_material_file_stays_a_warning(run_study: Run, folder: Path) -> None:
    deck = write_deck(folder, material=("gone.txt",), source="gone.txt")
    result = run_study("import", str(deck))
    assert result.exit_code == 0, result.stderr
    assert "warning:" in result.stderr and "'gone.txt' not found" in result.stderr


ESCAPES = "\x1b]0;TITLE\x07\x1b]52;c;aGVsbG8=\x07\x9b31m\u202e"


def test_terminal_escapes_in_a_deck_file_never_reach_the_terminal(
    run_study: Run, folder: Path
) -> None:
    deck = folder / "evil.toml"
    key = ESCAPES.replace("\x1b", "\\u001b").replace("\x07", "\\u0007")
    key = key.replace("\x9b", "\\u009b").replace("\u202e", "\\u202e")
    deck.write_text(f'[deck]\nid = "e"\nname = "E"\n"{key}" = 1\n', encoding="utf-8")
    result = run_study("import", str(deck))
    assert result.exit_code == 2
    for char in "\x1b\x07\x9b\u202e":
        assert char not in result.stderr
    assert "␛]0;TITLE" in result.stderr


def test_log_csv_neutralises_formulas_and_shows_control_characters(
    run_study: Run, folder: Path, db_path: Path
) -> None:
    questions = ['=HYPERLINK("http://x")', "+1", "-1", "@SUM(A1)", "\tTab", "Esc \x1b[31m red"]
    notes = tuple(
        NoteSpec(id=f"n{i}", type="basic", front=q, back="A") for i, q in enumerate(questions)
    )
    deck = folder / "csv.toml"
    deck.write_text(dump_deck(DeckSpec(id="csv", name="CSV", notes=notes)), encoding="utf-8")
    assert run_study("import", str(deck)).exit_code == 0
    _grade_all(db_path)
    result = run_study("log", "--csv", "--deck", "csv")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    shown = {row["question"] for row in rows}
    assert shown == {
        '\'=HYPERLINK("http://x")',
        "'+1",
        "'-1",
        "'@SUM(A1)",
        "'    Tab",
        "Esc ␛[31m red",
    }
    assert "\x1b" not in result.stdout


def _grade_all(db: Path) -> None:
    """Grade every card of the test database once (the log needs grades)."""
    from study.domain.config import Settings
    from study.services.queue import DeckScope
    from study.services.session import StudySession
    from study.services.workspace import open_workspace

    settings = Settings(timezone="UTC", bury_siblings=False)
    workspace = open_workspace(str(db), settings=settings, sync_bundled=False)
    try:
        session = StudySession(
            workspace.database,
            workspace.learner_id,
            settings,
            workspace.clock,
            scope=DeckScope(["csv"]),
        )
        while session.current() is not None and session.current_kind != "drill":
            session.grade(5, 1000)
    finally:
        workspace.close()


@pytest.mark.parametrize("bad", ["deck\n", "deck\r\n"])
def test_a_deck_id_must_match_in_full(run_study: Run, folder: Path, bad: str) -> None:
    spec = DeckSpec(id=bad, name="D", notes=(NoteSpec(id="n1", type="basic", front="Q", back="A"),))
    deck = folder / "d.toml"
    deck.write_text(dump_deck(spec), encoding="utf-8")
    result = run_study("import", str(deck))
    assert result.exit_code == 2
    assert "deck id" in result.stderr


def test_a_card_id_or_tag_with_a_trailing_newline_is_refused(run_study: Run, folder: Path) -> None:
    notes = (
        NoteSpec(id="n1\n", type="basic", front="Q", back="A"),
        NoteSpec(id="n2", type="basic", front="Q", back="A", tags=("tag\n",)),
    )
    deck = folder / "d.toml"
    deck.write_text(dump_deck(DeckSpec(id="d", name="D", notes=notes)), encoding="utf-8")
    result = run_study("import", str(deck))
    assert result.exit_code == 2
    assert "card id" in result.stderr and "must be one word" in result.stderr


@pytest.mark.parametrize("name", ["x\x1b]0;T\x07", "bob\n", "a\u202eb", " ", "x" * 65])
def test_profile_option_and_variable_are_checked_like_a_new_name(
    run_study: Run, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    result = run_study("--profile", name, "profile", "list")
    assert result.exit_code == 2, result.stdout
    assert "profile name" in result.stderr and "\x1b" not in result.stderr
    monkeypatch.setenv("STUDY_PROFILE", name)
    result = run_study("profile", "list")
    assert result.exit_code == 2
    assert "profile name" in result.stderr


def test_profile_list_shows_a_stored_name_literally(run_study: Run, db_path: Path) -> None:
    assert run_study("profile", "list").exit_code == 0
    with closing(sqlite3.connect(db_path)) as connection, connection:
        connection.execute(
            "INSERT INTO learner (name, created_at) VALUES (?, '2026-01-01 00:00:00')",
            ("evil\x1b]0;T\x07",),
        )
    result = run_study("profile", "list")
    assert result.exit_code == 0
    assert "\x1b" not in result.stdout and "evil␛]0;T" in result.stdout


def test_the_apps_error_messages_go_through_the_same_filter() -> None:
    from study.domain.decks import DeckError
    from study.tui.host import error_message

    shown = error_message(DeckError([f"x.toml:4: unknown key '{ESCAPES}' in [deck]"]))
    assert not any(char in shown for char in "\x1b\x07\x9b\u202e")
    assert "␛]0;TITLE" in shown


GOUT = "# Gout\n\nGout is an inflammatory arthritis caused by urate crystals in the joint.\n"


def test_generate_copies_material_from_outside_the_deck_folder_so_the_deck_imports(
    run_study: Run, tmp_path: Path, folder: Path
) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text(GOUT, encoding="utf-8")
    deck = folder / "gout.toml"
    result = run_study("generate", str(notes), "-o", str(deck), "--import")
    assert result.exit_code == 0, result.stderr
    assert "copied to" in result.stdout and "imported" in result.stdout
    copy = folder / "material" / "notes.md"
    assert copy.read_text(encoding="utf-8") == GOUT
    assert load_deck(deck).material == ("material/notes.md",)
    # Edited notes regenerate into the deck's own copy.
    notes.write_text(GOUT + "\nColchicine treats an acute attack of gout.\n", encoding="utf-8")
    again = run_study("generate", str(notes), "-o", str(deck))
    assert again.exit_code == 0, again.stderr
    assert "Colchicine" in copy.read_text(encoding="utf-8")


def test_generate_never_overwrites_another_file_in_the_material_folder(
    run_study: Run, tmp_path: Path, folder: Path
) -> None:
    theirs = folder / "material" / "notes.md"
    theirs.parent.mkdir(parents=True)
    theirs.write_text("someone else's notes", encoding="utf-8")
    notes = tmp_path / "notes.md"
    notes.write_text(GOUT, encoding="utf-8")
    result = run_study("generate", str(notes), "-o", str(folder / "gout.toml"))
    assert result.exit_code == 2
    assert "already holds another file" in result.stderr and "Traceback" not in result.stderr
    assert theirs.read_text(encoding="utf-8") == "someone else's notes"
    assert not (folder / "gout.toml").exists()
