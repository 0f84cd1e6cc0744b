"""The upgrade from schema version 8 to 9: the compact review log (issue 19).

Version 8's ``review`` row named its card by text id, stored the day and the time as
text, the kind as a word, a session id, and the card's whole schedule as JSON for undo
(about 560 bytes a review with its indexes). Version 9 stores small integers only
(:class:`study.storage.models.Review`). The upgrade, in one transaction:

* gives every card a ``key`` (1, 2, ... in the order of the card ids), the review
  log's name for it;
* renames the old table, creates the new one, copies every row with its id (undo
  records keep pointing at what they cancel, card actions at their place among the
  grades), each value converted exactly (a time keeps its milliseconds, as Anki's log);
* keeps the JSON snapshot, in ``review_undo``, of the answers undo can still reach:
  those of each learner's last two study days that no undo record cancels (undo only
  takes back grades of the current study day); older snapshots can never be used
  again, and the session id was never read: those two are dropped;
* drops the old table;
* on SQLite, stores ``note_tag`` and ``card_state`` in their keys' order (``WITHOUT
  ROWID``), instead of a table and an index that repeats its key.

It runs on SQLite and PostgreSQL alike (the rows pass through Python in batches).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from study.storage import models
from study.storage.models import UtcDateTime
from study.storage.tag_migration import v9_note_tag_table

BATCH = 20_000


def v8_review_table(name: str = "review_v8", metadata: sa.MetaData | None = None) -> sa.Table:
    """Version 8's review table, as it was (read through its own column types)."""
    return sa.Table(
        name,
        metadata or sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("learner_id", sa.Integer, sa.ForeignKey("learner.id"), nullable=False),
        sa.Column("card_id", sa.String, sa.ForeignKey("card.id"), nullable=False),
        sa.Column("reviewed_at", UtcDateTime, nullable=False),
        sa.Column("study_day", sa.Date, nullable=False),
        sa.Column("grade", sa.Integer),
        sa.Column("kind", sa.String, nullable=False),
        sa.Column("cancels_id", sa.Integer),
        sa.Column("answer_ms", sa.Integer, nullable=False),
        sa.Column("repetitions_before", sa.Integer, nullable=False),
        sa.Column("ease_before", sa.Integer, nullable=False),
        sa.Column("interval_before", sa.Integer, nullable=False),
        sa.Column("due_before", sa.Date),
        sa.Column("repetitions_after", sa.Integer, nullable=False),
        sa.Column("ease_after", sa.Integer, nullable=False),
        sa.Column("interval_after", sa.Integer, nullable=False),
        sa.Column("due_after", sa.Date),
        sa.Column("state_before", sa.String, nullable=False),
        sa.Column("session_id", sa.String, nullable=False),
    )


_OLD = v8_review_table()
_COPIED = [
    column.name
    for column in _OLD.columns
    if column.name not in ("card_id", "state_before", "session_id")
]
# Version 8's indexes of the log (their names are taken by version 9's).
_DROP_OLD_INDEXES = (
    "DROP INDEX IF EXISTS ix_review_stats",
    "DROP INDEX IF EXISTS ix_review_card",
    "DROP INDEX IF EXISTS ix_review_cancels",
)


def number_cards(connection: Connection) -> None:
    """Give every card its key: 1, 2, ... in the order of the card ids."""
    connection.exec_driver_sql("ALTER TABLE card ADD COLUMN key INTEGER NOT NULL DEFAULT 0")
    card = models.Card.__table__  # type: ignore[attr-defined]
    ids = [row[0] for row in connection.execute(sa.select(card.c.id).order_by(card.c.id))]
    update = card.update().where(card.c.id == sa.bindparam("card")).values(key=sa.bindparam("k"))
    for start in range(0, len(ids), BATCH):
        rows = [{"card": i, "k": start + n + 1} for n, i in enumerate(ids[start : start + BATCH])]
        connection.execute(update, rows)
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("ALTER TABLE card ALTER COLUMN key DROP DEFAULT")
    connection.exec_driver_sql("CREATE UNIQUE INDEX ix_card_key ON card (key)")


