"""Token lists written as sentences: trimmed of joining words and stops, with a capital
and a full stop, and the comma or "If" a told clause may need where the sentence had none."""

from __future__ import annotations

from typing import TYPE_CHECKING

from study.services.cardgen.deps import CONTRAST_MARKS

if TYPE_CHECKING:
    from spacy.tokens import Token

# A clause shorter than this (in words) states no fact of its own.
MIN_CLAUSE_WORDS = 4


_STOPS = frozenset([",", ";", ":", ".", "-", "–", "—"])


class _Comma:
    """A comma written into a clause where the sentence had none."""

    text = lower_ = ","
    pos_ = "PUNCT"
    whitespace_ = " "
    is_punct = True
    i = -1
    dep_ = "punct"


COMMA = _Comma()


class _If(_Comma):
    """ "If", written before a condition opened by "unless" ("unless A, in which case B":
    "If A, B")."""

    text = "If"
    lower_ = "if"
    pos_ = "SCONJ"
    is_punct = False
    dep_ = "mark"


IF = _If()


def trim(tokens: list[Token]) -> list[Token]:
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


def as_sentence(tokens: list[Token]) -> str | None:
    """The tokens written as a sentence: spacing kept, punctuation not doubled, a capital
    and a full stop."""
    tokens = trim(tokens)
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
        if text and token.i >= 0 and token.i == token.sent.start and _common(token):
            word = word.lower()  # "In those over 70, the score ...", "In pernicious anaemia, ..."
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


def _common(token: Token) -> bool:
    """Whether a sentence's first word is capitalised only for being first: a determiner,
    or a common noun or adjective ("Pernicious anaemia"), not a name or an acronym."""
    return token.pos_ == "DET" or (
        token.pos_ in ("NOUN", "ADJ") and token.text[1:].islower() and token.text[0].isupper()
    )


def text_of(tokens: list[Token]) -> str:
    """The tokens' text as the sentence spells it, spaces kept."""
    return "".join(t.text + t.whitespace_ for t in tokens).strip()
