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
        "- you are over 50 with shingles, because antiviral medicine may help if it is "
        "started within 3 days of the rash appearing\n"
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
        "- you are over 50 with shingles, because antiviral medicine may help if it is "
        "started within 3 days of the rash appearing\n"
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
