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
"""

from __future__ import annotations

import json
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from study import cloze
from study.errors import UserError
from study.material import MaterialError, material_path

CARD_TYPES = ("basic", "cloze")
# Matched with fullmatch: a "$" would accept a trailing newline (a look-alike id).
ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
TAG_PATTERN = re.compile(r"[^\s#\"]{1,64}")
MAX_FIELD_CHARS = 20_000
DECK_KEYS = {"id", "version", "name", "description", "material"}
CARD_KEYS = {"id", "type", "front", "back", "text", "extra", "tags", "source", "edited", "note"}
CARD_KEYS |= {"exclude_sentence", "removed"}  # tombstones and review exclusions
REMOVED_KEYS = {"id", "removed", "source", "note", "exclude_sentence"}
SOURCE_KEYS = {"file", "sentence"}
TOP_KEYS = {"deck", "cards"}


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


class _Positions:
    """Line numbers of tables and keys in a TOML text, found by scanning its lines."""

    HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\"' -]+?)\s*\]\]?\s*(#.*)?$")
    KEY = re.compile(r"^\s*([A-Za-z0-9_-]+|\"[^\"]*\")\s*=")

    def __init__(self, text: str) -> None:
        self.deck_line = 1
        self.deck_keys: dict[str, int] = {}
        self.card_lines: list[int] = []
        self.card_keys: list[dict[str, int]] = []
        self.top_keys: dict[str, int] = {}
        section: str | None = None
        for number, line in _statement_lines(text):
            header = self.HEADER.match(line)
            if header:
                name = header.group(2).strip().strip("\"'")
                if header.group(1) == "[[" and name == "cards":
                    section = "cards"
                    self.card_lines.append(number)
                    self.card_keys.append({})
                elif name == "deck":
                    section = "deck"
                    self.deck_line = number
                else:
                    section = name
                    self.top_keys.setdefault(name.split(".")[0], number)
                continue
            key = self.KEY.match(line)
            if not key:
                continue
            name = key.group(1).strip('"')
            if section == "cards" and self.card_keys:
                self.card_keys[-1].setdefault(name, number)
            elif section == "deck":
                self.deck_keys.setdefault(name, number)
            elif section is None:
                self.top_keys.setdefault(name, number)

    CARDS = re.compile(r"^[ \t]*\[\[[ \t]*cards[ \t]*\]\][ \t]*(?:#.*)?\r?$", re.MULTILINE)

    @classmethod
    def of_cards(cls, text: str, cards: int) -> _Positions | None:
        """The line of each ``[[cards]]`` header only, found quickly, or None.

        A valid file needs no more (each card keeps its line, for the editor). Without
        multi-line strings no ``[[cards]]`` line can be inside a value, so one regular
        expression finds them, several times faster than the full scan; the count must
        match the cards tomllib found.
        """
        if any(quotes in text for quotes in ('"""', "'''")):
            return None
        positions = cls("")
        line, start = 1, 0
        for match in cls.CARDS.finditer(text):
            line += text.count("\n", start, match.start())
            start = match.start()
            positions.card_lines.append(line)
            positions.card_keys.append({})
        return positions if len(positions.card_lines) == cards else None

    def card(self, index: int, key: str | None = None) -> int:
        if index >= len(self.card_lines):
            return self.deck_line
        if key is not None and key in self.card_keys[index]:
            return self.card_keys[index][key]
        return self.card_lines[index]

    def deck(self, key: str | None = None) -> int:
        if key is not None and key in self.deck_keys:
            return self.deck_keys[key]
        return self.deck_line


def _statement_lines(text: str) -> list[tuple[int, str]]:
    """The numbered lines of a TOML text that begin a statement (a table header or a key).

    Lines inside multi-line strings and multi-line arrays are left out, so a line such as
    ``[[cards]]`` inside a card's text cannot shift the line numbers of later cards.
    Lines are split on ``\\n`` only, as TOML counts them: a U+2028 or NEL inside a string
    is not a line break.
    """
    result: list[tuple[int, str]] = []
    quote = ""  # the open multi-line string delimiter, if any
    depth = 0  # open [ of multi-line arrays
    for number, line in enumerate(text.split("\n"), start=1):
        if not quote and depth == 0:
            result.append((number, line))
        index = 0
        while index < len(line):
            if quote:
                if quote == '"""' and line[index] == "\\":
                    index += 2
                    continue
                if line.startswith(quote, index):
                    index += 3
                    while line.startswith(quote[0], index):  # up to two quotes end the content
                        index += 1
                    quote = ""
                    continue
                index += 1
                continue
            char = line[index]
            if char == "#":
                break
            if line.startswith(('"""', "'''"), index):
                quote = line[index : index + 3]
                index += 3
                continue
            if char in "\"'":
                index = _end_of_string(line, index)
                continue
            if char == "[":
                depth += 1
            elif char == "]":
                depth = max(0, depth - 1)
            index += 1
    return result


