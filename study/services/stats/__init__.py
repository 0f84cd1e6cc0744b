"""Progress statistics: every figure computed with SQL aggregates in the database.

A service of the core (no textual). The database does the counting, in a few GROUP BYs
that each read their rows once: the review log per study day, and the window per deck
and tag and per hour, through the learner's day index ``ix_review_day``; the cards by
(deck, tags, state); the schedules by (E-Factor, interval, due day). Python only
combines the aggregated rows (a few per study day, deck or set of tags), never one row
per review or per card. The queries are worded so that SQLite has one sensible plan
with or without ``ANALYZE`` statistics (tests/stats pins the plans).

Definitions (the README's ``study stats --json`` section documents the same):

- A *review* is a grade given to a card: ``new``, ``review`` (scheduled), ``drill``
  (same-day repetition) or ``cram``. A grade cancelled by undo never counts, nor do the
  undo records themselves.
- A *study day* is a day with at least one review. Study days are stored per review
  (the learner's zone and day boundary applied when the grade was written), so a grade
  at 02:00 counts for the evening before.
- Cards (not retired) are partitioned by :func:`study.domain.cards.state_name`: new (never
  graded), learning (failed at its last scheduled review, or waiting in today's drill),
  young (interval < 21 days), mature (>= 21 days). Suspended and leech are counted
  across the four.
- *True retention* is the share of scheduled reviews of cards in review state (at least
  one successful repetition before the review) that were graded 3 or more; young or
  mature by the interval the card had when it was reviewed.

The package: :mod:`.figures` (what is computed), :mod:`.computing` (the rows of
study.storage.stats_queries added up), :mod:`.as_json` (``study stats --json``) and
:mod:`.log` (``study log``). The queries, the learner's scope and the card state in SQL
are in study.storage (``stats_queries``, ``stats_scope``).
"""

from study.services.stats.as_json import counts_json, stats_json
from study.services.stats.computing import compute_stats
from study.services.stats.figures import (
    Bucket,
    DayFigures,
    ForecastDay,
    GroupFigures,
    HardCard,
    HourFigures,
    PeriodRetention,
    Retention,
    StateCounts,
    Stats,
    state_counts,
)
from study.services.stats.log import LogEntry, review_log

__all__ = [
    "Bucket",
    "DayFigures",
    "ForecastDay",
    "GroupFigures",
    "HardCard",
    "HourFigures",
    "LogEntry",
    "PeriodRetention",
    "Retention",
    "StateCounts",
    "Stats",
    "compute_stats",
    "counts_json",
    "review_log",
    "state_counts",
    "stats_json",
]
