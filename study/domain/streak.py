"""Streaks: runs of consecutive study days (a study day is a day with a grade that was
not undone).

The current streak ends today, or yesterday while nothing has been studied yet today:
the day is not over, so the streak is not broken yet. The home screen asks
:func:`current_streak` one day at a time (an indexed lookup each); the statistics and
the class view have every study day at hand and ask :func:`streaks`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta

ONE_DAY = timedelta(days=1)


def current_streak(studied_on: Callable[[date], bool], today: date) -> int:
    """The current streak: consecutive days ``studied_on`` holds for, ending today (or
    yesterday while nothing has been studied yet today)."""
    day = today if studied_on(today) else today - ONE_DAY
    run = 0
    while day > date.min and studied_on(day):
        run += 1
        day -= ONE_DAY
    return run


def streaks(study_days: Iterable[date], today: date) -> tuple[int, int]:
    """(current, longest) runs of consecutive study days, from the study days."""
    days = set(study_days)
    longest = run = 0
    previous: date | None = None
    for day in sorted(days):
        run = run + 1 if previous is not None and day - previous == ONE_DAY else 1
        longest = max(longest, run)
        previous = day
    return current_streak(days.__contains__, today), longest
