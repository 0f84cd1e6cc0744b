"""The main clauses of a sentence: the root's clause, the clauses coordinated with it
(", and X is ..."; "and is given ...", sharing the subject), clauses after ";", contrast
clauses ("whereas") and reasons (", because ...")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from study.services.cardgen.clauses.naming import opens
from study.services.cardgen.clauses.units import RELATIVE_WORDS, SUBJECTS, Unit
from study.services.cardgen.deps import auxiliaries_of, mark_of, own_subject

if TYPE_CHECKING:
    from spacy.tokens import Span, Token


def main_units(span: Span) -> list[Unit]:
    """The root's clause, the clauses coordinated with it (", and X is ..."; "and is
    given ...", sharing the subject), clauses after ";" and contrast clauses ("whereas")."""
    root = span.root
    if root.pos_ not in ("VERB", "AUX") or any(
        c.i < root.i
        and own_subject(c) is not None
        and (c.dep_ in ("ccomp", "parataxis") or (c.dep_ == "advcl" and not opens(c)))
        for c in root.children
    ):
        # "A is X when ..., B is Y, C is Z": the parser's root is not the main clause
        return []
    units = [Unit(root, {t.i for t in root.subtree}, "main")]
    heads = {root.i}
    for token in span:
        if token.pos_ not in ("VERB", "AUX") or token == root:
            continue
        kind = _main_kind(token, heads)
        if kind:
            units.append(Unit(token, {t.i for t in token.subtree}, kind))
            heads.add(token.i)
    return units


def _main_kind(verb: Token, heads: set[int]) -> str:
    """ "main", "contrast" or "reason" when ``verb`` heads a clause of its own, else ""."""
    subject = own_subject(verb)
    before = _before_group(verb)
    joined = before is not None and (before.dep_ == "cc" or before.text in (",", ";"))
    if verb.dep_ == "conj" and subject is None:
        # "... lies flat and is given ...": coordinated with a clause, its subject shared;
        # a verb with no auxiliary where its head has one shares that too ("is
        # investigated and treated"), and one after a noun lost its subject to the parser
        shares_aux = not auxiliaries_of(verb) and (
            bool(auxiliaries_of(verb.head)) or verb.tag_ not in ("VBZ", "VBP", "VBD")
        )
        subordinate = verb.left_edge.dep_ == "mark"
        # "X is higher when a patient has A, is B ...": B is said of the patient, not X
        across = any(t.dep_ in SUBJECTS for t in verb.doc[verb.head.i + 1 : verb.i])
        if verb.head.i not in heads or not joined or shares_aux or subordinate or across:
            return ""
        return "main"
    if subject is None or before is None or subject.lower_ in ("which", "who", "that"):
        return ""
    first = verb.left_edge
    if first.lower_ in RELATIVE_WORDS or (
        first.dep_ == "prep" and verb.doc[first.i + 1].lower_ in RELATIVE_WORDS
    ):
        return ""  # "of which A and B are the commonest": a relative clause
    if verb.dep_ == "conj":
        # "A is X and B is Y"; ", and X is ..." or "; X is ..." wherever the parser hung it
        if verb.left_edge.dep_ == "mark" and verb.left_edge.lower_ in ("whereas", "while"):
            return "contrast"
        if mark_of(verb):
            return ""  # "..., or when the patient has ...": a condition, not a clause
        if verb.head.i in heads and (before.dep_ == "cc" or before.text in (",", ";")):
            return "main"
        comma = verb.doc[before.i - 1] if before.i > verb.sent.start else None
        if before.lower_ in ("and", "but") and comma is not None and comma.text in (",", ";"):
            return "main"  # not ", or X is ...": the last of a list of conditions
        return "main" if before.text == ";" else ""
    if verb.dep_ in ("ccomp", "parataxis") and verb.doc[verb.left_edge.i - 1].text == ";":
        return "main"
    if verb.dep_ == "advcl":
        mark = mark_of(verb)
        after_comma = (
            verb.left_edge.i > verb.sent.start and verb.doc[verb.left_edge.i - 1].text == ","
        )
        if mark == "whereas" or (mark == "while" and after_comma):
            return "contrast"
        if mark == "because" and after_comma and verb.head.i in heads and verb.i > verb.head.i:
            # "NICE does not recommend X, because Y": the rule is asked alone too (with its
            # reason, the answer to "what" can be too long to ask)
            return "reason"
    return ""


def _before_group(verb: Token) -> Token | None:
    """The token before ``verb``'s clause (its subject, auxiliaries and marks)."""
    first = verb.left_edge.i
    if first <= verb.sent.start:
        return None
    return verb.doc[first - 1]
