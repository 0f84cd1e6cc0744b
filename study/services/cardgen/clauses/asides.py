"""Remarks in parentheses told as sentences about the phrase before them: a short list
("the signs (A, B and C)": "The signs include A, B and C.") or a relative clause."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from study.services.cardgen.clauses.units import MAX_ANTECEDENT_WORDS
from study.services.cardgen.clauses.writing import text_of
from study.services.cardgen.deps import plural

if TYPE_CHECKING:
    from spacy.tokens import Span, Token


def aside_texts(span: Span, asides: tuple[tuple[int, str], ...]) -> list[str]:
    """The remarks in parentheses of ``span`` (``asides``: where in its text, remark) that
    list what the phrase before them names, or say more of it ("which may be mistaken for
    ..."), each as a sentence of its own. The sentence's own cards never ask them (a
    remark is read only for other names)."""
    texts = [_aside_text(span, at, aside) for at, aside in asides]
    return [text for text in texts if text]


def read_as_definition(
    span: Span, asides: tuple[tuple[int, str], ...], front: str, back: str
) -> bool:
    """Whether a "What is X?" card answers with a remark in parentheses after a singular
    X that lists several things, or says what a list is ("autonomic dysfunction
    (arrhythmias, swings in blood pressure and urinary retention)", "a respiratory
    infection (A, B and C are other triggers)"): the forms X takes or things said beside
    it, no definition of it (after a plural or a counted noun, "the six Ps (A, B, ...)",
    the list is what it names)."""
    if not re.match(r"(?:[^?]*: )?what (?:is|are) ", front, re.IGNORECASE):
        return False
    said = back.strip().rstrip(".").lower()
    for at, aside in asides:
        if said != aside.strip().rstrip(".").lower() or _SEVERAL.match(aside) is None:
            continue
        before = [t for t in span if t.idx + len(t.text) - span.start_char <= at]
        if aside.split(" ")[0].lower() in _NOT_LIST_OPENERS or not before:
            continue
        counted = any(c.dep_ == "nummod" for c in before[-1].children)  # "the six Ps"
        if before[-1].tag_ not in ("NNS", "NNPS") and not counted:
            return True
    return False


# Three things or more, or such a list said to be something ("A, B and C are triggers").
_SEVERAL = re.compile(r"[^(),;]+(?:, [^(),;]+)+,? (?:and|or) [^(),;]+")


def _aside_text(span: Span, at: int, aside: str) -> str | None:
    """A remark in parentheses told as a sentence about the phrase just before it: a list
    ("the signs that textbooks describe (A, B, C and D)": "The signs that textbooks
    describe include A, B, C and D."), or a relative clause ("nausea or vomiting (which may
    be mistaken for a migraine)": "Nausea or vomiting may be mistaken for a migraine.")."""
    before = [t for t in span if t.idx + len(t.text) - span.start_char <= at]
    if not before or before[-1].is_punct:
        return None
    first, _, rest = aside.partition(" ")
    relative = first.lower() in ("which", "who") and bool(rest)
    noun = _phrase_ending(before[-1], across_lists=True, across_phrases=not relative)
    if relative:
        # said of the last item when the verb agrees with it alone ("potassium, phosphate
        # and nucleic acids (which are broken down to uric acid)"), else of them all
        number = _NUMBER.get(rest.split(" ")[0].lower())
        last = _phrase_ending(before[-1], across_lists=False, across_phrases=False)
        if number is not None and last is not None and plural(last) == number:
            noun = last
    described = None
    if noun is not None and not relative:
        # "drugs that impair neuromuscular transmission (A, B and C)": the list is of the
        # plural noun the clause describes, not of the singular noun that ends it (and
        # after a plural one, of either)
        clause = next((a for a in noun.ancestors if a.dep_ in ("relcl", "acl")), None)
        head = noun.doc[clause.left_edge.i - 1] if clause is not None else None
        if (
            clause is not None
            and head is not None
            and clause.right_edge.i == before[-1].i
            and head.tag_ in ("NNS", "NNPS")
            and (head == clause.head or head in clause.head.conjuncts)
        ):
            # the noun just before the clause: the parser may hang the clause on the
            # first of a list ("infection, surgery or drugs that impair ...")
            if plural(noun):
                return None  # "drugs that induce liver enzymes (A, B and C)": which?
            noun = described = head
    if noun is None:
        return None
    start = min([noun.i] + [c.left_edge.i for c in noun.lefts if c.dep_ in _NOUN_PHRASE_DEPENDENTS])
    phrase = [t for t in noun.subtree if start <= t.i <= before[-1].i]
    if noun is described:
        phrase = list(noun.doc[start : before[-1].i + 1])  # the clause hung elsewhere
    if sum(1 for t in phrase if not t.is_punct) > MAX_ANTECEDENT_WORDS:
        return None
    named = text_of(phrase)
    if relative:
        said = f"{named} {rest}"
    elif _a_list(aside) and (noun is described or not noun.conjuncts):
        # what a plural names, or what a singular one is made of ("grade 1 (A, B and C)")
        said = f"{named} {'include' if noun.tag_ in ('NNS', 'NNPS') else 'includes'} {aside}"
    else:
        return None
    said = said.rstrip(" .")
    return said[0].upper() + said[1:] + "."


# What stands before a noun in its phrase ("the two major", "Janeway", "the patient's").
_NOUN_PHRASE_DEPENDENTS = frozenset(["det", "amod", "compound", "nummod", "poss", "nmod"])
_NUMBER = {"is": False, "has": False, "was": False, "are": True, "have": True, "were": True}


def _a_list(aside: str) -> bool:
    """Whether the remark is a list of three or more items joined once ("A, B and C"):
    not a clause or an example ("such as A"), not items said "particularly", not items
    with an "and" of their own ("A on the palms and soles, B, and C": the parser takes
    the list apart)."""
    first = aside.split(" ")[0].lower()
    if first in _NOT_LIST_OPENERS or first.endswith("ly"):
        return False
    joins = len(re.findall(r"\b(?:and|or)\b", aside))
    if not (aside.count(",") >= 1 and joins == 1 and aside.count(",") + joins >= 2):
        return False
    # short noun phrases only: a participle or a long item ("distended neck veins", "A
    # on the palms and soles") is read by the parser as a clause or an apposition
    items = [i.split() for i in re.split(r",\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+", aside)]
    return all(
        0 < len(item) <= _MAX_ITEM_WORDS and not re.search(r"(?:ed|ing)$", item[0])
        for item in items
    )


_MAX_ITEM_WORDS = 5


# Words that open a remark that is no list of what the phrase before it names.
_NOT_LIST_OPENERS = frozenset(
    [
        "such",
        "e.g.",
        "eg",
        "for",
        "including",
        "or",
        "and",
        "unless",
        "except",
        "if",
        "when",
        "because",
        "see",
        "formerly",
        "also",
        "previously",
        "the",
        "its",
        "their",
        "this",
        "these",
        "from",
        "with",
        "without",
    ]
)


def _phrase_ending(last: Token, *, across_lists: bool, across_phrases: bool) -> Token | None:
    """The highest noun whose phrase ends with ``last`` ("the signs that textbooks
    describe"; across a list, "a severe headache and nausea or vomiting"; across a
    phrase that qualifies it, "the classic signs of myxoedema")."""
    token, best = last, last if last.pos_ in ("NOUN", "PROPN") else None
    clause = next((a for a in last.ancestors if a.dep_ in ("relcl", "acl")), None)
    if best is None and clause is not None and clause.right_edge.i == last.i:
        # "the symptoms that patients notice first": the noun the clause describes
        token = best = clause.head
        if best.pos_ not in ("NOUN", "PROPN"):
            return None
    passing = ("relcl", "acl", "compound", "amod", "nummod") + (
        ("conj", "appos") if across_lists else ()
    )
    while token.head != token and token.head.right_edge.i == last.i:
        head = token.head
        if token.dep_ in passing:
            token = head
        elif (
            across_phrases
            and token.dep_ == "pobj"
            and head.dep_ == "prep"
            and head.head.pos_ in ("NOUN", "PROPN")
        ):
            token = head.head
        else:
            break
        if token.pos_ in ("NOUN", "PROPN"):
            best = token
    return best
