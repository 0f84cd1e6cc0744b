"""Finding cards: filtered, paged card listings, a card's history and source passage,
and where a card is written in its deck file (for editing it).

A service of the core (no textual). Listings filter and page in SQL, so a screen shows
a page of a 100,000-card collection without loading it all.
"""

from __future__ import annotations

import os
import re
import shlex
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from study.domain.cards import CardContent
from study.domain.decks import DeckError
from study.domain.decks.reading import load_deck
from study.domain.decks.writing import mark_note_edited, write_deck_text
from study.domain.errors import UserError
from study.domain.review_log import ReviewKind, cancelled_ids
from study.domain.scheduling import ReviewEntry
from study.storage.card_search import FILTER_STATES as FILTER_STATES
from study.storage.card_search import SORTS as SORTS
from study.storage.card_search import BrowseFilter as BrowseFilter
from study.storage.card_search import search_cards
from study.storage.cards import CardRow, card_history, note_and_deck, set_flags
from study.storage.database import Session
from study.storage.decks import deck_materials

PAGE_SIZE = 200


class ReadOnlyDeckError(UserError):
    """A card whose deck file cannot be edited (bundled with the app, missing, read-only)."""


class BundledDeckError(ReadOnlyDeckError):
    """A card of a bundled deck: the learner edits a copy of the deck instead
    (:func:`study.services.library.copy_bundled_deck`)."""

    def __init__(self, message: str, deck_id: str, deck_name: str) -> None:
        super().__init__(message)
        self.deck_id = deck_id
        self.deck_name = deck_name


@dataclass(frozen=True)
class BrowsePage:
    """A page of rows and how many rows the filter matches in all."""

    rows: list[CardRow]
    total: int
    offset: int


def browse(
    session: Session,
    learner_id: int,
    today: date,
    flt: BrowseFilter,
    *,
    offset: int = 0,
    limit: int = PAGE_SIZE,
) -> BrowsePage:
    """One page of the cards matching ``flt``, in the order ``flt.sort`` names."""
    rows, total = search_cards(session, learner_id, today, flt, offset=offset, limit=limit)
    return BrowsePage(rows=rows, total=total, offset=offset)


# What browse and the CLI can change on cards, and the schedule fields each sets.
CARD_CHANGES: dict[str, dict[str, Any]] = {
    "suspend": {"suspended": True},  # never shown until unsuspended
    "unsuspend": {"suspended": False},
    "flag": {"flagged": True},
    "unflag": {"flagged": False, "flag_reason": ""},
    "unbury": {"buried_until": None},  # shown again today
}


def change_cards(
    session: Session, learner_id: int, card_ids: list[str], change: str, now: datetime
) -> None:
    """Apply one of :data:`CARD_CHANGES` to cards (NotFoundError for an unknown id)."""
    for card_id in card_ids:
        set_flags(session, learner_id, card_id, now, **CARD_CHANGES[change])


@dataclass(frozen=True)
class HistoryEntry:
    """One line of a card's review log: the answer as the log records it (its day, kind,
    grade and SM-2 values), when it was given, how long it took, and whether a later
    undo cancelled it."""

    entry: ReviewEntry
    reviewed_at: datetime
    answer_ms: int
    cancelled: bool


def history(session: Session, learner_id: int, card_id: str) -> list[HistoryEntry]:
    """A card's grades for one learner, oldest first; undone grades marked, undo rows left out."""
    reviews = card_history(session, learner_id, card_id)
    cancelled = cancelled_ids(reviews)
    return [
        HistoryEntry(ReviewEntry.of(r), r.reviewed_at, r.answer_ms, r.id in cancelled)
        for r in reviews
        if r.kind != ReviewKind.UNDO
    ]


@dataclass(frozen=True)
class Passage:
    """The part of a material file a card came from; ``start:end`` is the card's sentence."""

    file: str
    text: str
    start: int
    end: int


