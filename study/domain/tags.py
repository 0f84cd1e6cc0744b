"""Tags: what a tag is, and when a tag filter matches it (the rule, written once).

A note's tags keep the spelling the learner wrote (``Cardio``, ``ECG::Axis``): that is
what the screens, the deck files and the Anki export show. Matching ignores it, as
Anki's ``tag:`` search does:

* a filter matches a tag whose **key** is the filter's key, the key being the tag
  case-folded with :meth:`str.casefold` (Unicode's caseless matching: ``Cardio`` and
  ``CARDIO``, ``Straße`` and ``STRASSE`` are one tag). The key is computed here, in
  Python, and stored beside the tag, so SQLite and PostgreSQL match alike: neither
  database's own ``lower()`` or ``LIKE`` case rules (ASCII-only on SQLite, none on
  PostgreSQL) take part;
* a filter also matches the tag's children: ``cardio`` matches ``Cardio::ECG``;
* every character is literal: ``_`` and ``%`` are parts of a tag, not wildcards.

A note holds each key once: ``Cardio`` and ``cardio`` on one note are one tag (the
first spelling is kept). Tags are stored only as rows of ``note_tag`` (the tag as
written, and its key). :data:`KEY_MATCH` is the rule in SQL, portable and free of
SQLAlchemy (the first screen reads with sqlite3): plain statements use
:func:`note_has_tag_sql`, SQLAlchemy Core :func:`study.storage.tags.note_has_tag`, both
this same text with :func:`match_params`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

# Anki's separator of a parent tag from its child tag.
CHILD_SEPARATOR = "::"


def tag_key(tag: str) -> str:
    """The key a tag is matched by: the tag case-folded."""
    return tag.casefold()


def child_prefix(tag: str) -> str:
    """The start of the keys of ``tag``'s children (``cardio::`` for ``Cardio``)."""
    return tag_key(tag) + CHILD_SEPARATOR


def matches(tag: str, wanted: str) -> bool:
    """Whether the tag filter ``wanted`` matches a note's ``tag`` (the rule in Python;
    :mod:`study.storage.tags` is the same rule in SQL)."""
    key = tag_key(tag)
    return key == tag_key(wanted) or key.startswith(child_prefix(wanted))


def distinct_tags(tags: Iterable[str]) -> tuple[str, ...]:
    """``tags`` without empty ones and without a second spelling of one key, in order."""
    seen: set[str] = set()
    kept: list[str] = []
    for tag in tags:
        key = tag_key(tag)
        if tag and key not in seen:
            seen.add(key)
            kept.append(tag)
    return tuple(kept)


# The rule in SQL, over note_tag's stored keys (bind match_params): the key itself, or
# a child's key, its LIKE pattern escaped so that every character is literal.
KEY_MATCH = "(note_tag.tag_key = :tag_key OR note_tag.tag_key LIKE :tag_children ESCAPE '\\')"


def match_params(tag: str) -> dict[str, str]:
    """The parameters of :data:`KEY_MATCH` for the filter ``tag``."""
    escaped = child_prefix(tag).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return {"tag_key": tag_key(tag), "tag_children": escaped + "%"}


def note_has_tag_sql(note_id: str) -> str:
    """The note whose id is the column ``note_id`` has the filter's tag (plain SQL; bind
    :func:`match_params`): an index lookup on ``note_tag``."""
    return f"{note_id} IN (SELECT note_tag.note_id FROM note_tag WHERE {KEY_MATCH})"


def with_tags(rows: Iterable[Any]) -> dict[Any, tuple[tuple[Any, ...], tuple[str, ...]]]:
    """Rows of a statement that left-joins ``note_tag`` and ends with ``note_tag.tag``
    (one row per tag, in the tags' order), folded by their first column: the row
    without the tag, and the tags."""
    folded: dict[Any, tuple[tuple[Any, ...], list[str]]] = {}
    for *row, tag in rows:
        kept = folded.setdefault(row[0], (tuple(row), []))
        if tag is not None:
            kept[1].append(tag)
    return {key: (row, tuple(tags)) for key, (row, tags) in folded.items()}
