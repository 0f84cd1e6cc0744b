"""The parts of a clause: what a verb's children say of its subject.

Each child of a clause's verb in the dependency parse is read as one part: an object, a
complement, a prepositional phrase (with the people it is about, "in patients with ..."),
the condition of the fact ("when ...", "unless ..."), its reason ("because ..."), its
means ("by ..."), how often, or what an infinitive aims at. Repairs for the small model's
usual misparses of these phrases live here too ("given with or shortly before the first
dose", "reduces hearing loss" read as a gerund, an object hung beside its preposition).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from study.services.cardgen.deps import (
    CONTRAST_MARKS,
    FREQUENCIES,
    NAMING_VERBS,
    PEOPLE,
    RELATIVES,
    WHEN_MARKS,
    WHY_MARKS,
    defining,
    introduces_examples,
    mark_of,
    names_a_term,
    own_subject,
    parallel_condition_subject,
    raised_means,
    ruled_out,
    second_instruction,
    threshold_after,
)
from study.services.cardgen.othernames import NameReader
from study.services.cardgen.phrases import Phrase
from study.services.cardgen.terms import PRONOUNS, STOPWORDS
from study.services.cardgen.topics import lower_first

if TYPE_CHECKING:
    from spacy.tokens import Span, Token


@dataclass(frozen=True)
class Part:
    """One thing a clause says of its subject: an object, a complement, a prepositional
    phrase, a condition ("when ...") or a reason ("because ...")."""

    role: str  # dobj, attr, acomp, oprd, prep, agent, xcomp, action, when, why
    phrase: Phrase
    word: str = ""  # the preposition ("from"), the marker ("when"), the xcomp's verb
    people: bool = False  # "in patients with ...": asked "in which patients"
    relative: bool = False  # "..., in which X is Y": the antecedent the clause is about


class PartReader(NameReader):
    """Reads the parts of a clause (``part``) for the clause reader built on it."""

    def __init__(self, span: Span, topic: str | None) -> None:
        super().__init__(span, topic)
        self.topic = topic
        # reasons found inside a condition ("when ..., because ..."): the clause's own
        self.reasons: list[Part] = []

    def _object_it(self, it: Token) -> Phrase | None:
        """What an object "it" names: the page's topic, when no other thing before it could
        be meant; None when one could: a singular subject or object (not its own verb's
        subject, which "it" cannot be: "if the valve fails, sclerotherapy can close it"),
        or the object of the verb its own is coordinated with, of either number, as the
        tagger may be wrong ("damages the conjunctiva, and surgery removes it": the
        conjunctiva or the topic; only meaning tells)."""
        verb = it.head
        complements = [
            g
            for c in verb.head.children
            for g in (c, *(g for g in c.children if c.dep_ == "prep"))
            if g.dep_ in ("dobj", "pobj")
        ]
        # ("escapes into the pleural space and expands it": the space, or the topic)
        parallel = (
            [c for c in complements if c.pos_ in ("NOUN", "PROPN")] if verb.dep_ == "conj" else []
        )
        subject = own_subject(verb)
        while subject is None and verb.dep_ == "conj":
            verb = verb.head
            subject = own_subject(verb)
        topic = set(str(self.topic).lower().split())
        others = [
            t
            for t in self.span
            if t.i < it.i
            and (t.dep_ in ("nsubj", "nsubjpass", "dobj", "attr") or t in parallel)
            and t.pos_ in ("NOUN", "PROPN")
            and (t.tag_ in ("NN", "NNP") or t in parallel)
            and t != subject
            and t.lower_ not in topic
        ]
        return None if others else Phrase(str(self.topic))

    def part(self, child: Token) -> Part | None:
        """What the verb's child ``child`` says of the clause's subject, or None."""
        dep = child.dep_
        if _past_a_coordinated_clause(child) or ruled_out(child):
            return None  # ruled out: "with food, not on an empty stomach" is no fact of it
        relative = [c for c in child.children if c.lower_ in ("whom", "which", "who")]
        if (
            dep == "prep"
            and relative
            and any(
                t.pos_ in ("VERB", "AUX") and t.dep_ == "conj" and t.head != child.head
                for t in child.doc[child.i + 1 : child.head.i]
            )
        ):
            return None  # "during which A are monitored, and B is given": the other verb's
        if dep == "prep" and relative and child.head.dep_ != "relcl" and child.i < child.head.i:
            # "..., in which treatment is guided by ...", the parser's advcl: the antecedent
            # is the noun before the comma
            antecedent = self._noun_before(child)
            if antecedent.pos_ in ("NOUN", "PROPN"):
                phrase = self.phrase(antecedent, skip=frozenset(t.i for t in child.head.subtree))
                people = relative[0].lower_ in ("whom", "who") or antecedent.lower_ in PEOPLE
                return Part("prep", phrase, child.lower_, people, relative=True)
        if (
            dep == "prep"
            and child.head.dep_ == "relcl"
            # ("X is a condition in which ...": of X; "is IgA nephropathy, in which": of it)
            and (not defining(child.head) or names_a_term(child.head))
        ):
            antecedent = child.head.head
            if (
                relative
                and relative[0].lower_ in ("whom", "who")
                and antecedent.lower_ not in PEOPLE
            ):
                # "except in people who inject drugs, in whom ...": the parser hangs "in
                # whom" on "drugs"; "whom" stands for the people before it
                before = [
                    t
                    for t in self.span
                    if t.i < antecedent.i and t.lower_ in PEOPLE and t.pos_ in ("NOUN", "PRON")
                ]
                if not before:
                    return None
                antecedent = before[-1]
            if relative and antecedent.pos_ in ("NOUN", "PROPN", "NUM", "PRON", "DET"):
                # "..., except those over 70, in whom it is less reliable": the relative
                # stands for its antecedent, which is what the clause asks
                phrase = self.phrase(antecedent, skip=frozenset(t.i for t in child.head.subtree))
                people = relative[0].lower_ in ("whom", "who") or antecedent.lower_ in PEOPLE
                return Part("prep", phrase, child.lower_, people, relative=True)
        if dep == "prep" and child.i > 0 and child.doc[child.i - 1].lower_ == "those":
            # "offered to those at high risk": the parser hung "at" on the verb; it is
            # who "those" are ("What is an immediate antibiotic offered at?" misread it)
            return None
        if dep == "dative" and child.pos_ in ("NOUN", "PROPN") and child.i > child.head.i:
            dep = "dobj"  # "patients are given doxycycline": what they are given
        if dep in ("dobj", "attr", "acomp", "oprd"):
            if child.lower_ == "it" and dep == "dobj" and self.topic:
                # "HSV may cause it": the topic (a clause whose "it" another noun before it
                # could name is left out whole, ``_object_it``)
                return Part(dep, Phrase(self.topic))
            if child.lower_ in PRONOUNS or not any(
                t.lower_ not in STOPWORDS and t.is_alpha for t in child.subtree
            ):
                return None
            if any(c.dep_ == "det" and c.lower_ in ("no", "neither") for c in child.children):
                return None  # "causes no harm", "neither A nor B": no thing to ask
            if (
                child.tag_ == "JJ"
                and any(c.dep_ == "det" for c in child.children)
                and child.i + 1 < len(child.doc)
                and child.doc[child.i + 1].text == ","
            ):
                # "shows a red, bulging tympanic membrane": the parser made the first of
                # the adjectives the object ("What does otoscopy show?" "A red")
                return None
            if any(_split_noun(t) == child for t in child.head.subtree if t.dep_ == "pobj"):
                return None  # "in type 1 [diabetes]": the end of a prepositional phrase
            first = child.left_edge
            if (
                dep == "attr"
                and first.pos_ == "ADJ"
                and first.i + 1 < child.i
                and child.doc[first.i + 1].text == ","
            ):
                # "the kidney is underperfused, intrinsic renal causes ...": the adjective
                # is the complement, the parser hung a list after it
                return Part("acomp", self._phrase_of([first]))
            if dep == "acomp" and child.pos_ == "ADJ":
                # "the kidney is underperfused, intrinsic renal causes ...": an adjective
                # ends at its comma, whatever the parser hung after it
                commas = [t.i for t in child.subtree if t.text == "," and t.i > child.i]
                if commas:
                    kept = [t for t in child.subtree if t.i < commas[0]]
                    return Part(dep, self._phrase_of(kept))
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
        if (
            dep == "advmod"
            and child.lower_ in ("instead", "rather")
            and child.i + 1 < len(child.doc)
        ):
            after = child.doc[child.i + 1]
            objects = [c for c in after.children if c.dep_ == "pobj"]
            if after.lower_ in ("of", "than") and objects:
                # "used instead of CURB-65"
                phrase = self.phrase(objects[0])
                return Part("prep", phrase, f"{child.lower_} {after.lower_}")
        if dep == "advmod" and child.lower_ in _DIRECTIONS and child.i > child.head.i:
            # "pull the iris away from the angle": the direction is the point ("What do
            # pilocarpine drops pull?" "The iris" lost it)
            toward = [c for c in child.children if c.dep_ == "prep" and c.i == child.i + 1]
            objects = [c for p in toward for c in p.children if c.dep_ == "pobj"]
            if objects:
                word = f"{child.lower_} {toward[0].lower_}"
                return Part("prep", self.phrase(objects[0]), word)
        if dep == "prep" and child.i > 0 and child.doc[child.i - 1].lower_ in ("instead", "rather"):
            objects = [c for c in child.children if c.dep_ == "pobj"]
            if not objects:
                return None
            # "used instead of CURB-65"
            word = f"{child.doc[child.i - 1].lower_} {child.lower_}"
            return Part("prep", self.phrase(objects[0]), word)
        if dep == "advmod" and child.lower_ in FREQUENCIES:
            if any(t.like_num for t in child.subtree if t.i < child.i):
                # "given prednisolone 60 mg/m2 daily": the parser hung the dose on the
                # frequency; an amount is no answer to "how often"
                return None
            return Part("often", self.phrase(child), child.lower_)  # "checked weekly"
        if dep == "npadvmod" and any(c.lower_ == "every" for c in child.children):
            return Part("often", self.phrase(child), "every")  # "a test every year"
        if dep == "dative" and child.lower_ in ("to", "for"):
            # "given to women with severe pre-eclampsia", "offered for both eyes"
            dep = "prep"
        if dep in ("prep", "agent"):
            objects = [c for c in child.children if c.dep_ in ("pobj", "pcomp")]
            time = self._shared_time(child) if not objects else None
            if time is not None:
                # "given with or shortly before the first dose": two prepositions, one
                # object, a time
                return Part("when", time, child.lower_)
            if self._shares_time(child):
                return None  # asked with the preposition before it
            stranded = child.doc[child.i + 1] if child.i + 1 < len(child.doc) else None
            if (
                not objects
                and stranded is not None
                and stranded.head == child.head
                and stranded.pos_ in ("NOUN", "PROPN")
                and stranded.dep_ in ("advcl", "dep", "npadvmod")
            ):
                # "are not given before endoscopy to ...": the parser hung the object
                # beside its preposition
                objects = [stranded]
            if not objects and child.lower_ == "as":
                # "classified as severe": the parser hung the adjective on "as"
                objects = [c for c in child.children if c.pos_ == "ADJ"]
            if not objects or introduces_examples(child) or child.lower_ in ("among", "except"):
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
            if target.dep_ == "pcomp" and target.tag_ == "VBG" and child.lower_ in _MANNER:
                # "make it less likely without excluding it": a manner, no thing to ask
                # ("come from overusing X", "involved in snapping hip" are things)
                return None
            means = [
                by
                for r in target.children
                if r.dep_ == "relcl"
                for by in r.children
                if raised_means(by)
            ]
            skip = frozenset(t.i for by in means for t in by.subtree)
            phrase = self.items(target, self.phrase(target, skip=skip))
            split = _split_noun(target)
            if split is not None:
                # "most common in type 1 diabetes": the parser ended the object at its
                # number and hung the noun after it on the verb
                words = [t for t in self.span if t.i in phrase.tokens] + list(split.subtree)
                phrase = self._phrase_of(sorted(words, key=lambda t: t.i))
            if means:
                self.reasons.append(Part("how", self.phrase(means[0]), "by"))
            people = target.lower_ in PEOPLE
            more = _second_qualifier(child, target) if people else []
            if more:
                # "in patients with A or with B": the parser coordinated "with B" with "in
                # patients"; it is the second kind of patient ("Patients with A", the
                # answer, left B out)
                words = [t for t in self.span if t.i in phrase.tokens] + more
                phrase = self._phrase_of(sorted(words, key=lambda t: t.i))
            return Part("agent" if dep == "agent" else "prep", phrase, child.lower_, people)
        first = next(iter(child.subtree))
        if first.lower_ == "even" and dep in ("advcl", "ccomp"):
            return None  # "even when ...": a concession, not the condition of the fact
        if dep in ("advcl", "ccomp") and first.lower_ in WHEN_MARKS and first.i > child.head.i:
            # "happens when blood flow slows": the condition, however the parser hung it;
            # a reason inside it ("..., because insulin drives ...") is the clause's own
            reasons = [
                t
                for t in child.subtree
                if t.dep_ == "advcl"
                and t != child
                and mark_of(t) in WHY_MARKS
                # "unless ..., and should not stand, because ...": the second instruction's
                and second_instruction(t.head) is None
            ]
            skip = frozenset(i.i for r in reasons for i in r.subtree) | _main_predicates(child)
            phrase = self._with_threshold(self.phrase(child, skip=skip, marked=True))
            if reasons:
                self.reasons.append(Part("why", self.phrase(reasons[0]), mark_of(reasons[0])))
            return Part("when", self._parallel(child, phrase), first.lower_)
        if dep in ("ccomp", "xcomp") and child.head.lemma_ == "help":
            objects = [c for c in child.children if c.dep_ == "dobj"]
            if objects:  # "will help you identify a clot"
                return Part("xcomp", self.items(objects[0], self.phrase(objects[0])), child.text)
        if dep == "xcomp" and child.head.lemma_ == "be" and child.head.dep_ != "auxpass":
            return Part("attr", self.phrase(child))  # "The aim of X is to relieve ..."
        if dep == "advcl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in child.children):
            return Part("infinitive", self.phrase(child, marked=True))  # "to reduce its ..."
        if dep == "advcl":
            mark = mark_of(child)
            if mark in WHEN_MARKS:
                phrase = self.phrase(child, skip=_main_predicates(child), marked=True)
                return Part("when", self._parallel(child, phrase), mark)
            contrast = [
                c
                for c in child.head.children
                if c.dep_ == "advcl" and mark_of(c) in CONTRAST_MARKS and c.i < child.i
            ]
            reason = self.phrase(child)
            verbs = any(child.doc[i].pos_ in ("VERB", "AUX") for i in reason.tokens) or any(
                c.dep_ in ("nsubj", "nsubjpass") for c in child.children
            )  # "because most triggers arise ...", "arise" tagged as a noun
            if mark in WHY_MARKS and verbs and not (contrast and contrast[-1].i > child.head.i):
                # (a reason after "although ..." is the contrast's, however it is hung; a
                # reason the parser left without its verb says nothing)
                return Part("why", reason, mark)
            return None
        if (
            dep == "xcomp"
            and child.head.lemma_ in ("take", "need")
            and not any(c.dep_ in ("dobj", "attr") for c in child.children)
        ):
            # "take weeks to heal": the infinitive says what the object is for
            return Part("infinitive", self.phrase(child, marked=True))
        if (
            dep == "xcomp"
            and child.tag_ == "VBG"
            and child.i == child.head.i + 1
            and child.head.lemma_ not in _TAKING_GERUNDS
            and any(c.dep_ == "dobj" and c.i == child.i + 1 for c in child.children)
        ):
            # "reduces hearing loss": a noun compound the parser read as a gerund
            return Part("dobj", self.items(child, self.phrase(child)))
        if dep == "xcomp":
            objects = [c for c in child.children if c.dep_ in ("dobj", "attr")]
            if objects:
                return Part("xcomp", self.items(objects[0], self.phrase(objects[0])), child.text)
            to = [c for c in child.children if c.dep_ == "aux" and c.lower_ == "to"]
            noun = child.pos_ in ("NOUN", "PROPN")  # "referred to hospital": "to" a preposition
            if to and not noun and _told_to_act(child):
                # "The patient is asked to lie flat": what people are told to do
                kept = [t for t in child.subtree if t.i != to[0].i]
                return Part("action", self._phrase_of(kept), "do")
            if to and (
                noun or child.head.lemma_ in ("prefer", "compare", "add", "switch", "refer")
            ):
                # "are preferred to warfarin in most patients": "to" read as a preposition
                preps = {t.i for c in child.children if c.dep_ == "prep" for t in c.subtree}
                kept = [t for t in child.subtree if t.i != to[0].i and t.i not in preps]
                return Part("prep", self._phrase_of(kept), "to")
        return None

    def _parallel(self, condition: Token, phrase: Phrase) -> Phrase:
        """``phrase`` of a condition with its "it" named by the condition it parallels
        ("but none is added when it is above 5.5": when the serum potassium is)."""
        subject = own_subject(condition)
        named = parallel_condition_subject(subject) if subject is not None else None
        if subject is None or named is None or subject.lower_ != "it":
            return phrase
        said = re.sub(r"\bit\b", lower_first(self.phrase(named).text), phrase.text, count=1)
        return Phrase(said, phrase.start, phrase.end, phrase.items, phrase.tokens)

    def _with_threshold(self, phrase: Phrase) -> Phrase:
        """``phrase`` with the comparator and number right after it that the parser hung
        apart ("... if LVEF <40%")."""
        taken = threshold_after(self.span.doc[max(phrase.tokens)]) if phrase.tokens else []
        if not taken:
            return phrase
        words = [t for t in self.span if t.i in phrase.tokens or t.i in taken]
        return self._phrase_of(words, marked=True)

    def _shared_time(self, prep: Token) -> Phrase | None:
        """ "with or shortly before the first dose": the words of two prepositions sharing
        one object that the second one's time word takes (a conj, or a sibling after "or")."""
        doc = prep.doc
        following = [c for c in prep.children if c.dep_ == "conj"]
        if not following and prep.i + 1 < len(doc) and doc[prep.i + 1].dep_ == "cc":
            following = [
                c for c in prep.head.children if c.dep_ == "prep" and prep.i + 1 < c.i <= prep.i + 3
            ]
        if not following or following[0].lower_ not in TIME_WORDS:
            return None
        second = following[0]
        if not any(c.dep_ == "pobj" for c in second.children):
            return None
        words = [t for t in doc[prep.i : second.right_edge.i + 1] if t.i not in self.parenthesised]
        return self._phrase_of(words)

    def _shares_time(self, prep: Token) -> bool:
        """Whether ``prep`` is the second of two prepositions sharing its object."""
        doc = prep.doc
        before = [t for t in doc[max(prep.i - 3, 0) : prep.i] if t.dep_ == "prep"]
        return (
            bool(before)
            and before[-1].head == prep.head
            and (self._shared_time(before[-1]) is not None)
        )

    def _noun_before(self, token: Token) -> Token:
        """The word before ``token``'s comma: a relative's antecedent when it is a noun."""
        before = token.i - 1
        while before > self.span.start and not self.span.doc[before].is_alpha:
            before -= 1
        last = self.span.doc[before]
        while (
            last.dep_ == "pobj"
            and last.head.lower_ not in TIME_WORDS
            and last.head.head.pos_ in ("NOUN", "PROPN")
        ):
            last = last.head.head  # "women with asthma, in whom": the women
        return last


