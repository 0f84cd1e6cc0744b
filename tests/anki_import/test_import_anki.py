"""`study import-anki` on packages made by the real Anki backend: every card compared."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from anki.collection import Collection, ExportAnkiPackageOptions
from sqlmodel import col, select

from study.domain.cards import card_id
from study.domain.clock import study_day
from study.domain.config import Settings
from study.services.anki_import import AnkiImportResult, import_anki, study_note_id
from study.storage.cards import card_history, card_rows
from study.storage.models import CardState, Deck, Note, Review
from study.storage.tags import tags_by_note
from tests.anki_import.conftest import add
from tests.export.anki_helpers import Library

FORMATS = ("current", "legacy", "colpkg")


@dataclass(frozen=True)
class Seen:
    """One Anki card as Anki has it, with its log, before the export."""

    study_id: str
    deck: str
    tags: tuple[str, ...]
    type: int
    queue: int
    due: int
    ivl: int
    factor: int
    lapses: int
    flags: int
    log: tuple[tuple[int, int, int], ...]  # (id, ease, type)


def snapshot(anki: Collection) -> tuple[dict[str, Seen], int]:
    """Every card of the collection by the study id it gets, and Anki's today."""
    seen = {}
    for cid in anki.find_cards(""):
        card = anki.get_card(cid)
        note = card.note()
        base = study_note_id(note.guid)
        if note.note_type()["type"] == 1:
            study_id = card_id(base, card.ord + 1)
        else:
            study_id = base if card.ord == 0 else f"{base}-{card.ord + 1}"
        log = tuple(
            tuple(row)
            for row in anki.db.all(
                "SELECT id, ease, type FROM revlog WHERE cid = ? ORDER BY id", cid
            )
        )
        seen[study_id] = Seen(
            study_id,
            anki.decks.name(card.did),
            tuple(note.tags),
            card.type,
            card.queue,
            card.due,
            card.ivl,
            card.factor,
            card.lapses,
            card.flags,
            log,  # type: ignore[arg-type]
        )
    return seen, anki.sched.today


def export_from_anki(anki: Collection, path: Path, kind: str) -> Path:
    """A package written by Anki's own exporter: current or legacy .apkg, or .colpkg."""
    if kind == "colpkg":
        anki.export_collection_package(out_path=str(path), include_media=True, legacy=False)
    else:
        anki.export_anki_package(
            out_path=str(path),
            options=ExportAnkiPackageOptions(
                with_scheduling=True,
                with_deck_configs=False,
                with_media=True,
                legacy=kind == "legacy",
            ),
            limit=None,
        )
    return path


