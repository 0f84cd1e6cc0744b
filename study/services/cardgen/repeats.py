"""One fact, one card, across a long sentence's own cards and its clauses' cards.

A long textbook sentence is read twice: as a whole (its own cards) and clause by clause
(each clause told as a sentence). The two readings often delete the same number or term,
one cloze showing a clause and another showing the whole sentence of 40 to 70 words: the
same fact asked twice, the longer card the worse one. The gates in ``gates`` compare the
cards of one reading; this module compares the cards of both.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from study.services.cardgen import gates
from study.services.cardgen.candidates import Candidate
from study.services.cardgen.terms import words

ASKED_BY_A_SHORTER_CLOZE = (
    "a cloze whose every deletion a shorter cloze of the same sentence deletes: "
    "the same fact, asked with less to read"
)
ASKED_BY_ITS_CLAUSES = (
    "a cloze of a whole long sentence whose every deletion a card of its clauses asks"
)


def repeated(candidates: Sequence[Candidate]) -> dict[int, str]:
    """The indexes of the clozes, among the cards of one sentence that pass the gates
    (its own and its clauses'), that ask nothing another card of it does not ask better,
    with the reason: a cloze whose every deletion a cloze showing fewer words deletes, and a
    cloze showing a whole sentence of more than 30 words whose every deletion is held by a
    question's answer. A card goes only for cards that stay (the shortest are judged
    first), so a fact is never left unasked."""
    order = sorted(range(len(candidates)), key=lambda i: _length(candidates[i]))
    kept: list[Candidate] = []
    dropped: dict[int, str] = {}
    for index in order:
        candidate = candidates[index]
        reason = _why_repeated(candidate, kept) if candidate.type == "cloze" else None
        if reason:
            dropped[index] = reason
        else:
            kept.append(candidate)
    return dropped


def _why_repeated(candidate: Candidate, kept: Sequence[Candidate]) -> str | None:
    deleted = [_bare(a) for a in candidate.answers]
    if not deleted:
        return None
    length = _length(candidate)
    shorter = {
        _bare(a)
        for other in kept
        if other.type == "cloze" and _length(other) < length
        for a in other.answers
    }
    if all(d in shorter for d in deleted):
        return ASKED_BY_A_SHORTER_CLOZE
    if gates.whole_long_sentence(candidate):
        answers = [_bare(other.back) for other in kept if other.type == "basic"]
        if all(d in shorter or any(_within(d, a) for a in answers) for d in deleted):
            return ASKED_BY_ITS_CLAUSES
    return None


def _length(candidate: Candidate) -> int:
    return len(words(candidate.shown if candidate.type == "cloze" else candidate.front))


def _bare(answer: str) -> str:
    """An answer without parenthesised remarks or edge punctuation, in lower case."""
    return re.sub(r"\s*\([^)]*\)", "", answer).strip(" .,;:)(").lower()


def _within(deleted: str, answer: str) -> bool:
    """Whether ``deleted`` is in ``answer`` as whole words ("10%" is not in "110%")."""
    return re.search(rf"(?<![\w.]){re.escape(deleted)}(?![\w])", answer) is not None
