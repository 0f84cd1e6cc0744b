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

from study.cardgen.terms import PRONOUNS, STOPWORDS
from study.cardgen.topics import STAND_INS

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

# Subordinating words by what the clause they open says about its head clause.
WHEN_MARKS = frozenset(["when", "whenever", "if", "unless", "once", "until", "after", "before"])
WHY_MARKS = frozenset(["because", "since", "as"])
CONTRAST_MARKS = frozenset(["although", "though", "whereas", "while"])
RELATIVES = frozenset(["which", "who", "that", "whom", "whose", "where"])
# Adverbs that stay with the verb in a question ("How is it usually achieved?").
VERB_ADVERBS = frozenset(
    ["usually", "often", "still", "also", "typically", "commonly", "mainly", "mostly", "always"]
    + ["never", "rarely", "sometimes", "generally", "normally", "frequently", "most", "only"]
)
PEOPLE = frozenset(
    ["patients", "patient", "people", "person", "children", "child", "adults", "adult", "women"]
    + ["men", "those", "infants", "neonates", "smokers", "elderly", "individuals", "anyone"]
)
NAMING_VERBS = frozenset(["know", "call", "term", "refer", "name"])


@dataclass(frozen=True)
class Phrase:
    """Words of the sentence: their text as a card shows them and their character span in
    the sentence (None when the phrase was named from elsewhere, such as a resolved "it")."""

    text: str
    start: int = -1
    end: int = -1
    # A list's items ("A, B and C"), each with its span, when the phrase is a list.
    items: tuple[Phrase, ...] = ()
    tokens: frozenset[int] = frozenset()

    @property
    def located(self) -> bool:
        return self.start >= 0


@dataclass(frozen=True)
class Part:
    """One thing a clause says of its subject: an object, a complement, a prepositional
    phrase, a condition ("when ...") or a reason ("because ...")."""

    role: str  # dobj, attr, acomp, oprd, prep, agent, xcomp, when, why
    phrase: Phrase
    word: str = ""  # the preposition ("from"), the marker ("when"), the xcomp's verb
    people: bool = False  # "in patients with ...": asked "in which patients"


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


@dataclass(frozen=True)
class OtherName:
    """Another name the sentence gives a thing: an acronym, "also known as", or an
    apposition ("allopurinol, a xanthine oxidase inhibitor")."""

    kind: str  # acronym, alias, apposition
    thing: Phrase
    name: Phrase
    condition: str = ""  # "when it affects the big toe"


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
        reader.aside(at, aside, reading)
    return reading


def reading_phrase(span: Span, head: Token) -> str:
    """The phrase ``head`` heads in ``span``, without remarks and parentheses."""
    return _Reader(span, None, None).phrase(head).text