def _past_a_coordinated_clause(child: Token) -> bool:
    """Whether ``child`` comes after a clause, with a subject of its own, that is
    coordinated with its verb: the parser hung a word of that clause on the first verb
    ("fatigue may persist for months, and EBV is associated with A, B and C": B taken for
    what fatigue persists)."""
    return any(
        c.dep_ == "conj"
        and c.pos_ in ("VERB", "AUX")
        and c.i < child.i
        and any(s.dep_ in ("nsubj", "nsubjpass") for s in c.children)
        for c in child.head.children
    )


def _main_predicates(condition: Token) -> frozenset[int]:
    """The words of verbs the parser hung inside a condition that are predicates of the
    main subject ("lie flat, unless breathing is difficult, and should not stand": the
    patient should not stand), with the "and" before them."""
    found: set[int] = set()
    for verb in condition.subtree:
        modals = {c.lower_ for c in verb.children if c.dep_ == "aux" and c.tag_ == "MD"}
        if (
            verb.dep_ == "conj"
            and verb.pos_ in ("VERB", "AUX")
            and not any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children)
            and modals
            # "if the child is vomiting and cannot take ...": the condition's own verb; an
            # instruction ("and should not stand") is the main subject's
            and (verb.head != condition or modals & {"should", "must"})
        ):
            found |= {t.i for t in verb.subtree}
            found |= {c.i for c in verb.head.children if c.dep_ == "cc" and c.i < verb.i}
        elif _contrast_of_the_sentence(verb, condition):
            # "used when A or when B, whereas C is reserved for D": the parser hung the
            # contrast on the last condition; it contrasts the sentence's clauses
            found |= {t.i for t in verb.subtree} | {verb.left_edge.i - 1}
    return frozenset(found)


