"""The Anki collection inside the package, filled with genanki's schema: the notes and
their cards, the decks with their parents, and with progress the review log."""

from __future__ import annotations

import hashlib
import itertools
import json
import sqlite3
from collections.abc import Callable, Mapping
from datetime import datetime
from operator import itemgetter
from pathlib import Path
from typing import Any

import genanki
from genanki.apkg_col import APKG_COL
from genanki.apkg_schema import APKG_SCHEMA

from study.domain.clock import study_day
from study.domain.config import Settings
from study.services.anki_export.note_types import MODEL_MTIME, basic_model, cloze_model
from study.services.anki_export.notes import (
    AnkiExportError,
    anki_note,
    check_note,
    epoch_seconds,
    field_html,
)
from study.services.anki_export.plan import AnkiPlanner
from study.services.anki_export.progress import (
    COLLECTION_CREATED,
    ScheduledCard,
    card_schedule,
    count_answers,
    write_revlog,
)
from study.storage import anki_rows
from study.storage.database import Session

_PROGRESS_EVERY = 500
_first = itemgetter(0)


def anki_deck_id(key: str) -> int:
    """A stable Anki deck id for ``key`` (our deck id, or ``name:<deck name>`` for a
    parent that is not one of our decks), in genanki's suggested range: never 1."""
    digest = hashlib.sha256(f"study-deck\0{key}".encode()).digest()
    return (1 << 30) + int.from_bytes(digest[:8], "big") % (1 << 30)


def write_collection(
    session: Session,
    collection: Path,
    *,
    learner_id: int,
    deck_ids: list[str] | None,
    deck_names: dict[str, str],
    with_progress: bool,
    now: datetime,
    settings: Settings,
    progress: Callable[[int, int], None] | None,
    planner: AnkiPlanner | None = None,
) -> tuple[int, int, int, int]:
    """Fill an Anki collection file; return the counts of notes, cards, decks, reviews."""
    connection = sqlite3.connect(collection)
    try:
        connection.execute("PRAGMA journal_mode=OFF")
        connection.execute("PRAGMA synchronous=OFF")
        cursor = connection.cursor()
        cursor.executescript(APKG_SCHEMA)
        cursor.executescript(APKG_COL)
        _configure_collection(cursor, settings)
        models = {"basic": basic_model(), "cloze": cloze_model()}
        # genanki's ids: milliseconds from the export time, ascending.
        ids = itertools.count(int(now.timestamp() * 1000))
        anki_card_ids: dict[str, int] = {}  # cards with a schedule, for the review log
        total = anki_rows.count_notes(session, deck_ids) if progress else 0
        notes = cards = 0
        used_decks: set[str] = set(deck_ids or ())
        anki_decks: dict[str, int] = {}
        today = study_day(now, settings.zone, settings.day_starts_at)
        rows = anki_rows.note_rows(session, deck_ids, learner_id, with_progress)
        for _, group in itertools.groupby(rows, key=_first):
            note_rows = list(group)
            first = note_rows[0]
            check_note(note_rows, deck_names.get(first.deck_id, first.deck_id))
            note = anki_note(models[first.type], first, position=notes + 1)
            note.cards = [
                ScheduledCard(
                    max(0, (r.ordinal or 0) - 1),
                    card_schedule(r, today, now),
                    anki_card_ids if r.reviews is not None else None,
                    r.card_id or "",
                )
                for r in note_rows
            ]
            anki_deck = anki_decks.get(first.deck_id)
            if anki_deck is None:
                anki_deck = anki_decks[first.deck_id] = anki_deck_id(first.deck_id)
                used_decks.add(first.deck_id)
            mod = epoch_seconds(first.updated_at)
            if planner is not None:
                mod = planner.decide(note, first.note_id, mod)
            note.write_to_db(cursor, mod, anki_deck, ids)
            notes += 1
            cards += len(note_rows)
            if progress and notes % _PROGRESS_EVERY == 0:
                progress(notes, total)
        if notes == 0:
            raise AnkiExportError("no cards to export; import a deck first (`study import`)")
        descriptions = anki_rows.deck_descriptions(session, used_decks)
        decks = _write_decks(cursor, used_decks, deck_names, descriptions, list(models.values()))
        reviews = write_revlog(cursor, session, learner_id, anki_card_ids) if with_progress else 0
        if reviews:
            count_answers(cursor)
        if progress:
            progress(notes, max(total, notes))
        connection.commit()
    finally:
        connection.close()
    return notes, cards, decks, reviews


def _configure_collection(cursor: sqlite3.Cursor, settings: Settings) -> None:
    """Make the collection's "today" the learner's study day (see the package docstring)."""
    (raw,) = cursor.execute("SELECT conf FROM col").fetchone()
    conf = json.loads(raw)
    conf.update(
        {"schedVer": 2, "creationOffset": 0, "rollover": settings.day_starts_at, "curModel": None}
    )
    cursor.execute(
        "UPDATE col SET crt = ?, conf = ?",
        (int(COLLECTION_CREATED.timestamp()), json.dumps(conf)),
    )


def _write_decks(
    cursor: sqlite3.Cursor,
    used: set[str],
    deck_names: dict[str, str],
    descriptions: Mapping[str, str],
    models: list[Any],
) -> int:
    """Write our decks with their descriptions (Anki replaces its description with a
    package's that is not empty), and any parent deck of theirs that is not one of ours."""
    by_name = {deck_names[d]: d for d in used if d in deck_names}
    anki_decks: dict[str, int] = {name: anki_deck_id(deck_id) for name, deck_id in by_name.items()}
    for name in list(by_name):
        parts = name.split("::")
        for depth in range(1, len(parts)):
            parent = "::".join(parts[:depth])
            if parent not in anki_decks:
                anki_decks[parent] = anki_deck_id(f"name:{parent}")
    if len(set(anki_decks.values())) != len(anki_decks):
        raise AnkiExportError("two decks would get the same Anki deck id; rename one of them")
    for name, anki_id in sorted(anki_decks.items()):
        description = descriptions.get(by_name.get(name, ""), "")
        deck = genanki.Deck(anki_id, name, description=field_html(description))
        for model in models:
            deck.add_model(model)
        deck.write_to_db(cursor, MODEL_MTIME, None)
    return len(anki_decks)
