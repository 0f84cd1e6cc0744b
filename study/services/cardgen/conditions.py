"""Coordinated conditions too long for one answer, asked one condition at a time.

"Denosumab is used when the hypercalcaemia does not respond to a bisphosphonate or when
the renal function is too poor for one": "When is denosumab used?" would need a 19-word
answer, over the gate's limit, and the fact was lost. Read as a list of conditions, each
condition is deleted in turn from the clause that states them all, so every card keeps the
other conditions in view (whether they are alternatives or all required, the card says
what the text says) and names its subject.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from study.services.cardgen.candidates import Candidate, Context, cloze_card
from study.services.cardgen.excerpts import excerpt
from study.services.cardgen.gates import MAX_ANSWER_WORDS, MAX_LIST_ITEM_WORDS
from study.services.cardgen.terms import words

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

    from study.services.cardgen.parts import Part
    from study.services.cardgen.sentences import Sentence

# A list of conditions is recalled item by item; more than this is not one fact.
_MOST_CONDITIONS = 5


def condition_cloze(sentence: Sentence, part: Part, context: Context) -> Candidate | None:
    """A cloze deleting each of the coordinated conditions of ``part`` (a "when" part)
    when together they are too long to be one answer; None when they are short enough to
    be asked by the question, or cannot be told apart with confidence."""
    span = sentence.span
    phrase = part.phrase
    if span is None or not phrase.located or not phrase.tokens:
        return None
    if len(words(phrase.text)) <= MAX_ANSWER_WORDS:
        return None
    items = _conditions(span, phrase.tokens)
    if not 2 <= len(items) <= _MOST_CONDITIONS:
        return None
    if any(len(words(span.text[start:end])) > MAX_LIST_ITEM_WORDS for start, end in items):
        return None
    whole = (items[0][0], items[-1][1])
    shown = excerpt(span, [whole])
    if shown is None:
        text, shift = span.text, 0
    else:
        text, [(start, end)] = shown
        if text[start:end] != span.text[whole[0] : whole[1]]:
            return None  # the excerpt named a pronoun inside the conditions: offsets moved
        shift = start - whole[0]
    return cloze_card(
        "list-item", sentence, context, text, [(s + shift, e + shift) for s, e in items]
    )


def _conditions(span: Span, tokens: frozenset[int]) -> list[tuple[int, int]]:
    """The character spans (in the sentence) of each condition of a condition phrase: its
    head verb's own words, then each verb coordinated with it ("when A, B or when C")."""
    doc = span.doc
    heads = [doc[i] for i in tokens if doc[i].head.i not in tokens or doc[i].head.i == i]
    if len(heads) != 1:
        return []
    head = heads[0]
    coordinated = [
        t
        for t in head.subtree
        if t.dep_ == "conj" and t.pos_ in ("VERB", "AUX") and _chained(t, head) and t.i in tokens
    ]
    if not coordinated:
        return []
    found: list[tuple[int, int]] = []
    starts = [head, *coordinated]
    for index, verb in enumerate(starts):
        own = {t.i for t in verb.subtree} - {
            t.i for later in starts[index + 1 :] for t in later.subtree
        }
        if verb is head:
            own -= {t.i for c in coordinated for t in c.subtree}
        kept = sorted(i for i in own if i in tokens)
        while kept and (doc[kept[-1]].is_punct or doc[kept[-1]].dep_ == "cc"):
            kept.pop()
        while kept and (doc[kept[0]].is_punct or doc[kept[0]].dep_ == "cc"):
            kept.pop(0)
        if not kept or kept != list(range(kept[0], kept[-1] + 1)):
            return []  # a condition in pieces: the parse cannot be trusted to split it
        found.append((doc[kept[0]].idx - span.start_char, _end(doc[kept[-1]]) - span.start_char))
    return found


def _chained(verb: Token, head: Token) -> bool:
    """Whether ``verb`` is coordinated with ``head`` through conjuncts only."""
    current = verb
    while current.dep_ == "conj":
        current = current.head
        if current == head:
            return True
    return False


def _end(token: Token) -> int:
    return token.idx + len(token.text)
