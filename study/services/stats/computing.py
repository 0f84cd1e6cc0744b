"""Computing the statistics: the few grouped rows of study.storage.stats_queries
combined into figures."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from study.domain.cards import question_and_answer
from study.domain.clock import as_date
from study.domain.config import Settings
from study.domain.review_log import time_of
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
    state_counts,
)
from study.storage.database import Database, Session
from study.storage.stats_queries import (
    HOUR_MS,
    Ranking,
    day_groups,
    group_rows,
    hardest_rows,
    hour_groups,
    schedule_groups,
)
from study.storage.stats_scope import Scope
from study.storage.tags import split_tag_list


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
    """Every study day's grades, cancelled ones taken out: the days from ``detail_from``
    on with time, passes and retention, the older days (only counted: study days,
    totals, streaks) by kind alone (study.storage.stats_queries.day_groups)."""
    days: dict[date, _Day] = defaultdict(_Day)
    for sign, (day, kind, n, time_ms, *counts) in day_groups(session, scope, detail_from):
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

    The groups by (deck, the note's tags) of study.storage.stats_queries.group_rows (one
    per deck and set of tags in use) are added up per deck and per tag, a card counting
    under each of its note's tags (a tag's figures are its own notes', its children's
    are theirs; spellings of one key are one tag, named by the first in order,
    study.domain.tags). A deck lists only its cards that are not
    retired, but its reviews are its history: grades of its retired cards count.
    """
    card_rows, review_rows, names = group_rows(session, scope, since)
    decks: dict[str, _Group] = defaultdict(_Group)
    tags: dict[str, _Group] = defaultdict(_Group)
    spelt: dict[str, str] = {}  # a tag by its key, as first written
    everything: list[tuple[str, int, int, int]] = []
    for deck_id, tag_text, name, n, suspended, leech, due in card_rows:
        row = (name, int(n), int(suspended), int(leech))
        everything.append(row)
        for tag in (tag_text or "").split():
            spelt[tag_key(tag)] = min(spelt.get(tag_key(tag), tag), tag)
        for group in (decks[deck_id], *(tags[k] for k in _keys(tag_text))):
            group.states.append(row)
            group.due += int(due)
    listed_decks, listed_tags = set(decks), set(tags)
    for deck_id, tag_text, n, retained, passed in review_rows:
        groups = [decks[deck_id]] if deck_id in listed_decks else []
        groups += [tags[k] for k in _keys(tag_text) if k in listed_tags]
        for group in groups:
            group.reviews += int(n)
            group.retained += int(retained or 0)
            group.passed += int(passed or 0)
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
    return {tag_key(tag) for tag in split_tag_list(tag_text)}


def _schedules(
    session: Session, scope: Scope
) -> tuple[tuple[ForecastDay, ...], tuple[Bucket, ...], tuple[Bucket, ...]]:
    """The forecast and the E-Factor and interval histograms of the graded cards.

    One GROUP BY (E-Factor tenth, interval bucket, forecast day) reads the schedules
    once for the three; the groups (a few thousand at most) are then added up.
    Forecast: cards due on each of the next 30 days; overdue ones count today,
    suspended ones never.
    """
    today = scope.today
    tenths: dict[int, int] = defaultdict(int)
    buckets: dict[int, int] = defaultdict(int)
    due: dict[date, int] = defaultdict(int)
    for t, b, d, n in schedule_groups(session, scope, INTERVAL_BUCKETS, FORECAST_DAYS):
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


def _hours(session: Session, scope: Scope, since: date, zone: ZoneInfo) -> tuple[HourFigures, ...]:
    """Reviews per hour of the day in the learner's zone, over the window.

    The database groups by UTC quarter hour (the zone's offset is a whole number of
    quarter hours); each group is then placed in its local hour, daylight saving
    included, so a few thousand groups are converted, not every review.
    """
    reviews = [0] * 24
    correct = [0] * 24
    for key, q, n, ok in hour_groups(session, scope, since):
        start = time_of(int(key) * HOUR_MS) + timedelta(minutes=15 * int(q))
        hour = start.astimezone(zone).hour
        reviews[hour] += int(n)
        correct[hour] += int(ok or 0)
    return tuple(HourFigures(h, reviews[h], correct[h]) for h in range(24))


def _hardest(
    session: Session, scope: Scope
) -> tuple[tuple[HardCard, ...], tuple[HardCard, ...], tuple[HardCard, ...]]:
    """Lowest E-Factor, most lapses, and the leeches (a few of each, worst first)."""

    def top(ranking: Ranking, key: Callable[[HardCard], Any]) -> tuple[HardCard, ...]:
        cards = []
        for row in hardest_rows(session, scope, ranking, HARDEST_LIMIT):
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

    return (
        top("lowest_ease", lambda c: (c.ease_hundredths, -c.lapses, c.card_id)),
        top("most_lapses", lambda c: (-c.lapses, c.ease_hundredths, c.card_id)),
        top("leeches", lambda c: (-c.lapses, c.ease_hundredths, c.card_id)),
    )
