"""One fact, one card: a sentence's cards do not ask the same fact twice."""

from __future__ import annotations

from pathlib import Path

from cardgen_helpers import all_answers, generate_text

from study.services.cardgen import gates


def test_a_number_a_question_already_asks_is_not_deleted_again(tmp_path: Path) -> None:
    # "How is hydrocortisone followed?" "By 200 mg over 24 hours" asks both numbers; a
    # cloze deleting "200 mg" and "over 24 hours" from the same sentence asks them again.
    text = "# Adrenal crisis\n\nHydrocortisone is followed by 200 mg over 24 hours.\n"
    generation = generate_text(tmp_path, text)
    notes = generation.deck.notes
    assert any(n.type == "basic" and "200 mg over 24 hours" in n.back for n in notes)
    assert not any(n.type == "cloze" for n in notes), [n.text for n in notes]
    assert any(d.reason == gates.ASKED_BY_A_QUESTION for d in generation.drops)


def test_a_parenthesis_that_restates_a_dose_is_not_deleted_again(tmp_path: Path) -> None:
    # "0.5 mg (0.5 mL of 1 mg/mL)": the volume restates the dose; a parenthesis that says
    # more ("(maximum 5 mg)") keeps its deletion.
    text = (
        "# Anaphylaxis\n\n"
        "Adrenaline is given intramuscularly at a dose of 0.5 mg (0.5 mL of 1 mg/mL) in "
        "adults.\n\n"
        "Nebulised adrenaline 400 micrograms/kg (maximum 5 mg) is given in severe croup.\n"
    )
    answers = [a for n in generate_text(tmp_path, text).deck.notes for a in all_answers(n)]
    assert "0.5 mg" in answers and "5 mg" in answers, answers
    assert "0.5 mL" not in answers and "1 mg/mL" not in answers, answers
