"""A clause of a long sentence (a ``Unit``) and the noun phrases its text repeats: the
phrase a noun heads without the clauses taken out of it, and the number it shows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from study.services.cardgen.clauses.writing import trim
from study.services.cardgen.deps import CONTRAST_MARKS

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

# An antecedent longer than this is a clause of its own, not a name to repeat.
MAX_ANTECEDENT_WORDS = 12
SUBJECTS = ("nsubj", "nsubjpass")
NOUNS = ("NOUN", "PROPN", "PRON", "NUM")
PRONOUNS = frozenset(["it", "they"])
RELATIVE_WORDS = frozenset(["which", "who", "whom", "whose"])


@dataclass
class Unit:
    """One clause: the verb that heads it, the tokens it covers in the sentence, and what
    it takes from elsewhere (a shared subject and its conditions, or an antecedent)."""

    head: Token
    extent: set[int]
    # "main", "contrast", "reason", "relative", "case" ("in which case ..."), "consequence"
    # ("which is why ...") or "broken" (a relative clause cut apart)
    kind: str
    antecedent: Token | None = None


def phrase_of(head: Token, units: list[Unit], span: Span) -> list[Token] | None:
    """The phrase ``head`` heads, without the clauses ``units`` take out of it and the
    remarks set off by commas; None when it is too long to repeat."""
    taken = set().union(*(u.extent for u in units if head.i not in u.extent or u.head == head))
    for child in head.children:
        opening = child.left_edge.i - 1
        if child.dep_ in _REMARKS and opening > head.i and head.doc[opening].text == ",":
            # "the definitive treatment, once the pressure is controlled, ...": a remark
            # set off by commas is not repeated with the name
            taken |= {t.i for t in child.subtree} | {opening}
    tokens = [t for t in head.subtree if t.i not in taken and t.i < phrase_stop(head, units)]
    tokens = trim(tokens)
    if not tokens or sum(1 for t in tokens if not t.is_punct) > MAX_ANTECEDENT_WORDS:
        return None
    if tokens[0].pos_ == "SCONJ" and tokens[0].lower_ in CONTRAST_MARKS:
        tokens = tokens[1:]  # "whereas thrombosis in situ": the mark of its clause
    return tokens or None


# What a noun's phrase holds that is a remark when set off by commas.
_REMARKS = frozenset(["advcl", "acl", "appos", "relcl"])


def phrase_stop(head: Token, units: list[Unit]) -> int:
    """Where the phrase of ``head`` ends: before the first clause that comes after it."""
    after = [min(u.extent) for u in units if u.extent and min(u.extent) > head.i]
    return min(after, default=head.doc.__len__())
