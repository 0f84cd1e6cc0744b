"""Packages from export_anki, opened with the real Anki backend (the `anki` package)."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from anki.collection import Collection

from study.domain.clock import FixedClock
from study.domain.decks import DeckSpec, Source
from study.services.anki_export import (
    BASIC_MODEL_ID,
    CLOZE_MODEL_ID,
    PACKAGE_COMMENT,
    AnkiExportError,
    anki_button,
    anki_deck_id,
    default_package_path,
    field_html,
    note_guid,
)
from study.storage.cards import set_flags
from study.storage.models import Note
from tests.conftest import basic, cloze
from tests.export.anki_helpers import Library, import_package, visible_text

NOW = datetime(2026, 2, 1, 12, 0, tzinfo=UTC)


def ortho_deck(back: str = "Osteonecrosis") -> DeckSpec:
    return DeckSpec(
        id="spine",
        name="Orthopaedics::Spine",
        notes=(
            basic(
                "avn-name",
                "What is the other name of avascular necrosis?",
                back,
                tags=("hip", "avn"),
                source=Source(
                    "material/hip.txt", "Avascular necrosis (also called osteonecrosis)."
                ),
            ),
            cloze(
                "avn-supply",
                "The {{c1::femoral head}} is supplied by the {{c2::medial circumflex}} artery.",
                extra="Retinacular branches.",
            ),
            basic("literal", "Is <b>this</b> bold? a < b & c > d, \"quoted\" 'x'", "No:\nline two"),
        ),
    )


def other_deck() -> DeckSpec:
    return DeckSpec(
        id="cardio",
        name="Cardiology",
        notes=(cloze("mi-ecg", "ST elevation in {{c1::II, III and aVF}} means an inferior MI."),),
    )


@pytest.fixture
def filled(library: Library, clock: FixedClock) -> Library:
    library.add(ortho_deck(), clock.now())
    library.add(other_deck(), clock.now())
    return library


def package_rows(package: Path, sql: str) -> list[tuple[object, ...]]:
    """Rows of the collection inside a package."""
    with zipfile.ZipFile(package) as archive:
        data = archive.read("collection.anki2")
    copy = package.with_suffix(".anki2")
    copy.write_bytes(data)
    connection = sqlite3.connect(copy)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


def note_id_of(anki: Collection, note_id: str) -> int:
    """Anki's id of the note exported from our note ``note_id`` (found by GUID)."""
    found = anki.db.scalar("SELECT id FROM notes WHERE guid = ?", note_guid(note_id))
    assert found is not None, note_id
    return int(found)


def cards_of(anki: Collection) -> list:  # type: ignore[type-arg]
    return [anki.get_card(card_id) for card_id in anki.find_cards("")]


def test_every_card_imports_and_counts_match_study_cards(
    filled: Library, anki: Collection, tmp_path: Path, run_study: object
) -> None:
    # `study cards` also brings in the bundled decks: they are exported too.
    listed = json.loads(run_study("cards", "--json").stdout)  # type: ignore[operator]
    result = filled.export(tmp_path / "out.apkg", NOW)
    log = import_package(anki, result.path)

    assert (result.notes, result.cards) == (len({c["note"] for c in listed}), len(listed))
    assert (anki.note_count(), anki.card_count()) == (result.notes, result.cards)
    assert len(log.new) == result.notes  # type: ignore[attr-defined]
    expected = {
        (note_guid(c["note"]), int(c["id"].rsplit("#c", 1)[1]) - 1 if "#c" in c["id"] else 0)
        for c in listed
    }
    imported = {(card.note().guid, card.ord) for card in cards_of(anki)}
    assert imported == expected


def test_no_card_renders_an_empty_question_or_answer(
    filled: Library, anki: Collection, tmp_path: Path
) -> None:
    import_package(anki, filled.export(tmp_path / "out.apkg", NOW).path)

    for card in cards_of(anki):
        assert visible_text(card.question()), card.note().guid
        assert visible_text(card.answer()), card.note().guid


def test_a_cloze_card_hides_its_own_deletion_only(
    filled: Library, anki: Collection, tmp_path: Path
) -> None:
    import_package(anki, filled.export(tmp_path / "out.apkg", NOW).path)
    note_id = note_id_of(anki, "avn-supply")
    first, second = sorted(anki.get_note(note_id).cards(), key=lambda c: c.ord)

    question = visible_text(first.question())
    assert "[...]" in question
    assert "femoral head" not in question
    assert "medial circumflex" in question
    assert "femoral head" in visible_text(first.answer())
    assert "medial circumflex" not in visible_text(second.question())


def test_markup_in_a_card_stays_literal_text(
    filled: Library, anki: Collection, tmp_path: Path
) -> None:
    import_package(anki, filled.export(tmp_path / "out.apkg", NOW).path)
    note_id = note_id_of(anki, "literal")
    [card] = anki.get_note(note_id).cards()

    assert "<b>" not in card.question()
    assert visible_text(card.question()) == "Is <b>this</b> bold? a < b & c > d, \"quoted\" 'x'"
    assert "No:<br>line two" in card.answer()


