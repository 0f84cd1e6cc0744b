"""A list of what causes or precipitates something is asked as one card only when the
parser's items are the list's items, and the card names them as the text would.

Sentences of other topics than the judged sets.
"""

from __future__ import annotations

from pathlib import Path

from cardgen_helpers import generate_text, qa


def _cards(tmp_path: Path, sentence: str) -> list[tuple[str, str]]:
    return [qa(n) for n in generate_text(tmp_path, f"Delirium\n\n{sentence}\n").deck.notes]


def test_what_precipitates_something_is_called_a_precipitant(tmp_path: Path) -> None:
    cards = _cards(
        tmp_path,
        "An episode in an older patient is usually precipitated, most often by infection, "
        "dehydration, constipation, urinary retention or sedative drugs such as "
        "benzodiazepines and opioids.",
    )
    assert [q for q, _ in cards if "name 5 precipitants of an episode" in q]
    assert not [q for q, _ in cards if "precipitates" in q]


def test_a_list_with_examples_taken_for_items_gives_no_count(tmp_path: Path) -> None:
    # "opioids" is an example of the sedative drugs, not a sixth precipitant
    cards = _cards(
        tmp_path,
        "An episode in an older patient is usually precipitated, most often by infection, "
        "dehydration from diuretics, constipation, hypokalaemia or sedative drugs such as "
        "benzodiazepines and opioids.",
    )
    assert not [q for q, _ in cards if "name 6" in q]
