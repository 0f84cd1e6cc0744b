"""Reading material: plain text or Markdown into paragraphs, headings, lists and sentences.

Every sentence keeps its exact text and character span in the file, so a card can say
where it came from. Markdown markup (emphasis, links, code ticks) is removed from the text
the patterns read, never from the source text a card cites.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from study.services.cardgen.errors import GenerationError
from study.services.cardgen.nlp import parse
from study.services.cardgen.terms import one_term

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

# Hard-wrapped text has short lines; a long line ends its paragraph, which is how text
# copied from web pages (one paragraph per line) arrives.
LONG_LINE = 100

_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^\s*(?:[-*+•]|\d{1,3}[.)])\s+(.*)$")
_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_TABLE_RULE = re.compile(r"^\s*\|?(?:\s*:?-{2,}:?\s*\|)+\s*:?-{0,}:?\s*\|?\s*$")
_SETEXT = re.compile(r"^\s*(=+|-+)\s*$")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__|\*|`)")


@dataclass(frozen=True)
class Sentence:
    """One sentence: ``text`` for the patterns, ``raw`` exactly as the material has it."""

    text: str
    raw: str
    start: int
    end: int
    # The parse of ``text`` (None for a table row or a list read as one answer).
    span: Span | None = field(default=None, compare=False, repr=False)
    # Remarks in parentheses, read apart from the sentence: (where in ``text``, remark).
    asides: tuple[tuple[int, str], ...] = ()

    @property
    def said(self) -> str:
        """Everything the sentence says, its remarks included (what answers trace to)."""
        return " ".join([self.text, *(aside for _, aside in self.asides)])


@dataclass
class Block:
    """A paragraph, a bullet item, a Markdown table or a heading, with the headings above."""

    kind: str  # "paragraph", "bullet", "table" or "heading"
    text: str
    start: int
    end: int
    headings: tuple[str, ...] = ()
    indent: int = 0  # a bullet's depth in columns: nested items are a list of their own
    parsed: list[Sentence] | None = field(default=None, repr=False)

    def sentences(self) -> list[Sentence]:
        """The block's sentences (parsed on first use, unless ``parse_blocks`` parsed them
        in a batch); a table's are its rows below the header, each "cell | cell | ..."."""
        if self.kind == "table":
            return [row for row, _ in self.table_rows()[1:]]
        if self.kind == "heading":
            return []
        if self.parsed is None:
            self.parsed = split_sentences(self.text, self.start)
        return self.parsed

    def table_rows(self) -> list[tuple[Sentence, list[str]]]:
        """A table's rows (the header first, the rule under it left out), each with its
        cells' text."""
        rows: list[tuple[Sentence, list[str]]] = []
        offset = self.start
        for line in self.text.split("\n"):
            start, offset = offset, offset + len(line) + 1
            if _TABLE_RULE.match(line) or not line.strip():
                continue
            cells = [clean_markup(c).strip() for c in line.strip().strip("|").split("|")]
            raw = line.strip()
            sentence = Sentence(" | ".join(cells), raw, start + line.index(raw), start + len(line))
            rows.append((sentence, cells))
        return rows


@dataclass
class Document:
    """A material file, read and split."""

    path: Path
    text: str
    blocks: list[Block]


