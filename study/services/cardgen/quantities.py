"""Quantities in a parsed sentence: each number with its unit and its comparator.

"below 7.3", "0.1 units/kg per hour", "5 to 10 minutes", "between 94 and 98%", "one in
three", "two of three", "about fivefold": what a number cloze deletes whole. A number that
names ("type 2", "12-lead", "CURB-65", "beta-2", a year) is no quantity.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from study.services.cardgen.terms import word_list

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

UNITS = word_list("units")
COMPARATORS = word_list("comparators")
# Words before a number that make it a name, not a quantity ("type 2", "grade 3").
_NAMING = frozenset(
    [
        "type",
        "grade",
        "stage",
        "class",
        "phase",
        "category",
        "factor",
        "tier",
        "lead",
        "gen",
        "level",
        "zone",
        "step",
        "part",
        "chapter",
        "table",
        "figure",
        "version",
        "week",
    ]
)


def quantities(span: Span) -> list[tuple[int, int]]:
    """The character spans (in the sentence) of its quantities, each with its unit and its
    comparator: "below 5.5 mmol/L", "one in three", "about fivefold", "at least 30 seconds"."""
    found: list[tuple[int, int]] = []
    tokens = list(span)
    used: set[int] = set()
    for index, token in enumerate(tokens):
        if index in used or not _number(token) or _names(tokens, index):
            continue
        if re.fullmatch(r"(?:1[89]|20)\d\d", token.text):
            continue  # a year
        first = last = index
        # "5 to 10", "1 in 3", "between 94 and 98", "3.0 mmol/L or more"
        while (
            last + 2 < len(tokens)
            and tokens[last + 1].lower_ in ("to", "-", "–", "in", "of", "and", "or", "×")
            and (
                _number(tokens[last + 2])
                or tokens[last + 2].lower_ in ("more", "less", "above")
                or (tokens[last + 1].text == "×" and tokens[last + 2].text[:1].isdigit())
            )
        ):  # "1.5 × 10⁹/L": one quantity
            if tokens[last + 1].lower_ == "and" and not _between(tokens, first):
                break
            if tokens[last + 1].lower_ == "of" and not tokens[last + 2].like_num:
                break  # "two of three features" is one share; "two of more" is not
            last += 2
        while last + 1 < len(tokens) and (
            _unit(tokens, last + 1)
            or (
                last > index
                and not tokens[last].whitespace_
                and tokens[last + 1].text not in (",", ";", ":", "(", ")", ".")
            )
        ):
            last += 1
        last = _range_end(tokens, index, last)
        if (
            last + 2 < len(tokens)
            and tokens[last + 1].lower_ == "or"
            and tokens[last + 2].lower_
            in ("more", "less", "above", "below", "over", "fewer", "higher", "lower", "greater")
        ):
            last += 2
        while (
            first > 0
            and first - 1 not in used
            and (
                tokens[first - 1].lower_ in COMPARATORS
                or (tokens[first - 1].lower_ == "at" and tokens[first].lower_ in ("least", "most"))
            )
        ):
            if tokens[first - 1].lower_ in ("to", "than") and (
                first < 2 or tokens[first - 2].lower_ not in COMPARATORS
            ):
                break
            first -= 1
        if first >= 2 and _unit(tokens, first - 1) and tokens[first - 2].lower_ == "between":
            first -= 2  # "between days 4 and 14"
        used.update(range(first, last + 1))
        start = tokens[first].idx - span.start_char
        end = tokens[last].idx + len(tokens[last]) - span.start_char
        if span.text[end - 1] == "." and end == len(span.text):
            end -= 1  # "mL/kg/h." at the end of the sentence
        found.append((start, end))
    return found


def _between(tokens: list[Token], index: int) -> bool:
    """Whether the number at ``index`` opens a "between A and B" range (also "between
    days 4 and 14")."""
    before = [t.lower_ for t in tokens[max(0, index - 2) : index]]
    return before[-1:] == ["between"] or (
        before[:1] == ["between"] and index >= 1 and _unit(tokens, index - 1)
    )


def _range_end(tokens: list[Token], index: int, last: int) -> int:
    """Where a quantity ends once its second bound and its unit's modifier are taken in:
    "500 mg to 1 g" and "between 2 and 4 mg" are one quantity, "2 working days" one
    number of days."""
    while True:
        if (
            last > index
            and last + 2 < len(tokens)
            and (
                tokens[last + 1].lower_ in ("to", "-", "–")
                or (tokens[last + 1].lower_ == "and" and _between(tokens, index))
            )
            and _number(tokens[last + 2])
        ):  # "500 mg to 1 g", "between 6 months and 3 years": the second bound
            last += 2
        elif (
            last == index
            and last + 2 < len(tokens)
            and (tokens[last + 1].pos_ in ("ADJ", "VERB") or tokens[last + 1].dep_ == "amod")
            and tokens[last + 1].is_lower
            and _unit(tokens, last + 2)
        ):  # "2 working days", "3 consecutive days"
            last += 1
        else:
            return last
        while last + 1 < len(tokens) and _unit(tokens, last + 1):
            last += 1


_ORDINAL_FACTS = frozenset(["place", "most", "leading", "highest", "largest", "commonest"])


def _number(token: Token) -> bool:
    if re.fullmatch(r"\d+(?:\.\d+)?[–-]\d+(?:\.\d+)?", token.text):
        return True  # "15–20 g": a range the tokenizer kept as one word
    if token.lower_ in ("half", "quarter") and token.i > 0 and token.nbor(-1).lower_ == "than":
        return True  # "less than half their usual feeds"
    if token.is_alpha and token.lower_.endswith(("st", "nd", "rd", "th")) and token.like_num:
        # "sixth place" is a rank to learn; "a third heart sound" names a sound
        after = token.nbor(1).lower_ if token.i + 1 < len(token.doc) else ""
        return after in _ORDINAL_FACTS
    if token.like_num or token.tag_ == "CD":
        return (
            any(c.isdigit() for c in token.text)
            or token.lower_ not in ("one",)
            or (
                token.nbor(1).lower_ in ("in", "to", "or")
                if token.i + 1 < len(token.doc)
                else False
            )
        )
    return token.lower_.endswith("fold") and token.lower_ not in ("fold", "manifold")


def _names(tokens: list[Token], index: int) -> bool:
    """Whether the number at ``index`` names rather than counts: "type 2 diabetes",
    "cotransporter 2", "a 12-lead ECG", "CURB-65", "beta-2", "factor II"."""
    token = tokens[index]
    before = tokens[index - 1] if index else None
    after = tokens[index + 1] if index + 1 < len(tokens) else None
    if before is not None and before.lower_ in _NAMING:
        return True
    if re.fullmatch(r"[^\W\d_]+-\d+", token.text):
        return True  # "beta-2 agonists", "interleukin-6": one token, a name
    if after is not None and after.text == "°" and not token.whitespace_:
        # "2° prevention" is secondary prevention; "38°C" and "38 °C" are temperatures
        degree = index + 2 < len(tokens) and tokens[index + 2].text in ("C", "F")
        return not (degree and not after.whitespace_)
    ranged = index + 2 < len(tokens) and tokens[index + 2].like_num
    if after is not None and after.lower_ in ("-", "‑", "–", "to") and ranged:
        return False  # "aspirin 75-150 mg", "prednisolone 1 to 2 mg/kg": a range counts
    if after is not None and after.text in ("-", "‑") and index + 2 < len(tokens):
        return True  # "12-lead", "2-hour glucose": part of a name
    if before is not None and before.text == "-" and index >= 2 and tokens[index - 2].is_alpha:
        return True  # "CURB-65"
    if (
        before is not None
        and after is not None
        and token.text.isdigit()
        and before.pos_ in ("NOUN", "PROPN")
        and after.pos_ in ("NOUN", "PROPN")
        and before.lower_ not in UNITS
        and after.lower_ not in UNITS
    ):
        return True  # "cotransporter 2 inhibitors"
    # "cotransporter 2": a number after the noun it belongs to
    return (
        before is not None
        and token.text.isdigit()
        and before.pos_ in ("NOUN", "PROPN")
        and before.lower_ not in UNITS
        and (after is None or after.lower_ not in UNITS)
        and token.dep_ in ("nummod", "appos", "compound", "npadvmod")
        and token.head == before
    )


def _unit(tokens: list[Token], index: int) -> bool:
    token = tokens[index]
    lowered = token.lower_
    if lowered in UNITS or lowered in ("/", "²", "³"):
        # "per" and "/" only between units ("units/kg per hour")
        followed = index + 1 < len(tokens) and tokens[index + 1].lower_ in UNITS
        return lowered not in ("/", "per") or followed
    return bool(re.fullmatch(r"(?:[a-zµ]+/)+[a-z0-9.²]+", lowered))