_SENTENCE_CONTRASTS = frozenset(["whereas", "although", "though"])


def _contrast_of_the_sentence(verb: Token, condition: Token) -> bool:
    """Whether ``verb`` heads a "whereas"/"although" clause after a comma inside
    ``condition``: a clause with its own subject, which no condition holds."""
    before = verb.left_edge.i - 1
    return (
        verb != condition
        and verb.dep_ == "advcl"
        and mark_of(verb) in _SENTENCE_CONTRASTS
        and before >= 0
        and verb.doc[before].text == ","
        and any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children)
    )


def _split_noun(target: Token) -> Token | None:
    """The noun the parser cut from a preposition's object that ends in a number ("in
    type 1 | diabetes"), hanging it on the verb; or None."""
    last = target.right_edge
    doc = target.doc
    if last.tag_ != "CD" or last.i + 1 >= len(doc) or target.head.dep_ != "prep":
        return None
    after = doc[last.i + 1]
    verb = target.head.head
    if (
        after.head == verb
        and after.pos_ in ("NOUN", "PROPN")
        and after.dep_ in ("attr", "dobj", "npadvmod", "dep")
        and after.left_edge == after
    ):
        return after
    return None


TIME_WORDS = frozenset(["until", "after", "before", "since"])
# Adverbs of direction whose "from"/"into" phrase says where a thing is moved.
_DIRECTIONS = frozenset(["away", "back", "out", "down", "up"])
# Prepositions whose "-ing" object says how or despite what, never a thing to ask.
_MANNER = frozenset(["without", "despite", "besides"])
# Verbs whose object can be an "-ing" clause ("stop taking X"): their gerund is a verb.
_TAKING_GERUNDS = frozenset(
    [
        *("stop", "start", "begin", "keep", "continue", "avoid", "consider", "recommend"),
        *("try", "finish", "quit", "risk", "involve", "mean", "need", "enjoy", "suggest", "go"),
    ]
)