def test_a_search_with_a_quote_finds_the_note_in_any_field(
    library: Library, anki: Collection, tmp_path: Path, clock: FixedClock
) -> None:
    library.add(
        DeckSpec(
            id="q",
            name="Quotes",
            notes=(
                basic("apostrophe", "What is Paget's disease?", "Osteitis deformans"),
                basic("back-quote", "Sign?", 'Trendelenburg\'s "positive" sign'),
            ),
        ),
        clock.now(),
    )
    import_package(anki, library.export(tmp_path / "out.apkg", NOW).path)

    assert len(anki.find_notes("Paget's")) == 1
    assert len(anki.find_notes("front:*Paget's*")) == 1
    assert len(anki.find_notes('back:*"positive"*')) == 1
    assert len(anki.find_notes("Trendelenburg's")) == 1


def test_field_html_escapes_markup_as_ankis_editor_stores_it() -> None:
    # Anki's editor stores typed text with <, > and & escaped and quotes literal.
    assert field_html("<i>&\"'\r\nx") == "&lt;i&gt;&amp;\"'<br>x"
    assert field_html("{{c1::a::hint}}") == "{{c1::a::hint}}"


def test_anki_export_keeps_the_tags_as_written(
    library: Library, anki: Collection, clock: FixedClock, tmp_path: Path
) -> None:
    tags = ("Cardio::ECG", "a_b", "50%", "ÉCG")
    library.add(DeckSpec(id="t", name="Tags", notes=(basic("n", tags=tags),)), clock.now())
    import_package(anki, library.export(tmp_path / "out.apkg", clock.now()).path)
    note = anki.get_note(note_id_of(anki, "n"))
    assert sorted(note.tags, key=str.casefold) == sorted(tags, key=str.casefold)


def test_deck_hierarchy_tags_and_source_are_kept(
    filled: Library, anki: Collection, tmp_path: Path
) -> None:
    import_package(anki, filled.export(tmp_path / "out.apkg", NOW).path)
    names = {d.name for d in anki.decks.all_names_and_ids()}
    assert {"Orthopaedics", "Orthopaedics::Spine", "Cardiology"} <= names

    note_id = note_id_of(anki, "avn-name")
    note = anki.get_note(note_id)
    assert sorted(note.tags) == ["avn", "hip"]
    assert note.note_type()["id"] == BASIC_MODEL_ID  # type: ignore[index]
    assert "Avascular necrosis (also called osteonecrosis)." in note["Source"]
    assert "material/hip.txt" in note["Source"]
    [card] = note.cards()
    assert anki.decks.name(card.did) == "Orthopaedics::Spine"
    cloze_id = note_id_of(anki, "mi-ecg")
    assert anki.get_note(cloze_id).note_type()["id"] == CLOZE_MODEL_ID  # type: ignore[index]


def test_guids_and_ids_are_identical_across_two_exports(filled: Library, tmp_path: Path) -> None:
    first = filled.export(tmp_path / "one.apkg", NOW).path
    second = filled.export(tmp_path / "two.apkg", NOW + timedelta(days=3)).path

    query = "SELECT guid, mid, mod, flds, tags FROM notes ORDER BY guid"
    assert package_rows(first, query) == package_rows(second, query)
    decks = "SELECT decks, models FROM col"
    assert package_rows(first, decks) == package_rows(second, decks)
    assert {g for (g,) in package_rows(first, "SELECT guid FROM notes")} == {
        note_guid(n) for n in ("avn-name", "avn-supply", "literal", "mi-ecg")
    }


def test_deck_ids_are_stable_and_never_the_default_deck() -> None:
    assert anki_deck_id("spine") == anki_deck_id("spine")
    assert anki_deck_id("spine") != anki_deck_id("cardio")
    assert all(anki_deck_id(f"deck-{i}") > 1 for i in range(1000))


def test_a_note_keeps_the_time_it_last_changed_not_the_export_time(
    filled: Library, tmp_path: Path, clock: FixedClock
) -> None:
    package = filled.export(tmp_path / "out.apkg", NOW).path
    mods = {mod for (mod,) in package_rows(package, "SELECT mod FROM notes")}
    assert mods == {int(clock.now().timestamp())}


def test_importing_the_same_package_twice_adds_nothing(
    filled: Library, anki: Collection, tmp_path: Path
) -> None:
    package = filled.export(tmp_path / "out.apkg", NOW, with_progress=True).path
    import_package(anki, package)
    counts = (anki.note_count(), anki.card_count(), anki.db.scalar("select count() from revlog"))

    log = import_package(anki, package)

    assert (anki.note_count(), anki.card_count()) == counts[:2]
    assert anki.db.scalar("select count() from revlog") == counts[2]
    assert not log.new and not log.updated  # type: ignore[attr-defined]