class _Reader:
    def __init__(self, span: Span, it: str | None, topic: str | None) -> None:
        self.span = span
        self.it = it
        self.topic = topic
        self.offset = span.start_char
        self.parenthesised = _parenthesised(span)
        self.leaning: list[str] = []
        self.reasons: list[Part] = []

    # ---- phrases ------------------------------------------------------------------------

    def phrase(
        self, head: Token, *, skip: frozenset[int] = frozenset(), marked: bool = False
    ) -> Phrase:
        """The phrase ``head`` heads: its subtree without non-restrictive relative clauses,
        appositions, "known as" phrases, parentheses and "such as" examples (``marked``:
        with the word that opens it, "if", "after")."""
        kept = [t for t in head.subtree if t.i not in skip and not self._aside(t, head)]
        return self._phrase_of(kept, marked=marked)

    def _phrase_of(self, kept: list[Token], *, marked: bool = False) -> Phrase:
        opening = ("cc",) if marked else ("cc", "mark")
        while kept and (kept[0].is_punct or kept[0].dep_ in opening):
            kept = kept[1:]
        while kept and (
            (kept[-1].is_punct and kept[-1].text not in (")", "%")) or kept[-1].dep_ == "cc"
        ):
            kept = kept[:-1]
        if not kept:
            return Phrase("")
        pieces: list[str] = []
        for index, token in enumerate(kept):
            pieces.append(token.text)
            if index + 1 < len(kept):
                gap = kept[index + 1].i != token.i + 1
                pieces.append(
                    " "
                    if token.whitespace_ or (gap and kept[index + 1].text not in ",.;:)")
                    else ""
                )
        text = "".join(pieces).strip()
        if kept[-1].i == self.span.end - 1 and text.endswith(".") and not text.endswith(".."):
            text = text[:-1]  # "15 mmol/L." at the end of the sentence
        text = text.replace(" ,", ",").replace("( ", "(").replace(" )", ")")
        start, end = kept[0].idx - self.offset, kept[-1].idx + len(kept[-1]) - self.offset
        return Phrase(text, start, end, tokens=frozenset(t.i for t in kept))

    def _aside(self, token: Token, head: Token) -> bool:
        """Whether ``token`` belongs to a remark inside the phrase of ``head`` rather than
        to the phrase itself."""
        for ancestor in (token, *token.ancestors):
            if ancestor == head:
                return False
            if ancestor.i in self.parenthesised and head.i not in self.parenthesised:
                return True
            if (ancestor.dep_ == "appos" and not _continues_list(ancestor)) or (
                ancestor.dep_ in ("acl", "parataxis") and ancestor.lemma_ in NAMING_VERBS
            ):
                return True
            if ancestor.dep_ == "relcl" and self._own_clause(ancestor):
                return True
            if ancestor.dep_ == "prep" and _examples(ancestor):
                return True
            if ancestor.dep_ == "prep" and ancestor.lower_ in ("among", "except"):
                return True  # "(among other findings)", "except those over 70"
            if ancestor.dep_ == "punct" and ancestor.text in ",;" and ancestor.head == head:
                return False
        return False

    def items(self, head: Token, phrase: Phrase) -> Phrase:
        """``phrase`` with its list items when ``head`` has conjuncts ("A, B and C")."""
        conjuncts = [c for c in head.conjuncts if c.i > head.i and c.pos_ != "VERB"]
        for appos in (c for c in head.children if c.dep_ == "appos" and _continues_list(c)):
            # "at the gums, the skin and the joints": the parser's apposition is an item
            conjuncts += [appos, *(c for c in appos.conjuncts if c.i > appos.i)]
        conjuncts = sorted(set(conjuncts), key=lambda t: t.i)
        if not conjuncts:
            return self._stray_list(head, phrase)
        heads = [head, *conjuncts]
        items: list[Phrase] = []
        for index, item in enumerate(heads):
            skip = {t.i for c in heads[index + 1 :] for t in c.subtree} | {
                t.i for c in item.children if c.dep_ in ("cc", "conj", "punct") for t in c.subtree
            }
            if index + 1 < len(heads):
                # the first item's subtree holds the rest of the list
                skip |= {t.i for t in heads[index + 1].subtree}
            skip |= {t.i for t in item.subtree if t.lower_ in ("example", "instance")}
            part = self.phrase(item, skip=frozenset(skip))
            if part.text:
                items.append(part)
        merged: list[Phrase] = []
        for item in items:
            if merged and self.span.text[merged[-1].end : item.start].strip() == "":
                # "metabolic acidosis" split in two by the parser: one item
                last = merged.pop()
                text = self.span.text[last.start : item.end]
                item = Phrase(text, last.start, item.end, tokens=last.tokens | item.tokens)
            merged.append(item)
        if len(merged) < 2:
            return phrase
        return Phrase(phrase.text, phrase.start, phrase.end, tuple(merged), phrase.tokens)

    def _stray_list(self, head: Token, phrase: Phrase) -> Phrase:
        """ "triggered by infection, missed insulin doses, new-onset diabetes or myocardial
        infarction": a list whose later items the parser hung elsewhere, read from the
        words after the first item up to the end of the list."""
        edge = head.right_edge.i
        tokens = [t for t in self.span if t.i > edge]
        if not tokens or tokens[0].text != ",":
            return phrase
        chunk: list[Token] = []
        for token in tokens:
            if token.text in (".", ";", ":", "(") or token.lower_ in ("among", "which", "who"):
                break
            if token.dep_ == "mark" or (
                token.pos_ in ("VERB", "AUX") and token.dep_ not in ("amod", "compound")
            ):
                return phrase
            chunk.append(token)
        while chunk and chunk[-1].text == ",":
            chunk.pop()
        pieces: list[list[Token]] = [[]]
        for token in chunk:
            if token.text == "," or token.lower_ in ("and", "or"):
                if pieces[-1]:
                    pieces.append([])
                continue
            pieces[-1].append(token)
        pieces = [p for p in pieces if p]
        if (
            not pieces
            or any(len(p) > 5 for p in pieces)
            or not any(t.lower_ in ("and", "or") for t in chunk)
        ):
            return phrase
        items = [phrase] + [self._phrase_of(p) for p in pieces]
        whole = self._phrase_of([t for t in head.subtree if t.i in phrase.tokens] + chunk)
        return Phrase(whole.text, whole.start, whole.end, tuple(items), whole.tokens)

    # ---- clauses --------------------------------------------------------------------------

    def read(self) -> Reading:
        reading = Reading()
        for token in self.span:
            if self._heads_clause(token):
                clause = self.clause(token, reading)
                if clause is not None:
                    reading.clauses.append(clause)
        self.names(reading)
        reading.unresolved += self.leaning
        return reading

    def _heads_clause(self, token: Token) -> bool:
        if token.pos_ not in ("VERB", "AUX") and not (
            # "Patients typically present with ...": "present" tagged as an adjective
            token.dep_ == "ROOT" and token.pos_ == "ADJ" and _subject(token) is not None
        ):
            return False
        if token.dep_ == "ROOT":
            return True
        if token.dep_ == "conj":
            return self._heads_clause(token.head) or token.head.dep_ == "relcl"
        if token.dep_ in ("ccomp", "parataxis"):
            return token.head.dep_ == "ROOT" and _subject(token) is not None
        if token.dep_ == "relcl":
            return self._own_clause(token) or _defining(token)
        if token.dep_ == "advcl":
            mark = _mark(token)
            return mark in CONTRAST_MARKS or (
                mark == "so"
                or (not mark and _subject(token) is not None and token.i > token.head.i)
            )
        return False

    def _own_clause(self, relcl: Token) -> bool:
        """Whether a relative clause states a fact of its own: after a comma ("X, which
        is calculated from ...") or "in whom ..."; a restrictive one ("patients who can
        be managed as outpatients") is part of its noun phrase."""
        first = next(iter(relcl.subtree))
        if relcl.head.dep_ == "attr" and relcl.head.head.lemma_ == "be":
            return False  # "a condition in which ...": the definition itself
        before = self.span.doc[first.i - 1] if first.i > self.span.start else None
        return (before is not None and before.text == ",") or first.dep_ == "prep"

    def subject_of(self, verb: Token) -> tuple[Phrase | None, bool, bool]:
        """The subject of ``verb``: (phrase, plural, resolved from elsewhere)."""
        own = _subject(verb)
        while own is None and verb.dep_ == "conj" and verb.head.pos_ in ("VERB", "AUX"):
            if verb.lemma_ == "be" and verb.head.lemma_ != "be":
                return None, False, False  # "... or your glucose is 7.8": not the same subject
            verb = verb.head
            own = _subject(verb)
        if own is None:
            if verb.dep_ == "relcl":
                return self._antecedent(verb)
            return None, False, False
        lowered = own.lower_
        if lowered in RELATIVES and verb.dep_ == "relcl":
            if _defining(verb):
                # "X is an arthritis that mainly affects the DIP joints": X does
                copula_subject = _subject(verb.head.head)
                if copula_subject is not None and copula_subject.lower_ not in PRONOUNS:
                    return self.phrase(copula_subject), _plural(copula_subject), True
            return self._antecedent(verb)
        if own.dep_ == "expl":
            return None, False, False
        determiners = {c.lower_ for c in own.children if c.dep_ == "det"}
        if determiners & {"this", "that", "these", "those"}:
            if own.lower_ in STAND_INS and self.topic:
                return Phrase(self.topic), False, True  # "This condition happens when ..."
            self.leaning.append(own.text)
            return None, False, True  # "These signs ...": said elsewhere
        if own.text == "I" and own.i > 0 and own.doc[own.i - 1].lower_ in _NUMERAL_NAMES:
            return None, False, False  # "Type I diabetes": a numeral the parser took for "I"
        if lowered == "you":
            return Phrase("you", own.idx - self.offset, own.idx + 3 - self.offset), True, False
        if lowered in PRONOUNS:
            if lowered == "it" and verb != self.span.root:
                # "X, ..., in whom it is less reliable": "it" is the main clause's subject
                main = _subject(self.span.root)
                if main is not None and main.lower_ not in PRONOUNS and not _plural(main):
                    return self.phrase(main), False, True
            leading = [
                c for c in verb.children if c.dep_ == "advcl" and c.i < own.i and _subject(c)
            ]
            if lowered == "it" and leading:
                # "When chest pain comes from ..., it typically comes from ...": the
                # subordinate clause's subject
                subject = _subject(leading[0])
                if subject is not None and subject.lower_ not in PRONOUNS and not _plural(subject):
                    return self.phrase(subject), False, True
            if lowered in ("it", "this") and self.it:
                return Phrase(self.it), False, True
            return None, lowered in ("they", "these", "those"), True
        phrase = self.items(own, self.phrase(own))
        first = own.left_edge
        stray = [
            t
            for t in self.span
            if t.i < first.i
            and t.dep_ == "dep"
            and t.head == verb
            and t.right_edge.i == first.i - 1
        ]
        if stray:
            # "Sodium-glucose cotransporter 2 (SGLT2) inhibitors": words the parser hung on
            # the verb belong to the subject before it
            kept = [t for t in stray[0].subtree if t.i not in self.parenthesised]
            kept += [t for t in own.subtree if t.i in phrase.tokens]
            phrase = self._phrase_of(sorted(kept, key=lambda t: t.i))
        return phrase, _plural(own), False

    def _antecedent(self, relcl: Token) -> tuple[Phrase | None, bool, bool]:
        head = relcl.head
        if head.pos_ in ("VERB", "AUX"):
            return None, False, True
        phrase = self.phrase(head, skip=frozenset(t.i for t in relcl.subtree))
        return phrase, _plural(head), True

    def clause(self, verb: Token, reading: Reading) -> Clause | None:
        subject, plural, resolved = self.subject_of(verb)
        own = _subject(verb)
        if subject is None:
            if own is not None and own.lower_ in PRONOUNS and resolved:
                reading.unresolved.append(own.text)
            return None
        auxiliaries = [c for c in verb.children if c.dep_ in ("aux", "auxpass") and c.i < verb.i]
        if verb.dep_ == "conj" and not auxiliaries and own is None:
            # "can embolise and cause a stroke": the second verb shares the first's auxiliary
            auxiliaries = [c for c in verb.head.children if c.dep_ in ("aux", "auxpass")]
        negated = any(
            c.dep_ == "neg" or (c.dep_ == "advmod" and c.lower_ in ("rarely", "never", "seldom"))
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
        lead: list[Token] = []
        for child in verb.children:
            if child.i in self.parenthesised:
                continue
            relative = child.dep_ == "prep" and any(c.lower_ in RELATIVES for c in child.children)
            if (
                child.dep_ in ("prep", "advcl", "npadvmod")
                and child.i < subject_start
                and not relative
            ):
                discourse = " ".join(t.lower_ for t in child.subtree) in _DISCOURSE
                if (child.dep_ == "prep" or _mark(child) in WHEN_MARKS) and not discourse:
                    lead += list(child.subtree)
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
                and previous.role == "dobj"
                and part.role == "prep"
                and part.word in ("with", "of")
                and previous.phrase.end + 1 >= child.idx - self.offset
            ):
                # "identifies patients with an upper GI bleed": the phrase describes the
                # object (the parser often hangs it on the verb)
                merged = self._phrase_of(
                    sorted(
                        (
                            t
                            for t in self.span
                            if t.i in previous.phrase.tokens | part.phrase.tokens or t.i == child.i
                        ),
                        key=lambda t: t.i,
                    )
                )
                clause.parts[-1] = Part("dobj", merged)
                continue
            clause.parts.append(part)
        if lead:
            clause.lead = self._phrase_of(sorted(lead, key=lambda t: t.i), marked=True)
        clause.tokens = frozenset(
            t.i
            for t in verb.subtree
            if not any(a.dep_ in ("relcl", "conj") and a.i > verb.i for a in _up_to(t, verb))
        )
        return clause

    def part(self, child: Token) -> Part | None:
        dep = child.dep_
        if dep == "prep" and child.head.dep_ == "relcl" and not _defining(child.head):
            relative = [c for c in child.children if c.lower_ in ("whom", "which", "who")]
            antecedent = child.head.head
            if relative and antecedent.pos_ in ("NOUN", "PROPN", "NUM", "PRON", "DET"):
                # "..., except those over 70, in whom it is less reliable": the relative
                # stands for its antecedent, which is what the clause asks
                phrase = self.phrase(antecedent, skip=frozenset(t.i for t in child.head.subtree))
                people = relative[0].lower_ in ("whom", "who") or antecedent.lower_ in PEOPLE
                return Part("prep", phrase, child.lower_, people)
        if dep in ("dobj", "attr", "acomp", "oprd"):
            if child.lower_ == "it" and dep == "dobj" and self.topic:
                return Part(dep, Phrase(self.topic))  # "HSV may cause it": the topic
            if child.lower_ in PRONOUNS or not any(
                t.lower_ not in STOPWORDS and t.is_alpha for t in child.subtree
            ):
                return None
            if any(c.dep_ == "det" and c.lower_ in ("no", "neither") for c in child.children):
                return None  # "causes no harm", "neither A nor B": no thing to ask
            return Part(dep, self.items(child, self.phrase(child)))
        if dep == "prep" and child.lower_ in ("because", "due") and child.i > child.head.i:
            return Part("why", self.phrase(child), "because")  # "because of the noise"
        if dep == "oprd" and child.head.lemma_ in NAMING_VERBS:
            return None  # "is often called X": another name, asked both ways
        if (
            dep == "prep"
            and child.lower_ in ("after", "before")
            and any(c.dep_ == "npadvmod" for c in child.children)
        ):
            # "develops 3 to 5 days after a severe flare": when
            return Part("when", self.phrase(child), child.lower_)
        if dep in ("prep", "agent"):
            objects = [c for c in child.children if c.dep_ in ("pobj", "pcomp")]
            if not objects or _examples(child) or child.lower_ in ("among", "except"):
                return None
            target = objects[0]
            if target.lower_ in RELATIVES or target.lower_ in PRONOUNS:
                return None
            if any(c.tag_ == "VBG" and c.dep_ in ("acl", "amod") for c in target.children) or (
                any(c.tag_ == "VBG" and c.dep_ == "pcomp" for c in child.children)
                and child.lower_ == "with"
            ):
                return None  # "with only A and B ranking higher": an aside
            if child.lower_ == "by" and target.dep_ == "pcomp" and target.tag_ == "VBG":
                # "lowers glucose by reducing gluconeogenesis": how
                return Part("how", self.phrase(child), "by")
            phrase = self.items(target, self.phrase(target))
            people = target.lower_ in PEOPLE
            return Part("agent" if dep == "agent" else "prep", phrase, child.lower_, people)
        first = next(iter(child.subtree))
        if dep in ("advcl", "ccomp") and first.lower_ in WHEN_MARKS and first.i > child.head.i:
            # "happens when blood flow slows": the condition, however the parser hung it;
            # a reason inside it ("..., because insulin drives ...") is the clause's own
            reasons = [
                t
                for t in child.subtree
                if t.dep_ == "advcl" and t != child and _mark(t) in WHY_MARKS
            ]
            skip = frozenset(i.i for r in reasons for i in r.subtree)
            phrase = self.phrase(child, skip=skip, marked=True)
            if reasons:
                self.reasons.append(Part("why", self.phrase(reasons[0]), _mark(reasons[0])))
            return Part("when", phrase, first.lower_)
        if dep in ("ccomp", "xcomp") and child.head.lemma_ == "help":
            objects = [c for c in child.children if c.dep_ == "dobj"]
            if objects:  # "will help you identify a clot"
                return Part("xcomp", self.items(objects[0], self.phrase(objects[0])), child.text)
        if dep == "xcomp" and child.head.lemma_ == "be" and child.head.dep_ != "auxpass":
            return Part("attr", self.phrase(child))  # "The aim of X is to relieve ..."
        if dep == "advcl":
            mark = _mark(child)
            if mark in WHEN_MARKS:
                return Part("when", self.phrase(child, marked=True), mark)
            if mark in WHY_MARKS:
                return Part("why", self.phrase(child), mark)
            return None
        if dep == "xcomp":
            objects = [c for c in child.children if c.dep_ in ("dobj", "attr")]
            if objects:
                return Part("xcomp", self.items(objects[0], self.phrase(objects[0])), child.text)
            to = [c for c in child.children if c.dep_ == "aux" and c.lower_ == "to"]
            if to and child.head.lemma_ in ("prefer", "compare", "add", "switch", "refer"):
                # "are preferred to warfarin in most patients": "to" read as a preposition
                preps = {t.i for c in child.children if c.dep_ == "prep" for t in c.subtree}
                kept = [t for t in child.subtree if t.i != to[0].i and t.i not in preps]
                return Part("prep", self._phrase_of(kept), "to")
        return None

    # ---- other names and examples ---------------------------------------------------------

    def aside(self, at: int, text: str, reading: Reading) -> None:
        """A remark in parentheses after the phrase it is about: another name ("also known
        as X", "or X") or what the phrase is ("melaena (black, tarry stools ...)")."""
        before = [t for t in self.span if t.idx + len(t) - self.offset <= at and not t.is_punct]
        if not before or before[-1].pos_ not in ("NOUN", "PROPN"):
            return
        owner = before[-1]
        thing = self.phrase(owner, skip=frozenset(t.i for t in owner.subtree if t.i > owner.i))
        alias = _ALIAS.match(text)
        if alias:
            name = alias.group("name").strip(" .,;")
            reading.names.append(OtherName("alias", thing, Phrase(name)))
            return
        first = text.split()[0].lower()
        if first in STOPWORDS and first not in ("a", "an", "the"):
            return  # "(among other findings)", "(together with ...)": not what it is
        if text[:1].isupper() and first not in ("a", "an", "the"):
            return  # a sentence of its own
        reading.names.append(OtherName("apposition", thing, Phrase(text.strip(" .;"))))

    def names(self, reading: Reading) -> None:
        for token in self.span:
            if token.dep_ == "appos" and token.head.pos_ in ("NOUN", "PROPN"):
                thing = self.phrase(token.head, skip=frozenset(t.i for t in token.subtree))
                name = self.phrase(token, skip=frozenset())
                name = Phrase(name.text.strip("() "), name.start, name.end, tokens=name.tokens)
                if _acronym(token.text) and token.i in self.parenthesised:
                    reading.names.append(OtherName("acronym", thing, name))
                elif token.i not in self.parenthesised and any(
                    c.dep_ == "det" and c.lower_ in ("a", "an") for c in token.children
                ):
                    reading.names.append(OtherName("apposition", thing, name))
            if token.lemma_ in NAMING_VERBS and token.tag_ in ("VBN", "VBD"):
                self._alias(token, reading)
            if token.dep_ == "prep" and _examples(token) and token.head.pos_ in ("NOUN", "PROPN"):
                objects = [c for c in token.children if c.dep_ == "pobj"]
                if objects:
                    items = self.items(objects[0], self.phrase(objects[0]))
                    head = self.phrase(token.head, skip=frozenset(t.i for t in token.subtree))
                    reading.examples.append((head, items))

    def _alias(self, verb: Token, reading: Reading) -> None:
        """ "X (also known as Y)", "X, commonly called Y,", "X is often called Y"."""
        named = [
            o
            for c in verb.children
            for o in ([c] if c.dep_ == "oprd" else [p for p in c.children if p.dep_ == "pobj"])
            if c.dep_ == "oprd" or (c.dep_ == "prep" and c.lower_ == "as")
        ]
        if not named:
            return
        if verb.dep_ in ("acl", "parataxis"):
            thing_head = verb.head
        else:
            subject = _subject(verb)
            if subject is None:
                return
            thing_head = subject
        if thing_head.lower_ in PRONOUNS:
            if not self.it:
                return
            thing = Phrase(self.it)
        else:
            own = {t.i for t in thing_head.subtree}
            thing = self.phrase(
                thing_head, skip=frozenset(t.i for t in verb.subtree if t.i not in own)
            )
        name = self.phrase(named[0])
        condition = ""
        for child in verb.children:
            if child.dep_ == "advcl" and _mark(child) in WHEN_MARKS:
                condition = self.phrase(child).text
        if thing.text and name.text:
            reading.names.append(OtherName("alias", thing, name, condition))


