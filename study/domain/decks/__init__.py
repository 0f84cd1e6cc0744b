"""Deck files: human-editable TOML, parsed and validated with ``path:line`` errors, and written.

A deck file looks like this (the README documents every key)::

    [deck]
    id = "spine-and-hip"
    version = 3
    name = "Orthopaedics::Spine and hip"
    description = "Hip and spine: avascular necrosis, back pain, fractures"
    material = ["material/spine-and-hip.txt"]

    [[cards]]
    id = "avn-other-name"
    type = "basic"
    front = "What is the other name of avascular necrosis?"
    back = "Osteonecrosis"
    tags = ["avascular-necrosis", "hip"]
    source = { file = "material/spine-and-hip.txt", sentence = "Avascular necrosis ..." }

A card taken out on review stays in the file as a tombstone, ``removed = true`` with its
``id`` (and ``source``, ``note``): never imported or shown, and regenerating the deck never
brings it back. ``exclude_sentence = true`` (on a tombstone or an edited card) goes further:
the generator makes no card at all from that card's source sentence (see cardgen.merge).

``tomllib`` parses the data; line numbers of content errors come from a light scan of
the raw text, since ``tomllib`` keeps no positions. Every content problem is reported at
once, in line order; a TOML syntax error stops parsing, so it is reported alone.

This package holds the deck file model and the naming rules Anki imposes (here), where
each statement of a raw TOML text begins (``lines``), reading and validating a file
(``reading``), and writing one (``writing``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from study.domain import cloze
from study.domain.errors import UserError

SEPARATOR = "::"  # between a parent deck's name and its child's


class DeckError(UserError):
    """A deck file that cannot be imported; ``problems`` lists every ``path:line: message``."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Source:
    """Where a card came from: a material file (relative to the deck file) and its sentence."""

    file: str
    sentence: str


@dataclass(frozen=True)
class NoteSpec:
    """One ``[[cards]]`` entry: a note that gives one card (basic) or one per cloze number."""

    id: str
    type: str
    front: str = ""
    back: str = ""
    text: str = ""
    extra: str = ""
    tags: tuple[str, ...] = ()
    source: Source | None = None
    edited: bool = False
    note: str = ""
    line: int = 0
    exclude_sentence: bool = False

    @property
    def card_ids(self) -> list[str]:
        """The ids of the cards this note gives: the note id, or ``id#cN`` per cloze number."""
        if self.type == "cloze":
            return [f"{self.id}#c{n}" for n in cloze.cloze_numbers(self.text)]
        return [self.id]


@dataclass(frozen=True)
class RemovedCard:
    """A ``removed = true`` entry: a card taken out on review, kept so it stays out."""

    id: str
    source: Source | None = None
    note: str = ""
    exclude_sentence: bool = False
    line: int = 0


@dataclass(frozen=True)
class DeckSpec:
    """A whole deck file."""

    id: str
    name: str
    version: int = 1
    description: str = ""
    material: tuple[str, ...] = ()
    notes: tuple[NoteSpec, ...] = ()
    path: Path | None = field(default=None, compare=False)
    removed: tuple[RemovedCard, ...] = ()


_UNTRIMMED = re.compile(r"^[\s:]+|[\s:]+$")


def anki_name_problem(name: str) -> str | None:
    """Why Anki would store deck ``name`` under another name, or None. Anki (rslib
    ``decks/name.rs``) trims each ``::`` part of spaces and colons, names an empty part
    "blank", and keeps its own "Default" deck: such a deck would merge or be renamed."""
    parts = name.split(SEPARATOR)
    for part in parts:
        cleaned = unicodedata.normalize("NFC", "".join(c for c in part if c >= " " and c != "\x7f"))
        if _UNTRIMMED.sub("", cleaned) != part or not part:
            return (
                f"deck name {name!r} has an empty or untrimmed part between '::'; "
                "Anki would rename it: write it as 'Parent::Child'"
            )
    if parts[0].casefold() == "default":
        return f"deck name {name!r} would merge into Anki's Default deck; choose another name"
    return None


def name_clash(name: str, others: Iterable[str]) -> str | None:
    """The first of ``others`` that Anki would merge with deck ``name`` (names that differ
    only in case, in the deck or a parent of it, as Anki compares them), or None."""
    parts = name.split(SEPARATOR)
    for other in others:
        other_parts = other.split(SEPARATOR)
        for depth in range(1, min(len(parts), len(other_parts)) + 1):
            mine, theirs = parts[:depth], other_parts[:depth]
            if mine != theirs and [p.casefold() for p in mine] == [p.casefold() for p in theirs]:
                return other
    return None


def bundled_deck_files() -> list[Path]:
    """The decks that ship with the app (inside the installed package), by name."""
    return sorted(Path(str(resources.files("study.bundled"))).glob("*.toml"))


def decks_matching(decks: Sequence[tuple[str, str]], query: str) -> list[str] | None:
    """The ids of the deck (of ``(id, name)`` pairs) named or identified by ``query`` and
    of its child decks, sorted; None when no deck matches."""
    match = [d for d in decks if query in d] or [
        d for d in decks if d[1].casefold() == query.casefold()
    ]
    if not match:
        # A parent that is only a name prefix ("Orthopaedics" of "Orthopaedics::Spine").
        prefix = (query + SEPARATOR).casefold()
        children = [deck_id for deck_id, name in decks if name.casefold().startswith(prefix)]
        return children or None
    prefixes = tuple(name + SEPARATOR for _, name in match)
    ids = {deck_id for deck_id, _ in match}
    ids |= {deck_id for deck_id, name in decks if name.startswith(prefixes)}
    return sorted(ids)
