""" "unless A, in which case B" told as "If A, B"; "except after A, in which case B" as
"After A, B"."""

from __future__ import annotations

from typing import TYPE_CHECKING

from study.services.cardgen.clauses.naming import named_pronoun
from study.services.cardgen.clauses.units import PRONOUNS, SUBJECTS, Unit
from study.services.cardgen.clauses.writing import COMMA, IF, as_sentence
from study.services.cardgen.deps import mark_of

if TYPE_CHECKING:
    from spacy.tokens import Span, Token


def case_units(span: Span) -> list[Unit]:
    """Clauses opened by ", in which case" after a condition ("unless the patient cannot
    swallow, in which case intravenous hydrocortisone is used"), each with that
    condition (its ``antecedent``: the clause or "except" phrase before the comma)."""
    units: list[Unit] = []
    for token in span:
        first = token.left_edge
        if (
            token.pos_ not in ("VERB", "AUX")
            or first.lower_ != "in"
            or first.i + 2 >= token.i
            or [t.lower_ for t in token.doc[first.i + 1 : first.i + 3]] != ["which", "case"]
            or first.i - 2 < span.start
            or token.doc[first.i - 1].text != ","
        ):
            continue
        condition = _condition_ending(token.doc[first.i - 2], first.i - 1)
        if condition is not None:
            extent = {t.i for t in token.subtree} | {first.i - 1}
            units.append(Unit(token, extent, "case", condition))
    return units


def _condition_ending(last: Token, comma: int) -> Token | None:
    """The condition that ends with ``last`` (before the comma at ``comma``): an
    "unless/if/when" clause or an "except" phrase whose last word it is (the parser may
    hang the "in which case" clause on it)."""
    for token in [last, *last.ancestors]:
        if max(t.i for t in token.subtree if t.i < comma) != last.i:
            return None
        if token.dep_ == "advcl" and mark_of(token) in ("unless", "if", "when"):
            return token
        if token.dep_ == "prep" and token.lower_ == "except":
            return token
    return None


def case_text(unit: Unit, own: list[Token], units: list[Unit], span: Span) -> str | None:
    """ "unless A, in which case B" told as "If A, B"; "except after A, in which case B"
    as "After A, B"."""
    condition = unit.antecedent
    if condition is None:
        return None
    opener = condition if condition.dep_ == "prep" else None
    if opener is None:
        opener = next(c for c in condition.children if c.lower_ == mark_of(condition))
    comma = unit.head.left_edge.i - 1
    said = [t for t in condition.subtree if t != opener and t.i < comma]
    if any(t.lower_ in ("it", "they", "them", "this") for t in said):
        return None  # "unless the bleeding cannot be controlled with it": with what?
    body: list[Token] = []
    for token in own[3:]:  # past "in which case"
        if token.lower_ in PRONOUNS and token.dep_ in SUBJECTS:
            named = named_pronoun(token, span.root, units, span)
            if named is None:
                return None
            body += named
        else:
            body.append(token)
    lead: list[Token] = [IF] if opener.dep_ != "prep" else []  # type: ignore[list-item]
    return as_sentence([*lead, *said, COMMA, *body])  # type: ignore[list-item]