def read_material(path: Path) -> str:
    """The text of a material file; GenerationError for what the user can fix."""
    try:
        raw = path.read_bytes()
    except IsADirectoryError:
        raise GenerationError(
            f"{path}: is a folder; name the text or Markdown files in it"
        ) from None
    except FileNotFoundError:
        raise GenerationError(f"{path}: no such file; check the path") from None
    except OSError as error:
        raise GenerationError(
            f"{path}: cannot read the file ({error.strerror}); check its permissions"
        ) from None
    if not raw.strip():
        raise GenerationError(f"{path}: the file is empty; give a file with text to learn from")
    if b"\x00" in raw[:8192]:
        raise GenerationError(
            f"{path}: looks like a binary file; give plain text or Markdown (.txt, .md)"
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise GenerationError(
            f"{path}:{line}: not valid UTF-8; save the file as UTF-8 text and try again"
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def clean_markup(text: str) -> str:
    """``text`` without Markdown links, emphasis and code ticks, whitespace collapsed, and
    without a lone quotation mark left by a quotation the sentence splitter cut in two."""
    text = _LINK.sub(r"\1", text)
    text = _EMPHASIS.sub("", text)
    text = _NOISE.sub("", text)
    text = re.sub(r"\s*\(\s*(?:see|at|from)?\s*\)", "", text)  # "(see )" once its address is gone
    text = re.sub(r"\s+", " ", text).strip()
    if sum(text.count(q) for q in '“”"') == 1:
        # A quotation the splitter cut in two: its lone mark would mislead a card.
        if text[:1] in '“”"':
            text = text[1:].lstrip()
        elif text.rstrip(".")[-1:] in '“”"':
            text = re.sub(r'[“”"](?=\.?$)', "", text)
        else:
            # 'patients “the absence ...': the quotation opened a clause of its own.
            text = re.sub(r'(?<=\w)\s+[“"]\s*(?=\w)', ", ", text)
            text = re.sub(r'\s*[“”"]\s*', " ", text).strip()
    return text


_NOISE = re.compile(r"\[\d+(?:[,–-]\s*\d+)*\]|\bhttps?://[^\s)\]]+|\bwww\.[^\s)\]]+")


def _after_a_plural(text: str, at: int) -> bool:
    """Whether the word before ``at`` reads as a plural ("drops", not "virus" or
    "failure"): a rare word in parentheses after it is an example of it."""
    before = re.search(r"([A-Za-z]+)\s*$", text[:at])
    return before is not None and re.search(r"[^siu]s$", before.group(1)) is not None


def _flatten(text: str) -> tuple[str, list[int], list[tuple[int, str]]]:
    """``text`` as the parser reads it, where each of its characters is in ``text``, and
    the remarks in parentheses taken out of it (each with its place in the flat text).

    Markdown markup, citation marks ("[1]") and web addresses are left out, line breaks
    (hard wrapping) become spaces and runs of spaces one space: a sentence's span in the
    flat text maps back to its exact span in the material, which the card cites. A remark
    in parentheses of three words or more ("(black, tarry stools produced as ...)", "(also
    known as X)") is read on its own: left in, it breaks the parse of a long sentence.
    """
    keep = [True] * len(text)
    asides: list[tuple[int, str]] = []

    def drop(start: int, end: int) -> None:
        keep[start:end] = [False] * (end - start)

    for remark in _REMARK.finditer(text):
        inner = remark.group("inner")
        if (
            len(inner.split()) >= 3 or (one_term(inner) and _after_a_plural(text, remark.start()))
        ) and not re.search(r"\d", inner):
            drop(remark.start(), remark.end())
            asides.append((remark.start(), clean_markup(inner)))

    for link in _LINK.finditer(text):
        drop(link.start(), link.start(1))
        drop(link.end(1), link.end())
    for mark in _EMPHASIS.finditer(text):
        drop(mark.start(), mark.end())
    for noise in _NOISE.finditer(text):
        drop(noise.start(), noise.end())
    for empty in re.finditer(r"\s*\(\s*(?:see|at|from)?\s*\)", text):
        # "(see )" once its address is gone
        if not any(keep[i] for i in range(empty.start(), empty.end()) if text[i] not in " ()"):
            drop(empty.start(), empty.end())
    flat: list[str] = []
    where: list[int] = []
    placed: list[tuple[int, str]] = []
    pending = sorted(asides)
    for index, char in enumerate(text):
        while pending and pending[0][0] <= index:
            placed.append((len(flat), pending.pop(0)[1]))
        if not keep[index]:
            continue
        if char.isspace():
            if not flat or flat[-1] == " ":
                continue
            char = " "
        flat.append(char)
        where.append(index)
    while flat and flat[-1] == " ":
        flat.pop()
        where.pop()
    placed += [(len(flat), aside) for _, aside in pending]
    return "".join(flat), where, placed


_REMARK = re.compile(r"\s*\((?P<inner>[^()]*)\)")


def split_sentences(text: str, offset: int, doc: Doc | None = None) -> list[Sentence]:
    """The sentences of one block of ``text`` that starts at ``offset`` in its file, with
    their parse; ``doc`` is the parse of ``flat_text(text)`` when it was parsed in a batch.

    The parser finds the boundaries; each sentence cites its exact text in the material.
    """
    flat, where, asides = _flatten(text)
    if not flat:
        return []
    if doc is None:
        [doc] = parse([flat])
    sentences: list[Sentence] = []
    for span in _joined(doc):
        if not span.text.strip():
            continue
        first, last = span.start_char, span.end_char - 1
        start, end = where[first], where[last] + 1
        sentences.append(
            Sentence(
                text=span.text,
                raw=text[start:end],
                start=offset + start,
                end=offset + end,
                span=span,
                asides=tuple((at - first, aside) for at, aside in asides if first < at <= last + 1),
            )
        )
    return sentences


def _joined(doc: Doc) -> list[Span]:
    """The parser's sentences, with a piece it cut off that starts in lower case after no
    full stop joined back ("nebs driven by air (not O2) | if CO2 retainer")."""
    spans: list[Span] = []
    for span in doc.sents:
        previous = spans[-1] if spans else None
        if (
            previous is not None
            and span[0].text[:1].islower()
            and previous.text.rstrip()[-1:] not in ".!?:;"
        ):
            spans[-1] = doc[previous.start : span.end]
        else:
            spans.append(span)
    return spans


def flat_text(text: str) -> str:
    """What the parser reads of a block's ``text`` (see ``split_sentences``)."""
    return _flatten(text)[0]


def parse_blocks(blocks: list[Block]) -> None:
    """Parse the prose blocks of a document in one batch (far faster than one by one)."""
    prose = [b for b in blocks if b.kind in ("paragraph", "bullet") and b.parsed is None]
    flats = [flat_text(b.text) for b in prose]
    docs = parse(f for f in flats if f)
    for block, flat in zip(prose, flats, strict=True):
        block.parsed = split_sentences(block.text, block.start, next(docs)) if flat else []


def _lines(text: str) -> Iterator[tuple[int, str]]:
    position = 0
    for line in text.split("\n"):
        yield position, line
        position += len(line) + 1


_TITLE_WORDS = 8


def _is_title(line: str, following: str) -> bool:
    # a title may end in a remark on the page ("STEMI: acute management (lecture notes)")
    title = re.sub(r"\s*\([^()]*\)$", "", line.strip())
    return (
        bool(title)
        and not following.strip()
        and title[:1].isupper()
        and len(line.split()) <= _TITLE_WORDS
        and title[-1:].isalnum()
        and not _BULLET.match(line)
    )


def _line_of_notes(previous: str, line: str) -> bool:
    """Whether ``line`` is an item of its own after ``previous``, as in notes written a fact
    a line with no bullets ("Affects ~1-3% of pregnancies" after "... electrolyte
    imbalance"): the line before ends a phrase, not on a comma or a word that needs more
    ("caused by"), and this one opens with a capital, a digit or a sign. Prose wrapped at
    a fixed width breaks anywhere, and a sentence that ends there ends with its stop."""
    before = previous.rstrip()
    words = before.split()
    opening = line.lstrip()[:1]
    return (
        bool(words)
        and before[-1:] not in _CONTINUING_ENDS
        and words[-1].lower() not in _CONTINUING_WORDS
        and (opening.isupper() or opening.isdigit() or opening in _SIGNS)
    )


# A line that ends so goes on in the next one.
_CONTINUING_ENDS = frozenset(",;:-–—/+&(=")
_CONTINUING_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "by",
        "and",
        "or",
        "with",
        "to",
        "in",
        "for",
        "than",
        "from",
        "at",
        "on",
        "as",
        "is",
        "are",
        "be",
        "was",
        "were",
        "not",
        "no",
        "into",
        "over",
        "under",
        "between",
        "after",
        "before",
        "within",
        "without",
        "per",
    ]
)
_SIGNS = frozenset("↑↓→<>≥≤~")


