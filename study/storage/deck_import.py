"""Importing a deck file: the plan (what changes, worked out from the stored rows,
before the write transaction) and the batched write that applies it, progress kept by
card id."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from study.domain.cards import card_id
from study.domain.decks import DeckSpec, NoteSpec
from study.storage.chunks import chunks
from study.storage.database import Prepared, binds
from study.storage.errors import NotFoundError
from study.storage.models import Card, CardState, Deck, Material, Note, NoteTag
from study.storage.tags import tag_rows

_NOTE_TABLE: sa.Table = Note.__table__  # type: ignore[attr-defined]
_TAG_TABLE: sa.Table = NoteTag.__table__  # type: ignore[attr-defined]
_CARD_TABLE: sa.Table = Card.__table__  # type: ignore[attr-defined]


@dataclass
class ImportResult:
    """What importing one deck file changed."""

    deck_id: str
    added: int = 0
    updated: int = 0
    retired: int = 0
    unchanged: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.retired)


def _note_hash(spec: NoteSpec) -> str:
    payload = json.dumps(
        [
            spec.type,
            spec.front,
            spec.back,
            spec.text,
            spec.extra,
            list(spec.tags),
            spec.source.file if spec.source else "",
            spec.source.sentence if spec.source else "",
            spec.edited,
            spec.note,
        ],
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def note_hashes(spec: DeckSpec) -> list[str]:
    """A fingerprint of each note of a deck file, in order (pure: worth computing before
    the write transaction, which then holds the lock for less time)."""
    return [_note_hash(note) for note in spec.notes]


def deck_hash(spec: DeckSpec, notes: Sequence[str] | None = None) -> str:
    """A fingerprint of a whole deck file's content (``notes``: its :func:`note_hashes`)."""
    digest = hashlib.sha256()
    digest.update(json.dumps([spec.id, spec.name, spec.version, spec.description]).encode())
    for note in notes if notes is not None else note_hashes(spec):
        digest.update(note.encode())
    return digest.hexdigest()


class CardIdTakenError(NotFoundError):
    """Card ids of a deck file that another deck uses: ``taken`` pairs each with its deck."""

    def __init__(self, taken: list[tuple[str, str]]) -> None:
        super().__init__(
            f"card id {taken[0][0]!r} is already used by deck {taken[0][1]!r}; "
            "card ids must be unique across decks"
        )
        self.taken = taken


def import_deck(
    session: Session,
    spec: DeckSpec,
    *,
    materials: dict[str, str],
    now: datetime,
    file_path: str = "",
    bundled: bool = False,
    digests: Sequence[str] | None = None,
    plan: ImportPlan | None = None,
) -> ImportResult:
    """Create or update a deck from its file, in place: progress is kept by card id.

    Notes missing from the file are retired (kept with their history, no longer shown).
    A note id that belongs to another deck is an error: ids are global.

    Linear in the deck's size: the stored notes and cards are read once as plain rows,
    the changes worked out in memory, then written in a few batched statements (no ORM
    object per note, whose bookkeeping made a 100,000-card re-import quadratic). A
    ``plan`` made beforehand (:func:`plan_import`, outside the write transaction) is
    used when the deck's stored rows are still those it was made from, so the write
    lock is held only to write.
    """
    digests = digests if digests is not None else note_hashes(spec)
    connection = session.connection()
    if plan is not None and plan.stamp != _stored_stamp(connection, spec.id):
        plan = None  # imported or changed meanwhile: work it out again, under the lock
    deck = session.get(Deck, spec.id)
    if deck is None:
        deck = Deck(id=spec.id, name=spec.name, imported_at=now)
    if plan is None:
        plan = plan_import(connection, spec, digests, now)
    deck.name, deck.description, deck.version = spec.name, spec.description, spec.version
    deck.file_path, deck.bundled, deck.retired = file_path, bundled, False
    deck.content_hash, deck.imported_at = deck_hash(spec, digests), now
    session.add(deck)
    session.flush()
    for file, text in materials.items():
        existing = session.get(Material, (spec.id, file))
        if existing is None:
            session.add(Material(deck_id=spec.id, file=file, text=text))
        elif existing.text != text:
            existing.text = text
            session.add(existing)
    session.flush()
    foreign = _notes_in_other_decks(session, spec)
    if foreign:
        raise CardIdTakenError(foreign)
    plan.changes.write(connection)
    return replace(plan.result, warnings=[])  # a fresh result per attempt (write() retries)


