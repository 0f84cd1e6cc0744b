"""Progress statistics: every figure computed with SQL aggregates in the database.

A service of the core (no textual). The database does the counting, in a few GROUP BYs
that each read their rows once: the review log per study day, and the window per deck
and tag and per hour, all from the ``ix_review_stats`` covering index (never from the
log's rows); the cards by (deck, tags, state); the schedules by (E-Factor, interval,
due day). Python only combines the aggregated rows (a few per study day, deck or set of
tags), never one row per review or per card. The queries are worded so that SQLite has
one sensible plan with or without ``ANALYZE`` statistics (tests/stats pins the plans).

Definitions (the README's ``study stats --json`` section documents the same):

- A *review* is a grade given to a card: ``new``, ``review`` (scheduled), ``drill``
  (same-day repetition) or ``cram``. A grade cancelled by undo never counts, nor do the
  undo records themselves.
- A *study day* is a day with at least one review. Study days are stored per review
  (the learner's zone and day boundary applied when the grade was written), so a grade
  at 02:00 counts for the evening before.
- Cards (not retired) are partitioned by :func:`study.cards.state_name`: new (never
  graded), learning (failed at its last scheduled review, or waiting in today's drill),
  young (interval < 21 days), mature (>= 21 days). Suspended and leech are counted
  across the four.
- *True retention* is the share of scheduled reviews of cards in review state (at least
  one successful repetition before the review) that were graded 3 or more; young or
  mature by the interval the card had when it was reviewed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, SQLModel

from study.cards import MATURE_INTERVAL, CardStateName, question_and_answer, state_tests
from study.clock import as_date
from study.config import Settings
from study.review_log import ReviewKind, time_of
from study.sm2 import PASSING_GRADE
from study.storage.database import Database
from study.storage.models import Card, CardState, Deck, Note, NoteTag, Review
from study.streak import streaks

FORECAST_DAYS = 30
CALENDAR_DAYS = 365
HARDEST_LIMIT = 10
KINDS = ("new", "review", "drill", "cram")
# Retention periods: name and number of study days, today included.
PERIODS = (("day", 1), ("week", 7), ("month", 30), ("year", 365))
# Days (today included) whose grades are read in detail besides the history window.
DETAIL_DAYS = max(CALENDAR_DAYS, *(length for _, length in PERIODS))
# Interval histogram buckets in days: (from, to); None: and above.
INTERVAL_BUCKETS: tuple[tuple[int, int | None], ...] = (
    (1, 1),
    (2, 2),
    (3, 6),
    (7, 13),
    (14, 20),
    (21, 29),
    (30, 59),
    (60, 119),
    (120, 239),
    (240, 364),
    (365, None),
)


def _table(model: type[SQLModel]) -> sa.Table:
    """The Core table of a model, for aggregate queries written in SQLAlchemy Core."""
    return SQLModel.metadata.tables[str(model.__tablename__)]


def _unindexed(column: sa.ColumnElement[int]) -> sa.ColumnElement[int]:
    """The same value, but no index can serve a test on it (``column + 0``).

    For a learner test that (nearly) every row passes: one database rarely holds more
    than a few learners, so reading a whole table through its (learner, ...) index costs
    a random lookup per row where a plain scan reads it in order. SQLite would otherwise
    always pick the index for an equality on its first column.
    """
    return column + 0


_REVIEW = _table(Review)
_STATE = _table(CardState)
_CARD = _table(Card)
_NOTE = _table(Note)
_TAG = _table(NoteTag)
_DECK = _table(Deck)


# ---------------------------------------------------------------- the figures


@dataclass(frozen=True)
class StateCounts:
    """Cards by state; ``new + learning + young + mature == total``."""

    total: int = 0
    new: int = 0
    learning: int = 0
    young: int = 0
    mature: int = 0
    suspended: int = 0
    leech: int = 0


@dataclass(frozen=True)
class Retention:
    """Reviews of cards in review state, and how many of them were graded 3 or more."""

    reviews: int = 0
    passed: int = 0

    @property
    def percent(self) -> float | None:
        """The share passed, in percent; None without reviews (not 0: nothing was measured)."""
        return 100.0 * self.passed / self.reviews if self.reviews else None

    def __add__(self, other: Retention) -> Retention:
        return Retention(self.reviews + other.reviews, self.passed + other.passed)


@dataclass(frozen=True)
class PeriodRetention:
    """True retention over the last ``days`` study days (today included)."""

    period: str
    days: int
    young: Retention
    mature: Retention

    @property
    def all(self) -> Retention:
        return self.young + self.mature


@dataclass(frozen=True)
class DayFigures:
    """One study day: reviews, time spent, reviews graded 3 or more, new cards seen."""

    day: date
    reviews: int = 0
    time_ms: int = 0
    correct: int = 0
    new_cards: int = 0

    @property
    def correct_percent(self) -> float | None:
        return 100.0 * self.correct / self.reviews if self.reviews else None


@dataclass(frozen=True)
class ForecastDay:
    """Cards due on one day (today's figure includes the overdue ones)."""

    day: date
    due: int


@dataclass(frozen=True)
class Bucket:
    """A histogram bar: cards whose value lies in [low, high]; high None means no limit."""

    low: float
    high: float | None
    cards: int


@dataclass(frozen=True)
class HourFigures:
    """Reviews given in one hour of the day (learner's zone), over the history window."""

    hour: int
    reviews: int
    correct: int


@dataclass(frozen=True)
class GroupFigures:
    """A deck or a tag: its cards by state, due today, and its reviews in the window."""

    key: str  # deck id or tag
    name: str  # deck name or tag
    cards: StateCounts
    due: int
    reviews: int
    retention: Retention


@dataclass(frozen=True)
class HardCard:
    """One of the hardest cards (plain text; print it through study.cards.printable)."""

    card_id: str
    deck_id: str
    question: str
    ease_hundredths: int
    interval: int
    reviews: int
    lapses: int
    suspended: bool
    leech: bool


@dataclass(frozen=True)
class Stats:
    """Everything `study stats` and the Stats screen show, for one learner and scope."""

    today: date
    days: int
    deck_ids: tuple[str, ...] | None
    tag: str | None
    cards: StateCounts
    reviews_total: int
    reviews_by_kind: dict[str, int]
    today_figures: DayFigures
    streak_current: int
    streak_longest: int
    study_days: int
    history: tuple[DayFigures, ...]  # the window: ``days`` days ending today, oldest first
    calendar: tuple[DayFigures, ...]  # the last 365 days with reviews, oldest first
    forecast: tuple[ForecastDay, ...]
    retention: tuple[PeriodRetention, ...]
    ease: tuple[Bucket, ...]
    intervals: tuple[Bucket, ...]
    average_answer_ms: float | None  # over the window
    hours: tuple[HourFigures, ...]
    decks: tuple[GroupFigures, ...]
    tags: tuple[GroupFigures, ...]
    lowest_ease: tuple[HardCard, ...]
    most_lapses: tuple[HardCard, ...]
    leeches: tuple[HardCard, ...]
    window_reviews: int  # reviews in the window

    @property
    def reviews_today(self) -> int:
        return self.today_figures.reviews


# ---------------------------------------------------------------- computing them


@dataclass(frozen=True)
class _Scope:
    learner_id: int
    today: date
    deck_ids: tuple[str, ...] | None
    tag: str | None

    def cards(self, query: sa.Select[Any]) -> sa.Select[Any]:
        """Restrict a query over ``card`` to the cards in scope that are not retired."""
        query = query.where(_CARD.c.retired.is_(False))
        if self.deck_ids is not None:
            query = query.where(_CARD.c.deck_id.in_(self.deck_ids))
        if self.tag is not None:
            query = query.where(tagged(self.tag))
        return query

    def reviews(self, query: sa.Select[Any], *, leading: bool = True) -> sa.Select[Any]:
        """Restrict a query over ``review`` to this learner's grades of cards in scope.

        Reviews of retired cards stay: they are history the learner did.
        ``leading=False`` words the tests so that no index of ``review`` can serve them
        (the learner through :func:`_unindexed`, the cards as a correlated EXISTS), for
        a query that must start from another table and check a few rows of the log.
        """
        learner = _REVIEW.c.learner_id if leading else _unindexed(_REVIEW.c.learner_id)
        query = query.where(learner == self.learner_id, _REVIEW.c.kind != ReviewKind.UNDO)
        cards = card_ids_in(self.deck_ids, self.tag, _CARD.c.key)
        if cards is None:
            return query
        if leading:
            return query.where(_REVIEW.c.card_key.in_(cards))
        return query.where(cards.where(_CARD.c.key == _REVIEW.c.card_key).exists())

    def cancelled(self) -> sa.ColumnElement[bool]:
        """The review was cancelled by an undo record (an index lookup per review)."""
        undo = _REVIEW.alias("undo")
        return sa.exists().where(undo.c.cancels_id == _REVIEW.c.id)


def card_ids_in(
    deck_ids: Sequence[str] | None, tag: str | None, column: sa.ColumnElement[Any] = _CARD.c.id
) -> sa.Select[Any] | None:
    """The ids (or ``column``: the keys the review log names them by) of the cards of
    ``deck_ids`` with ``tag`` (retired ones too), or None when neither is given (every
    card)."""
    if deck_ids is None and tag is None:
        return None
    cards = sa.select(column)
    if deck_ids is not None:
        cards = cards.where(_CARD.c.deck_id.in_(deck_ids))
    if tag is not None:
        cards = cards.where(tagged(tag))
    return cards


def tagged(tag: str) -> sa.ColumnElement[bool]:
    """A card (of the ``card`` table) whose note has ``tag``, looked up in ``note_tag``
    (an index lookup): the statistics' tag match, written once."""
    return _CARD.c.note_id.in_(sa.select(_TAG.c.note_id).where(_TAG.c.tag == tag))


def compute_stats(
    database: Database,
    learner_id: int,
    settings: Settings,
    today: date,
    *,
    deck_ids: Sequence[str] | None = None,
    tag: str | None = None,
    days: int = 30,
) -> Stats:
    """Every figure for one learner, restricted to decks (None: all) and a tag.

    ``today`` is the learner's study day (``Workspace.today()``); ``days`` is the window
    of the history, the hour of day, the average answer time and the per-deck and
    per-tag reviews and retention. Read in one session, so the figures agree.
    """
    if days < 1:
        raise ValueError("days must be at least 1")
    scope = _Scope(learner_id, today, tuple(deck_ids) if deck_ids is not None else None, tag)
    since = today - timedelta(days=days - 1)
    calendar_start = today - timedelta(days=CALENDAR_DAYS - 1)
    # The history, the calendar and retention's longest period read each day's details.
    detail_from = min(since, today - timedelta(days=DETAIL_DAYS - 1))
    with database.session() as session:
        per_day = _per_day(session, scope, detail_from)
        cards, deck_groups, tag_groups = _groups(session, scope, since)
        forecast, ease, intervals = _schedules(session, scope)
        hours = _hours(session, scope, since, settings.zone)
        lowest, lapses, leeches = _hardest(session, scope)
    by_kind = {kind: sum(d.kinds.get(kind, 0) for d in per_day.values()) for kind in KINDS}
    study_days = sorted(day for day, figures in per_day.items() if figures.reviews > 0)
    current, longest = streaks(study_days, today)
    history = tuple(
        per_day[day].figures(day) if day in per_day else DayFigures(day)
        for day in (since + timedelta(days=i) for i in range(days))
    )
    calendar = tuple(per_day[d].figures(d) for d in study_days if d >= calendar_start)
    window_reviews = sum(d.reviews for d in history)
    window_time = sum(d.time_ms for d in history)
    return Stats(
        today=today,
        days=days,
        deck_ids=scope.deck_ids,
        tag=tag,
        cards=cards,
        reviews_total=sum(by_kind.values()),
        reviews_by_kind=by_kind,
        today_figures=per_day[today].figures(today) if today in per_day else DayFigures(today),
        streak_current=current,
        streak_longest=longest,
        study_days=len(study_days),
        history=history,
        calendar=calendar,
        forecast=forecast,
        retention=_retention(per_day, today),
        ease=ease,
        intervals=intervals,
        average_answer_ms=window_time / window_reviews if window_reviews else None,
        hours=hours,
        decks=deck_groups,
        tags=tag_groups,
        lowest_ease=lowest,
        most_lapses=lapses,
        leeches=leeches,
        window_reviews=window_reviews,
    )


@dataclass
class _Day:
    """The aggregated grades of one study day.

    Days before the detail range of :func:`_per_day` only have ``reviews`` and ``kinds``.
    """

    reviews: int = 0
    time_ms: int = 0
    correct: int = 0
    kinds: dict[str, int] = field(default_factory=dict)
    young: list[int] = field(default_factory=lambda: [0, 0])  # reviews, passed
    mature: list[int] = field(default_factory=lambda: [0, 0])

    def figures(self, day: date) -> DayFigures:
        return DayFigures(day, self.reviews, self.time_ms, self.correct, self.kinds.get("new", 0))


def _per_day(session: Session, scope: _Scope, detail_from: date) -> dict[date, _Day]:
    """Every study day's grades, cancelled ones taken out.

    The whole history is read as GROUP BYs over the learner's day index: the days from
    ``detail_from`` on with time, passes and retention, the older days (only counted:
    study days, totals, streaks) by kind alone. Grouping by (day, kind), the index's
    own order, needs no sort: the passes are counted by conditional sums, not by a
    group per grade. Cancelled grades are rare, so instead of checking each review for
    an undo record, the same aggregate over the cancelled grades alone is subtracted.
    """
    review = _REVIEW.c
    passed = review.grade >= PASSING_GRADE
    in_review_state = review.repetitions_before > 0
    young = sa.and_(in_review_state, review.interval_before < MATURE_INTERVAL)
    mature = sa.and_(in_review_state, review.interval_before >= MATURE_INTERVAL)
    columns = (
        review.study_day,
        review.kind,
        sa.func.count(),
        sa.func.coalesce(sa.func.sum(review.answer_ms), 0),
        *(
            sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)
            for condition in (
                passed,
                young,
                sa.and_(young, passed),
                mature,
                sa.and_(mature, passed),
            )
        ),
    )
    group = (review.study_day, review.kind)
    recent = (
        scope.reviews(sa.select(*columns).select_from(_REVIEW))
        .where(review.study_day >= detail_from)
        .group_by(*group)
    )
    counted_only = (sa.literal(0),) * (len(columns) - 3)
    older = (
        scope.reviews(sa.select(*columns[:3], *counted_only).select_from(_REVIEW))
        .where(review.study_day < detail_from)
        .group_by(*group)
    )
    # The cancelled grades, found from the undo records that cancel them: the partial
    # index on cancels_id holds only those, so this reads a few rows, never the log.
    # (Offered the learner's index, SQLite would walk the whole log to find them.)
    undo = _REVIEW.alias("undo")
    cancelled = (
        scope.reviews(
            sa.select(*columns).select_from(undo.join(_REVIEW, _REVIEW.c.id == undo.c.cancels_id)),
            leading=False,
        )
        .where(undo.c.cancels_id.is_not(None), _unindexed(undo.c.learner_id) == scope.learner_id)
        .group_by(*group)
    )
    days: dict[date, _Day] = defaultdict(_Day)
    for sign, rows in (
        (1, session.execute(older)),
        (1, session.execute(recent)),
        (-1, session.execute(cancelled)),
    ):
        for day, kind, n, time_ms, *counts in rows:
            figures = days[day]
            figures.reviews += sign * n
            figures.kinds[kind] = figures.kinds.get(kind, 0) + sign * n
            if day < detail_from:
                continue
            passes, young_n, young_passes, mature_n, mature_passes = (int(c) for c in counts)
            figures.time_ms += sign * int(time_ms)
            figures.correct += sign * passes
            if kind == "review":
                figures.young[0] += sign * young_n
                figures.young[1] += sign * young_passes
                figures.mature[0] += sign * mature_n
                figures.mature[1] += sign * mature_passes
    return {day: figures for day, figures in days.items() if figures.reviews > 0}


