"""Cards that misread the sentence's subject, relation, scope or referent (issue 14,
points 1 and 3): each rule is read from the parse, and a card it cannot word truly is
not made (``--report`` says why)."""

from __future__ import annotations

from pathlib import Path

from cardgen_helpers import all_answers, generate_text, qa


def test_a_participle_after_its_noun_is_not_read_as_an_active_verb(tmp_path: Path) -> None:
    # "because potassium given to a patient ... accumulates": the parser reads "potassium
    # given" as a clause with an active subject; "To which patients does potassium give?"
    # misreads the passive participle
    text = (
        "# Hyperkalaemia\n\nOral potassium is avoided in renal failure, because potassium "
        "given to a patient with poor renal function accumulates in the blood.\n"
    )
    cards = [qa(n) for n in generate_text(tmp_path, text).deck.notes]
    assert not any("does potassium give" in q for q, _ in cards), cards
    # the reason is still asked
    assert any(q.startswith("Hyperkalaemia: why is oral potassium avoided") for q, _ in cards)


def test_a_relative_clause_after_a_parenthesis_does_not_take_its_subject_from_it(
    tmp_path: Path,
) -> None:
    # "(the normal range is ...), which can damage the optic nerve": the parser hangs
    # "which" on the parenthesis's last noun; "What can the normal range damage?" misreads
    text = (
        "# Acute angle-closure glaucoma\n\nThe intraocular pressure rises, often to more "
        "than 40 mmHg (the normal range is about 10 to 21 mmHg), which can damage the optic "
        "nerve and cause permanent loss of vision within hours.\n"
    )
    generation = generate_text(tmp_path, text)
    cards = [qa(n) for n in generation.deck.notes]
    assert not any("can the normal range" in q for q, _ in cards), cards
    assert not any("can 10 to 21 mmhg" in q.lower() for q, _ in cards), cards
    # the range is still asked
    assert any("about 10 to 21 mmHg" in all_answers(n) for n in generation.deck.notes)


def test_it_is_never_named_by_a_subject_inside_a_coordinated_condition(tmp_path: Path) -> None:
    # "once the pressure is controlled and the cornea has cleared, ..., and it is offered":
    # "it" is the treatment, not the cornea (the subject of the condition's second verb)
    text = (
        "# Acute angle-closure glaucoma\n\nThe definitive treatment, once the pressure is "
        "controlled and the cornea has cleared, is laser peripheral iridotomy, and it is "
        "offered for both eyes, because the fellow eye has a high risk of an attack.\n"
    )
    cards = [qa(n) for n in generate_text(tmp_path, text).deck.notes]
    assert not any("is the cornea offered" in q for q, _ in cards), cards


def test_which_after_a_named_complement_stands_for_that_term(tmp_path: Path) -> None:
    # "The definitive treatment is laser peripheral iridotomy, which makes a small hole":
    # the iridotomy makes the hole; "What does the definitive treatment make?" names
    # neither the treatment nor what it treats
    text = (
        "# Acute angle-closure glaucoma\n\nThe definitive treatment, once the pressure is "
        "controlled, is laser peripheral iridotomy, which makes a small hole in the iris.\n"
    )
    cards = [qa(n) for n in generate_text(tmp_path, text).deck.notes]
    assert not any("definitive treatment" in q and "make" in q for q, _ in cards), cards
    assert ("What does laser peripheral iridotomy make?", "A small hole in the iris") in cards


def test_a_so_that_clause_is_not_asked_as_a_fact_of_its_own(tmp_path: Path) -> None:
    # "makes a small hole in the iris so that aqueous humour can bypass the pupil": the
    # aqueous bypasses the pupil only through the hole; "What can aqueous humour bypass?"
    # "The pupil" is false alone
    text = (
        "# Acute angle-closure glaucoma\n\nLaser peripheral iridotomy makes a small hole in "
        "the iris so that aqueous humour can bypass the pupil.\n"
    )
    cards = [qa(n) for n in generate_text(tmp_path, text).deck.notes]
    assert not any(q.startswith("What can aqueous humour bypass") for q, _ in cards), cards
    assert ("What does laser peripheral iridotomy make?", "A small hole in the iris") in cards


