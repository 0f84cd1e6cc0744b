"""Repository functions: every query and write the app makes. They take a session;
the caller decides the transaction."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from study.domain.cards import CardContent, card_id, content_from_row, join_tags, state_name
from study.domain.decks import DeckSpec, NoteSpec, decks_matching
from study.domain.errors import UserError
from study.domain.review_log import cancels_sql, not_cancelled_sql
from study.domain.scheduling import NEW_CARD, SCHEDULE_FIELDS, Schedule
from study.storage.chunks import chunks
from study.storage.database import DirectConnection, Prepared
from study.storage.models import (
    Card,
    CardAction,
    CardState,
    Deck,
    Learner,
    Material,
    Note,
    NoteTag,
    Review,
    ReviewUndo,
)


def not_cancelled(review: str = "review") -> sa.TextClause:
    """A condition on the ``review`` table (or the alias named): no undo record cancels
    the review (the rule: :func:`study.domain.review_log.not_cancelled_sql`)."""
    return sa.text(not_cancelled_sql(review))


def cancelled_by_undo(review: sa.Table) -> tuple[sa.FromClause, sa.Join]:
    """The undo records (an alias ``undo`` of the log) joined to the reviews of
    ``review`` they cancel: the cancelled reviews found from the few undo records (the
    partial index on ``cancels_id``), never by walking the log."""
    undo = review.alias("undo")
    return undo, undo.join(review, sa.text(cancels_sql("undo", review.name)))


class NotFoundError(UserError):
    """A deck, card or profile named by the learner does not exist."""


# ---------------------------------------------------------------- learners


_LEARNER_TABLE: sa.Table = Learner.__table__  # type: ignore[attr-defined]
_LOCK_LEARNER = Prepared(
    sa.select(_LEARNER_TABLE.c.id)
    .where(_LEARNER_TABLE.c.id == sa.bindparam("learner_id"))
    .with_for_update()
)


def lock_learner(connection: DirectConnection | Session, learner_id: int) -> None:
    """Lock the learner's row until the transaction ends, before reading a schedule to
    change it: two windows of one learner on a server take turns, so neither writes a
    schedule over the other's grade; other learners do not wait. SQLite needs no row
    lock (its write transaction holds the whole file)."""
    if isinstance(connection, Session):
        connection.execute(_LOCK_LEARNER.statement, {"learner_id": learner_id})
    elif connection.locks_rows:
        connection.rows(_LOCK_LEARNER, {"learner_id": learner_id})


def get_or_create_learner(session: Session, name: str, now: datetime) -> Learner:
    """The learner called ``name``, created on first use; the database's first profile
    (the one that created it) is its tutor."""
    learner = session.exec(select(Learner).where(Learner.name == name)).first()
    if learner is None:
        first = session.exec(select(Learner.id).limit(1)).first() is None
        learner = Learner(name=name, created_at=now, tutor=first)
        session.add(learner)
        session.flush()
    return learner


def find_learner(session: Session, name: str) -> Learner:
    """The learner called ``name``; NotFoundError if there is none."""
    learner = session.exec(select(Learner).where(Learner.name == name)).first()
    if learner is None:
        raise NotFoundError(f"no profile named {name!r}; `study profile list` shows them")
    return learner


class NotYoursError(UserError):
    """A learner asked for what only a tutor may see or change."""


def require_tutor_or_self(session: Session, viewer_id: int, name: str, doing: str) -> None:
    """Refuse (NotYoursError) when ``viewer_id`` is neither the profile ``name`` nor a tutor."""
    viewer = session.get(Learner, viewer_id)
    if viewer is None or (viewer.name != name and not viewer.tutor):
        raise NotYoursError(
            f"only a tutor may {doing} another learner's profile; use --profile {name} "
            "if it is yours"
        )


def make_tutor(session: Session, viewer_id: int, name: str, now: datetime) -> Learner:
    """Make the profile ``name`` a tutor (created if new); only a tutor may."""
    viewer = session.get(Learner, viewer_id)
    if viewer is None or not viewer.tutor:
        raise NotYoursError(
            "only a tutor may add a tutor; ask the profile that created the database"
        )
    learner = get_or_create_learner(session, name, now)
    learner.tutor = True
    session.add(learner)
    return learner


def visible_learners(session: Session, viewer_id: int) -> list[tuple[Learner, int]]:
    """The profiles ``viewer_id`` may see, with their numbers of reviews: every one for a
    tutor, only its own for a learner."""
    viewer = session.get(Learner, viewer_id)
    rows = list_learners(session)
    if viewer is not None and viewer.tutor:
        return rows
    return [(learner, n) for learner, n in rows if learner.id == viewer_id]


def list_learners(session: Session) -> list[tuple[Learner, int]]:
    """Every learner with the number of reviews in their log."""
    counts = (
        select(Review.learner_id, sa.func.count().label("n"))
        .group_by(col(Review.learner_id))
        .subquery()
    )
    rows = session.exec(
        select(Learner, sa.func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.learner_id == Learner.id)
        .order_by(col(Learner.name))
    ).all()
    return [(learner, int(n)) for learner, n in rows]


def rename_learner(session: Session, old: str, new: str) -> None:
    """Rename a profile; its history follows it."""
    learner = find_learner(session, old)
    if session.exec(select(Learner).where(Learner.name == new)).first() is not None:
        raise NotFoundError(f"a profile named {new!r} exists already; choose another name")
    learner.name = new
    session.add(learner)


def remove_learner(session: Session, name: str) -> None:
    """Delete a profile with its schedule and review log (the CLI confirms first).

    The last tutor stays: without one, nobody could see the class or add a tutor.
    """
    learner = find_learner(session, name)
    if (
        learner.tutor
        and not session.exec(
            select(Learner.id).where(col(Learner.tutor).is_(True), Learner.id != learner.id)
        ).first()
    ):
        raise NotYoursError(
            f"{name!r} is the only tutor; make another profile a tutor first "
            "(study profile add NAME --tutor)"
        )
    reviews = sa.select(col(Review.id)).where(col(Review.learner_id) == learner.id)
    session.execute(sa.delete(ReviewUndo).where(col(ReviewUndo.review_id).in_(reviews)))
    for table in (Review, CardState, CardAction):
        session.execute(sa.delete(table).where(table.learner_id == learner.id))  # type: ignore[arg-type]
    session.delete(learner)


# ---------------------------------------------------------------- decks


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
        tags = [{"note_id": note_spec.id, "tag": t} for t in sorted(set(note_spec.tags))]
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


_NOTE_TABLE: sa.Table = Note.__table__  # type: ignore[attr-defined]
_TAG_TABLE: sa.Table = NoteTag.__table__  # type: ignore[attr-defined]


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
                _run_many(connection, Prepared(table.insert().values(_binds(table, rows[0]))), rows)


def _update_many(
    connection: sa.Connection, table: sa.Table, names: Sequence[str], rows: list[dict[str, Any]]
) -> None:
    """Set the columns ``names`` of each row of ``table`` whose ``id`` a row of ``rows`` gives."""
    statement = table.update().where(table.c.id == sa.bindparam("key_id"))
    prepared = Prepared(statement.values(_binds(table, names)))
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
        "tags": join_tags(spec.tags),
        "source_file": spec.source.file if spec.source else "",
        "source_sentence": spec.source.sentence if spec.source else "",
        "edited": spec.edited,
        "editor_note": spec.note,
        "position": position,
        "content_hash": digest,
        "updated_at": now,
        "retired": False,
    }


def list_decks(session: Session) -> list[Deck]:
    """Every deck that is not retired, by name."""
    return list(
        session.exec(select(Deck).where(col(Deck.retired).is_(False)).order_by(col(Deck.name)))
    )


def resolve_decks(session: Session, query: str) -> list[str]:
    """The ids of the deck named or identified by ``query`` and of its child decks."""
    ids = decks_matching([(d.id, d.name) for d in list_decks(session)], query)
    if ids is None:
        raise NotFoundError(f"no deck {query!r}; `study decks` lists them")
    return ids


def deck_materials(session: Session, deck_id: str) -> dict[str, str]:
    """The material texts a deck cites, by file name."""
    rows = session.exec(select(Material).where(Material.deck_id == deck_id)).all()
    return {m.file: m.text for m in rows}


# ---------------------------------------------------------------- cards


@dataclass(frozen=True)
class CardRow:
    """A card with its content and one learner's schedule, for listings."""

    content: CardContent
    deck_name: str
    schedule: Schedule
    state: str  # new, learning, young or mature (cards.state_name) on the day read
    buried: bool  # hidden until the next study day
    edited: bool
    editor_note: str
    updated_at: datetime

    @property
    def card_id(self) -> str:
        return self.content.card_id

    @property
    def question(self) -> str:
        return self.content.question


