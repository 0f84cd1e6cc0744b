"""The import of an Anki package: read, planned as study notes, written, progress merged
(the package docstring of :mod:`study.anki_import` says what a note becomes)."""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import platformdirs
import sqlalchemy as sa
import zstandard
from sqlmodel import Session, col, select

from study import cloze
from study.anki_export import (
    BASIC_MODEL_ID,
    CLOZE_MODEL_ID,
    AnkiCopy,
    AnkiNoteCopy,
    note_guid,
)
from study.cards import card_id
from study.clock import study_day
from study.config import Settings, home_override
from study.decks import DeckSpec, NoteSpec, Source, anki_name_problem, name_clash
from study.errors import UserError
from study.review_log import ReviewKind
from study.sm2 import MAX_INTERVAL, MIN_EASINESS
from study.storage.database import Database
from study.storage.models import Card, CardState, Deck, Note, Review
from study.storage.repository import (
    SCHEDULE_FIELDS,
    Schedule,
    card_keys,
    import_deck,
    not_cancelled,
)

# Anki's card types, queues and revlog kinds.
TYPE_NEW, TYPE_LEARN, TYPE_REVIEW, TYPE_RELEARN = 0, 1, 2, 3
QUEUE_SUSPENDED, QUEUE_DAY_LEARN = -1, 3
REVLOG_KINDS = {0: ReviewKind.NEW, 1: ReviewKind.REVIEW, 2: ReviewKind.DRILL, 3: ReviewKind.CRAM}
# Anki's answer buttons as SM-2 grades: Again, Hard, Good, Easy.
ANKI_GRADES = {1: 1, 2: 3, 3: 4, 4: 5}
DEFAULT_EASE = 250
LEECH_TAG = "leech"
DEFAULT_DECK_NAME = "Default (from Anki)"
_COLLECTIONS = ("collection.anki21b", "collection.anki21", "collection.anki2")
_SQLITE_HEADER = b"SQLite format 3\x00"
_SPECIAL_FIELDS = {"FrontSide", "Tags", "Deck", "Subdeck", "Card", "CardFlag", "Type"}
_FIELD_REF = re.compile(r"\{\{([^#/^!{}][^{}]*)\}\}")
_SOUND = re.compile(r"\[sound:([^\]]+)\]")
_SOURCE_FILE = re.compile(r'(?s)(.*?)(?:<br>)?<span class="source-file">(.*)</span>')
_EDITOR_NOTE = "<i>Note:</i> "


class AnkiImportError(UserError):
    """The package cannot be imported; the message says why and what to do."""


# ---------------------------------------------------------------- reading a package


@dataclass(frozen=True)
class NoteType:
    """An Anki note type: its fields, and each card template's question and answer."""

    id: int
    name: str
    is_cloze: bool
    fields: tuple[str, ...]
    templates: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class AnkiNote:
    """A note of the package, its fields as stored (HTML)."""

    id: int
    guid: str
    notetype_id: int
    mod: int
    tags: tuple[str, ...]
    fields: tuple[str, ...]


@dataclass(frozen=True)
class AnkiCard:
    """A card of the package, with its schedule as Anki stores it."""

    id: int
    note_id: int
    deck_id: int
    ord: int
    type: int
    queue: int
    due: int
    ivl: int
    factor: int
    reps: int
    lapses: int
    odue: int
    odid: int
    flags: int
    data: str

    @property
    def home_deck(self) -> int:
        """The deck the card belongs to (its original deck while in a filtered deck)."""
        return self.odid or self.deck_id


@dataclass(frozen=True)
class AnkiReview:
    """One review log entry: ``id`` is its time in milliseconds."""

    id: int
    card_id: int
    ease: int
    ivl: int
    last_ivl: int
    factor: int
    time: int
    type: int


@dataclass(frozen=True)
class AnkiCollection:
    """What a package holds, read once."""

    notetypes: dict[int, NoteType]
    decks: dict[int, str]
    notes: list[AnkiNote]
    cards: list[AnkiCard]
    reviews: list[AnkiReview]
    created_day: date  # the collection's day 0: a review card's due counts days from it
    descriptions: dict[int, str] = field(default_factory=dict)  # deck id -> HTML


