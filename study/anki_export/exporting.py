"""Export to Anki: the package written from the database (the package docstring of
:mod:`study.anki_export` says what Anki does with it, and so what is written)."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import html
import itertools
import json
import os
import sqlite3
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from operator import itemgetter
from pathlib import Path
from typing import Any, NamedTuple

import genanki
import sqlalchemy as sa
from genanki.apkg_col import APKG_COL
from genanki.apkg_schema import APKG_SCHEMA
from sqlmodel import Session, col

from study import cloze
from study.clock import study_day
from study.config import Settings
from study.errors import UserError
from study.review_log import ReviewKind
from study.storage.database import Database
from study.storage.models import Card, CardState, Deck, Note, Review
from study.storage.repository import not_cancelled

# Note type ids: fixed forever, so every export (and every learner's) maps onto the same
# note types in Anki. Change the fields or templates only together with new ids.
BASIC_MODEL_ID = 1_739_200_101
CLOZE_MODEL_ID = 1_739_200_102
# The note types' modification time: when they last changed (not the export time), so a
# re-import does not rewrite the learner's copy of an unchanged note type.
MODEL_MTIME = 1_764_115_200

# The package collection's creation: noon UTC, read with a creation offset of 0, so its
# date is COLLECTION_CREATED.date() whatever the time zone of the importing machine.
COLLECTION_CREATED = datetime(2000, 1, 1, 12, 0, tzinfo=UTC)
DEFAULT_PACKAGE = "study.apkg"

# Anki's card types and queues, and revlog kinds.
TYPE_NEW, TYPE_REVIEW, TYPE_RELEARN = 0, 2, 3
QUEUE_SUSPENDED, QUEUE_NEW, QUEUE_LEARN, QUEUE_REVIEW = -1, 0, 1, 2
REVLOG_LEARN, REVLOG_REVIEW, REVLOG_RELEARN, REVLOG_FILTERED = 0, 1, 2, 3
REVLOG_TYPES = {
    ReviewKind.NEW: REVLOG_LEARN,
    ReviewKind.REVIEW: REVLOG_REVIEW,
    ReviewKind.DRILL: REVLOG_RELEARN,
    ReviewKind.CRAM: REVLOG_FILTERED,
}
FLAG_RED = 1
_PROGRESS_EVERY = 500
_first = itemgetter(0)

_CSS = """.card { font-family: sans-serif; font-size: 20px; text-align: center; color: black;
  background-color: white; }
