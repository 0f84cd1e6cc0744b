"""Each pattern on sentences written here, so the generator is not tuned to one material."""

from __future__ import annotations

from pathlib import Path

from cardgen_helpers import all_answers, find, generate_text, qa


def test_other_name_in_parentheses_gives_both_directions(tmp_path: Path) -> None:
    g = generate_text(
        tmp_path, "Erythema migrans (also called bull's-eye rash) follows a tick bite."
    )
    assert find(g, "another name for erythema migrans", "bull's-eye rash")
    assert find(g, "another name for bull's-eye rash", "erythema migrans")


def test_commonly_called_and_is_often_called_because(tmp_path: Path) -> None:
    g = generate_text(
        tmp_path,
        "Lateral epicondylitis, commonly called tennis elbow, causes pain over the elbow.\n\n"
        "Pertussis is often called whooping cough because of the noise of the indrawn breath.",
    )
    assert find(g, "another name for lateral epicondylitis", "tennis elbow")
    assert find(g, "another name for whooping cough", "pertussis")
    assert find(g, "Why is pertussis often called whooping cough", "noise of the indrawn breath")


def test_condition_in_which_is_defined_once(tmp_path: Path) -> None:
    # "What is the term for a condition in which ...?" "Achalasia" asked the same fact
    # backwards (repeats.ASKED_THE_OTHER_WAY)
    g = generate_text(
        tmp_path,
        "Achalasia is a condition in which the lower oesophageal sphincter fails to relax.",
    )
    assert find(g, "What is achalasia", "lower oesophageal sphincter fails to relax")
    assert not find(g, "term for a condition in which", "achalasia")


def test_causes_give_one_card_per_item_and_one_for_the_list(tmp_path: Path) -> None:
    g = generate_text(
        tmp_path,
        "Pancreatitis is inflammation of the pancreas. "
        "It can be caused by gallstones, heavy alcohol use, or hypertriglyceridaemia, "
        "among other causes.",
    )
    items = [n for n in g.deck.notes if n.type == "cloze" and "{{c3::" in n.text]
    assert items and "Pancreatitis can be caused by" in items[0].text
    whole = find(g, "Name 3 causes of pancreatitis", "gallstones")
    assert whole is not None and "hypertriglyceridaemia" in whole.back


def test_durations_and_ranks_are_asked(tmp_path: Path) -> None:
    g = generate_text(
        tmp_path,
        "Rib fractures take weeks to heal with analgesia and breathing exercises.\n\n"
        "Hold the calf stretch for 60 seconds.\n\n"
        "In 2015, stroke was in second place among causes of death.\n\n"
        "Most scaphoid fractures unite within two to three months.",
    )
    assert find(g, "rib fractures take", "weeks")
    assert find(g, "stroke was in", "second")
    assert find(g, "scaphoid fractures unite", "within two to three months")
    assert find(g, "calf stretch", "60 seconds") is None  # an instruction with no subject


def test_procedure_steps_aim_and_indication(tmp_path: Path) -> None:
    g = generate_text(
        tmp_path,
        "Carpal tunnel release is performed when median nerve compression causes "
        "persistent numbness. During the procedure, the transverse carpal ligament is divided. "
        "The aim of the procedure is to relieve pressure on the median nerve.",
    )
    assert find(g, "When is carpal tunnel release performed", "median nerve compression")
    assert find(g, "During carpal tunnel release, what is divided", "transverse carpal ligament")
    assert find(g, "aim of carpal tunnel release", "relieve pressure on the median nerve")


def test_mechanism_and_what_a_test_is_for(tmp_path: Path) -> None:
    g = generate_text(
        tmp_path,
        "Deep vein thrombosis happens when blood flow in a deep vein slows and a clot forms.\n\n"
        "Compression ultrasound will help you identify a clot in the proximal veins.",
    )
    assert find(g, "When does deep vein thrombosis happen", "blood flow in a deep vein slows")
    assert find(g, "What will compression ultrasound help identify", "clot in the proximal veins")


