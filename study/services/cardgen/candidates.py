"""A candidate card: what a pattern proposes before the gates judge it."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from study.domain import cloze
from study.services.cardgen.sentences import Sentence
from study.services.cardgen.terms import words
from study.services.cardgen.topics import (
    asks_of_topic,
    capitalise,
    heading_relation,
    lower_first,
    section_label,
)


@dataclass(frozen=True)
class Context:
    """What a sentence's paragraph is about, for naming "it" and "this procedure"."""

    topic: str | None = None
    procedure: str | None = None
    headings: tuple[str, ...] = ()
    # Other names the material gives the topic ("AF" for atrial fibrillation).
    aliases: tuple[str, ...] = ()
    # What "It" at the start of a sentence stands for when it is not the topic: the subject
    # of the sentence before ("Rate control aims for ... It is usually achieved with ...").
    antecedent: str | None = None
    # A term the material sets in bold at the start of a list item ("**Paroxysmal AF**
    # terminates ..."): the item defines it.
    defined: str | None = None
    # What a cloze shows instead of the sentence's leading "It" or "This condition":
    # (end of the words replaced, the name).
    named: tuple[int, str] | None = None

    def names_topic(self, text: str) -> bool:
        """Whether ``text`` names the topic itself or by one of its other names."""
        if not self.topic:
            return True
        lowered = text.lower()
        return any(name in lowered for name in _names_of(self.topic.lower())) or any(
            re.search(rf"\b{re.escape(alias)}\b", text) for alias in self.aliases
        )


def _names_of(topic: str) -> tuple[str, ...]:
    """A topic and each of two it joins: "Crohn's disease and ulcerative colitis", and
    "nephrotic and nephritic syndrome" (whose second name lends the first its head)."""
    parts = re.split(r" (?:and|or) ", topic, maxsplit=1)
    if len(parts) < 2:
        return (topic,)
    left, right = parts
    if " " not in left and " " in right:
        left = f"{left} {right.split(' ', 1)[1]}"
    return topic, left, right


@dataclass(frozen=True)
class Candidate:
    """A proposed card: ``basic`` (front/back) or ``cloze`` (text), with its answers.

    ``answers`` are the pieces of the material the card asks for; the traceability gate
    checks that each is in ``sentence``.
    """

    pattern: str
    type: str
    sentence: Sentence
    answers: tuple[str, ...]
    front: str = ""
    back: str = ""
    text: str = ""
    topic: str | None = None
    tags: tuple[str, ...] = field(default=())
    # Why the reader doubts its own reading of the sentence for this card (a parse shape
    # known to go wrong): the gates leave the card out and --report says why.
    doubt: str | None = None

    @property
    def question(self) -> str:
        """The question as the learner sees it (the first cloze card's, for a cloze)."""
        if self.type == "cloze":
            numbers = cloze.cloze_numbers(self.text)
            return cloze.question(self.text, numbers[0]) if numbers else self.text
        return self.front

    @property
    def shown(self) -> str:
        """Question and answer together, for comparing cards with each other."""
        if self.type == "cloze":
            numbers = cloze.cloze_numbers(self.text)
            return cloze.answer(self.text, numbers[0]) if numbers else self.text
        return f"{self.front} {self.back}"


_STAND_IN = re.compile(
    r"\b(?:(?:this|that) (?:condition|disease|disorder|syndrome|procedure|operation|surgery)"
    r"|the (?:procedure|operation))\b",
    re.IGNORECASE,
)


def name_stand_ins(text: str, topic: str | None) -> str:
    """``text`` with "this condition" or "the procedure" named by the paragraph's topic."""
    if not topic:
        return text
    return _STAND_IN.sub(topic, text)


_TWO_CONDITIONS = re.compile(
    r"\b(?P<mark>if|when|unless) (?P<what>the [\w -]{2,40}?) (?P<verb>is|are|falls|rises)\b"
    r"(?P<between>.*?\b(?:if|when|unless) )it (?=is|falls|rises)",
    re.IGNORECASE,
)


def _second_it(text: str) -> str:
    """ "... if the potassium is 4.5 mmol/L or less, or ... if it is higher": the second
    condition's "it" is the first one's subject, which a card names."""
    return _TWO_CONDITIONS.sub(
        lambda m: (
            f"{m.group('mark')} {m.group('what')} {m.group('verb')}{m.group('between')}"
            f"{m.group('what')} "
        ),
        text,
    )


def _balanced(text: str) -> str:
    """``text`` without the quotation marks of a quotation it shows only part of."""
    if sum(text.count(q) for q in '“”"') % 2:
        text = re.sub(r"\s*[“”\"]\s*", " ", text).strip()
        text = re.sub(r"\s+([,.;:?])", r"\1", text)
    return text


_LABEL = re.compile(r"([A-Z][\w -]{2,40}):\s")
_BARE_SUPERLATIVE = re.compile(r"\bthe (?:commonest|most common|main)\?$", re.I)
_IN_WHICH_CASE = re.compile(
    r"\bunless (.+?), in which case,? ((?:what|which|who|how)\b.*)\?$", re.I
)


