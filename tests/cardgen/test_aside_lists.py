"""A list in parentheses is told as a sentence about the phrase it lists the parts or
kinds of: after a singular noun or a numbered one ("stage 1 (A, B and C)"), and after a
restrictive clause, of the plural noun the clause describes.

Sentences of other topics than the judged sets.
"""

from __future__ import annotations

from pathlib import Path

from cardgen_helpers import generate_text, one_sentence, qa

from study.services.cardgen.clauses import aside_texts

TREMENS = (
    "Delirium tremens is graded by the CIWA scale from stage 1 (tremor, anxiety and loss of "
    "the usual appetite) through stage 2 (hallucinations and agitation) to stage 3, which "
    "is coma."
)
PORPHYRIA = (
    "An attack of porphyria is usually triggered by fasting, infection or drugs that induce "
    "hepatic {object} (barbiturates such as phenobarbital, carbamazepine, rifampicin and the "
    "pill), and it is treated with haem arginate."
)


def _asides(text: str) -> list[str]:
    sentence = one_sentence(text)
    return aside_texts(sentence.span, sentence.asides)


def test_a_list_after_a_numbered_singular_noun_says_what_it_includes() -> None:
    assert _asides(TREMENS) == ["Stage 1 includes tremor, anxiety and loss of the usual appetite."]


def test_a_list_after_a_clause_is_of_the_plural_noun_the_clause_describes() -> None:
    assert _asides(PORPHYRIA.format(object="metabolism")) == [
        "Drugs that induce hepatic metabolism include barbiturates such as phenobarbital, "
        "carbamazepine, rifampicin and the pill."
    ]


def test_a_list_after_a_clause_ending_in_another_plural_is_not_told() -> None:
    # the drugs or the enzymes? ("Hepatic enzymes include barbiturates" was told)
    assert _asides(PORPHYRIA.format(object="enzymes")) == []


SCLEROSIS = (
    "Systemic sclerosis\n\nAbout a third of patients develop gastrointestinal involvement "
    "(reflux, bloating and constipation), which is often the first sign of internal "
    "disease, and most have Raynaud phenomenon years before the skin changes appear.\n"
)


def test_a_list_in_parentheses_after_a_singular_noun_is_not_asked_as_its_definition(
    tmp_path: Path,
) -> None:
    # the forms the involvement takes, not what "gastrointestinal involvement" means
    cards = [qa(n) for n in generate_text(tmp_path, SCLEROSIS).deck.notes]
    assert ("What is gastrointestinal involvement?", "Reflux, bloating and constipation") not in (
        cards
    )
