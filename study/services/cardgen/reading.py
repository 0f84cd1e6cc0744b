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
from study.services.cardgen.topics import STAND_INS, lower_first

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

from study.services.cardgen.deps import (
    CONTRAST_MARKS,
    DISCOURSE,
    NUMERAL_NAMES,
    PEOPLE,
    RELATIVES,
    VERB_ADVERBS,
    WHEN_MARKS,
    continues_a_participle,
    defining,
    described,
    is_participle_subject,
    mark_of,
    own_subject,
    participle_subject,
    plural,
    second_instruction,
    up_to,
)
from study.services.cardgen.parts import TIME_WORDS, Part, PartReader
from study.services.cardgen.phrases import OtherName, Phrase


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


class _Reader(PartReader):
    def __init__(self, span: Span, it: str | None, topic: str | None) -> None:
        super().__init__(span, topic)
        self.it = it
        self.leaning: list[str] = []

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
            return token.head.dep_ == "ROOT" and own_subject(token) is not None
        if token.dep_ == "acl" and mark_of(token) == "that":
            return own_subject(token) is not None  # "evidence that X can be misleading"
        if token.dep_ == "relcl":
            return self._own_clause(token) or defining(token)
        if token.dep_ == "advcl":
            mark = mark_of(token)
            # "Because the only cure is delivery, ...", "..., since X is treated with Y": a
            # reason states a fact of its own
            return mark in CONTRAST_MARKS or (
                mark in ("so", "because", "since")
                or (not mark and own_subject(token) is not None and token.i > token.head.i)
            )
        return False

    def subject_of(self, verb: Token) -> tuple[Phrase | None, bool, bool]:
        """The subject of ``verb``: (phrase, plural, resolved from elsewhere)."""
        own = own_subject(verb)
        participle = participle_subject(verb) if own is None else None
        if participle is not None:
            # "nebulised salbutamol 10 to 20 mg may be added": the participle opens the subject
            [noun] = [c for c in participle.children if c.dep_ == "dobj"][:1]
            inside = {t.i for t in verb.subtree}
            tokens = [t for t in participle.subtree if t.i not in inside]
            return self._phrase_of(tokens), plural(noun), False
        if is_participle_subject(verb):
            return None, False, False
        instruction = second_instruction(verb)
        if instruction is not None:
            verb = instruction  # "should lie flat, unless ..., and should not stand"
            own = own_subject(verb)
        while own is None and verb.dep_ == "conj" and verb.head.pos_ in ("VERB", "AUX"):
            if verb.lemma_ == "be" and verb.head.lemma_ != "be":
                return None, False, False  # "... or your glucose is 7.8": not the same subject
            if verb.tag_ == "VBD" and verb.head.tag_ in ("VBZ", "VBP"):
                return None, False, False  # "is ..., such as a raised creatinine": no verb
            if verb.tag_ == "VBG" and verb.head.tag_ in ("VBZ", "VBP", "VBD"):
                # "by stopping the drugs that raise it and giving a binder": the gerund
                # continues the list of means, not the relative clause ("the drugs give")
                return None, False, False
            if continues_a_participle(verb):
                # "is intramuscular adrenaline, given into the thigh ..., and repeated after
                # 5 minutes": the adrenaline is repeated, not the copula's subject
                return None, False, False
            if any(
                c.dep_ == "advcl" and mark_of(c) in WHEN_MARKS and c.i < verb.i
                for c in verb.head.children
                if c.i > verb.head.i
            ):
                # "the risk is higher when a patient has sepsis, ... or is taking X": the
                # verbs after the condition continue it (their subject is the patient's)
                return None, False, False
            if self._clause_between(verb.head, verb):
                # "A is given ..., and B are ..., whereas C is added only in ...": the
                # parser coordinated "added" with the first verb across another clause;
                # its subject is the noun phrase just before it, never the first verb's
                return self._subject_before(verb)
            verb = verb.head
            own = own_subject(verb)
        if own is None:
            if verb.dep_ == "relcl":
                return self._antecedent(verb)
            before = verb.i - 1
            while before > self.span.start and self.span.doc[before].dep_ == "advmod":
                before -= 1
            stray = self.span.doc[before] if before >= self.span.start else None
            if stray is not None and stray.dep_ == "appos" and stray.pos_ in ("NOUN", "PROPN"):
                # "Although it can affect other bones, avascular necrosis most often
                # happens ...": the parser hung the subject on the clause before
                return self.phrase(stray), plural(stray), False
            return None, False, False
        lowered = own.lower_
        if lowered in RELATIVES and verb.dep_ == "relcl":
            if defining(verb):
                # "X is an arthritis that mainly affects the DIP joints": X does
                copula_subject = own_subject(verb.head.head)
                if copula_subject is not None and copula_subject.lower_ not in PRONOUNS:
                    return self.phrase(copula_subject), plural(copula_subject), True
            return self._antecedent(verb)
        after = own.doc[own.i - 1] if own.i > 0 else None
        if (
            own.tag_ in ("WDT", "WP")
            and after is not None
            and (after.lower_ in (",", "and") or after.pos_ in ("NOUN", "PROPN"))
        ):
            if verb.dep_ == "conj" and verb.head.dep_ == "relcl":
                return self._antecedent(verb.head)  # "X, which ... and which ...": X again
            # "..., which should be performed ...": a relative clause the parser hung on
            # another verb; "which" stands for the noun before its comma, or for the
            # passive subject of a clause that ends there, else for something unsaid
            return self._relative_antecedent(own)
        if own.dep_ == "expl":
            return None, False, False
        determiners = {c.lower_ for c in own.children if c.dep_ == "det"}
        if determiners & {"this", "that", "these", "those"}:
            if own.lower_ in STAND_INS and self.topic:
                return Phrase(self.topic), False, True  # "This condition happens when ..."
            self.leaning.append(own.text)
            return None, False, True  # "These signs ...": said elsewhere
        if own.text == "I" and own.i > 0 and own.doc[own.i - 1].lower_ in NUMERAL_NAMES:
            return None, False, False  # "Type I diabetes": a numeral the parser took for "I"
        if lowered == "you":
            # a leaflet's "you will be offered X if ...": a fact; "you use your back" is not
            modal = any(c.dep_ in ("aux", "auxpass") for c in verb.children)
            if not modal and not any(c.dep_ == "advcl" for c in verb.children):
                return None, True, False
            return Phrase("you", own.idx - self.offset, own.idx + 3 - self.offset), True, False
        if lowered in PRONOUNS:
            if lowered == "it" and verb != self.span.root:
                # "X, ..., in whom it is less reliable": "it" is the subject before it
                # ("X is caused by A, and although it presents with B, ..."), else the
                # main clause's
                earlier = [
                    t
                    for t in self.span
                    if t.dep_ in ("nsubj", "nsubjpass")
                    and t.i < own.i
                    and t.lower_ not in PRONOUNS | RELATIVES
                    and not plural(t)
                    and own_subject(t.head) == t
                    and t.head.dep_ not in ("advcl", "relcl", "acl")  # a main clause's
                    and not _negative(t)
                ]
                parallel = any(
                    c.dep_ == "advcl" and mark_of(c) in WHEN_MARKS for c in verb.children
                )
                # "X is classed as severe when A is ..., B is ... or C is ..., and it is
                # life-threatening when ...": a clause with a condition of its own parallels
                # the first clause, and the subjects between are the first one's conditions
                # (which the parser often takes for main clauses)
                main: Token | None
                if earlier:
                    main = earlier[0] if parallel else earlier[-1]
                else:
                    main = own_subject(self.span.root)
                if main is None:
                    # "Do not examine the throat ..., because it may ...": the action,
                    # which no question can name (its terms are still asked by a cloze)
                    return None, False, False
                if _negative(main):
                    main = None  # "No medicine cures X, ... because it ...": not "no medicine"
                if main is not None and main.lower_ not in PRONOUNS and not plural(main):
                    main_phrase, _, _ = self.subject_of(main.head)
                    return main_phrase, False, True
            leading = [
                c for c in verb.children if c.dep_ == "advcl" and c.i < own.i and own_subject(c)
            ]
            if lowered == "it" and leading:
                # "When chest pain comes from ..., it typically comes from ...": the
                # subordinate clause's subject
                subject = own_subject(leading[0])
                if subject is not None and subject.lower_ not in PRONOUNS and not plural(subject):
                    return self.phrase(subject), False, True
            if lowered in ("it", "this") and self.it:
                return Phrase(self.it), False, True
            return None, lowered in ("they", "these", "those"), True
        phrase = self.items(own, self.phrase(own))
        finite = [
            t
            for t in own.subtree
            if t.tag_ in ("VBZ", "VBP", "VBD")
            and t.i in phrase.tokens
            and t.dep_ != "amod"
            and t.i < own.i
        ]
        if finite:
            # "No medicine cures X, and antibiotics do not help": the parser joined two
            # clauses into one subject; the subject is what follows the last "and"
            joins = [t for t in own.subtree if t.dep_ == "cc" and t.i > finite[-1].i]
            if not joins:
                return None, False, False
            tail = [t for t in own.subtree if t.i > joins[-1].i and t.i in phrase.tokens]
            phrase = self._phrase_of(tail)
            if not phrase.text:
                return None, False, False
        owner = next(
            (c for c in own.children if c.dep_ == "poss" and c.lower_ in ("its", "their")), None
        )
        if owner is not None:
            # "its toxicity is recognised by ...": whose, named
            named = [
                t
                for t in self.span
                if t.dep_ in ("nsubj", "nsubjpass") and t.i < own.i and t.lower_ not in PRONOUNS
            ]
            # "skin changes are absent in a fifth, and their absence does not exclude X":
            # "their" stands for the nearest plural subject, not for a singular one
            agreeing = [t for t in named if plural(t)] if owner.lower_ == "their" else []
            main = agreeing[-1] if agreeing else next(iter(named), None)
            if main is None and (own.left_edge.i != self.span.start or not self.it):
                self.leaning.append(owner.text)
                return None, False, True
            # "Its effect is monitored with ...": what "it" names in this sentence
            whose = self.phrase(main).text if main is not None else str(self.it)
            rest = phrase.text.split(" ", 1)[1] if " " in phrase.text else phrase.text
            return Phrase(f"the {rest} of {lower_first(whose)}"), plural(own), True
        first = own.left_edge
        hung = [
            t
            for t in self.span
            if t.i < first.i
            and t.dep_ in ("dep", "npadvmod")
            and t.head == verb
            and t.right_edge.i == first.i - 1
        ]
        if hung:
            # "Sodium-glucose cotransporter 2 (SGLT2) inhibitors": words the parser hung on
            # the verb belong to the subject before it
            kept = [t for t in hung[0].subtree if t.i not in self.parenthesised]
            kept += [t for t in own.subtree if t.i in phrase.tokens]
            phrase = self._phrase_of(sorted(kept, key=lambda t: t.i))
        split = [
            c
            for c in verb.children
            if c.dep_ in ("nsubj", "nsubjpass") and c.left_edge.i == own.right_edge.i + 1
        ]
        if split:
            # "ceftriaxone 2 g intravenously twice daily is ...": one subject the parser
            # split in two
            joined = {t.i for t in (*own.subtree, *split[0].subtree)} - self.parenthesised
            kept = [t for t in self.span if t.i in phrase.tokens or t.i in joined]
            phrase = self._phrase_of(self._glued(kept))
        return phrase, plural(own), False

    def _clause_between(self, first: Token, verb: Token) -> bool:
        """Whether a clause with a subject of its own lies between two coordinated verbs."""
        return any(
            t.dep_ in ("nsubj", "nsubjpass")
            and first.i < t.i < verb.i
            and t.head not in (first, verb)
            and first.i < t.head.i < verb.i
            and not any(a.dep_ in ("relcl", "acl") for a in up_to(t, first))
            for t in self.span
        )

    def _subject_before(self, verb: Token) -> tuple[Phrase | None, bool, bool]:
        """The noun phrase that ends just before ``verb``'s group, which the parser hung
        elsewhere, or no subject."""
        group = [c for c in verb.children if c.dep_ in ("aux", "auxpass") and c.i < verb.i]
        start = min([verb.i, *(c.i for c in group)])
        if start == 0:
            return None, False, False
        last = verb.doc[start - 1]
        stray = last
        while (
            stray.head != stray
            and stray.head.right_edge.i == last.i
            and stray.head.i < start
            and stray.head.pos_ in ("NOUN", "PROPN", "NUM")
        ):
            stray = stray.head
        if stray.pos_ not in ("NOUN", "PROPN") or stray.dep_ in ("pobj", "dobj"):
            return None, False, False
        return self.phrase(stray), plural(stray), False

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

    def _antecedent(self, relcl: Token) -> tuple[Phrase | None, bool, bool]:
        head = relcl.head
        if head.pos_ in ("VERB", "AUX"):
            return None, False, True
        if head.dep_ == "pobj" and head.head.lower_ in TIME_WORDS:
            # "... from 12 weeks until the birth, which reduces their risk": "which" is
            # what was said before, not the birth
            self.leaning.append("which")
            return None, False, True
        head = described(relcl)
        phrase = self.phrase(head, skip=frozenset(t.i for t in relcl.subtree))
        return phrase, plural(head), True

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

    def _relative_antecedent(self, relative: Token) -> tuple[Phrase | None, bool, bool]:
        last = self._noun_before(relative)
        if relative.lower_ in ("who", "whom") and last.lower_ not in PEOPLE:
            # "patients at low risk who ...": "who" stands for people, the nearest before it
            people = [t for t in self.span if t.i < relative.i and t.lower_ in PEOPLE]
            if not people:
                self.leaning.append(relative.text)
                return None, False, True
            last = people[-1]
        timed = last.dep_ == "pobj" and last.head.lower_ in TIME_WORDS  # "until the birth"
        if last.pos_ in ("NOUN", "PROPN") and not timed:
            return self.phrase(last), plural(last), True
        subject = own_subject(last) if last.pos_ == "VERB" else None
        passive = any(c.dep_ == "auxpass" for c in last.children)
        objects = [c for c in last.children if c.dep_ in ("dobj", "attr", "acomp")]
        if subject is not None and passive and not objects and subject.lower_ not in PRONOUNS:
            return self.phrase(subject), plural(subject), True
        self.leaning.append(relative.text)
        return None, False, True

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
        auxiliaries = [c for c in verb.children if c.dep_ in ("aux", "auxpass") and c.i < verb.i]
        if verb.dep_ == "conj" and not auxiliaries and own is None:
            # "can embolise and cause a stroke": the second verb shares the first's auxiliary
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
                        and (a.dep_ in ("acl", "advcl") or (a.dep_ == "relcl" and _after_comma(a)))
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
        if above.dep_ == "relcl" and _after_comma(above):
            return True
    return False


def _after_comma(relcl: Token) -> bool:
    """Whether a relative clause follows a comma (non-restrictive: a remark)."""
    first = relcl.left_edge
    return first.i > 0 and first.doc[first.i - 1].text == ","


def _negative(subject: Token) -> bool:
    """ "No medicine": a subject no pronoun can stand for."""
    return any(c.dep_ == "det" and c.lower_ in ("no", "neither") for c in subject.children)
