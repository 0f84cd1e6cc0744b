"""`study export-anki` through the real entry point."""

from __future__ import annotations

import os
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from study.domain.config import Settings
from study.domain.decks import DeckSpec
from study.services.anki_export import export_anki
from study.storage.database import Database
from study.storage.models import Note
from tests.conftest import DeckFactory, basic, cloze


@pytest.fixture
def deck_file(decks: DeckFactory) -> Path:
    return decks.write_spec(
        DeckSpec(
            id="spine",
            name="Orthopaedics::Spine",
            notes=(basic("b1", "Q1", "A1"), cloze("c1", "The {{c1::hip}} and {{c2::knee}}.")),
        )
    )


def test_export_anki_writes_the_package_and_says_what_it_wrote(
    run_study: object, deck_file: Path, tmp_path: Path
) -> None:
    assert run_study("import", str(deck_file)).exit_code == 0  # type: ignore[operator]
    target = tmp_path / "mine.apkg"

    result = run_study("export-anki", "-o", str(target), "--deck", "spine", "--with-progress")  # type: ignore[operator]

    assert result.exit_code == 0, result.stderr
    first, second = result.stdout.splitlines()
    assert first == f"{target}: 2 notes, 3 cards, 2 decks, 0 reviews"
    assert second.startswith("Anki: its collection was not read, so it adds the notes it lacks")
    with zipfile.ZipFile(target) as archive:
        assert sorted(archive.namelist()) == ["collection.anki2", "media"]


def test_without_output_the_package_is_named_after_the_chosen_deck(
    run_study: object, deck_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_study("import", str(deck_file))  # type: ignore[operator]
    monkeypatch.chdir(tmp_path)

    assert run_study("export-anki", "--deck", "Orthopaedics::Spine").exit_code == 0  # type: ignore[operator]
    assert run_study("export-anki").exit_code == 0  # type: ignore[operator]

    assert (tmp_path / "spine.apkg").is_file()
    assert (tmp_path / "study.apkg").is_file()


def test_an_unknown_deck_is_one_line_and_exit_status_2(run_study: object) -> None:
    result = run_study("export-anki", "--deck", "nope")  # type: ignore[operator]
    assert result.exit_code == 2
    assert result.stderr.startswith("study: no deck 'nope'")
    assert result.stderr.count("\n") == 1


def test_an_invalid_note_is_named_and_nothing_is_written(
    run_study: object, deck_file: Path, tmp_path: Path, db_url: str
) -> None:
    run_study("import", str(deck_file))  # type: ignore[operator]
    database = Database(db_url)

    def damage(session: object) -> None:
        note = session.get(Note, "c1")  # type: ignore[attr-defined]
        note.text = "no deletion left"
        session.add(note)  # type: ignore[attr-defined]

    database.write(damage)
    database.close()
    target = tmp_path / "bad.apkg"

    result = run_study("export-anki", "-o", str(target))  # type: ignore[operator]

    assert result.exit_code == 2
    assert "'c1'" in result.stderr and "cloze without a deletion" in result.stderr
    assert not target.exists()


def test_a_large_export_reports_its_progress(
    database: Database, learner_id: int, decks: DeckFactory, tmp_path: Path
) -> None:
    from study.services.library import import_deck_files

    path = decks.write("big", basics=1_200)
    now = datetime(2026, 2, 1, tzinfo=UTC)
    import_deck_files(database, [path], now)
    calls: list[tuple[int, int]] = []

    export_anki(
        database,
        learner_id,
        tmp_path / "big.apkg",
        deck_ids=None,
        with_progress=False,
        now=now,
        settings=Settings(),
        progress=lambda done, total: calls.append((done, total)),
    )

    assert calls == [(500, 1_200), (1_000, 1_200), (1_200, 1_200)]


def test_ankis_collection_is_found_when_there_is_one_profile(
    run_study: object, deck_file: Path, tmp_path: Path
) -> None:
    from anki.collection import Collection

    profile = Path(os.environ["STUDY_HOME"]) / "Anki2" / "User 1"
    profile.mkdir(parents=True)
    Collection(str(profile / "collection.anki2")).close()
    run_study("import", str(deck_file))  # type: ignore[operator]

    result = run_study("export-anki", "-o", str(tmp_path / "a.apkg"), "--deck", "spine")  # type: ignore[operator]

    assert result.exit_code == 0, result.stderr
    assert f"Anki ({profile / 'collection.anki2'}): 2 notes to add, 0 to update" in result.stdout
    ignored = run_study("export-anki", "-o", str(tmp_path / "b.apkg"), "--no-anki")  # type: ignore[operator]
    assert "Anki: its collection was not read" in ignored.stdout