_FIRST_ITEM = re.compile(r",\s|\s(?:and|or)\s")


def basic(
    pattern: str,
    sentence: Sentence,
    context: Context,
    front: str,
    back: str,
    *traced: str,
    name_topic: bool = False,
    has_term: bool = True,
) -> Candidate:
    """A basic card; the paragraph's topic goes before a question that does not say what
    it is about (always when ``name_topic``, else when the question names no rare term)."""
    front = _balanced(name_stand_ins(re.sub(r"\s+", " ", front).strip(), context.topic))
    front = re.sub(r"\s+([,?])", r"\1", front)
    # "unless X, in which case, what is considered?": the case is X
    front = _IN_WHICH_CASE.sub(r"\2 if \1?", front)
    label = _LABEL.match(sentence.text) or _LABEL.match(sentence.raw)
    if label and _BARE_SUPERLATIVE.search(front):
        # "Adverse effects: X are the most common": the most common adverse effects
        front = f"{front[:-1]} {label.group(1).lower()}?"
    topic = context.topic
    if (
        topic
        and not context.names_topic(front)
        # a section whose heading says what it tells of the topic ("Adverse effects") is
        # about the topic in every sentence: "What can pulmonary fibrosis develop with?"
        # asks of nitrofurantoin
        and (
            name_topic
            or not has_term
            or heading_relation(tuple(context.headings))
            or asks_of_topic(tuple(context.headings))
        )
        # unless the answer is headed by the topic's own head ("gout", "acute gout" for
        # the topic gout); "Chickenpox vaccine" is a vaccine, and "What is offered to
        # children?" needs the topic
        # (a list's first item: "Cardiac tamponade and constrictive pericarditis" is no
        # kind of pericarditis)
        and (words(topic)[-1:] or [""])[0].lower()
        != (words(_FIRST_ITEM.split(back)[0])[-1:] or [""])[0].lower()
    ):
        front = f"{section_label(topic, context.headings, front)}: {lower_first(front)}"
    return Candidate(
        pattern=pattern,
        type="basic",
        sentence=sentence,
        answers=traced or (back,),
        front=capitalise(front),
        back=capitalise(back.strip(" ,;:.").strip()),
        topic=context.topic,
    )


_ACRONYM_AFTER = re.compile(r"\s*\([A-Z][A-Za-z0-9+/-]{1,8}\)")


def cloze_card(
    pattern: str, sentence: Sentence, context: Context, text: str, spans: list[tuple[int, int]]
) -> Candidate | None:
    """A cloze note on ``text`` with each span a deletion of its own number."""
    # A deleted term keeps its acronym hidden too: "an [...] (ARB)" would give it away.
    spans = sorted(
        {
            (start, end + len(m.group(0)) if (m := _ACRONYM_AFTER.match(text, end)) else end)
            for start, end in spans
        }
    )
    if (
        context.named is not None
        and not text.startswith(context.named[1])
        # (an excerpt of a later clause does not begin with the sentence's "It": "An ECG
        # should be recorded ..." is not "Hyperkalaemia ECG ...")
        and text[: context.named[0]] == sentence.text[: context.named[0]]
    ):
        end, name = context.named
        if any(start < end for start, _ in spans):
            return None
        shift = len(name) - end
        text = name + text[end:]
        spans = sorted((start + shift, stop + shift) for start, stop in spans)
    if not spans or any(b[0] < a[1] for a, b in itertools.pairwise(spans)):
        return None
    pieces: list[str] = []
    position = 0
    answers: list[str] = []
    for number, (start, end) in enumerate(spans, start=1):
        answer = text[start:end]
        pieces += [text[position:start], f"{{{{c{number}::{answer}}}}}"]
        answers.append(answer)
        position = end
    pieces.append(text[position:])
    body = _second_it(_balanced(name_stand_ins("".join(pieces).strip(), context.topic)))
    if context.topic and not context.names_topic(name_stand_ins(text, context.topic)):
        label = section_label(context.topic, context.headings, body)
        body = f"{label}: {lower_first(body)}"
    return Candidate(
        pattern=pattern,
        type="cloze",
        sentence=sentence,
        answers=tuple(answers),
        text=body,
        topic=context.topic,
    )


def without_deletions(candidate: Candidate, shown: Callable[[int, str], bool]) -> Candidate:
    """The cloze ``candidate`` with the deletions ``shown(number, answer)`` picks shown as
    plain text, the others numbered again from 1 in order of their first number."""
    renumbered: dict[int, int] = {}

    def rewrite(match: re.Match[str]) -> str:
        number = int(match.group(1))
        if shown(number, match.group(2)):
            return match.group(2)
        new = renumbered.setdefault(number, len(renumbered) + 1)
        return match.group(0).replace(f"{{{{c{number}::", f"{{{{c{new}::", 1)

    text = cloze.CLOZE_PATTERN.sub(rewrite, candidate.text)
    answers = tuple(a for n in cloze.cloze_numbers(text) for a in cloze.deleted_answers(text, n))
    return replace(candidate, text=text, answers=answers)