def _end_of_string(line: str, start: int) -> int:
    """The index after the one-line string that opens at ``line[start]``."""
    quote = line[start]
    index = start + 1
    while index < len(line):
        if quote == '"' and line[index] == "\\":
            index += 2
            continue
        if line[index] == quote:
            return index + 1
        index += 1
    return index


def load_deck(path: Path) -> DeckSpec:
    """Read and validate the deck file at ``path``; raise DeckError with every problem."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise DeckError([f"{path}: cannot read the deck file ({error.strerror})"]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise DeckError([f"{path}:{line}: not valid UTF-8; save the deck file as UTF-8"]) from None
    return parse_deck(text, path)


_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


def parse_deck(text: str, path: Path) -> DeckSpec:
    """Parse and validate deck file ``text``; ``path`` names it in error messages."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        where = _TOML_POSITION.search(message)
        line = int(where.group(1)) if where else 1
        reason = _TOML_POSITION.sub("", message).strip()
        raise DeckError([f"{path}:{line}: invalid TOML: {reason}"]) from None
    except RecursionError:
        raise DeckError([f"{path}:1: invalid TOML: nested too deeply"]) from None
    cards = data.get("cards")
    quick = _Positions.of_cards(text, len(cards) if isinstance(cards, list) else -1)
    try:
        return _Validator(path, quick or _Positions(text)).deck(data)
    except DeckError:
        if quick is None:
            raise
        # Problems are rare: only then scan every line, to say where each one is
        # (validation is deterministic: the second pass finds the same problems).
        return _Validator(path, _Positions(text)).deck(data)


def deck_header(path: Path) -> tuple[str, int] | None:
    """The ``id`` and ``version`` of a deck file's ``[deck]`` table, read from its head.

    Cheap (no card is parsed): enough to tell whether a deck file is newer than what
    was imported. None when the head does not say plainly (then load the whole file).
    """
    lines: list[str] = []
    try:
        with path.open(encoding="utf-8") as file:
            for line in file:
                if line.lstrip().startswith("[["):
                    break
                lines.append(line)
        header = tomllib.loads("".join(lines)).get("deck")
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    if not isinstance(header, dict):
        return None
    deck_id, version = header.get("id"), header.get("version", 1)
    if not isinstance(deck_id, str) or isinstance(version, bool) or not isinstance(version, int):
        return None
    return deck_id, version


