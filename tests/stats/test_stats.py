"""The statistics: hand-built histories with answers worked out by hand, and a random
history checked against a naive count in Python."""

from __future__ import annotations

import json
import random
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from study.domain.cards import state_name
from study.domain.clock import FixedClock
from study.domain.config import Settings
from study.domain.streak import streaks
from study.services.session import StudySession
from study.services.stats import Retention, StateCounts, compute_stats, stats_json
from study.storage.cards import card_rows
from study.storage.database import Database
from study.storage.models import Card, CardState, Review
from tests.conftest import DeckFactory, basic
from tests.stats.stats_helpers import TODAY, History


@pytest.fixture
def h(database: Database, learner_id: int, decks: DeckFactory) -> History:
    return History(database, learner_id, decks)


def days_ago(n: int) -> date:
    return TODAY - timedelta(days=n)


# ---------------------------------------------------------------- cards by state


def test_states_partition_the_cards_like_state_name_and_leave_retired_cards_out(
    h: History,
) -> None:
    h.load(basics=9)
    # d-1: never touched -> new
    h.schedule("d-2", reviews=0, repetitions=0, suspended=True)  # suspended, still new
    h.schedule("d-3", reviews=2, repetitions=0, interval=1)  # failed last review
    h.schedule("d-4", drill_day=TODAY)  # waiting in today's drill
    h.schedule("d-5", repetitions=2, interval=6)
    h.schedule("d-6", repetitions=4, interval=20)  # the last young interval
    h.schedule("d-7", repetitions=5, interval=21, leech=True, suspended=True)
    h.schedule("d-8", repetitions=5, interval=40)
    h.retire("d-8")
    h.schedule("d-9", drill_day=days_ago(1))  # yesterday's drill is over: young

    cards = h.stats().cards

    assert cards == StateCounts(total=8, new=2, learning=2, young=3, mature=1, suspended=2, leech=1)
    assert cards.new + cards.learning + cards.young + cards.mature == cards.total
    with h.database.session() as session:
        rows = card_rows(session, h.learner_id, TODAY)
    by_state = Counter(row.state for row in rows)
    assert (cards.new, cards.learning, cards.young, cards.mature) == (
        by_state["new"],
        by_state["learning"],
        by_state["young"],
        by_state["mature"],
    )


def test_a_deck_filter_counts_only_that_decks_cards_and_reviews(h: History) -> None:
    h.load("a", basics=2)
    h.load("b", basics=3)
    h.schedule("a-1")
    h.grade("a-1", 4)
    h.grade("b-1", 4)
    h.grade("b-2", 4)

    stats = h.stats(deck_ids=["a"])

    assert stats.cards.total == 2 and stats.cards.young == 1
    assert stats.reviews_total == 1
    assert [d.key for d in stats.decks] == ["a"]
    assert h.stats().reviews_total == 3


# ---------------------------------------------------------------- forecast


def test_forecast_counts_overdue_cards_today_and_leaves_out_suspended_ones(h: History) -> None:
    h.load(basics=7)
    h.schedule("d-1", due_day=days_ago(3))  # overdue
    h.schedule("d-2", due_day=TODAY)
    h.schedule("d-3", due_day=TODAY + timedelta(days=1))
    h.schedule("d-4", due_day=TODAY + timedelta(days=29))
    h.schedule("d-5", due_day=TODAY + timedelta(days=30))  # beyond the 30 days
    h.schedule("d-6", due_day=TODAY, suspended=True)
    # d-7 is new: nothing due

    forecast = h.stats().forecast

    assert len(forecast) == 30
    assert [f.day for f in forecast] == [TODAY + timedelta(days=i) for i in range(30)]
    assert forecast[0].due == 2
    assert forecast[1].due == 1
    assert forecast[29].due == 1
    assert sum(f.due for f in forecast) == 4


# ---------------------------------------------------------------- retention