def read_collection(path: Path) -> AnkiCollection:
    """Read an Anki package (``.apkg``/``.colpkg``) or a collection file (``.anki2``)."""
    with _collection_file(path) as database:
        try:
            connection = sqlite3.connect(f"{database.as_uri()}?mode=ro", uri=True)
        except sqlite3.Error as error:
            raise AnkiImportError(f"{path}: cannot open its collection ({error})") from None
        try:
            return _read(connection)
        except sqlite3.OperationalError as error:
            if "locked" not in str(error):
                raise AnkiImportError(f"{path}: cannot read its collection ({error})") from None
            raise AnkiImportError(
                f"{path} is in use by Anki; close Anki (or export a package from it) and try again"
            ) from None
        except (sqlite3.Error, ValueError, KeyError, TypeError) as error:
            raise AnkiImportError(
                f"{path}: not a collection Anki wrote ({type(error).__name__}: {error}); "
                "export it again from Anki"
            ) from None
        finally:
            connection.close()


@contextlib.contextmanager
def _collection_file(path: Path) -> Iterator[Path]:
    """The SQLite collection of ``path``: the file itself, or unpacked from the package."""
    try:
        with path.open("rb") as file:
            head = file.read(len(_SQLITE_HEADER))
    except OSError as error:
        raise AnkiImportError(f"cannot read {path} ({error.strerror})") from None
    if head == _SQLITE_HEADER:
        yield path.resolve()
        return
    if not zipfile.is_zipfile(path):
        raise AnkiImportError(
            f"{path} is not an Anki package; export one from Anki (File → Export, .apkg)"
        )
    with zipfile.ZipFile(path) as archive, tempfile.TemporaryDirectory() as folder:
        names = set(archive.namelist())
        member = next((name for name in _COLLECTIONS if name in names), None)
        if member is None:
            raise AnkiImportError(f"{path} holds no Anki collection; export it again from Anki")
        target = Path(folder) / "collection.sqlite"
        try:
            data = archive.read(member)
            if member.endswith("b"):  # zstd-compressed (Anki 2.1.50+ "current" format)
                data = zstandard.ZstdDecompressor().decompressobj().decompress(data)
        except (zipfile.BadZipFile, zstandard.ZstdError, OSError) as error:
            raise AnkiImportError(f"{path} is damaged ({error}); export it again") from None
        target.write_bytes(data)
        yield target


def anki_copy(path: Path) -> AnkiCopy:
    """What Anki's collection (or a package exported from it) holds, for a safe export."""
    package = read_collection(path)
    return AnkiCopy(
        notes={
            note.guid: AnkiNoteCopy(note.mod, note.notetype_id, note.tags, note.fields)
            for note in package.notes
        },
        notetype_fields={ntid: nt.fields for ntid, nt in package.notetypes.items()},
    )


def find_anki_collection() -> Path | None:
    """Anki's collection on this machine when there is exactly one profile, else None.

    Anki keeps profiles in ``Anki2/<profile>/collection.anki2`` in the user data folder
    (``$STUDY_HOME/Anki2`` when ``STUDY_HOME`` is set, so tests and portable installs
    never read the real one)."""
    home = home_override()
    base = (
        home / "Anki2" if home else Path(platformdirs.user_data_dir("Anki2", False, roaming=True))
    )
    found = sorted(base.glob("*/collection.anki2")) if base.is_dir() else []
    return found[0] if len(found) == 1 else None


