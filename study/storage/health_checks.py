"""The doctor's checks and the repair's fixes as SQL, on a study database opened as a
plain SQLite file (:mod:`study.storage.sqlite_files`): rows pointing at nothing, stale
marks, schedules that disagree with the log. All the SQL is constant."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from study.domain.review_log import ReviewKind, not_cancelled_sql

# The tables a study database has, in the order the doctor reports them.
COUNTED = ("decks", "notes", "cards", "learners", "reviews", "cancelled")

# Rows that point at a row that is gone: (what, table, condition). All constant SQL.
_ORPHANS: dict[str, tuple[str, str]] = {
    "card_state without its card": (
        "card_state",
        "card_id NOT IN (SELECT id FROM card)",
    ),
    "card_state without its learner": (
        "card_state",
        "learner_id NOT IN (SELECT id FROM learner)",
    ),
    "note_tag without its note": ("note_tag", "note_id NOT IN (SELECT id FROM note)"),
    "material without its deck": ("material", "deck_id NOT IN (SELECT id FROM deck)"),
    "note without its deck": ("note", "deck_id NOT IN (SELECT id FROM deck)"),
    "card without its note": ("card", "note_id NOT IN (SELECT id FROM note)"),
    "review without its card": ("review", "card_key NOT IN (SELECT key FROM card)"),
    "review without its learner": ("review", "learner_id NOT IN (SELECT id FROM learner)"),
    "undo of a missing review": (
        "review",
        "cancels_id IS NOT NULL AND cancels_id NOT IN (SELECT id FROM review)",
    ),
    "undo record of a missing review": (
        "review_undo",
        "review_id NOT IN (SELECT id FROM review)",
    ),
}
_NEW, _REVIEW, _UNDO = ReviewKind.NEW.code, ReviewKind.REVIEW.code, ReviewKind.UNDO.code
# The orphans repair deletes: nothing else refers to them and they mean nothing alone.
SAFE_TO_DELETE = (
    "card_state without its card",
    "card_state without its learner",
    "note_tag without its note",
    "material without its deck",
)
_COUNT_SQL = {
    "decks": "SELECT count(*) FROM deck",
    "notes": "SELECT count(*) FROM note",
    "cards": "SELECT count(*) FROM card",
    "learners": "SELECT count(*) FROM learner",
    "reviews": f"SELECT count(*) FROM review WHERE kind != {_UNDO}",
    "cancelled": f"SELECT count(*) FROM review WHERE kind = {_UNDO}",
}
# Left-over marks with no effect any more (the session ignores them), cleared by repair.
_STALE = {
    "drill marks of past days": ("drill_day", "drill_day IS NOT NULL AND drill_day < ?"),
    "burials that have ended": ("buried_until", "buried_until IS NOT NULL AND buried_until <= ?"),
}
# A card whose schedule disagrees with the last review in its log that was not undone.
# (The log's due dates are day numbers: date(n * 86400, 'unixepoch') is their ISO text.)
_MISMATCH_SQL = f"""
SELECT count(*) FROM card_state AS s
JOIN card AS c ON c.id = s.card_id
JOIN review AS r ON r.id = (
    SELECT max(l.id) FROM review AS l
    WHERE l.learner_id = s.learner_id AND l.card_key = c.key
      AND l.kind IN ({_NEW}, {_REVIEW})
      AND {not_cancelled_sql("l")}
)
WHERE s.repetitions != r.repetitions_after OR s.ease_hundredths != r.ease_after
   OR s.interval != r.interval_after
   OR s.due_day IS NOT date(r.due_after * 86400, 'unixepoch')
"""


def foreign_key_problems(connection: sqlite3.Connection) -> int:
    """Rows SQLite's own foreign key check reports."""
    return len(connection.execute("PRAGMA foreign_key_check").fetchall())


def row_counts(connection: sqlite3.Connection) -> dict[str, int]:
    """The rows of each table of :data:`COUNTED`."""
    return {name: int(connection.execute(_COUNT_SQL[name]).fetchone()[0]) for name in COUNTED}


def orphan_counts(connection: sqlite3.Connection) -> dict[str, int]:
    """Rows that point at a row that is gone, by what they are."""
    counts = {}
    for what, (table, condition) in _ORPHANS.items():
        query = f"SELECT count(*) FROM {table} WHERE {condition}"  # constants only
        counts[what] = int(connection.execute(query).fetchone()[0])
    return counts


def stale_counts(connection: sqlite3.Connection, today: date) -> dict[str, int]:
    """Left-over marks with no effect any more, by what they are."""
    counts = {}
    for what, (_column, condition) in _STALE.items():
        query = f"SELECT count(*) FROM card_state WHERE {condition}"  # constants only
        counts[what] = int(connection.execute(query, (today.isoformat(),)).fetchone()[0])
    return counts


def schedule_mismatches(connection: sqlite3.Connection) -> int:
    """Cards whose schedule disagrees with the last review of their log not undone."""
    return int(connection.execute(_MISMATCH_SQL).fetchone()[0])


def repair_in_place(connection: sqlite3.Connection, today: date) -> dict[str, int]:
    """In one transaction, delete the orphans of :data:`SAFE_TO_DELETE`, clear the stale
    marks and rebuild every index; then compact the file (VACUUM). The rows fixed, by
    what they were; the review log is never touched."""
    connection.execute("PRAGMA foreign_keys=ON")
    with _transaction(connection):
        fixed: dict[str, int] = {}
        for what in SAFE_TO_DELETE:
            table, condition = _ORPHANS[what]
            fixed[what] = connection.execute(f"DELETE FROM {table} WHERE {condition}").rowcount
        for what, (column, condition) in _STALE.items():
            cursor = connection.execute(
                f"UPDATE card_state SET {column} = NULL WHERE {condition}", (today.isoformat(),)
            )
            fixed[what] = cursor.rowcount
        connection.execute("REINDEX")
    connection.execute("VACUUM")
    return fixed


@contextmanager
def _transaction(connection: sqlite3.Connection) -> Iterator[None]:
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")
