"""The material's structure carries the relation a sentence leaves out: a notes title
names the topic, a heading names what its section says of the topic, a list's lead says
what its items are."""

from __future__ import annotations

from pathlib import Path

from cardgen_helpers import all_answers, generate_text, qa


def test_a_notes_title_ending_in_a_remark_on_the_page_is_the_title_not_a_line(
    tmp_path: Path,
) -> None:
    text = (
        "Sepsis: first hour (ward teaching notes)\n\n"
        "- Lactate >4 mmol/L → 30 mL/kg crystalloid\n"
        "- Source control not possible within 6 h → escalate to the surgical team\n"
    )
    generation = generate_text(tmp_path, text, "notes.txt")
    cards = [qa(n) for n in generation.deck.notes]
    assert not any("teaching notes" in a for _, a in cards), cards
    assert {n.tags for n in generation.deck.notes} == {("sepsis",)}, cards
    # a line that starts with a condition has the topic it is about: not an instruction
    # with no named subject
    answers = [a for n in generation.deck.notes for a in all_answers(n)]
    assert any("escalate to the surgical team" in a.lower() for a in answers), cards


def test_a_degree_sign_after_a_number_that_orders_is_not_a_quantity(tmp_path: Path) -> None:
    # in notes "2° prevention" is secondary prevention: its digit is not a quantity to
    # delete; "38°C" stays a temperature
    text = (
        "Angina (revision notes)\n\n"
        "- 2° prevention: aspirin 75 mg, a statin, cardiac rehab\n"
        "- Fever of 38°C or more → blood cultures\n"
    )
    notes = generate_text(tmp_path, text, "notes.txt").deck.notes
    answers = [a for n in notes for a in all_answers(n)]
    assert "2" not in answers and "2°" not in answers, answers
    assert "75 mg" in answers, answers
    assert any(a.startswith("38") for a in answers), answers


MONOGRAPH = """# Trimethoprim

Trimethoprim is an antibacterial used for urinary tract infections.

## Contraindications

Blood dyscrasias and the first trimester of pregnancy, because of the risk of folate deficiency.

## Renal impairment

The dose is halved when the eGFR is below 30 mL/min/1.73 m2.

## Points to remember

Trimethoprim raises the serum creatinine without reducing the glomerular filtration rate.
"""


def test_a_sentence_that_leaves_its_relation_to_the_heading_is_asked_with_it(
    tmp_path: Path,
) -> None:
    notes = generate_text(tmp_path, MONOGRAPH).deck.notes
    cards = [qa(n) for n in notes]
    about = {q.split(":")[0] for q, _ in cards}
    # "Contraindications": the card says these are contraindications of trimethoprim
    assert "Contraindications of trimethoprim" in about, cards
    assert not any(q.startswith("Trimethoprim: blood dyscrasias") for q, _ in cards), cards
    # a heading that is not an aspect word is said after the topic
    assert "Trimethoprim, renal impairment" in about, cards
    # a heading that only says where on the page the sentence is adds nothing
    assert not any("remember" in q.lower() for q, _ in cards), cards


SHINGLES = """# Shingles

## When should I get help?

See a GP urgently if:

- you think you have shingles and you are pregnant, because antiviral medicine works \
best within 3 days
- you have a weakened immune system because of chemotherapy or a transplant
- the rash is near your eye, which can affect your sight
"""


def test_a_list_item_that_finishes_its_lead_is_read_with_it(tmp_path: Path) -> None:
    # the first item is too long for a list answer: the list asks it by what it names
    # (before ", because"), each item as a condition of the lead's instruction with the
    # others shown, never as a sentence of its own ("What are you?"); the first item is
    # read whole with its lead too
    notes = generate_text(tmp_path, SHINGLES).deck.notes
    cards = [qa(n) for n in notes]
    assert not any(q.lower().startswith(("what are you", "what do you", "you ")) for q, _ in cards)
    assert any(
        n.text.startswith("Shingles, see a GP urgently if: {{c1::you think you have shingles")
        and "you have a weakened immune system because of chemotherapy or a transplant"
        in all_answers(n)
        for n in notes
    ), cards
    assert any(
        q.startswith("Shingles: see a GP urgently if [...] and you are pregnant, because")
        for q, _ in cards
    ), cards
    assert not any(q.lower().startswith("shingles: shingles") for q, _ in cards), cards
    # a number of the item is asked with the lead that says what to do
    assert any(q.startswith("See a GP urgently if") and a == "within 3 days" for q, a in cards)


HEAD_LICE = """# Head lice

## What are the signs?

- an itchy scalp
- small white eggs stuck to the hair
- lice moving in the hair

## How can I stop them coming back?

- check the hair once a week with a detection comb
- tie long hair back at school
"""


