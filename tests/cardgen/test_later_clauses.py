"""Facts in the later clauses of long textbook sentences: an apposition that defines a
name is asked though a list is inside it.

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