def test_true_retention_counts_scheduled_reviews_of_cards_in_review_state(h: History) -> None:
    h.load(basics=5)
    h.grade("d-1", 4, interval_before=5)  # young, passed
    h.grade("d-2", 2, interval_before=5)  # young, failed
    h.grade("d-3", 3, interval_before=30)  # mature, passed
    # Not reviews of cards in review state: relearning, first sight, drill, cram.
    h.grade("d-4", 5, repetitions_before=0, interval_before=1)
    h.grade("d-4", 5, kind="new", repetitions_before=0, interval_before=0)
    h.grade("d-4", 1, kind="drill", interval_before=30)
    h.grade("d-4", 5, kind="cram", interval_before=30)
    h.undo(h.grade("d-5", 1, interval_before=30))  # cancelled: never counts
    h.grade("d-1", 1, day=days_ago(5), interval_before=40)  # mature, failed, this week
    h.grade("d-2", 5, day=days_ago(20), interval_before=3)  # young, passed, this month
    h.grade("d-3", 4, day=days_ago(200), interval_before=100)  # mature, passed, this year
    h.grade("d-3", 0, day=days_ago(400), interval_before=100)  # more than a year ago

    retention = {p.period: p for p in h.stats().retention}

    assert (retention["day"].young, retention["day"].mature) == (Retention(2, 1), Retention(1, 1))
    assert (retention["week"].young, retention["week"].mature) == (Retention(2, 1), Retention(2, 1))
    assert (retention["month"].young, retention["month"].mature) == (
        Retention(3, 2),
        Retention(2, 1),
    )
    assert (retention["year"].young, retention["year"].mature) == (
        Retention(3, 2),
        Retention(3, 2),
    )
    assert retention["year"].all == Retention(6, 4)
    assert Retention(0, 0).percent is None
    assert Retention(4, 3).percent == 75.0


# ---------------------------------------------------------------- streaks


def grade_one_at(
    database: Database, learner_id: int, settings: Settings, clock: FixedClock, moment: datetime
) -> None:
    clock.current = moment
    StudySession(database, learner_id, settings, clock).grade(4)


def test_streak_follows_study_days_across_the_four_oclock_boundary(
    database: Database, learner_id: int, decks: DeckFactory
) -> None:
    """London in January is UTC; a grade before 04:00 counts for the evening before."""
    h = History(database, learner_id, decks)
    h.load(basics=10)
    clock = FixedClock(datetime(2026, 1, 11, 20, 0, tzinfo=UTC))
    moments = [
        datetime(2026, 1, 11, 20, 0),  # Sunday evening: study day 11
        datetime(2026, 1, 13, 2, 30),  # Tuesday 02:30: still study day 12
        datetime(2026, 1, 14, 3, 59),  # Wednesday 03:59: study day 13
        datetime(2026, 1, 15, 4, 1),  # Thursday 04:01: study day 15 (14 was missed)
        datetime(2026, 1, 17, 1, 0),  # Saturday 01:00: study day 16
    ]
    for moment in moments:
        grade_one_at(database, learner_id, h.settings, clock, moment.replace(tzinfo=UTC))

    def stats_on(day: int) -> tuple[int, int]:
        stats = compute_stats(database, learner_id, h.settings, date(2026, 1, day))
        return stats.streak_current, stats.streak_longest

    calendar = compute_stats(database, learner_id, h.settings, date(2026, 1, 16)).calendar
    assert [d.day.day for d in calendar] == [11, 12, 13, 15, 16]
    assert stats_on(16) == (2, 3)
    assert stats_on(17) == (2, 3)  # nothing yet today: the streak ends yesterday
    assert stats_on(18) == (0, 3)


def test_streaks_of_sorted_study_days() -> None:
    day = date(2026, 3, 1)
    assert streaks([], day) == (0, 0)
    assert streaks([day], day) == (1, 1)
    assert streaks([day - timedelta(days=2)], day) == (0, 1)
    run = [day - timedelta(days=n) for n in (9, 8, 7, 6, 1, 0)]
    assert streaks(run, day) == (2, 4)


# ---------------------------------------------------------------- cancelled grades


