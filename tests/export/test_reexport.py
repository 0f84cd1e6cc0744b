"""Exporting again to an Anki that has the notes: given Anki's collection, the export
says what Anki's importer will do (checked against the real importer's log), keeps tags
added in Anki, leaves alone what did not change, and names what it cannot send."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from anki.collection import Collection

from study.domain.clock import FixedClock
from study.domain.decks import DeckSpec
from study.services.anki_export import AnkiPlan, note_guid
from study.services.anki_import import anki_copy
from tests.conftest import basic, cloze
from tests.export.anki_helpers import Library, import_package


def deck(back: str = "Osteonecrosis") -> DeckSpec:
    return DeckSpec(
        id="spine",
        name="Orthopaedics::Spine",
        notes=(
            basic("avn", "Other name of avascular necrosis?", back, tags=("hip",)),
            basic("sciatica", "Sciatica follows which nerve?", "The sciatic nerve"),
            cloze("supply", "The {{c1::femoral head}} is supplied by the {{c2::MFCA}}."),
        ),
    )


def anki_note(anki: Collection, note_id: str):  # type: ignore[no-untyped-def]
    return anki.get_note(anki.db.scalar("SELECT id FROM notes WHERE guid = ?", note_guid(note_id)))


def first_export(library: Library, anki: Collection, tmp_path: Path) -> FixedClock:
    """The deck, imported here two hours ago and into Anki: a clock at that time."""
    clock = FixedClock(datetime.now(UTC) - timedelta(hours=2))
    library.add(deck(), clock.now())
    import_package(anki, library.export(tmp_path / "one.apkg", clock.now()).path)
    return clock


def tag_in_anki(anki: Collection, note_id: str, tag: str = "from-anki") -> None:
    note = anki_note(anki, note_id)
    note.tags.append(tag)
    anki.update_note(note)


def collection_path(anki: Collection) -> Path:
    return Path(anki.path)


def export_against_anki(library: Library, anki: Collection, path: Path, now: datetime) -> AnkiPlan:
    result = library.export(path, now, anki=anki_copy(collection_path(anki)))
    assert result.plan is not None
    return result.plan


def test_the_plan_is_what_ankis_importer_does_and_tags_added_in_anki_are_kept(
    library: Library, anki: Collection, tmp_path: Path
) -> None:
    clock = first_export(library, anki, tmp_path)
    tag_in_anki(anki, "sciatica")  # a tag added in Anki, to a note edited later here
    clock.advance(hours=3)  # after Anki's change
    library.add(
        DeckSpec(
            id="spine",
            name="Orthopaedics::Spine",
            notes=(
                *deck().notes[:1],
                basic("sciatica", "Sciatica follows which nerve?", "L4-S3"),
                deck().notes[2],
                basic("new-one", "A new card?", "Yes"),
            ),
        ),
        clock.now(),
    )

    plan = export_against_anki(library, anki, tmp_path / "two.apkg", clock.now())
    log = import_package(anki, tmp_path / "two.apkg")

    assert (plan.added, plan.updated, plan.unchanged) == (1, 1, 2)
    assert (len(log.new), len(log.updated), len(log.duplicate)) == (1, 1, 2)  # type: ignore[attr-defined]
    sciatica = anki_note(anki, "sciatica")
    assert sciatica["Back"] == "L4-S3"
    assert "from-anki" in sciatica.tags  # merged, not wiped


def test_without_ankis_collection_an_update_wipes_tags_added_in_anki(
    library: Library, anki: Collection, tmp_path: Path
) -> None:
    # What Anki's importer does on its own (why the export reads Anki's collection).
    clock = first_export(library, anki, tmp_path)
    tag_in_anki(anki, "avn")
    clock.advance(hours=3)
    library.add(deck(back="Osteonecrosis of the femoral head"), clock.now())

    import_package(anki, library.export(tmp_path / "two.apkg", clock.now()).path)

    assert anki_note(anki, "avn").tags == ["hip"]


def test_a_note_changed_in_anki_after_the_edit_here_keeps_ankis_text_and_is_named(
    library: Library, anki: Collection, tmp_path: Path, run_study: object
) -> None:
    clock = first_export(library, anki, tmp_path)
    clock.advance(hours=1)
    library.add(deck(back="Osteonecrosis of the femoral head"), clock.now())  # edited here
    tag_in_anki(anki, "avn", "leech")  # then Anki marks it a leech: its copy is newer

    plan = export_against_anki(library, anki, tmp_path / "two.apkg", datetime.now(UTC))
    log = import_package(anki, tmp_path / "two.apkg")

    assert plan.anki_newer == ("avn",)
    assert (plan.updated, len(log.updated)) == (0, 0)  # type: ignore[attr-defined]
    assert anki_note(anki, "avn")["Back"] == "Osteonecrosis"  # as the plan said

    forced = library.export(
        tmp_path / "three.apkg", datetime.now(UTC), anki=anki_copy(collection_path(anki)),
        overwrite_anki=True,
    )  # fmt: skip
    import_package(anki, forced.path)
    assert forced.plan is not None and (forced.plan.updated, forced.plan.anki_newer) == (1, ())
    sent = anki_note(anki, "avn")
    assert sent["Back"] == "Osteonecrosis of the femoral head" and "leech" in sent.tags


def test_a_recreated_database_updates_nothing_whose_text_is_the_same(
    library: Library, anki: Collection, tmp_path: Path
) -> None:
    first_export(library, anki, tmp_path)
    tag_in_anki(anki, "avn")
    # Every note here now looks newer than Anki's copy (as after recreating the database).
    library.add(deck(back="changed"), datetime.now(UTC) + timedelta(hours=1))
    library.add(deck(), datetime.now(UTC) + timedelta(hours=2))

    plan = export_against_anki(library, anki, tmp_path / "two.apkg", datetime.now(UTC))
    log = import_package(anki, tmp_path / "two.apkg")

    assert (plan.updated, plan.unchanged, len(log.updated)) == (0, 3, 0)  # type: ignore[attr-defined]
    assert "from-anki" in anki_note(anki, "avn").tags


def test_a_note_type_changed_in_anki_is_named_with_the_notes_anki_will_skip(
    library: Library, anki: Collection, tmp_path: Path
) -> None:
    clock = first_export(library, anki, tmp_path)
    basic_type = anki.models.by_name("Basic (study)")
    assert basic_type is not None
    anki.models.add_field(basic_type, anki.models.new_field("Mnemonic"))
    anki.models.update_dict(basic_type)
    clock.advance(hours=3)
    library.add(deck(back="Osteonecrosis of the femoral head"), clock.now())

    plan = export_against_anki(library, anki, tmp_path / "two.apkg", clock.now())
    log = import_package(anki, tmp_path / "two.apkg")

    assert plan.customised == ("Basic (study)",) and plan.skipped == 2
    assert len(log.conflicting) == 2  # type: ignore[attr-defined]
    assert anki.models.by_name("Basic (study)+") is not None


def test_export_anki_reads_ankis_collection_and_says_what_anki_will_do(
    library: Library, anki: Collection, tmp_path: Path, run_study: object, decks: object
) -> None:
    spec = deck()
    path = decks.write_spec(spec)  # type: ignore[attr-defined]
    assert run_study("import", str(path)).exit_code == 0  # type: ignore[operator]
    first = run_study("export-anki", "-o", str(tmp_path / "one.apkg"), "--deck", "spine")  # type: ignore[operator]
    assert "Anki: its collection was not read" in first.stdout
    import_package(anki, tmp_path / "one.apkg")

    result = run_study(  # type: ignore[operator]
        "export-anki", "-o", str(tmp_path / "two.apkg"), "--deck", "spine", "--anki", anki.path
    )

    assert result.exit_code == 0, result.stderr
    assert f"Anki ({anki.path}): 0 notes to add, 0 to update, 3 unchanged" in result.stdout


def test_a_removed_note_stays_in_anki_and_a_renamed_deck_keeps_its_cards_where_they_were(
    library: Library, anki: Collection, tmp_path: Path
) -> None:
    clock = first_export(library, anki, tmp_path)
    clock.advance(hours=1)
    library.add(
        DeckSpec(
            id="spine",
            name="Orthopaedics::Spine and hip",  # renamed
            notes=(*deck().notes[:2], basic("added", "Added after the rename?", "Yes")),
        ),
        clock.now(),
    )  # "supply" removed

    import_package(anki, library.export(tmp_path / "two.apkg", clock.now()).path)

    assert anki_note(anki, "supply") is not None  # Anki's importer never deletes
    old = anki.decks.id_for_name("Orthopaedics::Spine")
    new = anki.decks.id_for_name("Orthopaedics::Spine and hip")
    assert old and new and old != new  # decks are matched by name: a second deck
    assert {c.did for c in anki_note(anki, "avn").cards()} == {old}  # cards stay
    assert {c.did for c in anki_note(anki, "added").cards()} == {new}


def test_the_deck_description_goes_to_anki_escaped_and_replaces_ankis_on_each_import(
    library: Library, anki: Collection, tmp_path: Path
) -> None:
    described = DeckSpec(
        id="spine", name="Orthopaedics::Spine", description="Hip & spine <revision>",
        notes=deck().notes,
    )  # fmt: skip
    library.add(described, datetime.now(UTC))
    import_package(anki, library.export(tmp_path / "one.apkg", datetime.now(UTC)).path)
    spine = anki.decks.by_name("Orthopaedics::Spine")
    assert spine is not None and spine["desc"] == "Hip &amp; spine &lt;revision&gt;"
    spine["desc"] = "My own notes"
    anki.decks.save(spine)

    import_package(anki, library.export(tmp_path / "two.apkg", datetime.now(UTC)).path)

    assert anki.decks.by_name("Orthopaedics::Spine")["desc"] == "Hip &amp; spine &lt;revision&gt;"  # type: ignore[index]
