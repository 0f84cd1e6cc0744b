"""Computing the statistics: the queries, and the few rows each returns combined."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session

from study.domain.cards import MATURE_INTERVAL, question_and_answer
from study.domain.clock import as_date
from study.domain.config import Settings
from study.domain.review_log import ReviewKind, time_of
from study.domain.sm2 import PASSING_GRADE
from study.domain.streak import streaks
from study.domain.tags import tag_key
from study.services.stats.figures import (
    CALENDAR_DAYS,
    DETAIL_DAYS,
    FORECAST_DAYS,
    HARDEST_LIMIT,
    INTERVAL_BUCKETS,
    KINDS,
    PERIODS,
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
)
from study.services.stats.scope import (
    CARD,
    DECK,
    NOTE,
    REVIEW,
    STATE,
    Scope,
    state_counts,
    state_expression,
    unindexed,
)
from study.storage.database import Database
from study.storage.schedules import cancelled_by_undo, not_cancelled
from study.storage.tags import tag_list


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
    scope = Scope(learner_id, today, tuple(deck_ids) if deck_ids is not None else None, tag)
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


def _per_day(session: Session, scope: Scope, detail_from: date) -> dict[date, _Day]:
    """Every study day's grades, cancelled ones taken out.

    The whole history is read as GROUP BYs over the learner's day index: the days from
    ``detail_from`` on with time, passes and retention, the older days (only counted:
    study days, totals, streaks) by kind alone. Grouping by (day, kind), the index's
    own order, needs no sort: the passes are counted by conditional sums, not by a
    group per grade. Cancelled grades are rare, so instead of checking each review for
    an undo record, the same aggregate over the cancelled grades alone is subtracted.
    """
    review = REVIEW.c
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
        scope.reviews(sa.select(*columns).select_from(REVIEW))
        .where(review.study_day >= detail_from)
        .group_by(*group)
    )
    counted_only = (sa.literal(0),) * (len(columns) - 3)
    older = (
        scope.reviews(sa.select(*columns[:3], *counted_only).select_from(REVIEW))
        .where(review.study_day < detail_from)
        .group_by(*group)
    )
    # The cancelled grades, found from the undo records that cancel them: the partial
    # index on cancels_id holds only those, so this reads a few rows, never the log.
    # (Offered the learner's index, SQLite would walk the whole log to find them.)
    undo, undone = cancelled_by_undo(REVIEW)
    cancelled = (
        scope.reviews(
            sa.select(*columns).select_from(undone),
            leading=False,
        )
        .where(undo.c.cancels_id.is_not(None), unindexed(undo.c.learner_id) == scope.learner_id)
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


def _flag_sum(column: sa.ColumnElement[Any]) -> sa.ColumnElement[int]:
    return sa.func.coalesce(sa.func.sum(sa.case((column.is_(True), 1), else_=0)), 0)


def _due_today(today: date) -> sa.ColumnElement[int]:
    state = STATE.c
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


def _window_reviews(scope: Scope, since: date) -> sa.Subquery:
    """Grades in the window per card: reviews, and true-retention reviews and passes."""
    review = REVIEW.c
    retained = sa.and_(review.kind == ReviewKind.REVIEW, review.repetitions_before > 0)
    passed = sa.and_(retained, review.grade >= PASSING_GRADE)
    query = sa.select(
        review.card_key.label("card_key"),
        sa.func.count().label("reviews"),
        sa.func.sum(sa.case((retained, 1), else_=0)).label("retained"),
        sa.func.sum(sa.case((passed, 1), else_=0)).label("passed"),
    ).select_from(REVIEW)
    query = scope.reviews(query).where(
        review.study_day >= since, review.study_day <= scope.today, not_cancelled()
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
    session: Session, scope: Scope, since: date
) -> tuple[StateCounts, tuple[GroupFigures, ...], tuple[GroupFigures, ...]]:
    """The cards by state over the whole scope, and per deck and per tag: cards by state,
    due today, and reviews and retention in the window.

    Two GROUP BYs serve decks and tags together, one over the cards and one over the
    window's grades, grouped by (deck, the note's tags): every card is read once, and
    the groups (one per deck and set of tags in use) are then added up per deck and per
    tag, a card counting under each of its note's tags (a tag's figures are its own
    notes', its children's are theirs; spellings of one key are one tag, named by the
    first in order, study.domain.tags). A deck lists only its cards that are not
    retired, but its reviews are its history: grades of its retired cards count.
    """
    state = STATE.c
    state_name = state_expression(scope.today).label("state")
    # Grouped by its name: written out again, the subquery would run twice a card.
    note_tags = tag_list(CARD.c.note_id).label("note_tags")
    by_tags: sa.ColumnElement[Any] = sa.literal_column("note_tags")
    cards = scope.cards(
        sa.select(
            CARD.c.deck_id,
            note_tags,
            state_name,
            sa.func.count(),
            _flag_sum(state.suspended),
            _flag_sum(state.leech),
            _due_today(scope.today),
        ).select_from(
            CARD.outerjoin(
                STATE,
                sa.and_(state.card_id == CARD.c.id, state.learner_id == scope.learner_id),
            )
        )
    ).group_by(CARD.c.deck_id, by_tags, state_name)
    window = _window_reviews(scope, since)
    reviews = (
        sa.select(
            CARD.c.deck_id,
            note_tags,
            sa.func.sum(window.c.reviews),
            sa.func.sum(window.c.retained),
            sa.func.sum(window.c.passed),
        )
        .select_from(window.join(CARD, CARD.c.key == window.c.card_key))
        .group_by(CARD.c.deck_id, by_tags)
    )
    decks: dict[str, _Group] = defaultdict(_Group)
    tags: dict[str, _Group] = defaultdict(_Group)
    spelt: dict[str, str] = {}  # a tag by its key, as first written
    everything: list[tuple[str, int, int, int]] = []
    for deck_id, tag_text, name, n, suspended, leech, due in session.execute(cards):
        row = (name, int(n), int(suspended), int(leech))
        everything.append(row)
        for tag in (tag_text or "").split():
            spelt[tag_key(tag)] = min(spelt.get(tag_key(tag), tag), tag)
        for group in (decks[deck_id], *(tags[k] for k in _keys(tag_text))):
            group.states.append(row)
            group.due += int(due)
    listed_decks, listed_tags = set(decks), set(tags)
    for deck_id, tag_text, n, retained, passed in session.execute(reviews):
        groups = [decks[deck_id]] if deck_id in listed_decks else []
        groups += [tags[k] for k in _keys(tag_text) if k in listed_tags]
        for group in groups:
            group.reviews += int(n)
            group.retained += int(retained or 0)
            group.passed += int(passed or 0)
    names = {deck_id: name for deck_id, name in session.execute(sa.select(DECK.c.id, DECK.c.name))}
    deck_figures = sorted(
        (group.figures(key, names.get(key, key)) for key, group in decks.items()),
        key=lambda g: (g.name.casefold(), g.key),
    )
    tag_figures = sorted(
        (group.figures(spelt[key], spelt[key]) for key, group in tags.items()),
        key=lambda g: (g.name.casefold(), g.key),
    )
    return state_counts(everything), tuple(deck_figures), tuple(tag_figures)


def _keys(tag_text: str | None) -> set[str]:
    """The keys of a note's tags (:func:`study.storage.tags.tag_list`'s text; None: none)."""
    return {tag_key(tag) for tag in (tag_text or "").split()}


def _studied(scope: Scope, *columns: Any) -> sa.Select[Any]:
    """A query over the schedules of graded cards in scope.

    The scope is a set test on the card id rather than a join with ``card``, and the
    learner test is kept away from the (learner, due day) index: the schedules are read
    in one sequential scan instead of one lookup per card.
    """
    query = (
        sa.select(*columns)
        .select_from(STATE)
        .where(unindexed(STATE.c.learner_id) == scope.learner_id, STATE.c.reviews > 0)
    )
    if scope.deck_ids is None and scope.tag is None:
        retired = sa.select(CARD.c.id).where(CARD.c.retired.is_(True))
        return query.where(STATE.c.card_id.not_in(retired))
    return query.where(STATE.c.card_id.in_(scope.cards(sa.select(CARD.c.id))))


def _schedules(
    session: Session, scope: Scope
) -> tuple[tuple[ForecastDay, ...], tuple[Bucket, ...], tuple[Bucket, ...]]:
    """The forecast and the E-Factor and interval histograms of the graded cards.

    One GROUP BY (E-Factor tenth, interval bucket, forecast day) reads the schedules
    once for the three; the groups (a few thousand at most) are then added up.
    Forecast: cards due on each of the next 30 days; overdue ones count today,
    suspended ones never.
    """
    state = STATE.c
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


def _hours(session: Session, scope: Scope, since: date, zone: ZoneInfo) -> tuple[HourFigures, ...]:
    """Reviews per hour of the day in the learner's zone, over the window.

    The database groups by UTC quarter hour (the zone's offset is a whole number of
    quarter hours); each group is then placed in its local hour, daylight saving
    included, so a few thousand groups are converted, not every review.
    """
    review = REVIEW.c
    passed = sa.func.sum(sa.case((review.grade >= PASSING_GRADE, 1), else_=0))
    # reviewed_at is stored as milliseconds since the epoch (UTC), on every database.
    millis = sa.type_coerce(review.reviewed_at, sa.BigInteger)
    hour_key = millis // HOUR_MS
    quarter = (millis % HOUR_MS) // (HOUR_MS // 4)
    query: Any = sa.select(hour_key, quarter, sa.func.count(), passed).select_from(REVIEW)
    query = scope.reviews(query).where(
        review.study_day >= since, review.study_day <= scope.today, not_cancelled()
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
    session: Session, scope: Scope
) -> tuple[tuple[HardCard, ...], tuple[HardCard, ...], tuple[HardCard, ...]]:
    """Lowest E-Factor, most lapses, and the leeches (a few of each, worst first)."""
    state = STATE.c

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
            CARD.c.deck_id,
            CARD.c.ordinal,
            NOTE.c.type,
            NOTE.c.front,
            NOTE.c.back,
            NOTE.c.text,
        ).select_from(
            worst.join(CARD, CARD.c.id == worst.c.card_id).join(NOTE, NOTE.c.id == CARD.c.note_id)
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