def test_an_edited_card_updates_in_place_in_anki(
    filled: Library, anki: Collection, tmp_path: Path, clock: FixedClock
) -> None:
    import_package(anki, filled.export(tmp_path / "one.apkg", NOW).path)
    cards_before = {card.id for card in cards_of(anki)}
    clock.advance(days=2)
    filled.add(ortho_deck(back="Osteonecrosis of the femoral head"), clock.now())

    log = import_package(anki, filled.export(tmp_path / "two.apkg", NOW + timedelta(days=2)).path)

    assert [n.fields[:2] for n in log.updated] == [  # type: ignore[attr-defined]
        ["What is the other name of avascular necrosis?", "Osteonecrosis of the femoral head"]
    ]
    assert len(log.duplicate) == 3  # type: ignore[attr-defined]
    assert {card.id for card in cards_of(anki)} == cards_before
    note_id = note_id_of(anki, "avn-name")
    assert anki.get_note(note_id)["Back"] == "Osteonecrosis of the femoral head"


def test_a_cloze_without_a_deletion_is_refused_by_name_and_nothing_is_written(
    filled: Library, tmp_path: Path
) -> None:
    # The deck loader refuses such a note, so it can only come from a damaged database.
    def damage(session: object) -> None:
        note = session.get(Note, "mi-ecg")  # type: ignore[attr-defined]
        note.text = "ST elevation means an MI."
        session.add(note)  # type: ignore[attr-defined]

    filled.database.write(damage)
    target = tmp_path / "out" / "study.apkg"
    target.parent.mkdir()
    with zipfile.ZipFile(target, "w") as previous:  # the previous export
        previous.comment = PACKAGE_COMMENT
        previous.writestr("collection.anki2", b"the previous export")
    before = target.read_bytes()

    with pytest.raises(AnkiExportError, match=r"'mi-ecg'.*cloze without a deletion"):
        filled.export(target, NOW)

    assert target.read_bytes() == before
    assert [p.name for p in target.parent.iterdir()] == ["study.apkg"]


def test_an_export_of_nothing_is_refused(library: Library, tmp_path: Path) -> None:
    with pytest.raises(AnkiExportError, match="no cards to export"):
        library.export(tmp_path / "out.apkg", NOW)
    assert not (tmp_path / "out.apkg").exists()


def test_only_the_chosen_decks_are_exported(
    filled: Library, anki: Collection, tmp_path: Path
) -> None:
    result = filled.export(tmp_path / "out.apkg", NOW, deck_ids=["cardio"])
    import_package(anki, result.path)
    assert (result.notes, result.cards, result.decks) == (1, 1, 1)
    assert {c.note().guid for c in cards_of(anki)} == {note_guid("mi-ecg")}


def test_the_default_package_is_named_after_a_single_deck_tree() -> None:
    names = {"ortho": "Orthopaedics", "spine": "Orthopaedics::Spine", "cardio": "Cardiology"}
    assert default_package_path(["spine"], names) == Path("spine.apkg")
    assert default_package_path(["ortho", "spine"], names) == Path("ortho.apkg")
    assert default_package_path(["spine", "cardio"], names) == Path("study.apkg")
    assert default_package_path(None, names) == Path("study.apkg")


def test_grades_map_to_anki_buttons() -> None:
    assert [anki_button(g) for g in range(6)] == [1, 1, 1, 2, 3, 4]
    with pytest.raises(ValueError):
        anki_button(6)


def test_without_progress_every_card_arrives_new_and_unsuspended(
    filled: Library, anki: Collection, tmp_path: Path, clock: FixedClock
) -> None:
    filled.database.write(
        lambda s: set_flags(s, filled.learner_id, "literal", clock.now(), suspended=True)
    )
    package = filled.export(tmp_path / "out.apkg", NOW).path
    assert package_rows(package, "SELECT DISTINCT type, queue, ivl FROM cards") == [(0, 0, 0)]
    assert package_rows(package, "SELECT count() FROM revlog") == [(0,)]
    # New cards keep the deck-file order: one position per note, siblings together.
    dues = package_rows(package, "SELECT n.guid, c.due FROM cards c JOIN notes n ON n.id = c.nid")
    assert sorted({due for _, due in dues}) == [1, 2, 3, 4]


def test_the_authors_note_shows_under_the_answer_escaped(
    library: Library, anki: Collection, clock: FixedClock, tmp_path: Path
) -> None:
    corrected = basic(
        "pmma",
        "Which cement is injected in vertebroplasty?",
        "Polymethyl methacrylate (PMMA)",
        edited=True,
        note="The material writes <methymethacrylate> & means PMMA.",
    )
    library.add(DeckSpec(id="spine", name="Spine", notes=(corrected,)), clock.now())
    import_package(anki, library.export(tmp_path / "out.apkg", NOW).path)
    [card] = anki.get_note(note_id_of(anki, "pmma")).cards()
    assert "Note:" in card.answer() and "<methymethacrylate>" not in card.answer()
    assert "The material writes <methymethacrylate> & means PMMA." in visible_text(card.answer())
    assert "Note:" not in card.question()
