"""The upgrade from schema version 9 to 10: a note's tags stored once (issue 18).

Version 9 stored a note's tags twice: as text in ``note.tags`` (read for the card's
content, the export and the session's tag filter) and as ``note_tag`` rows (read by the
statistics and the home screen), matched by two different rules. Version 10 keeps the
rows only, each with its key (study.domain.tags: the tag case-folded), and drops the
column. The upgrade, in one transaction, on SQLite and PostgreSQL alike:

* reads every note's tags from both places: the column's in their order, then any
  row the column lacked (nothing either place held is lost), each key once (a second
  spelling of a key on the same note is the same tag: the first is kept);
* replaces ``note_tag`` by the version 10 table (keyed on the note and the tag's key,
  clustered on it on SQLite, with an index on the key, and each tag's place in the
  note's order) and fills it;
* drops ``note.tags``.
"""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from study.storage import models
from study.storage.chunks import chunks
from study.storage.tags import tag_rows

BATCH = 20_000


def v9_note_tag_table(metadata: sa.MetaData | None = None) -> sa.Table:
    """Version 9's ``note_tag`` (as versions 8 and 9 created it), beside the ``note``
    table its key refers to."""
    metadata = metadata or sa.MetaData()
    if "note" not in metadata.tables:
        sa.Table("note", metadata, sa.Column("id", sa.String, primary_key=True))
    return sa.Table(
        "note_tag",
        metadata,
        sa.Column("note_id", sa.String, sa.ForeignKey("note.id"), primary_key=True),
        sa.Column("tag", sa.String, primary_key=True),
        sa.Index("ix_note_tag_tag", "tag"),
        sqlite_with_rowid=False,
    )


def migrate_9_to_10(connection: Connection) -> None:
    """Move every note's tags into version 10's ``note_tag`` and drop ``note.tags``."""
    written: dict[str, list[str]] = defaultdict(list)
    for note_id, tags in connection.exec_driver_sql("SELECT id, tags FROM note"):
        written[note_id] += (tags or "").split()
    for note_id, tag in connection.exec_driver_sql(
        "SELECT note_id, tag FROM note_tag ORDER BY note_id, tag"
    ):
        written[note_id].append(tag)
    connection.exec_driver_sql("DROP INDEX IF EXISTS ix_note_tag_tag")
    connection.exec_driver_sql("DROP TABLE note_tag")
    table: sa.Table = models.NoteTag.__table__  # type: ignore[attr-defined]
    table.create(connection)
    rows = [row for note_id, tags in written.items() for row in tag_rows(note_id, tags)]
    for chunk in chunks(rows, BATCH):
        connection.execute(table.insert(), list(chunk))
    connection.exec_driver_sql("ALTER TABLE note DROP COLUMN tags")
