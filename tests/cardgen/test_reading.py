"""How the generator reads prose it was never tuned on: pronouns, verbs, lists, sections.

Each test is a defect found by reading the cards of a fresh page (hyperkalaemia, acute
asthma), checked here on other topics so the fix is general.
"""

from __future__ import annotations

from pathlib import Path

from cardgen_helpers import all_answers, find, generate_text, qa

from study.domain import cloze
from study.services.cardgen.topics import lower_first


def test_it_never_becomes_the_topic_when_the_sentence_before_names_something_else(
    tmp_path: Path,
) -> None:
    g = generate_text(
        tmp_path,
        "# Atrial fibrillation\n\n"
        "Digoxin slows the ventricular rate at rest. It does not restore sinus rhythm, "
        "and its effect is lost during exercise.\n",
    )
    shown = " ".join(qa(n)[0] + " " + qa(n)[1] for n in g.deck.notes).lower()
    assert "atrial fibrillation does not restore" not in shown
    # "It" names digoxin, and a negated fact is asked by a cloze on its verb group
    note = find(g, "sinus rhythm", "does not restore")
    assert note is not None and "digoxin {{c1::does not restore}}" in note.text.lower()


def test_it_is_dropped_when_what_it_stands_for_cannot_be_told(tmp_path: Path) -> None:
    g = generate_text(
        tmp_path,
        "# Gout\n\n"
        "Colchicine and naproxen are both used in an acute attack. "
        "It should be avoided in severe renal impairment.\n",
    )
    shown = " ".join(n.text or n.front for n in g.deck.notes).lower()
    assert "gout should be avoided" not in shown
    assert any("leans on text around it" in d.reason for d in g.drops)


def test_a_verb_is_never_part_of_a_deleted_term(tmp_path: Path) -> None:
    g = generate_text(
        tmp_path, "# Anaphylaxis\n\nIntramuscular adrenaline reverses bronchospasm.\n"
    )
    answers = [a.lower() for n in g.deck.notes for a in all_answers(n)]
    assert answers and not any("reverses" in a for a in answers)


def test_a_list_of_long_items_is_one_card_per_item_with_the_lists_intro(tmp_path: Path) -> None:
    g = generate_text(
        tmp_path,
        "# Hypercalcaemia\n\nThe main causes of hypercalcaemia are:\n\n"
        "- primary hyperparathyroidism\n"
        "- malignancy, such as myeloma and bone metastases from breast or lung cancer\n"
        "- Paget's disease\n",
    )
    note = find(g, "causes of hypercalcaemia", "Paget's disease")
    assert note is not None and note.type == "cloze"
    assert "; {{c3::Paget's disease}}" in note.text  # items with commas are kept apart by ";"
    assert find(g, "Name the 3 causes of hypercalcaemia", "myeloma")


def test_a_section_of_common_words_is_an_aspect_of_the_condition_above_it(
    tmp_path: Path,
) -> None:
    g = generate_text(
        tmp_path,
        "# Pulmonary embolism\n\n## Chest X-ray findings\n\n"
        "The commonest chest X-ray finding is a normal film.\n",
    )
    note = find(g, "commonest chest X-ray finding", "normal film")
    assert note is not None and "pulmonary embolism" in qa(note)[0].lower()


def test_the_earliest_and_first_line_are_superlatives(tmp_path: Path) -> None:
    g = generate_text(
        tmp_path,
        "# Diabetic foot\n\nThe earliest sign of neuropathy is loss of vibration sense.\n\n"
        "# Hypertension\n\nThe first-line treatment for a patient under 55 is an ACE inhibitor.\n",
    )
    assert find(g, "earliest sign of neuropathy", "loss of vibration sense")
    assert find(g, "first-line treatment", "ACE inhibitor")


def test_which_way_each_change_goes_is_asked(tmp_path: Path) -> None:
    g = generate_text(
        tmp_path,
        "# Shock\n\nAs the blood pressure falls, the heart rate rises and the urine output "
        "falls.\n",
    )
    note = find(g, "as the blood pressure falls", "rises")
    assert note is not None
    # "falls" is shown in the question already: only "rises" is asked.
    assert all_answers(note) == ["rises"]


def test_numbers_of_one_clause_are_sibling_deletions_and_a_between_range_is_one(
    tmp_path: Path,
) -> None:
    g = generate_text(
        tmp_path,
        "# Sepsis\n\nSeptic shock is defined by a lactate above 2 mmol/L and a need for "
        "vasopressors to keep the mean arterial pressure at 65 mmHg or more. "
        "Fluids are given to keep the urine output between 0.5 and 1 mL/kg/h.\n",
    )
    note = find(g, "septic shock is defined", "2 mmol/L")
    assert note is not None and cloze.cloze_numbers(note.text) == [1, 2]
    assert find(g, "urine output", "between 0.5 and 1 mL/kg/h")