def test_a_reason_question_keeps_the_list_that_scopes_its_clause(tmp_path: Path) -> None:
    # "is not used for pyelonephritis or any infection with systemic features, because ...":
    # "Why is nitrofurantoin not used?" says it is not used at all
    text = (
        "# Nitrofurantoin\n\nNitrofurantoin is not used for pyelonephritis or any infection "
        "with systemic features, because it does not reach therapeutic levels in the blood.\n"
    )
    cards = [qa(n) for n in generate_text(tmp_path, text).deck.notes]
    assert not any(q == "Why is nitrofurantoin not used?" for q, _ in cards), cards
    assert any(
        q == "Why is nitrofurantoin not used for pyelonephritis or any infection with systemic "
        "features?"
        for q, _ in cards
    ), cards


def test_a_for_phrase_the_parser_took_for_a_dative_scopes_the_reason(tmp_path: Path) -> None:
    # "it is offered for both eyes, because the fellow eye has a high risk": the parser
    # labels "for" a dative, which no part read; "why is it offered?" lost for whom
    text = (
        "# Acute angle-closure glaucoma\n\nThe definitive treatment, once the pressure is "
        "controlled, is laser peripheral iridotomy, and it is offered for both eyes, because "
        "the fellow eye has a high risk of an attack.\n"
    )
    questions = [qa(n)[0] for n in generate_text(tmp_path, text).deck.notes]
    assert any(q.endswith("offered for both eyes?") for q in questions), questions
    assert not any(q.startswith("Why") and q.endswith("offered?") for q in questions)


def test_a_when_clause_the_parser_hung_on_a_noun_is_not_asked_alone(tmp_path: Path) -> None:
    # "..., when the benefit outweighs the risk": the parser makes the condition a relative
    # clause of the noun before it, read as a clause of its own: "What does the benefit
    # outweigh?" "The risk" names neither
    text = (
        "# Trimethoprim\n\nA short course may be used with caution at a low eGFR to treat a "
        "resistant organism, when the benefit outweighs the risk.\n"
    )
    cards = [qa(n) for n in generate_text(tmp_path, text).deck.notes]
    assert not any("benefit outweigh" in q for q, _ in cards), cards
    assert (
        "Trimethoprim: what may a short course be used to treat with caution at a low eGFR?",
        "A resistant organism",
    ) in cards


def test_in_whom_stands_for_the_people_the_parser_hung_it_past(tmp_path: Path) -> None:
    # "except in people who inject drugs, in whom bacteria ... infect ...": the parser
    # hangs "in whom" on "drugs"; "What do bacteria infect in drugs?" misreads it
    text = (
        "# Infective endocarditis\n\nIt usually affects the mitral valve, except in people "
        "who inject drugs, in whom bacteria from the skin often infect the tricuspid valve.\n"
    )
    cards = [qa(n) for n in generate_text(tmp_path, text).deck.notes]
    assert not any(q.endswith("in drugs?") for q, _ in cards), cards
    assert any(q.endswith("in people who inject drugs?") for q, _ in cards), cards


def test_which_after_a_remark_on_a_definition_stands_for_the_defined_term(
    tmp_path: Path,
) -> None:
    # "X is an infection of the endocardium, usually of a heart valve, which develops ...":
    # the infection develops, not the valve; "Where does a heart valve develop?" misreads
    text = (
        "# Infective endocarditis\n\nInfective endocarditis is an infection of the "
        "endocardium, usually of a heart valve, which develops most often on a valve that "
        "is already abnormal.\n"
    )
    cards = [qa(n) for n in generate_text(tmp_path, text).deck.notes]
    assert not any("does a heart valve" in q for q, _ in cards), cards
    assert (
        "Where does infective endocarditis most often develop?",
        "A valve that is already abnormal",
    ) in cards