def test_a_question_heading_says_what_the_list_under_it_answers(tmp_path: Path) -> None:
    notes = generate_text(tmp_path, HEAD_LICE).deck.notes
    cards = [qa(n) for n in notes]
    questions = [q for q, _ in cards]
    assert "Name the 3 signs of head lice." in questions, cards
    assert any(q.startswith("Signs of head lice: [...], small white eggs") for q in questions)
    # the reader's "I" is the learner's "you", "them" the lice
    assert "How can you stop head lice coming back? Name 2." in questions, cards


def test_a_lead_with_its_own_subject_and_verb_is_not_read_as_the_name_of_a_list(
    tmp_path: Path,
) -> None:
    text = (
        "# Eczema\n\n## Treatment\n\nA nurse may suggest:\n\n"
        "- an emollient used every day\n- a topical corticosteroid for flares\n"
    )
    cards = [qa(n) for n in generate_text(tmp_path, text).deck.notes]
    assert not any("suggest of eczema" in q for q, _ in cards), cards
    assert any(q.startswith("Eczema, a nurse may suggest: [...]") for q, _ in cards), cards


def test_names_without_a_verb_under_a_heading_are_the_headings_list(tmp_path: Path) -> None:
    # "Contraindications" then a sentence of names: the contraindications, asked whole and
    # one by one; the reason after the names is not a name
    cards = [qa(n) for n in generate_text(tmp_path, MONOGRAPH).deck.notes]
    assert (
        "Name the 2 contraindications of trimethoprim.",
        "Blood dyscrasias; the first trimester of pregnancy",
    ) in cards, cards
    text = (
        "# Acitretin\n\n## Contraindications\n\n"
        "Pregnancy, hepatic impairment and hypervitaminosis A.\n"
    )
    notes = generate_text(tmp_path, text).deck.notes
    # "hypervitaminosis A" ends in a letter, not in the article "a": deleted one by one
    deleted = [a for n in notes if n.type == "cloze" for a in all_answers(n)]
    assert deleted == ["pregnancy", "hepatic impairment", "hypervitaminosis A"], deleted


HEPARIN = """# Heparin

## Monitoring

During treatment, check the platelet count and stop heparin if the count falls by half.

## Cautions

Never give heparin to patients with active bleeding. Do not give aspirin unless a
cardiologist advises it, because it raises the risk of bleeding.
"""


def test_each_instruction_of_a_sentence_is_asked_with_what_it_is_done_to(
    tmp_path: Path,
) -> None:
    cards = [qa(n) for n in generate_text(tmp_path, HEPARIN).deck.notes]
    # a second instruction joined by "and" has its own condition
    assert ("When should you stop heparin?", "If the count falls by half") in cards, cards
    # what an instruction is done to, asked with when it is done
    assert (
        "Monitoring of heparin: what should you check during treatment?",
        "The platelet count",
    ) in cards, cards
    assert (
        "Cautions of heparin: what should you not give, unless a cardiologist advises it?",
        "Aspirin",
    ) in cards, cards


def test_a_remark_in_a_line_of_notes_stays_with_its_item(tmp_path: Path) -> None:
    text = (
        "Atrial fibrillation (revision notes)\n\n"
        "- Anticoagulation: offer a DOAC; warfarin (only with a mechanical heart valve)\n"
        "- Bisoprolol 2.5 mg for rate control (unless severe asthma)\n"
    )
    notes = generate_text(tmp_path, text, "notes.txt").deck.notes
    answers = [a for n in notes for a in all_answers(n)]
    # the remark is the item's condition: asked with it, never apart
    assert "warfarin (only with a mechanical heart valve)" in answers, answers
    # an exception in parentheses is not what the words before it are ("What is once a
    # day?" "Unless the patient has severe asthma")
    text = "# AF\n\nBisoprolol is given once a day (unless the patient has severe asthma).\n"
    notes = generate_text(tmp_path, text).deck.notes
    assert not any(a.lower().startswith("unless") for n in notes for a in all_answers(n))


def test_names_in_parentheses_in_a_line_of_notes_are_asked_one_by_one(tmp_path: Path) -> None:
    text = (
        "Acne (revision notes)\n\n"
        "- Topical retinoids (adapalene, tretinoin): irritation → start on alternate nights\n"
        "- Isotretinoin 0.5 mg/kg (max 1 mg/kg daily, with food)\n"
    )
    notes = generate_text(tmp_path, text, "notes.txt").deck.notes
    cards = [qa(n) for n in notes]
    assert ("Acne: topical retinoids ([...], tretinoin)", "adapalene") in cards, cards
    # a remark of doses is not a list of names
    assert not any(q.endswith("[...], with food)") for q, _ in cards), cards


def test_instructions_joined_by_or_are_one_instruction_with_one_condition(
    tmp_path: Path,
) -> None:
    text = "# Asthma\n\nCall 999 or go to A&E straight away if your reliever does not help.\n"
    cards = [qa(n) for n in generate_text(tmp_path, text).deck.notes]
    assert not any(q == "Asthma: when should you go to A&E straight away?" for q, _ in cards)
    assert (
        "Asthma: when should you call 999 or go to A&E straight away?",
        "If your reliever does not help",
    ) in cards, cards


