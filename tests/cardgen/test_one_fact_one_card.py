"""One fact, one card: a sentence's fact is not asked again by a card that says it in
other words (issue 14: at most 3 cards per cited sentence)."""

from __future__ import annotations

from pathlib import Path

from cardgen_helpers import all_answers, find, generate_text

from study.services.cardgen import repeats

SARCOIDOSIS = (
    "# Sarcoidosis\n\nSarcoidosis is a multisystem granulomatous disorder of unknown cause.\n"
)


def test_a_definition_asked_forwards_is_not_asked_backwards_too(tmp_path: Path) -> None:
    generation = generate_text(tmp_path, SARCOIDOSIS)
    assert find(generation, "What is sarcoidosis", "granulomatous disorder of unknown cause")
    assert not find(generation, "What is the term for", "sarcoidosis"), [
        n.front for n in generation.deck.notes
    ]
    assert any(d.reason == repeats.ASKED_THE_OTHER_WAY for d in generation.drops)


def test_a_number_joined_to_a_word_by_a_hyphen_names_and_is_not_deleted(
    tmp_path: Path,
) -> None:
    # "beta-2" is one token, a name: "inhaled [...] agonists" asked nothing
    generation = generate_text(
        tmp_path,
        "# Bronchiolitis obliterans\n\nInhaled beta-2 agonists, such as salbutamol 100 "
        "micrograms, give little relief, and an interleukin-6 level above 40 pg/mL predicts "
        "a poor outcome.\n",
    )
    answers = [a for n in generation.deck.notes for a in all_answers(n)]
    assert "100 micrograms" in answers, answers
    assert not {"beta-2", "interleukin-6", "6"} & set(answers), answers


def test_a_share_of_a_whole_is_one_quantity(tmp_path: Path) -> None:
    # "needs [...] of five signs" and "needs three of [...] signs" asked one share twice
    generation = generate_text(
        tmp_path,
        "# Rheumatic fever\n\nThe diagnosis needs three of five minor signs when no major sign "
        "is present.\n",
    )
    answers = [a for n in generation.deck.notes for a in all_answers(n)]
    assert "three of five" in answers, answers
    assert not {"three", "five"} & set(answers), answers