def test_cancelled_grades_count_nowhere(
    database: Database, learner_id: int, decks: DeckFactory
) -> None:
    h = History(database, learner_id, decks)
    h.load(basics=6)
    clock = FixedClock(datetime(2026, 1, 11, 18, 0, tzinfo=UTC))
    session = StudySession(database, learner_id, h.settings, clock)
    for grade in (5, 4, 3):
        session.grade(grade, answer_ms=2000)
    assert session.undo() is not None  # the grade 3 is cancelled
    clock.advance(days=1)
    session = StudySession(database, learner_id, h.settings, clock)
    session.grade(5)
    session.undo()  # the only grade of the 12th
    with database.session() as s:
        assert len(s.exec(select(Review)).all()) == 6  # 4 grades, 2 undo records

    stats = compute_stats(database, learner_id, h.settings, date(2026, 1, 12))

    assert stats.reviews_total == 2
    assert stats.reviews_by_kind == {"new": 2, "review": 0, "drill": 0, "cram": 0}
    assert stats.today_figures.reviews == 0
    assert stats.study_days == 1
    assert (stats.streak_current, stats.streak_longest) == (1, 1)  # the 11th
    eleventh = stats.history[-2]
    assert (eleventh.day, eleventh.reviews, eleventh.correct, eleventh.time_ms) == (
        date(2026, 1, 11),
        2,
        2,
        4000,
    )
    assert sum(h.reviews for h in stats.hours) == 2


# ---------------------------------------------------------------- today, history, hours


def test_today_shows_reviews_time_correct_share_and_new_cards(h: History) -> None:
    h.load(basics=4)
    h.grade("d-1", 5, kind="new", answer_ms=3000)
    h.grade("d-2", 2, kind="new", answer_ms=5000)
    h.grade("d-2", 4, kind="drill", answer_ms=1000)
    h.grade("d-3", 4, answer_ms=2000)
    h.grade("d-4", 4, day=days_ago(1), answer_ms=9000)

    stats = h.stats(days=7)
    today = stats.today_figures

    assert (today.reviews, today.time_ms, today.correct, today.new_cards) == (4, 11000, 3, 2)
    assert today.correct_percent == 75.0
    assert len(stats.history) == 7 and stats.history[-1].day == TODAY
    assert stats.history[-2].reviews == 1 and stats.history[0].reviews == 0
    assert stats.average_answer_ms == 20000 / 5
    assert stats.reviews_total == 5


def test_hour_of_day_is_in_the_learners_zone(h: History) -> None:
    """Kolkata is UTC+05:30: 12:40 UTC is 18:10 there, 12:20 UTC is 17:50."""
    h.load(basics=2)
    h.settings = Settings(timezone="Asia/Kolkata")
    h.grade("d-1", 4, at=time(12, 40))
    h.grade("d-2", 1, at=time(12, 20))

    hours = h.stats().hours

    assert len(hours) == 24
    assert (hours[18].reviews, hours[18].correct) == (1, 1)
    assert (hours[17].reviews, hours[17].correct) == (1, 0)
    assert sum(x.reviews for x in hours) == 2


# ---------------------------------------------------------------- decks and tags


def test_each_tag_gets_its_cards_by_state_and_its_retention(h: History, decks: DeckFactory) -> None:
    h.load(
        "a",
        notes=[
            basic("avn-1", tags=("avascular-necrosis", "hip")),
            basic("avn-2", tags=("avascular-necrosis",)),
            basic("fx-1", tags=("vertebral-fracture",)),
        ],
    )
    h.schedule("avn-1", repetitions=5, interval=30)
    h.schedule("avn-2", repetitions=2, interval=6)
    h.grade("avn-1", 4, interval_before=30)
    h.grade("avn-2", 1, interval_before=6)
    h.grade("fx-1", 5, kind="new", repetitions_before=0)

    tags = {t.key: t for t in h.stats().tags}

    assert sorted(tags) == ["avascular-necrosis", "hip", "vertebral-fracture"]
    avn = tags["avascular-necrosis"]
    assert avn.cards == StateCounts(total=2, young=1, mature=1)
    assert (avn.reviews, avn.retention) == (2, Retention(2, 1))
    assert tags["hip"].cards == StateCounts(total=1, mature=1)
    assert tags["hip"].retention == Retention(1, 1)
    fracture = tags["vertebral-fracture"]
    assert fracture.cards == StateCounts(total=1, new=1)
    assert (fracture.reviews, fracture.retention.percent) == (1, None)
    only_avn = h.stats(tag="avascular-necrosis")
    assert only_avn.cards.total == 2 and only_avn.reviews_total == 2


