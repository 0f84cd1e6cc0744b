"""Cards as a learner sees them: question and answer text, and the card's state name.

A basic note gives one card; a cloze note one card per cloze number, whose id is the
note id plus the number (``avn-causes#c2``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, Protocol

from study.domain import cloze


class CardStateName(StrEnum):
    """Where a card stands for a learner: the partition the stats, Browse and
    ``study cards`` use (:func:`state_name`, and :func:`state_tests` for SQL)."""

    NEW = "new"  # never graded
    LEARNING = "learning"  # failed at its last scheduled review, or in today's drill
    YOUNG = "young"  # an interval under MATURE_INTERVAL days
    MATURE = "mature"  # an interval of MATURE_INTERVAL days or more


# Days of interval from which a card is mature (Anki's threshold).
MATURE_INTERVAL = 21


@dataclass(frozen=True)
class CardContent:
    """What a card shows: plain text, never markup."""

    card_id: str
    note_id: str
    deck_id: str
    type: str
    ordinal: int
    question: str
    answer: str
    cloze_text: str = ""
    extra: str = ""
    tags: tuple[str, ...] = ()
    source_file: str = ""
    source_sentence: str = ""
    # The deck author's remark, shown under the answer: where a card corrects its
    # material, what the material wrote.
    note: str = ""


def card_id(note_id: str, ordinal: int) -> str:
    """The id of a note's card: the note id, or ``note#cN`` for cloze number N."""
    return f"{note_id}#c{ordinal}" if ordinal else note_id


def question_and_answer(
    note_type: str, front: str, back: str, text: str, ordinal: int
) -> tuple[str, str]:
    """The plain-text question and answer of one card of a note."""
    if note_type == "cloze":
        return cloze.question(text, ordinal), cloze.answer(text, ordinal)
    return front, back


class Scheduled(Protocol):
    """What the state of a card is read from: a learner's schedule row."""

    @property
    def reviews(self) -> int: ...
    @property
    def repetitions(self) -> int: ...
    @property
    def interval(self) -> int: ...
    @property
    def drill_day(self) -> date | None: ...


def state_tests(schedule: Any, today: date) -> tuple[tuple[CardStateName, Any], ...]:
    """The state rule of a card that has a schedule row: the first test that holds names
    its state, else it is young. (A card without a schedule row is new.)

    Written with ``==``, ``>=`` and ``|`` only, so the same rule reads a schedule in
    Python (:func:`state_name`) and its columns in SQL
    (:func:`study.storage.stats_scope.state_expression`).
    """
    return (
        (CardStateName.NEW, schedule.reviews == 0),
        (CardStateName.LEARNING, (schedule.repetitions == 0) | (schedule.drill_day == today)),
        (CardStateName.MATURE, schedule.interval >= MATURE_INTERVAL),
    )


def state_name(schedule: Scheduled | None, today: date) -> CardStateName:
    """new, learning, young or mature: the partition the stats and Browse use.

    No schedule (``None``) or no graded review: new. learning: failed at its last
    scheduled review, or waiting in today's drill.
    """
    if schedule is None:
        return CardStateName.NEW
    tests = state_tests(schedule, today)
    return next((name for name, holds in tests if holds), CardStateName.YOUNG)


_VISIBLE = {"\x1b": "␛", "\t": "    ", "\r": "␍", "\x7f": "␡"}


def printable(text: str, *, keep_newlines: bool = True) -> str:
    """Card text made safe for a terminal: control characters and escapes shown, not sent.

    ESC becomes ``␛`` so an ANSI sequence shows as text; other controls become ``\\xNN``.
    """
    out: list[str] = []
    for char in text:
        if char == "\n":
            out.append("\n" if keep_newlines else " ⏎ ")
        elif char in _VISIBLE:
            out.append(_VISIBLE[char])
        elif ord(char) < 32 or 0x80 <= ord(char) < 0xA0:
            out.append(f"\\x{ord(char):02x}")
        elif (
            char in "\u2028\u2029\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
        ):
            out.append(f"\\u{ord(char):04x}")  # line separators and bidi overrides
        else:
            out.append(char)
    return "".join(out)


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(text: str) -> str:
    """Text for a CSV cell that a spreadsheet shows as text and never evaluates.

    A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is a
    formula to Excel, LibreOffice and Google Sheets: it gets a leading apostrophe (the
    spreadsheets' own "this is text" mark). Control characters are made visible as
    :func:`printable` does (newlines kept: CSV quotes them).
    """
    if text.startswith(_FORMULA_STARTS):
        text = "'" + text
    return printable(text)


def content_from_row(row: Sequence[Any], tags: tuple[str, ...]) -> CardContent:
    """A card's content from (card id, note id, deck id, ordinal, and the note's type,
    front, back, text, extra, source file, source sentence, editor's note) and its
    note's ``tags``."""
    (card_id, note_id, deck_id, ordinal, kind, front, back, text, extra) = row[:9]
    question, answer = question_and_answer(kind, front, back, text, ordinal)
    return CardContent(
        card_id=card_id,
        note_id=note_id,
        deck_id=deck_id,
        type=kind,
        ordinal=ordinal,
        question=question,
        answer=answer,
        cloze_text=text,
        extra=extra,
        tags=tags,
        source_file=row[9],
        source_sentence=row[10],
        note=row[11],
    )
