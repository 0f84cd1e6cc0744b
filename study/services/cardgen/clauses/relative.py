"""Non-restrictive relative clauses ("X, which is ...", "those over 70, in whom ..."),
each said of the noun it describes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from study.services.cardgen.clauses.naming import named_pronoun
from study.services.cardgen.clauses.units import (
    NOUNS,
    PRONOUNS,
    SUBJECTS,
    Unit,
    phrase_of,
)
from study.services.cardgen.clauses.writing import COMMA, as_sentence
from study.services.cardgen.deps import (
    NAMING_VERBS,
    PEOPLE,
    consequence_of,
    in_a_classing_remark,
    list_past_a_relative,
    own_subject,
    plural,
    verb_number,
)

if TYPE_CHECKING:
    from spacy.tokens import Span, Token


def relative_units(span: Span) -> list[Unit]:
    """Non-restrictive relative clauses ("..., which ...", "..., in whom ..."), each with
    the phrase just before its comma."""
    units: list[Unit] = []
    for token in span:
        if token.dep_ != "relcl" or token.pos_ not in ("VERB", "AUX"):
            continue
        first = token.left_edge.i
        defined = _defined(token)
        if defined is not None:
            # "X is a disease in which Z": Z is said of X ("In X, Z")
            units.append(Unit(token, {t.i for t in token.subtree}, "relative", defined))
            continue
        if first - 2 < span.start or token.doc[first - 1].text != ",":
            continue  # restrictive: no comma before it
        if relative_word(token) is None or token.lemma_ in NAMING_VERBS:
            continue  # ", which is called X": a name for the whole clause before
        extent = {t.i for t in token.subtree} | {first - 1}
        consequence = consequence_of(token)
        if consequence is not None:
            # "..., which is why patients are advised to ...": "which" is the clause
            # before, not its last noun; what follows from it is told alone
            units.append(Unit(consequence, extent, "consequence"))
            continue
        last = token.doc[first - 2]
        if last.text == ")" and last.i - 1 > span.start:
            # "the prothrombin time (or INR), which ...": the phrase before the brackets
            last = next((t for t in reversed(span[: last.i - span.start]) if t.text == "("), last)
            last = token.doc[last.i - 1]
        antecedent = _antecedent(last, token)
        if antecedent is None:
            continue
        end = token.right_edge.i + 1
        if _cut(token, end, span, antecedent) or _list_goes_on(antecedent, token):
            # no clause of its own, and the clause around it is not clean either
            units.append(Unit(token, set(), "broken"))
            continue
        if end < len(token.doc) and token.doc[end].text == ",":
            extent.add(end)  # "X, which ..., is": both commas go with the clause
        units.append(Unit(token, extent, "relative", antecedent))
    return units


def _defined(relcl: Token) -> Token | None:
    """The subject of a definition whose class a relative clause after a preposition
    narrows, with no comma ("Pernicious anaemia is an autoimmune disease in which
    antibodies destroy the parietal cells"): what the clause says holds in the thing
    defined, since it is that disease; None for any other relative clause."""
    word = relative_word(relcl)
    noun = relcl.head
    verb = noun.head
    if word is None or word.dep_ != "prep" or relcl.doc[relcl.left_edge.i - 1].is_punct:
        return None
    if noun.dep_ != "attr" or verb.lemma_ != "be" or noun.pos_ not in ("NOUN", "PROPN"):
        return None
    subject = own_subject(verb)
    if subject is None or subject.pos_ not in ("NOUN", "PROPN") or subject.i > verb.i:
        return None
    return subject


def consequence_tokens(complement: Token, own: list[Token]) -> list[Token]:
    """The clause after "which is why" or "which means (that)", without those words."""
    opening = complement.left_edge
    start = opening.i + 1 if opening.lower_ in ("why", "that") else opening.i
    return [t for t in own if t.i >= start]


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
    while after.head.i >= end and after.head != after and after.head.pos_ in NOUNS:
        after = after.head
    if after.dep_ in SUBJECTS and antecedent.left_edge.i == span.start:
        return True
    return after.dep_ in ("conj", "appos") and after.head.i < relcl.left_edge.i


def _list_goes_on(antecedent: Token, relcl: Token) -> bool:
    """Whether ``relcl`` is on the first item of a plural subject's list that goes on past
    it ("The commonest presentations are optic neuritis, which causes A, B, and C"): the
    parser hung the later items inside the clause; neither is told alone."""
    subject = own_subject(antecedent.head) if antecedent.dep_ == "attr" else None
    return (
        subject is not None
        and plural(subject)
        and antecedent.tag_ in ("NN", "NNP")
        and list_past_a_relative(antecedent) == relcl
    )


def relative_word(verb: Token) -> Token | None:
    """ "which"/"who" as the clause's subject, or "whom"/"which" after its preposition."""
    for child in verb.children:
        if child.dep_ in SUBJECTS and child.lower_ in ("which", "who") and child.i < verb.i:
            return child
        if (
            child.dep_ == "prep"
            and child.i == verb.left_edge.i
            and [c.lower_ for c in child.children] in (["whom"], ["which"])
        ):
            return child
    return None


def _antecedent(last: Token, relcl: Token) -> Token | None:
    """The noun the relative clause is said of: the noun just before its comma, the list
    it ends, or a noun that phrase qualifies ("patients with asthma, who ...", "people
    who inject drugs, in whom ..."); of those, the highest whose number the relative
    clause's verb agrees with. None after a remark set off by commas (", usually of a
    heart valve, which ...": the clause may be said of what came before the remark)."""
    if last.pos_ not in NOUNS or last.tag_ in ("PRP", "WDT", "WP"):
        return None
    if in_a_classing_remark(last, relcl):
        return None
    chain = [last]
    token = last
    word = relative_word(relcl)
    while word is not None and word.dep_ != "prep" and token.dep_ == "conj":
        token = token.head  # "caused by A, B or C, which ...": said of the list, if it agrees
    if token != last and token.pos_ in NOUNS:
        chain.append(token)
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
            if _remark(above):
                # "children, in whom most cases follow infection with E. coli, which is
                # ...": the remark's noun, not the noun the remark is said of
                break
            above = above.head
        if above.pos_ not in ("NOUN", "PROPN") or above.i > last.i:
            break
        token = above
        chain.append(token)
    number = verb_number(relcl)
    people = [n for n in chain if n.lower_ in PEOPLE]
    if word is not None and {t.lower_ for t in word.subtree} & {"who", "whom"} and people:
        # "the commonest cause of X in young children, in whom ...": the children
        chain = people
    for noun in reversed(chain):
        if (word is not None and word.dep_ == "prep") or number is None or plural(noun) == number:
            opener = noun.head.left_edge if noun.dep_ == "pobj" else noun.left_edge
            if opener.pos_ == "ADV" and noun.doc[opener.i - 1].text == ",":
                return None
            if word is not None and word.lower_ == "which" and _adverbial(noun):
                return None  # "... until the birth, which reduces ...": said of the clause
            return noun
    return None


def _remark(clause: Token) -> bool:
    """Whether the relative or participle clause ``clause`` is set off by a comma: a remark
    closed on its own words, which a later relative clause cannot see through."""
    first = clause.left_edge.i
    return first > 0 and clause.doc[first - 1].text == ","


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


def relative_text(unit: Unit, own: list[Token], units: list[Unit], span: Span) -> str | None:
    """The relative clause ``unit`` said of its antecedent ("X, which is A": "X is A")."""
    antecedent = unit.antecedent
    if antecedent is None:
        return None
    phrase = phrase_of(antecedent, units, span)
    if phrase is None:
        return None
    word = relative_word(unit.head)
    if word is not None and word.dep_ == "prep":
        # "those over 70, in whom it is less reliable": "In those over 70, X is less reliable"
        holder = next(
            (u.head for u in units if u.kind != "relative" and antecedent.i in u.extent),
            span.root,
        )
        flat: list[Token] = []
        for token in own:
            if token.lower_ in PRONOUNS and token.dep_ in SUBJECTS:
                named = named_pronoun(token, holder, units, span)
                if named is None:
                    return None
                flat += named
            else:
                flat.append(token)
        return as_sentence([word, *phrase, COMMA, *flat])  # type: ignore[list-item]
    return as_sentence(phrase + own)