def _retention(per_day: dict[date, _Day], today: date) -> tuple[PeriodRetention, ...]:
    periods = []
    for name, length in PERIODS:
        first = today - timedelta(days=length - 1)
        chosen = [f for day, f in per_day.items() if first <= day <= today]
        periods.append(
            PeriodRetention(
                name,
                length,
                Retention(sum(f.young[0] for f in chosen), sum(f.young[1] for f in chosen)),
                Retention(sum(f.mature[0] for f in chosen), sum(f.mature[1] for f in chosen)),
            )
        )
    return tuple(periods)


def state_expression(today: date, schedule: Any = None) -> sa.ColumnElement[str]:
    """study.cards.state_name in SQL, from the same rule (:func:`study.cards.state_tests`),
    over ``schedule``'s columns (the card_state table's by default): a card without a
    schedule row is new."""
    columns = _STATE.c if schedule is None else schedule
    return sa.case(
        (columns.card_id.is_(None), CardStateName.NEW.value),
        *((test, name.value) for name, test in state_tests(columns, today)),
        else_=CardStateName.YOUNG.value,
    )


def _flag_sum(column: sa.ColumnElement[Any]) -> sa.ColumnElement[int]:
    return sa.func.coalesce(sa.func.sum(sa.case((column.is_(True), 1), else_=0)), 0)