def test_a_short_sentence_under_a_heading_says_which_of_its_things_is_what(
    tmp_path: Path,
) -> None:
    text = "# Amoxicillin\n\n## Adverse effects\n\nDiarrhoea is common. Anaphylaxis is rare.\n"
    generation = generate_text(tmp_path, text)
    cards = [qa(n) for n in generation.deck.notes]
    assert ("Which adverse effect of amoxicillin is common?", "Diarrhoea") in cards, cards
    assert ("Which adverse effect of amoxicillin is rare?", "Anaphylaxis") in cards, cards
    assert not any("is [...]" in q for q, _ in cards), cards


def test_a_question_under_a_relation_heading_names_the_topic_and_the_relation(
    tmp_path: Path,
) -> None:
    # a term of its own ("pulmonary fibrosis") does not say whose adverse effect it is
    text = (
        "# Amiodarone\n\n## Adverse effects\n\nPulmonary fibrosis can develop with long-term use.\n"
    )
    questions = [qa(n)[0] for n in generate_text(tmp_path, text).deck.notes]
    assert any(q.startswith("Adverse effects of amiodarone: what can") for q in questions)
    assert not any(q.startswith("What can pulmonary fibrosis") for q in questions), questions


def test_a_number_in_a_listed_item_is_asked_with_the_lead_it_finishes(tmp_path: Path) -> None:
    text = (
        "# Shingles\n\n## When should I get help?\n\nSee a GP urgently if:\n\n"
        "- the rash is on your face\n- you are over 70 years old\n"
    )
    cards = [qa(n) for n in generate_text(tmp_path, text).deck.notes]
    assert ("Shingles: see a GP urgently if you are [...] old", "over 70 years") in cards, cards
    assert not any(q.startswith(("Shingles: you are", "You are")) for q, _ in cards), cards


def test_a_concession_or_a_garbled_parse_is_not_asked_as_when_to_do_it(tmp_path: Path) -> None:
    text = (
        "# Eczema\n\nUse the emollient every day, even if the skin looks better.\n\n"
        "Ask for an urgent appointment if you have a fever or the skin around the patch "
        "becomes hot, red and painful.\n"
    )
    cards = [qa(n) for n in generate_text(tmp_path, text).deck.notes]
    assert not any(a.lower().startswith("even if") for _, a in cards), cards
    assert not any("appointment becomes" in q for q, _ in cards), cards


def test_a_label_that_is_an_instruction_asks_why_and_its_object(tmp_path: Path) -> None:
    text = "Sepsis (ward notes)\n\n- Do not delay antibiotics: mortality rises every hour\n"
    cards = [qa(n) for n in generate_text(tmp_path, text, "notes.txt").deck.notes]
    assert ("Sepsis: Do not delay antibiotics: why?", "Mortality rises every hour") in cards
    assert ("Sepsis: do not delay [...]: mortality rises every hour", "antibiotics") in cards
    assert not any(q.endswith("Do not delay antibiotics?") for q, _ in cards), cards


def test_a_condition_too_long_for_one_deletion_is_asked_by_its_first_part(
    tmp_path: Path,
) -> None:
    text = (
        "# Shingles\n\n## When should I get help?\n\nSee a GP urgently if:\n\n"
        "- you are pregnant, have never had chickenpox, and have been close to someone "
        "who has shingles\n- the rash is near your eye\n"
    )
    cards = [qa(n) for n in generate_text(tmp_path, text).deck.notes]
    assert (
        "See a GP urgently if [...], have never had chickenpox, and have been close to "
        "someone who has shingles",
        "you are pregnant",
    ) in cards, cards


def test_examples_after_a_name_are_not_more_names_of_the_heading(tmp_path: Path) -> None:
    text = "# Doxepin\n\n## Cautions\n\nHeart disease, such as arrhythmia or heart block.\n"
    generation = generate_text(tmp_path, text)
    reasons = [d.reason for d in generation.drops]
    assert not any("trivial answer 'such'" in r for r in reasons), reasons


def test_a_card_under_a_question_heading_about_the_topic_names_the_topic(
    tmp_path: Path,
) -> None:
    # "How is it treated?" under the topic: every sentence tells of it, as under
    # "Treatment"; "What will a pharmacist usually recommend?" alone is a false general rule
    text = (
        "# Hand, foot and mouth disease\n\n"
        "## How is it treated?\n\n"
        "A pharmacist will usually recommend a mouthwash or spray for the mouth ulcers.\n"
    )
    fronts = [qa(n)[0] for n in generate_text(tmp_path, text, "leaflet.md").deck.notes]
    asked = [f for f in fronts if "pharmacist" in f.lower() and f.endswith("?")]
    assert asked, fronts
    assert all(f.startswith("Hand, foot and mouth disease: ") for f in asked), fronts
