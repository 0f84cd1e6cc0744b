"""--report names each clause of a long sentence that gave no card while the sentence gave
others (issue 14, point 6: nothing silent)."""

from __future__ import annotations

from pathlib import Path

from cardgen_helpers import generate_text

from study.services.cardgen import silent
from study.services.cardgen.candidates import Candidate
from study.services.cardgen.sentences import Sentence

TETANUS = (
    "# Tetanus\n\n"
    "Tetanus, which is caused by a toxin of Clostridium tetani that enters through a wound, "
    "presents with trismus and painful muscle spasms, and the patient is given human tetanus "
    "immunoglobulin and metronidazole, whereas the typical patient who has never been "
    "vaccinated develops generalised rigidity, sweating, fever, swings in blood pressure and "
    "a fast heart rate within a few days of the injury.\n"
)
UNVACCINATED = (
    "The typical patient who has never been vaccinated develops generalised rigidity, "
    "sweating, fever, swings in blood pressure and a fast heart rate within a few days of "
    "the injury."
)


def test_a_clause_that_gave_no_card_beside_others_is_reported_with_its_reason(
    tmp_path: Path,
) -> None:
    # the sentence gives cards on its first clauses; the "whereas" clause's only question has
    # an answer of 20 words, so nothing asks it, and the report said nothing about it
    generation = generate_text(tmp_path, TETANUS)
    assert generation.deck.notes
    lines = generation.report_lines()
    at = lines.index(f"    clause: {UNVACCINATED}")
    assert lines[at - 2].endswith(
        "a clause of a sentence that gave other cards gave none: " + silent.FAILED_GATES
    ), lines[at - 2]
    assert lines[at - 1].startswith("    sentence: Tetanus, which is caused by")
    # the gate that left its card out is listed above it
    assert any("answer longer than 16 words" in line for line in lines[: at - 2])


def test_a_clause_whose_facts_the_whole_sentence_asks_is_not_called_unasked(
    tmp_path: Path,
) -> None:
    lines = generate_text(tmp_path, TETANUS).report_lines()
    at = lines.index(
        "    clause: The patient is given human tetanus immunoglobulin and metronidazole."
    )
    assert lines[at - 2].endswith("a clause " + silent.ASKED_WHOLE), lines[at - 2]


def test_a_piece_that_proposed_nothing_says_there_was_nothing_to_ask() -> None:
    text = "Rigidity follows, and so on, as before, in the usual way for these patients."
    sentence = Sentence(text, text, 0, len(text))
    kept = [Candidate("rare-term", "cloze", sentence, ("Rigidity",), text="{{c1::Rigidity}}.")]
    found = silent.unasked(["So on."], ["As before."], [], [], kept, lambda _c: None)
    assert found == [
        (
            "a clause of a sentence that gave other cards gave none: " + silent.NOTHING_TO_ASK,
            "So on.",
        ),
        (
            "a remark in parentheses of a sentence that gave other cards gave none: "
            + silent.NOTHING_TO_ASK,
            "As before.",
        ),
    ]


def test_a_clause_of_a_sentence_read_whole_that_no_card_asks_is_named() -> None:
    # a sentence whose own cards passed the gates is not read clause by clause; a clause
    # of it that no card asks a word of was silent
    text = (
        "Septic arthritis is usually caused by Staphylococcus aureus, the joint is aspirated "
        "before antibiotics, and a written plan is agreed with the patient."
    )
    sentence = Sentence(text, text, 0, len(text))
    kept = [
        Candidate(
            "subject",
            "basic",
            sentence,
            ("Staphylococcus aureus",),
            front="What causes septic arthritis?",
            back="Staphylococcus aureus",
        ),
        Candidate(
            "condition",
            "basic",
            sentence,
            ("Before antibiotics",),
            front="When is the joint aspirated?",
            back="Before antibiotics",
        ),
    ]
    clauses = [
        "Septic arthritis is usually caused by Staphylococcus aureus.",
        "The joint is aspirated before antibiotics.",
        "A written plan is agreed with the patient.",
    ]
    assert silent.unread(clauses, kept) == [(silent.READ_WHOLE, clauses[2])]
