"""Each index of the compact review log (schema version 9) and the query that needs it,
pinned with SQLite's query plans: an index nothing needs is bytes on every review."""

from __future__ import annotations

from datetime import date

import pytest

from study.storage.database import Database
from study.storage.models import Review, ReviewUndo
from study.storage.store import _DONE_TODAY

pytestmark = pytest.mark.sqlite_only  # SQLite's EXPLAIN QUERY PLAN


def _plan(database: Database, sql: str, parameters: tuple[object, ...]) -> str:
    with database.engine.connect() as connection:
        rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, parameters).all()
    return " | ".join(row[3] for row in rows)


def test_the_review_log_has_only_the_indexes_a_query_needs(database: Database) -> None:
    indexes = {index.name for index in Review.__table__.indexes}  # type: ignore[attr-defined]
    assert indexes == {"ix_review_day", "ix_review_card", "ix_review_cancels"}
    assert not ReviewUndo.__table__.indexes  # type: ignore[attr-defined]  # read by its key


def test_todays_counts_for_the_daily_limits_read_the_learners_day(database: Database) -> None:
    sql = _DONE_TODAY.replace(":learner_id", "?").replace(":day", "?")
    sql = sql.replace(":kinds", "(?, ?)")
    plan = _plan(database, sql, (1, 20_000, 0, 1))
    assert "ix_review_day (learner_id=? AND study_day=? AND kind=?)" in plan
    assert "SCAN review" not in plan
    # ... and each answer's card by its key: the log names cards by ix_card_key's column.
    assert "SEARCH card USING INDEX ix_card_key (key=?)" in plan


def test_a_cards_history_reads_the_cards_reviews(database: Database) -> None:
    plan = _plan(
        database,
        "SELECT id FROM review WHERE card_key = ? AND learner_id = ? ORDER BY id",
        (1, 1),
    )
    assert "ix_review_card (card_key=?)" in plan and "SCAN review" not in plan


def test_an_undo_finds_what_it_cancelled_from_the_few_undo_records(database: Database) -> None:
    plan = _plan(
        database,
        "SELECT 1 FROM review AS r WHERE r.study_day = ? AND r.learner_id = ? AND NOT EXISTS "
        "(SELECT 1 FROM review AS u WHERE u.cancels_id = r.id)",
        (date(2026, 1, 1).toordinal(), 1),
    )
    assert "ix_review_cancels (cancels_id=?)" in plan
