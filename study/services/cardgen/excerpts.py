"""The clause of a long sentence that states one fact, as a cloze can show it alone.

A textbook sentence of 60 to 110 words holds several facts: coordinated conditions
("diagnosed when A, when B, or when C"), a relative clause about a noun ("..., which
should be performed at least 12 hours after onset"), clauses joined by "and" or
"whereas". A cloze that shows the whole sentence for one deleted number is too long to
learn from (and over the cloze limit it is no card at all). So a deletion in a long
sentence is shown in its own clause, with what keeps that clause readable alone:

- a coordinated condition keeps the clause it qualifies ("Acute X is diagnosed when the
  creatinine rises by [...] within 48 hours"), not the other conditions;
- a relative clause states its fact of its antecedent ("Dexamethasone is given with ...");
- a clause that only contrasts or is joined by "and" stands alone;
- a clause's own "when"/"if"/"unless" condition stays with it; reasons, remarks,
  appositions and the other coordinated clauses are left out.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from study.services.cardgen.deps import (
    CONTRAST_MARKS,
    PEOPLE,
    RELATIVES,
    VERB_ADVERBS,
    consequence_of,
    continues_a_participle,
    defining,
    described,
    disagrees,
    instruction_as_subject,
    is_participle_subject,
    mark_of,
    of_another_noun,
    parallel_condition_subject,
    parenthesised,
    raised_means,
)

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

# A sentence up to this many words is shown whole: its facts read well together.
LONG_SENTENCE_WORDS = 40
_CLAUSE_DEPS = frozenset(["ROOT", "conj", "advcl", "relcl", "ccomp", "parataxis"])
_CORE_DEPS = frozenset(
    ["nsubj", "nsubjpass", "expl", "aux", "auxpass", "neg", "dobj", "attr", "acomp", "oprd", "prt"]
)
_LEFT_OUT = frozenset(["relcl", "appos", "acl"])
_PRONOUNS = frozenset(["it", "they", "this"])
_REASONS = frozenset(["because", "since", "as", "so"])
_SHORT_PREPOSITION = 4


def excerpt(span: Span, spans: list[tuple[int, int]]) -> tuple[str, list[tuple[int, int]]] | None:
    """The clause of the long sentence ``span`` that holds every deletion in ``spans``
    (character offsets in the sentence), as (text, the deletions' offsets in it); None
    when the sentence is short, the deletions are not in one clause, or the clause cannot
    stand alone (its subject cannot be named)."""
    if len([t for t in span if not t.is_punct]) <= LONG_SENTENCE_WORDS or not spans:
        return None
    deleted = [[t for t in span if start <= t.idx - span.start_char < end] for start, end in spans]
    if any(not tokens for tokens in deleted):
        return None
    aside = parenthesised(span)
    units = {clause_of(tokens[0], aside) for tokens in deleted}
    if len(units) != 1:
        return None
    unit = units.pop()
    if any(_closes_a_remark(tokens[0], unit) for tokens in deleted):
        return None
    must = {t.i for tokens in deleted for t in tokens}
    subjects = [c for c in unit.children if c.dep_ in ("nsubj", "nsubjpass")]
    if any(instruction_as_subject(s) for s in subjects):
        return None
    if len(subjects) > 1 or (
        # (a deletion of the whole clause, its verb too, is a condition asked in its frame;
        # one in a relative clause restricting the subject, a condition on it)
        unit.i not in must
        and any(must & ({t.i for t in s.subtree} - _restriction(s)) for s in subjects)
    ):
        return None  # a deletion in the subject (or two subjects: a broken parse)
    kept = _clause(unit, must, aside)
    for tokens in deleted:
        if tokens[0].i in aside and _host(tokens[0], aside).i in kept:
            kept |= _remark(tokens[0], aside)  # "within 1 to 2 hours (but no later than [...])"
    swaps: dict[int, str] = {}
    if not _frame(unit, kept, swaps, aside) or not _named(span, kept, swaps, aside):
        return None
    kept = _punctuated(span, kept)
    if not must <= kept or len(kept) >= len([t for t in span if t.i not in aside]) - 3:
        return None
    if _crosses(span, kept):
        return None  # the parser joined two sentences' worth of clauses: shown whole
    if _noun_with_a_subject(span, kept):
        return None  # a broken parse: the excerpt would glue fragments into a non-sentence
    return _text(span, sorted(kept), swaps, spans, deleted)


def clause_of(token: Token, aside: set[int]) -> Token:
    """The head of the clause ``token`` is read in: its own, or for a word in parentheses
    (``aside``) the clause of the word the remark is about."""
    return clause_head(_host(token, aside))


def _host(token: Token, aside: set[int]) -> Token:
    """The word a remark in parentheses is about (the one before it), whatever the parser
    hung the remark on ("within 1 to 2 hours (but no later than 4 hours)" hung on the
    next clause's verb)."""
    if token.i not in aside:
        return token
    opening = _opening(token, aside)
    return token.doc[opening - 1] if opening > 0 else token


def _opening(token: Token, aside: set[int]) -> int:
    """Where the outermost parenthesis around ``token`` opens."""
    opening = token.i
    while opening > 0 and not (token.doc[opening].text == "(" and opening - 1 not in aside):
        opening -= 1
    return opening


def _remark(token: Token, aside: set[int]) -> set[int]:
    """The words of the parenthesis around ``token``, its parentheses included."""
    found: set[int] = set()
    index = _opening(token, aside)
    while index in aside:
        found.add(index)
        index += 1
    return found


def _closes_a_remark(token: Token, unit: Token) -> bool:
    """Whether ``token`` is in a phrase set off by a comma at the end of a relative clause
    after a comma ("allopurinol, which blocks xanthine oxidase and so reduces the formation
    of uric acid, from 24 to 48 hours before chemotherapy"): the phrase may be the main
    clause's (when allopurinol is given), which the parse cannot tell, so no excerpt of the
    relative clause shows it."""
    top = unit
    while top.dep_ == "conj" and top.head != top:
        top = top.head
    if top.dep_ != "relcl" or top.left_edge.i == 0 or token.doc[top.left_edge.i - 1].text != ",":
        return False
    for above in (token, *token.ancestors):
        if above.head == unit and above.dep_ in ("prep", "npadvmod", "advmod"):
            first = above.left_edge.i
            return first > 0 and token.doc[first - 1].text == "," and above.i > unit.i
        if above == unit:
            return False
    return False


def _noun_with_a_subject(span: Span, kept: set[int]) -> bool:
    """Whether a kept word the parser gave a subject is a noun ("whereas nebulised
    ipratropium [subject] bromide [its 'verb'] 0.5 mg ..."): the clauses around it are
    misread, and an excerpt of them is not text."""
    doc = span.doc
    return any(
        doc[i].pos_ in ("NOUN", "PROPN", "NUM")
        and any(c.dep_ in ("nsubj", "nsubjpass") for c in doc[i].children)
        for i in kept
    ) or any(
        # "cannot leave the eye and the intraocular pressure rises, often to [more than
        # 40 mmHg]": the parser coordinated the verb "rises" with the noun "eye"; the
        # excerpt leaves that clause out and hangs its number on the other verb
        doc[i].pos_ in ("VERB", "AUX")
        and doc[i].dep_ == "conj"
        and doc[i].head.i in kept
        and doc[i].head.pos_ in ("NOUN", "PROPN")
        and doc[i].i not in kept
        and min(kept) < doc[i].i < max(kept)
        for i in range(span.start, span.end)
    )


def clause_head(token: Token) -> Token:
    """The head of the lowest clause around ``token``."""
    for candidate in (token, *token.ancestors):
        if _heads_clause(candidate):
            return candidate
    return token.sent.root


def _heads_clause(token: Token) -> bool:
    if token.pos_ not in ("VERB", "AUX") or token.dep_ not in _CLAUSE_DEPS:
        return False
    if _restricts_a_subject(token):
        return False  # "patients whose temperature rises above X are sedated": a condition
    # "a baseline known or presumed to have occurred ...": a conj of a participle is one
    return token.dep_ != "conj" or _heads_clause(token.head)


def _restricts_a_subject(relcl: Token) -> bool:
    """Whether ``relcl`` is a relative clause, not set off by a comma, on the subject of a
    verb or on people ("patients whose temperature rises above 41 °C are sedated", "is
    arranged in patients who do not improve within 48 hours"): it says which ones the
    clause is about, no fact of its own."""
    first = relcl.left_edge.i
    return (
        relcl.dep_ == "relcl"
        and (relcl.head.dep_ in ("nsubj", "nsubjpass") or relcl.head.lower_ in PEOPLE)
        and relcl.head.i < first
        and first > 0
        and relcl.doc[first - 1].text != ","
    )


def _restriction(subject: Token) -> set[int]:
    """The words of the relative clauses restricting ``subject``."""
    return {t.i for c in subject.children if _restricts_a_subject(c) for t in c.subtree}


def _clause(unit: Token, must: set[int], aside: set[int]) -> set[int]:
    """The unit's own words: without the clauses coordinated with it, and without remarks,
    reasons and contrasts (unless they hold a deletion)."""
    kept: set[int] = set()

    def keep(token: Token) -> None:
        kept.add(token.i)
        for child in token.children:
            if {t.i for t in child.subtree} & must or not _left_out(child, unit, aside):
                keep(child)

    keep(unit)
    return kept


def _left_out(child: Token, unit: Token, aside: set[int]) -> bool:
    if child.dep_ == "appos" and child.i in aside:
        return False  # "over more than 48 hours (chronic hyponatraemia)": what it is called
    subject = _subject(unit)
    if child.i in aside and subject is not None and child.i < subject.left_edge.i:
        return True  # a remark of the clause before, hung on this clause's verb
    if child.dep_ in _LEFT_OUT or raised_means(child):
        return True
    if (
        child.dep_ == "ccomp"
        and any(c.dep_ in ("nsubjpass", "auxpass") for c in child.children)
        and any(t.text == ";" for t in child.doc[child.right_edge.i : unit.i])
    ):
        # "A is given; B is arranged": the parser hung A's clause on B's verb (a passive
        # says what is done, never what B's verb reports)
        return True
    if child.dep_ == "conj" and child.pos_ in ("VERB", "AUX"):
        # another clause ("..., but the total rise should not exceed ..."), or another
        # predicate of the unit's subject
        return child.head == unit or _subject(child) is not None
    if _subject_of_the_next_verb(child) or (
        child.dep_ == "cc" and any(_subject_of_the_next_verb(c) for c in child.head.children)
    ):
        # "when the ketones are below 0.6 mmol/L and the venous pH is above 7.3": the parser
        # took "pH" for a second item of "mmol/L"; it is the next clause's subject
        return True
    if _coordinated(child):
        return True  # "when A rises by X, when it rises by Y": the second condition
    return child.dep_ == "advcl" and mark_of(child) in _REASONS | CONTRAST_MARKS


def _subject_of_the_next_verb(token: Token) -> bool:
    """Whether ``token`` is a conjunct noun followed at once by a verb with no subject."""
    doc = token.doc
    after = token.right_edge.i + 1
    return (
        token.dep_ == "conj"
        and token.pos_ in ("NOUN", "PROPN")
        and after < len(doc)
        and doc[after].pos_ in ("VERB", "AUX")
        and doc[after].dep_ not in ("conj", "aux", "auxpass")
        and _subject(doc[after]) is None
    )


def _frame(unit: Token, kept: set[int], swaps: dict[int, str], aside: set[int]) -> bool:
    """Add what keeps the unit readable alone: the first condition's mark and subject for
    a coordinated one, the antecedent of a relative clause, the clause a condition
    qualifies. False when the unit cannot be read alone."""
    current = unit
    while True:
        if _coordinated(current):
            first = current.head
            subject = _subject(current)
            theirs = _subject(first)
            if subject is None:
                if (
                    theirs is None
                    or _stray_noun(current)
                    or continues_a_participle(current)
                    or is_participle_subject(current)
                ):
                    # ("X is A, given ..., and repeated ...": A is repeated; "..., and
                    # nebulised salbutamol may be added": no verb "nebulised")
                    return False
                kept.update(_core(theirs, aside))  # "is X and should be done ...": X should
            elif not mark_of(current) and _after_comma(current):
                return True  # "once A is excluded, and B is considered ...": B stands alone
            elif subject.lower_ in _PRONOUNS and theirs is not None:
                swaps[subject.i] = _words(theirs, aside)  # "when it rises": when A rises
            if not mark_of(current) and mark_of(first):
                kept.update(c.i for c in first.children if c.dep_ == "mark" and c.i < first.i)
            current = first
        elif current.dep_ == "relcl":
            return _antecedent(current, swaps, aside)
        elif current.dep_ == "advcl" and mark_of(current) in CONTRAST_MARKS:
            kept.difference_update(c.i for c in current.children if c.dep_ == "mark")
            return True
        elif current.dep_ in ("advcl", "ccomp", "xcomp"):
            parent = current.head
            if consequence_of(parent) == current:
                # "..., which is why X": X stands alone; "which" is no noun to show
                if current.left_edge.lower_ in ("why", "that"):
                    kept.discard(current.left_edge.i)
                return True
            if parent.pos_ not in ("VERB", "AUX"):
                return False
            if current.dep_ == "ccomp" and current.i < parent.i:
                return True  # "X is caused by Y ..., so Z is considered": not what Z says
            if parent.dep_ in ("acl", "amod"):
                return False  # "saline ..., repeated until ...": no clause to show
            kept.add(parent.i)
            for child in parent.children:
                if child.i in aside or {t.i for t in child.subtree} & kept:
                    continue
                if child.dep_ in _CORE_DEPS or _qualifies(child):
                    kept.update(_core(child, aside))  # "is classified as severe"
                elif child.dep_ == "advmod" and child.lower_ in VERB_ADVERBS:
                    kept.add(child.i)
            current = parent
        else:
            return True


def _qualifies(child: Token) -> bool:
    """Whether a prepositional phrase stays with the clause a condition qualifies: a
    short one ("as severe"), or the people it is for ("to women with severe X")."""
    if child.dep_ not in ("prep", "dative"):
        return False
    size = len([t for t in child.subtree if not t.is_punct and t.text != "-"])
    people = any(c.dep_ == "pobj" and c.lower_ in PEOPLE for c in child.children)
    return size <= _SHORT_PREPOSITION or (people and size <= 2 * _SHORT_PREPOSITION)


def _stray_noun(conj: Token) -> bool:
    """Whether a noun the parser hung elsewhere stands between a coordinated verb and
    the "and" before it ("and although ..., the triad ... is present"): its subject,
    so the first verb's subject is not."""
    cc = next((c for c in conj.head.children if c.dep_ == "cc" and c.i < conj.i), None)
    start = cc.i + 1 if cc is not None else conj.head.i + 1
    inside = {t.i for t in conj.subtree}
    doc = conj.doc
    return any(doc[i].pos_ in ("NOUN", "PROPN") and i not in inside for i in range(start, conj.i))


def _after_comma(conj: Token) -> bool:
    """Whether ", and" (or ", but", ", or") opens the coordinated clause ``conj``."""
    cc = next((c for c in conj.head.children if c.dep_ == "cc" and c.i < conj.i), None)
    return cc is not None and cc.i > 0 and conj.doc[cc.i - 1].text == ","


def _coordinated(clause: Token) -> bool:
    """Whether ``clause`` is coordinated with the clause it hangs on: a conj, or a second
    "when ..." the parser hung on the first ("when A rises ..., when it rises ...")."""
    head = clause.head
    if head.pos_ not in ("VERB", "AUX") or clause.pos_ not in ("VERB", "AUX") or head == clause:
        return False
    if clause.dep_ == "conj":
        return True
    mark = mark_of(clause)
    return clause.dep_ == "advcl" and head.dep_ == "advcl" and bool(mark) and mark == mark_of(head)


def _antecedent(relcl: Token, swaps: dict[int, str], aside: set[int]) -> bool:
    """A relative clause states its fact of its antecedent: "which" (or "in whom") is
    shown as the noun it stands for ("who" only as a person: "patients at low risk who
    ...", not the risk)."""
    relative = next(
        (
            t
            for t in relcl.subtree
            if t.lower_ in RELATIVES and t.dep_ in ("nsubj", "nsubjpass", "pobj", "dobj")
        ),
        None,
    )
    if relative is None:
        return False
    antecedent = described(relcl)
    if defining(relcl) and relative.dep_ in ("nsubj", "nsubjpass"):
        # "X is a drug that blocks Y": X blocks Y; "in HIV it is an illness that is rare
        # unless ...": not any such illness, and "it" the clause cannot name
        copula = relcl.head.head
        subject = _subject(copula)
        if subject is None or any(
            c.dep_ in ("prep", "advcl") and c.i < subject.i for c in copula.children
        ):
            return False  # "in HIV infection it is ...": true in that scope only
        if subject.lower_ in _PRONOUNS:
            # (a pronoun named as ``_named`` names it: the sentence's main subject)
            subject = parallel_condition_subject(subject) or _subject(relcl.sent.root)
        if subject is None or subject.pos_ not in ("NOUN", "PROPN") or subject.i > relcl.i:
            return False
        antecedent = subject
    if relative.lower_ in ("who", "whom"):
        antecedent = next(
            (a for a in (antecedent, *antecedent.ancestors) if a.lower_ in PEOPLE), antecedent
        )
        if antecedent.lower_ not in PEOPLE:
            return False
        first = relcl.left_edge.i
        if (
            relative.dep_ in ("nsubj", "nsubjpass")
            and first > 0
            and relcl.doc[first - 1].text != ","
        ):
            # "a renal ultrasound is arranged in patients who do not improve within 48
            # hours": which patients; "patients do not improve within [...]" is untrue
            return False
    if antecedent.pos_ not in ("NOUN", "PROPN") or of_another_noun(antecedent, relcl):
        # "inflammation of the gallbladder, which in about 90% of cases follows ...": which
        # noun the clause is said of cannot be told
        return False
    if disagrees(antecedent, relcl):
        # "a vasculitis of small arteries that affects ...": not the arteries (subjects.py)
        return False
    swaps[relative.i] = _words(antecedent, aside, skip=relcl)
    return True


def _crosses(span: Span, kept: set[int]) -> bool:
    """Whether the kept words lie on both sides of a ";" or a "but" left out: two facts
    the parser joined into one clause."""
    first, last = min(kept), max(kept)
    return any(
        (t.text == ";" or t.lower_ in ("but", "whereas")) and t.i not in kept
        for t in span
        if first < t.i < last
    )


def _named(span: Span, kept: set[int], swaps: dict[int, str], aside: set[int]) -> bool:
    """Whether every clause shown has its subject, a pronoun subject named by the
    sentence's main subject ("..., whereas before 34 weeks it is delayed": birth is)."""
    main = _subject(span.root)
    for index in sorted(kept):
        token = span.doc[index]
        if token.dep_ not in ("nsubj", "nsubjpass") or index in swaps:
            continue
        if token.lower_ in RELATIVES and _restricts_a_subject(token.head):
            continue  # "in patients who do not improve": kept with its antecedent
        if token.lower_ in RELATIVES:
            return False  # a relative the parser hung on another verb: shown whole
        if token.lower_ in _PRONOUNS:
            # "none is added when it is above 5.5": the subject of the condition it
            # parallels, else the sentence's main subject
            named = parallel_condition_subject(token) or main
            if named is None or named.lower_ in _PRONOUNS or named.i in kept or named.i > index:
                return False  # (a pronoun names what was said before it, never after)
            swaps[index] = _words(named, aside)
    verbs = [span.doc[i] for i in kept if span.doc[i].dep_ in _CLAUSE_DEPS]
    return all(
        _subject(v) is not None or v.dep_ == "conj" or v.pos_ not in ("VERB", "AUX")
        for v in verbs
        if v.dep_ != "xcomp"
    )


def _subject(verb: Token) -> Token | None:
    return next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass", "expl")), None)


def _core(head: Token, aside: set[int]) -> set[int]:
    """A phrase's words without its remarks, relative clauses and appositions."""
    found = {head.i}
    for child in head.children:
        if child.i in aside or child.dep_ in _LEFT_OUT:
            continue
        found |= _core(child, aside)
    return found


def _words(head: Token, aside: set[int], skip: Token | None = None) -> str:
    """The text of ``head``'s phrase without remarks (and without ``skip``'s subtree)."""
    left = {t.i for t in skip.subtree} if skip is not None else set()
    doc = head.doc
    tokens = sorted(_punctuated(doc[:], _core(head, aside) - left))
    return "".join(doc[i].text_with_ws for i in tokens).strip(" ,")


def _punctuated(span: Span, kept: set[int]) -> set[int]:
    """``kept`` with the punctuation and conjunctions between kept words ("A, B or C"),
    and the parentheses around kept words; none left dangling at a cut."""
    doc = span.doc
    found = {i for i in kept if not (doc[i].is_punct or doc[i].dep_ == "cc")}
    words = sorted(found)
    for before, after in itertools.pairwise(words):
        between = range(before + 1, after)
        if between and all(doc[i].is_punct or doc[i].dep_ == "cc" for i in between):
            found.update(between)
    for index in range(span.start, span.end):
        if doc[index].text == "(" and index + 1 in found:
            close = next((j for j in range(index + 1, span.end) if doc[j].text == ")"), None)
            if close is not None and close - 1 in found:
                found.update((index, close))
    return found


def _text(
    span: Span,
    kept: list[int],
    swaps: dict[int, str],
    spans: list[tuple[int, int]],
    deleted: list[list[Token]],
) -> tuple[str, list[tuple[int, int]]]:
    doc = span.doc
    pieces: list[str] = []
    starts: dict[int, int] = {}
    length = 0
    for index in kept:
        token = doc[index]
        if pieces and not pieces[-1].endswith(" ") and index - 1 not in kept:
            pieces.append(" ")
            length += 1
        text = swaps.get(index, token.text)
        starts[index] = length
        pieces.append(text + token.whitespace_)
        length += len(text) + len(token.whitespace_)
    text = "".join(pieces).strip(" ,;:")
    text = text.replace(" ,", ",").replace(",,", ",")
    found: list[tuple[int, int]] = []
    for (start, end), tokens in zip(spans, deleted, strict=True):
        first = tokens[0]
        offset = starts[first.i] + (span.start_char + start - first.idx)
        found.append((offset, offset + end - start))
    if not text.endswith("."):
        text += "."
    if found and found[0][0] == 0:
        return text, found
    return text[0].upper() + text[1:], found
