"""One fact, one card: a sentence's cards do not ask the same fact twice."""

from __future__ import annotations

from pathlib import Path

from cardgen_helpers import generate_text

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
