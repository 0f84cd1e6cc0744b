"""One fact, one card, across a long sentence's own cards and its clauses' cards.

A long textbook sentence is read twice: as a whole (its own cards) and clause by clause
(each clause told as a sentence). The two readings often delete the same number or term,
one cloze showing a clause and another showing the whole sentence of 40 to 70 words: the
same fact asked twice, the longer card the worse one. The gates in ``gates`` compare the
cards of one reading; this module compares the cards of both, deletion by deletion: a
cloze note whose first deletion a shorter card asks keeps its other deletions, and goes
only when none is left.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from study.domain import cloze
from study.services.cardgen import gates
from study.services.cardgen.candidates import Candidate, without_deletions
from study.services.cardgen.terms import content_words, stem, words

ASKED_BY_A_SHORTER_CLOZE = (
    "a cloze deletion a shorter cloze of the same sentence makes in the same words: "
    "the same fact, asked with less to read"
)
ASKED_BY_A_NUMBER_CLOZE = (
    "a question a cloze of the same sentence asks with its number deleted: "
    "the number is the fact, and the cloze asks it alone"
)
ASKED_BY_A_QUESTION = (
    "a cloze deletion a shorter question of the same sentence answers: "
    "the question says what the cloze says, and asks the same fact"
)
ASKED_BY_A_FULLER_QUESTION = (
    "a question another question of the same sentence asks with the same answer and more "
    "of the sentence: the same fact, the fuller question says which"
)
MOVED = (
    "a cloze showing a whole long sentence, shown as a shorter cloze of the same sentence "
    "that shows its deletions in the same words: the same facts, with less to read"
)
ASKED_BY_ITS_CLAUSES = (
    "a deletion of a cloze showing a whole long sentence that a card of its clauses asks"
)
NO_KEY_TERM = (
    "a deletion of a property of common words from a long sentence beside a deletion of "
    "the same cloze that asks a fact: no key term"
)
ASKED_THE_OTHER_WAY = (
    "a definition asked backwards beside a question of the same sentence that asks it "
    "forwards: the same fact twice"
)


@dataclass(frozen=True)
class Left:
    """A card left out because another card of its sentence asks the same: the index of
    its note among the cards judged, the card as the learner would have seen it, and why.
    A cloze note can lose one deletion and keep the others."""

    index: int
    question: str
    reason: str


def thinned(candidates: Sequence[Candidate]) -> tuple[list[Candidate], list[Left]]:
    """The cards of one sentence that pass the gates (its own and its clauses'), each fact
    asked once, in its shortest card, and the cards left out with their reason.

    A cloze deletion goes when a cloze showing fewer words deletes the same text, or, in a
    cloze showing a whole sentence of more than 30 words, when a question's answer holds
    it; a cloze note keeps its other deletions (renumbered) and goes when none is left. A
    question goes when its answer is a condition a number cloze of the sentence asks. A
    card goes only for cards that stay (the shortest are judged first), so a fact is never
    left unasked. A definition asked backwards goes beside a question asking it forwards.
    A predicate cloze's deletion of a common property goes beside one that asks a fact.
    The cards kept are in the order given."""
    order = sorted(range(len(candidates)), key=lambda i: _length(candidates[i]))
    kept: dict[int, Candidate] = {}
    left: list[Left] = []
    for index in order:
        candidate = candidates[index]
        if candidate.type == "cloze":
            candidate, common = _without_common_properties(candidate)
            left += [Left(index, question, NO_KEY_TERM) for question in common]
            remaining, gone = _deletions_asked(candidate, list(kept.values()))
            left += [Left(index, question, reason) for question, reason in gone]
            if remaining is None:
                continue
            candidate = remaining
            if gates.whole_long_sentence(candidate):
                candidate, moved = _moved(candidate, kept)
                left += [Left(index, question, MOVED) for question in moved]
        kept[index] = candidate
    clozes = [c for c in kept.values() if c.type == "cloze" and not gates.whole_long_sentence(c)]
    for index, candidate in list(kept.items()):
        if candidate.type == "basic" and any(_same_number_fact(candidate, c) for c in clozes):
            left.append(Left(index, candidate.question, ASKED_BY_A_NUMBER_CLOZE))
            del kept[index]
    for index in _vaguer(kept):
        left.append(Left(index, kept[index].question, ASKED_BY_A_FULLER_QUESTION))
        del kept[index]
    for index in _reversed(kept):
        left.append(Left(index, kept[index].question, ASKED_THE_OTHER_WAY))
        del kept[index]
    return [kept[i] for i in sorted(kept)], sorted(left, key=lambda item: item.index)


def _without_common_properties(candidate: Candidate) -> tuple[Candidate, list[str]]:
    """A predicate cloze of a long sentence without its deletions of a property of common
    words ("dietary deficiency is [common] in vegans", ``gates.common_property``) beside
    one that asks a fact ("vitamin B12 [cannot be absorbed]"), and the cards left out as
    the learner would have seen them (the gates leave out a cloze of only such)."""
    numbers = cloze.cloze_numbers(candidate.text)
    deleted = {n: cloze.deleted_answers(candidate.text, n) for n in numbers}
    common = {n for n in numbers if all(gates.common_property(candidate, d) for d in deleted[n])}
    if not common or len(common) == len(numbers):
        return candidate, []
    questions = [cloze.question(candidate.text, n) for n in sorted(common)]
    return without_deletions(candidate, lambda number, _: number in common), questions


def _vaguer(kept: dict[int, Candidate]) -> list[int]:
    """The questions another question of the same sentence asks with the same answer and
    every word of them and more ("In a first attack of gout, what is checked?" beside "...
    what is checked four weeks after the flare has settled?", both "The serum urate"): the
    fuller question asks the same fact and says which one."""
    answers = {i: gates.bare(c.back) for i, c in kept.items() if c.type == "basic"}
    vaguer: list[int] = []
    for index, answer in answers.items():
        others = [o for o, said in answers.items() if o != index and same_deletion(answer, said)]
        if others:  # (the words of the questions are compared only for one answer)
            front = _stems(kept[index].front)
            if any(o not in vaguer and front < _stems(kept[o].front) for o in others):
                vaguer.append(index)
    return vaguer


def _reversed(kept: dict[int, Candidate]) -> list[int]:
    """The definitions asked backwards ("What is the term for a granulomatous disorder of
    unknown cause?" "Sarcoidosis") beside a question of the same sentence that names the
    term and answers with words the backward question shows ("What is sarcoidosis?"):
    the learner recalls one definition, from the term."""
    reversed_: list[int] = []
    for index, candidate in kept.items():
        if candidate.pattern != "definition-reverse":
            continue
        term = gates.bare(candidate.back)
        front = _stems(candidate.front)
        if any(
            other.type == "basic"
            and other.pattern != "definition-reverse"
            and gates.within(term, gates.bare(other.front))
            and _stems(other.back) <= front
            for other in kept.values()
        ):
            reversed_.append(index)
    return reversed_


@lru_cache(maxsize=4096)
def _stems(text: str) -> frozenset[str]:
    return frozenset(stem(w) for w in content_words(text))


def _moved(whole: Candidate, kept: dict[int, Candidate]) -> tuple[Candidate, list[str]]:
    """``whole`` (a cloze showing a whole long sentence) shown as the shortest cloze of the
    same sentence in ``kept`` that shows each of its deletions in the same words ("...
    while [about one in four] patients needs mechanical ventilation, except in ..." of 60
    words becomes "[about one in four] patients needs mechanical ventilation, except in the
    Miller Fisher variant, which presents with ophthalmoplegia, ..."): the same deletions,
    so the same note, with less to read; and the cards it replaces, as the learner would
    have seen them. ``whole`` itself when no shorter cloze shows all its deletions."""
    numbers = cloze.cloze_numbers(whole.text)
    deleted = [cloze.deleted_answers(whole.text, n) for n in numbers]
    if not numbers or any(len(d) != 1 for d in deleted):
        return whole, []
    places = [_beside(whole.text, n) for n in numbers]
    for other in sorted(kept.values(), key=_length):
        if (
            other.type != "cloze"
            or gates.whole_long_sentence(other)
            or not _one_run(other, whole.sentence.text)
        ):
            continue
        shown = _shown_with(other, [d for [d] in deleted])
        if shown is not None and all(
            _same_place(place, _beside(shown, n)) for place, n in zip(places, numbers, strict=True)
        ):
            questions = [cloze.question(whole.text, n) for n in numbers]
            return replace(whole, text=shown), questions
    return whole, []


def _one_run(candidate: Candidate, sentence: str) -> bool:
    """Whether a cloze shows one run of the words of ``sentence`` as written (after a
    label naming its topic): a clause as the sentence says it, not one told again ("the
    patient, who is usually unwell with ..." as "The patient is usually unwell with ...")
    or with a remark cut from its middle, which a card of the whole sentence's deletions
    does not show instead of the sentence."""
    plain = cloze.answer(candidate.text, 1).strip().rstrip(".").lower()
    said = sentence.lower()
    _, colon, after = plain.partition(": ")
    return plain in said or bool(colon and after and after in said)


def _shown_with(candidate: Candidate, deleted: Sequence[str]) -> str | None:
    """The text of cloze ``candidate`` with its deletions shown as plain words and each of
    ``deleted`` a deletion numbered in order, where that text shows each once as whole
    words (in any case: a clause may start with it); None when it does not."""
    text = cloze.answer(candidate.text, 1) if cloze.cloze_numbers(candidate.text) else ""
    spans: list[tuple[int, int]] = []
    for item in deleted:
        found = list(re.finditer(rf"(?<![\w.]){re.escape(item)}(?![\w])", text, re.IGNORECASE))
        if len(found) != 1:
            return None
        spans.append(found[0].span())
    if any(b[0] < a[1] for a, b in itertools.pairwise(sorted(spans))):
        return None
    pieces: list[str] = []
    position = 0
    for number, (start, end) in sorted(enumerate(spans, start=1), key=lambda p: p[1]):
        pieces += [text[position:start], f"{{{{c{number}::{text[start:end]}}}}}"]
        position = end
    return "".join([*pieces, text[position:]])


def _deletions_asked(
    candidate: Candidate, kept: Sequence[Candidate]
) -> tuple[Candidate | None, list[tuple[str, str]]]:
    """``candidate`` without the deletions a card in ``kept`` asks better (None when none
    is left), and each deletion left out as (the card's question, why)."""
    numbers = cloze.cloze_numbers(candidate.text)
    length = _length(candidate)
    # each deletion of the shorter clozes, with its cloze and number (for the words
    # beside it, looked at only when the deletion is the same)
    shorter = [
        (gates.bare(d), other.text, n)
        for other in kept
        if other.type == "cloze" and _length(other) < length
        for n in cloze.cloze_numbers(other.text)
        for d in cloze.deleted_answers(other.text, n)
    ]
    whole = gates.whole_long_sentence(candidate)
    # the answers of the questions that ask what the cloze says (every content word of
    # the question shown by it): "What does ARB stand for?" says something else; one item
    # of a list is asked with the list
    shown = {stem(w) for w in content_words(candidate.shown)}
    answers = [
        gates.bare(other.back)
        for other in kept
        if other.type == "basic"
        and (
            whole
            or (
                candidate.pattern != "list-item"
                and all(stem(w) in shown for w in content_words(other.front))
            )
        )
    ]
    gone: list[tuple[int, str]] = []
    for number in numbers:
        deleted = [gates.bare(d) for d in cloze.deleted_answers(candidate.text, number)]
        if not deleted:
            continue
        asked = [
            any(
                same_deletion(d, s)
                and _same_place(_beside(candidate.text, number), _beside(text, n))
                for s, text, n in shorter
            )
            for d in deleted
        ]
        if all(asked):
            gone.append((number, ASKED_BY_A_SHORTER_CLOZE))
        elif all(
            done or any(_answered(d, a) or (whole and gates.within(d, a)) for a in answers)
            for d, done in zip(deleted, asked, strict=True)
        ):
            gone.append((number, ASKED_BY_ITS_CLAUSES if whole else ASKED_BY_A_QUESTION))
    if not gone:
        return candidate, []
    questions = [(cloze.question(candidate.text, n), reason) for n, reason in gone]
    if len(gone) == len(numbers):
        return None, questions
    answered = {n for n, _ in gone}
    return without_deletions(candidate, lambda number, _: number in answered), questions


@lru_cache(maxsize=4096)
def _beside(text: str, number: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The two words (numbers and content words, stemmed) just before and the two just
    after the first deletion of ``number`` in a cloze ``text``, every other deletion
    shown: where the deletion sits."""
    hidden = cloze.question(text, number)
    start = hidden.find(cloze.HIDDEN)
    if start < 0:
        return (), ()
    before = _said(hidden[:start])
    return tuple(before[-NEIGHBOURS:]), tuple(
        _said(hidden[start + len(cloze.HIDDEN) :])[:NEIGHBOURS]
    )


# How many words beside a deletion tell where it sits.
NEIGHBOURS = 2
_SAID = re.compile(r"[^\W_]+(?:[.,/][^\W_]+)*")


def _said(text: str) -> list[str]:
    """The numbers and content words of ``text``, stemmed, in order."""
    return [stem(w) for w in _SAID.findall(text) if re.search(r"\d", w) or content_words(w)]


def _same_place(
    one: tuple[tuple[str, ...], tuple[str, ...]], other: tuple[tuple[str, ...], tuple[str, ...]]
) -> bool:
    """Whether two deletions sit in the same words: the same two words before them or after
    them ("infection by [one to four weeks]" twice; not "or [a respiratory infection]" and
    "in a [respiratory infection], antibodies ...", nor "vancomycin 500 mg [four times]" and
    "vancomycin 125 mg [four times]": two facts)."""
    return any(a and a == b for a, b in zip(one, other, strict=True))


# An answer that holds a deleted term and at most this many content words more asks it.
ANSWER_MORE_WORDS = 1


def _answered(deleted: str, answer: str) -> bool:
    """Whether a question's bare ``answer`` asks a ``deleted`` text: the same deletion, or
    a deleted term and at most one content word more ("Because a colectomy may be needed"
    beside "because a [colectomy] may be needed"); a deleted number only as itself ("A
    frequency of 8-12 Hz" does not ask "a frequency of [8-12 Hz]", which asks the number
    alone)."""
    if same_deletion(deleted, answer):
        return True
    if not deleted or not gates.within(deleted, answer):
        return False
    if re.search(r"\d", deleted):
        return False  # a number is the fact, and its cloze asks it alone
    rest = answer.replace(deleted, " ", 1)
    return len(content_words(rest)) <= ANSWER_MORE_WORDS and not re.search(r"\d", rest)


def same_deletion(deleted: str, other: str) -> bool:
    """Whether two bare answers ask one thing: the same words, or one holds the other and
    the rest are function words ("is below 12" and "below 12"; not "0.4 g/kg daily" and
    "0.4 g/kg")."""
    if deleted == other:
        return True
    longer, shorter = (deleted, other) if len(deleted) > len(other) else (other, deleted)
    if not shorter or shorter not in longer or not gates.within(shorter, longer):
        return False
    rest = longer.replace(shorter, " ", 1)
    return not content_words(rest) and not re.search(r"\d", rest)


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
    deleted = [gates.bare(a) for a in number.answers]
    if not deleted or not all(re.search(r"\d", d) for d in deleted):
        return False
    answer = gates.bare(question.back)
    if not _CONDITION.match(answer) or not all(gates.within(d, answer) for d in deleted):
        return False
    rest = len(content_words(answer)) - sum(len(content_words(d)) for d in deleted)
    if rest > MORE_WORDS:
        return False  # the number is a detail of a longer answer, which asks more
    shown = {stem(w) for w in content_words(number.shown)}
    return all(stem(w) in shown for w in content_words(f"{question.front} {question.back}"))


def _length(candidate: Candidate) -> int:
    return len(words(candidate.shown if candidate.type == "cloze" else candidate.front))
