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
        "Acute angle-closure glaucoma: what is every patient referred to?",
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
