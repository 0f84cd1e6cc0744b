"""A long sentence read whole and clause by clause asks each fact once, in its shortest card."""

from __future__ import annotations

from pathlib import Path

from cardgen_helpers import all_answers, generate_text

from study.domain import cloze
from study.services.cardgen import repeats
from study.services.cardgen.candidates import Candidate
from study.services.cardgen.sentences import Sentence

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


def _card(sentence: Sentence, pattern: str, **fields: str) -> Candidate:
    answers = tuple(
        cloze.deleted_answers(fields["text"], 1) if "text" in fields else [fields["back"]]
    )
    kind = "cloze" if "text" in fields else "basic"
    return Candidate(pattern=pattern, type=kind, sentence=sentence, answers=answers, **fields)


def test_a_condition_question_a_number_cloze_asks_is_left_out() -> None:
    # "When is zoledronic acid given?" "When the corrected calcium is above 3.0 mmol/L"
    # beside "... given when the corrected calcium is [above 3.0 mmol/L]": one fact
    text = "Zoledronic acid is given when the corrected calcium is above 3.0 mmol/L."
    sentence = Sentence(text, text, 0, len(text))
    cards = [
        _card(
            sentence,
            "condition",
            front="When is zoledronic acid given?",
            back="When the corrected calcium is above 3.0 mmol/L",
        ),
        _card(
            sentence,
            "number",
            text="Zoledronic acid is given when the corrected calcium is {{c1::above 3.0 mmol/L}}.",
        ),
        # an answer that names more than the number (the drug) is another fact
        _card(
            sentence,
            "subject",
            front="What is given when the corrected calcium is above 3.0 mmol/L?",
            back="Zoledronic acid",
        ),
    ]
    assert repeats.repeated(cards) == {0: repeats.ASKED_BY_A_NUMBER_CLOZE}


def test_a_question_whose_answer_names_more_than_the_number_stays() -> None:
    text = "COPD exacerbation: amoxicillin or doxycycline for 5 days if sputum is purulent."
    sentence = Sentence(text, text, 0, len(text))
    cards = [
        _card(
            sentence,
            "condition",
            front="COPD exacerbation: if sputum is purulent?",
            back="Amoxicillin or doxycycline for 5 days",
        ),
        _card(
            sentence,
            "number",
            text=(
                "COPD exacerbation: amoxicillin or doxycycline {{c1::for 5 days}} if sputum "
                "is purulent."
            ),
        ),
    ]
    assert repeats.repeated(cards) == {}
