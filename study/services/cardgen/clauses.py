"""A long sentence told again as short standalone sentences, one per clause.

A textbook sentence of 60 to 90 words often carries several facts in coordinated
clauses, clauses after a semicolon, "whereas" clauses and non-restrictive relative clauses
("X, which is calculated from A, B and C, identifies ..."). Its own cards often fail a
length gate (a cloze of the whole sentence is over 70 words, an answer over 16), and then
nothing of it is asked. ``clause_texts`` reads the sentence's clauses off the dependency
parse and writes each as a sentence of its own, with its subject named and its conditions
kept, so that the ordinary proposal machinery can read each one:

- a coordinated verb without a subject of its own takes the subject it shares, and the
  conditions that lead that subject ("If the transfer will be delayed, the patient lies
  flat ... and is given ..." gives "If the transfer will be delayed, the patient is given
  ...");
- a non-restrictive relative clause is said of the phrase just before its comma ("X,
  which is calculated from A" gives "X is calculated from A"; "patients with asthma, who
  are not given timolol" gives "Patients with asthma are not given timolol", wherever the
  parser hung "who"), and is taken out of the clause around it;
- "..., except those over 70, in whom it is less reliable" gives "In those over 70, X is
  less reliable", "it" named by the subject of the clause that holds "those over 70";
- "unless A, in which case B" gives "If A, B";
- "X is done, because Y" is told with its reason and without it.

``aside_texts`` does the same for remarks in parentheses that are relative clauses or
short lists ("nausea or vomiting (which may be mistaken for a migraine)").

Nothing is made when the parse does not give clean pieces: a clause whose words are not
one run of the sentence (once the other clauses are taken out) is left out.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from study.services.cardgen.deps import CONTRAST_MARKS, NAMING_VERBS, mark_of, own_subject

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

# A sentence shorter than this is read whole: its own cards ask its clauses.
MIN_WORDS = 40
# A sentence this long is read clause by clause even when its own cards pass every gate.
VERY_LONG_WORDS = 55
# A clause shorter than this (in words) states no fact of its own.
MIN_CLAUSE_WORDS = 4
# An antecedent longer than this is a clause of its own, not a name to repeat.
MAX_ANTECEDENT_WORDS = 12
_SUBJECTS = ("nsubj", "nsubjpass")
_NOUNS = ("NOUN", "PROPN", "PRON", "NUM")
_PRONOUNS = frozenset(["it", "they"])
_RELATIVE_WORDS = frozenset(["which", "who", "whom", "whose"])


@dataclass
class _Unit:
    """One clause: the verb that heads it, the tokens it covers in the sentence, and what
    it takes from elsewhere (a shared subject and its conditions, or an antecedent)."""

    head: Token
    extent: set[int]
    # "main", "contrast", "reason", "relative", "case" ("in which case ...") or "broken"
    # (a relative clause cut apart)
    kind: str
    antecedent: Token | None = None


def long_enough(span: Span) -> bool:
    """Whether ``span`` is long enough to be read clause by clause too."""
    return sum(1 for t in span if not t.is_punct) >= MIN_WORDS


def very_long(span: Span) -> bool:
    """Whether ``span`` is so long that its own cards cannot ask every clause."""
    return sum(1 for t in span if not t.is_punct) >= VERY_LONG_WORDS


def clause_texts(span: Span) -> list[str]:
    """The clauses of ``span`` as standalone sentences (none when it has fewer than two)."""
    units = _main_units(span) + _relative_units(span) + _case_units(span)
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


def aside_texts(span: Span, asides: tuple[tuple[int, str], ...]) -> list[str]:
    """The remarks in parentheses of ``span`` (``asides``: where in its text, remark) that
    list what the phrase before them names, or say more of it ("which may be mistaken for
    ..."), each as a sentence of its own. The sentence's own cards never ask them (a
    remark is read only for other names)."""
    texts = [_aside_text(span, at, aside) for at, aside in asides]
    return [text for text in texts if text]


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
        if number is not None and last is not None and _plural(last) == number:
            noun = last
    if noun is None:
        return None
    start = min([noun.i] + [c.left_edge.i for c in noun.lefts if c.dep_ in _NOUN_PHRASE_DEPENDENTS])
    phrase = [t for t in noun.subtree if start <= t.i <= before[-1].i]
    if sum(1 for t in phrase if not t.is_punct) > MAX_ANTECEDENT_WORDS:
        return None
    named = _sentence_text(phrase)
    if relative:
        said = f"{named} {rest}"
    elif _a_list(aside) and noun.tag_ in ("NNS", "NNPS") and not noun.conjuncts:
        said = f"{named} include {aside}"
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


_MAX_ITEM_WORDS = 4


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
    passing = ("relcl", "acl", "compound", "amod") + (("conj", "appos") if across_lists else ())
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


def _sentence_text(tokens: list[Token]) -> str:
    return "".join(t.text + t.whitespace_ for t in tokens).strip()


def _main_units(span: Span) -> list[_Unit]:
    """The root's clause, the clauses coordinated with it (", and X is ..."; "and is
    given ...", sharing the subject), clauses after ";" and contrast clauses ("whereas")."""
    root = span.root
    if root.pos_ not in ("VERB", "AUX") or any(
        c.i < root.i
        and own_subject(c) is not None
        and (c.dep_ in ("ccomp", "parataxis") or (c.dep_ == "advcl" and not _opens(c)))
        for c in root.children
    ):
        # "A is X when ..., B is Y, C is Z": the parser's root is not the main clause
        return []
    units = [_Unit(root, {t.i for t in root.subtree}, "main")]
    heads = {root.i}
    for token in span:
        if token.pos_ not in ("VERB", "AUX") or token == root:
            continue
        kind = _main_kind(token, heads)
        if kind:
            units.append(_Unit(token, {t.i for t in token.subtree}, kind))
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
        shares_aux = not _auxiliaries(verb) and (
            bool(_auxiliaries(verb.head)) or verb.tag_ not in ("VBZ", "VBP", "VBD")
        )
        subordinate = verb.left_edge.dep_ == "mark"
        # "X is higher when a patient has A, is B ...": B is said of the patient, not X
        across = any(t.dep_ in _SUBJECTS for t in verb.doc[verb.head.i + 1 : verb.i])
        if verb.head.i not in heads or not joined or shares_aux or subordinate or across:
            return ""
        return "main"
    if subject is None or before is None or subject.lower_ in ("which", "who", "that"):
        return ""
    first = verb.left_edge
    if first.lower_ in _RELATIVE_WORDS or (
        first.dep_ == "prep" and verb.doc[first.i + 1].lower_ in _RELATIVE_WORDS
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


def _auxiliaries(verb: Token) -> list[Token]:
    return [c for c in verb.children if c.dep_ in ("aux", "auxpass") and c.i < verb.i]


def _before_group(verb: Token) -> Token | None:
    """The token before ``verb``'s clause (its subject, auxiliaries and marks)."""
    first = verb.left_edge.i
    if first <= verb.sent.start:
        return None
    return verb.doc[first - 1]


def _case_units(span: Span) -> list[_Unit]:
    """Clauses opened by ", in which case" after a condition ("unless the patient cannot
    swallow, in which case intravenous hydrocortisone is used"), each with that
    condition (its ``antecedent``: the clause or "except" phrase before the comma)."""
    units: list[_Unit] = []
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
            units.append(_Unit(token, extent, "case", condition))
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


def _case_text(unit: _Unit, own: list[Token], units: list[_Unit], span: Span) -> str | None:
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
        if token.lower_ in _PRONOUNS and token.dep_ in _SUBJECTS:
            named = _named_pronoun(token, span.root, units, span)
            if named is None:
                return None
            body += named
        else:
            body.append(token)
    lead: list[Token] = [_IF] if opener.dep_ != "prep" else []  # type: ignore[list-item]
    return _sentence([*lead, *said, _COMMA, *body])  # type: ignore[list-item]


def _relative_units(span: Span) -> list[_Unit]:
    """Non-restrictive relative clauses ("..., which ...", "..., in whom ..."), each with
    the phrase just before its comma."""
    units: list[_Unit] = []
    for token in span:
        if token.dep_ != "relcl" or token.pos_ not in ("VERB", "AUX"):
            continue
        first = token.left_edge.i
        if first - 2 < span.start or token.doc[first - 1].text != ",":
            continue  # restrictive: no comma before it
        if _relative_word(token) is None or token.lemma_ in NAMING_VERBS:
            continue  # ", which is called X": a name for the whole clause before
        last = token.doc[first - 2]
        if last.text == ")" and last.i - 1 > span.start:
            # "the prothrombin time (or INR), which ...": the phrase before the brackets
            last = next((t for t in reversed(span[: last.i - span.start]) if t.text == "("), last)
            last = token.doc[last.i - 1]
        antecedent = _antecedent(last, token)
        if antecedent is None:
            continue
        end = token.right_edge.i + 1
        if _cut(token, end, span, antecedent):
            # no clause of its own, and the clause around it is not clean either
            units.append(_Unit(token, set(), "broken"))
            continue
        extent = {t.i for t in token.subtree} | {first - 1}
        if end < len(token.doc) and token.doc[end].text == ",":
            extent.add(end)  # "X, which ..., is": both commas go with the clause
        units.append(_Unit(token, extent, "relative", antecedent))
    return units


def _cut(relcl: Token, end: int, span: Span, antecedent: Token) -> bool:
    """Whether the parser cut the relative clause ``relcl`` from what belongs with it: a
    list it began goes on after it ("which is suggested by A, B and C": B and C hung on
    the noun before, or taken for the subject after a sentence's first noun), or an
    "or"/"and" of the clause around it hangs on it ("in which A is characteristic, or by a
    biopsy")."""
    if any(c.dep_ == "cc" for c in relcl.children) and not any(
        c.dep_ == "conj" and c.pos_ in ("VERB", "AUX") for c in relcl.children
    ):
        return True
    after = next((t for t in span[end - span.start :] if not t.is_punct), None)
    if after is None or after.dep_ == "cc":
        return False
    while after.head.i >= end and after.head != after and after.head.pos_ in _NOUNS:
        after = after.head
    if after.dep_ in _SUBJECTS and antecedent.left_edge.i == span.start:
        return True
    return after.dep_ in ("conj", "appos") and after.head.i < relcl.left_edge.i


def _relative_word(verb: Token) -> Token | None:
    """ "which"/"who" as the clause's subject, or "whom"/"which" after its preposition."""
    for child in verb.children:
        if child.dep_ in _SUBJECTS and child.lower_ in ("which", "who") and child.i < verb.i:
            return child
        if (
            child.dep_ == "prep"
            and child.i == verb.left_edge.i
            and [c.lower_ for c in child.children] in (["whom"], ["which"])
        ):
            return child
    return None


def _antecedent(last: Token, relcl: Token) -> Token | None:
    """The noun the relative clause is said of: the noun just before its comma, or a noun
    that phrase qualifies ("patients with asthma, who ...", "people who inject drugs, in
    whom ..."); of those, the highest whose number the relative clause's verb agrees with.
    None after a remark set off by commas (", usually of a heart valve, which ...": the
    clause may be said of what came before the remark)."""
    if last.pos_ not in _NOUNS or last.tag_ in ("PRP", "WDT", "WP"):
        return None
    chain = [last]
    token = last
    while True:
        head = token.head
        if (
            token.dep_ == "pobj"
            and head.dep_ == "prep"
            and (head.lower_ in _QUALIFYING or head.head.dep_ == "acl")
        ):
            above = head.head
        elif token.dep_ == "dobj" and head.dep_ in ("acl", "relcl"):
            above = head
        else:
            break
        if above.dep_ in ("acl", "relcl"):
            above = above.head
        if above.pos_ not in ("NOUN", "PROPN") or above.i > last.i:
            break
        token = above
        chain.append(token)
    number = {"VBZ": False, "VBP": True}.get(_finite(relcl).tag_)
    word = _relative_word(relcl)
    for noun in reversed(chain):
        if (word is not None and word.dep_ == "prep") or number is None or _plural(noun) == number:
            opener = noun.head.left_edge if noun.dep_ == "pobj" else noun.left_edge
            if opener.pos_ == "ADV" and noun.doc[opener.i - 1].text == ",":
                return None
            if word is not None and word.lower_ == "which" and _adverbial(noun):
                return None  # "... until the birth, which reduces ...": said of the clause
            return noun
    return None


def _adverbial(noun: Token) -> bool:
    """Whether ``noun`` ends a phrase that says when or for how long of a verb ("take
    aspirin until the birth")."""
    return (
        noun.dep_ == "pobj"
        and noun.head.lower_ in _WHEN_PREPOSITIONS
        and noun.head.head.pos_ in ("VERB", "AUX")
    )


_WHEN_PREPOSITIONS = frozenset(["until", "till", "after", "before", "during", "since", "for"])


# Prepositions whose phrase qualifies the noun before it ("patients with asthma").
_QUALIFYING = frozenset(["with", "of", "in", "at", "on", "from", "for", "under", "over"])


def _finite(verb: Token) -> Token:
    """The word of ``verb``'s group that shows its number (its first auxiliary)."""
    auxiliaries = _auxiliaries(verb)
    return auxiliaries[0] if auxiliaries else verb


def _plural(noun: Token) -> bool:
    return noun.tag_ in ("NNS", "NNPS") or any(c.dep_ == "conj" for c in noun.children)


def _phrase(head: Token, units: list[_Unit], span: Span) -> list[Token] | None:
    """The phrase ``head`` heads, without the clauses ``units`` take out of it and the
    remarks set off by commas; None when it is too long to repeat."""
    taken = set().union(*(u.extent for u in units if head.i not in u.extent or u.head == head))
    for child in head.children:
        opening = child.left_edge.i - 1
        if child.dep_ in _REMARKS and opening > head.i and head.doc[opening].text == ",":
            # "the definitive treatment, once the pressure is controlled, ...": a remark
            # set off by commas is not repeated with the name
            taken |= {t.i for t in child.subtree} | {opening}
    tokens = [t for t in head.subtree if t.i not in taken and t.i < _stop(head, units)]
    tokens = _trim(tokens)
    if not tokens or sum(1 for t in tokens if not t.is_punct) > MAX_ANTECEDENT_WORDS:
        return None
    return tokens


# What a noun's phrase holds that is a remark when set off by commas.
_REMARKS = frozenset(["advcl", "acl", "appos", "relcl"])


def _stop(head: Token, units: list[_Unit]) -> int:
    """Where the phrase of ``head`` ends: before the first clause that comes after it."""
    after = [min(u.extent) for u in units if u.extent and min(u.extent) > head.i]
    return min(after, default=head.doc.__len__())


def _text(unit: _Unit, units: list[_Unit], span: Span, *, reasons: bool = True) -> str | None:
    """``unit`` as a sentence, with the reasons ("because ...") it holds or without."""
    if unit.kind in ("broken", "reason"):
        return None
    if any(c.dep_ == "conj" and c.pos_ in ("NOUN", "PROPN") for c in unit.head.children):
        return None  # a verb coordinated with a noun: the parse is broken here
    own = _own_tokens(unit, [u for u in units if reasons is False or u.kind != "reason"])
    if own is None:
        return None
    if unit.kind == "relative":
        return _relative_text(unit, own, units, span)
    if unit.kind == "case":
        return _case_text(unit, own, units, span)
    lead: list[Token] = []
    subject = own_subject(unit.head)
    if subject is None:
        shared = _shared(unit.head, units, span)
        if shared is None:
            return None
        lead = shared
    elif subject.lower_ in _PRONOUNS and unit.head != span.root:
        # "..., and it is offered for both eyes": "it" is what the sentence is about
        named = _named_pronoun(subject, span.root, units, span)
        if named is None:
            return None
        own = [t for o in own for t in (named if o == subject else [o])]
    own = _both_named(unit, own, lead, units, span)
    return _sentence(lead + own)


def _both_named(
    unit: _Unit, own: list[Token], lead: list[Token], units: list[_Unit], span: Span
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
        named = _phrase(subject, units, span)
    else:
        named = [t for t in lead if t.i >= 0] if lead else None  # the shared subject
        if named and not any(t.dep_ == "conj" for t in named):
            named = None
    if not named:
        return own
    return [t for o in own for t in (named if o == both else [o])]


def _own_tokens(unit: _Unit, units: list[_Unit]) -> list[Token] | None:
    """The tokens of ``unit`` without the clauses inside it, as one run; None when they are
    not one run (the parser hung a piece of another clause on it)."""
    others = [u for u in units if u is not unit and unit.head.i not in u.extent]
    taken: set[int] = set().union(*(u.extent for u in others))
    inside = set().union(*(u.extent for u in others if u.kind == "relative"))
    doc = unit.head.doc
    kept = sorted(i for i in unit.extent if i not in taken)
    kept = [i for i in kept if not _opener(doc[i], unit, kept)]
    if unit.kind == "relative":
        word = _relative_word(unit.head)
        if word is not None:
            dropped = {word.i} | {c.i for c in word.children if word.dep_ == "prep"}
            kept = [i for i in kept if i not in dropped]
    tokens = _trim([doc[i] for i in kept])
    broken = {u.head.i for u in units if u.kind == "broken"}
    if not tokens or any(t.i in broken for t in tokens):
        return None
    for before, after in itertools.pairwise(tokens):
        gap = range(before.i + 1, after.i)
        if any(i not in inside and not doc[i].is_punct and doc[i].dep_ != "cc" for i in gap):
            return None  # words on both sides of another clause: the parse is not clean
    return tokens


def _opener(token: Token, unit: _Unit, kept: list[int]) -> bool:
    """A word that joins the clause to the one before ("and", "whereas", "which")."""
    first = next((i for i in kept if not unit.head.doc[i].is_punct), None)
    if token.i != first:
        return False
    if token.dep_ == "cc" and token.head == unit.head:
        return True
    return token.dep_ == "mark" and (token.lower_ in CONTRAST_MARKS or unit.kind == "reason")


def _shared(verb: Token, units: list[_Unit], span: Span) -> list[Token] | None:
    """The subject a coordinated ``verb`` shares with the verb it is coordinated with, and
    the conditions that lead that subject ("If the transfer will be delayed, the patient")."""
    head = verb
    while head.dep_ == "conj" and own_subject(head) is None:
        head = head.head
    subject = own_subject(head)
    if subject is None or subject.lower_ in _PRONOUNS or head == verb:
        return None
    phrase = _phrase(subject, units, span)
    if phrase is None:
        return None
    lead: list[Token] = []
    for child in head.children:
        if child.i < subject.left_edge.i and child.dep_ == "advcl" and mark_of(child):
            lead += [t for t in child.subtree]
            lead.append(_COMMA)  # type: ignore[arg-type]
    return lead + phrase


def _relative_text(unit: _Unit, own: list[Token], units: list[_Unit], span: Span) -> str | None:
    antecedent = unit.antecedent
    if antecedent is None:
        return None
    phrase = _phrase(antecedent, units, span)
    if phrase is None:
        return None
    word = _relative_word(unit.head)
    if word is not None and word.dep_ == "prep":
        # "those over 70, in whom it is less reliable": "In those over 70, X is less reliable"
        holder = next(
            (u.head for u in units if u.kind != "relative" and antecedent.i in u.extent),
            span.root,
        )
        flat: list[Token] = []
        for token in own:
            if token.lower_ in _PRONOUNS and token.dep_ in _SUBJECTS:
                named = _named_pronoun(token, holder, units, span)
                if named is None:
                    return None
                flat += named
            else:
                flat.append(token)
        return _sentence([word, *phrase, _COMMA, *flat])  # type: ignore[list-item]
    return _sentence(phrase + own)


def _named_pronoun(
    pronoun: Token, holder: Token, units: list[_Unit], span: Span
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
    if subject.lower_ in _PRONOUNS or subject.pos_ not in ("NOUN", "PROPN"):
        return None
    if _plural(subject) != (pronoun.lower_ == "they"):
        return None
    if holder == span.root and not _leads(subject, span):
        return None  # "A is X when B is Y, the pressure is Z, ..., and it is W": not the pressure
    return _phrase(subject, units, span)


def _opens(child: Token) -> bool:
    """Whether ``child`` of a verb can open its sentence before the subject: a
    prepositional phrase, an adverb, or a clause opened by its mark ("When A, ...")."""
    if child.dep_ in ("prep", "advmod", "npadvmod"):
        return True
    return child.dep_ == "advcl" and mark_of(child) == child.left_edge.lower_ != ""


def _leads(subject: Token, span: Span) -> bool:
    """Whether ``subject`` is what the sentence is about: its first words, or after a
    leading phrase of its verb only ("In adults, X ...")."""
    before = range(span.start, subject.left_edge.i)
    verb = subject.head
    leading = {
        t.i
        for c in verb.children
        if c.i < subject.i and (_opens(c) or c.dep_ == "punct")
        for t in c.subtree
    }
    return all(i in leading for i in before)


_STOPS = frozenset([",", ";", ":", ".", "-", "–", "—"])


class _Comma:
    """A comma written into a clause where the sentence had none."""

    text = lower_ = ","
    pos_ = "PUNCT"
    whitespace_ = " "
    is_punct = True
    i = -1
    dep_ = "punct"


_COMMA = _Comma()


class _If(_Comma):
    """ "If", written before a condition opened by "unless" ("unless A, in which case B":
    "If A, B")."""

    text = "If"
    lower_ = "if"
    pos_ = "SCONJ"
    is_punct = False
    dep_ = "mark"


_IF = _If()


def _trim(tokens: list[Token]) -> list[Token]:
    """``tokens`` without punctuation and "and"/"or" at either end ("33%" keeps its sign)."""
    while tokens and (
        tokens[0].is_punct
        or tokens[0].dep_ == "cc"
        or (tokens[0].dep_ == "mark" and tokens[0].lower_ in CONTRAST_MARKS)
    ):
        tokens = tokens[1:]
    while tokens and (tokens[-1].text in _STOPS or tokens[-1].dep_ == "cc"):
        tokens = tokens[:-1]
    return tokens


def _sentence(tokens: list[Token]) -> str | None:
    """The tokens written as a sentence: spacing kept, punctuation not doubled, a capital
    and a full stop."""
    tokens = _trim(tokens)
    words = sum(1 for t in tokens if not t.is_punct)
    if words < MIN_CLAUSE_WORDS or not any(t.pos_ in ("VERB", "AUX") for t in tokens if t.i >= 0):
        return None
    text = ""
    for index, token in enumerate(tokens):
        if token.is_punct and token.text == "," and (not text or text.rstrip().endswith(",")):
            continue
        if token.text in _STOPS and text.endswith(" "):
            text = text.rstrip()
        word = token.text
        if text and token.i >= 0 and token.i == token.sent.start and token.pos_ == "DET":
            word = word.lower()  # "In those over 70, the score ..."
        text += word
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        if following is not None and (
            token.whitespace_ or token.text == "," or following.i != token.i + 1
        ):
            text += " "
    text = text.strip()
    if text.count("(") != text.count(")"):
        return None  # a bracket the parse put in another clause
    return text[0].upper() + text[1:] + "."