def test_two_readings_of_one_list_give_one_note(tmp_path: Path) -> None:
    g = generate_text(
        tmp_path,
        "# Meningitis\n\nClassic features include headache, fever, neck stiffness, "
        "photophobia and a rash that does not blanch.\n",
    )
    clozes = [n for n in g.deck.notes if n.type == "cloze" and "headache" in n.text]
    assert len(clozes) == 1


def test_plural_subjects_take_do_and_a_sign_says_of_what(tmp_path: Path) -> None:
    g = generate_text(
        tmp_path,
        "# Heart failure\n\nRed-flag features include syncope, chest pain and a new murmur.\n\n"
        "A third heart sound is a sign of a failing ventricle and needs an echocardiogram.\n",
    )
    assert find(g, "what do red-flag features include", "syncope")
    sign = find(g, "a sign of a failing ventricle?", "third heart sound")
    assert sign is not None and sign.front.lower().startswith("heart failure:")


def test_an_eponym_keeps_its_capital_in_a_list(tmp_path: Path) -> None:
    g = generate_text(
        tmp_path,
        "# Hypertension\n\nSecondary causes include:\n\n- Conn's syndrome\n"
        "- Cushing's syndrome\n- renal artery stenosis\n",
    )
    answers = [a for n in g.deck.notes for a in all_answers(n)]
    assert "Conn's syndrome" in answers and "Cushing's syndrome" in answers


def test_a_cause_given_as_it_names_the_topic_and_adverbs_stay_out_of_the_answer(
    tmp_path: Path,
) -> None:
    g = generate_text(
        tmp_path,
        "# Bell's palsy\n\nBell's palsy affects one side of the face. "
        "Herpes simplex virus may sometimes cause it.\n",
    )
    note = find(g, "what may cause bell's palsy", "herpes simplex virus")
    assert note is not None and note.back == "Herpes simplex virus"


def test_a_subject_with_two_predicates_is_not_asked_what_it_shows(tmp_path: Path) -> None:
    g = generate_text(
        tmp_path,
        "# Myasthenia gravis\n\nAcetylcholine receptor antibodies confirm the diagnosis "
        "and show which treatment may help.\n",
    )
    fronts = [n.front for n in g.deck.notes if n.type == "basic"]
    assert not any("diagnosis and show" in f for f in fronts)


def test_a_markdown_table_gives_a_card_per_cell_named_by_its_row_and_column(
    tmp_path: Path,
) -> None:
    g = generate_text(
        tmp_path,
        "# Antidotes\n\n| Poison | Antidote | Route |\n|---|:---:|---|\n"
        "| Paracetamol | Acetylcysteine | IV |\n| Opioids | Naloxone | IV or IM |\n\n"
        "Naloxone has a shorter half-life than most opioids.\n",
    )
    note = find(g, "Antidotes, paracetamol: antidote?", "Acetylcysteine")
    assert note is not None and note.source is not None
    assert note.source.sentence == "| Paracetamol | Acetylcysteine | IV |"
    assert find(g, "Antidotes, opioids: route?", "IV or IM")
    assert not any("|" in (n.text or n.front) for n in g.deck.notes)
    assert find(g, "What does naloxone have", "shorter half-life than most opioids")


def test_a_roman_numeral_i_is_not_the_author_speaking(tmp_path: Path) -> None:
    g = generate_text(
        tmp_path,
        "# Diabetes\n\nType I diabetes is caused by autoimmune destruction of beta cells.\n",
    )
    assert not any("conversational" in d.reason for d in g.drops)
    assert g.deck.notes


def test_a_pattern_asks_about_the_subject_not_the_clause_before_its_verb(
    tmp_path: Path,
) -> None:
    g = generate_text(
        tmp_path,
        "# Psoriatic arthritis\n\n"
        "Psoriatic arthritis is an inflammatory arthritis that mainly affects the distal "
        "interphalangeal joints.\n\n"
        "Enthesitis is worse after rest, and improves with movement.\n",
    )
    assert find(g, "what does psoriatic arthritis mainly affect", "distal interphalangeal")
    assert find(g, "what does enthesitis improve with", "movement")
    fronts = [n.front for n in g.deck.notes if n.type == "basic"]
    assert not any(" is an inflammatory arthritis that" in f for f in fronts)