def test_a_subject_asked_from_an_in_whom_clause_keeps_whom_it_is_about(
    tmp_path: Path,
) -> None:
    # "except patients with G6PD deficiency, in whom rasburicase can cause haemolysis":
    # "What can cause haemolysis?" "Rasburicase" is true of those patients only
    text = (
        "# Tumour lysis syndrome\n\nThose at high risk are given rasburicase, except "
        "patients with glucose-6-phosphate dehydrogenase (G6PD) deficiency, in whom "
        "rasburicase can cause haemolysis and methaemoglobinaemia.\n"
    )
    cards = [qa(n) for n in generate_text(tmp_path, text).deck.notes]
    assert ("What can cause haemolysis and methaemoglobinaemia?", "Rasburicase") not in cards
    assert (
        "What can cause haemolysis and methaemoglobinaemia in patients with "
        "glucose-6-phosphate dehydrogenase deficiency?",
        "Rasburicase",
    ) in cards


def test_an_acronym_of_letters_and_digits_is_asked_by_the_words_it_stands_for(
    tmp_path: Path,
) -> None:
    # G6PD is glucose-6-phosphate dehydrogenase: its digit is spelled by a word of its own
    text = (
        "# Tumour lysis syndrome\n\nPatients at high risk are given rasburicase, which "
        "converts uric acid to allantoin, except patients with glucose-6-phosphate "
        "dehydrogenase (G6PD) deficiency, in whom rasburicase can cause haemolysis.\n"
    )
    generation = generate_text(tmp_path, text)
    cards = [qa(n) for n in generation.deck.notes]
    assert ("What does G6PD stand for?", "Glucose-6-phosphate dehydrogenase") in cards, cards
    assert not any("letters of G6PD" in d.reason for d in generation.drops)


def test_a_subject_asked_from_its_object_keeps_the_patients_it_is_true_of(
    tmp_path: Path,
) -> None:
    # "Primaquine can cause haemolysis in patients with G6PD deficiency": not in everyone
    text = (
        "# Malaria\n\nPrimaquine can cause haemolysis in patients with "
        "glucose-6-phosphate dehydrogenase deficiency.\n"
    )
    cards = [qa(n) for n in generate_text(tmp_path, text).deck.notes]
    assert ("What can cause haemolysis?", "Primaquine") not in cards, cards
    assert (
        "What can cause haemolysis in patients with glucose-6-phosphate dehydrogenase deficiency?",
        "Primaquine",
    ) in cards


def test_a_word_the_parser_hung_on_a_parenthesis_after_it_is_kept(tmp_path: Path) -> None:
    # "people who are long-sighted (hypermetropic), older, female ...": the parser hangs
    # "long-sighted" on "hypermetropic"; it was left out with the parenthesis
    text = (
        "# Acute angle-closure glaucoma\n\nA shallow anterior chamber is more common in "
        "people who are long-sighted (hypermetropic), older, female or of East Asian "
        "descent.\n"
    )
    answers = [a for n in generate_text(tmp_path, text).deck.notes for a in all_answers(n)]
    assert not any("who are, older" in a for a in answers), answers
    assert any(a.startswith("People who are long-sighted, older") for a in answers), answers


def test_examples_after_a_noun_with_a_with_phrase_are_of_the_whole_phrase(
    tmp_path: Path,
) -> None:
    # "drugs with anticholinergic effects (such as tricyclic antidepressants)": the
    # antidepressants are drugs, not effects
    text = (
        "# Acute angle-closure glaucoma\n\nDrugs with anticholinergic effects (such as "
        "tricyclic antidepressants) are avoided in people with narrow angles.\n"
    )
    cards = [qa(n) for n in generate_text(tmp_path, text).deck.notes]
    assert not any(q.endswith("give an example of anticholinergic effects.") for q, _ in cards)
    assert any(
        q.endswith("give an example of drugs with anticholinergic effects.") for q, _ in cards
    ), cards


def test_a_phrase_headed_by_a_unit_of_time_is_asked_with_when(tmp_path: Path) -> None:
    # "can occur in the first week of treatment": a time, never "where can ... occur?"
    text = (
        "# Nitrofurantoin\n\nAcute pulmonary reactions can occur in the first week of treatment.\n"
    )
    cards = [qa(n) for n in generate_text(tmp_path, text).deck.notes]
    assert not any("where can" in q.lower() for q, _ in cards), cards
    assert (
        "Nitrofurantoin: when can acute pulmonary reactions occur?",
        "In the first week of treatment",
    ) in cards