def card_rows(
    session: Session,
    learner_id: int,
    today: date,
    *,
    deck_ids: Sequence[str] | None = None,
    tag: str | None = None,
    card_ids: Iterable[str] | None = None,
) -> list[CardRow]:
    """Every card that is not retired (suspended ones included), in deck-file order."""
    query = (
        select(Card, Note, Deck.name, CardState)
        .join(Note, col(Note.id) == Card.note_id)
        .join(Deck, col(Deck.id) == Card.deck_id)
        .outerjoin(
            CardState,
            sa.and_(col(CardState.card_id) == Card.id, col(CardState.learner_id) == learner_id),
        )
        .where(col(Card.retired).is_(False), col(Note.retired).is_(False))
        .order_by(col(Deck.name), col(Card.position))
    )
    if deck_ids is not None:
        query = query.where(col(Card.deck_id).in_(list(deck_ids)))
    if tag is not None:
        query = query.where(col(Note.tags).contains(f" {tag} "))
    if card_ids is not None:
        query = query.where(col(Card.id).in_(list(card_ids)))
    return [
        card_row(card, note, deck_name, state, today)
        for card, note, deck_name, state in session.exec(query)
    ]


def content_of(card: Card, note: Note) -> CardContent:
    """The plain-text content of one card."""
    return _content(card.id, note.id, card.deck_id, card.ordinal, note)


