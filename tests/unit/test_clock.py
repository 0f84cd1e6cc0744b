"""Study days: the day starts at 04:00 local, and daylight-saving changes never move it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from study.domain.clock import FixedClock, SystemClock, day_start, study_day

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")


def local(zone: ZoneInfo, *args: int, fold: int = 0) -> datetime:
    return datetime(*args, tzinfo=zone, fold=fold)  # type: ignore[misc]


def test_half_past_one_at_night_counts_as_the_evening_before() -> None:
    assert study_day(local(LONDON, 2026, 1, 13, 1, 30), LONDON) == date(2026, 1, 12)


def test_the_study_day_begins_at_the_day_boundary() -> None:
    assert study_day(local(LONDON, 2026, 1, 13, 3, 59), LONDON) == date(2026, 1, 12)
    assert study_day(local(LONDON, 2026, 1, 13, 4, 0), LONDON) == date(2026, 1, 13)


def test_day_boundary_is_a_setting() -> None:
    moment = local(LONDON, 2026, 1, 13, 1, 30)
    assert study_day(moment, LONDON, day_starts_at=0) == date(2026, 1, 13)
    assert study_day(moment, LONDON, day_starts_at=2) == date(2026, 1, 12)


def test_the_study_day_is_the_learners_local_date_not_utc() -> None:
    # 02:00 UTC is 21:00 the evening before in New York.
    moment = datetime(2026, 1, 13, 2, 0, tzinfo=UTC)
    assert study_day(moment, NEW_YORK) == date(2026, 1, 12)
    assert study_day(moment, ZoneInfo("Asia/Tokyo")) == date(2026, 1, 13)


@pytest.mark.parametrize(
    ("zone", "night"),
    [
        (LONDON, date(2026, 3, 29)),  # spring forward 01:00 -> 02:00
        (LONDON, date(2026, 10, 25)),  # fall back 02:00 -> 01:00
        (NEW_YORK, date(2026, 3, 8)),  # spring forward 02:00 -> 03:00
        (NEW_YORK, date(2026, 11, 1)),  # fall back 02:00 -> 01:00
    ],
)
def test_dst_nights_change_the_study_day_once_at_4_local(zone: ZoneInfo, night: date) -> None:
    start = datetime(night.year, night.month, night.day, tzinfo=UTC) - timedelta(days=2)
    moments = [start + timedelta(minutes=10 * i) for i in range(6 * 24 * 5)]
    days = [study_day(m, zone) for m in moments]
    assert days == sorted(days)
    changes = [
        m for m, before, after in zip(moments[1:], days, days[1:], strict=False) if after != before
    ]
    assert all(c.astimezone(zone).hour == 4 and c.astimezone(zone).minute == 0 for c in changes)
    assert [study_day(c, zone) for c in changes] == [
        study_day(changes[0], zone) + timedelta(days=i) for i in range(len(changes))
    ]


def test_the_repeated_hour_of_a_fall_back_night_stays_on_the_evening_before() -> None:
    first = local(NEW_YORK, 2026, 11, 1, 1, 30, fold=0)
    second = local(NEW_YORK, 2026, 11, 1, 1, 30, fold=1)
    assert second.astimezone(UTC) - first.astimezone(UTC) == timedelta(hours=1)
    assert study_day(first, NEW_YORK) == study_day(second, NEW_YORK) == date(2026, 10, 31)


zones = st.sampled_from([LONDON, NEW_YORK, ZoneInfo("Australia/Sydney"), ZoneInfo("UTC")])
days = st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31))


@given(days, zones, st.integers(min_value=0, max_value=23))
def test_day_start_is_the_first_moment_of_its_study_day(
    day: date, zone: ZoneInfo, hour: int
) -> None:
    start = day_start(day, zone, hour)
    assert start.tzinfo is UTC
    assert study_day(start, zone, hour) == day
    assert study_day(start - timedelta(microseconds=1), zone, hour) == day - timedelta(days=1)


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        study_day(datetime(2026, 1, 1, 12), LONDON)
    with pytest.raises(ValueError, match="timezone-aware"):
        FixedClock(datetime(2026, 1, 1, 12))


def test_fixed_clock_stands_still_until_moved_and_reports_utc() -> None:
    clock = FixedClock(local(NEW_YORK, 2026, 1, 1, 12))
    assert clock.now() == clock.now() == datetime(2026, 1, 1, 17, tzinfo=UTC)
    assert clock.now().tzinfo is UTC
    clock.advance(days=1, hours=2)
    assert clock.now() == datetime(2026, 1, 2, 19, tzinfo=UTC)


def test_system_clock_is_aware() -> None:
    assert SystemClock().now().tzinfo is not None
