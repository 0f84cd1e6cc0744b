"""All the cards one parsed sentence proposes, before the gates judge them."""

from __future__ import annotations

from study.services.cardgen.candidates import Candidate, Context
from study.services.cardgen.clozes import (
    contrast_cards,
    covariation_cards,
    example_cards,
    list_cards,
    negated_subject_cards,
    number_cards,
    participle_cards,
    predicate_cards,
    term_cards,
)
from study.services.cardgen.instructions import instruction_cards, step_cards
from study.services.cardgen.names import defined_cards, name_cards
from study.services.cardgen.questions import clause_cards
from study.services.cardgen.reading import Reading
from study.services.cardgen.sentences import Sentence


def propose(sentence: Sentence, reading: Reading, context: Context) -> list[Candidate]:
    """Questions for each clause, other names, a deletion per list item, example and
    quantity, and a deletion of the rarest term of each clause no question asked."""
    found = name_cards(sentence, reading.names, context)
    found += defined_cards(sentence, reading, context)
    asked: set[int] = set()
    unasked = []
    for clause, cards in clause_cards(sentence, reading, context):
        found += cards
        if cards:
            asked |= {i for p in clause.parts for i in p.phrase.tokens}
        else:
            unasked.append(clause)
        for part in clause.parts:
            found += list_cards(sentence, part.phrase, context)
        subject = clause.subject
        if clause.negated and subject is not None and len(subject.items) >= 2:
            # "Inhalers and steroids are not used": what is not used, item by item
            found += negated_subject_cards(sentence, subject, context)
    found += example_cards(sentence, reading, context)
    contrasted = contrast_cards(sentence, context) or covariation_cards(sentence, context)
    found += contrasted
    found += number_cards(sentence, context)
    found += participle_cards(sentence, context)
    found += instruction_cards(sentence, context)
    leaning = bool(reading.unresolved) and not reading.clauses
    if (unasked or not reading.clauses) and not contrasted and not leaning:
        said = predicate_cards(sentence, unasked, context)
        found += said or term_cards(sentence, unasked, context, set())
    # an instruction nothing else asks (a step of a list of them): what it is done to
    return found or step_cards(sentence, context)