_NUMERAL_NAMES = frozenset(["type", "grade", "stage", "class", "phase", "factor"])
# Phrases that link sentences, not conditions a question must keep.
_DISCOURSE = frozenset(
    ["in fact", "in addition", "in contrast", "in summary", "in general", "for example"]
    + ["for instance", "in short", "in particular", "of course", "in practice"]
)
_ALIAS = re.compile(
    r"^(?:also |often |sometimes |commonly |previously |formerly )?"
    r"(?:called|known as|termed|referred to as|aka|or)\s+(?P<name>.+)$",
    re.IGNORECASE,
)


def _continues_list(appos: Token) -> bool:
    """Whether an apposition is really the next item of a list ("A, B and C")."""
    return (
        any(c.dep_ == "conj" for c in appos.children)
        and appos.head.i < appos.i
        and not appos.head.dep_.startswith("nsubj")
    )


def _defining(relcl: Token) -> bool:
    """Whether ``relcl`` completes a definition: "X is a condition in which ..."."""
    return relcl.head.dep_ == "attr" and relcl.head.head.lemma_ == "be"


def _up_to(token: Token, top: Token) -> list[Token]:
    """``token`` and its ancestors below ``top``."""
    chain = [token]
    for ancestor in token.ancestors:
        if ancestor == top:
            break
        chain.append(ancestor)
    return chain


