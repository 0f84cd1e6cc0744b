"""How the statistics read the database (SQLite's query plans), pinned so a change of
query or index cannot quietly bring back a read of every log row.

At 1,000,000 reviews a read of the whole log costs seconds: every access to ``review``
must be through an index, the learner's days (``ix_review_day``), the undo records
(``ix_review_cancels``) or one row by id (the few cancelled grades). The compact log
(schema version 9) has no covering index: its rows are about as small as an index
entry would be.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event

from study.storage.database import Database
from tests.conftest import DeckFactory, basic
from tests.stats.stats_helpers import TODAY, History

pytestmark = pytest.mark.sqlite_only  # SQLite's EXPLAIN QUERY PLAN


@pytest.fixture
def h(database: Database, learner_id: int, decks: DeckFactory) -> History:
    history = History(database, learner_id, decks)
    history.load("a", notes=[basic("a-1", tags=("hip",)), basic("a-2")])
    history.schedule("a-1", repetitions=3, interval=30)
    history.undo(history.grade("a-1", 4))
    history.grade("a-2", 2, kind="new", repetitions_before=0)
    return history


@contextmanager
def statements(database: Database) -> Iterator[list[tuple[str, Any]]]:
    """Every SELECT run on the database inside the block, with its parameters."""
    seen: list[tuple[str, Any]] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            seen.append((statement, parameters))

    event.listen(database.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(database.engine, "before_cursor_execute", record)


def review_accesses(database: Database, seen: list[tuple[str, Any]]) -> list[str]:
    """The plan steps of the recorded statements that read the ``review`` table."""
    steps = []
    with database.engine.connect() as connection:
        for statement, parameters in seen:
            plan = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
            steps += [row[3] for row in plan if " review" in f" {row[3]}" or " undo" in row[3]]
    return steps


@pytest.mark.parametrize(
    "scope", [{}, {"deck_ids": ["a"]}, {"tag": "hip"}], ids=["everything", "deck", "tag"]
)
def test_statistics_read_the_review_log_only_through_its_indexes(
    h: History, scope: dict[str, Any]
) -> None:
    with statements(h.database) as seen:
        h.stats(**scope)

    steps = review_accesses(h.database, seen)

    assert steps, "the statistics read the review log"
    for step in steps:
        assert (
            "USING INDEX ix_review_day" in step
            or "USING COVERING INDEX ix_review_day" in step
            or "USING COVERING INDEX ix_review_cancels" in step
            # The cancelled grades: found from the undo records, then one row each.
            or "USING INDEX ix_review_cancels" in step
            or "USING INTEGER PRIMARY KEY" in step
        ), step


def test_cancelled_grades_are_found_from_the_undo_records_not_by_walking_the_log(
    h: History,
) -> None:
    with statements(h.database) as seen:
        h.stats()

    steps = review_accesses(h.database, seen)

    assert any("ix_review_cancels (cancels_id>?)" in step for step in steps), steps
    # Every other read of the log is a range of study days or the whole learner's log,
    # never the log through the learner's index row by row for the undo records.
    assert not any(step.startswith("SCAN review") for step in steps), steps
    assert h.stats(today=TODAY).reviews_total == 1


def test_the_answers_of_each_day_by_kind_are_counted_from_the_day_index_alone(
    h: History,
) -> None:
    with statements(h.database) as seen:
        h.stats()

    steps = review_accesses(h.database, seen)

    # The whole history's days (streaks, study days, totals by kind): no log row read.
    assert any("USING COVERING INDEX ix_review_day" in step for step in steps), steps
