"""Reading an Anki collection with :mod:`sqlite3`: the package unpacked, then note types,
decks, notes, cards and the review log, in the current format (``collection.anki21b``,
zstd-compressed, schema 18: protobuf configs in their own tables) or the legacy ones
(``collection.anki21`` / ``collection.anki2``, schema 11: JSON in ``col``)."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import platformdirs
import zstandard

from study.domain.config import home_override
from study.domain.errors import UserError
from study.services.anki_export.plan import AnkiCopy, AnkiNoteCopy
from study.services.anki_import.protobuf import protobuf_fields

_COLLECTIONS = ("collection.anki21b", "collection.anki21", "collection.anki2")
_SQLITE_HEADER = b"SQLite format 3\x00"


class AnkiImportError(UserError):
    """The package cannot be imported; the message says why and what to do."""


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
            normal = protobuf_fields(bytes(kind)).get(1, [b""])[0]
            if isinstance(normal, bytes):
                text = protobuf_fields(normal).get(4, [b""])[0]
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
        parsed = protobuf_fields(bytes(config))
        question = parsed.get(1, [b""])[0]
        answer = parsed.get(2, [b""])[0]
        assert isinstance(question, bytes) and isinstance(answer, bytes)
        templates.setdefault(ntid, []).append((question.decode(), answer.decode()))
    result = {}
    for ntid, name, config in connection.execute("SELECT id, name, config FROM notetypes"):
        kind = protobuf_fields(bytes(config)).get(1, [0])[0]  # NotetypeConfig.kind: 1 = cloze
        result[ntid] = NoteType(
            ntid, name, kind == 1, tuple(fields.get(ntid, [])), tuple(templates.get(ntid, []))
        )
    return result
