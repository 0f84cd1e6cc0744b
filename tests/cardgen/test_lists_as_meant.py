"""Lists read as their author meant: an item joined by "or"/"and" around a shared head is
one item, and no two cards of a deck show the same front with different answers."""

from __future__ import annotations

from pathlib import Path

from cardgen_helpers import all_answers, generate_text, qa


def test_no_two_cards_show_the_same_front_with_different_answers(tmp_path: Path) -> None:
    # each item finishes the lead: deleted whole, two items would give the same front
    text = (
        "# Shingles\n\n"
        "## When to get help\n\n"
        "Ask for an urgent GP appointment or call 111 if:\n\n"
        # too long for a list answer, with nowhere to cut it: each item is read alone
        "- you are over 50 with shingles and the rash appeared in the last 3 days on your "
        "face, chest or back\n"
        "- you are pregnant and have been near someone with shingles\n"
        "- you have a weakened immune system and have been near someone with shingles\n"
        "- the rash is near your eye and your eye is red or painful\n"
    )
    generation = generate_text(tmp_path, text, "leaflet.md")
    fronts: dict[str, set[str]] = {}
    for note in generation.deck.notes:
        question, answer = qa(note)
        fronts.setdefault(" ".join(question.lower().split()), set()).add(answer.lower())
    repeated = {f: a for f, a in fronts.items() if len(a) > 1}
    assert not repeated, repeated
    assert any(d.reason.startswith("same front as") for d in generation.drops), [
        d.reason for d in generation.drops
    ]


def test_an_or_between_parts_sharing_a_head_joins_one_listed_item(tmp_path: Path) -> None:
    text = (
        "# Verapamil\n\n"
        "## Contraindications\n\n"
        "Second-degree or complete heart block, ventricular tachycardia or fibrillation, "
        "cardiogenic shock and sick sinus syndrome.\n"
    )
    notes = generate_text(tmp_path, text, "monograph.md").deck.notes
    answers = [a.lower() for n in notes for a in all_answers(n)]
    assert "second-degree" not in answers, answers
    assert "fibrillation" not in answers, answers
    assert "name the 4 contraindications of verapamil." in [qa(n)[0].lower() for n in notes], [
        qa(n) for n in notes
    ]


def test_an_and_between_the_objects_of_one_listed_instruction_keeps_them_one_item(
    tmp_path: Path,
) -> None:
    # the list has no final "and" (notes): the "and" is inside "avoid A and B"
    text = (
        "Post-operative confusion (ward notes)\n\n"
        "Mx: treat cause, reorientate, avoid urinary catheters and physical restraint, "
        "review drug chart\n"
    )
    notes = generate_text(tmp_path, text, "notes.txt").deck.notes
    answers = [a.lower() for n in notes for a in all_answers(n)]
    assert "physical restraint" not in answers, answers
    assert any("avoid urinary catheters and physical restraint" in a for a in answers), answers


def test_an_item_of_two_joined_clauses_under_a_condition_lead_shows_its_second(
    tmp_path: Path,
) -> None:
    # deleted whole, the two items would show one front ("call 111 if [...]") and one
    # would be dropped; with the first clause deleted each front tells them apart
    text = (
        "# Shingles\n\n"
        "## When to get help\n\n"
        "Ask for an urgent GP appointment or call 111 if:\n\n"
        # too long for a list answer, with nowhere to cut it: each item is read alone
        "- you are over 50 with shingles and the rash appeared in the last 3 days on your "
        "face, chest or back\n"
        "- you have a weakened immune system and have been near someone with shingles\n"
        "- your baby is under 4 weeks old and has a blistering rash\n"
    )
    cards = [qa(n) for n in generate_text(tmp_path, text, "leaflet.md").deck.notes]
    assert any(
        q.endswith("call 111 if [...] and has a blistering rash")
        and a == "your baby is under 4 weeks old"
        for q, a in cards
    ), cards
    assert any(a == "you have a weakened immune system" for _, a in cards), cards


