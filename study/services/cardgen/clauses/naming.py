"""Who or what a told clause is about when it does not say: the subject a coordinated
verb shares, what a later "it"/"they" names, and what "both" stands for."""

from __future__ import annotations

from typing import TYPE_CHECKING

from study.services.cardgen.clauses.units import PRONOUNS, Unit, phrase_of
from study.services.cardgen.clauses.writing import COMMA
from study.services.cardgen.deps import mark_of, own_subject, plural

if TYPE_CHECKING:
    from spacy.tokens import Span, Token


def opens(child: Token) -> bool:
    """Whether ``child`` of a verb can open its sentence before the subject: a
    prepositional phrase, an adverb, or a clause opened by its mark ("When A, ...")."""
    if child.dep_ in ("prep", "advmod", "npadvmod"):
        return True
    return child.dep_ == "advcl" and mark_of(child) == child.left_edge.lower_ != ""


def leads(subject: Token, span: Span) -> bool:
    """Whether ``subject`` is what the sentence is about: its first words, or after a
    leading phrase of its verb only ("In adults, X ...")."""
    before = range(span.start, subject.left_edge.i)
    verb = subject.head
    leading = {
        t.i
        for c in verb.children
        if c.i < subject.i and (opens(c) or c.dep_ == "punct")
        for t in c.subtree
    }
    return all(i in leading for i in before)


def named_pronoun(
    pronoun: Token, holder: Token, units: list[Unit], span: Span
) -> list[Token] | None:
    """What the subject ``pronoun`` ("it", "they") of a later clause names: the subject of
    the clause ``holder`` heads (or of the verb it is coordinated with), when that is a
    noun phrase of the same number, or the same pronoun (named by the reader as the
    sentence's own "it"); None when that cannot be told."""
    subject = own_subject(holder)
    while subject is None and holder.dep_ == "conj":
        holder = holder.head
        subject = own_subject(holder)
    if subject is None:
        return None
    if subject.lower_ == pronoun.lower_:
        return [pronoun]
    if subject.lower_ in PRONOUNS or subject.pos_ not in ("NOUN", "PROPN"):
        return None
    if plural(subject) != (pronoun.lower_ == "they"):
        return None
    if holder == span.root and not leads(subject, span):
        return None  # "A is X when B is Y, the pressure is Z, ..., and it is W": not the pressure
    return phrase_of(subject, units, span)


def shared_subject(verb: Token, units: list[Unit], span: Span) -> list[Token] | None:
    """The subject a coordinated ``verb`` shares with the verb it is coordinated with, and
    the conditions that lead that subject ("If the transfer will be delayed, the patient")."""
    head = verb
    while head.dep_ == "conj" and own_subject(head) is None:
        head = head.head
    subject = own_subject(head)
    if subject is None or subject.lower_ in PRONOUNS or head == verb:
        return None
    phrase = phrase_of(subject, units, span)
    if phrase is None:
        return None
    lead: list[Token] = []
    for child in head.children:
        if child.i < subject.left_edge.i and child.dep_ == "advcl" and mark_of(child):
            lead += [t for t in child.subtree]
            lead.append(COMMA)  # type: ignore[arg-type]
    return lead + phrase


def both_named(
    unit: Unit, own: list[Token], lead: list[Token], units: list[Unit], span: Span
) -> list[Token]:
    """``own`` with a "both" that is the subject of a clause inside it named by the
    clause's coordinated subject ("A and B are stopped, since both raise the calcium": "...,
    since A and B raise the calcium")."""
    subject = own_subject(unit.head)
    both = next(
        (
            t
            for t in own
            if t.lower_ == "both"
            and t.head.pos_ in ("VERB", "AUX")
            and t.i < t.head.i
            and t.head != unit.head
        ),
        None,
    )
    if both is None:
        return own
    if subject is not None and any(c.dep_ == "conj" for c in subject.children):
        named = phrase_of(subject, units, span)
    else:
        named = [t for t in lead if t.i >= 0] if lead else None  # the shared subject
        if named and not any(t.dep_ == "conj" for t in named):
            named = None
    if not named:
        return own
    return [t for o in own for t in (named if o == both else [o])]
