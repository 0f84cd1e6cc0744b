"""The well-formedness gate: a card must read as text, its answer a whole phrase of its
sentence, its excerpt a piece of it. Sentences of other topics than the judged corpus."""

from __future__ import annotations

from pathlib import Path

from cardgen_helpers import all_answers, generate_text, qa

from study.services.cardgen import wellformed
from study.services.cardgen.candidates import Candidate
from study.services.cardgen.nlp import parse
from study.services.cardgen.sentences import Sentence


def _sentence(text: str) -> Sentence:
    (doc,) = parse([text])
    return Sentence(text=text, raw=text, start=0, end=len(text), span=doc[:])


def _basic(text: str, front: str, back: str) -> Candidate:
    return Candidate("clause", "basic", _sentence(text), (back,), front=front, back=back)


def _cloze(text: str, shown: str, pattern: str = "number") -> Candidate:
    return Candidate(pattern, "cloze", _sentence(text), ("x",), text=shown)


def test_a_cloze_deletion_that_ends_in_a_preposition_is_dropped() -> None:
    # "skin changes are [absent in] up to a fifth of reactions": not a phrase to recall
    text = "Urate crystals are absent in up to a tenth of attacks."
    shown = "Urate crystals are {{c1::absent in}} up to a tenth of attacks."
    candidate = Candidate("term", "cloze", _sentence(text), ("absent in",), text=shown)
    assert "ends inside its phrase" in (wellformed.problem(candidate) or "")


def test_a_dose_range_is_one_quantity_deleted_whole(tmp_path: Path) -> None:
    g = generate_text(
        tmp_path,
        "# Giant cell arteritis\n\nVisual loss is treated with intravenous "
        "methylprednisolone 500 mg to 1 g daily for three days.\n",
    )
    answers = [a for n in g.deck.notes for a in all_answers(n)]
    assert "500 mg to 1 g" in answers
    assert not {"500 mg", "1 g", "to 1 g"} & set(answers)


def test_a_number_keeps_the_noun_of_its_unit(tmp_path: Path) -> None:
    g = generate_text(
        tmp_path, "# Biopsy\n\nThe histology should be reported within 5 working days.\n"
    )
    answers = [a for n in g.deck.notes for a in all_answers(n)]
    assert "within 5 working days" in answers
    assert "within 5" not in answers


def test_an_expansion_stops_where_the_letters_of_the_acronym_are_used_up() -> None:
    assert (
        wellformed.expansion("plasma viscosity or the C-reactive protein", "PV")
        == "plasma viscosity"
    )
    assert wellformed.expansion("a raised mean corpuscular volume", "MCV") == (
        "mean corpuscular volume"
    )
    assert wellformed.expansion("tuberculosis", "TB") == "tuberculosis"
    assert wellformed.expansion("deep vein thrombosis", "PE") is None


def test_an_acronym_card_asks_only_the_words_its_letters_stand_for(tmp_path: Path) -> None:
    g = generate_text(
        tmp_path,
        "# Myeloma\n\nA raised plasma viscosity (PV) or erythrocyte count suggests a "
        "paraprotein.\n",
    )
    cards = [qa(n) for n in g.deck.notes]
    assert ("What does PV stand for?", "Plasma viscosity") in cards


def test_an_answer_cut_from_the_words_before_it_is_dropped() -> None:
    card = _basic(
        "Ketoacidosis is most common in type 1 diabetes.",
        "What is ketoacidosis most common in type 1?",
        "Diabetes",
    )
    reason = wellformed.problem(card)
    assert reason is not None and "cut from the words before it" in reason


def test_an_answer_that_ends_inside_its_phrase_or_is_a_lone_unit_is_dropped() -> None:
    text = "Relapses are treated with oral prednisolone 40 mg to 60 mg daily."
    assert wellformed.problem(_basic(text, "What are relapses treated with?", "Oral of"))
    assert wellformed.problem(_basic(text, "What is given daily?", "Oral prednisolone, mg"))
    assert wellformed.problem(_basic(text, "What is the dose unit?", "mg"))
    assert (
        wellformed.problem(_basic(text, "What are relapses treated with?", "Oral prednisolone"))
        is None
    )