class _Validator:
    """Turns parsed TOML into a DeckSpec, collecting every problem with its line."""

    def __init__(self, path: Path, positions: _Positions) -> None:
        self.path = path
        self.at = positions
        self.problems: list[tuple[int, str]] = []
        self.files: dict[str, str] = {}  # material file: its problem ("" for none)

    def problem(self, line: int, message: str) -> None:
        self.problems.append((line, message))

    def error(self) -> DeckError:
        """Every problem, in line order (problems on one line in the order found)."""
        ordered = sorted(self.problems, key=lambda problem: problem[0])
        return DeckError([f"{self.path}:{line}: {message}" for line, message in ordered])

    def deck(self, data: Mapping[str, Any]) -> DeckSpec:
        for key in sorted(set(data) - TOP_KEYS):
            self.problem(
                self.at.top_keys.get(key, 1),
                f"unknown key '{key}' (a deck file has [deck] and [[cards]])",
            )
        header = data.get("deck")
        if not isinstance(header, dict):
            self.problem(1, "missing [deck] table with id and name")
            header = {}
        for key in sorted(set(header) - DECK_KEYS):
            self.problem(self.at.deck(key), f"unknown key '{key}' in [deck]")
        deck_id = self.identifier(header.get("id"), self.at.deck("id"), "deck id")
        name = self.text(header, "name", self.at.deck("name"), "[deck]", required=True)
        if name.strip() and (problem := anki_name_problem(name)):
            self.problem(self.at.deck("name"), problem)
        description = self.text(header, "description", self.at.deck("description"), "[deck]")
        version = header.get("version", 1)
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:
            self.problem(self.at.deck("version"), "version must be a whole number of 1 or more")
            version = 1
        material = self.strings(header.get("material", []), self.at.deck("material"), "material")
        for file in material:
            self.material_file(file, self.at.deck("material"))
        cards = data.get("cards", [])
        if not isinstance(cards, list):
            self.problem(self.at.top_keys.get("cards", 1), "cards must be [[cards]] tables")
            cards = []
        entries = [self.note(index, entry) for index, entry in enumerate(cards)]
        self.check_unique(cards)
        if self.problems:
            raise self.error()
        return DeckSpec(
            id=deck_id,
            name=name,
            version=version,
            description=description,
            material=tuple(material),
            notes=tuple(n for n in entries if isinstance(n, NoteSpec)),
            path=self.path,
            removed=tuple(n for n in entries if isinstance(n, RemovedCard)),
        )

    def note(self, index: int, entry: object) -> NoteSpec | RemovedCard | None:
        line = self.at.card(index)
        if not isinstance(entry, dict):
            self.problem(line, "each [[cards]] entry must be a table")
            return None
        if "removed" in entry:
            return self.removed(index, entry)
        before = len(self.problems)
        for key in sorted(set(entry) - CARD_KEYS):
            self.problem(self.at.card(index, key), f"unknown key '{key}' in card")
        note_id = self.identifier(entry.get("id"), self.at.card(index, "id"), "card id")
        card_type = entry.get("type", "basic")
        if card_type not in CARD_TYPES:
            self.problem(
                self.at.card(index, "type"),
                f"unknown card type {card_type!r}; use 'basic' or 'cloze'",
            )
            card_type = "basic"

        def field_text(key: str, required: bool = False) -> str:
            return self.text(entry, key, self.at.card(index, key), "card", required=required)

        front = back = text = ""
        if card_type == "basic":
            front, back = field_text("front", True), field_text("back", True)
            if "text" in entry:
                self.problem(self.at.card(index, "text"), "'text' is for cloze cards; use front")
        else:
            text = field_text("text", True)
            for key in ("front", "back"):
                if key in entry:
                    self.problem(self.at.card(index, key), f"'{key}' is for basic cards")
            if problem := cloze.syntax_problem(text):
                self.problem(self.at.card(index, "text"), problem)
            elif text.strip() and not cloze.cloze_numbers(text):
                self.problem(
                    self.at.card(index, "text"),
                    "cloze card without a deletion; mark one as {{c1::answer}}",
                )
            for number in cloze.cloze_numbers(text):
                if not any(answer.strip() for answer in cloze.deleted_answers(text, number)):
                    self.problem(
                        self.at.card(index, "text"),
                        f"cloze deletion c{number} is empty; "
                        f"put the hidden answer inside {{{{c{number}::...}}}}",
                    )
        extra = field_text("extra")
        tags = self.strings(entry.get("tags", []), self.at.card(index, "tags"), "tags")
        for tag in tags:
            if not TAG_PATTERN.fullmatch(tag):
                self.problem(self.at.card(index, "tags"), f"tag {tag!r} must be one word")
        source = self.source(entry.get("source"), self.at.card(index, "source"))
        edited = self.flag(entry, index, "edited")
        exclude = self.exclusion(entry, index, source)
        if exclude and not edited:
            self.problem(
                self.at.card(index, "exclude_sentence"),
                "exclude_sentence needs edited = true (regenerating drops the sentence's "
                "unedited cards)",
            )
        remark = field_text("note")
        if len(self.problems) > before:
            return None
        return NoteSpec(
            id=note_id,
            type=card_type,
            front=front,
            back=back,
            text=text,
            extra=extra,
            tags=tuple(tags),
            source=source,
            edited=edited,
            note=remark,
            line=line,
            exclude_sentence=exclude,
        )

    def removed(self, index: int, entry: Mapping[str, Any]) -> RemovedCard | None:
        """A tombstone: ``removed = true``, the card's ``id``, its ``source`` and a ``note``."""
        before = len(self.problems)
        for key in sorted(set(entry) - REMOVED_KEYS):
            self.problem(
                self.at.card(index, key),
                f"'{key}' has no place in a removed card (keep id, source, note)",
            )
        if entry["removed"] is not True:
            self.problem(
                self.at.card(index, "removed"),
                "removed must be true (delete the key to keep the card)",
            )
        note_id = self.identifier(entry.get("id"), self.at.card(index, "id"), "card id")
        source = self.source(entry.get("source"), self.at.card(index, "source"))
        exclude = self.exclusion(entry, index, source)
        remark = self.text(entry, "note", self.at.card(index, "note"), "card")
        if len(self.problems) > before:
            return None
        return RemovedCard(note_id, source, remark, exclude, self.at.card(index))

    def flag(self, entry: Mapping[str, Any], index: int, key: str) -> bool:
        value = entry.get(key, False)
        if not isinstance(value, bool):
            self.problem(self.at.card(index, key), f"{key} must be true or false")
            return False
        return value

    def exclusion(self, entry: Mapping[str, Any], index: int, source: Source | None) -> bool:
        exclude = self.flag(entry, index, "exclude_sentence")
        if exclude and source is None:
            self.problem(
                self.at.card(index, "exclude_sentence"),
                "exclude_sentence needs the card's source sentence",
            )
        return exclude

    def identifier(self, value: object, line: int, what: str) -> str:
        if value is None:
            self.problem(line, f"missing {what}")
            return ""
        if not isinstance(value, str) or not ID_PATTERN.fullmatch(value):
            self.problem(
                line,
                f"{what} {value!r} must be letters, digits, '.', '_', ':' or '-' "
                "(no spaces, at most 128 characters)",
            )
            return ""
        return value

    def text(
        self, table: Mapping[str, Any], key: str, line: int, where: str, required: bool = False
    ) -> str:
        value = table.get(key)
        if value is None:
            if required:
                self.problem(line, f"missing '{key}' in {where}")
            return ""
        if not isinstance(value, str):
            self.problem(line, f"'{key}' must be a string, not {type(value).__name__}")
            return ""
        if required and not value.strip():
            self.problem(line, f"'{key}' is empty")
        if len(value) > MAX_FIELD_CHARS:
            self.problem(line, f"'{key}' is longer than {MAX_FIELD_CHARS} characters; split it")
            return ""
        return value

    def strings(self, value: object, line: int, what: str) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problem(line, f"{what} must be a list of strings")
            return []
        return list(value)

    def source(self, value: object, line: int) -> Source | None:
        if value is None:
            return None
        if not isinstance(value, dict):
            self.problem(line, "source must be a table with 'file' and 'sentence'")
            return None
        for key in sorted(set(value) - SOURCE_KEYS):
            self.problem(line, f"unknown key '{key}' in source")
        file, sentence = value.get("file", ""), value.get("sentence", "")
        if not isinstance(file, str) or not isinstance(sentence, str):
            self.problem(line, "source file and sentence must be strings")
            return None
        if file:
            self.material_file(file, line)
        return Source(file=file, sentence=sentence)

    def material_file(self, name: str, line: int) -> None:
        """Report a material file the deck may not read (see :mod:`study.material`)."""
        if name not in self.files:
            try:
                material_path(self.path.parent, name)
                self.files[name] = ""
            except MaterialError as error:
                self.files[name] = f"material file {name!r} {error}"
        if self.files[name]:
            self.problem(line, self.files[name])

    def check_unique(self, entries: Iterable[object]) -> None:
        """Report repeated card ids, whether or not those cards have other problems."""
        seen: dict[str, int] = {}
        for index, entry in enumerate(entries):
            note_id = entry.get("id") if isinstance(entry, dict) else None
            if not isinstance(note_id, str):
                continue
            line = self.at.card(index, "id")
            if note_id in seen:
                self.problem(
                    line, f"duplicate card id '{note_id}' (first used on line {seen[note_id]})"
                )
            else:
                seen[note_id] = line