def test_a_long_item_that_goes_on_to_say_why_is_listed_by_what_it_names(
    tmp_path: Path,
) -> None:
    # one item too long for a list answer ("..., because ...") left every item to be read
    # alone, and an item alone was split at its "or" ("second-degree" as a contraindication)
    text = (
        "# Propranolol\n\n"
        "## Contraindications\n\n"
        "- Asthma or a history of bronchospasm\n"
        "- Second-degree or third-degree heart block\n"
        "- Cardiogenic shock, because blocking the beta receptors lowers the cardiac output "
        "further and can precipitate collapse\n"
    )
    notes = generate_text(tmp_path, text, "monograph.md").deck.notes
    cards = [qa(n) for n in notes]
    answers = [a.lower() for n in notes for a in all_answers(n)]
    assert "second-degree" not in answers, cards
    assert "asthma" not in answers, cards
    assert (
        "Name the 3 contraindications of propranolol.",
        "Asthma or a history of bronchospasm; second-degree or third-degree heart block; "
        "cardiogenic shock",
    ) in cards, cards
    # the item's reason is still asked
    assert any("cardiac output" in a.lower() for a in answers), cards


def test_a_step_that_is_an_instruction_asks_what_it_is_done_to(tmp_path: Path) -> None:
    # a numbered step with no subject and no condition gave no card at all
    cards = [qa(n) for n in generate_text(tmp_path, _STEPS, "reference.md").deck.notes]
    assert (
        "Management of alcohol withdrawal: avoid [...].",
        "waking the patient for routine observations",
    ) in cards, cards


def test_a_step_done_with_a_list_deletes_each_of_its_items(tmp_path: Path) -> None:
    # "with A, B, and C" is too long for one deletion: each item is deleted in turn
    text = _STEPS.replace(
        "Avoid waking the patient for routine observations.",
        "Settle the patient with a dim light, a familiar blanket, and quiet music.",
    )
    notes = generate_text(tmp_path, text, "reference.md").deck.notes
    answers = [a for n in notes for a in all_answers(n)]
    assert {"a dim light", "a familiar blanket", "quiet music"} <= set(answers), answers


def test_instructions_joined_in_a_step_are_not_a_list_of_names(tmp_path: Path) -> None:
    # "Promote sleep, and avoid loud alarms and physical restraint": restraint is what
    # to avoid, not a step of management
    cards = [qa(n) for n in generate_text(tmp_path, _STEPS, "reference.md").deck.notes]
    assert not any("name 3" in q for q, _ in cards), cards
    assert not any(a.strip() == "physical restraint" for _, a in cards), cards


# the last step is too long for a list answer: each step is read alone
_STEPS = (
    "# Alcohol withdrawal\n\n"
    "## Management\n\n"
    "1. Avoid waking the patient for routine observations.\n"
    "2. Promote sleep at night, and avoid loud alarms and physical restraint.\n"
    "3. If the patient remains agitated after these measures have been tried and is a "
    "danger to others, give a small dose of lorazepam.\n"
)


def test_what_a_long_item_goes_on_to_say_is_asked_after_what_it_names(
    tmp_path: Path,
) -> None:
    # "..., added when ...": the qualifier of an indication went unasked
    text = (
        "# Spironolactone\n\n"
        "## Indications\n\n"
        "- Primary hyperaldosteronism while awaiting surgery or when surgery is not possible\n"
        "- Heart failure with reduced ejection fraction, added when symptoms persist despite "
        "an ACE inhibitor and a beta-blocker\n"
    )
    notes = generate_text(tmp_path, text, "monograph.md").deck.notes
    cards = [qa(n) for n in notes]
    assert (
        "Indications of spironolactone: heart failure with reduced ejection fraction, [...]",
        "added when symptoms persist despite an ACE inhibitor and a beta-blocker",
    ) in cards, cards
    fronts = [q for q, _ in cards]
    assert len(fronts) == len(set(fronts)), cards


def test_a_sentence_that_lists_instructions_deletes_each_instruction(tmp_path: Path) -> None:
    # three instructions joined by commas and a closing ", and": only the last one's
    # object was asked
    text = (
        "# Threadworms\n\n"
        "## Can they be prevented?\n\n"
        "Wash hands before eating, keep fingernails short and scrub them daily, and do not "
        "share towels, flannels or bedding.\n"
    )
    notes = generate_text(tmp_path, text, "leaflet.md").deck.notes
    answers = {a.lower() for n in notes for a in all_answers(n)}
    assert {
        "wash hands before eating",
        "keep fingernails short and scrub them daily",
        "do not share towels, flannels or bedding",
    } <= answers, answers