def test_questions_the_parse_garbled_are_dropped() -> None:
    text = "Children without fever are given amoxicillin 250 mg by mouth three times daily."
    for front in (
        "What gives children without fever?",
        "What is when a temperature of 38 degrees is found with?",
        "When should every child be not continued for at least 5 days?",
        "In which case, what is used?",
    ):
        assert wellformed.problem(_basic(text, front, "Amoxicillin")) is not None, front


def test_an_adjectival_participle_read_as_a_verb_is_dropped() -> None:
    card = _basic(
        "High-dose inhaled corticosteroids reduce exacerbations in children.",
        "What did high-dose inhale?",
        "Corticosteroids",
    )
    reason = wellformed.problem(card)
    assert reason is not None and "adjective" in reason


def test_an_excerpt_must_be_a_piece_of_its_sentence() -> None:
    text = (
        "Sodium bicarbonate is added when the arterial pH is below 7.0, but none is "
        "given when the serum sodium is above 150 mmol/L."
    )
    good = "Sodium bicarbonate is added when the arterial pH is {{c1::below 7.0}}."
    assert wellformed.problem(_cloze(text, good)) is None
    replaced = "None is given when Sodium bicarbonate is {{c1::above 150 mmol/L}}."
    assert "not a piece" in (wellformed.problem(_cloze(text, replaced)) or "")


def test_an_excerpt_may_name_a_pronoun_with_a_lower_case_noun_phrase() -> None:
    text = "Before 28 days of age it is given intramuscularly, and after that orally."
    shown = "Before {{c1::28 days}} of age vitamin K is given intramuscularly."
    assert wellformed.problem(_cloze(text, shown)) is None


def test_an_excerpt_that_cuts_a_coordination_short_is_dropped() -> None:
    text = "Dialysis is stopped when the urea is below 20 mmol/L and the potassium is normal."
    shown = "Dialysis is stopped when the urea is {{c1::below 20 mmol/L}} and the potassium."
    assert "coordination" in (wellformed.problem(_cloze(text, shown)) or "")


def test_in_which_case_is_asked_with_the_case_it_names(tmp_path: Path) -> None:
    # it was "unless X, in which case, what is given?", then dropped as naming no case
    g = generate_text(
        tmp_path,
        "# Anaemia\n\nOral iron is tried first unless it causes intolerable side effects, "
        "in which case intravenous iron is given.\n",
    )
    cards = [qa(n) for n in g.deck.notes]
    assert not any("in which case" in q.lower() for q, _ in cards)
    assert (
        "Anaemia: if oral iron causes intolerable side effects, what is given?",
        "Intravenous iron",
    ) in cards, cards


def test_people_given_a_drug_by_mouth_are_asked_how_they_are_given_it(tmp_path: Path) -> None:
    g = generate_text(
        tmp_path,
        "# Scabies\n\nContacts without symptoms are given ivermectin 200 micrograms/kg by "
        "mouth once.\n",
    )
    cards = [qa(n) for n in g.deck.notes]
    assert not any(
        q.lower().startswith(("what gives", "how are contacts without symptoms given?"))
        for q, _ in cards
    )
    assert all("ivermectin" in q for q, _ in cards if q.startswith(("How are", "Which")))


def test_a_question_with_one_bound_of_a_range_is_dropped() -> None:
    text = "Relapses are treated with oral prednisolone 40 mg to 60 mg daily for a week."
    card = _basic(text, "What are relapses treated to 60 mg daily with?", "Oral prednisolone")
    assert "range torn" in (wellformed.problem(card) or "")