def test_two_times_with_one_preposition_in_a_clause_are_not_asked_against_each_other(
    tmp_path: Path,
) -> None:
    # "12.5 mg on the first day, then 25 to 50 mg on the second day": "When is clozapine
    # increased on the second day?" "On the first day" pairs the wrong times
    text = (
        "# Clozapine\n\nClozapine is started at a low dose and increased slowly: 12.5 mg "
        "once or twice on the first day, then 25 to 50 mg on the second day.\n"
    )
    cards = [qa(n) for n in generate_text(tmp_path, text).deck.notes]
    assert not any("on the second day" in q and "first day" in a.lower() for q, a in cards)
    assert not any("on the first day on the second day" in q for q, _ in cards), cards


def test_an_infinitive_of_what_its_subject_becomes_is_no_purpose(tmp_path: Path) -> None:
    # "the spots fill with fluid to become blisters": what happens next, not why
    text = "# Chickenpox\n\nThe spots fill with fluid to become blisters.\n"
    cards = [qa(n) for n in generate_text(tmp_path, text).deck.notes]
    assert not any(q.startswith("Chickenpox: why") for q, _ in cards), cards


def test_an_answer_that_only_mentions_the_topic_does_not_spare_the_question_naming_it(
    tmp_path: Path,
) -> None:
    # "What is offered to children?" "A chickenpox vaccine": the vaccine is no chickenpox,
    # and the question alone could be about any vaccine
    text = "# Chickenpox\n\nA chickenpox vaccine is offered to children in some countries.\n"
    cards = [qa(n) for n in generate_text(tmp_path, text).deck.notes]
    assert not any(q.startswith("What is offered to children") for q, _ in cards), cards
    assert any(q.startswith("Chickenpox: what is offered to children") for q, _ in cards), cards


def test_a_reason_about_the_drug_unnamed_gives_no_card_and_is_reported(tmp_path: Path) -> None:
    # "since the drug goes on breaking down uric acid": the drug is rasburicase, which the
    # question cannot name ("Tumour lysis syndrome: what does the drug give?")
    text = (
        "# Tumour lysis syndrome\n\nA urate sample taken during rasburicase treatment is "
        "kept on ice, since the drug goes on breaking down uric acid and gives a falsely low "
        "result.\n"
    )
    generation = generate_text(tmp_path, text)
    cards = [qa(n) for n in generation.deck.notes]
    assert not any("the drug" in q for q, _ in cards), cards
    assert any("'the drug' refers to cannot be told" in d.reason for d in generation.drops)


def test_the_drug_in_a_reason_on_a_sentence_naming_the_topic_is_the_topic(
    tmp_path: Path,
) -> None:
    # on the drug's own page, "the drug" after its name is the topic: still asked
    text = (
        "# Nitrofurantoin\n\nNitrofurantoin is taken with food, because the drug irritates "
        "the stomach.\n"
    )
    cards = [qa(n) for n in generate_text(tmp_path, text).deck.notes]
    assert any("irritate" in q for q, _ in cards), cards


def test_a_property_in_a_long_sentence_is_not_deleted_alone(tmp_path: Path) -> None:
    # "The patient, who is usually [unwell] with ...": in a sentence of several facts, a
    # one-word property is no key term (its other cards ask the terms)
    text = (
        "# Acute angle-closure glaucoma\n\nThe patient, who is usually unwell with a severe "
        "headache and nausea or vomiting, describes a painful red eye with blurred vision and "
        "haloes around lights, and examination shows a hazy cornea from corneal oedema, a "
        "fixed, mid-dilated pupil and an eye that feels hard.\n"
    )
    generation = generate_text(tmp_path, text)
    answers = [a for n in generation.deck.notes for a in all_answers(n)]
    assert "unwell" not in answers, answers
    assert any("predicate of common words" in d.reason for d in generation.drops)


def test_a_negation_in_a_long_sentence_is_still_deleted(tmp_path: Path) -> None:
    # the negation is the fact: "a patient [should not be discharged] if ..."
    text = (
        "# Community-acquired pneumonia\n\nA patient should not be discharged if in the past "
        "24 hours they have had 2 or more of: a temperature above 37.5°C, a respiratory rate "
        "of 24 or more, a heart rate over 100, a systolic blood pressure of 90 mmHg or less, "
        "an oxygen saturation below 90% on room air, abnormal mental status, or an inability "
        "to eat without help.\n"
    )
    answers = [a for n in generate_text(tmp_path, text).deck.notes for a in all_answers(n)]
    assert "should not be discharged" in answers, answers