def _content(card_id_: str, note_id: str, deck_id: str, ordinal: int, note: Any) -> CardContent:
    """A card's content from its note's fields (a ``Note``, or a row with its columns)."""
    fields = (note.type, note.front, note.back, note.text, note.extra, note.tags)
    cited = (note.source_file, note.source_sentence, note.editor_note)
    return content_from_row((card_id_, note_id, deck_id, ordinal, *fields, *cited))


def card_row(
    card: Card, note: Note, deck_name: str, state: CardState | None, today: date
) -> CardRow:
    """One listing row: ``state`` is the learner's schedule, or None for a new card."""
    schedule = NEW_CARD if state is None else Schedule.from_row(state)
    return CardRow(
        content=content_of(card, note),
        deck_name=deck_name,
        schedule=schedule,
        state=state_name(schedule, today),
        buried=schedule.buried_until is not None and schedule.buried_until > today,
        edited=note.edited,
        editor_note=note.editor_note,
        updated_at=note.updated_at,
    )


def card_history(session: Session, learner_id: int, card_id_: str) -> list[Review]:
    """A card's review log for one learner, oldest first (undo records included)."""
    return list(
        session.exec(
            select(Review)
            .join(Card, col(Card.key) == col(Review.card_key))
            .where(Review.learner_id == learner_id, Card.id == card_id_)
            .order_by(col(Review.id))
        )
    )


def state_of(session: Session, learner_id: int, card_id_: str) -> CardState:
    """The learner's schedule for a card; a new, unsaved one if the card was never touched."""
    state = session.get(CardState, (learner_id, card_id_))
    return state or CardState(learner_id=learner_id, card_id=card_id_)


def schedule_of(session: Session, learner_id: int, card_id_: str) -> Schedule:
    """The learner's schedule for a card (a new card's if it was never touched)."""
    state = session.get(CardState, (learner_id, card_id_))
    return NEW_CARD if state is None else Schedule.from_row(state)


def put_schedule(
    session: Session, learner_id: int, card_id_: str, schedule: Schedule, now: datetime
) -> None:
    """Store ``schedule`` as the learner's schedule for a card, stamped ``now``."""
    state = state_of(session, learner_id, card_id_)
    for key, value in schedule.row().items():
        setattr(state, key, value)
    state.updated_at = now
    session.add(state)


def set_flags(
    session: Session, learner_id: int, card_id_: str, now: datetime, **flags: Any
) -> None:
    """Set suspended / flagged / buried_until / ... on a card's schedule, creating it if new."""
    if session.get(Card, card_id_) is None:
        raise NotFoundError(f"no card {card_id_!r}; `study cards` lists them")
    lock_learner(session, learner_id)
    state = state_of(session, learner_id, card_id_)
    for key, value in flags.items():
        setattr(state, key, value)
    state.updated_at = now
    session.add(state)


# ---------------------------------------------------------------- the grading path
# Grading runs these once per answer, in Database.write_direct: statements built and
# compiled once (Prepared), run on the driver's connection on SQLite, without a Session's
# identity map and unit of work, which cost several times the SQL itself (issue 9).

REVIEW_FIELDS = (  # every column of Review but its id and the card's key
    "learner_id",
    "reviewed_at",
    "study_day",
    "grade",
    "kind",
    "cancels_id",
    "answer_ms",
    "repetitions_before",
    "ease_before",
    "interval_before",
    "due_before",
    "repetitions_after",
    "ease_after",
    "interval_after",
    "due_after",
)
_STATE_TABLE: sa.Table = CardState.__table__  # type: ignore[attr-defined]
_REVIEW_TABLE: sa.Table = Review.__table__  # type: ignore[attr-defined]
_CARD_TABLE: sa.Table = Card.__table__  # type: ignore[attr-defined]


