"""A clean short sentence gives a card (issue 14, points 2 and 3): the clauses the clause
fallback tells as sentences of their own are asked, with the topic named in the question
when the subject is a generic one ("every patient", "the patient")."""

from __future__ import annotations

from pathlib import Path

from cardgen_helpers import generate_text, qa


def test_a_verb_that_can_name_is_asked_where_it_does_not_name(tmp_path: Path) -> None:
    # "referred to an eye unit" sends the patient somewhere; only "referred to as X"
    # gives another name
    text = (
        "# Acute angle-closure glaucoma\n\nAcute angle-closure glaucoma is an ophthalmic "
        "emergency. Every patient is referred immediately to an eye unit.\n"
    )
    cards = [qa(n) for n in generate_text(tmp_path, text).deck.notes]
    assert (
        # "immediately" bounds the fact (gen24)
        "Acute angle-closure glaucoma: what is every patient referred immediately to?",
        "An eye unit",
    ) in cards, cards


def test_what_people_are_asked_to_do_is_asked_with_the_topic_named(tmp_path: Path) -> None:
    # "The patient is asked to lie flat": an instruction with no object; the generic
    # subject needs the topic in the question
    text = (
        "# Acute angle-closure glaucoma\n\nAcute angle-closure glaucoma is an ophthalmic "
        "emergency. The patient is asked to lie flat.\n"
    )
    cards = [qa(n) for n in generate_text(tmp_path, text).deck.notes]
    assert (
        "Acute angle-closure glaucoma: what is the patient asked to do?",
        "Lie flat",
    ) in cards, cards


def test_what_a_treatment_is_for_is_asked_when_for_names_no_time(tmp_path: Path) -> None:
    # "for" before a duration is the number cloze's ("for 5 days"); before a condition
    # it says what the treatment is for
    text = (
        "# Infective endocarditis\n\nInfective endocarditis is an infection of the "
        "endocardium. Early surgery is considered for heart failure.\n"
    )
    cards = [qa(n) for n in generate_text(tmp_path, text).deck.notes]
    assert (
        "Infective endocarditis: what is early surgery considered for?",
        "Heart failure",
    ) in cards, cards


def test_one_of_several_for_phrases_is_not_asked_as_the_whole(tmp_path: Path) -> None:
    # "for A, for B that ..., and for C": the parser hangs the phrases apart; asking one
    # ("what is early surgery considered for infection for?") garbles and cuts the list
    text = (
        "# Infective endocarditis\n\nEarly surgery is considered for heart failure, for "
        "infection that antibiotics do not control, such as an abscess of the valve ring, "
        "and for a large vegetation with a high risk of embolism.\n"
    )
    cards = [qa(n) for n in generate_text(tmp_path, text).deck.notes]
    assert not any(q.endswith("for infection for?") for q, _ in cards), cards


def test_how_people_are_told_to_lie_or_sit_is_asked_with_its_condition(tmp_path: Path) -> None:
    # "the patient lies flat on their back": a posture (a complement of an active verb
    # whose subject names people), asked "how", the condition kept and the topic named
    text = (
        "# Acute angle-closure glaucoma\n\nAcute angle-closure glaucoma is an ophthalmic "
        "emergency. If the transfer will be delayed, the patient lies flat on their back.\n"
    )
    cards = [qa(n) for n in generate_text(tmp_path, text).deck.notes]
    assert (
        "Acute angle-closure glaucoma: if the transfer will be delayed, how does the patient lie?",
        "Flat on their back",
    ) in cards, cards


def test_a_change_is_not_asked_as_how_people_act(tmp_path: Path) -> None:
    # "most children get better at home": "How do most children get?" misreads it
    text = (
        "# Bronchiolitis\n\nBronchiolitis is a chest infection. Most children get better at home.\n"
    )
    cards = [qa(n) for n in generate_text(tmp_path, text).deck.notes]
    assert not any(q.endswith("how do most children get?") for q, _ in cards), cards


def test_how_people_are_kept_or_nursed_is_asked_whole(tmp_path: Path) -> None:
    # "Patients are kept nil by mouth": "by mouth" is no agent ("How are patients kept?"
    # "By mouth" misread it); the object complement with what follows answers "how"
    text = (
        "# Acute pancreatitis\n\nAcute pancreatitis is inflammation of the pancreas. "
        "Patients are kept nil by mouth. The patient should be nursed upright.\n"
    )
    cards = [qa(n) for n in generate_text(tmp_path, text).deck.notes]
    assert ("Acute pancreatitis: how are patients kept?", "Nil by mouth") in cards, cards
    assert ("Acute pancreatitis: how should the patient be nursed?", "Upright") in cards, cards
    assert not any(a == "By mouth" for _, a in cards), cards


def test_a_judgement_is_not_asked_as_how_people_are_placed(tmp_path: Path) -> None:
    # "considered eligible if ...": "How are patients considered?" misreads it
    text = (
        "# Acute pancreatitis\n\nAcute pancreatitis is inflammation of the pancreas. "
        "Patients are considered eligible for surgery if they are fit.\n"
    )
    cards = [qa(n) for n in generate_text(tmp_path, text).deck.notes]
    assert not any("how are patients considered" in q for q, _ in cards), cards


def test_a_passive_start_on_a_drug_is_not_asked_where(tmp_path: Path) -> None:
    # "the rash starts on the face" is where; "the patient is started on insulin" is what
    text = (
        "# Diabetic ketoacidosis\n\nDiabetic ketoacidosis is a medical emergency. The "
        "patient is started on insulin when the glucose is high.\n"
    )
    cards = [qa(n) for n in generate_text(tmp_path, text).deck.notes]
    assert not any("where is the patient started" in q for q, _ in cards), cards
    assert (
        "Diabetic ketoacidosis: what is the patient started on when the glucose is high?",
        "Insulin",
    ) in cards, cards


def test_a_noun_of_an_action_keeps_its_preposition_in_the_answer(tmp_path: Path) -> None:
    # "prompt referral to the nephrology team": the parser hangs "to ..." on the verb;
    # the referral's destination is part of the answer, not of the question
    text = (
        "# Acute kidney injury\n\nAcute kidney injury is a sudden fall in kidney function. "
        "Acute nephritis should prompt referral to the nephrology team.\n"
    )
    cards = [qa(n) for n in generate_text(tmp_path, text).deck.notes]
    assert ("What should acute nephritis prompt?", "Referral to the nephrology team") in cards