def _second_qualifier(preposition: Token, people: Token) -> list[Token]:
    """The words of an "or with B" the parser coordinated with ``preposition`` ("in
    patients with A or with B") when ``people`` has a "with A" of its own, with its "or";
    or of a second group of people after the same preposition ("in men and in patients
    who ..."), without it."""
    own = {c.lower_ for c in people.children if c.dep_ == "prep"}
    found: list[Token] = []
    for conj in preposition.children:
        if conj.dep_ != "conj" or conj.pos_ != "ADP":
            continue
        same = conj.lower_ == preposition.lower_ and any(
            c.dep_ == "pobj" and c.lower_ in PEOPLE for c in conj.children
        )
        if conj.lower_ in own or same:
            found += [c for c in preposition.children if c.dep_ == "cc" and c.i < conj.i]
            found += [t for t in conj.subtree if not (same and t == conj)]
    return found


def _told_to_act(infinitive: Token) -> bool:
    """Whether ``infinitive`` (with no object) is what people are told to do: the
    infinitive of a passive whose subject names people ("The patient is asked to lie
    flat", "Patients are advised to rest"), not a state ("is thought to be ...")."""
    head = infinitive.head
    subject = next((c for c in head.children if c.dep_ == "nsubjpass"), None)
    return (
        subject is not None
        and subject.lower_ in PEOPLE
        and infinitive.lemma_ != "be"
        and not any(c.dep_ in ("auxpass", "nsubj", "nsubjpass") for c in infinitive.children)
    )