@dataclass
class ImportPlan:
    """What importing a deck file will write, worked out from the stored rows."""

    stamp: tuple[Any, ...]  # the stored deck as the plan saw it (see _stored_stamp)
    changes: _Changes
    result: ImportResult


def _stored_stamp(connection: sa.Connection, deck_id: str) -> tuple[Any, ...]:
    """What changes whenever the deck's stored notes or cards change (every import sets
    the deck's import time and fingerprint)."""
    deck, notes, cards = Deck.__table__.c, _NOTE_TABLE.c, _CARD_TABLE.c  # type: ignore[attr-defined]
    row = connection.execute(
        sa.select(deck.imported_at, deck.content_hash, deck.retired).where(deck.id == deck_id)
    ).first()
    counted = connection.execute(
        sa.select(sa.func.count(), sa.func.max(notes.updated_at)).where(notes.deck_id == deck_id)
    ).one()
    card_count = connection.execute(
        sa.select(sa.func.count()).where(cards.deck_id == deck_id)
    ).scalar_one()
    return (tuple(row) if row else None, tuple(counted), card_count)


def plan_import(
    connection: sa.Connection, spec: DeckSpec, digests: Sequence[str], now: datetime
) -> ImportPlan:
    """Work out what importing ``spec`` changes, reading the stored deck once.

    Pure reading: run it in a read transaction before the write, and pass the plan to
    :func:`import_deck` (which checks it is still current).
    """
    stamp = _stored_stamp(connection, spec.id)
    result = ImportResult(spec.id)
    notes, cards = _NOTE_TABLE.c, _CARD_TABLE.c
    stored_notes = {
        row.id: row
        for row in connection.execute(
            sa.select(
                notes.id, notes.content_hash, notes.retired, notes.position, notes.updated_at
            ).where(notes.deck_id == spec.id)
        )
    }
    stored_cards: dict[str, dict[int, Any]] = {}
    for row in connection.execute(
        sa.select(cards.id, cards.note_id, cards.ordinal, cards.retired, cards.position).where(
            cards.deck_id == spec.id
        )
    ):
        stored_cards.setdefault(row.note_id, {})[row.ordinal] = row

    changes = _Changes()
    position = 0
    for index, (note_spec, digest) in enumerate(zip(spec.notes, digests, strict=True)):
        values = _note_values(note_spec, spec.id, index, digest, now)
        tags = tag_rows(note_spec.id, note_spec.tags)
        old = stored_notes.pop(note_spec.id, None)
        if old is None:
            changes.new_notes.append(values)
            changes.new_tags += tags
            result.added += 1
        elif old.content_hash != digest or old.retired or old.position != index:
            changed_content = old.content_hash != digest or old.retired
            if not changed_content:
                values["updated_at"] = old.updated_at
            changes.note_updates.append(values)
            changes.retagged.append(note_spec.id)
            changes.new_tags += tags
            if changed_content:
                result.updated += 1
                changes.fixed.append(note_spec.id)
            else:
                result.unchanged += 1
        else:
            result.unchanged += 1
        old_cards = stored_cards.pop(note_spec.id, {})
        for ordinal in _ordinals(note_spec):
            card = old_cards.pop(ordinal, None)
            if card is None:
                changes.new_cards.append(
                    {
                        "id": card_id(note_spec.id, ordinal),
                        "note_id": note_spec.id,
                        "deck_id": spec.id,
                        "ordinal": ordinal,
                        "position": position,
                        "retired": False,
                    }
                )
            elif card.retired or card.position != position:
                changes.card_updates.append({"id": card.id, "retired": False, "position": position})
            position += 1
        changes.retire_cards(old_cards.values())  # cloze numbers that were removed
    for old in stored_notes.values():
        if not old.retired:
            changes.note_updates.append({"id": old.id, "retired": True, "updated_at": now})
            result.retired += 1
    for left in stored_cards.values():
        changes.retire_cards(left.values())
    return ImportPlan(stamp, changes, result)