def _subject(verb: Token) -> Token | None:
    own = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass", "expl")), None)
    if own is None:
        # "X ... are preferred": the parser may hang the subject on the auxiliary
        for aux in (c for c in verb.children if c.dep_ in ("aux", "auxpass")):
            own = next((c for c in aux.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            if own is not None:
                break
    return own


def _mark(verb: Token) -> str:
    for child in verb.children:
        if child.dep_ == "mark" or (child.dep_ == "advmod" and child.lower_ in WHEN_MARKS):
            if child.i < verb.i:
                return child.lower_
    return ""


def _examples(prep: Token) -> bool:
    """ "such as", "including", "e.g.": a prepositional phrase of examples."""
    if prep.lower_ == "as" and any(c.lower_ == "such" for c in prep.head.children):
        return True
    if prep.lower_ == "as" and prep.i > 0 and prep.doc[prep.i - 1].lower_ == "such":
        return True
    if prep.lower_ == "for" and any(
        t.lower_ in ("example", "instance") for t in prep.subtree if t.i <= prep.i + 2
    ):
        return True  # "for example A and B"
    return prep.lower_ in ("including", "e.g.", "eg")


def _plural(token: Token) -> bool:
    if token.conjuncts and any(c.dep_ == "conj" for c in token.children):
        return True
    return token.tag_ in ("NNS", "NNPS")


def _acronym(text: str) -> bool:
    bare = text.rstrip("s")
    return 2 <= len(bare) <= 8 and bare[:1].isupper() and sum(c.isupper() for c in bare) >= 2


def _parenthesised(span: Span) -> set[int]:
    """The indices of the tokens inside parentheses (the parentheses included)."""
    inside: set[int] = set()
    depth = 0
    for token in span:
        if token.text == "(":
            depth += 1
        if depth > 0:
            inside.add(token.i)
        if token.text == ")" and depth > 0:
            depth -= 1
    return inside
