"""A long sentence whose own cards fail a length gate is asked clause by clause.

Sentences of other topics than the judged sets, so that each rule is one of reading the
parse, not a fit to one passage.
"""

from __future__ import annotations

from pathlib import Path

from cardgen_helpers import generate_text, qa

from study.services.cardgen.clauses import aside_texts, clause_texts
from study.services.cardgen.sentences import split_sentences

GLASGOW_BLATCHFORD = (
    "The Glasgow-Blatchford score, which is calculated from the blood urea, haemoglobin, "
    "systolic blood pressure and pulse (among other findings), identifies patients with an "
    "upper gastrointestinal bleed who can be managed as outpatients, except those over 70, "
    "in whom it is less reliable."
)


STROKE = (
    "Acute ischaemic stroke\n\nEvery patient is referred to the stroke unit within an hour of "
    "arrival, and if the scan will be delayed the patient lies flat and is given aspirin 300 "
    "mg by mouth, which reduces the risk of an early recurrence, together with oxygen when "
    "the saturation is below 94%, while statins, which lower the cholesterol, are started "
    "after 48 hours, except in patients with a haemorrhage, who are not given aspirin."
)


def _clauses(text: str) -> list[str]:
    """The clause texts of ``text`` read as the generator reads it (remarks in parentheses
    apart)."""
    [sentence] = split_sentences(text, 0)
    assert sentence.span is not None
    return clause_texts(sentence.span)


def test_the_glasgow_blatchford_sentence_is_told_as_its_three_clauses() -> None:
    texts = _clauses(GLASGOW_BLATCHFORD)
    assert texts == [
        "The Glasgow-Blatchford score identifies patients with an upper gastrointestinal "
        "bleed who can be managed as outpatients, except those over 70.",
        "The Glasgow-Blatchford score is calculated from the blood urea, haemoglobin, "
        "systolic blood pressure and pulse.",
        "In those over 70, the Glasgow-Blatchford score is less reliable.",
    ]


def test_a_sentence_too_long_for_its_own_cards_is_asked_clause_by_clause(
    tmp_path: Path,
) -> None:
    # 70 words: the cloze of the whole sentence is over the 70-word limit, so the dose and
    # the relative clause put on the wrong noun by the parser gave no card
    cards = dict(_cards(tmp_path, STROKE))
    assert cards.get("Acute ischaemic stroke: which patients are not given aspirin?") == (
        "Patients with a haemorrhage"
    )
    assert any(
        a == "300 mg" and "if the scan will be delayed, the patient is given aspirin" in q
        for q, a in cards.items()
    )
    # every card cites the sentence as the material has it
    notes = generate_text(tmp_path, STROKE, "stroke.txt").deck.notes
    assert {n.source.sentence for n in notes} == {STROKE.split("\n\n")[1]}


def _cards(tmp_path: Path, text: str) -> list[tuple[str, str]]:
    return [qa(n) for n in generate_text(tmp_path, text, "stroke.txt").deck.notes]


def test_the_clauses_of_a_long_sentence_name_their_subject_and_keep_their_condition() -> None:
    texts = _clauses(STROKE.split("\n\n")[1])
    assert "Every patient is referred to the stroke unit within an hour of arrival." in texts
    given = "If the scan will be delayed, the patient is given aspirin"
    assert any(t.startswith(given) for t in texts)
    assert "Statins lower the cholesterol." in texts
    assert "Patients with a haemorrhage are not given aspirin." in texts


def test_a_relative_clause_that_names_the_clause_before_it_is_not_said_of_a_noun() -> None:
    texts = _clauses(
        "When the reaction does not respond to two doses of intramuscular adrenaline, which "
        "is called refractory anaphylaxis, an adrenaline infusion is started with specialist "
        "help and an intravenous fluid bolus of 500 to 1000 mL of crystalloid is given, "
        "while antihistamines are no longer recommended for the emergency treatment."
    )
    assert not any("adrenaline is called" in t.lower() for t in texts)


def test_which_after_a_phrase_of_time_is_not_said_of_its_noun() -> None:
    texts = _clauses(
        "Women with one high-risk factor or with more than one moderate-risk factor are "
        "advised to take aspirin 75 mg daily from 12 weeks until the birth, which reduces "
        "their risk of developing a thrombosis, and those with a mechanical valve are given "
        "low-molecular-weight heparin instead."
    )
    assert not any(t.startswith("The birth") for t in texts)


def test_a_relative_clause_whose_list_the_parser_cut_gives_no_clause() -> None:
    texts = _clauses(
        "Diabetes insipidus, which is suggested in a thirsty patient by a high serum "
        "osmolality, a dilute urine (urine osmolality below 300 mOsm/kg) and a urine output "
        "above 3 litres a day, can only be diagnosed when hyperglycaemia and hypercalcaemia "
        "have been excluded, and it is treated first with desmopressin unless the patient "
        "has a nephrogenic cause."
    )
    assert not any("Diabetes insipidus a dilute urine" in t for t in texts)
    assert (
        "Diabetes insipidus is suggested in a thirsty patient by a high serum osmolality."
        not in texts
    )