def parse_document(path: Path, text: str) -> Document:
    """Split ``text`` into headings, paragraphs and bullet items (sentences come later)."""
    blocks: list[Block] = []
    headings: list[tuple[int, str]] = []
    current: list[tuple[int, str]] = []
    kind = "paragraph"
    indent = 0
    previous_line = ""

    def flush() -> None:
        nonlocal current
        if current:
            start = current[0][0]
            end = current[-1][0] + len(current[-1][1])
            body = text[start:end]
            depth = indent if kind == "bullet" else 0
            blocks.append(Block(kind, body, start, end, tuple(h for _, h in headings), depth))
        current = []

    def open_heading(level: int, title: str, start: int) -> None:
        while headings and headings[-1][0] >= level:
            headings.pop()
        headings.append((level, clean_markup(title)))
        blocks.append(
            Block("heading", title, start, start + len(title), tuple(h for _, h in headings))
        )

    lines = list(_lines(text))
    for number, (start, line) in enumerate(lines):
        if kind == "table" and not _TABLE_ROW.match(line):
            flush()  # the table ended: this line is read as what it is
            kind = "paragraph"
        heading = _HEADING.match(line)
        bullet = _BULLET.match(line)
        following = lines[number + 1][1] if number + 1 < len(lines) else ""
        if heading:
            flush()
            open_heading(len(heading.group(1)), heading.group(2), start)
        elif _TABLE_ROW.match(line):
            if kind != "table":
                flush()
                kind = "table"
            current.append((start, line))
        elif not current and not previous_line.strip() and _is_title(line, following):
            # Plain text has titles too: a short line alone, with no final stop. The first
            # names the document's subject; later ones its sections.
            open_heading(2 if headings else 1, line.strip(), start + len(line) - len(line.lstrip()))
        elif _SETEXT.match(line) and len(current) == 1 and kind == "paragraph" and line.strip():
            # "Title\n=====": the paragraph line above was a heading.
            title_start, title = current[0]
            current = []
            open_heading(1 if "=" in line else 2, title.strip(), title_start)
        elif not line.strip():
            flush()
        elif bullet:
            flush()
            kind = "bullet"
            indent = len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip())
            offset = start + line.index(bullet.group(1))
            current = [(offset, bullet.group(1))]
        elif current and kind == "bullet" and line.startswith((" ", "\t")):
            current.append((start + len(line) - len(line.lstrip()), line.strip()))
        else:
            if current and (
                kind == "bullet"
                or len(previous_line) >= LONG_LINE
                or _line_of_notes(previous_line, line)
            ):
                flush()
            if not current:
                kind = "paragraph"
            current.append((start, line))
        previous_line = line
    flush()
    return Document(path, text, blocks)