def test_a_list_after_a_bare_label_names_the_condition_and_mri_of_joints_is_singular(
    tmp_path: Path,
) -> None:
    g = generate_text(
        tmp_path,
        "# Sarcoidosis\n\nThoracic features:\n\n- bilateral hilar lymphadenopathy\n"
        "- pulmonary fibrosis\n- pleural effusion\n\n"
        "CT of the chest shows perilymphatic nodules.\n",
    )
    assert find(g, "Name the 3 thoracic features of sarcoidosis", "pulmonary fibrosis")
    assert find(g, "What does CT of the chest show", "perilymphatic nodules")


def test_a_sentence_ending_in_a_single_capital_letter_ends_there(tmp_path: Path) -> None:
    g = generate_text(
        tmp_path,
        "# Heparin\n\nHeparin potentiates antithrombin, which inactivates factor Xa and "
        "thrombin, also called factor II. Its effect is monitored with the APTT.\n",
    )
    assert not any("Its effect" in (n.text or n.front) for n in g.deck.notes)
    assert find(g, "monitored", "APTT")


def test_examples_after_for_example_stop_at_the_verb(tmp_path: Path) -> None:
    g = generate_text(
        tmp_path,
        "# Digoxin\n\nDrugs such as amiodarone and verapamil raise its level. "
        "Electrolyte disturbances, for example hypokalaemia and hypomagnesaemia, "
        "increase its toxicity.\n",
    )
    answers = [a for n in g.deck.notes for a in all_answers(n)]
    assert "verapamil" in answers and not any("raise" in a for a in answers)
    assert "hypokalaemia" in answers and not any(a.startswith("example") for a in answers)


def test_a_step_asks_only_its_own_clause_with_the_materials_preposition(tmp_path: Path) -> None:
    g = generate_text(
        tmp_path,
        "# Hyperthyroidism\n\nIn thyroid storm, propranolol is given and "
        "propylthiouracil is started at a high dose.\n",
    )
    note = find(g, "In thyroid storm, what is given?", "propranolol")
    assert note is not None and "started" not in note.front


def test_steps_introduced_by_when_are_named_by_their_heading(tmp_path: Path) -> None:
    g = generate_text(
        tmp_path,
        "# Cardiac arrest\n\n## Adrenaline\n\nAfter the third shock:\n\n"
        "1. Give adrenaline 1 mg intravenously.\n2. Give amiodarone 300 mg intravenously.\n",
    )
    whole = find(g, "Adrenaline (after the third shock): name the 2 steps.", "amiodarone")
    assert whole is not None and whole.type == "basic"
    item = find(g, "Adrenaline (after the third shock): {{c1::", "adrenaline 1 mg")
    assert item is not None and item.type == "cloze"


def test_text_copied_from_a_web_page_loses_its_citation_marks_and_addresses(
    tmp_path: Path,
) -> None:
    g = generate_text(
        tmp_path,
        "Gout - Wikipedia\n\nGout is an inflammatory arthritis caused by urate crystals.[1] "
        "It is diagnosed by finding crystals in joint fluid (see https://example.org/gout).[2][3]\n\n"
        "About 1 in 4 people with gout has tophi.\n",
        name="notes.txt",
    )
    shown = " ".join(n.text or f"{n.front} {n.back}" for n in g.deck.notes)
    assert "[1]" not in shown and "http" not in shown and "Wikipedia" not in shown
    assert find(g, "gout is diagnosed by finding", "crystals") or find(
        g, "diagnosed", "joint fluid"
    )
    assert find(g, "people with gout has tophi", "1 in 4")


def test_an_answer_naming_these_things_is_dropped_and_a_place_may_be_a_series(
    tmp_path: Path,
) -> None:
    g = generate_text(
        tmp_path,
        "# Scurvy\n\nBleeding typically occurs at the gums, the skin and the joints. "
        "These signs cause considerable distress.\n",
    )
    assert find(g, "Where does bleeding typically occur?", "the gums")
    answers = [a.lower() for n in g.deck.notes for a in all_answers(n)]
    assert not any(a.startswith("these") for a in answers)


def test_a_remark_in_parentheses_stays_with_its_list_item(tmp_path: Path) -> None:
    g = generate_text(
        tmp_path,
        "# Peptic ulcer\n\nRisk factors include smoking, alcohol, and NSAID use "
        "(e.g. ibuprofen or naproxen for more than a month).\n",
    )
    answers = [a for n in g.deck.notes for a in all_answers(n)]
    assert not any(a.startswith(("naproxen", "more")) for a in answers)
    clozes = [n for n in g.deck.notes if n.type == "cloze" and "{{c3::" in n.text]
    assert len(clozes) == 1


