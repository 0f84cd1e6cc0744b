"""Reading material: plain text or Markdown into paragraphs, headings, lists and sentences.

Every sentence keeps its exact text and character span in the file, so a card can say
where it came from. Markdown markup (emphasis, links, code ticks) is removed from the text
the patterns read, never from the source text a card cites.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pysbd

from study.cardgen.errors import GenerationError

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


@dataclass
class Block:
    """A paragraph, a bullet item, a Markdown table or a heading, with the headings above."""

    kind: str  # "paragraph", "bullet", "table" or "heading"
    text: str
    start: int
    end: int
    headings: tuple[str, ...] = ()
    indent: int = 0  # a bullet's depth in columns: nested items are a list of their own

    def sentences(self) -> list[Sentence]:
        """The block's sentences (split on demand: splitting is the slow part of reading);
        a table's are its rows below the header, each "cell | cell | ..."."""
        if self.kind == "table":
            return [row for row, _ in self.table_rows()[1:]]
        return split_sentences(self.text, self.start) if self.kind != "heading" else []

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
_INNER_STOP = re.compile(r"[.!?;:…]\W*\s")


@lru_cache(maxsize=1)
def _segmenter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False, char_span=False)


# pysbd reads "proteins C and S. Its effect is ..." as an initial ("J. Smith"): a single
# capital, a stop, then a word that only starts sentences, is a sentence boundary.
_INITIAL_STOP = re.compile(
    r"(?<=\b[A-Z]\.)\s+(?=(?:It|Its|The|This|These|They|Their|There|In|A|An|When|If)\s)"
)


def split_sentences(text: str, offset: int) -> list[Sentence]:
    """The sentences of one block of ``text`` that starts at ``offset`` in its file.

    pysbd finds the boundaries; spans are recovered by searching forward, since pysbd's
    own span mode is slower and loses nothing we need.
    """
    sentences: list[Sentence] = []
    position = 0
    # A line break inside a paragraph is hard wrapping, not a sentence boundary (pysbd
    # would take it for one); a space of the same length keeps every offset.
    flat = text.replace("\n", " ")
    # Citation marks ("fragility.[1] It is") and web addresses hide sentence ends from
    # pysbd: blanked to spaces of the same length, so every offset stays true.
    flat = _NOISE.sub(lambda m: " " * len(m.group(0)), flat)
    # pysbd is the slow part of reading; text with no stop before its end (a bullet item,
    # a heading-like line) is one sentence without asking it.
    pieces = [flat] if not _INNER_STOP.search(flat.strip()) else _segmenter().segment(flat)
    pieces = [part for piece in pieces for part in _INITIAL_STOP.split(piece)]
    for piece in pieces:
        stripped = piece.strip()
        if not stripped:
            continue
        start = flat.find(stripped, position)
        if start < 0:  # pysbd did not keep the text verbatim; cite what it gave
            start = position
        position = start + len(stripped)
        raw = text[start:position] if flat[start:position] == stripped else stripped
        sentences.append(
            Sentence(
                text=clean_markup(stripped),
                raw=raw,
                start=offset + start,
                end=offset + start + len(stripped),
            )
        )
    return sentences


def _lines(text: str) -> Iterator[tuple[int, str]]:
    position = 0
    for line in text.split("\n"):
        yield position, line
        position += len(line) + 1


_TITLE_WORDS = 8


def _is_title(line: str, following: str) -> bool:
    title = line.strip()
    return (
        bool(title)
        and not following.strip()
        and title[:1].isupper()
        and len(title.split()) <= _TITLE_WORDS
        and title[-1:].isalnum()
        and not _BULLET.match(line)
    )


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
            if current and (kind == "bullet" or len(previous_line) >= LONG_LINE):
                flush()
            if not current:
                kind = "paragraph"
            current.append((start, line))
        previous_line = line
    flush()
    return Document(path, text, blocks)
