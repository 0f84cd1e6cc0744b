"""A long sentence split into its clauses, each written as a sentence of its own
(``clause_texts``): the clauses are found by the other modules of this package; here
each is cut out of the sentence and given its subject."""

from __future__ import annotations

import itertools
import re
from typing import TYPE_CHECKING

from study.services.cardgen.clauses.cases import case_text, case_units
from study.services.cardgen.clauses.coordinated import main_units
from study.services.cardgen.clauses.joints import joint_texts
from study.services.cardgen.clauses.naming import both_named, named_pronoun, shared_subject
from study.services.cardgen.clauses.relative import (
    consequence_tokens,
    relative_text,
    relative_units,
    relative_word,
)
from study.services.cardgen.clauses.units import PRONOUNS, Unit
from study.services.cardgen.clauses.writing import as_sentence, trim
from study.services.cardgen.deps import CONTRAST_MARKS, own_subject, stands_for_a_noun

if TYPE_CHECKING:
    from spacy.tokens import Span, Token


def clause_texts(span: Span) -> list[str]:
    """The clauses of ``span`` as standalone sentences (none when it has fewer than two):
    read off its parse, or cut at its joints when the parse runs them together."""
    parsed = _parsed_texts(span)
    if len(parsed) < 2:
        return list(joint_texts(span.text))
    # a piece cut at a joint that says what no clause read off the parse says: a clause
    # the parse lost ("..., and every patient has a CT scan of the chest, because ...")
    said = _words(" ".join(parsed))
    return parsed + [t for t in joint_texts(span.text) if len(_words(t) - said) >= _NEW_WORDS]


# A piece adds a clause the parse lost when it says this many words more.
_NEW_WORDS = 3


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z][a-z-]+", text.lower()) if len(w) > 2}


def run_together_texts(span: Span) -> list[str]:
    """The clauses of ``span`` cut at its joints when its parse runs them together (gives
    fewer than two clean clauses), else none: such a parse misreads the sentence."""
    return [] if len(_parsed_texts(span)) >= 2 else list(joint_texts(span.text))


def _parsed_texts(span: Span) -> list[str]:
    """The clauses read off the parse of ``span``."""
    units = main_units(span) + relative_units(span) + case_units(span)
    texts: list[str] = []
    for unit in units if len(units) >= 2 else []:
        said = [_text(unit, units, span)]
        if any(u.kind == "reason" and u.head.i in unit.extent for u in units if u is not unit):
            # "A is done, because B": A with its reason (asked "why") and A alone
            said.append(_text(unit, units, span, reasons=False))
        for text in said:
            if text and text not in texts:
                texts.append(text)
    return texts if len(texts) >= 2 else []


def _text(unit: Unit, units: list[Unit], span: Span, *, reasons: bool = True) -> str | None:
    """``unit`` as a sentence, with the reasons ("because ...") it holds or without."""
    if unit.kind in ("broken", "reason"):
        return None
    if any(c.dep_ == "conj" and c.pos_ in ("NOUN", "PROPN") for c in unit.head.children):
        return None  # a verb coordinated with a noun: the parse is broken here
    own = _own_tokens(unit, [u for u in units if reasons is False or u.kind != "reason"])
    if own is None:
        return None
    if unit.kind == "relative":
        return relative_text(unit, own, units, span)
    if unit.kind == "case":
        return case_text(unit, own, units, span)
    if unit.kind == "consequence":
        own = consequence_tokens(unit.head, own)
    lead: list[Token] = []
    subject = own_subject(unit.head)
    if subject is None:
        shared = shared_subject(unit.head, units, span)
        if shared is None:
            return None
        lead = shared
    elif subject.lower_ in PRONOUNS and unit.head != span.root:
        # "..., and it is offered for both eyes": "it" is what the sentence is about
        named = named_pronoun(subject, span.root, units, span)
        if named is None:
            return None
        own = [t for o in own for t in (named if o == subject else [o])]
    own = both_named(unit, own, lead, units, span)
    if not lead and stands_for_a_noun(own[0]):
        return None  # "..., and one above 500 nmol/L makes it unlikely": one what
    return as_sentence(lead + own)


def _own_tokens(unit: Unit, units: list[Unit]) -> list[Token] | None:
    """The tokens of ``unit`` without the clauses inside it, as one run; None when they are
    not one run (the parser hung a piece of another clause on it)."""
    others = [u for u in units if u is not unit and unit.head.i not in u.extent]
    taken: set[int] = set().union(*(u.extent for u in others))
    inside = set().union(*(u.extent for u in others if u.kind == "relative"))
    doc = unit.head.doc
    kept = sorted(i for i in unit.extent if i not in taken)
    kept = [i for i in kept if not _opener(doc[i], unit, kept)]
    if unit.kind == "relative":
        word = relative_word(unit.head)
        if word is not None:
            dropped = {word.i} | {c.i for c in word.children if word.dep_ == "prep"}
            kept = [i for i in kept if i not in dropped]
    tokens = trim([doc[i] for i in kept])
    broken = {u.head.i for u in units if u.kind == "broken"}
    if not tokens or any(t.i in broken for t in tokens):
        return None
    for before, after in itertools.pairwise(tokens):
        gap = range(before.i + 1, after.i)
        if any(i not in inside and not doc[i].is_punct and doc[i].dep_ != "cc" for i in gap):
            return None  # words on both sides of another clause: the parse is not clean
    if _cut_short(tokens[-1], units):
        return None
    return tokens


def _cut_short(last: Token, units: list[Unit]) -> bool:
    """Whether a clause ending with ``last`` stops inside a phrase: the word after it is no
    stop, joining word or opening of another clause ("... with generalised disease and
    receptor" before "antibodies", a noun the tagger took for a verb)."""
    following = last.i + 1
    if following >= last.sent.end:
        return False
    word = last.doc[following]
    if word.is_punct or word.dep_ in ("cc", "mark") or word.pos_ in ("SCONJ", "CCONJ"):
        return False
    return not any(following == min(u.extent, default=-1) for u in units)


def _opener(token: Token, unit: Unit, kept: list[int]) -> bool:
    """A word that joins the clause to the one before ("and", "whereas", "which")."""
    first = next((i for i in kept if not unit.head.doc[i].is_punct), None)
    if token.i != first:
        return False
    if token.dep_ == "cc" and token.head == unit.head:
        return True
    return token.dep_ == "mark" and (token.lower_ in CONTRAST_MARKS or unit.kind == "reason")