.cloze { font-weight: bold; color: blue; }
.extra { margin-top: 1em; }
.source { margin-top: 1.5em; font-size: 14px; color: #666; }
.source-file { font-style: italic; }
"""
_EXTRA_AND_SOURCE = (
    "{{#Extra}}<div class=extra>{{Extra}}</div>{{/Extra}}"
    "{{#Source}}<div class=source>{{Source}}</div>{{/Source}}"
)


class AnkiExportError(UserError):
    """The export cannot be written; the message says which note or file, and why."""


@dataclass(frozen=True)
class AnkiNoteCopy:
    """A note as Anki's collection has it."""

    mod: int
    notetype_id: int
    tags: tuple[str, ...]
    fields: tuple[str, ...]


@dataclass(frozen=True)
class AnkiCopy:
    """What Anki's collection holds of an export: its notes by GUID, and the fields of
    each of its note types by id."""

    notes: Mapping[str, AnkiNoteCopy]
    notetype_fields: Mapping[int, tuple[str, ...]]


@dataclass(frozen=True)
class AnkiPlan:
    """What Anki's importer will do with the package, known from Anki's copy."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    anki_newer: tuple[str, ...] = ()  # note ids whose Anki copy changed later: kept there
    customised: tuple[str, ...] = ()  # note types whose fields were changed in Anki
    skipped: int = 0  # notes of those note types: Anki reports a conflict and skips them


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote (``plan``: None when Anki's copy was not given)."""

    path: Path
    notes: int
    cards: int
    decks: int
    reviews: int = 0
    plan: AnkiPlan | None = None


def basic_model() -> Any:
    """The Basic note type: Front, Back, Extra and Source (a new object each time:
    genanki fills in defaults on the templates it is given)."""
    return genanki.Model(
        BASIC_MODEL_ID,
        "Basic (study)",
        fields=[{"name": "Front"}, {"name": "Back"}, {"name": "Extra"}, {"name": "Source"}],
        templates=[
            {
                "name": "Card 1",
                "qfmt": "{{Front}}",
                "afmt": "{{FrontSide}}<hr id=answer>{{Back}}" + _EXTRA_AND_SOURCE,
            }
        ],
        css=_CSS,
    )


def cloze_model() -> Any:
    """The Cloze note type: Text (with ``{{c1::...}}`` deletions), Extra and Source."""
    return genanki.Model(
        CLOZE_MODEL_ID,
        "Cloze (study)",
        fields=[{"name": "Text"}, {"name": "Extra"}, {"name": "Source"}],
        templates=[
            {
                "name": "Cloze",
                "qfmt": "{{cloze:Text}}",
                "afmt": "{{cloze:Text}}" + _EXTRA_AND_SOURCE,
            }
        ],
        css=_CSS,
        model_type=genanki.Model.CLOZE,
    )


def field_html(text: str) -> str:
    """Plain card text as an Anki field, as Anki's editor stores typed text: ``<``, ``>``
    and ``&`` escaped (shown literally, never markup), quotes left as they are, line
    breaks as ``<br>``. Cloze markers (``{{c1::...}}``) contain none of these, so survive."""
    if not text:
        return text
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    escaped = html.escape(text, quote=False)
    return escaped.replace("\n", "<br>") if "\n" in escaped else escaped


def source_html(sentence: str, file: str) -> str:
    """The Source field: the passage the card came from, then the material file's name."""
    parts = []
    if sentence:
        parts.append(field_html(sentence))
    if file:
        parts.append(f'<span class="source-file">{field_html(file)}</span>')
    return "<br>".join(parts)


def anki_tags(tags: str) -> list[str]:
    """Our space-separated tags as Anki tags (which cannot contain spaces)."""
    return [tag for tag in tags.split() if tag]


def note_guid(note_id: str) -> str:
    """The Anki GUID of a note: a function of its stable id only (72 bits of a hash, in
    URL-safe base64: no character Anki's search syntax treats specially)."""
    digest = hashlib.sha256(f"study-note\0{note_id}".encode()).digest()
    return base64.urlsafe_b64encode(digest[:9]).decode("ascii")


def anki_deck_id(key: str) -> int:
    """A stable Anki deck id for ``key`` (our deck id, or ``name:<deck name>`` for a
    parent that is not one of our decks), in genanki's suggested range: never 1."""
    digest = hashlib.sha256(f"study-deck\0{key}".encode()).digest()
    return (1 << 30) + int.from_bytes(digest[:8], "big") % (1 << 30)


def anki_button(grade: int) -> int:
    """Our 0-5 grade as Anki's answer button: 0-2 Again (1), 3 Hard, 4 Good, 5 Easy."""
    if not 0 <= grade <= 5:
        raise ValueError(f"grade must be from 0 to 5, not {grade}")
    return 1 if grade < 3 else grade - 1


def due_number(due_day: date) -> int:
    """A review card's ``due`` in the package: days since the collection's creation."""
    return (due_day - COLLECTION_CREATED.date()).days


def default_package_path(deck_ids: list[str] | None, deck_names: dict[str, str]) -> Path:
    """``<deck-id>.apkg`` when the chosen decks form one tree (a deck with its children),
    else ``study.apkg``; in the current folder."""
    if deck_ids:
        chosen = {deck_names[d]: d for d in deck_ids if d in deck_names}
        roots = [
            deck_id
            for name, deck_id in chosen.items()
            if not any(name.startswith(other + "::") for other in chosen if other != name)
        ]
        if len(roots) == 1:
            return Path(f"{roots[0]}.apkg")
    return Path(DEFAULT_PACKAGE)


def export_anki(
    database: Database,
    learner_id: int,
    path: Path | None,
    *,
    deck_ids: list[str] | None,
    with_progress: bool,
    now: datetime,
    settings: Settings,
    progress: Callable[[int, int], None] | None = None,
    anki: AnkiCopy | None = None,
    force: bool = False,
    overwrite_anki: bool = False,
) -> ExportResult:
    """Write the cards of ``deck_ids`` (None: every deck) to an Anki package at ``path``.

    An existing ``path`` is replaced only when it is a package this app wrote, or with
    ``force`` (never a folder, a device or anything but a regular file).

    Every card ``study cards`` lists is exported, suspended ones included. With
    ``with_progress``, each card's schedule (interval, ease, due date, repetitions,
    lapses, suspension, flag) and the review log go into the package, for Anki's
    "Import any learning progress". The package is written to a temporary file and
    renamed, so a failed export leaves nothing behind; a note that would give Anki an
    empty card is refused by name (:class:`AnkiExportError`). With ``anki`` (Anki's
    copy), tags added in Anki are merged and :attr:`ExportResult.plan` says what Anki
    will add, update and leave (see the module docstring); ``overwrite_anki`` sends our
    text also where Anki's copy changed later.
    """
    if now.tzinfo is None:
        raise ValueError("export_anki needs a timezone-aware time")
    with database.session() as session:
        deck_names = _deck_names(session)
        target = path if path is not None else default_package_path(deck_ids, deck_names)
        _check_target(target, force=force)
        planner = _Planner(anki, overwrite_anki) if anki is not None else None
        with _temporary_file(target.parent, target.name) as package_tmp:
            with _temporary_file(None, "collection.anki2") as collection_tmp:
                result = _write_collection(
                    session,
                    collection_tmp,
                    learner_id=learner_id,
                    deck_ids=deck_ids,
                    deck_names=deck_names,
                    with_progress=with_progress,
                    now=now,
                    settings=settings,
                    progress=progress,
                    planner=planner,
                )
                _zip_package(collection_tmp, package_tmp)
            os.chmod(package_tmp, 0o666 & ~_umask())  # as any new file, not mkstemp's 0600
            os.replace(package_tmp, target)
    return ExportResult(target, *result, plan=planner.plan() if planner else None)


def _deck_names(session: Session) -> dict[str, str]:
    return {
        deck_id: name for deck_id, name in session.execute(sa.select(col(Deck.id), col(Deck.name)))
    }


def _check_target(target: Path, *, force: bool) -> None:
    if target.is_dir():
        raise AnkiExportError(f"{target} is a folder; give a package file name with -o")
    if not target.parent.is_dir():
        raise AnkiExportError(f"cannot write {target}: folder {target.parent} does not exist")
    if not os.path.lexists(target):
        return
    if target.is_symlink() or not target.is_file():
        raise AnkiExportError(
            f"{target} exists and is not a regular file; give another file name with -o"
        )
    if not force and not _written_here(target):
        raise AnkiExportError(
            f"{target} exists and is not a package study wrote; nothing was written "
            "(give another file name with -o, or --force to replace it)"
        )


PACKAGE_COMMENT = b"written by study"


def _written_here(path: Path) -> bool:
    """Whether ``path`` is an Anki package this app wrote (so re-exporting may replace it)."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = sorted(archive.namelist())
            return archive.comment == PACKAGE_COMMENT or names == ["collection.anki2", "media"]
    except (OSError, zipfile.BadZipFile):
        return False


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


@contextlib.contextmanager
def _temporary_file(directory: Path | None, name: str) -> Iterator[Path]:
    """A fresh temporary file path (in ``directory``), removed afterwards if still there."""
    try:
        handle, raw = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=directory)
    except OSError as error:
        raise AnkiExportError(
            f"cannot write in {directory or tempfile.gettempdir()} ({error.strerror})"
        ) from None
    os.close(handle)
    temporary = Path(raw)
    try:
        yield temporary
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()


def _zip_package(collection: Path, package: Path) -> None:
    with zipfile.ZipFile(package, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.comment = PACKAGE_COMMENT  # lets a later export replace it without --force
        archive.write(collection, "collection.anki2")
        archive.writestr("media", "{}")


@dataclass(frozen=True)
class _Schedule:
    """One card's columns in Anki's ``cards`` table."""

    type: int = TYPE_NEW
    queue: int = QUEUE_NEW
    due: int | None = None  # None: the note's new-card position
    interval: int = 0
    factor: int = 0
    reps: int = 0
    lapses: int = 0
    flags: int = 0
    mod: int | None = None
    left: int = 0


_NEW = _Schedule()


class _Card(genanki.Card):  # type: ignore[misc]
    """A genanki card that writes a schedule too (genanki writes every card as new), and
    records its Anki id in ``anki_ids`` (when given) for the review log."""

    def __init__(
        self, ordinal: int, schedule: _Schedule, anki_ids: dict[str, int] | None, card_id: str
    ) -> None:
        super().__init__(ordinal)
        self.schedule = schedule
        self.anki_ids = anki_ids
        self.card_id = card_id

    def write_to_db(
        self,
        cursor: sqlite3.Cursor,
        timestamp: float,
        deck_id: int,
        note_id: int,
        id_gen: Iterator[int],
        due: int = 0,
    ) -> None:
        s = self.schedule
        card_id = next(id_gen)
        cursor.execute(
            "INSERT INTO cards VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                card_id,
                note_id,
                deck_id,
                self.ord,
                s.mod if s.mod is not None else int(timestamp),
                -1,  # usn
                s.type,
                s.queue,
                s.due if s.due is not None else due,
                s.interval,
                s.factor,
                s.reps,
                s.lapses,
                s.left,
                0,  # odue
                0,  # odid
                s.flags,
                "",  # data
            ),
        )
        if self.anki_ids is not None:
            self.anki_ids[self.card_id] = card_id


class _Row(NamedTuple):
    """One card of the export with its note (and its schedule with ``with_progress``).

    Read by position from the query: a NamedTuple is an order of magnitude faster to read
    than SQLAlchemy's row attributes, which matters at 100,000 notes."""

    note_id: str
    deck_id: str
    type: str
    front: str
    back: str
    text: str
    extra: str
    tags: str
    source_file: str
    source_sentence: str
    editor_note: str
    updated_at: str | datetime  # as the driver returns it: see _epoch_seconds
    card_id: str | None
    ordinal: int | None
    reviews: int | None
    interval: int | None
    ease_hundredths: int | None
    due_day: date | None
    lapses: int | None
    suspended: bool | None
    flagged: bool | None
    state_updated: datetime | None
    drill_day: date | None


def _schedule(row: _Row, today: date, now: datetime) -> _Schedule:
    """A card's Anki schedule from its row (state columns are None for a new card).

    ``reps`` is filled in from the review log once it is written (see
    :func:`_count_answers`). A card waiting for its drill today is relearning in Anki's
    learning queue, due now, with one step left: passing it there keeps the interval and
    ease SM-2 gave it (a new card in Anki's "learning" would graduate with the deck's
    default ease instead).
    """
    if row.reviews is None:
        return _NEW
    flags = FLAG_RED if row.flagged else 0
    mod = int(row.state_updated.timestamp()) if row.state_updated is not None else None
    if row.reviews > 0 and row.due_day is not None:
        suspended = bool(row.suspended)
        if row.drill_day == today:
            return _Schedule(
                type=TYPE_RELEARN,
                queue=QUEUE_SUSPENDED if suspended else QUEUE_LEARN,
                due=int(now.timestamp()),
                interval=max(1, row.interval or 0),
                factor=(row.ease_hundredths or 250) * 10,
                lapses=row.lapses or 0,
                flags=flags,
                mod=mod,
                left=1,
            )
        return _Schedule(
            type=TYPE_REVIEW,
            queue=QUEUE_SUSPENDED if suspended else QUEUE_REVIEW,
            due=due_number(row.due_day),
            interval=max(1, row.interval or 0),
            factor=(row.ease_hundredths or 250) * 10,
            lapses=row.lapses or 0,
            flags=flags,
            mod=mod,
        )
    return _Schedule(queue=QUEUE_SUSPENDED if row.suspended else QUEUE_NEW, flags=flags, mod=mod)


def _note_query(deck_ids: list[str] | None, learner_id: int, with_progress: bool) -> Any:
    """Notes with their cards, one row per card (the columns of :class:`_Row`), in deck
    order; a note without a card comes back once with no card (it is refused). Without
    ``with_progress`` the schedule columns are NULL: no join."""
    state_columns: list[Any] = [
        col(CardState.reviews),
        col(CardState.interval),
        col(CardState.ease_hundredths),
        col(CardState.due_day),
        col(CardState.lapses),
        col(CardState.suspended),
        col(CardState.flagged),
        col(CardState.updated_at),
        col(CardState.drill_day),
    ]
    query = (
        sa.select(
            col(Note.id),
            col(Note.deck_id),
            col(Note.type),
            col(Note.front),
            col(Note.back),
            col(Note.text),
            col(Note.extra),
            col(Note.tags),
            col(Note.source_file),
            col(Note.source_sentence),
            col(Note.editor_note),
            # Raw, converted once per note: SQLAlchemy's conversion on every card row
            # costs more than a tenth of a large export.
            sa.type_coerce(col(Note.updated_at), sa.String),
            col(Card.id),
            col(Card.ordinal),
            *(state_columns if with_progress else [sa.null()] * len(state_columns)),
        )
        .join(Deck, col(Deck.id) == Note.deck_id)
        .outerjoin(Card, sa.and_(col(Card.note_id) == Note.id, col(Card.retired).is_(False)))
        .where(col(Note.retired).is_(False))
        .order_by(col(Deck.name), col(Deck.id), col(Note.position), col(Note.id), col(Card.ordinal))
    )
    if with_progress:
        query = query.outerjoin(
            CardState,
            sa.and_(col(CardState.card_id) == Card.id, col(CardState.learner_id) == learner_id),
        )
    if deck_ids is not None:
        query = query.where(col(Note.deck_id).in_(deck_ids))
    return query


def _epoch_seconds(value: str | datetime) -> int:
    """A stored time in seconds since the epoch. Times are stored as naive UTC (see
    storage.models.UtcDateTime); SQLite returns them as text, other drivers as datetimes."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp())


def _count_notes(session: Session, deck_ids: list[str] | None) -> int:
    query = sa.select(sa.func.count()).select_from(Note).where(col(Note.retired).is_(False))
    if deck_ids is not None:
        query = query.where(col(Note.deck_id).in_(deck_ids))
    return int(session.execute(query).scalar_one())


def _check_note(rows: list[_Row], deck_name: str) -> None:
    """Refuse a note that would give Anki no card, or a card with nothing to ask."""
    first = rows[0]
    where = f"card {first.note_id!r} of deck {deck_name!r}"
    if first.card_id is None:
        raise AnkiExportError(f"{where} gives no card; fix it in the deck file and import it again")
    if first.type == "cloze":
        numbers = set(cloze.cloze_numbers(first.text))
        if not numbers:
            raise AnkiExportError(
                f"{where} is a cloze without a deletion; mark one as {{{{c1::answer}}}} "
                "in the deck file and import it again"
            )
        missing = [r.ordinal for r in rows if r.ordinal not in numbers]
        if missing:
            raise AnkiExportError(
                f"{where} has no deletion c{missing[0]} any more; import its deck file again"
            )
    elif not first.front.strip():
        raise AnkiExportError(f"{where} has an empty front; fix it in the deck file")


def _write_collection(
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
    planner: _Planner | None = None,
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
        total = _count_notes(session, deck_ids) if progress else 0
        notes = cards = 0
        used_decks: set[str] = set(deck_ids or ())
        anki_decks: dict[str, int] = {}
        today = study_day(now, settings.zone, settings.day_starts_at)
        rows = session.execute(
            _note_query(deck_ids, learner_id, with_progress).execution_options(yield_per=1000)
        )
        for _, group in itertools.groupby(map(_Row._make, rows), key=_first):
            note_rows = list(group)
            first = note_rows[0]
            _check_note(note_rows, deck_names.get(first.deck_id, first.deck_id))
            note = _anki_note(models[first.type], first, position=notes + 1)
            note.cards = [
                _Card(
                    max(0, (r.ordinal or 0) - 1),
                    _schedule(r, today, now),
                    anki_card_ids if r.reviews is not None else None,
                    r.card_id or "",
                )
                for r in note_rows
            ]
            anki_deck = anki_decks.get(first.deck_id)
            if anki_deck is None:
                anki_deck = anki_decks[first.deck_id] = anki_deck_id(first.deck_id)
                used_decks.add(first.deck_id)
            mod = _epoch_seconds(first.updated_at)
            if planner is not None:
                mod = planner.decide(note, first.note_id, mod)
            note.write_to_db(cursor, mod, anki_deck, ids)
            notes += 1
            cards += len(note_rows)
            if progress and notes % _PROGRESS_EVERY == 0:
                progress(notes, total)
        if notes == 0:
            raise AnkiExportError("no cards to export; import a deck first (`study import`)")
        descriptions = {
            deck_id: text
            for deck_id, text in session.execute(
                sa.select(col(Deck.id), col(Deck.description)).where(
                    col(Deck.id).in_(sorted(used_decks)), col(Deck.description) != ""
                )
            )
        }
        decks = _write_decks(cursor, used_decks, deck_names, descriptions, list(models.values()))
        reviews = _write_revlog(cursor, session, learner_id, anki_card_ids) if with_progress else 0
        if reviews:
            _count_answers(cursor)
        if progress:
            progress(notes, max(total, notes))
        connection.commit()
    finally:
        connection.close()
    return notes, cards, decks, reviews


class _Planner:
    """Decides, note by note, what Anki's importer will do given Anki's copy, and makes
    it safe: tags merged, an unchanged note left alone, a later Anki edit kept."""

    def __init__(self, anki: AnkiCopy, overwrite: bool) -> None:
        self.anki = anki
        self.overwrite = overwrite  # send our text even where Anki's copy changed later
        self.added = self.updated = self.unchanged = self.skipped = 0
        self.anki_newer: list[str] = []
        self.customised: set[str] = set()
        ours = {BASIC_MODEL_ID: basic_model(), CLOZE_MODEL_ID: cloze_model()}
        self.changed_types = {
            model_id: model.name
            for model_id, model in ours.items()
            if model_id in anki.notetype_fields
            and anki.notetype_fields[model_id] != tuple(f["name"] for f in model.fields)
        }

    def decide(self, note: Any, note_id: str, mod: int) -> int:
        """The ``mod`` to write for ``note`` (its tags merged in place)."""
        copy = self.anki.notes.get(note.guid)
        if copy is None:
            self.added += 1
            return mod
        if copy.notetype_id in self.changed_types:
            self.customised.add(self.changed_types[copy.notetype_id])
            self.skipped += 1
            return mod
        known = {tag.casefold() for tag in copy.tags}
        tags = list(copy.tags) + [t for t in note.tags if t.casefold() not in known]
        note.tags = tags
        same_text = [_nfc(f) for f in note.fields] == [_nfc(f) for f in copy.fields]
        if same_text and len(tags) == len(copy.tags):
            self.unchanged += 1
            return copy.mod  # not newer: Anki leaves it as it is
        if same_text or mod > copy.mod or self.overwrite:
            self.updated += 1
            return max(mod, copy.mod + 1)
        self.anki_newer.append(note_id)
        return copy.mod

    def plan(self) -> AnkiPlan:
        return AnkiPlan(
            self.added,
            self.updated,
            self.unchanged,
            tuple(self.anki_newer),
            tuple(sorted(self.customised)),
            self.skipped,
        )


def plan_summary(plan: AnkiPlan | None, anki_path: Path | None) -> list[str]:
    """What Anki will do with the package, as lines for the terminal (warnings start with
    'warning')."""
    if plan is None:
        return [
            "Anki: its collection was not read, so it adds the notes it lacks and updates "
            "those changed here since, replacing tags added in Anki; pass --anki "
            "PATH/collection.anki2 to keep them (see the README)"
        ]
    lines = [
        f"Anki ({anki_path}): {plan.added} notes to add, {plan.updated} to update, "
        f"{plan.unchanged} unchanged; tags added in Anki are kept"
    ]
    if plan.anki_newer:
        shown = ", ".join(plan.anki_newer[:10])
        lines.append(
            f"warning: {len(plan.anki_newer)} notes changed in Anki after their last change "
            f"here keep Anki's text: {shown}; export with --overwrite-anki to send yours"
        )
    for name in plan.customised:
        lines.append(
            f"warning: note type {name!r} was changed in Anki: Anki will skip its notes "
            f"({plan.skipped}) and add a copy of the note type; see the README"
        )
    return lines


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _configure_collection(cursor: sqlite3.Cursor, settings: Settings) -> None:
    """Make the collection's "today" the learner's study day (see the module docstring)."""
    (raw,) = cursor.execute("SELECT conf FROM col").fetchone()
    conf = json.loads(raw)
    conf.update(
        {"schedVer": 2, "creationOffset": 0, "rollover": settings.day_starts_at, "curModel": None}
    )
    cursor.execute(
        "UPDATE col SET crt = ?, conf = ?",
        (int(COLLECTION_CREATED.timestamp()), json.dumps(conf)),
    )


def _anki_note(model: Any, row: _Row, position: int) -> Any:
    source = source_html(row.source_sentence, row.source_file)
    extra = field_html(row.extra)
    if row.editor_note:  # shown under the answer, as study shows it
        note = f"<i>Note:</i> {field_html(row.editor_note)}"
        extra = f"{extra}<br><br>{note}" if extra else note
    if row.type == "cloze":
        fields = [field_html(row.text), extra, source]
    else:
        fields = [field_html(row.front), field_html(row.back), extra, source]
    return genanki.Note(
        model=model,
        fields=fields,
        tags=anki_tags(row.tags),
        guid=note_guid(row.note_id),
        due=position,
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


def _count_answers(cursor: sqlite3.Cursor) -> None:
    """Give each card Anki's ``reps`` (every answer in its log) and ``data`` with its last
    review time, as Anki's Check Database computes it (the last rated answer that is not
    cramming: a filtered-deck answer with no ease), from the review log just written."""
    cursor.execute(
        """UPDATE cards SET
            reps = (SELECT count() FROM revlog WHERE revlog.cid = cards.id),
            data = coalesce(
                (SELECT json_object('lrt', max(revlog.id) / 1000) FROM revlog
                 WHERE revlog.cid = cards.id AND revlog.ease > 0
                 AND NOT (revlog.type = ? AND revlog.factor = 0)
                 HAVING count() > 0),
                '')
        WHERE id IN (SELECT cid FROM revlog)""",
        (REVLOG_FILTERED,),
    )


def _write_revlog(
    cursor: sqlite3.Cursor, session: Session, learner_id: int, anki_card_ids: dict[str, int]
) -> int:
    """The learner's review log for the exported cards, undo records and what they
    cancelled left out. Revlog ids are review times in milliseconds, made unique."""
    if not anki_card_ids:
        return 0
    query = (
        sa.select(
            col(Card.id),
            col(Review.reviewed_at),
            col(Review.grade),
            col(Review.kind),
            col(Review.answer_ms),
            col(Review.interval_before),
            col(Review.interval_after),
            col(Review.ease_after),
        )
        .join(Card, col(Card.key) == col(Review.card_key))
        .where(
            col(Review.learner_id) == learner_id,
            col(Review.kind) != ReviewKind.UNDO,
            col(Review.grade).is_not(None),
            not_cancelled(),
        )
        .order_by(col(Review.reviewed_at), col(Review.id))
        .execution_options(yield_per=2000)
    )
    last_id = 0
    written = 0
    for card_id, reviewed_at, grade, kind, answer_ms, before, after, ease in session.execute(query):
        anki_id = anki_card_ids.get(card_id)
        if anki_id is None:
            continue
        last_id = max(int(reviewed_at.timestamp() * 1000), last_id + 1)
        cursor.execute(
            "INSERT INTO revlog VALUES(?,?,?,?,?,?,?,?,?)",
            (
                last_id,
                anki_id,
                -1,  # usn
                anki_button(grade),
                after,
                before,
                0 if kind == ReviewKind.CRAM else ease * 10,  # Anki's mark of a cramming answer
                answer_ms,
                REVLOG_TYPES.get(kind, REVLOG_REVIEW),
            ),
        )
        written += 1
    return written