def test_question_headings_of_a_leaflet_are_aspects_of_the_condition(tmp_path: Path) -> None:
    g = generate_text(
        tmp_path,
        "# Shingles\n\n## What is shingles?\n\nShingles is a painful rash caused by the "
        "varicella zoster virus.\n\n## How is it treated?\n\n"
        "Aciclovir is started within 72 hours of the rash appearing.\n",
    )
    note = find(g, "within", "72 hours")
    assert note is not None and note.text.startswith("Shingles: ")
    shown = " ".join(n.text or n.front for n in g.deck.notes)
    assert "How is it treated" not in shown and "A shingles" not in shown


def test_two_conditions_in_one_title_and_an_adjective_before_syndrome(tmp_path: Path) -> None:
    g = generate_text(
        tmp_path,
        "# Crohn's disease and ulcerative colitis\n\n"
        "Crohn's disease can affect any part of the gut from mouth to anus, whereas "
        "ulcerative colitis always involves the rectum.\n\n"
        "In smokers, the commonest course of Crohn's disease is a more aggressive one.\n\n"
        "Toxic megacolon typically develops 3 to 5 days after a severe flare.\n",
    )
    shown = [n.text or n.front for n in g.deck.notes]
    assert not any(s.startswith("Crohn's disease and ulcerative colitis: Crohn") for s in shown)
    assert find(g, "In smokers, what is the commonest course of Crohn's disease", "aggressive")
    assert find(g, "When does toxic megacolon typically develop?", "3 to 5 days")
    assert lower_first("Nephrotic syndrome is defined by ...").startswith("nephrotic")
    assert lower_first("Graves disease is autoimmune.").startswith("Graves")
    assert lower_first("Ramsay Hunt syndrome carries a worse prognosis").startswith("Ramsay")


def test_key_points_notes_with_a_nested_list_bold_terms_and_a_genus(tmp_path: Path) -> None:
    g = generate_text(
        tmp_path,
        "# Urinary tract infection: key points\n\n"
        "- **Escherichia coli** is the commonest cause of urinary tract infection.\n"
        "- Risk factors include:\n"
        "  - female sex\n  - pregnancy\n  - a urinary catheter\n"
        "- Nitrofurantoin is avoided when the eGFR is below 45.\n",
    )
    assert find(g, "What is the commonest cause of urinary tract infection?", "Escherichia coli")
    assert find(g, "Name 3 risk factors of urinary tract infection.", "pregnancy")
    shown = " ".join(n.text or n.front for n in g.deck.notes)
    assert "key points" not in shown and "What can escherichia" not in shown.lower()


def test_a_numbered_list_under_a_label_asks_for_its_steps(tmp_path: Path) -> None:
    g = generate_text(
        tmp_path,
        "# Anaphylaxis\n\nManagement of anaphylaxis:\n\n1. Call for help.\n"
        "2. Give intramuscular adrenaline.\n3. Give high-flow oxygen.\n",
    )
    assert find(g, "Management of anaphylaxis: name the 3 steps.", "call for help")
    assert not any("of anaphylaxis of anaphylaxis" in (n.text or n.front) for n in g.deck.notes)


def test_a_negated_effect_is_never_asked_as_an_effect(tmp_path: Path) -> None:
    g = generate_text(
        tmp_path,
        "# Gliclazide and metformin\n\nMetformin does not cause weight gain. "
        "Sitagliptin rarely causes hypoglycaemia.\n",
    )
    cards = [(n.front, n.back) for n in g.deck.notes if n.type == "basic"]
    assert not any("cause" in front.lower() for front, _ in cards), cards
    assert not any(back.lower().endswith(("does not", "rarely")) for _, back in cards)


def test_a_drug_monograph_names_the_drug_and_reads_rates_whole(tmp_path: Path) -> None:
    g = generate_text(
        tmp_path,
        "# Gentamicin\n\n## Side effects\n\n- ototoxicity\n- nephrotoxicity\n\n"
        "## Dose\n\nThe usual dose is 5 mg/kg once daily, and levels are checked "
        "when the creatinine clearance is below 60 mL/min/1.73m².\n",
    )
    assert find(g, "Name the 2 side effects of gentamicin.", "ototoxicity")
    answers = [a for n in g.deck.notes for a in all_answers(n)]
    assert "5 mg/kg" in answers and "below 60 mL/min/1.73m²" in answers
    assert all(
        (n.text or n.front).lower().startswith(("gentamicin", "name", "side", "dose of gentamicin"))
        for n in g.deck.notes
    )