def _due_today(today: date) -> sa.ColumnElement[int]:
    state = _STATE.c
    return sa.func.coalesce(
        sa.func.sum(
            sa.case(
                (
                    sa.and_(state.reviews > 0, state.suspended.is_(False), state.due_day <= today),
                    1,
                ),
                else_=0,
            )
        ),
        0,
    )


def state_counts(rows: Sequence[tuple[str, int, int, int]]) -> StateCounts:
    """Fold (state, cards, suspended, leech) rows into counts."""
    counts = dict.fromkeys(CardStateName, 0)
    suspended = leech = 0
    for state, n, s, lch in rows:
        counts[CardStateName(state)] += int(n)
        suspended += int(s)
        leech += int(lch)
    return StateCounts(
        total=sum(counts.values()),
        new=counts[CardStateName.NEW],
        learning=counts[CardStateName.LEARNING],
        young=counts[CardStateName.YOUNG],
        mature=counts[CardStateName.MATURE],
        suspended=suspended,
        leech=leech,
    )


def _window_reviews(scope: _Scope, since: date) -> sa.Subquery:
    """Grades in the window per card: reviews, and true-retention reviews and passes."""
    review = _REVIEW.c
    retained = sa.and_(review.kind == ReviewKind.REVIEW, review.repetitions_before > 0)
    passed = sa.and_(retained, review.grade >= PASSING_GRADE)
    query = sa.select(
        review.card_key.label("card_key"),
        sa.func.count().label("reviews"),
        sa.func.sum(sa.case((retained, 1), else_=0)).label("retained"),
        sa.func.sum(sa.case((passed, 1), else_=0)).label("passed"),
    ).select_from(_REVIEW)
    query = scope.reviews(query).where(
        review.study_day >= since, review.study_day <= scope.today, ~scope.cancelled()
    )
    return query.group_by(review.card_key).subquery("window")