def _read(connection: sqlite3.Connection) -> AnkiCollection:
    tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    crt, conf_json, models_json, decks_json = connection.execute(
        "SELECT crt, conf, models, decks FROM col"
    ).fetchone()
    if "notetypes" in tables:  # schema 18
        config = {
            key: json.loads(bytes(value).decode() or "null")
            for key, value in connection.execute("SELECT key, val FROM config")
        }
        notetypes = _notetypes_18(connection)
        decks, descriptions = {}, {}
        for deck_id, name, kind in connection.execute("SELECT id, name, kind FROM decks"):
            decks[deck_id] = name.replace("\x1f", "::")
            # Deck.KindContainer: normal (1) -> Deck.Normal: description (4)
            normal = _protobuf_fields(bytes(kind)).get(1, [b""])[0]
            if isinstance(normal, bytes):
                text = _protobuf_fields(normal).get(4, [b""])[0]
                descriptions[deck_id] = text.decode() if isinstance(text, bytes) else ""
    else:
        config = json.loads(conf_json or "{}")
        notetypes = _notetypes_11(json.loads(models_json or "{}"))
        legacy = json.loads(decks_json or "{}").values()
        decks = {int(d["id"]): str(d["name"]) for d in legacy}
        descriptions = {int(d["id"]): str(d.get("desc") or "") for d in legacy}
    offset = config.get("creationOffset")
    rollover = config.get("rollover")
    created = datetime.fromtimestamp(int(crt), UTC) - timedelta(
        minutes=int(offset or 0), hours=int(4 if rollover is None else rollover)
    )
    notes = [
        AnkiNote(nid, guid, mid, mod, tuple(tags.split()), tuple(flds.split("\x1f")))
        for nid, guid, mid, mod, tags, flds in connection.execute(
            "SELECT id, guid, mid, mod, tags, flds FROM notes ORDER BY id"
        )
    ]
    cards = [
        AnkiCard(*row)
        for row in connection.execute(
            "SELECT id, nid, did, ord, type, queue, due, ivl, factor, reps, lapses, odue, odid,"
            " flags, data FROM cards ORDER BY nid, ord"
        )
    ]
    reviews = [
        AnkiReview(*row)
        for row in connection.execute(
            "SELECT id, cid, ease, ivl, lastIvl, factor, time, type FROM revlog ORDER BY cid, id"
        )
    ]
    return AnkiCollection(notetypes, decks, notes, cards, reviews, created.date(), descriptions)


def _notetypes_11(models: Mapping[str, Any]) -> dict[int, NoteType]:
    result = {}
    for model in models.values():
        fields = tuple(f["name"] for f in sorted(model["flds"], key=lambda f: f["ord"]))
        templates = tuple(
            (t["qfmt"], t["afmt"]) for t in sorted(model["tmpls"], key=lambda t: t["ord"])
        )
        model_id = int(model["id"])
        result[model_id] = NoteType(
            model_id, str(model["name"]), model.get("type") == 1, fields, templates
        )
    return result


def _notetypes_18(connection: sqlite3.Connection) -> dict[int, NoteType]:
    fields: dict[int, list[str]] = {}
    for ntid, name in connection.execute("SELECT ntid, name FROM fields ORDER BY ntid, ord"):
        fields.setdefault(ntid, []).append(name)
    templates: dict[int, list[tuple[str, str]]] = {}
    for ntid, config in connection.execute("SELECT ntid, config FROM templates ORDER BY ntid, ord"):
        parsed = _protobuf_fields(bytes(config))
        question = parsed.get(1, [b""])[0]
        answer = parsed.get(2, [b""])[0]
        assert isinstance(question, bytes) and isinstance(answer, bytes)
        templates.setdefault(ntid, []).append((question.decode(), answer.decode()))
    result = {}
    for ntid, name, config in connection.execute("SELECT id, name, config FROM notetypes"):
        kind = _protobuf_fields(bytes(config)).get(1, [0])[0]  # NotetypeConfig.kind: 1 = cloze
        result[ntid] = NoteType(
            ntid, name, kind == 1, tuple(fields.get(ntid, [])), tuple(templates.get(ntid, []))
        )
    return result


def _protobuf_fields(data: bytes) -> dict[int, list[int | bytes]]:
    """The top-level fields of a protobuf message: number -> values (varints and bytes)."""
    fields: dict[int, list[int | bytes]] = {}
    position = 0

    def varint() -> int:
        nonlocal position
        value = shift = 0
        while True:
            byte = data[position]
            position += 1
            value |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                return value

    while position < len(data):
        key = varint()
        number, wire = key >> 3, key & 7
        value: int | bytes
        if wire == 0:
            value = varint()
        elif wire == 2:
            length = varint()
            value = data[position : position + length]
            position += length
        elif wire in (1, 5):
            size = 8 if wire == 1 else 4
            value = int.from_bytes(data[position : position + size], "little")
            position += size
        else:
            raise ValueError(f"unsupported protobuf wire type {wire}")
        fields.setdefault(number, []).append(value)
    return fields


# ---------------------------------------------------------------- HTML as plain text