def test_the_measure_of_a_threshold_is_not_deleted_instead_of_its_number(
    tmp_path: Path,
) -> None:
    # "if the [eGFR] is below 45 mL/min/1.73 m2": the unit gives the measure away; the
    # threshold is the fact
    text = "# Trimethoprim\n\nAvoid trimethoprim if the eGFR is below 15 mL/min/1.73 m2.\n"
    generation = generate_text(tmp_path, text)
    answers = [a for n in generation.deck.notes for a in all_answers(n)]
    assert "eGFR" not in answers, answers
    assert any("below 15 mL/min/1.73 m2" in a for a in answers), answers


def test_a_direction_after_the_object_stays_in_the_question(tmp_path: Path) -> None:
    # "pull the iris away from the angle": the direction is the point
    text = (
        "# Acute angle-closure glaucoma\n\nThe patient is given acetazolamide, while "
        "pilocarpine drops, which constrict the pupil and pull the iris away from the angle, "
        "are added.\n"
    )
    cards = [qa(n) for n in generate_text(tmp_path, text).deck.notes]
    assert not any(q.endswith("what do pilocarpine drops pull?") for q, _ in cards), cards
    # (the topic named: "the iris" is the one of the page's condition)
    assert (
        "Acute angle-closure glaucoma: what do pilocarpine drops pull away from the angle?",
        "The iris",
    ) in cards


def test_a_bare_plural_answer_is_not_cut_from_its_with_phrase(tmp_path: Path) -> None:
    # "occurs mainly in eyes with a shallow anterior chamber": "Where does it occur with a
    # shallow anterior chamber?" "Eyes" leaves the fact in the question
    text = (
        "# Acute angle-closure glaucoma\n\nAcute angle-closure glaucoma occurs mainly in eyes "
        "with a shallow anterior chamber.\n"
    )
    generation = generate_text(tmp_path, text)
    cards = [qa(n) for n in generation.deck.notes]
    assert not any(a == "Eyes" for _, a in cards), cards


def test_a_number_is_not_shown_on_a_verb_whose_clause_the_parser_hung_on_a_noun(
    tmp_path: Path,
) -> None:
    # "so that aqueous humour cannot leave the eye and the intraocular pressure rises,
    # often to more than 40 mmHg": the parser coordinates "rises" with "eye"; an excerpt
    # without that clause reads "cannot leave the eye often to [more than 40 mmHg]"
    text = (
        "# Acute angle-closure glaucoma\n\nAcute angle-closure glaucoma is an ophthalmic "
        "emergency in which the peripheral iris is pushed forwards against the trabecular "
        "meshwork, closing the drainage angle between the iris and the cornea, so that aqueous "
        "humour cannot leave the eye and the intraocular pressure rises, often to more than "
        "40 mmHg (the normal range is about 10 to 21 mmHg), which can damage the optic nerve "
        "and cause permanent loss of vision within hours.\n"
    )
    notes = generate_text(tmp_path, text).deck.notes
    assert not any("leave the eye often to" in n.text for n in notes if n.type == "cloze")
    assert any("more than 40 mmHg" in all_answers(n) for n in notes)


def test_a_phrase_after_a_relative_clause_is_not_shown_as_that_clauses(tmp_path: Path) -> None:
    # "allopurinol, which blocks xanthine oxidase and so reduces the formation of uric acid,
    # from 24 to 48 hours before chemotherapy": the time is when allopurinol is given,
    # though the parser hangs it on "reduces"
    text = (
        "# Tumour lysis syndrome\n\nPatients at intermediate risk are given allopurinol, "
        "which blocks xanthine oxidase and so reduces the formation of uric acid, from 24 to "
        "48 hours before chemotherapy, whereas those at high risk are given rasburicase, a "
        "recombinant urate oxidase that converts existing uric acid to allantoin.\n"
    )
    notes = generate_text(tmp_path, text).deck.notes
    clozes = [n.text for n in notes if n.type == "cloze"]
    assert not any(c.startswith("Tumour lysis syndrome: allopurinol so reduces") for c in clozes)


