"""Cloze deletions: ``{{c1::answer}}`` and ``{{c1::answer::hint}}``, as Anki writes them.

A cloze note gives one card per cloze number. The card for number ``n`` hides every
deletion numbered ``n`` and shows the others as plain text.

Anki reads more than that (rslib ``cloze.rs``): deletions inside deletions, several
numbers in one deletion (``{{c1,2::...}}``), leading zeros (``{{c01::...}}`` is card 1),
and it drops a deletion that is never closed. :func:`syntax_problem` finds each of
those, so a note is refused rather than giving different cards here and in Anki.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CLOZE_PATTERN = re.compile(r"\{\{c(\d+)::(.*?)(?:::(.*?))?\}\}", re.DOTALL)
HIDDEN = "[...]"
# Anki's tokens: an opening ``{{c<numbers>::`` (numbers: digits and commas, at least one
# digit) and a closing ``}}``; everything else is text.
_TOKEN = re.compile(r"\{\{c([\d,]*\d[\d,]*)::|\}\}")


def syntax_problem(text: str) -> str | None:
    """What in ``text`` Anki would read differently from this module, or None.

    Refused: a deletion inside another, a deletion with several numbers or a number
    that is 0 or written with a leading zero, and a deletion that is never closed.
    A ``}}`` outside any deletion is text for both.
    """
    open_at: list[str] = []
    for match in _TOKEN.finditer(text):
        numbers = match.group(1)
        if numbers is None:  # }}
            if open_at:
                open_at.pop()
            continue
        marker = "{{c" + numbers + "::"
        if open_at:
            return (
                f"cloze deletion {marker} is inside {open_at[-1]}; "
                "nested deletions are not supported"
            )
        if "," in numbers:
            return f"cloze deletion {marker} has several numbers; write one deletion per number"
        if numbers.startswith("0"):
            number = int(numbers)
            fix = f"{{{{c{number}::" if number else "{{c1::"
            return (
                f"cloze deletion {marker} must be numbered from 1 without a leading zero, "
                f"e.g. {fix}"
            )
        open_at.append(marker)
    if open_at:
        return f"cloze deletion {open_at[0]} is not closed; end it with }}}}"
    return None


@dataclass(frozen=True)
class Segment:
    """A piece of a rendered cloze: plain text, or a deletion of the asked number."""

    text: str
    is_deletion: bool = False


def cloze_numbers(text: str) -> list[int]:
    """The distinct cloze numbers of ``text``, ascending (``c0`` is not a valid number)."""
    return sorted({int(m.group(1)) for m in CLOZE_PATTERN.finditer(text) if int(m.group(1)) > 0})


def segments(text: str, number: int, *, reveal: bool) -> list[Segment]:
    """Split ``text`` into plain text and the deletions of ``number``.

    Deletions of ``number`` become ``[...]`` (or ``[hint]``) unless ``reveal`` is set;
    deletions of other numbers are shown as their answer.
    """
    parts: list[Segment] = []
    position = 0
    for match in CLOZE_PATTERN.finditer(text):
        if match.start() > position:
            parts.append(Segment(text[position : match.start()]))
        answer, hint = match.group(2), match.group(3)
        if int(match.group(1)) == number:
            shown = answer if reveal else (f"[{hint}]" if hint else HIDDEN)
            parts.append(Segment(shown, is_deletion=True))
        else:
            parts.append(Segment(answer))
        position = match.end()
    if position < len(text):
        parts.append(Segment(text[position:]))
    return _merge_plain(parts)


def _merge_plain(parts: list[Segment]) -> list[Segment]:
    merged: list[Segment] = []
    for part in parts:
        if merged and not part.is_deletion and not merged[-1].is_deletion:
            merged[-1] = Segment(merged[-1].text + part.text)
        else:
            merged.append(part)
    return merged


def question(text: str, number: int) -> str:
    """The card's question as plain text: that number's deletions hidden."""
    return "".join(s.text for s in segments(text, number, reveal=False))


def answer(text: str, number: int) -> str:
    """The card's answer as plain text: every deletion filled in."""
    return "".join(s.text for s in segments(text, number, reveal=True))


def deleted_answers(text: str, number: int) -> list[str]:
    """The answers hidden on the card of ``number``, in order."""
    return [m.group(2) for m in CLOZE_PATTERN.finditer(text) if int(m.group(1)) == number]
