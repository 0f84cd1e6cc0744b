"""Phrases read off the parse: a head's words without its remarks, and lists.

A phrase is what a card shows of the sentence (a subject, an answer, a deletion) with its
span in the sentence, so a cloze can delete exactly it. Remarks are left out: relative
clauses after a comma, appositions, "known as" phrases, parentheses, "such as" examples.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from study.services.cardgen.deps import (
    NAMING_VERBS,
    a_later_subject,
    condition_relative,
    continues_list,
    introduces_examples,
    names_a_term,
    parenthesised,
)
from study.services.cardgen.forms import only_a_verb

if TYPE_CHECKING:
    from spacy.tokens import Span, Token


@dataclass(frozen=True)
class Phrase:
    """Words of the sentence: their text as a card shows them and their character span in
    the sentence (None when the phrase was named from elsewhere, such as a resolved "it")."""

    text: str
    start: int = -1
    end: int = -1
    # A list's items ("A, B and C"), each with its span, when the phrase is a list.
    items: tuple[Phrase, ...] = ()
    tokens: frozenset[int] = frozenset()

    @property
    def located(self) -> bool:
        return self.start >= 0


@dataclass(frozen=True)
class OtherName:
    """Another name the sentence gives a thing: an acronym, "also known as", or an
    apposition ("allopurinol, a xanthine oxidase inhibitor")."""

    kind: str  # acronym, alias, apposition
    thing: Phrase
    name: Phrase
    condition: str = ""  # "when it affects the big toe"


def _titled(span: Span, title: str | None) -> list[frozenset[int]]:
    """The token indices of each occurrence of ``title`` (two words or more) in ``span``."""
    if not title:
        return []
    wanted = [w.lower() for w in title.split()]
    if len(wanted) < 2:
        return []
    tokens = list(span)
    found = []
    for start in range(len(tokens) - len(wanted) + 1):
        if all(tokens[start + k].lower_ == w for k, w in enumerate(wanted)):
            found.append(frozenset(t.i for t in tokens[start : start + len(wanted)]))
    return found


# Relations the parser gives a verb, not a noun: a noun that holds one was read as a verb.
_VERB_DEPS = frozenset(["conj", "advcl", "ccomp", "relcl", "xcomp"])


class PhraseReader:
    """Reads phrases of one parsed sentence."""

    def __init__(self, span: Span, title: str | None = None) -> None:
        self.span = span
        self.offset = span.start_char
        self.parenthesised = parenthesised(span)
        # the words of each place the sentence names the page's title
        self.titled = _titled(span, title)

    def _own_clause(self, relcl: Token) -> bool:
        """Whether a relative clause states a fact of its own: after a comma ("X, which
        is calculated from ...", "..., in whom ..."); a restrictive one ("patients who can
        be managed as outpatients") is part of its noun phrase."""
        first = next(iter(relcl.subtree))
        if condition_relative(relcl):
            return False  # "..., when the benefit outweighs the risk": the verb's condition
        if (
            relcl.head.dep_ == "attr"
            and relcl.head.head.lemma_ == "be"
            and not names_a_term(relcl)  # "is laser iridotomy, which makes ...": a remark
        ):
            return False  # "a condition in which ...": the definition itself
        before = self.span.doc[first.i - 1] if first.i > self.span.start else None
        # "every patient in whom AKI is suspected" picks the patients out: no fact of its own
        return before is not None and before.text == ","

    def phrase(
        self, head: Token, *, skip: frozenset[int] = frozenset(), marked: bool = False
    ) -> Phrase:
        """The phrase ``head`` heads: its subtree without non-restrictive relative clauses,
        appositions, "known as" phrases, parentheses and "such as" examples (``marked``:
        with the word that opens it, "if", "after")."""
        subtree = list(head.subtree)
        aside = {t.i for t in subtree if t.i not in skip and self._aside(t, head)}
        kept = [t for t in subtree if t.i not in skip and t.i not in aside]
        kept = self._completed(kept)
        return self._phrase_of(self._glued(self._unbracketed(kept, aside)), marked=marked)

    def _completed(self, kept: list[Token]) -> list[Token]:
        """``kept`` with the plural noun that ends its last noun, when the parser took that
        noun for a verb and hung it elsewhere ("with generalised disease and receptor
        [antibodies]": "antibodies" made a verb of the clause before)."""
        if not kept:
            return kept
        last = kept[-1]
        following = last.i + 1
        if following >= self.span.end or last.tag_ not in ("NN", "NNP"):
            return kept
        noun = self.span.doc[following]
        if (
            noun.tag_ in ("NNS", "NNPS")
            and noun.head.pos_ in ("VERB", "AUX")
            and (noun.dep_ in _VERB_DEPS)
        ):
            return [*kept, noun]
        return kept

    def _unbracketed(self, kept: list[Token], aside: set[int]) -> list[Token]:
        """``kept`` without the pair of commas that set off a remark left out of it
        ("pseudohyperkalaemia, which is caused by ..., is common" reads "pseudohyperkalaemia
        is common"); a comma before a remark that runs on into the phrase stays."""
        dropped: set[int] = set()
        for token in kept:
            if token.text != "," or token.i + 1 not in aside:
                continue
            after = token.i + 1
            while after in aside:
                after += 1
            closing = after < self.span.end and self.span.doc[after].text == ","
            if closing:
                dropped |= {token.i, after}
        return [t for t in kept if t.i not in dropped] if dropped else kept

    def _glued(self, kept: list[Token]) -> list[Token]:
        """``kept`` with the tokens of a hyphenated word it holds part of: "pre-eclampsia"
        is three tokens the parser may hang apart."""
        chosen = {t.i for t in kept}
        doc = self.span.doc
        for token in list(kept):
            at = token.i
            while at + 2 < self.span.end and not doc[at].whitespace_ and doc[at + 1].text == "-":
                if doc[at + 1].whitespace_:
                    break
                chosen |= {at + 1, at + 2}
                at += 2
            at = token.i
            while (
                at - 2 >= self.span.start
                and doc[at - 1].text == "-"
                and not doc[at - 2].whitespace_
            ):
                if doc[at - 1].whitespace_:
                    break
                chosen |= {at - 1, at - 2}
                at -= 2
        for name in self.titled:
            if max(name) in chosen:
                # "Clostridioides difficile infection": the parser may take a word of a
                # name for a verb and hang the name apart; the name stays whole
                chosen |= name
        return [doc[i] for i in sorted(chosen)]

    def _phrase_of(self, kept: list[Token], *, marked: bool = False) -> Phrase:
        opening = ("cc",) if marked else ("cc", "mark")
        while kept and (kept[0].is_punct or kept[0].dep_ in opening):
            kept = kept[1:]
        while kept and (
            (kept[-1].is_punct and kept[-1].text not in (")", "%")) or kept[-1].dep_ == "cc"
        ):
            kept = kept[:-1]
        if not kept:
            return Phrase("")
        pieces: list[str] = []
        for index, token in enumerate(kept):
            pieces.append(token.text)
            if index + 1 < len(kept):
                gap = kept[index + 1].i != token.i + 1
                pieces.append(
                    " "
                    if token.whitespace_ or (gap and kept[index + 1].text not in ",.;:)")
                    else ""
                )
        text = "".join(pieces).strip()
        if kept[-1].i == self.span.end - 1 and text.endswith(".") and not text.endswith(".."):
            text = text[:-1]  # "15 mmol/L." at the end of the sentence
        text = text.replace(" ,", ",").replace("( ", "(").replace(" )", ")").replace(",,", ",")
        start, end = kept[0].idx - self.offset, kept[-1].idx + len(kept[-1]) - self.offset
        return Phrase(text, start, end, tokens=frozenset(t.i for t in kept))

    def _aside(self, token: Token, head: Token) -> bool:
        """Whether ``token`` belongs to a remark inside the phrase of ``head`` rather than
        to the phrase itself."""
        for ancestor in (token, *token.ancestors):
            if ancestor == head:
                return False
            if (
                ancestor.i in self.parenthesised
                and head.i not in self.parenthesised
                # "who are long-sighted (hypermetropic), older, ...": the parser may hang a
                # word before the parenthesis on a word inside it; that word is no remark
                and token.i in self.parenthesised
            ):
                return True
            if (
                ancestor.dep_ == "appos"
                and not continues_list(ancestor)
                and self._set_off(ancestor)
            ) or (ancestor.dep_ in ("acl", "parataxis") and ancestor.lemma_ in NAMING_VERBS):
                return True
            if ancestor.dep_ == "acl" and ancestor.tag_ == "VBN" and self._set_off(ancestor):
                return True  # "Hyponatraemia, defined as ...,": a remark
            if ancestor.dep_ == "relcl" and (
                self._own_clause(ancestor) or condition_relative(ancestor)
            ):
                return True
            if ancestor.dep_ == "prep" and introduces_examples(ancestor):
                return True
            if a_later_subject(ancestor):
                # "to produce two stools a day, and senna, a ..., is added": a noun the
                # parser coordinated with a verb is the next clause's subject
                return True
            if ancestor.dep_ == "prep" and ancestor.lower_ in ("among", "except"):
                return True  # "(among other findings)", "except those over 70"
            if ancestor.dep_ == "punct" and ancestor.text in ",;" and ancestor.head == head:
                return False
        return False

    def _set_off(self, appos: Token) -> bool:
        """Whether an apposition is set off by a comma or a parenthesis ("allopurinol, a
        xanthine oxidase inhibitor,"); "type 2 diabetes" read as one is not."""
        first = appos.left_edge.i
        return first > self.span.start and self.span.doc[first - 1].is_punct

    def items(self, head: Token, phrase: Phrase) -> Phrase:
        """``phrase`` with its list items when ``head`` has conjuncts ("A, B and C")."""
        conjuncts = [c for c in head.conjuncts if c.i > head.i and c.pos_ != "VERB"]
        for appos in (c for c in head.children if c.dep_ == "appos" and continues_list(c)):
            # "at the gums, the skin and the joints": the parser's apposition is an item
            conjuncts += [appos, *(c for c in appos.conjuncts if c.i > appos.i)]
        conjuncts = sorted(set(conjuncts), key=lambda t: t.i)
        if not conjuncts:
            return self._stray_list(head, phrase)
        heads = [head, *conjuncts]
        items: list[Phrase] = []
        for index, item in enumerate(heads):
            skip = {t.i for c in heads[index + 1 :] for t in c.subtree} | {
                t.i for c in item.children if c.dep_ in ("cc", "conj", "punct") for t in c.subtree
            }
            if index + 1 < len(heads):
                # the first item's subtree holds the rest of the list
                skip |= {t.i for t in heads[index + 1].subtree}
            skip |= {t.i for t in item.subtree if t.lower_ in ("example", "instance")}
            part = self.phrase(item, skip=frozenset(skip))
            if part.text:
                items.append(part)
        merged: list[Phrase] = []
        for found in items:
            if merged and self.span.text[merged[-1].end : found.start].strip() == "":
                # "metabolic acidosis" split in two by the parser: one item
                last = merged.pop()
                text = self.span.text[last.start : found.end]
                found = Phrase(text, last.start, found.end, tokens=last.tokens | found.tokens)
            merged.append(found)
        if len(merged) < 2:
            return phrase
        return Phrase(phrase.text, phrase.start, phrase.end, tuple(merged), phrase.tokens)

    def _stray_list(self, head: Token, phrase: Phrase) -> Phrase:
        """ "triggered by infection, missed insulin doses, new-onset diabetes or myocardial
        infarction": a list whose later items the parser hung elsewhere, read from the
        words after the first item up to the end of the list."""
        edge = head.right_edge.i
        tokens = [t for t in self.span if t.i > edge]
        if not tokens or tokens[0].text != ",":
            return phrase
        chunk: list[Token] = []
        for token in tokens:
            if token.text in (".", ";", ":", "(") or token.lower_ in ("among", "which", "who"):
                break
            if token.dep_ == "mark" or (
                token.pos_ in ("VERB", "AUX") and token.dep_ not in ("amod", "compound")
            ):
                return phrase
            chunk.append(token)
        while chunk and chunk[-1].text == ",":
            chunk.pop()
        pieces: list[list[Token]] = [[]]
        for token in chunk:
            if token.text == "," or token.lower_ in ("and", "or"):
                if pieces[-1]:
                    pieces.append([])
                continue
            pieces[-1].append(token)
        pieces = [p for p in pieces if p]
        if (
            not pieces
            or any(len(p) > 5 for p in pieces)
            or not any(t.lower_ in ("and", "or") for t in chunk)
        ):
            return phrase
        items = [phrase] + [self._phrase_of(p) for p in pieces]
        whole = self._phrase_of([t for t in head.subtree if t.i in phrase.tokens] + chunk)
        return Phrase(whole.text, whole.start, whole.end, tuple(items), whole.tokens)

    # ---- clauses --------------------------------------------------------------------------


# where a list of names may be cut: a comma (with its "and"/"or") or a coordinator
_SPLITS = re.compile(r",\s+(?:and\s+|or\s+)?|\s+(and|or)\s+", re.IGNORECASE)
_LISTED = re.compile(r",\s+(?:(and|or)\s+)?", re.IGNORECASE)
_JOINER = re.compile(r"\b(and|or)\s", re.IGNORECASE)


def listed_names(text: str, span: Span | None, at: int = 0) -> list[str]:
    """The items of a list ``text`` (at character ``at`` of ``span``'s text), read as its
    author meant: the word that joins the list's last item ("..., X and Y") is the list's;
    another coordinator inside an item joins parts of that one item ("ventricular
    tachycardia or fibrillation, cardiogenic shock and sick sinus syndrome"; "..., avoid
    urinary catheters and physical restraint, review the drug chart"), and so does one
    whose first part has no noun ("second-degree or complete heart block"; known only
    with ``span``)."""
    commas = list(_LISTED.finditer(text))
    joiners = _JOINER.findall(text[commas[-1].end() :] if commas else text)
    if commas and commas[-1].group(1):  # ", and an age of 65 or over"
        joiners = [commas[-1].group(1)]
    last = joiners[0 if commas else -1].lower() if joiners else None
    nouns = (
        []
        if span is None
        else [t.idx - span.start_char - at for t in span if t.pos_ in ("NOUN", "PROPN")]
    )
    names: list[str] = []
    start = 0
    for cut in [*_SPLITS.finditer(text), None]:
        end = cut.start() if cut else len(text)
        joiner = cut.group(1) if cut else None
        own_noun = span is None or any(start <= n < end for n in nouns)
        if (
            cut is not None
            and joiner is not None
            and (joiner.lower() != last or not own_noun or _joins_participles(text, cut))
        ):
            continue  # a coordinator inside one item: the item goes on
        names.append(text[start:end].strip())
        start = cut.end() if cut else end
    return names


def _joins_participles(text: str, cut: re.Match[str]) -> bool:
    """Whether a bare "and"/"or" joins two participles that share what follows ("heart
    failure caused or worsened by AF"): one item, never two."""
    before = re.findall(r"[A-Za-z]+", text[: cut.start()])[-1:]
    after = re.findall(r"[A-Za-z]+", text[cut.end() :])[:1]
    return bool(before and after) and all(
        w.lower().endswith(("ed", "en")) and only_a_verb(w.lower()) for w in before + after
    )
