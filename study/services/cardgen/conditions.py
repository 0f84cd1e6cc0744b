"""Coordinated conditions too long for one answer, asked one condition at a time.

"Denosumab is used when the hypercalcaemia does not respond to a bisphosphonate or when
the renal function is too poor for one": "When is denosumab used?" would need a 19-word
answer, over the gate's limit, and the fact was lost. Read as a list of conditions, each
condition is deleted in turn from the clause that states them all, so every card keeps the
other conditions in view (whether they are alternatives or all required, the card says
what the text says) and names its subject.
"""

from __future__ import annotations

import itertools
import re
from typing import TYPE_CHECKING

from study.services.cardgen.candidates import Candidate, Context, cloze_card
from study.services.cardgen.deps import WHEN_MARKS
from study.services.cardgen.excerpts import excerpt
from study.services.cardgen.gates import MAX_ANSWER_WORDS, MAX_DELETION_WORDS
from study.services.cardgen.terms import words

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

    from study.services.cardgen.parts import Part
    from study.services.cardgen.sentences import Sentence

# What sets one item of a list apart from the next: ", ", " or ", ", and when ".
_SEPARATOR = re.compile(
    r"\s*(?:,\s*(?:(?:and|or)\s+)?|(?:and|or)\s+)(?:(?:when|if|whenever|unless)\s+)?", re.I
)
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
    if any(len(words(span.text[start:end])) > MAX_DELETION_WORDS for start, end in items):
        return None
    return _one_at_a_time(sentence, context, items)


def item_cloze(sentence: Sentence, part: Part, context: Context) -> Candidate | None:
    """A cloze deleting each item of the list ``part`` holds ("in patients with A, B or
    C") when the whole list is too long to be one answer; None otherwise."""
    span = sentence.span
    phrase = part.phrase
    if span is None or len(words(phrase.text)) <= MAX_ANSWER_WORDS:
        return None
    items = [(i.start, i.end) for i in phrase.items if i.located]
    if len(items) != len(phrase.items):
        return None
    if not items and span is not None:
        # "in patients with A, B or C": the list is the object inside the phrase
        doc = span.doc
        heads = [
            doc[i]
            for i in phrase.tokens
            if doc[i].pos_ in _NOUNS
            and doc[i].dep_ != "conj"
            and any(c.dep_ == "conj" and c.pos_ in _NOUNS for c in doc[i].children)
            # (not a list inside a clause of the phrase: "a complication in which A leads
            # to B, C and D" is a list of what A leads to)
            and not any(a.pos_ in _VERBS and a.i in phrase.tokens for a in doc[i].ancestors)
        ]
        if len(heads) == 1 and heads[0].dep_ == "appos" and heads[0].head.i in phrase.tokens:
            # "with A, B or C": the parser made B an apposition of A, and C its conjunct
            heads = [heads[0].head]
        items = _coordinated(span, phrase.tokens, heads[0], _NOUNS) if len(heads) == 1 else []
    if not 2 <= len(items) <= _MOST_CONDITIONS:
        return None
    after = next((t for t in span if t.idx - span.start_char >= items[-1][1]), None)
    if after is not None and after.i in phrase.tokens and not after.is_punct:
        return None  # "an ABPM or HBPM average": the items modify the noun after them
    texts = [span.text[start:end] for start, end in items]
    if any(len(words(text)) > MAX_DELETION_WORDS for text in texts):
        return None
    if any(a[-1:].isdigit() and b[:1].isdigit() for a, b in itertools.pairwise(texts)):
        return None  # "between 3 and 6 months": a range, not two items
    return _one_at_a_time(sentence, context, items)


def _one_at_a_time(
    sentence: Sentence, context: Context, items: list[tuple[int, int]]
) -> Candidate | None:
    """One cloze deleting each of ``items`` (character spans in the sentence), shown in
    the clause that holds them all (the whole sentence when it is short or the clause
    cannot stand alone)."""
    span = sentence.span
    assert span is not None
    if not all(_SEPARATOR.fullmatch(span.text[a[1] : b[0]]) for a, b in itertools.pairwise(items)):
        return None  # items not set apart by a comma or a conjunction: the parse split a noun
    whole = (items[0][0], items[-1][1])
    shown = excerpt(span, [whole])
    if shown is None:
        text, shift = span.text, 0
    else:
        text, [(start, end)] = shown
        if text[start:end] != span.text[whole[0] : whole[1]]:
            return None  # the excerpt named a pronoun inside the list: offsets moved
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
    return _coordinated(span, tokens, heads[0], _VERBS)


_VERBS = frozenset(["VERB", "AUX"])
_NOUNS = frozenset(["NOUN", "PROPN"])


def _coordinated(
    span: Span, tokens: frozenset[int], head: Token, pos: frozenset[str]
) -> list[tuple[int, int]]:
    """The character spans of ``head``'s own words and of each word of part of speech
    ``pos`` coordinated with it, within ``tokens``; [] when one is in pieces."""
    doc = span.doc
    coordinated = [
        t
        for t in head.subtree
        if (t.dep_ == "conj" or (t.dep_ == "appos" and pos == _NOUNS))
        and t.pos_ in pos
        and _chained(t, head)
        and t.i in tokens
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
        while kept and (
            doc[kept[0]].is_punct or doc[kept[0]].dep_ == "cc" or doc[kept[0]].lower_ in WHEN_MARKS
        ):
            kept.pop(0)  # "or when B": the condition is B, its mark stays in view
        if not kept or kept != list(range(kept[0], kept[-1] + 1)):
            return []  # a condition in pieces: the parse cannot be trusted to split it
        found.append((doc[kept[0]].idx - span.start_char, _end(doc[kept[-1]]) - span.start_char))
    return found


def _chained(verb: Token, head: Token) -> bool:
    """Whether ``verb`` is coordinated with ``head`` through conjuncts only."""
    current = verb
    while current.dep_ in ("conj", "appos"):
        current = current.head
        if current == head:
            return True
    return False


def _end(token: Token) -> int:
    return token.idx + len(token.text)
