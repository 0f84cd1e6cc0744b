"""Fixtures of the Anki import tests: a real Anki collection (the `anki` package) with
notes of several note types, answers, a suspended card, a flag and learning cards, and
a study library (the fixtures of tests/export)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from anki.collection import Collection
from anki.decks import DeckId
from anki.scheduler.v3 import CardAnswer

from tests.export.conftest import anki, library

__all__ = ["anki", "library"]


def answer(collection: Collection, card_id: int, rating: CardAnswer.Rating.V) -> None:
    """Answer a card in Anki now, as its reviewer does."""
    card = collection.get_card(card_id)  # type: ignore[arg-type]
    card.start_timer()
    states = collection._backend.get_scheduling_states(card.id)
    collection.sched.answer_card(
        collection.sched.build_answer(card=card, states=states, rating=rating)
    )


def add(collection: Collection, notetype: str, deck: str, tags: list[str], **fields: str) -> int:
    note = collection.new_note(collection.models.by_name(notetype))  # type: ignore[arg-type]
    for name, value in fields.items():
        note[name.replace("_", " ")] = value
    note.tags = tags
    deck_id = collection.decks.id(deck) if deck != "Default" else DeckId(1)
    collection.add_note(note, DeckId(deck_id))  # type: ignore[arg-type]
    return note.id


def cards_of(collection: Collection, note_id: int) -> list[int]:
    return [c.id for c in sorted(collection.get_note(note_id).cards(), key=lambda c: c.ord)]  # type: ignore[arg-type]


@pytest.fixture
def made_in_anki(anki: Collection) -> Iterator[Collection]:
    """A collection built and studied in Anki: Basic, Basic (and reversed card), Cloze and
    a note type of its own, HTML and an image, tags, a deck tree and the Default deck;
    review, learning and relearning cards, a suspended card and a flagged one."""
    models = anki.models
    custom = models.new("Term (custom)")
    for name in ("Term", "Definition", "Example"):
        models.add_field(custom, models.new_field(name))
    template = models.new_template("Recall")
    template["qfmt"] = "{{Definition}}"
    template["afmt"] = "{{FrontSide}}<hr id=answer>{{Term}}<br>{{Example}}"
    models.add_template(custom, template)
    models.add(custom)

    aspirin = add(
        anki,
        "Basic",
        "Med::Pharmacology",
        ["pharm", "nsaid"],
        Front="<b>Aspirin</b> inhibits which enzymes?",
        Back="COX-1 &amp; COX-2<br>irreversibly",
    )
    femur = add(
        anki, "Basic (and reversed card)", "Med::Anatomy", [], Front="Femur", Back="Thigh bone"
    )
    warfarin = add(
        anki,
        "Cloze",
        "Med::Pharmacology",
        ["anticoagulant"],
        Text="{{c1::Warfarin}} inhibits {{c2::vitamin K}} epoxide reductase",
        Back_Extra='Monitor the INR <img src="warfarin.png">',
    )
    term = add(
        anki,
        "Term (custom)",
        "Med::Terms",
        ["terms"],
        Term="Tachycardia",
        Definition="Heart rate above 100/min",
        Example="Sinus tachycardia",
    )
    default = add(anki, "Basic", "Default", [], Front="It's in Default", Back='A "quoted" back')

    [aspirin_card] = cards_of(anki, aspirin)
    answer(anki, aspirin_card, CardAnswer.EASY)  # graduates: a review card
    anki.sched.set_due_date([aspirin_card], "0")  # type: ignore[list-item]
    answer(anki, aspirin_card, CardAnswer.GOOD)  # a review answer
    femur_front, _femur_back = cards_of(anki, femur)
    answer(anki, femur_front, CardAnswer.AGAIN)  # still learning
    warfarin_1, warfarin_2 = cards_of(anki, warfarin)
    answer(anki, warfarin_1, CardAnswer.EASY)
    anki.sched.suspend_cards([warfarin_1])  # type: ignore[list-item]
    answer(anki, warfarin_2, CardAnswer.GOOD)  # a learning step
    [term_card] = cards_of(anki, term)
    answer(anki, term_card, CardAnswer.EASY)
    anki.sched.set_due_date([term_card], "0")  # type: ignore[list-item]
    answer(anki, term_card, CardAnswer.AGAIN)  # a lapse: relearning
    pharmacology = anki.decks.by_name("Med::Pharmacology")
    assert pharmacology is not None
    pharmacology["desc"] = "Drugs <b>to know</b> &amp; their enzymes"
    anki.decks.save(pharmacology)
    [default_card] = cards_of(anki, default)
    anki.set_user_flag_for_cards(1, [default_card])  # type: ignore[list-item]
    yield anki
