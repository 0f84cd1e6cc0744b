"""Leaflets, monographs and notes (issue 14, round 4): what a leaflet's "it" and "they"
name, a name given with "call", a negated phrasal verb, "need to", a rare word in
parentheses after a plural, and a name before its rank in a line of notes."""

from __future__ import annotations

from pathlib import Path

from cardgen_helpers import all_answers, find, generate_text, qa


def _cards(tmp_path: Path, text: str, name: str = "leaflet.md") -> list[tuple[str, str]]:
    generation = generate_text(tmp_path, text, name)
    return [(qa(n)[0], answer) for n in generation.deck.notes for answer in all_answers(n)]


def test_a_plural_subject_is_never_the_next_it(tmp_path: Path) -> None:
    text = (
        "# Glandular fever\n\n"
        "## What is glandular fever?\n\n"
        "Glandular fever is an infection that causes a sore throat and swollen glands. "
        "Teenagers often call it the kissing disease. "
        "It is usually caused by the Epstein-Barr virus.\n"
    )
    cards = _cards(tmp_path, text)
    assert not any("teenagers" in q.lower() and "virus" in a.lower() for q, a in cards), cards
    assert any("glandular fever" in q.lower() and "epstein-barr" in a.lower() for q, a in cards), (
        cards
    )


def test_an_active_naming_verb_gives_another_name_of_its_object(tmp_path: Path) -> None:
    text = (
        "# Glandular fever\n\n"
        "Glandular fever is an infection that causes a sore throat and swollen glands. "
        "Teenagers often call it the kissing disease.\n"
    )
    generation = generate_text(tmp_path, text, "leaflet.md")
    assert find(generation, "another name for glandular fever", "kissing disease"), [
        qa(n) for n in generation.deck.notes
    ]


def test_a_negated_phrasal_verb_is_deleted_with_its_particle(tmp_path: Path) -> None:
    text = "# Shingles\n\nThe rash of shingles itself cannot be caught from another person.\n\n"
    text += "Post-herpetic neuralgia does not wear off quickly.\n"
    cards = _cards(tmp_path, text)
    assert any(a == "does not wear off" for _, a in cards), cards


def test_what_is_not_needed_is_no_purpose(tmp_path: Path) -> None:
    text = (
        "# Head lice\n\n"
        "## Does my child need to stay off school?\n\n"
        "Pupils with head lice do not need to stay at home or away from sports.\n"
    )
    cards = _cards(tmp_path, text)
    assert not any(q.lower().startswith("why") for q, _ in cards), cards
    assert any("do not need" in a for _, a in cards), cards


def test_they_after_but_is_the_plural_subject_of_the_clause_before(tmp_path: Path) -> None:
    text = (
        "# Hay fever\n\n"
        "## Can a pharmacist help?\n\n"
        "Steroid nasal sprays (mometasone) can be bought from a pharmacy for adults aged 18 "
        "and over, but they take a few days to work.\n"
    )
    generation = generate_text(tmp_path, text, "leaflet.md")
    cards = [(qa(n)[0], a) for n in generation.deck.notes for a in all_answers(n)]
    assert not any("'they'" in d.reason for d in generation.drops), cards
    assert find(generation, "example of steroid nasal sprays", "mometasone"), cards


def test_a_rare_word_in_parentheses_after_a_singular_stays_in_its_sentence(
    tmp_path: Path,
) -> None:
    text = "# Pleurisy\n\nOther causes include an infection, kidney failure (uraemia) and lupus.\n"
    cards = _cards(tmp_path, text)
    assert not any(q.lower().startswith("what is kidney failure") for q, _ in cards), cards


def test_a_name_before_its_rank_in_notes_is_asked(tmp_path: Path) -> None:
    text = (
        "Migraine\n\n"
        "Acute treatment\n"
        "- Triptan plus NSAID 1st line (avoid triptans in vascular disease)\n"
        "- Topiramate or propranolol first-line: prevention if 2 or more attacks a month\n"
    )
    cards = _cards(tmp_path, text, "notes.txt")
    answers = {a for _, a in cards}
    assert "Triptan plus NSAID" in answers, cards
    assert "Topiramate or propranolol" in answers, cards


def test_a_verb_of_becoming_deletes_its_adjective(tmp_path: Path) -> None:
    text = "# Rifampicin\n\n## Side effects\n\nThe tears may turn pink or red.\n"
    cards = _cards(tmp_path, text)
    assert any(a == "pink or red" for _, a in cards), cards


def test_what_a_drug_makes_of_its_object_is_asked_with_the_clause_after(
    tmp_path: Path,
) -> None:
    text = (
        "# Myasthenia gravis\n\n## Drugs\n\n"
        "Aminoglycosides make weakness worse and are avoided in a crisis.\n"
    )
    cards = _cards(tmp_path, text)
    assert any(a == "worse" for _, a in cards), cards
    assert any("avoided" in q and a == "A crisis" for q, a in cards), cards


def test_an_item_of_two_conditions_joined_by_or_deletes_the_first(tmp_path: Path) -> None:
    text = (
        "# Earache\n\n## When should I get help?\n\n"
        "Ask for an urgent GP appointment or call 111 if:\n\n"
        # (the list's own cloze fails a gate: each item is read after the lead)
        "- your ear is painful, or loud noise hurts it\n"
        "- your hearing changes, for example it becomes muffled\n"
        "- one ear is very red\n"
        "- you wear hearing aids and your ear is red and sore\n"
        "- a baby less than 28 days old has a red or sticky ear\n"
    )
    cards = _cards(tmp_path, text)
    assert any(
        q.endswith("if [...], or loud noise hurts it") and a == "your ear is painful"
        for q, a in cards
    ), cards


def test_a_participle_between_commas_after_the_subject_is_asked(tmp_path: Path) -> None:
    text = (
        "# Ferrous sulfate\n\n## Dose\n\n"
        "Oral iron, taken on an empty stomach with orange juice, is absorbed best.\n"
    )
    cards = _cards(tmp_path, text)
    assert any(
        "taken [...], is absorbed best" in q and a == "on an empty stomach with orange juice"
        for q, a in cards
    ), cards


def test_a_range_the_tokenizer_kept_as_one_word_is_a_quantity(tmp_path: Path) -> None:
    text = (
        "# Hyperkalaemia\n\n## Treatment\n\n"
        "1. Give 10–20 g of calcium-free binder, such as patiromer, with the evening meal.\n"
    )
    cards = _cards(tmp_path, text)
    assert any(a == "10–20 g" for _, a in cards), cards
