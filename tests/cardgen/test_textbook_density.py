"""Textbook prose: each fact of a long sentence asked, once, by a card with a key term
(issue 14, round 5: recall and cards per cited sentence)."""

from __future__ import annotations

from pathlib import Path

from cardgen_helpers import find, generate_text

from study.domain import cloze
from study.services.cardgen import clauses, nlp, repeats, silent
from study.services.cardgen.candidates import Candidate
from study.services.cardgen.sentences import Sentence

PERNICIOUS = (
    "# Pernicious anaemia\n\n"
    "Pernicious anaemia is an autoimmune disease in which antibodies destroy the gastric "
    "parietal cells and block intrinsic factor, so that vitamin B12 cannot be absorbed in "
    "the terminal ileum, and it is the commonest cause of vitamin B12 deficiency in the "
    "United Kingdom, although dietary deficiency is common in vegans.\n"
)


def test_a_later_clause_whose_subject_is_a_pronoun_is_asked_though_a_card_answers_that_subject(
    tmp_path: Path,
) -> None:
    # The sentence is read whole; its "and it is ..." clause was taken as asked because a
    # card of the first clause answers "Pernicious anaemia" (the clause's subject, named
    # from "it") and a cloze deletes "common" (inside "commonest"): nothing asked it.
    generation = generate_text(tmp_path, PERNICIOUS)
    assert find(generation, "commonest cause of vitamin B12 deficiency", "Pernicious anaemia")


def test_a_clause_counts_as_asked_only_by_an_answer_past_its_subject_in_whole_words() -> None:
    text = (
        "Scurvy follows a lack of vitamin C in the diet, and it is the classic disease of "
        "sailors on long voyages, although bleeding gums are common in other conditions."
    )
    sentence = Sentence(text, text, 0, len(text))
    kept = [
        Candidate("definition", "basic", sentence, ("Scurvy",), front="What?", back="Scurvy"),
        Candidate("predicate", "cloze", sentence, ("common",), text="are {{c1::common}} in"),
        Candidate("object", "basic", sentence, ("Vitamin C",), front="Q?", back="Vitamin C"),
    ]
    clauses = [
        "Scurvy follows a lack of vitamin C in the diet.",
        "Scurvy is the classic disease of sailors on long voyages.",
    ]
    assert silent.unread(clauses, kept) == [(silent.READ_WHOLE, clauses[1])]


def test_a_common_property_deleted_beside_a_fact_goes_and_the_fact_stays() -> None:
    text = (
        "Sarcoidosis is a multisystem granulomatous disease of unknown cause that most often "
        "affects the lungs and the hilar lymph nodes, and its granulomas do not caseate, "
        "whereas those of tuberculosis usually do, although erythema nodosum is common at "
        "the onset in young women."
    )
    sentence = Sentence(text, text, 0, len(text))
    shown = text.replace("do not caseate", "{{c1::do not caseate}}").replace(
        "is common at", "is {{c2::common}} at"
    )
    candidate = Candidate(
        "predicate", "cloze", sentence, ("do not caseate", "common"), text=f"Sarcoidosis: {shown}"
    )
    kept, left = repeats.thinned([candidate])
    [card] = kept
    assert [cloze.deleted_answers(card.text, n) for n in cloze.cloze_numbers(card.text)] == [
        ["do not caseate"]
    ]
    assert [item.reason for item in left] == [repeats.NO_KEY_TERM]


def test_a_short_sentence_keeps_its_property_deletions() -> None:
    # in a short sentence the property is its fact ("Erythema nodosum is [common] ...")
    text = "In sarcoidosis erythema nodosum is common, and the granulomas do not caseate."
    sentence = Sentence(text, text, 0, len(text))
    shown = text.replace("do not caseate", "{{c1::do not caseate}}").replace(
        "is common", "is {{c2::common}}"
    )
    candidate = Candidate("predicate", "cloze", sentence, ("do not caseate", "common"), text=shown)
    kept, left = repeats.thinned([candidate])
    assert kept == [candidate] and not left


def test_a_definition_narrowed_by_in_which_tells_its_clause_of_the_thing_defined() -> None:
    # "X is a disease in which Z": Z holds in X, since X is that disease; the clause is told
    # as "In X, Z" (with no comma before "in which", it was read only as part of the class)
    [span] = next(
        nlp.parse(
            [
                "Pernicious anaemia is an autoimmune disease in which antibodies block intrinsic "
                "factor, and it is the commonest cause of vitamin B12 deficiency."
            ]
        )
    ).sents
    told = clauses.clause_texts(span)
    assert "In pernicious anaemia, antibodies block intrinsic factor." in told
    assert "Pernicious anaemia is an autoimmune disease." in told


def test_a_pronoun_defined_by_in_which_is_not_told_apart() -> None:
    # "It is a disorder in which ...": what "it" is cannot be said in the told clause
    [span] = next(
        nlp.parse(
            [
                "It is an inherited disorder in which the gut absorbs too much iron, and it is "
                "most common in people of northern European descent."
            ]
        )
    ).sents
    assert not any(t.startswith("In ") for t in clauses.clause_texts(span))
