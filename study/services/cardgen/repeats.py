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
from study.services.cardgen.terms import content_words, stem, words

ASKED_BY_A_SHORTER_CLOZE = (
    "a cloze whose every deletion a shorter cloze of the same sentence deletes: "
    "the same fact, asked with less to read"
)
ASKED_BY_A_NUMBER_CLOZE = (
    "a question a cloze of the same sentence asks with its number deleted: "
    "the number is the fact, and the cloze asks it alone"
)
ASKED_BY_ITS_CLAUSES = (
    "a cloze of a whole long sentence whose every deletion a card of its clauses asks"
)


def repeated(candidates: Sequence[Candidate]) -> dict[int, str]:
    """The indexes of the cards, among those of one sentence that pass the gates
    (its own and its clauses'), that ask nothing another card of it does not ask better,
    with the reason: a cloze whose every deletion a cloze showing fewer words deletes, and a
    cloze showing a whole sentence of more than 30 words whose every deletion is held by a
    question's answer; and the questions whose condition a number cloze of the sentence
    asks. A card goes only for cards that stay (the shortest are judged first), so a fact
    is never left unasked."""
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
    clozes = [c for c in kept if c.type == "cloze" and not gates.whole_long_sentence(c)]
    for index, candidate in enumerate(candidates):
        if candidate.type == "basic" and any(_same_number_fact(candidate, c) for c in clozes):
            dropped[index] = ASKED_BY_A_NUMBER_CLOZE
    return dropped


# A condition told as a clause: "When the ketones are above 6.0 mmol/L". An answer of
# another kind names more than the number ("Nebulised budesonide 2 mg": the drug).
_CONDITION = re.compile(r"^(?:when|if|once|until|unless)\b")
# A question's answer that says more than its numbers and this many words asks more than
# the number cloze ("Vasopressors needed to keep MAP >=65 mmHg + lactate >2 mmol/L ...").
MORE_WORDS = 3


def _same_number_fact(question: Candidate, number: Candidate) -> bool:
    """Whether a ``question`` asks what a cloze of the same sentence deleting a number
    asks: its answer is a condition holding every deletion and at most three words more,
    and the cloze shows every other word of the question and its answer ("When is
    potassium chloride added?" "When the serum potassium is between 3.5 and 5.5 mmol/L"
    beside "potassium chloride is added when the serum potassium is [...]")."""
    deleted = [_bare(a) for a in number.answers]
    if not deleted or not all(re.search(r"\d", d) for d in deleted):
        return False
    answer = _bare(question.back)
    if not _CONDITION.match(answer) or not all(gates.within(d, answer) for d in deleted):
        return False
    rest = len(content_words(answer)) - sum(len(content_words(d)) for d in deleted)
    if rest > MORE_WORDS:
        return False  # the number is a detail of a longer answer, which asks more
    shown = {stem(w) for w in content_words(number.shown)}
    return all(stem(w) in shown for w in content_words(f"{question.front} {question.back}"))


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
        if all(d in shorter or any(gates.within(d, a) for a in answers) for d in deleted):
            return ASKED_BY_ITS_CLAUSES
    return None


def _length(candidate: Candidate) -> int:
    return len(words(candidate.shown if candidate.type == "cloze" else candidate.front))


def _bare(answer: str) -> str:
    """An answer without parenthesised remarks or edge punctuation, in lower case."""
    return re.sub(r"\s*\([^)]*\)", "", answer).strip(" .,;:)(").lower()
