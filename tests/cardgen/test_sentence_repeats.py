"""A long sentence read whole and clause by clause asks each fact once, in its shortest card."""

from __future__ import annotations

from pathlib import Path

from cardgen_helpers import all_answers, generate_text

from study.services.cardgen import repeats

STAGES = (
    "# Acute kidney injury\n\n"
    "Severity is staged by the KDIGO criteria: an injury is stage 1 when the creatinine "
    "rises to 1.5 times the baseline, stage 2 when it rises to twice the baseline, and stage "
    "3 when it rises to three times the baseline or dialysis is started, in which case the "
    "mortality is up to 50%.\n"
)

POTASSIUM = (
    "# Hyperkalaemia\n\n"
    "Sodium bicarbonate is not given routinely when the potassium is between 6.0 and 6.4 "
    "mmol/L, but salbutamol 10 mg nebulised is added when the potassium is above 6.5 mmol/L, "
    "and a potassium above 7.0 mmol/L needs senior review because dialysis may be needed; "
    "once the potassium falls below 6.0 mmol/L, the glucose is checked hourly alongside the "
    "potassium so that insulin can continue without hypoglycaemia.\n"
)


def test_a_deletion_a_shorter_cloze_of_the_sentence_makes_is_not_made_again(
    tmp_path: Path,
) -> None:
    # the whole 50-word sentence and its clauses both deleted "up to 50%": two cards
    generation = generate_text(tmp_path, STAGES)
    clozes = [n for n in generation.deck.notes if n.type == "cloze"]
    asking = [n.text for n in clozes if "up to 50%" in all_answers(n)]
    assert len(asking) == 1, asking
    assert not asking[0].startswith("Severity is staged"), asking
    assert any(d.reason == repeats.ASKED_BY_A_SHORTER_CLOZE for d in generation.drops)


def test_a_whole_sentence_cloze_a_clause_question_answers_is_left_out(tmp_path: Path) -> None:
    # "Why does a potassium above 7.0 mmol/L need senior review?" "Because dialysis may be
    # needed" (a clause's card) asks what the 70-word cloze deleting "dialysis" asks
    generation = generate_text(tmp_path, POTASSIUM)
    notes = generation.deck.notes
    assert any(n.type == "basic" and "dialysis may be needed" in n.back for n in notes)
    assert not any(n.type == "cloze" and "dialysis" in all_answers(n) for n in notes)
    assert any(d.reason == repeats.ASKED_BY_ITS_CLAUSES for d in generation.drops)
    # the numbers no other card asks stay asked
    answers = [a for n in notes for a in all_answers(n)]
    assert "10 mg" in answers, answers