def test_a_verb_after_a_condition_with_its_own_subject_does_not_take_the_first_subject() -> None:
    texts = _clauses(
        "Falls are more likely in older people with dementia or Parkinson's disease, and the "
        "risk is higher still when such a person has an infection, is dehydrated, has started "
        "a sedative within the past week or is taking an antihypertensive drug, of which "
        "alpha-blockers and diuretics are the commonest."
    )
    assert not any(
        t.startswith(("Falls has", "Falls is", "The risk is taking", "Of which")) for t in texts
    )


def test_a_relative_remark_in_parentheses_is_asked_of_the_item_it_agrees_with(
    tmp_path: Path,
) -> None:
    text = (
        "Rhabdomyolysis\n\nRhabdomyolysis releases potassium, phosphate and purines (which "
        "are broken down to uric acid) into the blood."
    )
    cards = dict(_cards(tmp_path, text))
    assert cards.get("What are purines broken down to?") == "Uric acid"


def test_a_list_in_parentheses_after_a_described_noun_is_asked_as_what_it_includes(
    tmp_path: Path,
) -> None:
    text = (
        "Diabetes\n\nThe symptoms that patients notice first (thirst, polyuria and "
        "tiredness) are often missed in older people."
    )
    answers = [a for _, a in _cards(tmp_path, text)]
    assert "Thirst, polyuria and tiredness" in answers


def test_a_remark_that_is_no_short_list_gives_no_sentence() -> None:
    [sentence] = split_sentences(
        "The classic features of a tension pneumothorax (hypotension, tracheal deviation and "
        "distended neck veins) are late signs, and melaena (black, tarry stools produced as "
        "haemoglobin is digested) is common.",
        0,
    )
    assert sentence.span is not None
    assert aside_texts(sentence.span, sentence.asides) == []


def test_a_rule_with_its_reason_is_also_told_without_the_reason() -> None:
    texts = _clauses(
        "Routine screening for prostate cancer is not recommended for men without symptoms "
        "who are at average risk, because the PSA test gives many false positive results and "
        "leads to the treatment of cancers that would never have caused harm, but men who ask "
        "for the test are offered it after a discussion of its benefits and harms."
    )
    assert (
        "Routine screening for prostate cancer is not recommended for men without symptoms "
        "who are at average risk."
    ) in texts


def test_a_pronoun_subject_is_named_without_the_remark_set_off_by_commas() -> None:
    texts = _clauses(
        "The definitive treatment, once the infection is controlled and the swelling has "
        "settled, is an elective laparoscopic cholecystectomy, which removes the gallbladder "
        "and its stones, and it is offered within 6 weeks of the first attack, because the "
        "risk of a second attack of acute cholecystitis is high."
    )
    assert "The definitive treatment is offered within 6 weeks of the first attack." in texts


def test_both_in_a_clause_is_named_by_the_coordinated_subject_it_stands_for() -> None:
    texts = _clauses(
        "Warfarin is continued through most minor procedures, whereas clopidogrel, which acts "
        "for about a week, is stopped 7 days before surgery, and aspirin and ibuprofen are "
        "avoided before a spinal anaesthetic, since both raise the risk of a spinal "
        "haematoma."
    )
    joined = " ".join(texts)
    assert "since both" not in joined
    assert "since aspirin and ibuprofen raise the risk of a spinal haematoma" in joined


def test_in_which_case_after_a_condition_is_told_as_if_that_condition() -> None:
    texts = _clauses(
        "Every patient with Bell's palsy should be given prednisolone 50 mg daily for 10 "
        "days, started within 72 hours of onset, unless the patient has diabetes that is "
        "poorly controlled, in which case the benefit is weighed against the risk of "
        "hyperglycaemia."
    )
    assert (
        "If the patient has diabetes that is poorly controlled, the benefit is weighed "
        "against the risk of hyperglycaemia."
    ) in texts


def test_a_clause_card_with_the_answer_of_another_question_is_kept(tmp_path: Path) -> None:
    text = (
        "Methanol poisoning\n\nFomepizole, which blocks alcohol dehydrogenase, is the "
        "antidote and is given intravenously to any patient whose methanol concentration is "
        "above 200 mg/L or whose osmolal gap is above 10 mOsm/kg at presentation or at any "
        "later time, except after a mixed overdose or when the time of ingestion is "
        "uncertain, in which case it is started without waiting for the level."
    )
    cards = dict(_cards(tmp_path, text))
    assert cards.get("Methanol poisoning: what is the antidote?") == "Fomepizole"
    assert cards.get(
        "Methanol poisoning: after a mixed overdose or when the time of ingestion is "
        "uncertain, what is started?"
    ) == ("Fomepizole")
