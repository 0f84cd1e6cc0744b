"""A card names what it asks about: no "the dose" or "the rhythm" of nothing said."""

from __future__ import annotations

from pathlib import Path

from cardgen_helpers import generate_text


def test_the_dose_is_the_dose_of_what_the_sentence_gave_an_amount_of(tmp_path: Path) -> None:
    text = (
        "# Hyperkalaemia\n\n"
        "30 mL of 10% calcium gluconate is given intravenously, and the dose is repeated if "
        "the ECG has not improved after 5 to 10 minutes.\n"
    )
    notes = generate_text(tmp_path, text).deck.notes
    fronts = [n.front for n in notes if n.type == "basic"]
    assert "When is the dose of 10% calcium gluconate repeated?" in fronts, fronts


def test_a_subject_that_is_the_and_one_noun_is_named_by_the_topic(tmp_path: Path) -> None:
    text = (
        "# Hyperkalaemia\n\n"
        "The rhythm may degenerate into a sine-wave pattern, bradycardia or ventricular "
        "fibrillation.\n"
    )
    notes = generate_text(tmp_path, text).deck.notes
    fronts = [n.front for n in notes if n.type == "basic"]
    assert "Hyperkalaemia: what may the rhythm degenerate into?" in fronts, fronts
