"""Each quality gate, and the chatter that must give no card."""

from __future__ import annotations

from pathlib import Path

from cardgen_helpers import generate_text

from study.services.cardgen import gates
from study.services.cardgen.candidates import Candidate
from study.services.cardgen.sentences import Sentence


def _basic(front: str, back: str, sentence: str) -> Candidate:
    return Candidate(
        pattern="test",
        type="basic",
        sentence=Sentence(sentence, sentence, 0, len(sentence)),
        answers=(back,),
        front=front,
        back=back,
    )


def test_answer_in_the_question_is_dropped() -> None:
    s = "Gout affects the big toe."
    assert gates.card_drop(_basic("What does gout of the big toe affect?", "the big toe", s), s)


def test_trivial_answers_are_dropped() -> None:
    s = "It is what it is in this case."
    for answer in ("it", "the", "This", "a"):
        reason = gates.card_drop(_basic("What is it?", answer, s), s)
        assert reason and "trivial" in reason


def test_vague_answers_are_dropped() -> None:
    s = "The shape of the curve shows the cause."
    reason = gates.card_drop(_basic("What does the shape of the curve show?", "The cause", s), s)
    assert reason and "vague answer" in reason


def test_modal_answer_of_a_contrast_is_not_trivial() -> None:
    s = "Sprains heal, while a rupture may or may not."
    assert gates.card_drop(_basic("Does a rupture heal?", "may or may not", s), s) is None


def test_long_answers_are_dropped() -> None:
    long = " ".join(f"word{i}" for i in range(20))
    reason = gates.card_drop(_basic("What is it about?", long, long), long)
    assert reason and "longer than" in reason


def test_answer_not_in_its_source_sentence_is_dropped() -> None:
    s = "Gout affects the big toe."
    reason = gates.card_drop(_basic("What does gout affect?", "The knee", s), s)
    assert reason and "not found in its source sentence" in reason


def test_near_duplicates_are_found_within_shared_terms_only() -> None:
    s = "Gout affects the big toe."
    first = _basic("What does gout most often affect?", "The big toe", s)
    second = _basic("Which part does gout most often affect?", "the big toe", s)
    other = _basic("What does psoriasis affect?", "The skin", "Psoriasis affects the skin.")
    assert gates.near_duplicates([first, other, second]) == {2: 0}


def test_chatter_gives_no_card_and_is_reported(tmp_path: Path) -> None:
    g = generate_text(
        tmp_path,
        "See Chapter 4: Imaging of the spine. BACK TO TEXT\n\n"
        "“It felt like a knife,” Dr Jones says.\n\n"
        "I once saw a patient who ran a marathon on a fractured fibula.\n\n"
        "Lie on your back and lift your knees. Breathe slowly.\n\n"
        "Or anything else.\n",
    )
    assert g.deck.notes == ()
    reasons = " ".join(d.reason for d in g.drops)
    for expected in ("cross-reference", "quote of a person", "conversational", "instruction"):
        assert expected in reasons
    assert all(line for line in g.report_lines())


def test_report_gives_the_reason_sentence_and_question(tmp_path: Path) -> None:
    g = generate_text(tmp_path, "Gout, commonly called gout, is painful. See the guidelines.")
    lines = g.report_lines()
    assert lines[0].startswith("1 note (1 card) from 2 sentences; 1 sentence or candidate")
    assert any(line.strip().startswith("sentence: See the guidelines.") for line in lines)


def test_those_with_an_adjective_names_people_and_is_no_back_reference() -> None:
    """ "those allergic to penicillin" names the people it is about ("those" with an
    adjective or participle and its preposition); "those drugs" leans on text elsewhere."""
    s = "Clarithromycin is used for those allergic to penicillin."
    named = _basic("What is used for those allergic to penicillin?", "Clarithromycin", s)
    assert gates.card_drop(named, s) is None
    for people in (
        "those intolerant of statins",
        "those exposed to measles",
        "those eligible for surgery",
    ):
        assert (
            gates.card_drop(_basic(f"What is offered to {people}?", "Clarithromycin", s), s) is None
        )
    leaning = _basic("What is used for those drugs?", "Clarithromycin", s)
    assert (
        gates.card_drop(leaning, s)
        == "refers to 'these ...' said elsewhere, which the card does not name"
    )


def test_a_clause_whose_pronoun_lost_its_noun_is_dropped() -> None:
    """ "unless they are pregnant, in which case specialist advice is needed", told apart as
    "If they are pregnant, ...": who "they" are is in the clause the card left behind."""
    s = (
        "Prednisolone should be started in patients aged 16 or over, unless they are "
        "pregnant, in which case specialist advice is needed."
    )
    leaning = _basic("If they are pregnant, what is needed?", "Specialist advice", s)
    assert gates.card_drop(leaning, s) == (
        "leans on text around it: the card starts with a word it does not name"
    )
    named = _basic("If patients are pregnant, what is needed?", "Specialist advice", s)
    assert gates.card_drop(named, s) is None