def run_import(library: Library, path: Path, **options: object) -> AnkiImportResult:
    return import_anki(
        library.database,
        library.learner_id,
        path,
        now=datetime.now(UTC),
        settings=library.settings,
        **options,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize("kind", FORMATS)
def test_every_card_of_an_anki_made_package_arrives_with_its_schedule_and_log(
    made_in_anki: Collection, library: Library, tmp_path: Path, kind: str
) -> None:
    library.settings = Settings()  # this machine's zone, as Anki counts days in it
    seen, anki_today = snapshot(made_in_anki)
    package = export_from_anki(
        made_in_anki, tmp_path / f"anki.{'colpkg' if kind == 'colpkg' else 'apkg'}", kind
    )

    result = run_import(library, package, with_progress=True)

    today = study_day(datetime.now(UTC), library.settings.zone, library.settings.day_starts_at)
    # Six study notes: the reversed note gives one per card.
    assert (result.added, result.cards, result.skipped) == (6, 7, [])
    assert result.media == ["warfarin.png"]
    with library.database.session() as session:
        descriptions = {d.name: d.description for d in session.exec(select(Deck))}
        assert descriptions["Med::Pharmacology"] == "Drugs to know & their enzymes"
        rows = {r.card_id: r for r in card_rows(session, library.learner_id, today)}
        states = {s.card_id: s for s in session.exec(select(CardState)).all()}
        for study_id, anki_card in seen.items():
            row = rows[study_id]
            assert row.deck_name == (
                anki_card.deck if anki_card.deck != "Default" else "Default (from Anki)"
            )
            assert row.content.tags == anki_card.tags
            rated = [entry for entry in anki_card.log if entry[1] > 0]
            history = [r for r in card_history(session, library.learner_id, study_id)]
            assert [int(r.reviewed_at.timestamp() * 1000) for r in history] == [e[0] for e in rated]
            assert [r.grade for r in history] == [{1: 1, 2: 3, 3: 4, 4: 5}[e[1]] for e in rated]
            state = states.get(study_id)
            if anki_card.type == 0:
                assert state is None or (state.reviews, state.suspended) == (
                    0,
                    anki_card.queue == -1,
                )
                assert (state is not None and state.flagged) == bool(anki_card.flags), study_id
                continue
            assert state is not None, study_id
            assert state.lapses == anki_card.lapses
            assert state.suspended == (anki_card.queue == -1)
            assert state.reviews == len([e for e in rated if e[2] in (0, 1)])
            if anki_card.type == 2:
                assert (state.interval, state.ease_hundredths * 10) == (
                    anki_card.ivl,
                    anki_card.factor,
                )
                assert state.due_day == today + timedelta(days=anki_card.due - anki_today), study_id
                assert state.repetitions >= 1
                continue
            # A step minutes away that would cross the day boundary (4 a.m.) is put by Anki
            # in its day-learning queue (3), due in days; other steps are due at a moment.
            if anki_card.queue == 3:
                step_day = today + timedelta(days=anki_card.due - anki_today)
            else:
                step_day = study_day(
                    datetime.fromtimestamp(anki_card.due, UTC),
                    library.settings.zone,
                    library.settings.day_starts_at,
                )
            assert step_day in (today, today + timedelta(days=1)), study_id
            if anki_card.type == 1:  # learning: n = 0, due on the day of its next step
                assert (state.repetitions, state.interval) == (0, 0)
                assert state.due_day == step_day
            else:  # relearning after a lapse: drilled if its step is today, due ivl days on
                assert (state.repetitions, state.interval) == (0, anki_card.ivl)
                assert state.drill_day == (today if step_day == today else None)
                assert state.due_day == state.last_review_day + timedelta(days=anki_card.ivl)


def test_text_comes_as_plain_text_by_note_type(
    made_in_anki: Collection, library: Library, tmp_path: Path
) -> None:
    run_import(
        library, export_from_anki(made_in_anki, tmp_path / "a.apkg", "current"), with_progress=False
    )
    with library.database.session() as session:
        notes = {
            n.front or n.text: n
            for n in session.exec(select(Note).where(col(Note.id).startswith("anki-")))
        }  # type: ignore[attr-defined]
    aspirin = notes["Aspirin inhibits which enzymes?"]
    assert aspirin.back == "COX-1 & COX-2\nirreversibly"
    with library.database.session() as session:
        assert tags_by_note(session, [aspirin.id])[aspirin.id] == ("nsaid", "pharm")
    assert notes["Femur"].back == "Thigh bone"
    assert notes["Thigh bone"].back == "Femur"  # the reversed card: its own study card
    warfarin = notes["{{c1::Warfarin}} inhibits {{c2::vitamin K}} epoxide reductase"]
    assert (warfarin.type, warfarin.extra) == ("cloze", "Monitor the INR [image: warfarin.png]")
    term = notes["Heart rate above 100/min"]  # the question template shows the definition
    assert term.back == "Tachycardia\nSinus tachycardia"
    assert notes["It's in Default"].back == 'A "quoted" back'


def test_importing_the_same_package_again_updates_in_place_without_duplicates(
    made_in_anki: Collection, library: Library, tmp_path: Path
) -> None:
    library.settings = Settings()
    package = export_from_anki(made_in_anki, tmp_path / "a.apkg", "current")
    first = run_import(library, package, with_progress=True)
    note = made_in_anki.get_note(made_in_anki.find_notes("Aspirin")[0])
    note["Back"] = "COX-1 and COX-2"
    made_in_anki.update_note(note)
    again = export_from_anki(made_in_anki, tmp_path / "b.apkg", "current")

    second = run_import(library, again, with_progress=True)

    assert (second.added, second.updated, second.unchanged) == (
        0,
        1,
        first.added - 1,
    )
    assert second.reviews_added == 0 and second.reviews_known == first.reviews_added
    with library.database.session() as session:
        assert len(session.exec(select(Review)).all()) == first.reviews_added
        [aspirin] = session.exec(
            select(Note).where(Note.front == "Aspirin inhibits which enzymes?")
        ).all()  # type: ignore[arg-type]
        assert aspirin.back == "COX-1 and COX-2"


def test_a_deck_that_differs_only_in_case_is_refused_and_nothing_is_written(
    made_in_anki: Collection, library: Library, tmp_path: Path, run_study: object, db_path: Path
) -> None:
    from study.domain.decks import DeckSpec
    from tests.conftest import basic

    made_in_anki.decks.rename(made_in_anki.decks.by_name("Med::Terms"), "Med::terms")  # type: ignore[arg-type]
    package = export_from_anki(made_in_anki, tmp_path / "a.apkg", "current")
    deck = library.folder / "med.toml"
    from study.domain.decks.writing import dump_deck

    deck.write_text(dump_deck(DeckSpec(id="med", name="MED::Terms", notes=(basic("x"),))))
    assert run_study("import", str(deck)).exit_code == 0  # type: ignore[operator]

    result = run_study("import-anki", str(package), "--with-progress")  # type: ignore[operator]

    assert result.exit_code == 2
    assert (
        result.stderr.count("\n") == 1
        and "only in case" in result.stderr
        and "--deck-prefix" in result.stderr
    )
    ok = run_study("import-anki", str(package), "--deck-prefix", "Anki", "--with-progress")  # type: ignore[operator]
    assert ok.exit_code == 0, ok.stderr
    assert "6 notes added" in ok.stdout and "media not imported" in ok.stdout


def test_a_file_that_is_not_an_anki_package_is_one_line_and_exit_status_2(
    run_study: object, tmp_path: Path
) -> None:
    bad = tmp_path / "notes.apkg"
    bad.write_text("not a zip")
    result = run_study("import-anki", str(bad))  # type: ignore[operator]
    assert result.exit_code == 2
    assert (
        result.stderr
        == f"study: {bad} is not an Anki package; export one from Anki (File → Export, .apkg)\n"
    )


def test_a_note_moved_to_another_deck_in_anki_moves_on_the_next_import(
    made_in_anki: Collection, library: Library, tmp_path: Path
) -> None:
    run_import(
        library, export_from_anki(made_in_anki, tmp_path / "a.apkg", "current"), with_progress=False
    )
    [term] = made_in_anki.find_cards('"deck:Med::Terms"')
    made_in_anki.set_deck([term], made_in_anki.decks.id("Med::Glossary"))  # type: ignore[arg-type,list-item]

    result = run_import(
        library, export_from_anki(made_in_anki, tmp_path / "b.apkg", "current"), with_progress=False
    )

    assert (result.added, result.retired) == (0, 0)
    with library.database.session() as session:
        decks = {d.name: d for d in session.exec(select(Deck))}
        [note] = session.exec(select(Note).where(Note.front == "Heart rate above 100/min")).all()
    assert decks["Med::Terms"].retired and not decks["Med::Glossary"].retired
    assert note.deck_id == decks["Med::Glossary"].id and not note.retired


def test_an_error_midway_leaves_the_database_as_it_was(
    made_in_anki: Collection, library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import study.services.anki_import
    import study.services.anki_import.importing

    package = export_from_anki(made_in_anki, tmp_path / "a.apkg", "current")

    def fail(*args: object) -> None:
        raise study.services.anki_import.AnkiImportError("failed after the notes were written")

    monkeypatch.setattr(study.services.anki_import.importing, "merge_progress", fail)
    with pytest.raises(study.services.anki_import.AnkiImportError):
        run_import(library, package, with_progress=True)

    with library.database.session() as session:
        assert session.exec(select(Note)).all() == []
        assert session.exec(select(Deck)).all() == []


def test_importing_your_own_export_says_its_notes_stay_in_your_deck_files(
    run_study: Any, tmp_path: Path
) -> None:
    package = tmp_path / "out.apkg"
    exported = run_study("export-anki", "-o", str(package))
    assert exported.exit_code == 0, exported.stderr
    found = re.search(r": (\d+) notes, (\d+) cards", exported.stdout)
    assert found is not None, exported.stdout
    notes, cards = found.groups()
    own = f"its {notes} notes ({cards} cards) are from your own deck files, kept as they are there"

    result = run_study("import-anki", str(package))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [f"{package}: nothing to import: {own}"]
    with_progress = run_study("import-anki", "--with-progress", str(package))
    assert with_progress.exit_code == 0, with_progress.stderr
    assert with_progress.stdout.splitlines()[0] == f"{package}: no notes to import: {own}"


def test_a_package_of_new_and_own_notes_counts_only_the_new_cards_in_its_decks() -> None:
    result = AnkiImportResult(Path("mixed.apkg"), added=3, kept=1, kept_cards=2, cards=6, decks=1)
    assert result.summary(with_progress=False) == [
        "mixed.apkg: 3 notes added, 0 updated, 0 unchanged, 0 retired; 4 cards in 1 deck",
        "1 note (2 cards) is from your own deck files, kept as they are there",
    ]


def test_a_package_of_more_cards_than_one_query_names_is_read_whole(
    run_study: Any, tmp_path: Path
) -> None:
    from study.domain.decks import DeckSpec, NoteSpec
    from study.domain.decks.writing import dump_deck

    many = 1_234  # more than one IN (...) of 500 ids: the lookups go in chunks
    deck = tmp_path / "many.toml"
    deck.write_text(
        dump_deck(
            DeckSpec(
                id="many",
                name="Many",
                notes=tuple(
                    NoteSpec(id=f"m{i}", type="basic", front=f"Q{i}?", back=f"A{i}")
                    for i in range(many)
                ),
            )
        ),
        encoding="utf-8",
    )
    assert run_study("import", str(deck)).exit_code == 0
    package = tmp_path / "many.apkg"
    assert run_study("export-anki", "--deck", "many", "-o", str(package)).exit_code == 0

    result = run_study("import-anki", "--with-progress", str(package))

    assert result.exit_code == 0, result.stderr
    own = f"its {many} notes ({many} cards) are from your own deck files"
    assert result.stdout.splitlines()[0].startswith(f"{package}: no notes to import: {own}")


def test_more_anki_notes_than_one_query_names_all_move_to_their_new_deck(
    anki: Collection, library: Library, tmp_path: Path
) -> None:
    many = 1_111  # more than one IN (...) of 500 ids: the lookups go in chunks
    for i in range(many):
        add(anki, "Basic", "Big", [], Front=f"Q{i}?", Back=f"A{i}")
    package = export_from_anki(anki, tmp_path / "big.apkg", "current")
    first = run_import(library, package, with_progress=True)
    assert (first.added, first.cards, first.decks) == (many, many, 1)

    moved = run_import(library, package, with_progress=True, deck_prefix="Anki")

    assert (moved.added, moved.unchanged, moved.cards) == (0, many, many)
    with library.database.session() as session:
        decks = {d.name: d for d in session.exec(select(Deck))}
        live = session.exec(select(Note).where(col(Note.retired).is_(False))).all()
    assert decks["Big"].retired and {n.deck_id for n in live} == {decks["Anki::Big"].id}
    assert len(live) == many