class _TextParser(HTMLParser):
    """Field HTML as the text a learner reads: line breaks kept, media named."""

    BLOCKS = frozenset({"div", "p", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.media: list[str] = []
        self.skip = 0

    def newline(self) -> None:
        if self.parts and not self.parts[-1].endswith("\n"):
            self.parts.append("\n")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.skip += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in self.BLOCKS:
            self.newline()
        elif tag == "img":
            source = dict(attrs).get("src") or ""
            if source:
                self.media.append(source)
                self.parts.append(f"[image: {source}]")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
        elif tag in self.BLOCKS:
            self.newline()

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def html_text(field_html: str) -> tuple[str, list[str]]:
    """A field's HTML as plain text, and the media files it refers to (images, sounds).

    ``<br>`` and blocks become line breaks, entities are decoded, other markup is
    dropped; ``<img src=a.png>`` becomes ``[image: a.png]``; ``[sound:b.mp3]`` stays."""
    if "<" not in field_html and "&" not in field_html and "[sound:" not in field_html:
        return field_html, []
    parser = _TextParser()
    parser.feed(field_html)
    parser.close()
    text = "".join(parser.parts).replace("\xa0", " ")
    return text, parser.media + _SOUND.findall(text)


# ---------------------------------------------------------------- mapping to study


@dataclass(frozen=True)
class Day:
    """How the learner counts days: their zone and day boundary, and today."""

    settings: Settings
    today: date

    def of(self, seconds: float) -> date:
        """The study day of a moment given in seconds since the epoch."""
        return study_day(
            datetime.fromtimestamp(seconds, UTC), self.settings.zone, self.settings.day_starts_at
        )


def anki_grade(ease: int) -> int:
    """Anki's answer button as an SM-2 grade: Again 1, Hard 3, Good 4, Easy 5."""
    return ANKI_GRADES[ease]


def sm2_ease(factor: int) -> int:
    """Anki's ease factor (per mille) as an E-Factor in hundredths, at least SM-2's 1.3;
    0 (a new card, or FSRS) is SM-2's starting 2.5."""
    if factor <= 0:
        return DEFAULT_EASE
    return max(int(MIN_EASINESS * 100), (factor + 5) // 10)


def _replay(log: Sequence[AnkiReview]) -> Iterator[tuple[AnkiReview, int, int]]:
    """Each rated answer of a card's log with SM-2's n before and after it (Anki keeps
    no n): passing learning and review answers in a row since the last Again, a run of
    learning steps counting once; relearning and filtered answers leave n alone."""
    n = 0
    previous_type = -1
    for entry in log:
        if entry.ease not in ANKI_GRADES or entry.type not in REVLOG_KINDS:
            continue  # Anki's manual rescheduling entries
        before = n
        if entry.type in (0, 1):
            if entry.ease == 1:
                n = 0
            elif not (entry.type == 0 and previous_type == 0):
                n += 1
            previous_type = entry.type
        yield entry, before, n


def repetitions(log: Sequence[AnkiReview]) -> int:
    """SM-2's n after a card's log (see :func:`_replay`)."""
    after = [n for _, _, n in _replay(log)]
    return after[-1] if after else 0


def anki_schedule(
    card: AnkiCard,
    log: Sequence[AnkiReview],
    tags: Sequence[str],
    created: date,
    day: Day,
    *,
    learner_id: int,
    card_id_: str,
) -> Schedule | None:
    """A card's Anki schedule as SM-2 state, or None for a new card with nothing to keep.

    Review cards keep interval, ease (factor / 1000, at least 1.3), due date and lapses;
    a relearning card is due again ``ivl`` days after its last answer and is drilled
    today if its step is due; a card still in its first learning steps has n = 0 and is
    due on the day of its next step. ``reviews`` counts learning and review answers (as
    study counts scheduled reviews); n is rebuilt from the log (:func:`repetitions`).
    """
    suspended = card.queue == QUEUE_SUSPENDED
    flagged = bool(card.flags & 7)
    leech = LEECH_TAG in (t.casefold() for t in tags)
    scheduling = [entry for entry, _, _ in _replay(log) if entry.type in (0, 1)]
    if card.type == TYPE_NEW:
        if not (suspended or flagged):
            return None
        return Schedule(
            learner_id, card_id_, False, 0, DEFAULT_EASE, 0, None, None, 0, 0,
            suspended, leech, None, None, flagged, "",
        )  # fmt: skip
    last_day = day.of(scheduling[-1].id / 1000) if scheduling else None
    ease = sm2_ease(card.factor)
    interval = min(MAX_INTERVAL, max(1, card.ivl))
    n = repetitions(log) if log else (1 if interval < 6 else 2)
    drill_day = None
    due = card.odue if card.odid and card.odue else card.due
    if card.type == TYPE_REVIEW:
        due_day: date | None = created + timedelta(days=due)
    else:
        step_day = created + timedelta(days=due) if card.queue == QUEUE_DAY_LEARN else day.of(due)
        if card.type == TYPE_LEARN:
            n, interval, due_day = 0, 0, step_day
        else:  # relearning
            base = last_day or day.today
            due_day = base + timedelta(days=interval)
            drill_day = day.today if step_day <= day.today else None
    return Schedule(
        learner_id,
        card_id_,
        stored=False,
        repetitions=n,
        ease_hundredths=ease,
        interval=interval,
        due_day=due_day,
        last_review_day=last_day,
        reviews=len(scheduling),
        lapses=card.lapses,
        suspended=suspended,
        leech=leech,
        buried_until=None,
        drill_day=drill_day,
        flagged=flagged,
        flag_reason="",
    )


def _last_review(card: AnkiCard, log: Sequence[AnkiReview]) -> int:
    """The card's last review time (``lrt`` in its data, else its last rated answer)."""
    with contextlib.suppress(ValueError, TypeError, AttributeError):
        lrt = json.loads(card.data or "{}").get("lrt")
        if isinstance(lrt, int) and lrt > 0:
            return lrt
    rated = [entry.id // 1000 for entry in log if entry.ease > 0]
    return max(rated, default=0)


def _review_rows(
    log: Sequence[AnkiReview], learner_id: int, card_key: int, day: Day
) -> list[dict[str, Any]]:
    """A card's log entries as rows of study's review history (ratings only: Anki's
    manual rescheduling entries are left out). n and the E-Factor are replayed."""
    rows = []
    ease = DEFAULT_EASE
    for entry, before_n, n in _replay(log):
        before_ease = ease
        if entry.factor > 0:
            ease = sm2_ease(entry.factor)
        moment = datetime.fromtimestamp(entry.id / 1000, UTC)
        rows.append(
            {
                "learner_id": learner_id,
                "card_key": card_key,
                "reviewed_at": moment,
                "study_day": day.of(entry.id / 1000),
                "grade": anki_grade(entry.ease),
                "kind": REVLOG_KINDS[entry.type],
                "cancels_id": None,
                "answer_ms": max(0, entry.time),
                "repetitions_before": before_n,
                "ease_before": before_ease,
                "interval_before": max(0, entry.last_ivl),
                "repetitions_after": n,
                "ease_after": ease,
                "interval_after": max(0, entry.ivl),
            }
        )
    return rows


@dataclass(frozen=True)
class _Planned:
    """A study note made from an Anki note, and its cards: study card id -> Anki card."""

    spec: NoteSpec
    deck_name: str
    cards: dict[str, AnkiCard]


@dataclass
class AnkiImportResult:
    """What an import changed."""

    path: Path
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    retired: int = 0
    kept: int = 0  # notes of your deck files: text kept, progress merged
    cards: int = 0
    decks: int = 0
    schedules_taken: int = 0
    schedules_kept: int = 0
    reviews_added: int = 0
    reviews_known: int = 0
    skipped: list[str] = field(default_factory=list)
    media: list[str] = field(default_factory=list)

    def summary(self, with_progress: bool) -> list[str]:
        """What the import did, in a few lines for the terminal."""
        lines = [
            f"{self.path}: {self.added} notes added, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.retired} retired, {self.kept} kept as in "
            f"your deck files; {self.cards} cards in {self.decks} "
            f"deck{'' if self.decks == 1 else 's'}"
        ]
        if with_progress:
            lines.append(
                f"progress: {self.schedules_taken} schedules from Anki, {self.schedules_kept} "
                f"kept (no later review in Anki); {self.reviews_added} reviews added, "
                f"{self.reviews_known} already here"
            )
        if self.skipped:
            lines.append(f"{len(self.skipped)} notes skipped (listed on stderr)")
        if self.media:
            shown = ", ".join(self.media[:10])
            more = f" and {len(self.media) - 10} more" if len(self.media) > 10 else ""
            lines.append(f"media not imported (shown by name in the text): {shown}{more}")
        return lines


def study_note_id(guid: str) -> str:
    """The study id of an Anki note: a function of its GUID (any characters) alone."""
    return "anki-" + hashlib.sha256(guid.encode()).hexdigest()[:20]


def study_deck_id(name: str) -> str:
    """The study id of a deck made from Anki deck ``name``: readable, and unique by name."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")[:60] or "deck"
    return f"anki-{slug}-{hashlib.sha256(name.encode()).hexdigest()[:8]}"


def _template_fields(template: str, names: Sequence[str]) -> list[int]:
    """The indexes of the fields a card template shows, in order of first use."""
    shown: list[int] = []
    for match in _FIELD_REF.finditer(template):
        name = match.group(1).split(":")[-1].strip()
        if name in _SPECIAL_FIELDS or name not in names:
            continue
        index = names.index(name)
        if index not in shown:
            shown.append(index)
    return shown


class _Planner:
    """Turns the package's notes into study notes, collecting what it cannot keep."""

    def __init__(self, package: AnkiCollection, prefix: str) -> None:
        self.package = package
        self.prefix = prefix
        self.skipped: list[str] = []
        self.media: set[str] = set()
        self.descriptions: dict[str, str] = {}  # study deck name -> plain text
        self.cards_by_note: dict[int, list[AnkiCard]] = {}
        for anki_card in package.cards:
            self.cards_by_note.setdefault(anki_card.note_id, []).append(anki_card)

    def text(self, field_html: str) -> str:
        text, media = html_text(field_html)
        self.media.update(media)
        return text.strip()

    def deck_name(self, cards: Sequence[AnkiCard]) -> str:
        """The study deck of a note (its first card's deck); its description noted."""
        deck_id = cards[0].home_deck
        name = self.package.decks.get(deck_id, "Default")
        study_name = self.study_name(name)
        description = self.package.descriptions.get(deck_id, "")
        if description and study_name not in self.descriptions:
            self.descriptions[study_name] = self.text(description)
        return study_name

    def study_name(self, name: str) -> str:
        if not self.prefix and name.split("::")[0].casefold() == "default":
            name = DEFAULT_DECK_NAME + name[len("Default") :]
        return f"{self.prefix}::{name}" if self.prefix else name

    def plan(self, note: AnkiNote) -> list[_Planned]:
        cards = self.cards_by_note.get(note.id, [])
        notetype = self.package.notetypes.get(note.notetype_id)
        where = f"note {note.guid!r}"
        if not cards or notetype is None:
            self.skipped.append(f"{where}: no cards or no note type; skipped")
            return []
        fields = dict(zip(notetype.fields, note.fields, strict=False))
        deck = self.deck_name(cards)
        tags = tuple(t for t in note.tags if t)
        note_id = study_note_id(note.guid)
        if notetype.is_cloze:
            return self.plan_cloze(note, notetype, fields, cards, deck, tags, note_id)
        own = note.notetype_id == BASIC_MODEL_ID or notetype.name.startswith("Basic (study)")
        if own and {"Front", "Back"} <= set(fields):
            extra, remark = self.extra_and_remark(fields.get("Extra", ""))
            spec = NoteSpec(
                id=note_id,
                type="basic",
                front=html_text(fields["Front"])[0],
                back=html_text(fields["Back"])[0],
                extra=extra,
                tags=tags,
                source=self.source(fields.get("Source", "")),
                note=remark,
            )
            return [_Planned(spec, deck, {note_id: cards[0]})]
        planned = []
        for anki_card in cards:
            front, back = self.sides(notetype, note, anki_card.ord)
            if not front:
                self.skipped.append(f"{where} card {anki_card.ord + 1}: empty question; skipped")
                continue
            card_note = note_id if anki_card.ord == 0 else f"{note_id}-{anki_card.ord + 1}"
            spec = NoteSpec(id=card_note, type="basic", front=front, back=back, tags=tags)
            planned.append(_Planned(spec, deck, {card_note: anki_card}))
        return planned

    def sides(self, notetype: NoteType, note: AnkiNote, ordinal: int) -> tuple[str, str]:
        """Front: the fields the card's question shows; back: the rest its answer shows."""
        names = notetype.fields
        question, answer = (
            notetype.templates[ordinal] if ordinal < len(notetype.templates) else ("", "")
        )
        front_fields = _template_fields(question, names) or [0]
        back_fields = [i for i in _template_fields(answer, names) if i not in front_fields]
        if not back_fields and not _template_fields(question, names):
            back_fields = list(range(1, len(names)))
        values = [self.text(value) for value in note.fields]

        def joined(indexes: Sequence[int]) -> str:
            return "\n".join(values[i] for i in indexes if i < len(values) and values[i])

        return joined(front_fields), joined(back_fields)

    def plan_cloze(
        self,
        note: AnkiNote,
        notetype: NoteType,
        fields: Mapping[str, str],
        cards: Sequence[AnkiCard],
        deck: str,
        tags: tuple[str, ...],
        note_id: str,
    ) -> list[_Planned]:
        where = f"note {note.guid!r}"
        own = note.notetype_id == CLOZE_MODEL_ID or notetype.name.startswith("Cloze (study)")
        if own and "Text" in fields:
            text = html_text(fields["Text"])[0]
            extra, remark = self.extra_and_remark(fields.get("Extra", ""))
            source = self.source(fields.get("Source", ""))
        else:
            text = self.text(note.fields[0])
            extra = "\n".join(v for v in (self.text(f) for f in note.fields[1:]) if v)
            remark, source = "", None
        if problem := cloze.syntax_problem(text):
            self.skipped.append(f"{where}: {problem}; skipped")
            return []
        numbers = cloze.cloze_numbers(text)
        by_number = {c.ord + 1: c for c in cards}
        if set(by_number) - set(numbers) or not numbers:
            self.skipped.append(
                f"{where}: its cards are not the deletions of its first field; skipped"
            )
            return []
        spec = NoteSpec(
            id=note_id, type="cloze", text=text, extra=extra, tags=tags, source=source, note=remark
        )
        return [_Planned(spec, deck, {card_id(note_id, n): by_number[n] for n in by_number})]

    @staticmethod
    def extra_and_remark(raw: str) -> tuple[str, str]:
        """Study's Extra field: the extra text, then the author's note (see anki_export)."""
        extra, marker, remark = raw.partition(_EDITOR_NOTE)
        if marker:
            extra = extra.removesuffix("<br><br>")
        return html_text(extra)[0], html_text(remark)[0] if marker else ""

    @staticmethod
    def source(raw: str) -> Source | None:
        """Study's Source field: the sentence, then the material file's name."""
        if not raw:
            return None
        match = _SOURCE_FILE.fullmatch(raw)
        sentence, file = (match.group(1), match.group(2)) if match else (raw, "")
        return Source(file=html_text(file)[0], sentence=html_text(sentence)[0])


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
    Anki package at ``path``, in one transaction (see the module docstring)."""
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
    live_notes = {
        note_id: deck_id
        for note_id, deck_id, file_path in session.execute(
            sa.select(col(Note.id), col(Note.deck_id), col(Deck.file_path))
            .join(Deck, col(Deck.id) == Note.deck_id)
            .where(col(Note.retired).is_(False))
        )
        if file_path  # notes of deck files: their text lives there
    }
    own = {note_guid(note_id): note_id for note_id in live_notes}
    planner = _Planner(package, prefix)
    by_deck: dict[str, list[NoteSpec]] = {}
    card_map: dict[str, AnkiCard] = {}  # study card id -> Anki card
    kept_cards = _live_cards(session, [own[n.guid] for n in package.notes if n.guid in own])
    for note in package.notes:
        kept_id = own.get(note.guid)
        if kept_id is not None:
            result.kept += 1
            notetype = package.notetypes.get(note.notetype_id)
            for anki_card in planner.cards_by_note.get(note.id, []):
                ordinal = anki_card.ord + 1 if notetype and notetype.is_cloze else 0
                if card_id(kept_id, ordinal) in kept_cards:  # a card study still has
                    card_map[card_id(kept_id, ordinal)] = anki_card
            continue
        for planned in planner.plan(note):
            by_deck.setdefault(planned.deck_name, []).append(planned.spec)
            card_map.update(planned.cards)
    existing = {deck.id: deck.name for deck in session.exec(select(Deck)) if not deck.retired}
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
    session.flush()
    result.decks = len(by_deck)
    result.cards = len(card_map)
    result.skipped = planner.skipped
    result.media = sorted(planner.media)
    if with_progress:
        _merge_progress(session, package, card_map, learner_id, now, day, result)
    return result


def _live_cards(session: Session, note_ids: Sequence[str]) -> set[str]:
    """The ids of the cards of ``note_ids`` that are not retired."""
    found: set[str] = set()
    for start in range(0, len(note_ids), 500):
        found.update(
            session.exec(
                select(Card.id).where(
                    col(Card.note_id).in_(note_ids[start : start + 500]),
                    col(Card.retired).is_(False),
                )
            )
        )
    return found


def _move_notes(
    session: Session, by_deck: Mapping[str, list[NoteSpec]], decks: Mapping[str, str], now: datetime
) -> None:
    """Move notes that changed deck in Anki (or got another prefix) to their new deck
    first: a note id belongs to one deck, and :func:`import_deck` updates in place."""
    target = {spec.id: study_deck_id(name) for name, specs in by_deck.items() for spec in specs}
    ids = list(target)
    moved: dict[str, str] = {}
    for start in range(0, len(ids), 500):
        for note_id, deck_id in session.execute(
            sa.select(col(Note.id), col(Note.deck_id)).where(
                col(Note.id).in_(ids[start : start + 500])
            )
        ):
            if deck_id != target[note_id]:
                moved[note_id] = target[note_id]
    if not moved:
        return
    names = {study_deck_id(name): name for name in by_deck}
    for deck_id in set(moved.values()) - set(decks):
        if session.get(Deck, deck_id) is None:
            session.add(Deck(id=deck_id, name=names[deck_id], imported_at=now))
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


def _merge_progress(
    session: Session,
    package: AnkiCollection,
    card_map: Mapping[str, AnkiCard],
    learner_id: int,
    now: datetime,
    day: Day,
    result: AnkiImportResult,
) -> None:
    """Take Anki's schedule where its last review is later than study's, and add the log
    entries study does not have yet (same card, same second)."""
    logs: dict[int, list[AnkiReview]] = {}
    for entry in package.reviews:
        logs.setdefault(entry.card_id, []).append(entry)
    tags = {note.id: note.tags for note in package.notes}
    known: dict[str, set[int]] = {}
    last_here: dict[str, int] = {}
    states: dict[str, CardState] = {}
    ids = list(card_map)
    for start in range(0, len(ids), 500):
        for card_id_, reviewed_at in session.execute(
            sa.select(col(Card.id), col(Review.reviewed_at))
            .join(Card, col(Card.key) == col(Review.card_key))
            .where(
                col(Review.learner_id) == learner_id,
                col(Card.id).in_(ids[start : start + 500]),
                col(Review.kind) != ReviewKind.UNDO,
                col(Review.grade).is_not(None),
                not_cancelled(),
            )
        ):
            second = int(reviewed_at.timestamp())
            known.setdefault(card_id_, set()).add(second)
            last_here[card_id_] = max(last_here.get(card_id_, 0), second)
        chunk = ids[start : start + 500]
        for stored_state in session.exec(
            select(CardState).where(
                CardState.learner_id == learner_id, col(CardState.card_id).in_(chunk)
            )
        ):
            states[stored_state.card_id] = stored_state
    rows: list[dict[str, Any]] = []
    keys = card_keys(session, card_map)
    for card_id_, anki_card in card_map.items():
        log = logs.get(anki_card.id, [])
        schedule = anki_schedule(
            anki_card,
            log,
            tags.get(anki_card.note_id, ()),
            package.created_day,
            day,
            learner_id=learner_id,
            card_id_=card_id_,
        )
        if schedule is not None:
            stored = states.get(card_id_)
            state = stored or CardState(learner_id=learner_id, card_id=card_id_)
            here = last_here.get(card_id_, 0)
            there = _last_review(anki_card, log) if schedule.reviews else 0
            # A new card's suspension or flag only comes to a card with no schedule here.
            if there > here if there else stored is None:
                _apply(state, schedule, now)
                session.add(state)
                result.schedules_taken += 1
            else:
                result.schedules_kept += 1
        seen = known.get(card_id_, set())
        for row in _review_rows(log, learner_id, keys[card_id_], day):
            if int(row["reviewed_at"].timestamp()) in seen:
                result.reviews_known += 1
            else:
                rows.append(row)
    if rows:
        session.execute(sa.insert(Review), rows)
    result.reviews_added = len(rows)


def _apply(state: CardState, schedule: Schedule, now: datetime) -> None:
    """Give ``state`` Anki's schedule (the reason of a flag kept while it stays flagged)."""
    reason = state.flag_reason if schedule.flagged else ""
    for name in SCHEDULE_FIELDS:
        setattr(state, name, getattr(schedule, name))
    state.flag_reason = reason
    state.updated_at = now