def test_those_with_a_modifier_is_the_group_the_plural_subject_before_it_names(
    tmp_path: Path,
) -> None:
    # "Patients at intermediate risk are given allopurinol, whereas those at high risk are
    # given rasburicase": those at high risk are patients at high risk
    text = (
        "# Tumour lysis syndrome\n\nPatients at intermediate risk are given allopurinol, "
        "whereas those at high risk are given rasburicase.\n"
    )
    cards = [qa(n) for n in generate_text(tmp_path, text).deck.notes]
    assert (
        "Tumour lysis syndrome: what are patients at high risk given?",
        "Rasburicase",
    ) in cards, cards


def test_those_alone_still_leans_on_text_around_it(tmp_path: Path) -> None:
    text = "# Gout\n\nThose are given colchicine.\n"
    cards = [qa(n) for n in generate_text(tmp_path, text).deck.notes]
    assert not any(q.startswith("What are those") for q, _ in cards), cards


def test_a_predicate_a_reason_question_already_answers_is_not_deleted_again(
    tmp_path: Path,
) -> None:
    # "Why is it not used ...?" "Because it does not reach therapeutic levels ..." beside
    # "because it [does not reach] therapeutic levels": one fact on two cards
    text = (
        "# Nitrofurantoin\n\nNitrofurantoin is not used for pyelonephritis or any infection "
        "with systemic features, because it does not reach therapeutic levels in the blood.\n"
    )
    generation = generate_text(tmp_path, text)
    answers = [a for n in generation.deck.notes for a in all_answers(n)]
    assert "does not reach" not in answers, answers
    assert any(a.startswith("Because it does not reach") for a in answers), answers


def test_a_relative_clause_whose_noun_is_its_missing_object_is_no_fact_of_its_own(
    tmp_path: Path,
) -> None:
    # "the most important thing you can do to stop it happening again": the thing is what
    # you can do; "Why can you do?" "To stop it happening again" asks nothing
    text = (
        "# Pneumothorax\n\nStopping smoking is the most important thing you can do to stop "
        "it happening again.\n"
    )
    cards = [qa(n) for n in generate_text(tmp_path, text).deck.notes]
    assert not any("why can you do" in q.lower() for q, _ in cards), cards
    assert any(a == "Stopping smoking" for _, a in cards), cards


def test_an_alternative_alone_is_a_vague_answer(tmp_path: Path) -> None:
    # "What is prednisolone if dexamethasone is not available?" "An alternative": an
    # alternative to what, the answer does not say
    text = (
        "# Croup\n\nPrednisolone 1 to 2 mg/kg is an alternative if dexamethasone is not "
        "available.\n"
    )
    cards = [qa(n) for n in generate_text(tmp_path, text).deck.notes]
    assert not any(a == "An alternative" for _, a in cards), cards


def test_an_apposition_holding_the_rest_of_a_list_is_no_other_name(tmp_path: Path) -> None:
    # "with a urine albumin:creatinine ratio, a urine dipstick for haematuria, HbA1c, renal
    # function and fundoscopy": the next items of the list, not what the ratio is
    text = (
        "# Hypertension\n\nTarget organ damage is looked for with a urine albumin:creatinine "
        "ratio, a urine dipstick for haematuria, HbA1c, renal function, fundoscopy and a "
        "12-lead ECG.\n"
    )
    cards = [qa(n) for n in generate_text(tmp_path, text).deck.notes]
    assert not any(q.startswith("What is creatinine ratio") for q, _ in cards), cards


def test_the_term_an_apposition_names_ends_where_the_apposition_begins(
    tmp_path: Path,
) -> None:
    # "a thunderclap headache, a sudden severe headache ..., often with vomiting": the
    # vomiting is no part of what a thunderclap headache is
    text = (
        "# Subarachnoid haemorrhage\n\nIts typical presentation is a thunderclap headache, a "
        "sudden severe headache that reaches its maximum intensity within 1 to 5 minutes, "
        "often with vomiting, neck stiffness or photophobia.\n"
    )
    questions = [qa(n)[0] for n in generate_text(tmp_path, text).deck.notes]
    assert not any(q.startswith("What is thunderclap headache, often") for q in questions)
