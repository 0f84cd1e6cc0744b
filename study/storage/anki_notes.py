"""What an Anki import reads and moves of the notes and decks: the notes of deck files,
the live cards of notes, the live decks, which deck each note is in, and notes moved to
another deck (a deck left without notes retired)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from study.storage.chunks import chunks
from study.storage.models import Card, Deck, Note


def deck_file_notes(session: Session) -> dict[str, str]:
    """The live notes of deck files (their text lives there), with their deck ids."""
    return {
        note_id: deck_id
        for note_id, deck_id, file_path in session.execute(
            sa.select(col(Note.id), col(Note.deck_id), col(Deck.file_path))
            .join(Deck, col(Deck.id) == Note.deck_id)
            .where(col(Note.retired).is_(False))
        )
        if file_path
    }


def live_cards(session: Session, note_ids: Sequence[str]) -> set[str]:
    """The ids of the cards of ``note_ids`` that are not retired."""
    found: set[str] = set()
    for chunk in chunks(note_ids):
        found.update(
            session.exec(
                select(Card.id).where(col(Card.note_id).in_(chunk), col(Card.retired).is_(False))
            )
        )
    return found


def live_deck_names(session: Session) -> dict[str, str]:
    """The names of the decks that are not retired, by id."""
    return {deck.id: deck.name for deck in session.exec(select(Deck)) if not deck.retired}


def note_decks(session: Session, note_ids: Sequence[str]) -> dict[str, str]:
    """The deck of each stored note of ``note_ids``, by note id."""
    found: dict[str, str] = {}
    for chunk in chunks(note_ids):
        for note_id, deck_id in session.execute(
            sa.select(col(Note.id), col(Note.deck_id)).where(col(Note.id).in_(chunk))
        ):
            found[note_id] = deck_id
    return found


def move_notes(
    session: Session, moved: Mapping[str, str], new_decks: Mapping[str, str], now: datetime
) -> None:
    """Move each note of ``moved`` (note id -> deck id) and its cards to its deck, first
    creating the decks of ``new_decks`` (id -> name) not stored yet; a deck left without
    live notes, and not a deck file's, is retired."""
    for deck_id, name in new_decks.items():
        if session.get(Deck, deck_id) is None:
            session.add(Deck(id=deck_id, name=name, imported_at=now))
    session.flush()
    sources = set()
    for note_id, deck_id in moved.items():
        sources.add(session.get_one(Note, note_id).deck_id)
        session.execute(sa.update(Note).where(col(Note.id) == note_id).values(deck_id=deck_id))
        session.execute(sa.update(Card).where(col(Card.note_id) == note_id).values(deck_id=deck_id))
    session.expire_all()
    for deck_id in sources:  # a deck whose notes all moved away is retired
        live = session.execute(
            sa.select(sa.func.count())
            .select_from(Note)
            .where(col(Note.deck_id) == deck_id, col(Note.retired).is_(False))
        ).scalar_one()
        deck = session.get(Deck, deck_id)
        if not live and deck is not None and not deck.file_path:
            deck.retired = True
            session.add(deck)
