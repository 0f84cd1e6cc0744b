"""Facts a sentence states that used to give no card at all."""

from __future__ import annotations

from pathlib import Path

from cardgen_helpers import all_answers, generate_text


def test_an_instruction_whose_drug_names_the_tagger_missed_asks_them(tmp_path: Path) -> None:
    # The tagger reads "apixaban" as an adjective and "edoxaban" as a verb, so the object
    # is in no noun phrase; the instruction must still ask which drugs to offer.
    text = "# Atrial fibrillation\n\n## Anticoagulation\n\n- Offer apixaban or edoxaban first.\n"
    notes = generate_text(tmp_path, text).deck.notes
    assert any("apixaban or edoxaban" in a for n in notes for a in all_answers(n))


def test_a_threshold_after_a_class_list_is_asked_by_a_question_of_its_own(tmp_path: Path) -> None:
    # "130 mmol/L or less" repeats a bound of the "130 to 134" class, in a clause of its
    # own after the classes: it is a threshold of its own, not a class torn from its range.
    text = (
        "# Hyponatraemia\n\n"
        "Hyponatraemia is classified as mild when the sodium is 130 to 134 mmol/L, moderate "
        "when it is 125 to 129 mmol/L, and severe when it is below 125 mmol/L, and the sodium "
        "should be measured daily in every patient whose sodium is 130 mmol/L or less.\n"
    )
    notes = generate_text(tmp_path, text).deck.notes
    asked = [n for n in notes if n.type == "basic" and "130 mmol/L or less" in n.back]
    assert asked, [n.front for n in notes]
    assert "which patients" in asked[0].front


def test_a_note_line_keeps_the_condition_the_parser_cut_off(tmp_path: Path) -> None:
    # The parser ends a sentence after "(not O2)"; "if CO2 retainer" is the line's
    # condition and stays in the card that asks the line.
    text = (
        "# Asthma\n\n"
        "- Nebulised ipratropium + salbutamol; nebs driven by air (not O2) if CO2 retainer\n"
    )
    notes = generate_text(tmp_path, text).deck.notes
    assert notes
    assert all("if CO2 retainer" in (n.text or n.front) for n in notes), notes


def test_a_negated_passive_instruction_deletes_what_must_not_be_done(tmp_path: Path) -> None:
    # "should not be stopped" is the fact; the passive's "be" left a hole in the deletion,
    # so the only card deleted "acute attack".
    text = "# Gout\n\nAllopurinol should not be stopped during an acute attack.\n"
    notes = generate_text(tmp_path, text).deck.notes
    answers = [a for n in notes for a in all_answers(n)]
    assert "should not be stopped" in answers, answers