def test_a_threshold_said_apart_from_a_range_with_the_same_number_is_not_a_torn_range() -> None:
    text = (
        "Anaemia is moderate when the haemoglobin is 70 to 99 g/L, and severe when it is "
        "below 70 g/L; a course of oral iron lasts 5 to 10 weeks and fails in 10% of women."
    )
    severe = _basic(text, "When is anaemia severe?", "When the haemoglobin is below 70 g/L")
    assert wellformed.problem(severe) is None
    # a number of another kind that only shares a bound is still one bound of the range
    torn = _basic(text, "In what share of women does a course of oral iron fail?", "10%")
    assert "range torn" in (wellformed.problem(torn) or "")


def test_a_unit_cut_before_its_denominator_is_dropped() -> None:
    text = "Insulin is reduced when the glucose falls below 14 mmol/L."
    card = _basic(text, "When is insulin reduced?", "When the glucose falls below 14 mmol")
    assert "unit torn" in (wellformed.problem(card) or "")


def test_a_threshold_is_asked_with_the_class_it_defines_or_not_at_all() -> None:
    text = (
        "A burn is classed as major when the burnt area is 20% or more, the patient is "
        "over 60, and critical when the airway is involved."
    )
    lost = _basic(text, "What is the burnt area?", "20% or more")
    assert "class it defines" in (wellformed.problem(lost) or "")
    kept = _basic(text, "When is a burn classed as major?", "When the burnt area is 20% or more")
    assert wellformed.problem(kept) is None


def test_a_class_of_several_words_is_a_class_too() -> None:
    text = (
        "A croup attack is classed as moderately severe when the heart rate is 160 or more "
        "or there is stridor at rest."
    )
    lost = _basic(text, "What is the heart rate?", "160 or more")
    assert "class it defines" in (wellformed.problem(lost) or "")
    kept = _basic(text, "In moderately severe croup, what is the heart rate?", "160 or more")
    assert wellformed.problem(kept) is None


def test_ranges_with_between_or_a_drug_before_them_are_deleted_whole(tmp_path: Path) -> None:
    g = generate_text(
        tmp_path,
        "# Kawasaki disease\n\nCoronary aneurysms form most often between weeks 2 and 6. "
        "The disease mainly affects children between 6 months and 5 years old. "
        "Aspirin 30 to 50 mg/kg is given daily in the acute phase.\n",
    )
    answers = {a for n in g.deck.notes for a in all_answers(n)}
    assert {"between weeks 2 and 6", "between 6 months and 5 years", "30 to 50 mg/kg"} <= answers
    assert not {"2", "6", "5 years", "50 mg/kg", "between 6 months"} & answers


def test_answers_that_lean_on_other_text_or_start_inside_a_clause_are_dropped() -> None:
    text = "The risk is higher still when such a patient is dehydrated."
    assert "such a" in (
        wellformed.problem(
            _basic(text, "When is the risk higher?", "When such a patient is dehydrated")
        )
        or ""
    )
    text = (
        "Several antiepileptics interact, of which carbamazepine and phenytoin are the "
        "strongest inducers."
    )
    assert "relative clause" in (
        wellformed.problem(
            _basic(text, "What are the strongest?", "Of which carbamazepine and phenytoin")
        )
        or ""
    )


def test_a_reason_cut_before_its_verb_is_dropped() -> None:
    text = (
        "Blood cultures are taken before antibiotics because organisms in the blood of a "
        "patient with no obvious source often vanish after the first dose."
    )
    card = _basic(
        text,
        "Why are blood cultures taken before antibiotics?",
        "Because organisms in the blood of a patient with no obvious source",
    )
    assert "before its verb" in (wellformed.problem(card) or "")


def test_an_answer_whose_own_phrase_stays_in_the_question_is_dropped() -> None:
    text = "A suspected retinal detachment should prompt referral to the eye casualty service."
    card = _basic(
        text,
        "What should a suspected retinal detachment prompt to the eye casualty service?",
        "Referral",
    )
    assert "left in the question" in (wellformed.problem(card) or "")