_UNTRIMMED = re.compile(r"^[\s:]+|[\s:]+$")


def anki_name_problem(name: str) -> str | None:
    """Why Anki would store deck ``name`` under another name, or None. Anki (rslib
    ``decks/name.rs``) trims each ``::`` part of spaces and colons, names an empty part
    "blank", and keeps its own "Default" deck: such a deck would merge or be renamed."""
    parts = name.split("::")
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


def name_line(path: Path) -> int:
    """The line of the ``name`` key of a deck file's ``[deck]`` table (1 if unreadable)."""
    try:
        return _Positions(path.read_text(encoding="utf-8")).deck("name")
    except (OSError, UnicodeDecodeError):
        return 1


def name_clash(name: str, others: Iterable[str]) -> str | None:
    """The first of ``others`` that Anki would merge with deck ``name`` (names that differ
    only in case, in the deck or a parent of it, as Anki compares them), or None."""
    parts = name.split("::")
    for other in others:
        other_parts = other.split("::")
        for depth in range(1, min(len(parts), len(other_parts)) + 1):
            mine, theirs = parts[:depth], other_parts[:depth]
            if mine != theirs and [p.casefold() for p in mine] == [p.casefold() for p in theirs]:
                return other
    return None


def toml_string(value: str) -> str:
    """A TOML basic string for ``value``, escaping every control character."""
    # JSON's escapes are all valid TOML; DEL is the one control JSON leaves alone.
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


