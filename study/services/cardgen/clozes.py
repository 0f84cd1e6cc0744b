"""Cloze cards: what is deleted is the key term, read off the parse.

A number is deleted with its unit and comparator ("below 7.3", "0.1 units/kg per hour"),
never a number that names ("type 2", "12-lead", "CURB-65") nor a unit alone; a list's items
are deleted one by one; a clause no question could ask gets a deletion of its rarest term
(a named condition first), never a function word, a verb, or the topic it is about.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from study.services.cardgen.candidates import Candidate, Context, cloze_card
from study.services.cardgen.deps import acronym, main_clause, parenthesised
from study.services.cardgen.excerpts import clause_of, excerpt
from study.services.cardgen.gates import MAX_CLOZE_WORDS, MAX_DELETION_WORDS, contained
from study.services.cardgen.phrases import Phrase
from study.services.cardgen.quantities import UNITS, quantities
from study.services.cardgen.reading import Clause, Reading
from study.services.cardgen.sentences import Sentence
from study.services.cardgen.terms import (
    RARE_ZIPF,
    STOPWORDS,
    content_words,
    named,
    words,
    zipf,
)

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

MAX_TERM_DELETIONS = 2


def number_cards(sentence: Sentence, context: Context, text: str | None = None) -> list[Candidate]:
    """One cloze per sentence with a deletion per quantity (sibling cards)."""
    if sentence.span is None:
        return []
    spans = _not_restated(sentence.span.text, quantities(sentence.span))
    if not spans:
        return []
    return _clause_clozes("number", sentence, context, spans[:5])


def participle_cards(sentence: Sentence, context: Context) -> list[Candidate]:
    """How the subject is given, said in a participle between commas after it ("Folic
    acid 5 mg once weekly, taken [on a different day from methotrexate], reduces ..."):
    no clause of its own, so no question asks it."""
    if sentence.span is None:
        return []
    offset = sentence.span.start_char
    spans: list[tuple[int, int]] = []
    for verb in sentence.span:
        head = verb.head
        if not (
            verb.dep_ == "acl"
            and verb.tag_ == "VBN"
            and head.dep_ in ("nsubj", "nsubjpass")
            and verb.i > 0
            and verb.doc[verb.i - 1].text == ","
            and verb.right_edge.i + 1 < len(verb.doc)
            and verb.doc[verb.right_edge.i + 1].text == ","
        ):
            continue
        said = [t for t in verb.subtree if t.i > verb.i]
        if 0 < len(said) <= MAX_DELETION_WORDS and said[0].dep_ in ("prep", "prt", "npadvmod"):
            spans.append((said[0].idx - offset, said[-1].idx + len(said[-1]) - offset))
    return _clause_clozes("participle", sentence, context, spans) if spans else []


def _not_restated(said: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``spans`` without the quantities of a parenthesis that only restates the one before
    it ("a dose of 0.5 mg (0.5 mL of 1 mg/mL)": the dose is asked, not its volume again);
    a parenthesis that says more ("below 90% (below 92% in babies under 6 weeks old)",
    "(maximum 5 mg)") keeps its own."""
    kept: list[tuple[int, int]] = []
    for start, end in spans:
        base = kept[-1][1] if kept else 0
        if kept and re.fullmatch(r"\s*\([^()]*", said[base:start]):
            close = said.find(")", start)
            close = len(said) if close < 0 else close
            inside = said[base:close]
            for other_start, other_end in spans:
                if base <= other_start and other_end <= close:
                    # the quantities blanked out: what else does the parenthesis say?
                    blank = " " * (other_end - other_start)
                    inside = inside[: other_start - base] + blank + inside[other_end - base :]
            if not content_words(inside):
                continue
        kept.append((start, end))
    return kept


def _clause_clozes(
    pattern: str, sentence: Sentence, context: Context, spans: list[tuple[int, int]]
) -> list[Candidate]:
    """Cloze cards deleting ``spans``: in a long sentence, one per clause, each shown in
    its clause (``excerpts``); else one on the whole sentence."""
    assert sentence.span is not None
    span = sentence.span
    by_clause: dict[int, list[tuple[int, int]]] = {}
    aside = parenthesised(span)
    for start, end in spans:
        first = next((t for t in span if t.idx - span.start_char >= start), None)
        head = clause_of(first, aside).i if first is not None else -1
        by_clause.setdefault(head, []).append((start, end))
    found: list[Candidate] = []
    whole: list[tuple[int, int]] = []
    for group in by_clause.values():
        shown = excerpt(span, group)
        if shown is None:
            whole += group
            continue
        kept = _shown_once(shown[0], shown[1])
        card = cloze_card(pattern, sentence, context, shown[0], kept) if kept else None
        found += [card] if card else []
    whole = _shown_once(sentence.text, sorted(whole))
    if whole:
        card = cloze_card(pattern, sentence, context, sentence.text, whole)
        found += [card] if card else []
    return found


def _shown_once(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``spans`` of ``text`` without a deletion the text says again elsewhere ("improve
    within three weeks, but those not improved after three weeks"): it would stay shown,
    and the gates would drop the whole cloze for it."""
    return [
        (start, end)
        for start, end in spans
        if not contained(text[start:end], f"{text[:start]} [...] {text[end:]}")
    ]


def _sentence_cloze(
    pattern: str, sentence: Sentence, context: Context, spans: list[tuple[int, int]]
) -> list[Candidate]:
    """A cloze on the whole sentence; one too long for the cloze limit falls back to its
    clauses, each deletion shown in its own clause (``excerpts``), so a fact of a long
    sentence is not lost with the sentence."""
    card = cloze_card(pattern, sentence, context, sentence.text, spans)
    if (
        card is not None
        and sentence.span is not None
        and len(words(card.question)) > MAX_CLOZE_WORDS
    ):
        return _clause_clozes(pattern, sentence, context, spans)
    return [card] if card else []


def list_cards(sentence: Sentence, phrase: Phrase, context: Context) -> list[Candidate]:
    """A list of three or more items: a deletion per item."""
    items = [i for i in phrase.items if i.located]
    if len(items) < 3 or len(items) > 8:
        return []
    if any(len(words(i.text)) > MAX_DELETION_WORDS for i in items):
        return []  # long items are asked by the question on the whole list
    return _sentence_cloze("list-item", sentence, context, [(i.start, i.end) for i in items])


def negated_subject_cards(sentence: Sentence, subject: Phrase, context: Context) -> list[Candidate]:
    """ "Inhalers and steroids are not used": a deletion per item of a negated subject."""
    items = [i for i in subject.items if i.located and len(words(i.text)) <= MAX_DELETION_WORDS]
    if len(items) < 2:
        return []
    return _sentence_cloze("negated-list", sentence, context, [(i.start, i.end) for i in items])


def example_cards(sentence: Sentence, reading: Reading, context: Context) -> list[Candidate]:
    """ "DOACs, such as apixaban or rivaroxaban, ...": a deletion per example."""
    found: list[Candidate] = []
    for _, items in reading.examples:
        located = [i for i in (items.items or (items,)) if i.located]
        if located and all(len(i.text.split()) <= 5 for i in located):
            found += _sentence_cloze(
                "example", sentence, context, [(i.start, i.end) for i in located]
            )
    return found


def term_cards(
    sentence: Sentence, clauses: list[Clause], context: Context, taken: set[int]
) -> list[Candidate]:
    """A cloze on the rarest term of each clause that no question asked (a named condition
    first), never the topic, the clause's subject when the topic, or a verb."""
    span = sentence.span
    if span is None:
        return []
    spans: list[tuple[int, int]] = []
    groups = [c.tokens for c in clauses] or [frozenset(t.i for t in span)]
    aside = parenthesised(span)
    for tokens in groups:
        best: tuple[bool, bool, float, int, int] | None = None
        for start, end, text, head in _terms(span, tokens):
            if any(i in taken for i in range(start, end)):
                continue
            if acronym(text) and head.i in aside:
                continue  # "a CT pulmonary angiogram (CTPA)": the acronym's own card asks it
            if context.topic and text.lower() in context.topic.lower():
                continue
            rarity = min(zipf(w) for w in words(text)) if words(text) else 9.0
            # a named condition is asked whole ("snapping hip syndrome"), never its head
            # noun alone ("back [pain]")
            naming = named(text) and (len(words(text)) > 1 or rarity < RARE_ZIPF)
            if rarity >= RARE_ZIPF and not naming:
                continue
            # what an instruction does comes before the test it names in its condition
            # ("if the [CTPA] cannot be done, start interim anticoagulation", "instead of
            # a [CTPA]")
            key = (not naming, _subordinate(head), rarity, start, end)
            if best is None or key < best:
                best = key
        if best is not None:
            spans.append((best[3], best[4]))
    if not spans:
        return []
    return _sentence_cloze("rare-term", sentence, context, sorted(spans)[:MAX_TERM_DELETIONS])


def _subordinate(head: Token) -> bool:
    """Whether a term is inside a condition or an "instead of": not what its clause does."""
    first = head.left_edge.i
    before = head.doc[max(first - 2, 0) : first].text.lower()
    return before in ("instead of", "rather than") or any(a.dep_ == "advcl" for a in head.ancestors)


# Signs that set one side of a line equal to or leading to the other ("T = core temperature").
_OPERATORS = frozenset(["=", "→", "->", "=>", "⇒", "≈", "~", "+", "<", ">", "≤", "≥"])


def _terms(span: Span, tokens: frozenset[int]) -> list[tuple[int, int, str, Token]]:
    """Noun phrases of ``span`` inside ``tokens`` without their determiners, and rare
    adjectives that are a clause's complement ("irregularly irregular"), each with its
    head."""
    found: list[tuple[int, int, str, Token]] = []
    offset = span.start_char
    for chunk in span.noun_chunks:
        if chunk.root.i not in tokens:
            continue
        # "Anaemia = haemoglobin": the parser chunks a term with what an operator sets it
        # equal to; the term is what follows the operator, never the pair and the "="
        shown = list(chunk)
        operators = [j for j, t in enumerate(shown) if t.text in _OPERATORS]
        shown = shown[operators[-1] + 1 :] if operators else shown
        kept = [
            t
            for t in shown
            if t.lower_ not in STOPWORDS
            and t.pos_ not in ("DET", "PRON")
            and not t.like_num
            and t.lower_ not in UNITS
        ]
        # a term starts at its first content word and runs to the chunk's end
        while kept and kept[0].pos_ in ("ADJ",) and zipf(kept[0].text) > 4.5 and len(kept) > 1:
            kept = kept[1:]
        if not kept:
            continue
        # ... and stops before a number ("Prednisolone [30 mg PO OD ×]": the dose is a
        # quantity of its own) and a trailing symbol
        term = [t for t in shown if t.i >= kept[0].i]
        term = term[: next((j for j, t in enumerate(term) if t.like_num), len(term))]
        while term and not any(ch.isalnum() for ch in term[-1].text):
            term.pop()
        if not term:
            continue
        last = term[-1].idx + len(term[-1])
        text = span.doc.text[kept[0].idx : last]
        found.append((kept[0].idx - offset, last - offset, text, chunk.root))
    chunked = {t.i for chunk in span.noun_chunks for t in chunk}
    for token in span:
        if token.i in tokens and token.dep_ == "acomp" and token.pos_ == "ADJ":
            subtree = list(token.subtree)
            start = subtree[0].idx - offset
            end = subtree[-1].idx + len(subtree[-1]) - offset
            found.append((start, end, token.text, token))
        elif _untagged_object(token, tokens, chunked):
            # "Offer apixaban or rivaroxaban first": drug names the tagger took for an
            # adjective and a verb are still the object, asked with their alternatives
            final = max([token, *token.conjuncts], key=lambda t: t.i)
            stop = final.idx + len(final)
            text = span.doc.text[token.idx : stop]
            found.append((token.idx - offset, stop - offset, text, token))
    return found


def _untagged_object(token: Token, tokens: frozenset[int], chunked: set[int]) -> bool:
    """Whether ``token`` is a verb's object in no noun phrase: a rare word the tagger did
    not take for a noun."""
    return (
        token.i in tokens
        and token.dep_ == "dobj"
        and token.i not in chunked
        and token.pos_ in ("ADJ", "VERB", "ADV")
        and zipf(token.text) < RARE_ZIPF
    )


def contrast_cards(sentence: Sentence, context: Context) -> list[Candidate]:
    """ "A heal quickly, while B may need surgery": the two contrasted predicates, each
    deleted; an elliptical second one ("whereas B does not") is completed with the first
    clause's verb ("does not [resolve]")."""
    span = sentence.span
    if span is None:
        return []
    offset = span.start_char
    for token in span:
        marks = [c for c in token.children if c.dep_ == "mark" and c.lower_ in ("whereas", "while")]
        if token.dep_ != "advcl" or not marks or token.head.i > token.i:
            continue
        main, other = token.head, token
        other_tokens = {t.i for t in other.subtree}
        right = [
            t for t in main.subtree if t.i > main.i and t.i not in other_tokens and not t.is_punct
        ]
        first = right if right and right[0].dep_ != "prep" else [main, *right]
        if not first or first[-1].i >= marks[0].i:
            first = [t for t in first if t.i < marks[0].i] or [main]
        subject = next((c for c in other.children if c.dep_.startswith("nsubj")), None)
        if subject is None:
            continue
        predicate = [t for t in other.subtree if t.i > subject.right_edge.i and not t.is_punct]
        if not predicate:
            continue
        spans = [
            (first[0].idx - offset, first[-1].idx + len(first[-1]) - offset),
            (predicate[0].idx - offset, predicate[-1].idx + len(predicate[-1]) - offset),
        ]
        text = sentence.text
        if other.lemma_ in ("do", "be", "have") and not [
            c for c in other.children if c.dep_ in ("dobj", "acomp", "attr")
        ]:
            end = spans[1][1]
            text = f"{text[:end]} {main.lemma_}{text[end:]}"  # "does not [resolve]"
        card = cloze_card("contrast", sentence, context, text, spans)
        return [card] if card else []
    return []


# Verbs of change: what changed, and how, is the fact ("has increased sharply").
CHANGE_VERBS = frozenset(
    [
        "increase",
        "decrease",
        "rise",
        "fall",
        "double",
        "triple",
        "halve",
        "improve",
        "worsen",
        "decline",
        "drop",
        "grow",
        "lengthen",
        "shorten",
        "widen",
        "narrow",
        "flatten",
        "disappear",
        "slow",
        "quicken",
        "resolve",
        "heal",
        "recover",
    ]
)


_OUTCOMES = frozenset(["heal", "recover", "resolve", "improve"])
_CAUSING = frozenset(["make", "render", "leave"])


def _made(verb: Token) -> Token | None:
    """The adjective of a small clause after ``verb`` ("make delirium worse": "worse",
    which the parser gives "delirium" as its subject)."""
    return next(
        (
            c
            for c in verb.children
            if c.dep_ in ("ccomp", "xcomp", "oprd")
            and c.pos_ == "ADJ"
            and any(g.dep_ == "nsubj" and g.i < c.i for g in c.children)
        ),
        None,
    )


# ("get better" says only that it ends: not asked)
_BECOMING = frozenset(["turn", "become", "feel", "look", "seem", "appear"])


def predicate_cards(sentence: Sentence, clauses: list[Clause], context: Context) -> list[Candidate]:
    """What a clause with no question says of its subject, deleted: a predicate adjective
    ("can be [quite unreliable]") or a change and how it went ("has [increased sharply]")."""
    span = sentence.span
    if span is None:
        return []
    offset = span.start_char
    spans: list[tuple[int, int]] = []
    for clause in clauses:
        verb = clause.verb
        kept: list[Token] = []
        if any(
            t.lower_ in ("this", "these", "that", "those") and t.dep_ != "mark"
            for t in verb.children
        ):
            continue
        if _defines_a_noun(verb):
            # "a patient who is vomiting and [cannot take] the tablets needs ...": the
            # clause says which patient, it is no fact of its own
            continue
        if clause.negated and not clause.copula:
            # "Metformin [does not cause] weight gain", "Allopurinol [should not be
            # stopped] during an acute attack" (the passive's "be" too, or the deletion
            # has a hole and no card is made)
            kept = [
                t
                for c in verb.children
                if c.dep_ in ("aux", "auxpass", "neg", "advmod")
                and c.i < verb.i
                and c.lower_ not in ("also",)
                for t in c.subtree  # "[no longer] recommended"
            ] + [verb]
            # "[cannot be passed on]": a phrasal verb's particle is part of the verb
            kept += [c for c in verb.children if c.dep_ == "prt" and c.i == verb.i + 1]
        elif clause.copula or (
            verb.lemma_ in _BECOMING and any(c.dep_ == "acomp" for c in verb.children)
        ):
            # ("The urine may turn [dark yellow or brown]": a verb of becoming or seeming
            # says its adjective as "is" does)
            kept = [t for c in verb.children if c.dep_ == "acomp" for t in c.subtree]
        elif verb.lemma_ in _CAUSING and main_clause(verb) and (made := _made(verb)) is not None:
            # "Benzodiazepines make delirium [worse]": what the subject makes of its object
            # (in a clause of its own: inside a long sentence's reason the whole sentence
            # would be shown)
            said = {t.i for c in made.children if c.dep_ == "nsubj" for t in c.subtree}
            kept = [t for t in made.subtree if t.i not in said]
        elif verb.lemma_ in CHANGE_VERBS:
            how = [
                t
                for c in verb.children
                if c.dep_ in ("advmod", "acomp") and c.i > verb.i
                for t in c.subtree
            ]
            # "has increased" is the fact; "recover" alone, without how, is not
            kept = [verb, *how] if how or verb.lemma_ not in _OUTCOMES else []
        groups = [sorted(kept, key=lambda t: t.i)]
        if clause.copula:
            # "is poor, and prone to producing false negatives: ...": each property
            for other in (c for c in verb.children if c.dep_ == "conj" and c.pos_ == "ADJ"):
                words_of = []
                for token in other.subtree:
                    if token.text in (":", ";", ",") and token.i > other.i:
                        break
                    words_of.append(token)
                groups.append(words_of)
        for group in groups:
            if any(t.lower_ in ("this", "these", "that", "those", "it") for t in group):
                continue  # "terrible about this": about what?
            if group and group[-1].i - group[0].i + 1 == len(group) and len(group) <= 6:
                spans.append((group[0].idx - offset, group[-1].idx + len(group[-1]) - offset))
    if not spans:
        return []
    # (not shown in its clause: a predicate's excerpt can leave out the relative clause that
    # says whom it is about, "patients [whose temperature ...] are sedated")
    card = cloze_card("predicate", sentence, context, sentence.text, spans[:2])
    return [card] if card else []


def _defines_a_noun(verb: Token) -> bool:
    """Whether ``verb`` heads (or continues) a restrictive relative clause: one with no
    comma before it, which picks out its noun ("a patient who cannot take the tablets")."""
    while verb.dep_ == "conj" and verb.head != verb:
        verb = verb.head
    if verb.dep_ != "relcl":
        return False
    first = verb.left_edge
    return first.i == 0 or first.doc[first.i - 1].text != ","


_COMPARATIVES = frozenset(
    ["more", "less", "longer", "shorter", "higher", "lower", "greater", "worse", "better"]
)


def covariation_cards(sentence: Sentence, context: Context) -> list[Candidate]:
    """ "As the potassium rises, the PR interval lengthens and the P waves flatten": a
    deletion on each change that follows the first (which way each one goes), unless the
    same word is shown elsewhere in the sentence."""
    span = sentence.span
    if span is None:
        return []
    tokens = list(span)
    if len(tokens) > 4 and tokens[0].lower_ == "the" and tokens[1].lower_ in _COMPARATIVES:
        # "The more you use your back, the more it hurts": what follows from what
        for index in range(2, len(tokens) - 2):
            turn = tokens[index].text == "," and tokens[index + 1].lower_ == "the"
            if turn and tokens[index + 2].lower_ in _COMPARATIVES:
                start = tokens[index + 1].idx - span.start_char
                end = len(sentence.text.rstrip(" ."))
                card = cloze_card("comparison", sentence, context, sentence.text, [(start, end)])
                return [card] if card else []
        return []
    if span[0].lower_ != "as":
        return []
    first = span[0].head
    if first.lemma_ not in CHANGE_VERBS:
        return []
    offset = span.start_char
    changes = [t for t in span if t.i > first.i and t.lemma_ in CHANGE_VERBS and t.pos_ == "VERB"]
    spans = [
        (t.idx - offset, t.idx + len(t) - offset)
        for t in changes
        if sum(o.lower_ == t.lower_ for o in span) == 1
    ][:3]
    card = cloze_card("covariation", sentence, context, sentence.text, spans) if spans else None
    return [card] if card else []
