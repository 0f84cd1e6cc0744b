"""Time: the clock passed into the core, and the learner's study day.

Times are timezone-aware UTC. A study day is the learner's local date with the day
starting at ``day_starts_at`` local time (04:00 by default), so a session past midnight
counts as the evening before, and daylight-saving changes never move a due date.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo


class Clock(Protocol):
    """Anything that tells the time; tests pass a clock they can move."""

    def now(self) -> datetime:
        """The current time, timezone-aware."""
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that stands still until moved: for tests and simulations."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware time")
        self.current = start.astimezone(UTC)

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        """Move the clock forward, e.g. ``advance(days=1, hours=2)``."""
        self.current += timedelta(**delta)


def study_day(moment: datetime, zone: ZoneInfo, day_starts_at: int = 4) -> date:
    """The learner's study day at ``moment``: local date, the day beginning at the boundary."""
    if moment.tzinfo is None:
        raise ValueError("study_day needs a timezone-aware time")
    local = moment.astimezone(zone).replace(tzinfo=None)
    return (local - timedelta(hours=day_starts_at)).date()


def day_start(day: date, zone: ZoneInfo, day_starts_at: int = 4) -> datetime:
    """When study day ``day`` begins, in UTC."""
    local = datetime(day.year, day.month, day.day, day_starts_at, tzinfo=zone)
    return local.astimezone(UTC)


def as_date(value: object) -> date:
    """A date column's value as a date: SQLite hands back ISO text where other databases
    give dates."""
    return value if isinstance(value, date) else date.fromisoformat(str(value))
