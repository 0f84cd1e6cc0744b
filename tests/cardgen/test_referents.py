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


def test_a_question_about_this_treatment_it_does_not_show_is_dropped(tmp_path: Path) -> None:
    text = (
        "# Hyperkalaemia\n\n"
        "The blood glucose must be monitored for at least 6 hours afterwards, since "
        "hypoglycaemia is a common complication of this treatment.\n"
    )
    generation = generate_text(tmp_path, text)
    fronts = [n.front for n in generation.deck.notes if n.type == "basic"]
    assert not any("this treatment" in f for f in fronts), fronts
    assert any("'this ...'" in d.reason for d in generation.drops)


def test_examples_in_a_relative_clause_are_of_the_plural_before_it(tmp_path: Path) -> None:
    # "(such as ACE inhibitors, ...)" follows "the excretion of potassium", but the
    # examples are of the drugs; "a disease (such as diabetes)" keeps its own noun.
    text = (
        "# Hyperkalaemia\n\n"
        "Hyperkalaemia is often caused by drugs that reduce the excretion of potassium (such "
        "as ACE inhibitors, spironolactone and trimethoprim).\n\n"
        "Patients who have a disease (such as diabetes) are at risk.\n"
    )
    fronts = [n.front for n in generate_text(tmp_path, text).deck.notes if n.type == "basic"]
    assert not any("example of the excretion" in f for f in fronts), fronts
    assert any("example of drugs that reduce the excretion of potassium" in f for f in fronts)
    assert any("example of a disease" in f for f in fronts), fronts


def test_a_which_patients_question_names_the_topic(tmp_path: Path) -> None:
    # "In which patients do corneal microdeposits develop?" is about amiodarone only by
    # the page it is on.
    text = "# Amiodarone\n\nCorneal microdeposits develop in nearly all patients.\n"
    fronts = [n.front for n in generate_text(tmp_path, text).deck.notes if n.type == "basic"]
    assert "Amiodarone: in which patients do corneal microdeposits develop?" in fronts, fronts
