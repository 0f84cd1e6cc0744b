"""A deck file cannot take over another deck by reusing its id (issue 21, D1): a file
whose deck id belongs to a bundled deck, or to a deck imported from another file, is
refused with one line naming the owner, unless `study import --replace`; a bundled deck
replaced that way is never overwritten by the bundle, and the learner is told."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from contextlib import closing
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from study.domain.clock import FixedClock
from study.domain.config import Settings
from study.domain.decks import DeckSpec, NoteSpec, bundled_deck_files
from study.domain.decks.reading import load_deck
from study.domain.decks.writing import dump_deck
from study.domain.errors import UserError
from study.services.library import (
    copy_bundled_deck,
    import_deck_files,
    replaced_bundled_decks,
    sync_bundled_decks,
)
from study.services.session import StudySession
from study.storage.database import Database
from study.storage.models import CardState, Deck, Material, Note

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


def schedule_of(database: Database, learner_id: int, card_id: str) -> tuple[object, ...]:
    with database.session() as session:
        state = session.get(CardState, (learner_id, card_id))
        assert state is not None
        return (state.reviews, state.interval, state.due_day, state.ease_hundredths)


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


def test_a_file_reusing_a_deck_id_is_refused_naming_its_file_and_line(
    run_study: Run, tmp_path: Path
) -> None:
    first = stranger(tmp_path / "mine", "cardio", version=1)
    assert run_study("import", str(first)).exit_code == 0
    second = stranger(tmp_path / "theirs", "cardio", version=2)
    line = second.read_text(encoding="utf-8").splitlines().index('id = "cardio"') + 1
    result = run_study("import", str(second))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"study: {second}:{line}: deck id 'cardio' belongs to")


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
        # Reported only while the bundle is later than the file that took over.
        reported = f"the bundled deck 'spine-and-hip' (version {SHIPPED}) is not applied"
        assert (reported in shown.stderr) == (version < SHIPPED)
        assert ("--replace" in shown.stderr) == (version < SHIPPED)


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


def test_copying_a_bundled_deck_takes_it_over_with_its_material_and_keeps_progress(
    database: Database, learner_id: int, clock: FixedClock, study_home: Path
) -> None:
    sync_bundled_decks(database, clock.now())
    session = StudySession(database, learner_id, Settings(timezone="UTC"), clock)
    card = session.current()
    assert card is not None
    session.grade(5)
    graded = schedule_of(database, learner_id, card.card_id)
    copied = copy_bundled_deck(database, "Orthopaedics::Spine and hip", clock.now())
    # The documented place: <data folder>/decks/<deck id>/, material beside the deck file.
    assert copied.path == study_home / "decks" / BUNDLED / f"{BUNDLED}.toml"
    assert not copied.existed
    [shipped] = [p for p in bundled_deck_files() if p.stem == BUNDLED]
    assert copied.path.read_bytes() == shipped.read_bytes()
    for name in load_deck(shipped).material:
        assert (copied.path.parent / name).read_bytes() == (shipped.parent / name).read_bytes()
    with database.session() as db:
        deck = db.get(Deck, BUNDLED)
        assert deck is not None and not deck.bundled
        assert deck.file_path == str(copied.path.resolve())
        assert [m.file for m in db.exec(select(Material).where(Material.deck_id == BUNDLED))]
    assert schedule_of(database, learner_id, card.card_id) == graded
    with pytest.raises(UserError, match=r"not a bundled deck: its file .* is yours to edit"):
        copy_bundled_deck(database, BUNDLED, clock.now())
    # With the bundled deck brought back, copying again uses the learner's copy as it is
    # (an edit made in it is never overwritten).
    edited = copied.path.read_text(encoding="utf-8") + "\n# my note\n"
    copied.path.write_text(edited, encoding="utf-8")
    import_deck_files(database, [shipped], clock.now(), replace=True)
    again = copy_bundled_deck(database, BUNDLED, clock.now())
    assert (again.path, again.existed) == (copied.path, True)
    assert copied.path.read_text(encoding="utf-8") == edited
    assert schedule_of(database, learner_id, card.card_id) == graded


def test_a_later_bundled_version_of_a_copied_deck_is_reported_not_applied(
    database: Database, clock: FixedClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sync_bundled_decks(database, clock.now())
    copied = copy_bundled_deck(database, BUNDLED, clock.now())
    [shipped] = [p for p in bundled_deck_files() if p.stem == BUNDLED]
    spec = load_deck(shipped)
    first = spec.notes[0]
    newer = replace(
        spec, version=spec.version + 1, notes=(replace(first, back="CHANGED"), *spec.notes[1:])
    )
    upgrade = tmp_path / "upgrade"
    shutil.copytree(shipped.parent / "material", upgrade / "material")
    (upgrade / shipped.name).write_text(dump_deck(newer), encoding="utf-8")
    monkeypatch.setattr(
        "study.services.library.bundled_deck_files", lambda: [upgrade / shipped.name]
    )
    assert sync_bundled_decks(database, clock.now()) == []
    [note] = replaced_bundled_decks(database)
    assert f"(version {spec.version + 1}) is not applied" in note
    assert str(copied.path.resolve()) in note
    with database.session() as db:
        note = db.get(Note, first.id)
        assert note is not None and note.back == first.back


def test_copy_deck_prints_where_the_copy_is(run_study: Run, study_home: Path) -> None:
    result = run_study("copy-deck", BUNDLED)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == str(study_home / "decks" / BUNDLED / f"{BUNDLED}.toml")
    shown = run_study("decks")
    assert shown.exit_code == 0 and "not applied" not in shown.stderr  # the copy is current
    refused = run_study("copy-deck", "no-such-deck")
    assert refused.exit_code == 2
    assert refused.stderr.strip() == "study: no deck 'no-such-deck'; `study decks` lists them"