def test_a_tag_repeated_on_a_note_counts_its_cards_once(h: History) -> None:
    h.load("a", notes=[basic("a-1", tags=("hip", "hip", "spine")), basic("a-2", tags=("hip",))])
    h.schedule("a-1", repetitions=3, interval=30)
    h.grade("a-1", 4, interval_before=30)

    stats = h.stats()

    tags = {t.key: t for t in stats.tags}
    assert tags["hip"].cards == StateCounts(total=2, new=1, mature=1)
    assert (tags["hip"].reviews, tags["hip"].retention) == (1, Retention(1, 1))
    assert tags["spine"].cards == StateCounts(total=1, mature=1)
    assert [d.cards.total for d in stats.decks] == [2]


def test_decks_and_tags_are_listed_by_name_whatever_their_case(h: History) -> None:
    h.load("b", name="anatomy", notes=[basic("b-1", tags=("Spine", "hip"))])
    h.load("a", name="Orthopaedics", notes=[basic("a-1", tags=("avn",))])

    stats = h.stats()

    assert [d.name for d in stats.decks] == ["anatomy", "Orthopaedics"]
    assert [t.key for t in stats.tags] == ["avn", "hip", "Spine"]


def test_hardest_cards_are_the_lowest_e_factors_the_most_lapses_and_the_leeches(
    h: History,
) -> None:
    h.load(basics=4)
    h.schedule("d-1", ease_hundredths=130, lapses=2)
    h.schedule("d-2", ease_hundredths=170, lapses=5, leech=True)
    h.schedule("d-3", ease_hundredths=250, lapses=1)
    h.schedule("d-4", ease_hundredths=280)

    stats = h.stats()

    assert [c.card_id for c in stats.lowest_ease] == ["d-1", "d-2"]
    assert [c.card_id for c in stats.most_lapses] == ["d-2", "d-1", "d-3"]
    assert [c.card_id for c in stats.leeches] == ["d-2"]
    assert stats.lowest_ease[0].question == "Question d-1?"
    assert [(b.low, b.cards) for b in stats.ease] == [(1.3, 1), (1.7, 1), (2.5, 1), (2.8, 1)]
    assert stats.intervals[0].cards == 4  # all at 1 day


# ---------------------------------------------------------------- JSON


def test_json_has_the_documented_keys(h: History) -> None:
    h.load(basics=2)
    h.schedule("d-1")
    h.grade("d-1", 4)

    data = stats_json(h.stats())

    json.dumps(data)  # serialisable as is
    assert set(data) == {
        "date",
        "days",
        "scope",
        "cards",
        "reviews",
        "today",
        "streak",
        "history",
        "calendar",
        "forecast",
        "retention",
        "ease",
        "intervals",
        "answer_time",
        "hours",
        "decks",
        "tags",
        "hardest",
    }
    assert set(data["cards"]) == {
        "total",
        "new",
        "learning",
        "young",
        "mature",
        "suspended",
        "leech",
    }
    assert data["reviews"]["total"] == 1 and data["reviews"]["today"] == 1
    assert set(data["streak"]) >= {"current", "longest"}
    assert data["forecast"][0] == {"date": TODAY.isoformat(), "due": 0}
    assert len(data["forecast"]) == 30
    assert set(data["retention"]) == {"day", "week", "month", "year"}
    assert set(data["retention"]["week"]) == {"days", "young", "mature", "all"}
    assert set(data["retention"]["week"]["young"]) == {"reviews", "passed", "percent"}
    tag_n1 = min(data["tags"], key=lambda t: t["tag"])
    assert tag_n1["tag"] == "n1" and {
        "tag",
        "total",
        "new",
        "learning",
        "young",
        "mature",
        "suspended",
        "leech",
        "due",
        "reviews",
        "retention",
    } == set(tag_n1)
    assert data["decks"][0]["id"] == "d" and data["decks"][0]["total"] == 2
    assert set(data["hardest"]) == {"lowest_ease", "most_lapses", "leeches"}


# ---------------------------------------------------------------- against a naive count


