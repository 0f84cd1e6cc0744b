"""The reading layer: what a parsed sentence states, as clauses with their parts.

Everything here is read off spaCy's dependency parse, not guessed from word lists:
subjects are the ``nsubj``/``nsubjpass`` subtree, lists are ``conj``, other names are
appositions and "known as" phrases, negation is ``neg``, and conditions ("when", "if",
"unless", "except", "in patients with") stay attached to the clause they qualify.
A long sentence is read as all of its clauses: coordinated verbs, clauses after a
semicolon, non-restrictive relative clauses ("..., which is calculated from ...") and
"in whom ..." clauses are each a clause of their own, with their subject named.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from study.services.cardgen.terms import PRONOUNS
from study.services.cardgen.topics import lower_first

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

from study.services.cardgen.deps import (
    CONTRAST_MARKS,
    DISCOURSE,
    RELATIVES,
    VERB_ADVERBS,
    WHEN_MARKS,
    after_a_comma,
    defining,
    mark_of,
    object_gap,
    own_subject,
    qualifier,
    ruled_out,
    second_instruction,
    so_that_result,
    up_to,
)
from study.services.cardgen.parts import Part
from study.services.cardgen.phrases import OtherName, Phrase
from study.services.cardgen.subjects import SubjectReader

# The present tense carries no auxiliary of the verb before it ("is caused by ... and
# carries ..."); a past form may be a participle that shares it ("is stopped and restarted").
_PRESENT = ("VBZ", "VBP")


@dataclass
class Clause:
    """A clause: who or what it is about, its verb group, and what it says."""

    verb: Token
    subject: Phrase | None
    plural: bool
    auxiliaries: list[Token]
    negated: bool
    passive: bool
    copula: bool
    adverbs: list[Token]
    particle: str
    parts: list[Part]
    lead: Phrase | None  # "In hyperkalaemia," before the subject: kept in questions
    # The subject was a pronoun or relative that names something said elsewhere.
    resolved: bool = False
    tokens: frozenset[int] = frozenset()


@dataclass
class Reading:
    """All a sentence states: clauses, other names, examples, and where its numbers are."""

    clauses: list[Clause] = field(default_factory=list)
    names: list[OtherName] = field(default_factory=list)
    examples: list[tuple[Phrase, Phrase]] = field(default_factory=list)  # (of what, items)
    # A pronoun subject that could not be named: the clause is left out, and why.
    unresolved: list[str] = field(default_factory=list)


def read(
    span: Span, it: str | None, topic: str | None, asides: tuple[tuple[int, str], ...] = ()
) -> Reading:
    """Read the parsed sentence ``span``; ``it`` names what a leading "it" stands for
    (None when nothing can be told: such clauses are left out), ``topic`` what "this
    condition" or "the procedure" stands for; ``asides`` are the sentence's remarks in
    parentheses, each after the phrase it is about."""
    reader = _Reader(span, it, topic)
    reading = reader.read()
    for at, aside in asides:
        reader.aside(at, aside, reading.names)
    return reading


def reading_phrase(span: Span, head: Token) -> str:
    """The phrase ``head`` heads in ``span``, without remarks and parentheses."""
    return _Reader(span, None, None).phrase(head).text


def instructed(span: Span) -> str | None:
    """What an instruction that opens ``span`` is about, for an "It" in the next sentence:
    the singular object of its leading base-form verb ("Use the 4AT in anyone at risk ...
    It tests ...": the 4AT), never a subject elsewhere in the sentence nor the page's
    topic. None when the sentence opens with no such instruction."""
    first = next((t for t in span if not t.is_punct and not t.is_space), None)
    if first is None or first.tag_ != "VB" or own_subject(first) is not None:
        return None
    objects = [
        c
        for c in first.children
        if c.dep_ == "dobj"
        and c.pos_ in ("NOUN", "PROPN", "NUM")
        and c.tag_ not in ("NNS", "NNPS")
        and c.lower_ not in PRONOUNS
    ]
    return reading_phrase(span, objects[0]) if objects else None


class _Reader(SubjectReader):
    def read(self) -> Reading:
        reading = Reading()
        for token in self.span:
            if self._heads_clause(token):
                clause = self.clause(token, reading)
                if clause is not None:
                    reading.clauses.append(clause)
        self.names(reading.names, reading.examples)
        reading.unresolved += self.leaning
        return reading

    def _heads_clause(self, token: Token) -> bool:
        if any(token.i in name and token.i != max(name) for name in self.titled):
            return False  # "Clostridioides difficile infection": a word of the title's name
        if (
            token.tag_ == "VBD"
            and token.dep_ in ("ccomp", "conj")
            and self.span.root.tag_ in ("VBZ", "VBP")
        ):
            return False  # "is ..., such as a raised creatinine, raised ...": a participle
        return self._verb_heads_clause(token)

    def _verb_heads_clause(self, token: Token) -> bool:
        if token.pos_ not in ("VERB", "AUX") and not (
            # "Patients typically present with ...": "present" tagged as an adjective
            token.dep_ == "ROOT" and token.pos_ == "ADJ" and own_subject(token) is not None
        ):
            return False
        if token.dep_ == "ROOT":
            return True
        if token.dep_ == "relcl" and token.head.dep_ == "advcl" and token.head.pos_ == "NOUN":
            # "although the speed at which it develops matters ...": an adverbial clause
            # the parser left with no verb (it took "matters" for a noun): its relative
            # clause has no reading
            return False
        if token.dep_ == "conj":
            if second_instruction(token) is not None:
                return True
            return self._verb_heads_clause(token.head) or token.head.dep_ == "relcl"
        if token.dep_ in ("ccomp", "parataxis"):
            return own_subject(token) is not None and (
                token.head.dep_ == "ROOT" or _before_a_semicolon(token)
            )
        if token.dep_ == "acl" and mark_of(token) == "that":
            return own_subject(token) is not None  # "evidence that X can be misleading"
        if token.dep_ == "relcl":
            return self._own_clause(token) or (defining(token) and not object_gap(token))
        if token.dep_ == "advcl":
            mark = mark_of(token)
            # "Because the only cure is delivery, ...", "..., since X is treated with Y": a
            # reason states a fact of its own
            return mark in CONTRAST_MARKS or (
                (mark in ("because", "since") or (mark == "so" and not so_that_result(token)))
                or (not mark and own_subject(token) is not None and token.i > token.head.i)
            )
        return False

    def _the_case(self, verb: Token, at: int) -> Phrase | None:
        """What "in which case" stands for: the condition before it ("unless breathing is
        difficult, in which case sitting up may help": if breathing is difficult)."""
        conditions = [
            t
            for t in self.span
            if t.dep_ == "advcl" and mark_of(t) in WHEN_MARKS and t.i < at and t != verb
        ]
        if not conditions:
            return None
        condition = conditions[-1]
        # the condition's words before "in which case", whatever the parser hung after it
        skip = frozenset(range(at, self.span.end))
        case = self.phrase(condition, skip=skip, marked=True)
        words = case.text.split(" ", 1)
        if len(words) < 2 or words[0].lower() not in WHEN_MARKS:
            return None
        opening = "if" if words[0].lower() == "unless" else words[0].lower()
        said = words[1]
        own = own_subject(condition)
        whose = own_subject(condition.head) if own is not None and own.lower_ == "it" else None
        if whose is not None and whose.lower_ not in PRONOUNS | RELATIVES:
            # "X is tried unless it causes side effects, in which case ...": if X causes
            said = re.sub(r"\bit\b", lower_first(self.phrase(whose).text), said, count=1)
        return Phrase(f"{opening} {said}", case.start, case.end, (), case.tokens)

    def _joined_modifier(self, own: Token | None, verb: Token) -> set[int]:
        """The words of an "or with ..." the parser hung on the verb between its subject
        and it: a second modifier of the subject."""
        if own is None or own.i > verb.i:
            return set()
        for child in verb.children:
            before = child.doc[child.i - 1] if child.i > 0 else None
            if (
                child.dep_ == "prep"
                and own.right_edge.i < child.i < verb.i
                and before is not None
                and before.dep_ == "cc"
                and before.i > own.right_edge.i - 1
            ):
                return {before.i} | {t.i for t in child.subtree}
        return set()

    def clause(self, verb: Token, reading: Reading) -> Clause | None:
        if _elliptical(verb):
            return None  # "..., and so are A and B": the first clause's verb, unsaid
        subject, plural, resolved = self.subject_of(verb)
        own = own_subject(verb)
        if subject is None:
            if own is not None and own.lower_ in PRONOUNS and resolved:
                reading.unresolved.append(own.text)
            return None
        if own is not None and own.left_edge.lower_ in RELATIVES and own.left_edge != own:
            # "..., during which bone protection and a PPI are considered": the parser
            # took the relative for the subject's determiner and the clause's preposition
            # for a lead; what "which" stands for cannot be told from its parse
            reading.unresolved.append(own.left_edge.text)
            return None
        if self.topic and any(
            c.dep_ == "dobj" and c.lower_ == "it" and self._object_it(c) is None
            for c in verb.children
        ):
            # "If your lung keeps collapsing, an operation can seal it": the lung or the
            # topic; no card asks what the clause does to it
            reading.unresolved.append("it")
            return None
        auxiliaries = [c for c in verb.children if c.dep_ in ("aux", "auxpass") and c.i < verb.i]
        if verb.dep_ == "conj" and not auxiliaries and own is None and verb.tag_ not in _PRESENT:
            # "can embolise and cause a stroke": the second verb shares the first's auxiliary
            # (a finite one has none: "is caused by VZV and carries a worse prognosis")
            auxiliaries = [c for c in verb.head.children if c.dep_ in ("aux", "auxpass")]
        negated = any(
            c.dep_ == "neg"
            or (c.dep_ == "advmod" and c.lower_ in ("rarely", "never", "seldom"))
            # "no longer recommended", "not always needed": the negation hangs on the adverb
            or (
                c.dep_ == "advmod"
                and any(g.dep_ == "neg" for g in c.children)
                # "(but no later than 4 hours)": a limit, and another clause's, not a negation
                and not any(g.dep_ == "prep" and g.lower_ == "than" for g in c.children)
                and c.i not in self.parenthesised
                and not ruled_out(c)  # "given weekly, never daily": given, weekly
            )
            for c in verb.children
        )
        passive = any(c.dep_ == "auxpass" for c in verb.children) or any(
            c.dep_ == "nsubjpass" for c in verb.children
        )
        adverbs = [
            t
            for c in verb.children
            if c.dep_ == "advmod" and c.lower_ in VERB_ADVERBS and c.i not in self.parenthesised
            for t in c.subtree  # "most often"
        ] + [
            t
            for c in verb.children
            # "is treated medically", "remits spontaneously": a question keeps how
            # the fact holds; one before the subject links sentences ("Similarly, ...")
            if qualifier(c) and c.i not in self.parenthesised and (own is None or c.i > own.i)
            # "very rapidly", "intramuscularly or intravenously"
            for t in c.subtree
            if t == c
            or (t.head == c and t.dep_ in ("advmod", "cc", "conj") and t.tag_ in ("RB", "CC"))
        ]
        particle = " ".join(
            c.text
            for c in verb.children
            if c.dep_ == "prt"
            or (
                c.dep_ == "advmod"
                and c.i == verb.i + 1
                and c.lower_ in ("away", "up", "down", "off", "out")
            )
        )
        clause = Clause(
            verb=verb,
            subject=subject,
            plural=plural,
            auxiliaries=auxiliaries,
            negated=negated,
            passive=passive,
            copula=verb.lemma_ == "be" and not passive,
            adverbs=adverbs,
            particle=particle,
            parts=[],
            lead=None,
            resolved=resolved,
        )
        subject_start = own.left_edge.i if own is not None else verb.i
        joined = self._joined_modifier(own, verb)
        if joined:
            # "Women with one risk factor or with more than one ... are advised": the
            # second "with" is the subject's, however the parser hung it
            words = sorted(
                (t for t in self.span if t.i in subject.tokens or t.i in joined),
                key=lambda t: t.i,
            )
            clause.subject = self._phrase_of(words)
        lead: list[Token] = []
        for child in verb.children:
            if child.i in self.parenthesised or child.i in joined:
                continue
            relative = child.dep_ == "prep" and any(c.lower_ in RELATIVES for c in child.children)
            if (
                child.dep_ in ("prep", "advcl", "npadvmod")
                and child.i < subject_start
                and not relative
            ):
                discourse = " ".join(t.lower_ for t in child.subtree) in DISCOURSE
                if (child.dep_ == "prep" or mark_of(child) in WHEN_MARKS) and not discourse:
                    # "Before discharge, which is considered when ..., X is checked": the
                    # remark on the lead is no part of it
                    lead += [t for t in child.subtree if not _in_remark(t, child)]
                continue
            part = self.part(child)
            if self.reasons:
                clause.parts += self.reasons
                self.reasons = []
            if part is None:
                continue
            previous = clause.parts[-1] if clause.parts else None
            if (
                previous is not None
                and (
                    previous.role in ("dobj", "agent")
                    or (previous.role == "prep" and previous.people)
                )
                and part.role == "prep"
                and (
                    (part.word in ("with", "of", "at") and previous.role != "agent")
                    or (previous.people and part.word in ("under", "over", "aged", "without"))
                    # "raised by age over 65": the age's limit
                    or (part.word in _LIMITS and part.phrase.text[:1].isdigit())
                )
                and previous.phrase.end + 1 >= child.idx - self.offset
            ):
                # "identifies patients with an upper GI bleed": the phrase describes the
                # object (the parser often hangs it on the verb)
                added = set(part.phrase.tokens)
                if part.word == "at":
                    # "patients at low risk who can be considered for early discharge
                    # when ...": a restrictive relative clause says which patients (it is
                    # part of the noun phrase); its condition, and a clause after a comma,
                    # are not
                    added -= {
                        t.i
                        for t in child.subtree
                        for a in (t, *t.ancestors)
                        if a.i > child.i
                        and (a.dep_ in ("acl", "advcl") or (a.dep_ == "relcl" and after_a_comma(a)))
                    }
                merged = self._phrase_of(
                    sorted(
                        (
                            t
                            for t in self.span
                            if t.i in previous.phrase.tokens | added or t.i == child.i
                        ),
                        key=lambda t: t.i,
                    )
                )
                clause.parts[-1] = Part(previous.role, merged, previous.word, previous.people)
                continue
            clause.parts.append(part)
        shared = _shared_relative(verb)
        if shared is not None and not any(p.relative for p in clause.parts):
            # "a test in which cortisol is measured ... and fails to reach the cut-off": the
            # second verb is in the test too ("What does cortisol fail to reach?" lost it)
            part = self.part(shared)
            if part is not None:
                clause.parts.append(part)
        bare = [
            c
            for c in verb.children
            if c.dep_ == "prep" and c.i == self.span.start and not list(c.children)
        ]
        if bare and subject.items and len(subject.items) >= 3 and own is not None:
            # "In suspected variceal bleeding, terlipressin and antibiotics are given": the
            # parser took the preposition's object for the subject's first item
            first, *rest = subject.items
            lead = [bare[0], *(t for t in self.span if t.i in first.tokens)]
            clause.subject = Phrase(
                " and ".join(r.text for r in rest),
                rest[0].start,
                rest[-1].end,
                tuple(rest),
                frozenset().union(*(r.tokens for r in rest)),
            )
        if lead:
            clause.lead = self._phrase_of(sorted(lead, key=lambda t: t.i), marked=True)
            if clause.lead.text.lower() == "in which case":
                clause.lead = self._the_case(verb, min(t.i for t in lead))
        clause.tokens = frozenset(
            t.i
            for t in verb.subtree
            if not any(a.dep_ in ("relcl", "conj") and a.i > verb.i for a in up_to(t, verb))
        )
        return clause


def _shared_relative(verb: Token) -> Token | None:
    """The "in which" phrase of the relative clause ``verb`` is coordinated inside (no
    comma before its "and": ", and ..." may start a clause of its own), which it shares."""
    head = verb.head
    if verb.dep_ != "conj" or head.dep_ != "relcl":
        return None
    joins = [c for c in head.children if c.dep_ == "cc" and head.i < c.i < verb.i]
    if not joins or verb.doc[joins[-1].i - 1].text == ",":
        return None
    return next(
        (
            c
            for c in head.children
            if c.dep_ == "prep" and c.i < head.i and any(g.lower_ in RELATIVES for g in c.children)
        ),
        None,
    )


def _elliptical(verb: Token) -> bool:
    """ "and so are proton pump inhibitors", "nor is X": an auxiliary standing for the verb
    of the clause before, which the clause does not say (no question can be worded)."""
    before = verb.doc[verb.i - 1] if verb.i > 0 else None
    return (
        verb.lemma_ in ("be", "do", "have")
        and before is not None
        and before.lower_ in ("so", "neither", "nor")
        and not any(c.dep_ in ("acomp", "dobj", "oprd") for c in verb.children)
    )


_LIMITS = frozenset(["over", "under", "above", "below"])


def _in_remark(token: Token, top: Token) -> bool:
    """Whether ``token`` is in a relative clause after a comma inside ``top``'s phrase."""
    for above in (token, *token.ancestors):
        if above == top:
            return False
        if above.dep_ == "relcl" and after_a_comma(above):
            return True
    return False


def _before_a_semicolon(clause: Token) -> bool:
    """Whether the parser hung a clause ", and it ..." on a verb after a ";" ("X is A, and
    it follows B; it develops ...": "it follows B" is not what develops): a coordinated
    clause of its own, its "it" the sentence's subject. Only after "and", with "it" or
    "they": a first clause hung so ("A is given; B lasts ...") is a parse too broken to
    read."""
    head = clause.head
    subject = own_subject(clause)
    doc = clause.doc
    opening = subject.left_edge.i if subject is not None else 0
    return (
        subject is not None
        and subject.lower_ in ("it", "they")
        and opening > 0
        and doc[opening - 1].lower_ == "and"
        and clause.i < head.i
        and any(t.text == ";" for t in doc[clause.right_edge.i : head.i])
    )
