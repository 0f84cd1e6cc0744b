"""Relative clauses and trailing phrases inside the lists of long textbook sentences."""

from __future__ import annotations

from pathlib import Path

from cardgen_helpers import generate_text


def test_a_list_going_on_past_a_relative_clause_is_not_answered_by_its_first_item(
    tmp_path: Path,
) -> None:
    # "The signs are A, which ..., B, and C": the parser hangs B and C inside the relative
    # clause on A, so "What are the usual early signs?" would be answered by A alone (or
    # by A with the relative clause's own "with ..." phrase).
    text = (
        "# Pancreatic cancer\n\n"
        "The usual early signs are jaundice, which gives yellow skin and dark urine over a "
        "few weeks, with pale stools and itching, weight loss in older adults, and a "
        "palpable gallbladder.\n"
    )
    generation = generate_text(tmp_path, text)
    fronts = [n.front for n in generation.deck.notes if n.type == "basic"]
    assert not any("early signs?" in f for f in fronts), fronts
    assert any("misread list" in d.reason for d in generation.drops)
    # the relative clause's own fact is still asked
    assert any(n.back == "Yellow skin and dark urine" for n in generation.deck.notes)


def test_a_quantifier_of_whom_is_asked_of_the_people_it_counts(tmp_path: Path) -> None:
    # "adults, most of whom carry X": most adults carry X ("What does most of whom carry?"
    # garbled it), even where the parser hangs the clause on "overload".
    text = (
        "# Haemochromatosis\n\n"
        "Haemochromatosis causes iron overload in white adults, most of whom carry two "
        "copies of the C282Y variant.\n"
    )
    notes = generate_text(tmp_path, text).deck.notes
    cards = [(n.front, n.back) for n in notes if n.type == "basic"]
    assert not any("whom" in front for front, _ in cards), cards
    assert (
        "Haemochromatosis: what do most white adults carry?",
        "Two copies of the C282Y variant",
    ) in cards, cards