def test_a_random_history_gives_the_figures_a_naive_count_gives(h: History) -> None:
    """Random schedules and grades (some undone); every figure recounted row by row."""
    rng = random.Random(8)
    h.load("a", basics=30)
    h.load("b", basics=20)
    card_ids = [f"a-{i}" for i in range(1, 31)] + [f"b-{i}" for i in range(1, 21)]
    for card_id in card_ids[:40]:
        reviews = rng.choice([0, 1, 3])
        h.schedule(
            card_id,
            reviews=reviews,
            repetitions=rng.choice([0, 1, 4]) if reviews else 0,
            interval=rng.choice([1, 6, 21, 60]),
            due_day=TODAY + timedelta(days=rng.randint(-5, 40)),
            drill_day=rng.choice([None, TODAY, days_ago(1)]),
            suspended=rng.random() < 0.15,
            leech=rng.random() < 0.1,
            ease_hundredths=rng.randint(130, 300),
        )
    h.retire("b-20")
    for _ in range(400):
        review_id = h.grade(
            rng.choice(card_ids),
            rng.randint(0, 5),
            day=days_ago(rng.choice([0, 0, 1, 2, 3, 5, 8, 9, 10, 40, 100, 300, 500])),
            kind=rng.choice(["new", "review", "review", "drill", "cram"]),
            at=time(rng.randint(0, 23), rng.randint(0, 59)),
            repetitions_before=rng.choice([0, 1, 2]),
            interval_before=rng.choice([1, 5, 20, 21, 90]),
            answer_ms=rng.randint(500, 9000),
        )
        if rng.random() < 0.1:
            h.undo(review_id)
    h.settings = Settings(timezone="America/New_York")

    stats = h.stats(days=14)

    with h.database.session() as session:
        undone = {r.cancels_id for r in session.exec(select(Review)) if r.cancels_id}
        log = [r for r in session.exec(select(Review)) if r.kind != "undo" and r.id not in undone]
        live = {c.id for c in session.exec(select(Card)) if not c.retired}
        states = {s.card_id: s for s in session.exec(select(CardState))}
    expected_states: Counter[str] = Counter()
    for card_id in live:
        s = states.get(card_id)
        expected_states[state_name(s, TODAY)] += 1
    assert stats.cards == StateCounts(
        total=len(live),
        new=expected_states["new"],
        learning=expected_states["learning"],
        young=expected_states["young"],
        mature=expected_states["mature"],
        suspended=sum(1 for c in live if c in states and states[c].suspended),
        leech=sum(1 for c in live if c in states and states[c].leech),
    )
    assert stats.reviews_total == len(log)
    assert stats.reviews_by_kind == {
        k: sum(1 for r in log if r.kind == k) for k in stats.reviews_by_kind
    }
    for day in stats.history:
        on_day = [r for r in log if r.study_day == day.day]
        assert day.reviews == len(on_day)
        assert day.time_ms == sum(r.answer_ms for r in on_day)
        assert day.correct == sum(1 for r in on_day if (r.grade or 0) >= 3)
    study_days = sorted({r.study_day for r in log})
    assert [d.day for d in stats.calendar] == [d for d in study_days if d > days_ago(365)]
    assert (stats.streak_current, stats.streak_longest) == streaks(study_days, TODAY)
    for period in stats.retention:
        chosen = [
            r
            for r in log
            if r.kind == "review"
            and r.repetitions_before > 0
            and days_ago(period.days - 1) <= r.study_day <= TODAY
        ]
        young = [r for r in chosen if r.interval_before < 21]
        mature = [r for r in chosen if r.interval_before >= 21]
        assert period.young == Retention(len(young), sum(1 for r in young if r.grade >= 3))
        assert period.mature == Retention(len(mature), sum(1 for r in mature if r.grade >= 3))
    forecast = Counter(
        max(s.due_day, TODAY)
        for s in states.values()
        if s.card_id in live and s.reviews > 0 and not s.suspended and s.due_day
    )
    assert [f.due for f in stats.forecast] == [forecast[f.day] for f in stats.forecast]
    window = [r for r in log if r.study_day >= days_ago(13)]
    zone = ZoneInfo("America/New_York")
    hours = Counter(r.reviewed_at.astimezone(zone).hour for r in window)
    assert [x.reviews for x in stats.hours] == [hours[x] for x in range(24)]
    # A deck's reviews are its history: grades of its retired cards (b-20) included.
    by_deck = Counter(r.card_id.split("-")[0] for r in window)
    assert {d.key: d.reviews for d in stats.decks} == {"a": by_deck["a"], "b": by_deck["b"]}
    assert sum(d.reviews for d in stats.decks) == stats.window_reviews
    assert sum(d.cards.total for d in stats.decks) == stats.cards.total
