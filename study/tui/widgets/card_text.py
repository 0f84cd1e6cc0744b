"""Card text as Textual Content: always literal, never markup.

Everything a deck author typed goes through :func:`study.domain.cards.printable` (control
characters and ANSI escapes made visible) and into ``Content`` as plain text, so
``[bold]``, ``[/]`` and ``<b>`` appear exactly as typed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content

from study.domain import cloze
from study.domain.cards import CardContent, printable

if TYPE_CHECKING:
    from study.services.browse import Passage

DELETION = "bold $text-accent on $accent-muted"
HIGHLIGHT = "bold $text-warning on $warning-muted"


def literal(text: str, *, keep_newlines: bool = True) -> Content:
    """Author text shown as typed."""
    return Content(printable(text, keep_newlines=keep_newlines))


def cloze_content(card: CardContent, *, reveal: bool) -> Content:
    """A cloze card: the asked deletions as ``[...]`` / ``[hint]``, or revealed, highlighted."""
    parts: list[str | tuple[str, str]] = []
    for segment in cloze.segments(card.cloze_text, card.ordinal, reveal=reveal):
        text = printable(segment.text)
        parts.append((text, DELETION) if segment.is_deletion else text)
    return Content.assemble(*parts)


def question_content(card: CardContent, *, reveal: bool = False) -> Content:
    """What the question area shows; a revealed cloze shows its answer in context."""
    if card.type == "cloze":
        return cloze_content(card, reveal=reveal)
    return literal(card.question)


def passage_content(passage: Passage) -> Content:
    """A material passage with the card's sentence highlighted."""
    text = passage.text
    return Content.assemble(
        printable(text[: passage.start]),
        (printable(text[passage.start : passage.end]), HIGHLIGHT),
        printable(text[passage.end :]),
    )
