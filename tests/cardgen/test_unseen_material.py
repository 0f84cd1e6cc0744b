"""The generator judged on material nobody tuned it to: an atrial fibrillation page in
Markdown (headings, bullets, bold terms, links) and a hard-wrapped plain-text note on
diabetic ketoacidosis. Both were written for these tests, after the generator."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from cardgen_helpers import all_answers, find

from study.domain import cloze
from study.services.cardgen import Generation, generate_deck
from study.services.cardgen.gates import MAX_ANSWER_WORDS, MAX_DELETION_WORDS
from study.services.cardgen.terms import words

FIXTURES = Path(__file__).parent.parent / "fixtures" / "material"
AF = FIXTURES / "atrial-fibrillation.md"
DKA = FIXTURES / "diabetic-ketoacidosis.txt"

AF_FACTS = [
    ("What does AF stand for", "atrial fibrillation"),
    ("most common sustained cardiac arrhythmia in adults", "atrial fibrillation"),
    ("lifetime risk of AF is", "one in three"),
    ("risk factors for AF", "obstructive sleep apnoea"),
    ("risk factors for AF", "hyperthyroidism"),
    ("notice", "palpitations"),
    ("the pulse is", "irregularly irregular"),
    ("What confirms the diagnosis of atrial fibrillation", "12-lead electrocardiogram"),
    ("What does the ECG show", "absent P waves"),
    ("Which AF terminates spontaneously", "paroxysmal AF"),
    ("Which AF lasts longer than 7 days", "persistent AF"),
    ("Which AF is accepted by the patient", "permanent AF"),
    ("main complication of AF", "ischaemic stroke"),
    ("risk of stroke", "fivefold"),
    ("what is stroke risk estimated with", "CHA2DS2-VASc"),
    ("what are preferred to warfarin", "direct oral anticoagulants"),
    ("such as", "apixaban"),
    ("in which patients is warfarin still used", "mechanical heart valve"),
    ("resting heart rate", "below 110 beats per minute"),
    ("what is rate control usually achieved with", "beta-blocker"),
    ("rhythm control restores sinus rhythm by", "catheter ablation"),
    ("What does PVI stand for", "pulmonary vein isolation"),
    ("Why is the cornerstone of catheter ablation", "triggers of AF arise in the pulmonary"),
]
DKA_FACTS = [
    ("What does DKA stand for", "diabetic ketoacidosis"),
    ("What is diabetic ketoacidosis", "life-threatening complication of diabetes"),
    ("lack of insulin leads to", "metabolic acidosis"),
    ("most often occur", "type 1 diabetes"),
    ("Name 4 triggers of DKA", "missed insulin doses"),
    ("most common trigger", "infection"),
    ("What can cause euglycaemic DKA", "cotransporter 2 inhibitors"),
    ("present with", "polydipsia"),
    ("another name for", "Kussmaul breathing"),
    ("smell of", "acetone"),
    ("blood ketone level of", "3.0 mmol/L"),
    ("venous pH", "below 7.3"),
    ("what does treatment start with", "intravenous fluid"),
    ("insulin infusion is given at", "0.1 units/kg per hour"),
    ("Why is potassium added to the fluids", "insulin drives potassium into the cells"),
    ("blood glucose falls", "below 14 mmol/L"),
    ("resolved when the blood ketone level is", "below 0.6 mmol/L"),
    ("complication of diabetic ketoacidosis", "cerebral oedema"),
]


def _generate(path: Path) -> Generation:
    return generate_deck([path], deck_dir=path.parent)


@pytest.mark.parametrize(("path", "facts"), [(AF, AF_FACTS), (DKA, DKA_FACTS)])
def test_unseen_material_has_a_card_for_each_key_fact(
    path: Path, facts: list[tuple[str, str]]
) -> None:
    generation = _generate(path)
    missing = [fact for fact in facts if find(generation, *fact) is None]
    assert not missing


@pytest.mark.parametrize("path", [AF, DKA])
def test_unseen_material_gives_standalone_one_fact_cards(path: Path) -> None:
    material = path.read_text(encoding="utf-8")
    for note in _generate(path).deck.notes:
        assert note.source is not None and note.source.sentence in material
        if note.type == "basic":
            question, shown = note.front, note.front
            assert len(words(note.back)) <= MAX_ANSWER_WORDS, note.back
            assert note.back.lower() not in question.lower(), note.front
        else:
            question = note.text
            for number in cloze.cloze_numbers(note.text):
                shown = cloze.question(note.text, number)
                for answer in cloze.deleted_answers(note.text, number):
                    assert len(words(answer)) <= MAX_DELETION_WORDS, answer
                    assert not re.search(rf"\b{re.escape(answer)}\b", shown, re.I), note.text
        # Standalone: no card leans on "this condition", "these features" or a bare "It".
        assert not re.search(r"\b(?:this|these|those) [a-z]+", question, re.I), question
        assert not re.match(r"(?:it|they|this)\b", question, re.I), question


def test_hard_wrapped_plain_text_is_read_as_whole_sentences() -> None:
    notes = _generate(DKA).deck.notes
    wrapped = [n for n in notes if n.source is not None and "\n" in n.source.sentence]
    # Sentences that span lines are cited exactly as written, line breaks included.
    assert wrapped
    assert all(n.source is not None and n.source.sentence.endswith(".") for n in wrapped)


def test_a_plain_text_title_names_the_topic_of_every_paragraph() -> None:
    notes = _generate(DKA).deck.notes
    assert {n.tags for n in notes} == {("diabetic-ketoacidosis",)}
    assert not any(n.id.startswith("patients-") for n in notes)


def test_it_names_the_subject_of_the_sentence_before() -> None:
    # "Rate control aims for ... It is usually achieved with a beta-blocker": the
    # beta-blocker achieves rate control, not atrial fibrillation.
    generation = _generate(AF)
    answers = [a for n in generation.deck.notes for a in all_answers(n)]
    assert any("beta-blocker" in a for a in answers)
    texts = " ".join(n.front + n.text for n in generation.deck.notes).lower()
    assert "atrial fibrillation is usually achieved" not in texts