def test_a_stranded_preposition_and_a_bare_superlative_are_dropped() -> None:
    text = (
        "The skin should be examined with a dermatoscope in every patient in whom melanoma "
        "is suspected."
    )
    card = _basic(
        text,
        "What should the skin be examined in every patient in whom melanoma is suspected with?",
        "A dermatoscope",
    )
    assert "stranded" in (wellformed.problem(card) or "")
    text = "Its side effects are many, and rashes are the commonest."
    assert "superlative" in (
        wellformed.problem(_basic(text, "What are the commonest?", "Rashes")) or ""
    )


def test_a_bare_superlative_takes_the_label_of_its_line(tmp_path: Path) -> None:
    g = generate_text(
        tmp_path,
        "# Allopurinol\n\nSide effects: skin rashes (often itchy) are the most common.\n",
    )
    questions = [qa(n)[0] for n in g.deck.notes]
    assert any(q.endswith("the most common side effects?") for q in questions), questions


def test_for_example_is_never_a_deletion(tmp_path: Path) -> None:
    g = generate_text(
        tmp_path,
        "# Hearing loss\n\nIts causes are divided into conductive causes, in which sound does "
        "not reach the cochlea, sensorineural causes such as presbycusis, noise damage and "
        "ototoxic drugs, and mixed causes, in which both occur, for example after chronic "
        "otitis media.\n",
    )
    assert "example" not in {a for n in g.deck.notes for a in all_answers(n)}


def test_an_answer_that_runs_on_into_another_clause_is_dropped() -> None:
    text = (
        "The fracture is fixed with a plate, unless the bone is too soft for it, when a "
        "cast is used instead."
    )
    card = _basic(
        text,
        "When is the fracture not fixed with a plate?",
        "If the bone is too soft for it, when a cast is used instead",
    )
    assert "runs on" in (wellformed.problem(card) or "")


def test_an_expansion_keeps_a_last_word_its_letters_leave_tacit() -> None:
    expanded = "syndrome of inappropriate antidiuretic hormone secretion"
    assert wellformed.expansion(expanded, "SIADH") == expanded


def test_how_often_needs_a_verb() -> None:
    text = "The maintenance dose is between 10 and 20 mg/kg daily."
    assert "how often" in (
        wellformed.problem(_basic(text, "How often is the maintenance dose?", "Daily")) or ""
    )
    text = "The lithium level is checked weekly until it is stable."
    assert (
        wellformed.problem(_basic(text, "How often is the lithium level checked?", "Weekly"))
        is None
    )


def test_a_question_whose_verb_is_missing_is_garbled() -> None:
    # "a raised PaCO2, which marks a near-fatal attack": the subject's noun lost, its
    # article left before the question mark
    candidate = _basic(
        "A raised PaCO2 marks a near-fatal attack.", "What does a mark?", "A near-fatal attack"
    )
    assert wellformed.problem(candidate) is not None
    fine = _basic(
        "A raised PaCO2 marks a near-fatal attack.",
        "What does a raised PaCO2 mark?",
        "A near-fatal attack",
    )
    assert wellformed.problem(fine) is None


def test_a_relative_pronoun_is_never_the_subject_of_a_question() -> None:
    """A clause told alone from "..., which is an emergency that needs urgent referral"
    asked "Cellulitis: what does which need?": the relative pronoun names nothing."""
    sentence = "Necrotising fasciitis is an emergency, which needs urgent referral."
    for front in ("Cellulitis: what does which need?", "Why is who referred?"):
        card = Candidate(
            pattern="test",
            type="basic",
            sentence=Sentence(sentence, sentence, 0, len(sentence)),
            answers=("Urgent referral",),
            front=front,
            back="Urgent referral",
        )
        assert (wellformed.problem(card) or "").startswith("garbled question")
