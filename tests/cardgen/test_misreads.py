"""Cards that would misread the sentence: left out, and --report says why.

A card that misreads the text is worse than a missing card, so where the parse has a shape
known to go wrong, the card is dropped (with its reason in the report) rather than kept.
"""

from __future__ import annotations

from pathlib import Path

from cardgen_helpers import all_answers, generate_text


def test_a_duration_the_parser_took_for_the_object_is_not_asked_with_what(
    tmp_path: Path,
) -> None:
    # The parser reads "over 24 hours" as the object of "develops": "What does an acute
    # attack typically develop?" "Over 24 hours" misreads the sentence.
    generation = generate_text(
        tmp_path, "# Gout\n\nAn acute attack typically develops over 24 hours.\n"
    )
    notes = generation.deck.notes
    assert not any(n.type == "basic" and n.back.lower().startswith("over") for n in notes)
    # the duration is still asked, by the number cloze, and the dropped card is reported
    assert any("over 24 hours" in a for n in notes for a in all_answers(n))
    assert any("misread object" in d.reason for d in generation.drops)


def test_their_after_a_plural_subject_is_the_subjects_own_not_the_topics(tmp_path: Path) -> None:
    # "their skin" is the patients' skin: "the skin of amiodarone" misreads it.
    text = "# Amiodarone\n\nPatients should shield their skin from sunlight.\n"
    notes = generate_text(tmp_path, text).deck.notes
    answers = [a for n in notes for a in all_answers(n)]
    assert not any("of amiodarone" in a.lower() for a in answers), answers
    assert any(a.lower() == "their skin" for a in answers), answers


def test_a_negation_inside_a_defining_relative_clause_is_not_deleted(tmp_path: Path) -> None:
    # "who is vomiting and cannot take the tablets" says which patient; deleting "cannot
    # take" asks nothing the sentence teaches.
    text = (
        "# Adrenal crisis\n\n"
        "A patient who is vomiting and cannot take the tablets needs an injection of "
        "hydrocortisone.\n"
    )
    notes = generate_text(tmp_path, text).deck.notes
    answers = [a for n in notes for a in all_answers(n)]
    assert "cannot take" not in answers, answers
    assert any("injection of hydrocortisone" in a for a in answers), answers


def test_a_list_item_the_parser_took_for_an_apposition_is_not_another_name(
    tmp_path: Path,
) -> None:
    # The parser hangs "a previous episode of endocarditis or a history of injecting drug
    # use" on "a prosthetic valve" as an apposition: they are the list's next items, not
    # what a prosthetic valve is.
    text = (
        "# Infective endocarditis\n\n"
        "Infective endocarditis most often occurs in patients with a prosthetic valve, a "
        "previous episode of endocarditis or a history of injecting drug use.\n"
    )
    notes = generate_text(tmp_path, text).deck.notes
    assert not any(n.type == "basic" and n.front == "What is prosthetic valve?" for n in notes)


def test_a_clause_of_time_read_as_a_preposition_does_not_take_the_main_subject(
    tmp_path: Path,
) -> None:
    # The parser reads "before antibiotics" as a preposition and coordinates "are started"
    # with "should be taken": the blood cultures are not what is started.
    text = (
        "# Infective endocarditis\n\n"
        "Blood cultures should be taken before antibiotics are started, unless the patient "
        "is in septic shock.\n"
    )
    notes = generate_text(tmp_path, text).deck.notes
    fronts = [n.front.lower() for n in notes if n.type == "basic"]
    assert not any("started" in f for f in fronts), fronts


def test_a_verb_with_two_subjects_takes_the_one_after_the_and(tmp_path: Path) -> None:
    # The parser takes "present" for an adjective and gives "show" both "Patients ..., and"
    # and "the blood tests" as subjects: the question must not run the two clauses together.
    text = (
        "# Adrenal crisis\n\n"
        "Patients present with vomiting, abdominal pain, confusion and hypotension that does "
        "not respond to fluids, and the blood tests commonly show hyponatraemia and "
        "hyperkalaemia.\n"
    )
    notes = generate_text(tmp_path, text).deck.notes
    fronts = [n.front for n in notes if n.type == "basic"]
    assert not any("present with" in f for f in fronts), fronts
    assert any(
        "what do the blood tests commonly show?" in n.front.lower()
        and n.back == "Hyponatraemia and hyperkalaemia"
        for n in notes
        if n.type == "basic"
    ), fronts


def test_a_gerund_after_advise_is_what_is_advised_with_its_condition(tmp_path: Path) -> None:
    # "advise doubling the usual dose during a fever": not "What do the rules advise to
    # doubling?" "The usual dose".
    text = "# Adrenal crisis\n\nThe sick day rules advise doubling the usual dose during a fever.\n"
    notes = generate_text(tmp_path, text).deck.notes
    basics = {n.front: n.back for n in notes if n.type == "basic"}
    assert not any("to doubling" in f for f in basics), basics
    assert "Doubling the usual dose during a fever" in basics.values(), basics