def test_contrasts(tmp_path: Path) -> None:
    g = generate_text(
        tmp_path,
        "A painful knee doesn't necessarily mean the cartilage is damaged — in fact, the "
        "ligaments might be strained.\n\n"
        "Tendon sheaths heal quickly, while a ruptured tendon may need surgery.",
    )
    # A negated fact is asked by a cloze on its verb group, never as "What does X not ...?"
    assert find(g, "the cartilage is damaged", "doesn't necessarily mean")
    contrast = find(g, "Tendon sheaths heal", "quickly")
    assert contrast is not None
    # The contrasted properties are asked, never the subject of the second clause.
    assert all_answers(contrast) == ["quickly", "may need surgery"]


def test_elliptical_contrast_is_completed_with_the_first_verb(tmp_path: Path) -> None:
    g = generate_text(
        tmp_path, "Viral conjunctivitis resolves on its own, whereas bacterial keratitis does not."
    )
    (note,) = g.deck.notes
    assert note.text == (
        "Viral conjunctivitis {{c1::resolves on its own}}, whereas bacterial keratitis "
        "{{c2::does not}} resolve."
    )


def test_semicolon_clauses_give_a_card_each(tmp_path: Path) -> None:
    g = generate_text(
        tmp_path,
        "Sciatica usually comes from a herniated lumbar disc; it can also come from "
        "piriformis syndrome, which compresses the nerve in the buttock.",
    )
    cards = sorted((n.front, n.back) for n in g.deck.notes)
    assert cards == [
        ("What can sciatica also come from?", "Piriformis syndrome"),
        ("What does piriformis syndrome compress?", "The nerve in the buttock"),
        ("What does sciatica usually come from?", "A herniated lumbar disc"),
    ]


def test_a_leading_condition_is_not_asked_and_the_verb_agrees(tmp_path: Path) -> None:
    g = generate_text(
        tmp_path,
        "When chest pain comes from the oesophagus, stomach, or gallbladder, it typically come "
        "from reflux oesophagitis.",
    )
    (note,) = g.deck.notes
    # "it" names the subject of the leading clause; "does" agrees with it, not "come"
    assert note.front.endswith("what does chest pain typically come from?")
    assert note.front.startswith("When chest pain comes from the oesophagus")
    assert note.back == "Reflux oesophagitis"


def test_a_clause_that_only_describes_its_subject_asks_the_description(tmp_path: Path) -> None:
    g = generate_text(
        tmp_path,
        "The agreement between chest radiographs and pneumonic consolidation is weak, and prone "
        "to producing false positives: that is, shadows even when the lungs are clear.",
    )
    (note,) = g.deck.notes
    # each coordinated property is asked; the explanation after ": that is" is not
    assert all_answers(note) == ["weak", "prone to producing false positives"]


def test_a_relative_clause_after_a_comma_is_a_fact_about_its_antecedent(tmp_path: Path) -> None:
    g = generate_text(
        tmp_path,
        "Heel pain can come from repetitive microtears, which typically are involved in "
        "plantar heel syndrome.",
    )
    assert find(g, "What can heel pain come from?", "repetitive microtears")
    assert find(g, "What are repetitive microtears typically involved in?", "plantar heel syndrome")


def test_what_a_fracture_heals_with_is_asked(tmp_path: Path) -> None:
    g = generate_text(tmp_path, "A scaphoid fracture usually heals with a cast.")
    assert find(g, "What does a scaphoid fracture usually heal with?", "a cast")


def test_a_generic_answer_borrows_what_it_belongs_to(tmp_path: Path) -> None:
    g = generate_text(tmp_path, "The distribution of the rash helps determine the cause.")
    assert find(g, "What does the distribution of the rash help determine", "cause of the rash")
    assert not any(n.back.lower() == "the cause" for n in g.deck.notes)


def test_superlatives(tmp_path: Path) -> None:
    g = generate_text(
        tmp_path,
        "The most common cause of community-acquired pneumonia is Streptococcus pneumoniae.\n\n"
        "Haemoptysis has many sources, and the most important part in finding the source is "
        "by doing a careful chest examination.",
    )
    assert find(g, "What is the most common cause of community-acquired pneumonia", "pneumoniae")
    note = find(g, "most important part in finding the source", "careful chest examination")
    assert note is not None
    assert note.front == "Haemoptysis: what is the most important part in finding the source?"


