"""Reading a deck file: TOML parsed by ``tomllib``, then validated into a DeckSpec with
every problem reported at once as ``path:line: message`` (see the package docstring)."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from study.domain import cloze
from study.domain.decks import (
    DeckError,
    DeckSpec,
    NoteSpec,
    RemovedCard,
    Source,
    anki_name_problem,
)
from study.domain.decks.lines import Positions
from study.domain.material import MaterialError, material_path

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
    quick = Positions.of_cards(text, len(cards) if isinstance(cards, list) else -1)
    try:
        return _Validator(path, quick or Positions(text)).deck(data)
    except DeckError:
        if quick is None:
            raise
        # Problems are rare: only then scan every line, to say where each one is
        # (validation is deterministic: the second pass finds the same problems).
        return _Validator(path, Positions(text)).deck(data)


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


class _Validator:
    """Turns parsed TOML into a DeckSpec, collecting every problem with its line."""

    def __init__(self, path: Path, positions: Positions) -> None:
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
        """Report a material file the deck may not read (see :mod:`study.domain.material`)."""
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