@dataclass
class _Group:
    """A deck or a tag being added up: (state, cards, suspended, leech) rows and totals."""

    states: list[tuple[str, int, int, int]] = field(default_factory=list)
    due: int = 0
    reviews: int = 0
    retained: int = 0
    passed: int = 0

    def figures(self, key: str, name: str) -> GroupFigures:
        return GroupFigures(
            key=key,
            name=name,
            cards=state_counts(self.states),
            due=self.due,
            reviews=self.reviews,
            retention=Retention(self.retained, self.passed),
        )


def _groups(
    session: Session, scope: _Scope, since: date
) -> tuple[StateCounts, tuple[GroupFigures, ...], tuple[GroupFigures, ...]]:
    """The cards by state over the whole scope, and per deck and per tag: cards by state,
    due today, and reviews and retention in the window.

    Two GROUP BYs serve decks and tags together, one over the cards and one over the
    window's grades, grouped by (deck, the note's tags): every card is read once, and
    the groups (one per deck and set of tags in use) are then added up per deck and per
    tag, a card counting under each of its note's tags. The tags are the note's own
    list (``note.tags``, written with ``note_tag`` on import), as the session's tag
    scope reads them. A deck lists only its cards that are not retired, but its reviews
    are its history: grades of its retired cards count.
    """
    state = _STATE.c
    state_name = state_expression(scope.today).label("state")
    cards = scope.cards(
        sa.select(
            _CARD.c.deck_id,
            _NOTE.c.tags,
            state_name,
            sa.func.count(),
            _flag_sum(state.suspended),
            _flag_sum(state.leech),
            _due_today(scope.today),
        ).select_from(
            _CARD.join(_NOTE, _NOTE.c.id == _CARD.c.note_id).outerjoin(
                _STATE,
                sa.and_(state.card_id == _CARD.c.id, state.learner_id == scope.learner_id),
            )
        )
    ).group_by(_CARD.c.deck_id, _NOTE.c.tags, state_name)
    window = _window_reviews(scope, since)
    reviews = (
        sa.select(
            _CARD.c.deck_id,
            _NOTE.c.tags,
            sa.func.sum(window.c.reviews),
            sa.func.sum(window.c.retained),
            sa.func.sum(window.c.passed),
        )
        .select_from(
            window.join(_CARD, _CARD.c.key == window.c.card_key).join(
                _NOTE, _NOTE.c.id == _CARD.c.note_id
            )
        )
        .group_by(_CARD.c.deck_id, _NOTE.c.tags)
    )
    decks: dict[str, _Group] = defaultdict(_Group)
    tags: dict[str, _Group] = defaultdict(_Group)
    everything: list[tuple[str, int, int, int]] = []
    for deck_id, tag_text, name, n, suspended, leech, due in session.execute(cards):
        row = (name, int(n), int(suspended), int(leech))
        everything.append(row)
        for group in (decks[deck_id], *(tags[t] for t in set(tag_text.split()))):
            group.states.append(row)
            group.due += int(due)
    listed_decks, listed_tags = set(decks), set(tags)
    for deck_id, tag_text, n, retained, passed in session.execute(reviews):
        groups = [decks[deck_id]] if deck_id in listed_decks else []
        groups += [tags[t] for t in set(tag_text.split()) if t in listed_tags]
        for group in groups:
            group.reviews += int(n)
            group.retained += int(retained or 0)
            group.passed += int(passed or 0)
    names = {
        deck_id: name for deck_id, name in session.execute(sa.select(_DECK.c.id, _DECK.c.name))
    }
    deck_figures = sorted(
        (group.figures(key, names.get(key, key)) for key, group in decks.items()),
        key=lambda g: (g.name.casefold(), g.key),
    )
    tag_figures = sorted(
        (group.figures(key, key) for key, group in tags.items()),
        key=lambda g: (g.name.casefold(), g.key),
    )
    return state_counts(everything), tuple(deck_figures), tuple(tag_figures)


