"""A long sentence cut at its clause joints, each piece read alone.

The parse of a sentence of 50 or 60 words often hangs a later clause on the wrong word
("..., and finding and treating the precipitant is the first step, while other causes
... are excluded": the list before it taken for the subject), and then ``split`` finds
no clean clause in it. The joints themselves are in the punctuation: a comma or
semicolon followed by "and", "but", "whereas", "while" or "although", or a semicolon
alone. Cut there (never inside brackets), each piece is short enough for the parser to
read well, so the pieces are parsed again, alone, and a piece is kept as a clause of its
own only when its own parse says it is one: a verb at its root with a subject that opens
the piece. A piece that is not (", and with intravenous immunoglobulin": a phrase of
the clause before) is joined back to the piece before it. A later piece whose subject is
"it" or "they" gets the first piece's subject, when that is a noun phrase that opens the
first piece and agrees with the pronoun in number.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

from study.services.cardgen.clauses.naming import opens
from study.services.cardgen.clauses.units import MAX_ANTECEDENT_WORDS, PRONOUNS, SUBJECTS
from study.services.cardgen.deps import own_subject, plural
from study.services.cardgen.nlp import parse

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

# A comma or semicolon and the word that joins a clause to the one before.
_JOINT = re.compile(r"[,;]\s+(?:and|but|whereas|while|although)\s+|;\s+")


@functools.lru_cache(maxsize=64)
def joint_texts(text: str) -> tuple[str, ...]:
    """The clauses of ``text`` cut at its joints, each as a sentence (none when fewer than
    two pieces are clauses). Remembered: a sentence may be asked for them twice."""
    return tuple(t for t, _ in _joint_docs(text))


def read_across(text: str, said: str) -> bool:
    """Whether ``said`` (a card's question and answer, read off the parse of ``text``)
    takes its words from different clauses of ``text`` and no one clause holds them all
    ("what is lactulose added to prevent?" of "lactulose ... is given to ..., and
    rifaximin ... is added to prevent recurrence"): a reading that runs two clauses
    together."""
    pieces = [p.lower() for p in _kept_pieces(text)]
    if len(pieces) < 2:
        return False
    holders: set[int] | None = None
    for word in re.findall(r"[a-z][a-z-]{3,}", said.lower().partition(": ")[2] or said.lower()):
        found = {i for i, piece in enumerate(pieces) if re.search(rf"\b{re.escape(word)}\b", piece)}
        if found and word not in _ASKING:
            holders = found if holders is None else holders & found
    return holders is not None and not holders


# Words a question is made of, whatever the sentence says.
_ASKING = frozenset(["what", "which", "when", "where", "does", "have", "name", "give"])


def _joint_docs(text: str) -> list[tuple[str, Doc]]:
    """The clauses of ``text`` cut at its joints, each as a sentence with its parse (none
    when fewer than two pieces are clauses)."""
    kept = _kept(text)
    if len(kept) < 2:
        return []
    texts: list[tuple[str, Doc]] = []
    named: tuple[str, bool] | None = None  # the subject of the piece before, and its number
    for index, (piece, doc) in enumerate(kept):
        said = _written(piece) if index == 0 else _named(piece, doc, named)
        named = _subject_name(doc, named)
        if said is None or said in [t for t, _ in texts]:
            continue
        texts.append((said, doc))
    return texts if len(texts) >= 2 else []


@functools.lru_cache(maxsize=64)
def _kept(text: str) -> list[tuple[str, Doc]]:
    """The pieces of ``text`` that are clauses by their own parse, each with that parse: a
    piece that is not is joined back to the piece before (none when the first is not)."""
    pieces = _pieces(text)
    if len(pieces) < 2:
        return []
    docs = list(parse(_written(piece) for _, piece in pieces))
    kept: list[tuple[str, Doc]] = []
    for (joint, piece), doc in zip(pieces, docs, strict=True):
        if kept and not a_clause(doc):
            # a phrase of the clause before: joined back, and parsed again
            joined = kept[-1][0] + joint + piece
            kept[-1] = (joined, next(iter(parse([_written(joined)]))))
            continue
        if not kept and not a_clause(doc):
            return []
        kept.append((piece, doc))
    return kept


def _kept_pieces(text: str) -> list[str]:
    return [piece for piece, _ in _kept(text)] if joint_texts(text) else []


def _pieces(text: str) -> list[tuple[str, str]]:
    """``text`` cut at each joint outside brackets: (the joint before, the piece)."""
    pieces: list[tuple[str, str]] = []
    start, joint = 0, ""
    for match in _JOINT.finditer(text):
        if _depth(text[: match.start()]) != 0:
            continue
        pieces.append((joint, text[start : match.start()]))
        start, joint = match.end(), match.group(0)
    pieces.append((joint, text[start:]))
    return [(j, p.strip().rstrip(".")) for j, p in pieces if p.strip()]


def _depth(text: str) -> int:
    return text.count("(") - text.count(")") + text.count("[") - text.count("]")


def _written(piece: str) -> str:
    return piece[:1].upper() + piece[1:] + "."


def a_clause(doc: Doc) -> bool:
    """Whether ``doc`` is a clause by its own parse: a verb at the root, with a subject
    that opens it (after a leading phrase or clause of the verb's at most)."""
    root = doc[:].root
    subject = own_subject(root)
    if root.pos_ not in ("VERB", "AUX") or subject is None:
        return False
    if subject.dep_ not in (*SUBJECTS, "csubj"):
        return False
    if subject.i > root.i or doc.text.count("(") != doc.text.count(")"):
        return False
    leading = {
        t.i
        for c in root.children
        if c.i < subject.left_edge.i and (opens(c) or c.dep_ == "punct")
        for t in c.subtree
    }
    return all(i in leading for i in range(subject.left_edge.i))


def _named(piece: str, doc: Doc, named: tuple[str, bool] | None) -> str | None:
    """``piece`` as a sentence, its subject "it"/"they" named by ``named`` (the subject of
    the piece before, and whether it is plural); None when a word in it that refers to
    another clause cannot be named that way ("its toxicity", "reversed with it", an "it"
    inside a clause of the piece, a subject of another number)."""
    pronouns = [t for t in doc if t.lower_ in _REFERRING]
    if not pronouns:
        return _written(piece)
    if named is None:
        return None
    name, several = named
    text, end = "", 0
    root = doc[:].root
    for pronoun in pronouns:
        if pronoun.lower_ not in PRONOUNS or own_subject(root) != pronoun:
            return None  # "none is added when it is above 5.5": "it" is not the drug
        if (pronoun.lower_ == "they") != several:
            return None
        text += piece[end : pronoun.idx] + (name if pronoun.idx else name[:1].upper() + name[1:])
        end = pronoun.idx + len(pronoun.text)
    return _written(text + piece[end:])


def _subject_name(doc: Doc, before: tuple[str, bool] | None) -> tuple[str, bool] | None:
    """The name of the subject of the piece ``doc`` and its number: a pronoun keeps the
    name it was given (``before``)."""
    subject = own_subject(doc[:].root)
    if subject is not None and subject.lower_ in PRONOUNS:
        return before
    name = _name(subject)
    return None if name is None or subject is None else (name, plural(subject))


# Words that refer to what another clause names.
_REFERRING = frozenset(["it", "its", "they", "them", "their", "this", "these"])


def _name(subject: Token | None) -> str | None:
    """The noun phrase ``subject`` heads, up to a comma, bracket or clause after it ("The
    syndrome of inappropriate antidiuretic hormone secretion (SIADH), which ..."), when it
    opens its sentence; None when it is no noun phrase or too long to repeat."""
    if subject is None or subject.pos_ not in ("NOUN", "PROPN") or subject.left_edge.i != 0:
        return None
    words: list[Token] = []
    for token in subject.subtree:
        if token.is_punct or (token.dep_ in ("relcl", "acl", "appos") and token.head == subject):
            break
        words.append(token)
    if not words or len(words) > MAX_ANTECEDENT_WORDS or words[-1].i < subject.i:
        return None
    if any(t.lower_ in _REFERRING for t in words):
        return None  # "its toxicity": named by what the piece before it names
    said = "".join(t.text_with_ws for t in words).strip()
    return said[:1].lower() + said[1:] if words[0].pos_ == "DET" else said
