"""The import itself: a package's notes planned, written as study decks, notes moved
between decks, and progress merged, all in one transaction."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

from study.domain.cards import card_id
from study.domain.clock import study_day
from study.domain.config import Settings
from study.domain.decks import DeckSpec, NoteSpec, anki_name_problem, name_clash
from study.services.anki_export.notes import note_guid
from study.services.anki_import.collection import (
    AnkiCard,
    AnkiCollection,
    AnkiImportError,
    read_collection,
)
from study.services.anki_import.notes import NotePlanner, study_deck_id
from study.services.anki_import.progress import Day, merge_progress
from study.services.anki_import.report import AnkiImportResult
from study.storage import anki_notes
from study.storage.database import Database, Session
from study.storage.deck_import import import_deck


def import_anki(
    database: Database,
    learner_id: int,
    path: Path,
    *,
    deck_prefix: str = "",
    with_progress: bool,
    now: datetime,
    settings: Settings,
) -> AnkiImportResult:
    """Import the notes (and with ``with_progress`` the schedules and review log) of the
    Anki package at ``path``, in one transaction (see the package docstring)."""
    if now.tzinfo is None:
        raise ValueError("import_anki needs a timezone-aware time")
    prefix = deck_prefix.strip()
    if prefix and (problem := anki_name_problem(prefix)):
        raise AnkiImportError(f"--deck-prefix: {problem}")
    package = read_collection(path)
    day = Day(settings, study_day(now, settings.zone, settings.day_starts_at))

    def work(session: Session) -> AnkiImportResult:
        return _import(session, package, path, learner_id, prefix, with_progress, now, day)

    return database.write(work)


def _import(
    session: Session,
    package: AnkiCollection,
    path: Path,
    learner_id: int,
    prefix: str,
    with_progress: bool,
    now: datetime,
    day: Day,
) -> AnkiImportResult:
    result = AnkiImportResult(path)
    live_notes = anki_notes.deck_file_notes(session)
    own = {note_guid(note_id): note_id for note_id in live_notes}
    planner = NotePlanner(package, prefix)
    by_deck: dict[str, list[NoteSpec]] = {}
    card_map: dict[str, AnkiCard] = {}  # study card id -> Anki card
    kept_cards = anki_notes.live_cards(
        session, [own[n.guid] for n in package.notes if n.guid in own]
    )
    for note in package.notes:
        kept_id = own.get(note.guid)
        if kept_id is not None:
            result.kept += 1
            notetype = package.notetypes.get(note.notetype_id)
            for anki_card in planner.cards_by_note.get(note.id, []):
                ordinal = anki_card.ord + 1 if notetype and notetype.is_cloze else 0
                if card_id(kept_id, ordinal) in kept_cards:  # a card study still has
                    card_map[card_id(kept_id, ordinal)] = anki_card
                    result.kept_cards += 1
            continue
        for planned in planner.plan(note):
            by_deck.setdefault(planned.deck_name, []).append(planned.spec)
            card_map.update(planned.cards)
    existing = anki_notes.live_deck_names(session)
    for name in by_deck:
        deck_id = study_deck_id(name)
        others = [other for other_id, other in existing.items() if other_id != deck_id]
        if clash := name_clash(name, others):
            raise AnkiImportError(
                f"{path}: Anki deck {name!r} differs from your deck {clash!r} only in case; "
                "import with --deck-prefix to keep them apart"
            )
    _move_notes(session, by_deck, existing, now)
    for name, specs in sorted(by_deck.items()):
        imported = import_deck(
            session,
            DeckSpec(
                id=study_deck_id(name),
                name=name,
                description=planner.descriptions.get(name, ""),
                notes=tuple(specs),
            ),
            materials={},
            now=now,
        )
        result.added += imported.added
        result.updated += imported.updated
        result.unchanged += imported.unchanged
        result.retired += imported.retired
    result.decks = len(by_deck)
    result.cards = len(card_map)
    result.skipped = planner.skipped
    result.media = sorted(planner.media)
    if with_progress:
        merge_progress(session, package, card_map, learner_id, now, day, result)
    return result


def _move_notes(
    session: Session, by_deck: Mapping[str, list[NoteSpec]], decks: Mapping[str, str], now: datetime
) -> None:
    """Move notes that changed deck in Anki (or got another prefix) to their new deck
    first: a note id belongs to one deck, and :func:`import_deck` updates in place."""
    target = {spec.id: study_deck_id(name) for name, specs in by_deck.items() for spec in specs}
    stored = anki_notes.note_decks(session, list(target))
    moved = {
        note_id: deck_id
        for note_id, deck_id in target.items()
        if stored.get(note_id, deck_id) != deck_id
    }
    if not moved:
        return
    names = {study_deck_id(name): name for name in by_deck}
    new_decks = {deck_id: names[deck_id] for deck_id in set(moved.values()) - set(decks)}
    anki_notes.move_notes(session, moved, new_decks, now)
