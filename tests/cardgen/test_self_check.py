"""The self-check of every card (round 5, gen25): a question must read as a question of
English and an answer as a whole phrase of its sentence, on text nobody tuned to. Each
garbled shape is dropped, and said in --report; a well-formed card of the same sentence
stays. Sentences written for these tests, of topics outside the judged sets."""

from __future__ import annotations

from pathlib import Path

from cardgen_helpers import generate_text

from study.services.cardgen import wellformed
from study.services.cardgen.candidates import Candidate
from study.services.cardgen.nlp import parse
from study.services.cardgen.sentences import Sentence


def _problem(text: str, front: str, back: str) -> str | None:
    (doc,) = parse([text])
    sentence = Sentence(text=text, raw=text, start=0, end=len(text), span=doc[:])
    candidate = Candidate("clause", "basic", sentence, (back,), front=front, back=back)
    return wellformed.problem(candidate)


def test_a_question_with_no_subject_before_its_verb_is_dropped() -> None:
    text = "The symptoms depend on which nerves the apical tumour compresses."
    front = "Pancoast tumour: on which nerves, what does compress?"
    assert "no verb or no subject" in (_problem(text, front, "The apical tumour") or "")


def test_two_when_clauses_run_into_one_question_are_dropped() -> None:
    text = (
        "The staging system calls a lymphoma stage I when it involves one node region "
        "and stage II when it involves two regions on one side of the diaphragm."
    )
    front = (
        "When does the staging system call a lymphoma stage I stage II when it involves "
        "one node region?"
    )
    assert "two 'when's" in (_problem(text, front, "When it involves two regions") or "")
    joined = "When is the lymphoma stage I and when is it stage II?"
    assert "two 'when's" not in (_problem(text, joined, "One region; two regions") or "")


def test_a_stranded_preposition_needs_a_what_to_govern() -> None:
    text = "The tablet is taken with a full glass of water before breakfast."
    assert "ending in a preposition" in (
        _problem(text, "When is the tablet taken with?", "Before breakfast") or ""
    )
    assert _problem(text, "What is the tablet taken with?", "A full glass of water") is None


def test_a_why_question_that_lost_its_verbs_object_is_dropped() -> None:
    text = "Causes of gout include diuretics and alcohol, since both raise the serum urate."
    front = "Gout: why do causes include?"
    assert "without the object" in (_problem(text, front, "Because both raise the urate") or "")
    intransitive = "The rash appears two days after the fever, because the virus spreads."
    assert _problem(intransitive, "Why does the rash appear?", "Because the virus spreads") is None


def test_a_subject_that_disagrees_with_its_verb_is_dropped() -> None:
    text = "The nurse, the pharmacist and the doctors are listed with the monitoring service."
    front = "What are the nurse listed with?"
    assert "disagree in number" in (_problem(text, front, "The monitoring service") or "")
    # a copula's "what" is the subject: "are" agrees with the answer, not the complement
    copula = "Enteroviruses are a common cause of viral meningitis in summer."
    assert _problem(copula, "What are a common cause of viral meningitis?", "Enteroviruses") is None


def test_an_answer_cut_from_its_of_or_to_phrase_is_dropped() -> None:
    text = "The purpura follows damage to the small vessels of the skin after the infection."
    assert "cut from the 'to' phrase" in (
        _problem(text, "What does the purpura follow?", "Damage") or ""
    )
    whole = "Damage to the small vessels of the skin"
    assert _problem(text, "What does the purpura follow?", whole) is None


def test_a_garbled_question_is_reported_with_its_reason(tmp_path: Path) -> None:
    g = generate_text(
        tmp_path,
        "# Purpura\n\nThe bleeding follows injury to the lining of the small vessels, and "
        "the bruising, which is worse on the legs in adults, is caused partly by the low "
        "platelet count and partly by the drug.\n",
    )
    backs = [note.back for note in g.deck.notes if note.type == "basic"]
    assert "Injury" not in backs
    assert any("cut from the 'to' phrase" in line for line in g.report_lines())


def test_a_question_whose_verb_is_none_of_its_sentences_verbs_is_dropped() -> None:
    # the parser may read a plural noun as the verb ("antibodies" -> "antibodie")
    text = (
        "Myasthenia gravis is a disease in which antibodies against the receptor impair "
        "transmission at the junction."
    )
    front = "What does a disease antibodie against?"
    assert "none of its sentence's verbs" in (_problem(text, front, "The receptor") or "")
    treated = "In myasthenia gravis, pyridostigmine improves the weakness within an hour."
    assert _problem(treated, "What does pyridostigmine improve?", "The weakness") is None


def test_a_question_run_on_across_a_colon_is_dropped() -> None:
    text = (
        "The complications follow the loss of blood in the stool: anaemia, because iron "
        "is lost faster than it is absorbed, and tiredness."
    )
    front = (
        "Coeliac disease: why do the complications follow the loss of blood in the stool anaemia?"
    )
    assert "across a colon" in (_problem(text, front, "Because iron is lost") or "")
    whole = "What do the complications follow?"
    assert _problem(text, whole, "The loss of blood in the stool") is None
