"""A deck file cannot take over another deck by reusing its id (issue 21, D1): a file
whose deck id belongs to a bundled deck, or to a deck imported from another file, is
refused with one line naming the owner, unless `study import --replace`; a bundled deck
replaced that way is never overwritten by the bundle, and the learner is told."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

from study.decks import DeckSpec, NoteSpec, bundled_deck_files, dump_deck, load_deck

Run = Callable[..., Any]
BUNDLED = "spine-and-hip"
SHIPPED = next(load_deck(p).version for p in bundled_deck_files() if load_deck(p).id == BUNDLED)


def stranger(folder: Path, deck_id: str = BUNDLED, version: int = 999) -> Path:
    """A one-card deck file reusing ``deck_id``, as a stranger could share it."""
    spec = DeckSpec(
        id=deck_id,
        name="Stranger",
        version=version,
        notes=(NoteSpec(id="stranger-1", type="basic", front="Q?", back="A"),),
    )
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "stranger.toml"
    path.write_text(dump_deck(spec), encoding="utf-8")
    return path


def live_cards(db: Path, deck_id: str) -> int:
    with closing(sqlite3.connect(db)) as connection:
        return int(
            connection.execute(
                "SELECT count(*) FROM card WHERE deck_id = ? AND NOT retired", (deck_id,)
            ).fetchone()[0]
        )


def deck_row(db: Path, deck_id: str) -> tuple[str, int, int]:
    with closing(sqlite3.connect(db)) as connection:
        row = connection.execute(
            "SELECT name, version, bundled FROM deck WHERE id = ?", (deck_id,)
        ).fetchone()
        return str(row[0]), int(row[1]), int(row[2])


def test_a_file_reusing_a_bundled_deck_id_is_refused_naming_the_owner(
    run_study: Run, tmp_path: Path, db_path: Path
) -> None:
    assert run_study("decks").exit_code == 0  # the bundled deck is imported
    before = live_cards(db_path, BUNDLED)
    path = stranger(tmp_path / "shared")
    result = run_study("import", str(path))
    assert result.exit_code == 2
    [line] = result.stderr.strip().splitlines()
    assert "belongs to the bundled deck 'Orthopaedics::Spine and hip'" in line
    assert "--replace" in line
    assert live_cards(db_path, BUNDLED) == before > 1
    assert deck_row(db_path, BUNDLED)[0] == "Orthopaedics::Spine and hip"


def test_a_file_reusing_the_id_of_another_files_deck_is_refused(
    run_study: Run, tmp_path: Path, db_path: Path
) -> None:
    first = stranger(tmp_path / "mine", "cardio", version=1)
    assert run_study("import", str(first)).exit_code == 0
    second = stranger(tmp_path / "theirs", "cardio", version=2)
    result = run_study("import", str(second))
    assert result.exit_code == 2
    assert f"imported from {first.resolve()}" in result.stderr
    assert deck_row(db_path, "cardio")[1] == 1
    assert run_study("import", str(first)).exit_code == 0  # its own file: an update


def test_replace_takes_over_and_the_bundle_never_overwrites_the_copy(
    run_study: Run, tmp_path: Path, db_path: Path
) -> None:
    assert run_study("decks").exit_code == 0
    for version in (1, 999):  # the copy's version neither invites nor blocks the bundle
        path = stranger(tmp_path / f"v{version}", version=version)
        result = run_study("import", "--replace", str(path))
        assert result.exit_code == 0, result.stderr
        shown = run_study("decks")  # a start: the bundle would be synced here
        assert shown.exit_code == 0
        assert live_cards(db_path, BUNDLED) == 1
        assert deck_row(db_path, BUNDLED) == ("Stranger", version, 0)
        assert (
            f"the bundled deck 'spine-and-hip' (version {SHIPPED}) is not applied" in shown.stderr
        )
        assert "--replace" in shown.stderr


def test_replace_with_the_shipped_file_brings_the_bundled_deck_back(
    run_study: Run, tmp_path: Path, db_path: Path
) -> None:
    assert run_study("import", "--replace", str(stranger(tmp_path / "s"))).exit_code == 0
    [shipped] = [p for p in bundled_deck_files() if p.stem == BUNDLED]
    result = run_study("import", "--replace", str(shipped))
    assert result.exit_code == 0, result.stderr
    assert deck_row(db_path, BUNDLED) == ("Orthopaedics::Spine and hip", SHIPPED, 1)
    assert live_cards(db_path, BUNDLED) == sum(len(n.card_ids) for n in load_deck(shipped).notes)
    assert "not applied" not in run_study("decks").stderr