def test_a_reported_finding_is_asked_with_its_source(tmp_path: Path) -> None:
    g = generate_text(
        tmp_path,
        "Smith et al present evidence that D-dimer testing in the elderly can be quite unreliable.",
    )
    (note,) = g.deck.notes
    assert "Smith et al" in note.text and "{{c1::" in note.text


def test_a_trend_is_asked_as_a_change(tmp_path: Path) -> None:
    g = generate_text(
        tmp_path,
        "The incidence of type 2 diabetes in adolescents has increased sharply over the past "
        "two decades.",
    )
    assert find(g, "type 2 diabetes in adolescents has", "increased sharply")
    answers = [a for n in g.deck.notes for a in all_answers(n)]
    assert "2" not in answers  # "type 2" is a name, not a number to ask


def test_a_rank_is_asked_and_an_absolute_phrase_is_not(tmp_path: Path) -> None:
    g = generate_text(
        tmp_path,
        "In 2019, stroke rose to second place, with only ischaemic heart disease and chronic "
        "kidney disease ranking higher.",
    )
    assert find(g, "stroke rose to", "second")
    # "with only A and B ranking higher" is an aside, never asked as what stroke rose with
    assert not any("rise" in n.front and " with" in n.front for n in g.deck.notes)


def test_a_sentence_with_an_open_quotation_is_still_asked(tmp_path: Path) -> None:
    g = generate_text(
        tmp_path,
        "In a trial of 400 patients “early mobilisation did not increase the risk of falls. "
        "“ Nobody was surprised.",
    )
    note = find(g, "In a trial of", "400")
    assert note is not None and note.source is not None
    assert note.source.sentence.startswith("In a trial of 400 patients")


def test_a_verb_the_old_lexicons_did_not_know_is_read_as_a_verb(tmp_path: Path) -> None:
    g = generate_text(tmp_path, "Scleroderma thickens the skin of the fingers and face.")
    (note,) = g.deck.notes
    assert qa(note) == ("What does scleroderma thicken?", "The skin of the fingers and face")


def test_cards_name_the_topic_instead_of_this_condition(tmp_path: Path) -> None:
    g = generate_text(
        tmp_path,
        "Plantar fasciitis is a condition in which the plantar fascia is inflamed. "
        "This condition happens when the heel is overloaded. It can be caused by running, "
        "obesity, or flat feet.",
    )
    texts = [n.front + n.back + n.text for n in g.deck.notes]
    assert texts and not any("this condition" in t.lower() for t in texts)
    assert find(g, "When does plantar fasciitis happen", "heel is overloaded")


def test_markdown_heading_is_the_topic_and_lists_are_asked(tmp_path: Path) -> None:
    g = generate_text(
        tmp_path,
        "# Carpal tunnel syndrome\n\n## Symptoms\n\n- Numbness of the thumb\n"
        "- Tingling at night\n- Weak grip\n\nIt is also known as median nerve entrapment.\n",
    )
    whole = find(g, "Name the 3 symptoms of carpal tunnel syndrome", "tingling at night")
    assert whole is not None and whole.tags == ("carpal-tunnel-syndrome",)
    assert find(g, "another name for carpal tunnel syndrome", "median nerve entrapment")


PULMONARY_EMBOLISM = """Pulmonary embolism

Pulmonary embolism is a blockage of a pulmonary artery by a
thrombus. Computed tomography pulmonary angiography confirms the diagnosis.
The Wells score is used to estimate the clinical probability. Right ventricular
strain is a serious complication. Thrombolysis can cause major bleeding.
Haemodynamic instability is the most important predictor of early death.
"""