def source_passage(session: Session, card: CardContent, context: int = 600) -> Passage | None:
    """The paragraph around the card's source sentence, or None when there is none.

    A paragraph ends at a blank line; in material written one paragraph per line (no
    blank lines), at the end of the line. The sentence is found exactly, else ignoring
    differences in spacing; when it cannot be found the passage is the sentence alone.
    """
    if not card.source_file:
        return None
    text = deck_materials(session, card.deck_id).get(card.source_file)
    sentence = card.source_sentence.strip()
    if text is None:
        return Passage(card.source_file, sentence, 0, len(sentence)) if sentence else None
    if not sentence:
        return Passage(card.source_file, text[: 2 * context], 0, 0)
    found = _find_loosely(text, sentence)
    if found is None:
        return Passage(card.source_file, sentence, 0, len(sentence))
    start, end = found
    begin = text.rfind("\n\n", 0, start)
    begin = 0 if begin < 0 else begin + 2
    finish = text.find("\n\n", end)
    finish = len(text) if finish < 0 else finish
    if finish - begin > 2 * context:  # no blank lines here: take the sentence's own lines
        begin = max(begin, text.rfind("\n", 0, start) + 1)
        line_end = text.find("\n", end)
        finish = min(finish, len(text) if line_end < 0 else line_end)
    if finish - begin > 2 * context + (end - start):  # one huge line: a window around it
        begin, finish = max(begin, start - context), min(finish, end + context)
    return Passage(card.source_file, text[begin:finish], start - begin, end - begin)


def _find_loosely(text: str, sentence: str) -> tuple[int, int] | None:
    index = text.find(sentence)
    if index >= 0:
        return index, index + len(sentence)
    words = [re.escape(w) for w in sentence.split()]
    if not words:
        return None
    match = re.search(r"\s+".join(words), text)
    return (match.start(), match.end()) if match else None


@dataclass(frozen=True)
class CardLocation:
    """Where a card is written: its deck file and the line of its ``[[cards]]`` entry."""

    path: Path
    line: int


def card_location(session: Session, card_id: str) -> CardLocation:
    """The deck file and line of a card, if the learner may edit that file.

    Raises BundledDeckError for a bundled deck (the app replaces it on upgrade; the
    learner edits a copy), ReadOnlyDeckError for a file that is gone or read-only, and
    NotFoundError for an unknown card.
    """
    note_id, deck = note_and_deck(session, card_id)
    if deck.bundled:
        raise BundledDeckError(
            f"{deck.name!r} is a bundled deck: `study copy-deck {deck.id}` copies it into "
            "your decks folder, where you can edit it",
            deck.id,
            deck.name,
        )
    if not deck.file_path:
        raise ReadOnlyDeckError(f"{deck.name!r} has no deck file on record; import it again")
    path = Path(deck.file_path)
    if not path.is_file():
        raise ReadOnlyDeckError(f"the deck file {path} is gone; import the deck again")
    if not os.access(path, os.W_OK):
        raise ReadOnlyDeckError(f"the deck file {path} is read-only; it cannot be edited")
    try:
        spec = load_deck(path)
    except DeckError:
        return CardLocation(path, 1)  # the file has problems already: open it at the top
    for note in spec.notes:
        if note.id == note_id:
            return CardLocation(path, note.line or 1)
    return CardLocation(path, 1)


class NoEditorError(UserError):
    """Neither $VISUAL nor $EDITOR names an editor."""


def editor_command(location: CardLocation, environ: dict[str, str] | None = None) -> list[str]:
    """The command that opens the learner's editor ($VISUAL, else $EDITOR) at a line.

    Most terminal editors (vi, vim, nvim, nano, emacs, micro, kak) take ``+LINE``;
    VS Code and Sublime take ``PATH:LINE`` with ``-g`` / directly. With no editor set,
    NoEditorError: dropping a learner into vi unasked leaves many unable to get out.
    """
    environ = dict(os.environ) if environ is None else environ
    words = shlex.split(environ.get("VISUAL") or environ.get("EDITOR") or "")
    if not words:
        raise NoEditorError(
            "no editor is set: set $EDITOR (for example `export EDITOR=nano`) and press e again"
        )
    name = Path(words[0]).name
    where = f"{location.path}:{location.line}"
    if name in ("code", "codium", "code-insiders"):
        return [*words, "--wait", "-g", where]
    if name in ("subl", "sublime_text"):
        return [*words, "--wait", where]
    return [*words, f"+{location.line}", str(location.path)]


def deck_text(location: CardLocation) -> str:
    """The deck file's text before editing (compared by :func:`keep_edit`)."""
    try:
        return location.path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        load_deck(location.path)  # raises DeckError saying where the bad bytes are
        raise


def keep_edit(location: CardLocation, note_id: str, before: str) -> bool:
    """After the learner's editor ran on ``location``'s deck file (which read ``before``):
    False when the file is unchanged; else mark note ``note_id`` ``edited = true`` and
    bump the deck's version in the file (so ``study generate`` keeps the edit), and True.

    Raises DeckError when the edited file is not a valid deck (nothing is written then).
    """
    after = deck_text(location)
    if after == before:
        return False
    marked = mark_note_edited(after, location.path, note_id)
    write_deck_text(location.path, marked)
    return True
