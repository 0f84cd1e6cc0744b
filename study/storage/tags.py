"""Tags in the database through SQLAlchemy: the ``note_tag`` rows written and read, and
the tag match as a Core condition (study.domain.tags.KEY_MATCH, the same text the
plain-SQL statements use)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

from study.domain.tags import KEY_MATCH, distinct_tags, match_params, tag_key
from study.storage.chunks import chunks
from study.storage.models import NoteTag

TAG: sa.Table = NoteTag.__table__  # type: ignore[attr-defined]


def note_has_tag(note_id: Any, tag: str) -> sa.ColumnElement[bool]:
    """SQLAlchemy Core: the note whose id is the column ``note_id`` has ``tag`` (an
    index lookup on ``note_tag``)."""
    keys = sa.select(TAG.c.note_id).where(sa.text(KEY_MATCH).bindparams(**match_params(tag)))
    matched: sa.ColumnElement[bool] = note_id.in_(keys)
    return matched


def tag_rows(note_id: str, tags: Iterable[str]) -> list[dict[str, Any]]:
    """The ``note_tag`` rows of a note with ``tags`` (each key once, in order)."""
    return [
        {"note_id": note_id, "tag_key": tag_key(tag), "tag": tag, "position": position}
        for position, tag in enumerate(distinct_tags(tags))
    ]


def tags_by_note(connection: Any, note_ids: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """The tags of each of ``note_ids`` as written, in their order (a note without
    tags is left out); ``connection`` is a Connection or a Session."""
    found: dict[str, list[str]] = defaultdict(list)
    for chunk in chunks(list(note_ids), 10_000):  # within any database's parameter limit
        query = (
            sa.select(TAG.c.note_id, TAG.c.tag)
            .where(TAG.c.note_id.in_(chunk))
            .order_by(TAG.c.note_id, TAG.c.position)
        )
        for note_id, tag in connection.execute(query):
            found[note_id].append(tag)
    return {note_id: tuple(tags) for note_id, tags in found.items()}


def tag_list(note_id: Any) -> sa.ScalarSelect[Any]:
    """The tags of the note whose id is the column ``note_id``, as written, space
    separated, in no set order (NULL: none): one lookup on ``note_tag``'s key per row."""
    return (
        sa.select(sa.func.aggregate_strings(TAG.c.tag, " "))
        .where(TAG.c.note_id == note_id)
        .scalar_subquery()
    )


def split_tag_list(text: str | None) -> list[str]:
    """The tags of a :func:`tag_list` text, as written (None: none)."""
    return (text or "").split()