def _studied(scope: _Scope, *columns: Any) -> sa.Select[Any]:
    """A query over the schedules of graded cards in scope.

    The scope is a set test on the card id rather than a join with ``card``, and the
    learner test is kept away from the (learner, due day) index: the schedules are read
    in one sequential scan instead of one lookup per card.
    """
    query = (
        sa.select(*columns)
        .select_from(_STATE)
        .where(_unindexed(_STATE.c.learner_id) == scope.learner_id, _STATE.c.reviews > 0)
    )
    if scope.deck_ids is None and scope.tag is None:
        retired = sa.select(_CARD.c.id).where(_CARD.c.retired.is_(True))
        return query.where(_STATE.c.card_id.not_in(retired))
    return query.where(_STATE.c.card_id.in_(scope.cards(sa.select(_CARD.c.id))))


def _schedules(
    session: Session, scope: _Scope
) -> tuple[tuple[ForecastDay, ...], tuple[Bucket, ...], tuple[Bucket, ...]]:
    """The forecast and the E-Factor and interval histograms of the graded cards.

    One GROUP BY (E-Factor tenth, interval bucket, forecast day) reads the schedules
    once for the three; the groups (a few thousand at most) are then added up.
    Forecast: cards due on each of the next 30 days; overdue ones count today,
    suspended ones never.
    """
    state = _STATE.c
    today = scope.today
    last = today + timedelta(days=FORECAST_DAYS - 1)
    tenth = (state.ease_hundredths // 10).label("tenth")
    bucket = sa.case(
        *(
            (state.interval <= high, index)
            for index, (_, high) in enumerate(INTERVAL_BUCKETS)
            if high is not None
        ),
        else_=len(INTERVAL_BUCKETS) - 1,
    ).label("bucket")
    day = sa.case(
        (
            sa.or_(state.suspended.is_(True), state.due_day.is_(None), state.due_day > last),
            sa.null(),
        ),
        (state.due_day < today, sa.literal(today, sa.Date)),
        else_=state.due_day,
    ).label("day")
    query = _studied(scope, tenth, bucket, day, sa.func.count()).group_by(tenth, bucket, day)
    tenths: dict[int, int] = defaultdict(int)
    buckets: dict[int, int] = defaultdict(int)
    due: dict[date, int] = defaultdict(int)
    for t, b, d, n in session.execute(query):
        tenths[int(t)] += int(n)
        buckets[int(b)] += int(n)
        if d is not None:
            due[as_date(d)] += int(n)
    forecast = tuple(
        ForecastDay(today + timedelta(days=i), due.get(today + timedelta(days=i), 0))
        for i in range(FORECAST_DAYS)
    )
    ease = tuple(Bucket(t / 10, (t + 1) / 10, n) for t, n in sorted(tenths.items()))
    intervals = tuple(
        Bucket(low, high, buckets.get(index, 0))
        for index, (low, high) in enumerate(INTERVAL_BUCKETS)
    )
    return forecast, ease, intervals


HOUR_MS = 3_600_000


def _hours(session: Session, scope: _Scope, since: date, zone: ZoneInfo) -> tuple[HourFigures, ...]:
    """Reviews per hour of the day in the learner's zone, over the window.

    The database groups by UTC quarter hour (the zone's offset is a whole number of
    quarter hours); each group is then placed in its local hour, daylight saving
    included, so a few thousand groups are converted, not every review.
    """
    review = _REVIEW.c
    passed = sa.func.sum(sa.case((review.grade >= PASSING_GRADE, 1), else_=0))
    # reviewed_at is stored as milliseconds since the epoch (UTC), on every database.
    millis = sa.type_coerce(review.reviewed_at, sa.BigInteger)
    hour_key = millis // HOUR_MS
    quarter = (millis % HOUR_MS) // (HOUR_MS // 4)
    query: Any = sa.select(hour_key, quarter, sa.func.count(), passed).select_from(_REVIEW)
    query = scope.reviews(query).where(
        review.study_day >= since, review.study_day <= scope.today, ~scope.cancelled()
    )
    reviews = [0] * 24
    correct = [0] * 24
    for key, q, n, ok in session.execute(query.group_by(hour_key, quarter)):
        start = time_of(int(key) * HOUR_MS) + timedelta(minutes=15 * int(q))
        hour = start.astimezone(zone).hour
        reviews[hour] += int(n)
        correct[hour] += int(ok or 0)
    return tuple(HourFigures(h, reviews[h], correct[h]) for h in range(24))


def _hardest(
    session: Session, scope: _Scope
) -> tuple[tuple[HardCard, ...], tuple[HardCard, ...], tuple[HardCard, ...]]:
    """Lowest E-Factor, most lapses, and the leeches (a few of each, worst first)."""
    state = _STATE.c

    def top(
        condition: sa.ColumnElement[bool], order: tuple[Any, ...], key: Callable[[HardCard], Any]
    ) -> tuple[HardCard, ...]:
        # The few worst schedules first, then their cards' text: a join for 10 rows only.
        worst = (
            _studied(
                scope,
                state.card_id,
                state.ease_hundredths,
                state.interval,
                state.reviews,
                state.lapses,
                state.suspended,
                state.leech,
            )
            .where(condition)
            .order_by(*order, state.card_id)
            .limit(HARDEST_LIMIT)
            .subquery("worst")
        )
        query = sa.select(
            worst,
            _CARD.c.deck_id,
            _CARD.c.ordinal,
            _NOTE.c.type,
            _NOTE.c.front,
            _NOTE.c.back,
            _NOTE.c.text,
        ).select_from(
            worst.join(_CARD, _CARD.c.id == worst.c.card_id).join(
                _NOTE, _NOTE.c.id == _CARD.c.note_id
            )
        )
        cards = []
        for row in session.execute(query):
            question, _ = question_and_answer(row.type, row.front, row.back, row.text, row.ordinal)
            cards.append(
                HardCard(
                    card_id=row.card_id,
                    deck_id=row.deck_id,
                    question=question,
                    ease_hundredths=row.ease_hundredths,
                    interval=row.interval,
                    reviews=row.reviews,
                    lapses=row.lapses,
                    suspended=bool(row.suspended),
                    leech=bool(row.leech),
                )
            )
        return tuple(sorted(cards, key=key))  # the join does not keep the order

    by_ease = (state.ease_hundredths, state.lapses.desc())
    by_lapses = (state.lapses.desc(), state.ease_hundredths)
    return (
        top(
            state.ease_hundredths < 250,
            by_ease,
            lambda c: (c.ease_hundredths, -c.lapses, c.card_id),
        ),
        top(state.lapses > 0, by_lapses, lambda c: (-c.lapses, c.ease_hundredths, c.card_id)),
        top(state.leech.is_(True), by_lapses, lambda c: (-c.lapses, c.ease_hundredths, c.card_id)),
    )


# ---------------------------------------------------------------- JSON


def _retention_json(retention: Retention) -> dict[str, Any]:
    percent = retention.percent
    return {
        "reviews": retention.reviews,
        "passed": retention.passed,
        "percent": round(percent, 1) if percent is not None else None,
    }


def counts_json(counts: StateCounts) -> dict[str, int]:
    """Cards by state as JSON (the ``cards`` object of ``study stats --json``)."""
    return {
        "total": counts.total,
        "new": counts.new,
        "learning": counts.learning,
        "young": counts.young,
        "mature": counts.mature,
        "suspended": counts.suspended,
        "leech": counts.leech,
    }


def _group_json(group: GroupFigures) -> dict[str, Any]:
    return {
        **counts_json(group.cards),
        "due": group.due,
        "reviews": group.reviews,
        "retention": _retention_json(group.retention),
    }


def _card_json(card: HardCard) -> dict[str, Any]:
    return {
        "card": card.card_id,
        "deck": card.deck_id,
        "question": card.question,
        "easiness": card.ease_hundredths / 100,
        "interval": card.interval,
        "reviews": card.reviews,
        "lapses": card.lapses,
        "suspended": card.suspended,
        "leech": card.leech,
    }


def _day_json(day: DayFigures) -> dict[str, Any]:
    return {
        "date": day.day.isoformat(),
        "reviews": day.reviews,
        "time_ms": day.time_ms,
        "correct": day.correct,
        "new_cards": day.new_cards,
    }


def _bucket_json(bucket: Bucket) -> dict[str, Any]:
    return {"from": bucket.low, "to": bucket.high, "cards": bucket.cards}


def stats_json(stats: Stats) -> dict[str, Any]:
    """The documented JSON object of `study stats --json` (the README lists every key).

    Times are whole milliseconds; percentages are rounded to one decimal and null when
    nothing was measured; dates are ``YYYY-MM-DD`` study days.
    """
    today = stats.today_figures
    correct_percent = today.correct_percent
    average = stats.average_answer_ms
    return {
        "date": stats.today.isoformat(),
        "days": stats.days,
        "scope": {
            "decks": list(stats.deck_ids) if stats.deck_ids is not None else None,
            "tag": stats.tag,
        },
        "cards": counts_json(stats.cards),
        "reviews": {
            "total": stats.reviews_total,
            "today": stats.reviews_today,
            "window": stats.window_reviews,
            "by_kind": dict(stats.reviews_by_kind),
        },
        "today": {
            "reviews": today.reviews,
            "time_ms": today.time_ms,
            "correct": today.correct,
            "correct_percent": round(correct_percent, 1) if correct_percent is not None else None,
            "new_cards": today.new_cards,
        },
        "streak": {
            "current": stats.streak_current,
            "longest": stats.streak_longest,
            "study_days": stats.study_days,
        },
        "history": [_day_json(day) for day in stats.history],
        "calendar": [{"date": d.day.isoformat(), "reviews": d.reviews} for d in stats.calendar],
        "forecast": [{"date": f.day.isoformat(), "due": f.due} for f in stats.forecast],
        "retention": {
            period.period: {
                "days": period.days,
                "young": _retention_json(period.young),
                "mature": _retention_json(period.mature),
                "all": _retention_json(period.all),
            }
            for period in stats.retention
        },
        "ease": [_bucket_json(b) for b in stats.ease],
        "intervals": [_bucket_json(b) for b in stats.intervals],
        "answer_time": {
            "average_ms": round(average) if average is not None else None,
            "reviews": stats.window_reviews,
        },
        "hours": [
            {"hour": h.hour, "reviews": h.reviews, "correct": h.correct} for h in stats.hours
        ],
        "decks": [{"id": g.key, "name": g.name, **_group_json(g)} for g in stats.decks],
        "tags": [{"tag": g.key, **_group_json(g)} for g in stats.tags],
        "hardest": {
            "lowest_ease": [_card_json(c) for c in stats.lowest_ease],
            "most_lapses": [_card_json(c) for c in stats.most_lapses],
            "leeches": [_card_json(c) for c in stats.leeches],
        },
    }


# ---------------------------------------------------------------- the review log


@dataclass(frozen=True)
class LogEntry:
    """One grade of the review log, as a tutor or a spreadsheet reads it."""

    day: date  # the study day
    at: datetime  # when, in the learner's zone
    deck_id: str
    card_id: str
    question: str  # plain text: print it through study.cards.printable
    grade: int
    kind: str  # new, review, drill or cram
    interval: int  # days until the next review, after this grade
    ease_hundredths: int  # the E-Factor after this grade, in hundredths
    answer_ms: int


def review_log(
    database: Database,
    learner_id: int,
    zone: ZoneInfo,
    *,
    deck_ids: Sequence[str] | None = None,
    tag: str | None = None,
) -> Iterator[LogEntry]:
    """The learner's grades, oldest first, streamed; cancelled grades and undo records
    are left out (the log shows what counts, like every other figure)."""
    review = _REVIEW.c
    query = (
        sa.select(
            review.study_day,
            review.reviewed_at,
            _CARD.c.id.label("card_id"),
            review.grade,
            review.kind,
            review.interval_after,
            review.ease_after,
            review.answer_ms,
            _CARD.c.deck_id,
            _CARD.c.ordinal,
            _NOTE.c.type,
            _NOTE.c.front,
            _NOTE.c.back,
            _NOTE.c.text,
        )
        .select_from(
            _REVIEW.join(_CARD, _CARD.c.key == review.card_key).join(
                _NOTE, _NOTE.c.id == _CARD.c.note_id
            )
        )
        .where(review.learner_id == learner_id, review.kind != ReviewKind.UNDO)
        .where(~_Scope(learner_id, date.min, None, None).cancelled())
        .order_by(review.id)
    )
    if deck_ids is not None:
        query = query.where(_CARD.c.deck_id.in_(list(deck_ids)))
    if tag is not None:
        query = query.where(tagged(tag))
    questions: dict[str, str] = {}
    with database.session() as session:
        for row in session.execute(query.execution_options(yield_per=1000)):
            question = questions.get(row.card_id)
            if question is None:
                question, _ = question_and_answer(
                    row.type, row.front, row.back, row.text, row.ordinal
                )
                questions[row.card_id] = question
            yield LogEntry(
                day=row.study_day,
                at=row.reviewed_at.astimezone(zone),
                deck_id=row.deck_id,
                card_id=row.card_id,
                question=question,
                grade=row.grade,
                kind=row.kind,
                interval=row.interval_after,
                ease_hundredths=row.ease_after,
                answer_ms=row.answer_ms,
            )