def test_an_instruction_deletes_what_is_done_not_the_test_in_its_condition(
    tmp_path: Path,
) -> None:
    # "CTPA" is the rarest word of each line, but the fact is the action: the term inside
    # "if ..." or "instead of ..." is not what the line teaches, and an acronym after its
    # words is asked by its own card.
    text = (
        "# Pulmonary embolism\n\n"
        "- If PE is likely, arrange a CT pulmonary angiogram (CTPA) immediately.\n"
        "- If the CTPA cannot be done at once, start interim anticoagulation while waiting.\n"
        "- Consider a ventilation/perfusion (V/Q) scan instead of a CTPA in contrast allergy.\n"
    )
    answers = [a for n in generate_text(tmp_path, text).deck.notes for a in all_answers(n)]
    assert "CTPA" not in answers, answers
    # (asked by a question or a cloze: one of them, the fact once)
    assert "interim anticoagulation" in [a.lower() for a in answers], answers
    assert "ventilation/perfusion (V/Q)" in answers, answers


def test_a_question_that_kept_a_unit_without_its_number_is_dropped(tmp_path: Path) -> None:
    # "500 mg to 1 g" left out of the question but its "g" kept: "... methylprednisolone, g
    # for up to 3 days?" is garbled.
    text = (
        "# Giant cell arteritis\n\n"
        "Patients with visual loss are given intravenous methylprednisolone, 500 mg to 1 g "
        "daily for up to 3 days, before oral prednisolone is started.\n"
    )
    generation = generate_text(tmp_path, text)
    fronts = [n.front for n in generation.deck.notes if n.type == "basic"]
    assert not any(", g " in f for f in fronts), fronts
    assert any("500 mg to 1 g" in a for n in generation.deck.notes for a in all_answers(n))


def test_baseline_alone_is_a_vague_answer(tmp_path: Path) -> None:
    # "What has the serum creatinine risen above?" "Baseline": the fact is by how much.
    text = (
        "# Clostridioides difficile infection\n\n"
        "In severe infection the serum creatinine has risen by more than 50% above baseline.\n"
    )
    notes = generate_text(tmp_path, text).deck.notes
    assert not any(n.type == "basic" and n.back == "Baseline" for n in notes)
    assert any("more than 50%" in a for n in notes for a in all_answers(n))


def test_an_of_phrase_after_a_definition_belongs_to_it_not_to_the_subject(
    tmp_path: Path,
) -> None:
    # "..., usually of a heart valve" describes the infection's site: "What is infective
    # endocarditis of a heart valve?" misreads it as a kind of endocarditis.
    text = (
        "# Infective endocarditis\n\n"
        "Infective endocarditis is an infection of the endocardial surface of the heart, "
        "usually of a heart valve.\n"
    )
    fronts = [n.front for n in generate_text(tmp_path, text).deck.notes if n.type == "basic"]
    assert "What is infective endocarditis?" in fronts, fronts
    assert not any("endocarditis of a heart valve" in f for f in fronts), fronts


def test_a_list_object_the_parser_cut_after_its_first_item_is_asked_whole(
    tmp_path: Path,
) -> None:
    # The parser hangs "the echocardiographic findings and minor clinical features" on
    # "criteria" as an apposition: the answer "The blood culture results" alone misreads.
    text = (
        "# Infective endocarditis\n\n"
        "The modified Duke criteria, which combine the blood culture results, the "
        "echocardiographic findings and minor clinical features, are used to classify the "
        "diagnosis.\n"
    )
    notes = generate_text(tmp_path, text).deck.notes
    backs = [n.back for n in notes if n.type == "basic" and "combine" in n.front]
    assert backs == [
        "The blood culture results, the echocardiographic findings and minor clinical features"
    ], backs


def test_a_condition_question_keeps_a_gerund_object_without_to(tmp_path: Path) -> None:
    # "recommend starting allopurinol": not "When do guidelines recommend to starting
    # allopurinol?"
    text = (
        "# Gout\n\nGuidelines recommend starting allopurinol at a low dose after the attack "
        "has settled.\n"
    )
    fronts = [n.front for n in generate_text(tmp_path, text).deck.notes if n.type == "basic"]
    assert "When do guidelines recommend starting allopurinol?" in fronts, fronts
    assert not any("to starting" in f for f in fronts), fronts


def test_an_answer_keeps_the_relative_clause_the_parser_detached(tmp_path: Path) -> None:
    # The parser hangs "whose dose was not increased ..." on "occurs": "A patient with
    # known adrenal insufficiency" alone drops the condition that makes the fact.
    text = (
        "# Adrenal crisis\n\n"
        "Adrenal crisis most often occurs in a patient with known adrenal insufficiency "
        "whose dose was not increased during an illness.\n"
    )
    notes = generate_text(tmp_path, text).deck.notes
    backs = [n.back for n in notes if n.type == "basic" and "which patients" in n.front]
    assert backs == [
        "A patient with known adrenal insufficiency whose dose was not increased during an illness"
    ], backs