def _toml_list(values: Iterable[str]) -> str:
    return "[" + ", ".join(toml_string(v) for v in values) + "]"


def dump_deck(deck: DeckSpec) -> str:
    """The deck file text for ``deck``: deterministic, one key per line, readable."""
    lines = [
        "[deck]",
        f"id = {toml_string(deck.id)}",
        f"version = {deck.version}",
        f"name = {toml_string(deck.name)}",
        f"description = {toml_string(deck.description)}",
        f"material = {_toml_list(deck.material)}",
    ]
    for spec in deck.notes:
        lines += [
            "",
            "[[cards]]",
            f"id = {toml_string(spec.id)}",
            f"type = {toml_string(spec.type)}",
        ]
        if spec.type == "cloze":
            lines.append(f"text = {toml_string(spec.text)}")
        else:
            lines += [f"front = {toml_string(spec.front)}", f"back = {toml_string(spec.back)}"]
        if spec.extra:
            lines.append(f"extra = {toml_string(spec.extra)}")
        lines.append(f"tags = {_toml_list(spec.tags)}")
        lines += _source_lines(spec.source, spec.exclude_sentence, edited=spec.edited)
        if spec.note:
            lines.append(f"note = {toml_string(spec.note)}")
    for gone in deck.removed:
        lines += ["", "[[cards]]", f"id = {toml_string(gone.id)}", "removed = true"]
        lines += _source_lines(gone.source, gone.exclude_sentence)
        if gone.note:
            lines.append(f"note = {toml_string(gone.note)}")
    return "\n".join(lines) + "\n"


def _source_lines(source: Source | None, exclude_sentence: bool, edited: bool = False) -> list[str]:
    lines = []
    if source is not None:
        lines.append(
            f"source = {{ file = {toml_string(source.file)}, "
            f"sentence = {toml_string(source.sentence)} }}"
        )
    if edited:
        lines.append("edited = true")
    if exclude_sentence:
        lines.append("exclude_sentence = true")
    return lines


def write_deck(deck: DeckSpec, path: Path) -> None:
    """Write ``deck`` to ``path`` atomically: a reader never sees half a file."""
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(dump_deck(deck), encoding="utf-8")
    temporary.replace(path)


def bundled_deck_files() -> list[Path]:
    """The decks that ship with the app (inside the installed package), by name."""
    return sorted(Path(str(resources.files("study.bundled"))).glob("*.toml"))


def stale_bundled_decks(files: Iterable[Path], versions: Mapping[str, int]) -> list[Path]:
    """The bundled deck ``files`` missing from ``versions`` (deck id: version imported) or
    newer there. Runs at every start, so it reads only each file's ``[deck]`` header; a
    file is parsed in full only when its head is unusual."""
    stale: list[Path] = []
    for path in files:
        header = deck_header(path)
        if header is None:
            spec = load_deck(path)
            header = spec.id, spec.version
        deck_id, version = header
        if versions.get(deck_id, 0) < version:
            stale.append(path)
    return stale


def mark_note_edited(text: str, path: Path, note_id: str) -> str:
    """Deck file ``text`` with note ``note_id`` marked ``edited = true`` and the deck's
    ``version`` one higher, every other line as the learner wrote it (so ``study
    generate`` keeps the card and an import applies it). Raises DeckError if ``text`` is
    not a valid deck file; ``text`` itself when it has no such note."""
    spec = parse_deck(text, path)
    index = next((i for i, note in enumerate(spec.notes) if note.id == note_id), None)
    if index is None:
        return text
    positions = _Positions(text)
    lines = text.split("\n")
    # (line number, replace that line?, new statement), applied from the bottom up so
    # an inserted line never moves one still to be changed.
    changes: list[tuple[int, bool, str]] = []
    version = f"version = {spec.version + 1}"
    if "version" in positions.deck_keys:
        changes.append((positions.deck_keys["version"], True, version))
    else:
        changes.append((positions.deck_line, False, version))
    if not spec.notes[index].edited:
        if "edited" in positions.card_keys[index]:
            changes.append((positions.card_keys[index]["edited"], True, "edited = true"))
        else:
            changes.append((positions.card_lines[index], False, "edited = true"))
    for number, replace_line, statement in sorted(changes, reverse=True):
        ending = "\r" if lines[number - 1].endswith("\r") else ""
        if replace_line:
            lines[number - 1] = statement + ending
        else:
            lines.insert(number, statement + ending)
    return "\n".join(lines)
