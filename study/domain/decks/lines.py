"""Where each table and key of a deck file's TOML text begins: ``tomllib`` keeps no
positions, so the line numbers of content errors (and of the lines an edit changes) come
from this light scan of the raw text."""

from __future__ import annotations

import re
from pathlib import Path


class Positions:
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
    def of_cards(cls, text: str, cards: int) -> Positions | None:
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


def name_line(path: Path, key: str = "name") -> int:
    """The line of the ``name`` key (or ``key``) of a deck file's ``[deck]`` table
    (1 if unreadable)."""
    try:
        return Positions(path.read_text(encoding="utf-8")).deck(key)
    except (OSError, UnicodeDecodeError):
        return 1