def test_how_a_condition_is_diagnosed_assessed_and_complicated(tmp_path: Path) -> None:
    g = generate_text(tmp_path, PULMONARY_EMBOLISM, name="pe.txt")
    assert find(g, "What is pulmonary embolism", "blockage of a pulmonary artery")
    assert find(g, "What confirms the diagnosis of pulmonary embolism", "angiography")
    assert find(g, "what is used to estimate the clinical probability", "Wells score")
    # "X is a serious complication" relates X to the topic; it does not define X.
    assert find(g, "What is a serious complication of pulmonary embolism?", "ventricular strain")
    assert find(g, "What is right ventricular strain", "complication") is None
    assert find(g, "What can cause major bleeding", "thrombolysis")
    assert find(g, "most important predictor of early death", "haemodynamic instability")


def test_bold_terms_examples_preferences_and_reasons(tmp_path: Path) -> None:
    g = generate_text(
        tmp_path,
        "# Asthma\n\n"
        "- **Intermittent asthma** causes symptoms less than twice a month.\n"
        "- **Severe asthma** needs high-dose inhaled corticosteroids and a second controller.\n\n"
        "Inhaled corticosteroids, such as budesonide or fluticasone, are preferred to "
        "leukotriene receptor antagonists in most adults. Spacers are used in children who "
        "cannot coordinate an inhaler, because they improve drug delivery to the lungs.\n",
    )
    assert find(g, "Which asthma causes symptoms less than twice a month", "intermittent asthma")
    assert find(g, "What does severe asthma need", "high-dose inhaled corticosteroids")
    example = find(g, "such as", "budesonide")
    assert example is not None and all_answers(example) == ["budesonide", "fluticasone"]
    assert find(g, "in which patients are spacers used", "cannot coordinate an inhaler")
    assert find(g, "Why are spacers used in children", "improve drug delivery")


def test_numbers_that_name_are_not_asked_and_ratios_are(tmp_path: Path) -> None:
    g = generate_text(
        tmp_path,
        "A 12-lead electrocardiogram is recorded in type 2 myocardial infarction. "
        "Sodium-glucose cotransporter 2 inhibitors lower glucose. "
        "About one in four adults over 40 develop atrial fibrillation.",
    )
    answers = [a for n in g.deck.notes for a in all_answers(n)]
    assert "12" not in answers and "2" not in answers
    assert find(g, "develop atrial fibrillation", "one in four")


def test_a_list_introduced_by_include_is_asked_as_some_of_them(tmp_path: Path) -> None:
    g = generate_text(
        tmp_path,
        "Triggers of migraine include:\n\n- Bright light\n- Missed meals\n- Poor sleep\n",
    )
    assert find(g, "Name 3 triggers of migraine.", "missed meals")
    assert find(g, "Name the 3", "missed meals") is None


def test_another_name_of_a_part_of_the_topic_says_which_topic(tmp_path: Path) -> None:
    g = generate_text(
        tmp_path,
        "# Cholecystitis\n\nCholecystitis is inflammation of the gallbladder. "
        "Gangrene, also called necrosis of the wall, occurs more often in diabetics.\n",
    )
    # "another name for Gangrene?" alone would not say gangrene of what.
    assert find(g, "Cholecystitis: what is another name for gangrene", "necrosis of the wall")
    assert not any("for Gangrene" in note.front for note in g.deck.notes)


def test_a_list_after_a_verb_keeps_the_verb_out_of_the_first_item(tmp_path: Path) -> None:
    g = generate_text(
        tmp_path,
        "The Wells score combines clinical signs, risk factors and alternative diagnoses "
        "to estimate the probability of pulmonary embolism.",
    )
    answers = [a for note in g.deck.notes for a in all_answers(note)]
    assert "clinical signs" in answers
    assert not any("combines" in a for a in answers)


def test_a_treatment_answer_stops_before_a_concession(tmp_path: Path) -> None:
    g = generate_text(
        tmp_path,
        "Uncomplicated diverticulitis can be treated with oral antibiotics, although many "
        "patients recover without them.",
    )
    card = find(g, "What can uncomplicated diverticulitis be treated with", "oral antibiotics")
    assert card is not None and qa(card)[1] == "Oral antibiotics"