@dataclass
class _Changes:
    """What an import writes, gathered first and written in batches."""

    new_notes: list[dict[str, Any]] = field(default_factory=list)
    note_updates: list[dict[str, Any]] = field(default_factory=list)
    retagged: list[str] = field(default_factory=list)
    # Notes whose text changed: they were fixed, so a flag set before ("wrong or
    # unclear") is stale, for every learner. A flag set after this import stays.
    fixed: list[str] = field(default_factory=list)
    new_tags: list[dict[str, Any]] = field(default_factory=list)
    new_cards: list[dict[str, Any]] = field(default_factory=list)
    card_updates: list[dict[str, Any]] = field(default_factory=list)

    def retire_cards(self, rows: Iterable[Any]) -> None:
        self.card_updates += [
            {"id": row.id, "retired": True, "position": row.position}
            for row in rows
            if not row.retired
        ]

    def clear_stale_flags(self, connection: sa.Connection) -> None:
        """Take the flags off the cards of fixed notes. Flags are few: they are read
        first, so a large re-import runs the same two statements as a small one."""
        fixed = set(self.fixed)
        flagged = connection.execute(
            sa.select(col(CardState.card_id), col(Card.note_id))
            .join(Card, col(Card.id) == col(CardState.card_id))
            .where(col(CardState.flagged).is_(True))
        )
        stale = sorted({card_id for card_id, note_id in flagged if note_id in fixed})
        for chunk in chunks(stale):
            connection.execute(
                sa.update(CardState)
                .where(col(CardState.card_id).in_(chunk))
                .values(flagged=False, flag_reason="")
            )

    def write(self, connection: sa.Connection) -> None:
        notes, cards, tags = _NOTE_TABLE, _CARD_TABLE, _TAG_TABLE
        # Updates grouped by the columns they set (one executemany per shape).
        shapes: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for values in self.note_updates:
            shapes.setdefault(tuple(sorted(set(values) - {"id"})), []).append(values)
        for names, rows in shapes.items():
            _update_many(connection, notes, names, rows)
        for chunk in chunks(self.retagged):
            connection.execute(tags.delete().where(tags.c.note_id.in_(chunk)))
        if self.fixed:
            self.clear_stale_flags(connection)
        _update_many(connection, cards, ("retired", "position"), self.card_updates)
        for table, rows in (
            (notes, self.new_notes),
            (tags, self.new_tags),
            (cards, self.new_cards),
        ):
            if rows:
                _run_many(connection, Prepared(table.insert().values(binds(table, rows[0]))), rows)


def _update_many(
    connection: sa.Connection, table: sa.Table, names: Sequence[str], rows: list[dict[str, Any]]
) -> None:
    """Set the columns ``names`` of each row of ``table`` whose ``id`` a row of ``rows`` gives."""
    statement = table.update().where(table.c.id == sa.bindparam("key_id"))
    prepared = Prepared(statement.values(binds(table, names)))
    keyed = [{"key_id": row["id"], **{name: row[name] for name in names}} for row in rows]
    _run_many(connection, prepared, keyed)


def _run_many(connection: sa.Connection, prepared: Prepared, rows: list[dict[str, Any]]) -> None:
    """Run one statement for each of ``rows``.

    On SQLite, one ``executemany`` on the driver's cursor, with the columns' own bind
    processors (:class:`Prepared`): SQLAlchemy's per-row parameter handling cost several
    times the SQL on a 100,000-card import. Any other database takes the Core path.
    """
    if not rows:
        return
    if connection.dialect.name != "sqlite":
        connection.execute(prepared.statement, rows)
        return
    compiled = prepared.compiled(connection.dialect)
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.executemany(compiled.sql, [compiled.parameters(row) for row in rows])
    finally:
        cursor.close()


def _notes_in_other_decks(session: Session, spec: DeckSpec) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for chunk in chunks([n.id for n in spec.notes]):
        rows = session.exec(
            select(Note.id, Note.deck_id).where(col(Note.id).in_(chunk), Note.deck_id != spec.id)
        ).all()
        found += [(r[0], r[1]) for r in rows]
    return found


def _ordinals(spec: NoteSpec) -> list[int]:
    if spec.type == "cloze":
        return [int(cid.rsplit("#c", 1)[1]) for cid in spec.card_ids]
    return [0]


def _note_values(
    spec: NoteSpec, deck_id: str, position: int, digest: str, now: datetime
) -> dict[str, Any]:
    return {
        "id": spec.id,
        "deck_id": deck_id,
        "type": spec.type,
        "front": spec.front,
        "back": spec.back,
        "text": spec.text,
        "extra": spec.extra,
        "source_file": spec.source.file if spec.source else "",
        "source_sentence": spec.source.sentence if spec.source else "",
        "edited": spec.edited,
        "editor_note": spec.note,
        "position": position,
        "content_hash": digest,
        "updated_at": now,
        "retired": False,
    }