def _binds(table: sa.Table, names: Iterable[str]) -> dict[str, Any]:
    return {name: sa.bindparam(name, type_=table.c[name].type) for name in names}


_SELECT_SCHEDULE = Prepared(
    sa.select(*(_STATE_TABLE.c[name] for name in SCHEDULE_FIELDS)).where(
        _STATE_TABLE.c.learner_id == sa.bindparam("learner_id"),
        _STATE_TABLE.c.card_id == sa.bindparam("card_id"),
    )
)
_UPDATE_SCHEDULE = Prepared(
    sa.update(_STATE_TABLE)
    .where(
        _STATE_TABLE.c.learner_id == sa.bindparam("key_learner_id"),
        _STATE_TABLE.c.card_id == sa.bindparam("key_card_id"),
    )
    .values(_binds(_STATE_TABLE, (*SCHEDULE_FIELDS, "updated_at")))
)
_INSERT_SCHEDULE = Prepared(
    sa.insert(_STATE_TABLE).values(
        _binds(_STATE_TABLE, ("learner_id", "card_id", *SCHEDULE_FIELDS, "updated_at"))
    )
)
_INSERT_REVIEW = Prepared(
    sa.insert(_REVIEW_TABLE).values(
        card_key=sa.select(_CARD_TABLE.c.key)
        .where(_CARD_TABLE.c.id == sa.bindparam("card_id"))
        .scalar_subquery(),
        **_binds(_REVIEW_TABLE, REVIEW_FIELDS),
    )
)
_INSERT_UNDO_RECORD = Prepared(
    sa.insert(ReviewUndo.__table__).values(  # type: ignore[attr-defined]
        review_id=sa.bindparam("review_id"), state_before=sa.bindparam("state_before")
    )
)
_other_card = _CARD_TABLE.alias("other")
_SIBLINGS = Prepared(
    sa.select(_CARD_TABLE.c.id).where(
        _CARD_TABLE.c.note_id
        == sa.select(_other_card.c.note_id)
        .where(_other_card.c.id == sa.bindparam("card_id"))
        .scalar_subquery(),
        _CARD_TABLE.c.id != sa.bindparam("card_id"),
        _CARD_TABLE.c.retired.is_(False),
    )
)


def load_schedule(connection: DirectConnection, learner_id: int, card_id_: str) -> Schedule | None:
    """The learner's schedule for a card, or None when no row is stored (a new card)."""
    rows = connection.rows(_SELECT_SCHEDULE, {"learner_id": learner_id, "card_id": card_id_})
    return Schedule.from_row(tuple(rows[0])) if rows else None


def save_schedule(
    connection: DirectConnection,
    learner_id: int,
    card_id_: str,
    schedule: Schedule,
    now: datetime,
    *,
    stored: bool,
) -> None:
    """Write a schedule back, stamped ``now``: an update of the stored row, or (``stored``
    False) an insert."""
    values = schedule.row()
    values["updated_at"] = now
    if stored:
        values["key_learner_id"] = learner_id
        values["key_card_id"] = card_id_
        connection.run(_UPDATE_SCHEDULE, values)
    else:
        values["learner_id"] = learner_id
        values["card_id"] = card_id_
        connection.run(_INSERT_SCHEDULE, values)


def sibling_cards(connection: DirectConnection, card_id_: str) -> list[str]:
    """The other live cards of the card's note (the other cloze numbers)."""
    return [row[0] for row in connection.rows(_SIBLINGS, {"card_id": card_id_})]


def append_review(
    connection: DirectConnection, values: dict[str, Any], state_before: str | None = None
) -> int:
    """Append one row to the log (``values``: every column of ``Review`` but its id, the
    card by its ``card_id``); its id. ``state_before``: the undo record of an answer
    that changed more than the row's ``*_before`` columns restore (JSON)."""
    review_id = connection.run(_INSERT_REVIEW, values)
    assert isinstance(review_id, int)
    if state_before is not None:
        connection.run(_INSERT_UNDO_RECORD, {"review_id": review_id, "state_before": state_before})
    return review_id


def card_keys(session: Session | sa.Connection, card_ids: Iterable[str]) -> dict[str, int]:
    """The keys the review log names the cards ``card_ids`` by."""
    wanted, found = list(dict.fromkeys(card_ids)), {}
    for chunk in chunks(wanted):
        query = sa.select(_CARD_TABLE.c.id, _CARD_TABLE.c.key).where(_CARD_TABLE.c.id.in_(chunk))
        found.update({row[0]: row[1] for row in session.execute(query)})
    return found
