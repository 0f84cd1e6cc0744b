"""Deck files are refused, with ``path:line``, where Anki would read a cloze or a deck name
differently from study: checked against the real Anki backend's own parsing."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from anki.collection import Collection
from anki.decks import DeckId

from study.domain import cloze as study_cloze
from study.domain.decks import DeckError, DeckSpec, anki_name_problem
from study.domain.decks.reading import parse_deck
from study.domain.decks.writing import dump_deck, toml_string
from study.services.library import import_deck_files
from study.storage.database import Database
from tests.conftest import DeckFactory, basic, cloze
from tests.export.anki_helpers import visible_text

ACCEPTED = [
    "The {{c1::femoral head}} and the {{c2::acetabulum}}.",
    "{{c1::a::hint}} and {{c1::b}} then {{c3::c}}",
    "Stray }} braces {{c1::x}} and {{c::not a deletion}} or {{c1:y}}",
    "{{c10::ten}} {{c2::two}}",
    "{{c1::a}} b}}",
    "{{c1::x {{cat}} y}}",
]
REFUSED = {
    "{{c1::outer {{c2::inner}} tail}}": "nested",
    "{{c1::a}} {{c2::b}.": "not closed",
    "{{c0::x}} {{c1::y}}": "numbered from 1",
    "{{c01::x}}": "numbered from 1",
    "{{c1,2::x}}": "several numbers",
}


def anki_cards(anki: Collection, text: str) -> dict[int, str]:
    """Anki's cards of a cloze note with ``text``: cloze number -> question HTML."""
    note = anki.new_note(anki.models.by_name("Cloze"))
    note["Text"] = text
    anki.add_note(note, DeckId(1))
    return {card.ord + 1: card.question() for card in note.cards()}


@pytest.mark.parametrize("text", ACCEPTED)
def test_an_accepted_cloze_gives_the_same_cards_in_anki(anki: Collection, text: str) -> None:
    assert study_cloze.syntax_problem(text) is None
    cards = anki_cards(anki, text)
    assert sorted(cards) == study_cloze.cloze_numbers(text)
    for number, question in cards.items():
        seen = "".join(visible_text(question).split())
        assert seen == "".join(study_cloze.question(text, number).split()), number


@pytest.mark.parametrize(("text", "reason"), sorted(REFUSED.items()))
def test_a_cloze_anki_reads_differently_is_refused_at_its_line(
    anki: Collection, text: str, reason: str, tmp_path: Path
) -> None:
    ours = {
        n: "".join(study_cloze.question(text, n).split()) for n in study_cloze.cloze_numbers(text)
    }
    theirs = {n: "".join(visible_text(q).split()) for n, q in anki_cards(anki, text).items()}
    if reason != "numbered from 1":  # c0 and c01: the number as written is not Anki's card
        assert ours != theirs  # Anki gives other cards, or other questions
    spec = DeckSpec(id="d", name="D", notes=(basic("b", "Q", "A"), cloze("c", text)))
    source = dump_deck(spec)

    with pytest.raises(DeckError) as error:
        parse_deck(source, tmp_path / "d.toml")

    line = source.splitlines().index(f"text = {toml_string(text)}") + 1
    problems = [p for p in error.value.problems if reason in p]
    assert problems and problems[0].startswith(f"{tmp_path / 'd.toml'}:{line}: ")


@pytest.mark.parametrize(
    "name", ["A::", "::B", "A::::B", " A::B", "A:: B", "A:::B", "Default", "default::Sub"]
)
def test_a_deck_name_anki_would_rename_or_merge_is_refused(
    anki: Collection, name: str, tmp_path: Path
) -> None:
    deck_id = anki.decks.id(name)
    assert deck_id is not None
    stored = anki.decks.name(DeckId(deck_id))
    assert stored != name or deck_id == 1 or stored.split("::")[0] == "Default"
    source = dump_deck(DeckSpec(id="d", name=name, notes=(basic("b", "Q", "A"),)))

    with pytest.raises(DeckError) as error:
        parse_deck(source, tmp_path / "d.toml")

    [problem] = error.value.problems
    assert problem.startswith(f"{tmp_path / 'd.toml'}:4: deck name ")


def test_ordinary_deck_names_are_accepted() -> None:
    for name in ("Orthopaedics::Spine and hip", "Cardiology", "A::B::C", "Défaut", "Default deck"):
        assert anki_name_problem(name) is None, name


def test_deck_names_that_differ_only_in_case_are_refused_across_files_and_the_library(
    database: Database, decks: DeckFactory, anki: Collection
) -> None:
    # Anki compares deck names without case: these would be one deck there.
    anki.decks.id("Case::Deck")
    assert anki.decks.id_for_name("case::deck") == anki.decks.id_for_name("Case::Deck")
    first = decks.write_spec(DeckSpec(id="one", name="Case::Deck", notes=(basic("b1"),)))
    second = decks.write_spec(DeckSpec(id="two", name="case::deck", notes=(basic("b2"),)))
    parent = decks.write_spec(DeckSpec(id="three", name="CASE::Other", notes=(basic("b3"),)))
    now = datetime(2026, 2, 1, tzinfo=UTC)

    with pytest.raises(DeckError) as together:
        import_deck_files(database, [first, second], now)
    assert together.value.problems == [
        f"{second}:4: deck name 'case::deck' differs from deck 'Case::Deck' only in case, "
        "and Anki would merge them; use the same spelling"
    ]

    import_deck_files(database, [first], now)
    with pytest.raises(DeckError) as later:
        import_deck_files(database, [parent], now)
    assert later.value.problems[0].startswith(f"{parent}:4: deck name 'CASE::Other' differs")
    # Renaming a deck's own case is no clash with itself.
    renamed = decks.write_spec(DeckSpec(id="one", name="Case::DECK", notes=(basic("b1"),)))
    import_deck_files(database, [renamed], now)
