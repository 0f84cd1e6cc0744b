"""Writing deck files: a DeckSpec dumped as deterministic TOML, every deck file written
atomically, and the one in-place edit the app makes to a learner's file (marking a note
edited)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from study.domain.decks import DeckSpec, Source
from study.domain.decks.lines import Positions
from study.domain.decks.reading import parse_deck


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
    write_deck_text(path, dump_deck(deck))


def write_deck_text(path: Path, text: str) -> None:
    """Write deck file ``text`` to ``path`` atomically (a temporary file beside it, then a
    rename), so that a reader never sees half a file. The text is written as it is, in
    UTF-8, its line endings untouched: a learner's own file keeps its ``\r\n``."""
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_bytes(text.encode("utf-8"))
    temporary.replace(path)


def mark_note_edited(text: str, path: Path, note_id: str) -> str:
    """Deck file ``text`` with note ``note_id`` marked ``edited = true`` and the deck's
    ``version`` one higher, every other line as the learner wrote it (so ``study
    generate`` keeps the card and an import applies it). Raises DeckError if ``text`` is
    not a valid deck file; ``text`` itself when it has no such note."""
    spec = parse_deck(text, path)
    index = next((i for i, note in enumerate(spec.notes) if note.id == note_id), None)
    if index is None:
        return text
    positions = Positions(text)
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
