"""One fact, one card: a sentence's fact is not asked again by a card that says it in
other words (issue 14: at most 3 cards per cited sentence)."""

from __future__ import annotations

from pathlib import Path

from cardgen_helpers import find, generate_text

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
