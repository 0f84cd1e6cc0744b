"""The streak rule, written once (study.domain.streak) for the home screen, stats and class."""

from __future__ import annotations

from datetime import date, timedelta

from study.domain.streak import current_streak, streaks

TODAY = date(2026, 3, 10)


def days_back(*offsets: int) -> list[date]:
    return [TODAY - timedelta(days=n) for n in offsets]


def test_the_home_screens_lookups_and_the_stats_days_give_the_same_streak() -> None:
    for studied in (days_back(0, 1, 2), days_back(1, 2, 5), days_back(2, 3), [], days_back(0)):
        assert current_streak(set(studied).__contains__, TODAY) == streaks(studied, TODAY)[0]


def test_a_grade_dated_after_today_does_not_break_the_current_streak() -> None:
    # A clock set back: the home screen counted back from today, the stats from the
    # last study day; both count back from today now.
    assert streaks([*days_back(0, 1), TODAY + timedelta(days=1)], TODAY) == (2, 3)


def test_the_longest_run_does_not_depend_on_the_order_of_the_days() -> None:
    assert streaks(days_back(9, 0, 8, 1, 7, 6), TODAY) == (2, 4)
