"""The words of a question: its subject, verb group, kept parts and condition.

Shared by the question builders (``questions``, ``voice``): how a clause's subject is
named, how its verb group splits around the subject ("is ... calculated"), which of its
other parts a question keeps, and the card a question makes.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from study.services.cardgen.candidates import Candidate, Context, basic
from study.services.cardgen.deps import mark_of, qualifier
from study.services.cardgen.gates import GENERIC_NOUNS
from study.services.cardgen.parts import Part
from study.services.cardgen.reading import Clause
from study.services.cardgen.sentences import Sentence
from study.services.cardgen.subjects import TREATMENT_NOUNS
from study.services.cardgen.terms import STOPWORDS, has_rare_word, words
from study.services.cardgen.topics import (
    ASPECT_HEADINGS,
    GENERIC_SUBJECTS,
    capitalise,
    lower_first,
)

if TYPE_CHECKING:
    from spacy.tokens import Token

MAX_CONTEXT_WORDS = 8


def subject_text(clause: Clause) -> str:
    """The clause's subject as a question names it (inside the sentence: lowercase)."""
    assert clause.subject is not None
    text = clause.subject.text
    return lower_first(text)


def verb_group(clause: Clause) -> tuple[str, str]:
    """The word that goes before the subject in a question, and the rest of the verb group
    after it: "is ... calculated", "can ... be managed", "does ... identify"."""
    verb = clause.verb
    # an adverb that bounds the fact keeps its side of the verb ("is treated medically",
    # "is otherwise avoided"); the usual ones go before it ("is usually given")
    after_verb = _after_the_verb(clause)
    adverbs = [a.text for a in clause.adverbs if a not in after_verb]
    negation = ["not"] if clause.negated else []
    particle = [clause.particle] if clause.particle else []
    particle += [a.text for a in after_verb]
    if clause.auxiliaries:
        first, *rest = clause.auxiliaries
        tail = [r.text for r in rest] + negation + adverbs
        if verb.lemma_ != "be" or clause.passive or rest or first.lemma_ != "be":
            tail.append(verb.text)
        return first.text.lower(), " ".join(tail + particle)
    if verb.lemma_ == "be":
        return verb.text.lower(), " ".join(negation + adverbs)
    do = {"VBZ": "does", "VBD": "did"}.get(verb.tag_, "do")
    if do == "do" and not clause.plural:
        do = "does"  # "it typically come from": the material's slip is not repeated
    return do, " ".join(negation + adverbs + [verb.lemma_] + particle)


def verb_words(clause: Clause) -> str:
    """The verb group as a question about the subject says it ("is treated medically",
    "is otherwise avoided"): its auxiliaries, and the adverbs that bound the fact on their
    side of the verb."""
    after_verb = _after_the_verb(clause)
    bounds = [a for a in clause.adverbs if qualifier(a) or qualifier(a.head)]
    return " ".join(
        [
            *(a.text for a in clause.auxiliaries),
            *(a.text for a in bounds if a not in after_verb),
            clause.verb.text,
            *(a.text for a in after_verb),
        ]
    )


def _after_the_verb(clause: Clause) -> list[Token]:
    """The adverbs that bound the clause's fact and follow its verb right after it, with
    the words of their group ("treated medically", "intramuscularly or intravenously"):
    a question says them after the verb too. One further on ("inject 100 mg
    intramuscularly") goes before the verb, where the question's object cannot part it
    from the verb; one not in "-ly" ("worldwide") stays after it."""
    verb = clause.verb
    bounds = [a for a in clause.adverbs if qualifier(a) or qualifier(a.head)]
    ahead = {a.i for a in bounds} | {t.i for t in verb.children if t.dep_ == "prt"}
    at = verb.i + 1
    while at in ahead:
        at += 1
    # "worldwide", "alone" never go before a verb
    return [
        a
        for a in bounds
        if verb.i < a.i and (a.i < at or not (a if qualifier(a) else a.head).lower_.endswith("ly"))
    ]


def others_of(clause: Clause, asked: Part) -> str:
    """The clause's other parts as the question keeps them, conditions last."""
    parts, conditions = kept_parts(clause, asked)
    return " ".join([*parts, *conditions])