def test_a_number_inside_a_list_item_gets_a_card_of_its_own(tmp_path: Path) -> None:
    g = generate_text(
        tmp_path,
        "# Status epilepticus\n\nEmergency steps:\n\n1. Give buccal midazolam 10 mg.\n"
        "2. Repeat the benzodiazepine after 5 minutes.\n3. Check the glucose.\n\n"
        "Refractory seizures need a respiratory rate check every 15/min.\n",
    )
    assert find(g, "Emergency steps of status epilepticus: name the 3 steps.", "check the glucose")
    note = find(g, "repeat the benzodiazepine after", "5 minutes")
    assert note is not None and note.type == "cloze"
    assert find(g, "midazolam", "10 mg")


def test_an_effect_named_after_a_second_verb_is_asked_of_the_subject(tmp_path: Path) -> None:
    g = generate_text(
        tmp_path,
        "# Nerve injuries\n\nKlumpke's palsy affects the lower roots and causes a claw hand.\n",
    )
    assert find(g, "What does Klumpke's palsy cause?", "claw hand")
    note = find(g, "what causes a claw hand", "Klumpke")
    assert note is not None and note.back == "Klumpke's palsy"


def test_symptoms_that_include_some_are_asked_as_some_and_micrograms_are_a_unit(
    tmp_path: Path,
) -> None:
    g = generate_text(
        tmp_path,
        "# Hyperthyroidism\n\nSymptoms include weight loss, heat intolerance, tremor and "
        "palpitations. Carbimazole is started at 20 micrograms per kilogram in children.\n",
    )
    assert find(g, "name 4 symptoms", "tremor")
    assert not find(g, "name the 4 symptoms", "tremor")
    assert "20 micrograms" in [a for n in g.deck.notes for a in all_answers(n)]


def test_a_participle_read_as_a_verb_opens_the_next_verbs_subject(tmp_path: Path) -> None:
    # The parser takes "nebulised" for a verb coordinated with "replaced" (so "What is
    # magnesium nebulised?") and leaves "may be added" with no subject of its own.
    text = (
        "Hypomagnesaemia\n\nMagnesium is replaced with 40 mmol of magnesium sulfate in 250 mL "
        "of saline, given intravenously over 12 hours, and nebulised salbutamol 2.5 to 5 mg "
        "may be added in severe asthma.\n"
    )
    notes = generate_text(tmp_path, text, "notes.txt").deck.notes
    fronts = [n.front for n in notes if n.type == "basic"]
    assert not any("magnesium nebulised" in f.lower() for f in fronts), fronts
    assert not any("may magnesium be added" in f.lower() for f in fronts), fronts
    assert any("nebulised salbutamol 2.5 to 5 mg be added" in f for f in fronts), fronts


def test_a_gerund_after_a_relative_clause_is_not_what_its_antecedent_does(
    tmp_path: Path,
) -> None:
    # "stopping the drugs that raise it and giving intravenous fluids": the parser
    # coordinates "giving" with "raise", but the drugs give nothing.
    text = (
        "Hypercalcaemia\n\nCalcium is then lowered by treating the cause, stopping the drugs "
        "that raise it and giving intravenous fluids such as 0.9% saline.\n"
    )
    notes = generate_text(tmp_path, text, "notes.txt").deck.notes
    fronts = [n.front.lower() for n in notes if n.type == "basic"]
    assert fronts
    assert not any("drugs give" in f for f in fronts), fronts


def test_a_list_lead_after_a_sentence_of_its_paragraph_is_joined_as_one_clause(
    tmp_path: Path,
) -> None:
    g = generate_text(
        tmp_path,
        "# Mumps\n\n## Can I pass it on?\n\n"
        "Mumps spreads in coughs and sneezes. Until 5 days after the swelling started, "
        "stay away from:\n\n- school, nursery or work\n- people who are pregnant\n"
        "- babies less than 1 year old\n",
    )
    fronts = [qa(n)[0] for n in g.deck.notes]
    led = [f for f in fronts if "stay away from:" in f]
    assert led, fronts
    # the lead is the paragraph's last sentence: no space carried from the full stop
    # before it ("Mumps,  Until 5 days ...")
    assert all("Mumps, until 5 days after the swelling started, stay away from" in f for f in led)
