"""Facts in the later clauses of long textbook sentences: a clause no card of its
sentence asks is told alone; an apposition that defines a name is asked though a list is
inside it.

Sentences written for these tests, on topics of no judged set.
"""

from __future__ import annotations

from pathlib import Path

from cardgen_helpers import generate_text, qa


def test_an_apposition_with_a_list_inside_says_what_a_name_is(tmp_path: Path) -> None:
    # the list hangs on "the shins" inside the apposition, not on "swelling": the
    # apposition is no item of a list, and "erythema nodosum" has no article
    text = (
        "Sarcoidosis\n\nSome patients develop erythema nodosum, a tender red swelling on the "
        "shins, knees and ankles.\n"
    )
    cards = [qa(note) for note in generate_text(tmp_path, text).deck.notes]
    assert (
        "What is erythema nodosum?",
        "A tender red swelling on the shins, knees and ankles",
    ) in (cards)


def test_a_clause_no_card_of_its_long_sentence_asks_is_told_alone(tmp_path: Path) -> None:
    # 46 words whose own cards pass the gates, so the sentence was read whole and the
    # clause ", and Rovsing's sign is characteristic, although ..." was only reported
    text = (
        "Acute appendicitis\n\nThe typical patient has central abdominal pain that moves to "
        "the right iliac fossa within a day, often with anorexia, nausea and a low-grade "
        "fever, and Rovsing's sign is characteristic, although the signs may be subtle in "
        "young children and in pregnant women.\n"
    )
    notes = generate_text(tmp_path, text).deck.notes
    assert any(
        n.type == "cloze" and "Rovsing's sign is {{c1::characteristic}}" in n.text for n in notes
    )