def kept_parts(clause: Clause, asked: Part) -> tuple[list[str], list[str]]:
    """The clause's other parts, in order, as the question keeps them (its conditions
    and short phrases, never a reason or a second list)."""
    kept: list[str] = []
    conditions: list[str] = []
    for part in sorted(clause.parts, key=lambda p: p.phrase.start):
        if part is asked or part.role in ("why", "how", "often"):
            continue
        if part.phrase.tokens and part.phrase.tokens == asked.phrase.tokens:
            continue
        if part.role in ("dobj", "attr") and asked.role in ("dobj", "attr", "agent"):
            continue
        if clause.copula and part.role == "prep" and part.word == "of":
            # "X is an infection of the endocardium, usually of a heart valve": the "of"
            # the parser hung on "is" belongs to the complement, never to X ("What is
            # infective endocarditis of a heart valve?")
            continue
        if (
            clause.copula
            and asked.role == "attr"
            and part.role == "prep"
            and part.phrase.start >= asked.phrase.end
        ):
            # "Treatment is immunoglobulin, 2 g/kg as a single infusion, together with
            # aspirin": what follows the complement says more of it ("What is treatment
            # as a single infusion together with aspirin?" misread it)
            continue
        words_in = len(part.phrase.text.split())
        if part.role == "when":
            if words_in <= 2 * MAX_CONTEXT_WORDS:
                conditions.append(part.phrase.text)
            continue
        # a list is the answer's business, except beside a reason or a condition, whose
        # question it scopes ("Why is nitrofurantoin not used for pyelonephritis or any
        # infection with systemic features?": not used at all, without it)
        listed = part.phrase.items and part.role != "dobj" and asked.role not in ("why", "when")
        if words_in > MAX_CONTEXT_WORDS or listed:
            continue
        if part.role in ("prep", "agent"):
            kept.append(f"{part.word} {part.phrase.text}")
        elif part.role == "infinitive":
            # after a stranded preposition: "What is X taken with to reduce ...?"
            conditions.insert(
                0,
                part.phrase.text
                if part.phrase.text.startswith("to ")
                else f"to {part.phrase.text}",
            )
        elif part.role == "action":
            kept.append(f"to {part.phrase.text}")
        elif part.role == "xcomp":
            # "recommend starting allopurinol": a gerund takes no "to"
            gerund = any(
                c.dep_ == "xcomp" and c.text == part.word and c.tag_ == "VBG"
                for c in clause.verb.children
            )
            kept.append(f"{'' if gerund else 'to '}{part.word} {part.phrase.text}")
        else:
            kept.append(part.phrase.text)
    return kept, conditions


def lead_of(clause: Clause) -> str:
    """The clause's leading condition ("In AF, "), as a question starts with it."""
    # a condition stays with its fact even when long ("If your glucose targets are not
    # met within 1 to 2 weeks, ...")
    if clause.lead is None or len(clause.lead.text.split()) > 2 * MAX_CONTEXT_WORDS:
        return ""
    return capitalise(clause.lead.text.rstrip(" ,")) + ", "


def joined(front: str) -> str:
    """A question with a lead ("In AF, What ...") reads on: "In AF, what ..."."""
    return re.sub(
        r", (What|When|Why|How|Which|In|On|With|For|From|To)\b",
        lambda m: ", " + m.group(1).lower(),
        front,
    )


def specific(answer: str, subject: str, topic: str | None = None) -> str:
    """ "the cause" says nothing alone: "The distribution of the rash helps determine the
    cause" means the cause of the rash, so the answer borrows its subject's "of ..."
    ("the diagnosis" in a paragraph on pulmonary embolism: of pulmonary embolism)."""
    generic = re.fullmatch(r"(?:the|its|their)\s+(?P<noun>\w+)", answer.strip(), re.IGNORECASE)
    owner = re.search(r"\sof\s+(?P<owner>[^,;]+)$", subject)
    if generic and generic.group("noun").lower() in GENERIC_NOUNS:
        if owner:
            return f"the {generic.group('noun')} of {owner.group('owner')}"
        if topic:
            return f"the {generic.group('noun')} of {topic}"
    return answer


# A subject that is "the" and one noun ("the rhythm", "the dose") says whose only by the
# page it is on.
_BARE_THE = re.compile(r"the\s+\w+", re.IGNORECASE)

# "the cerebrospinal fluid", "the weakness": "the" and up to three lower-case words
_THE_PHRASE = re.compile(r"[Tt]he(?:\s+[a-z][a-z-]*){1,3}")

_DEPENDS_ON_THE_CONDITION = frozenset(
    ["give", "use", "offer", "need", "prefer", "start", "stop", "add", "trigger", "precipitate"]
)


_DETERMINERS = STOPWORDS | {"every"}


def _generic(subject: str) -> bool:
    """Whether ``subject`` names no one in particular ("children", "every patient")."""
    said = [w.lower() for w in words(subject)]
    return bool(said) and all(w in GENERIC_SUBJECTS or w in _DETERMINERS for w in said)