def migrate_8_to_9(connection: Connection) -> None:
    """Convert the review log to the compact row, keeping every review and undo."""
    number_cards(connection)
    for statement in _DROP_OLD_INDEXES:
        connection.exec_driver_sql(statement)
    connection.exec_driver_sql("ALTER TABLE review RENAME TO review_v8")
    if connection.dialect.name == "postgresql":  # the new table's key takes this name
        connection.exec_driver_sql("ALTER INDEX review_pkey RENAME TO review_v8_pkey")
    review = models.Review.__table__  # type: ignore[attr-defined]
    undo = models.ReviewUndo.__table__  # type: ignore[attr-defined]
    review.create(connection)
    undo.create(connection)
    card = models.Card.__table__  # type: ignore[attr-defined]
    keys: dict[str, int] = dict(connection.execute(sa.select(card.c.id, card.c.key)).all())
    kept_from = _undo_reachable_from(connection)
    last_id = 0
    while True:
        rows = connection.execute(
            sa.select(_OLD).where(_OLD.c.id > last_id).order_by(_OLD.c.id).limit(BATCH)
        ).all()
        if not rows:
            break
        last_id = rows[-1].id
        connection.execute(
            review.insert(),
            [
                {**{name: getattr(row, name) for name in _COPIED}, "card_key": keys[row.card_id]}
                for row in rows
            ],
        )
        snapshots = [
            {"review_id": row.id, "state_before": row.state_before}
            for row in rows
            if row.state_before
            and row.kind != "undo"
            and row.study_day >= kept_from.get(row.learner_id, row.study_day)
        ]
        if snapshots:
            connection.execute(undo.insert(), snapshots)
    # Snapshots of cancelled answers are no use: undo never reaches them again.
    connection.execute(
        undo.delete().where(
            undo.c.review_id.in_(
                sa.select(review.c.cancels_id).where(review.c.cancels_id.is_not(None))
            )
        )
    )
    connection.exec_driver_sql("DROP TABLE review_v8")
    if connection.dialect.name == "sqlite":
        _rebuild_without_rowid(connection)
    if connection.dialect.name == "postgresql":  # the ids go on after the copied ones
        connection.exec_driver_sql(
            "SELECT setval(pg_get_serial_sequence('review', 'id'), "
            "coalesce((SELECT max(id) FROM review), 0) + 1, false)"
        )


def _undo_reachable_from(connection: Connection) -> dict[int, Any]:
    """Per learner, the first study day whose answers undo may still take back: the day
    before their last one (a clock or time zone changed since may make either today)."""
    last = connection.execute(
        sa.select(_OLD.c.learner_id, sa.func.max(_OLD.c.study_day)).group_by(_OLD.c.learner_id)
    ).all()
    return {learner: day - timedelta(days=1) for learner, day in last if day is not None}


def _rebuild_without_rowid(connection: Connection) -> None:
    """Copy ``note_tag`` and ``card_state`` into tables clustered on their keys."""
    connection.exec_driver_sql("DROP INDEX IF EXISTS ix_note_tag_tag")
    connection.exec_driver_sql("DROP INDEX IF EXISTS ix_card_state_due")
    connection.exec_driver_sql("DROP INDEX IF EXISTS ix_card_state_drill")
    connection.exec_driver_sql("ALTER TABLE note_tag RENAME TO note_tag_v8")
    connection.exec_driver_sql("ALTER TABLE card_state RENAME TO card_state_v8")
    tables: tuple[tuple[sa.Table, str], ...] = (
        (v9_note_tag_table(), "note_tag_v8"),  # as version 9 had it
        (models.CardState.__table__, "card_state_v8"),  # type: ignore[attr-defined]
    )
    for table, old_name in tables:
        table.create(connection)
        old = sa.Table(old_name, sa.MetaData(), autoload_with=connection)
        names = [column.name for column in table.columns]
        connection.execute(
            table.insert().from_select(names, sa.select(*(old.c[name] for name in names)))
        )
        old.drop(connection)