def _whose_unsaid(clause: Clause) -> bool:
    """Whether the subject holds a noun that says nothing without what it belongs to
    ("rarer causes include ...", "more of the drug is oxidised") and the sentence does not
    say whose (no "of" phrase or possessive on it): the page's topic is."""
    if clause.subject is None:
        return False
    doc = clause.verb.doc
    heads = [doc[i] for i in clause.subject.tokens if doc[i].head.i not in clause.subject.tokens]
    # the subject's own noun, or the noun a quantity is of ("more of the drug"); not one
    # deeper in it ("pain typical of the condition" is about the pain)
    heads += [
        p
        for h in heads
        if h.pos_ != "NOUN"
        for c in h.children
        if c.dep_ == "prep" and c.lower_ == "of"
        for p in c.children
        if p.dep_ == "pobj"
    ]
    return any(
        h.pos_ == "NOUN"
        and (
            h.lemma_.lower() in GENERIC_NOUNS | TREATMENT_NOUNS
            # "rarer complications", "a common symptom": an aspect a heading names in the
            # plural (not "surgery", "history": headings of their own)
            or f"{h.lemma_.lower()}s" in ASPECT_HEADINGS
        )
        and not any(c.dep_ in ("poss", "prep") for c in h.children)
        for h in heads
    )


def make_card(
    pattern: str,
    sentence: Sentence,
    context: Context,
    front: str,
    answer: str,
    clause: Clause,
    part: Part | None = None,
    *traced: str,
    name_topic: bool = False,
) -> Candidate:
    """A basic card of ``pattern`` asking ``front``; ``traced`` are words the answer takes
    from the sentence."""
    has_term = has_rare_word(front)
    # "Why are prophylactic antibiotics not given?", "What does analgesia usually need?":
    # what is given, needed or triggered depends on the condition the page is about
    topic_words = {w.lower() for w in words(context.topic or "")}
    name_topic = (
        name_topic
        or (
            clause.verb.lemma_ in _DEPENDS_ON_THE_CONDITION
            and not topic_words & {w.lower() for w in words(f"{front} {answer}")}
        )
        # "What may the rhythm degenerate into?": whose rhythm is the page's topic
        or (clause.subject is not None and _BARE_THE.fullmatch(clause.subject.text) is not None)
        # "What does the cerebrospinal fluid show?", "What can back pain precede?" "The
        # weakness": a definite phrase of common nouns is the one of the page's condition
        or (clause.subject is not None and _THE_PHRASE.fullmatch(clause.subject.text) is not None)
        or _THE_PHRASE.fullmatch(answer.strip()) is not None
        # "What do children take from infancy?", "Why should every patient have ...?":
        # people in general are the page's patients
        or (clause.subject is not None and _generic(clause.subject.text))
        or _whose_unsaid(clause)
    )
    front = joined(front)
    card = basic(
        pattern,
        sentence,
        context,
        front,
        answer,
        *traced,
        name_topic=name_topic,
        has_term=has_term,
    )
    said = {w.lower() for w in words(f"{front} {answer}")}
    lost = [a.text for a in clause.adverbs if qualifier(a) and a.lower_ not in said]
    if lost:
        # "What does membranous nephropathy remit in?" without "spontaneously" asks
        # another fact, often a false one
        return replace(card, doubt=f"{_QUALIFIER_LOST}: '{lost[0]}'")
    unsaid = [c for c in _conditions(clause.verb) if not _said(c, said)]
    if unsaid:
        # "What is no vaccine known to prevent?" without "once the rash has appeared"
        first = unsaid[0]
        told = first.doc[first.left_edge.i : first.i + 1].text
        return replace(card, doubt=f"{_CONDITION_LOST}: '{told}'")
    return card


def _conditions(verb: Token) -> list[Token]:
    """The conditions ("if ...", "when ...", "once ...") of ``verb`` and of the verbs
    it takes as its own ("is known to prevent X once ..."): the fact holds only in them."""
    found: list[Token] = []
    for child in verb.children:
        # ("even when ...": a concession, the fact holds without it)
        if (
            child.dep_ == "advcl"
            and mark_of(child) in _CONDITION_MARKS
            and child.left_edge.lower_ != "even"
        ):
            found.append(child)
        elif child.dep_ == "xcomp":
            found += _conditions(child)
    return found


def _said(condition: Token, said: set[str]) -> bool:
    """Whether the card says most of the content words of ``condition``'s clause, up to
    its first comma (a reason or a second clause after it is not the condition)."""
    own: set[str] = set()
    for token in condition.doc[condition.left_edge.i : condition.right_edge.i + 1]:
        if token.text in (",", ";", ":", "(") and token.i > condition.i:
            break
        if token.is_alpha and token.lower_ not in STOPWORDS:
            own.add(token.lower_)
    return len(own & said) * 2 >= len(own)


_QUALIFIER_LOST = "a word that bounds the fact is not in the question"
_CONDITION_LOST = "the condition the fact holds in is not in the question"
# what a fact holds in; not "unless", whose exception leaves the fact true as a rule
_CONDITION_MARKS = frozenset(["if", "once", "when", "whenever"])
