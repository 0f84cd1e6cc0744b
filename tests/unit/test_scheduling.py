"""answer(): the one rule of an answer, pinned by hand-computed sequences and properties.

The exact SM-2 values come from tests/unit/test_sm2.py (issue 1's sequences); here they
are checked through answer(), with the rest of the rule: the kind the stored schedule
decides, lapses, leeches, same-day drills, and undo giving back the schedule before.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from study import sm2
from study.review_log import ReviewKind
from study.review_undo import derived_before, restored, undo_record
from study.scheduling import (
    NEW_CARD,
    SCHEDULE_FIELDS,
    Policy,
    Schedule,
    answer,
)

TODAY = date(2026, 3, 10)
POLICY = Policy(leech_threshold=8, suspend_leeches=True, bury_siblings=True)

days = st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 1, 1))
optional_days = st.none() | days
grades = st.integers(min_value=0, max_value=5)
kinds = st.sampled_from([ReviewKind.NEW, ReviewKind.REVIEW, ReviewKind.DRILL, ReviewKind.CRAM])
policies = st.builds(
    Policy,
    leech_threshold=st.integers(min_value=1, max_value=12),
    suspend_leeches=st.booleans(),
    bury_siblings=st.booleans(),
)


@st.composite
def schedules(draw: st.DrawFn) -> Schedule:
    """Any schedule the table holds: SM-2's state valid, the rest anything."""
    repetitions = draw(st.integers(min_value=0, max_value=30))
    low = 1 if repetitions else 0
    return Schedule(
        repetitions=repetitions,
        ease_hundredths=draw(st.integers(min_value=130, max_value=400)),
        interval=draw(st.integers(min_value=low, max_value=sm2.MAX_INTERVAL)),
        due_day=draw(optional_days),
        last_review_day=draw(optional_days | st.just(TODAY)),
        reviews=draw(st.integers(min_value=0, max_value=60)),
        lapses=draw(st.integers(min_value=0, max_value=15)),
        suspended=draw(st.booleans()),
        leech=draw(st.booleans()),
        buried_until=draw(optional_days),
        drill_day=draw(optional_days | st.just(TODAY)),
        flagged=draw(st.booleans()),
        flag_reason=draw(st.sampled_from(["", "wrong dose"])),
    )


def run(grades_: list[int], schedule: Schedule = NEW_CARD) -> list[Schedule]:
    """The schedules after each grade, one scheduled answer a day from TODAY."""
    out = []
    for offset, grade in enumerate(grades_):
        schedule = answer(schedule, grade, ReviewKind.REVIEW, POLICY, TODAY + timedelta(offset))
        schedule = schedule.schedule
        out.append(schedule)
    return out


# ---------------------------------------------------------------- hand-computed sequences


def test_five_five_five_five_three_gives_1_6_17_50_138_with_e_factor_2_76() -> None:
    after = run([5, 5, 5, 5, 3])
    assert [s.interval for s in after] == [1, 6, 17, 50, 138]
    assert [Decimal(s.ease_hundredths) / 100 for s in after] == [
        Decimal("2.6"),
        Decimal("2.7"),
        Decimal("2.8"),
        Decimal("2.9"),
        Decimal("2.76"),
    ]


def test_a_new_cards_first_answer_is_new_and_due_tomorrow() -> None:
    done = answer(NEW_CARD, 4, ReviewKind.REVIEW, POLICY, TODAY)
    assert done.kind == ReviewKind.NEW and not done.lapsed
    assert (done.schedule.repetitions, done.schedule.interval) == (1, 1)
    assert done.schedule.due_day == TODAY + timedelta(1)
    assert done.schedule.drill_day is None and not done.comes_back_today


def test_the_eighth_lapse_makes_a_suspended_leech_that_does_not_come_back() -> None:
    card = replace(run([5, 5])[-1], lapses=7, last_review_day=TODAY - timedelta(9))
    done = answer(card, 1, ReviewKind.REVIEW, POLICY, TODAY)
    assert done.lapsed and done.became_leech and done.suspended_as_leech
    assert done.schedule.lapses == 8 and done.schedule.leech and done.schedule.suspended
    assert not done.comes_back_today and done.schedule.drill_day is None


def test_a_leech_only_marked_comes_back_today() -> None:
    card = replace(run([5, 5])[-1], lapses=7, last_review_day=TODAY - timedelta(9))
    done = answer(card, 1, ReviewKind.REVIEW, replace(POLICY, suspend_leeches=False), TODAY)
    assert done.became_leech and not done.suspended_as_leech and not done.schedule.suspended
    assert done.comes_back_today and done.schedule.drill_day == TODAY


def test_a_card_graded_elsewhere_today_is_answered_as_a_drill() -> None:
    card = run([5])[-1]  # reviewed on TODAY
    done = answer(card, 5, ReviewKind.REVIEW, POLICY, TODAY)
    assert done.kind == ReviewKind.DRILL and done.schedule == card


# ---------------------------------------------------------------- properties


@given(schedules(), grades, kinds, policies, days)
def test_a_scheduled_answer_is_sm2_exactly(
    schedule: Schedule, grade: int, kind: str, policy: Policy, today: date
) -> None:
    done = answer(schedule, grade, kind, policy, today)
    if not done.moves_schedule:
        return
    expected = sm2.review(schedule.sm2, grade)
    assert done.schedule.sm2 == expected  # E-Factor as an exact Fraction
    assert Fraction(done.schedule.ease_hundredths, 100) == expected.easiness
    assert done.schedule.due_day == today + timedelta(days=expected.interval)
    assert done.schedule.last_review_day == today
    assert done.schedule.reviews == schedule.reviews + 1


@given(schedules(), grades, kinds, policies, days)
def test_the_stored_schedule_decides_the_kind(
    schedule: Schedule, grade: int, kind: str, policy: Policy, today: date
) -> None:
    done = answer(schedule, grade, kind, policy, today)
    if kind in (ReviewKind.DRILL, ReviewKind.CRAM):
        assert done.kind == kind
    elif schedule.reviews == 0:
        assert done.kind == ReviewKind.NEW
    elif schedule.last_review_day == today:
        assert done.kind == ReviewKind.DRILL  # SM-2 moves once a day
    else:
        assert done.kind == ReviewKind.REVIEW


@given(schedules(), grades, kinds, policies, days)
def test_a_lapse_is_a_failed_scheduled_review_and_the_threshold_makes_a_leech(
    schedule: Schedule, grade: int, kind: str, policy: Policy, today: date
) -> None:
    done = answer(schedule, grade, kind, policy, today)
    assert done.lapsed == (done.kind == ReviewKind.REVIEW and grade < sm2.PASSING_GRADE)
    assert done.schedule.lapses == schedule.lapses + int(done.lapsed)
    assert done.became_leech == (
        done.lapsed and not schedule.leech and done.schedule.lapses >= policy.leech_threshold
    )
    assert done.suspended_as_leech == (done.became_leech and policy.suspend_leeches)
    assert done.schedule.leech == (schedule.leech or done.became_leech)
    assert done.schedule.suspended == (schedule.suspended or done.suspended_as_leech)


@given(schedules(), grades, kinds, policies, days)
def test_a_grade_below_4_comes_back_today_unless_suspended_as_a_leech(
    schedule: Schedule, grade: int, kind: str, policy: Policy, today: date
) -> None:
    done = answer(schedule, grade, kind, policy, today)
    assert done.comes_back_today == (grade < 4 and not done.suspended_as_leech)
    if done.kind in (ReviewKind.NEW, ReviewKind.REVIEW, ReviewKind.DRILL):
        assert done.schedule.drill_day == (today if done.comes_back_today else None)


@given(schedules(), grades, kinds, policies, days)
def test_drill_and_cram_leave_sm2_and_the_due_date_alone(
    schedule: Schedule, grade: int, kind: str, policy: Policy, today: date
) -> None:
    done = answer(schedule, grade, kind, policy, today)
    if done.kind == ReviewKind.CRAM:
        assert done.schedule == schedule
    elif done.kind == ReviewKind.DRILL:
        assert replace(done.schedule, drill_day=schedule.drill_day) == schedule
    assert done.buries_siblings == (done.moves_schedule and policy.bury_siblings)


@given(schedules(), grades, kinds, policies, days)
def test_the_log_entry_holds_the_sm2_values_before_and_after(
    schedule: Schedule, grade: int, kind: str, policy: Policy, today: date
) -> None:
    done = answer(schedule, grade, kind, policy, today)
    entry, after = done.entry, done.schedule
    assert (entry.kind, entry.grade, entry.study_day) == (done.kind, grade, today)
    assert (entry.repetitions_before, entry.ease_before) == (
        schedule.repetitions,
        schedule.ease_hundredths,
    )
    assert (entry.interval_before, entry.due_before) == (schedule.interval, schedule.due_day)
    assert (entry.repetitions_after, entry.ease_after) == (after.repetitions, after.ease_hundredths)
    assert (entry.interval_after, entry.due_after) == (after.interval, after.due_day)


@given(
    schedules(), grades, kinds, policies, days, st.dictionaries(st.sampled_from("xyz"), schedules())
)
def test_undo_gives_back_every_schedule_the_answer_changed(
    schedule: Schedule,
    grade: int,
    kind: str,
    policy: Policy,
    today: date,
    siblings: dict[str, Schedule],
) -> None:
    done = answer(schedule, grade, kind, policy, today)
    buried = {name: replace(s, buried_until=today + timedelta(1)) for name, s in siblings.items()}
    now = {"card": done.schedule, **buried}
    record = undo_record(schedule, siblings, done.schedule, done.entry)
    back = restored(record, done.entry, "card", now.__getitem__)
    assert back == {"card": schedule, **siblings}
    if record is None:  # the row alone was enough
        assert derived_before(done.schedule, done.entry) == schedule and not siblings


@given(schedules(), grades, kinds, policies, days)
def test_answer_is_pure(
    schedule: Schedule, grade: int, kind: str, policy: Policy, today: date
) -> None:
    assert answer(schedule, grade, kind, policy, today) == answer(
        schedule, grade, kind, policy, today
    )


@pytest.mark.parametrize("grade", [6, -1, 4.0, True, None, "4"])
def test_answer_refuses_what_is_not_a_grade(grade: object) -> None:
    with pytest.raises(ValueError):
        answer(NEW_CARD, grade, ReviewKind.NEW, POLICY, TODAY)  # type: ignore[arg-type]


# ---------------------------------------------------------------- the one shape's forms


@given(schedules())
def test_a_schedule_survives_its_json_and_row_forms(schedule: Schedule) -> None:
    assert Schedule.from_json(schedule.json()) == schedule
    assert Schedule.from_row(tuple(schedule.row().values())) == schedule
    plain = tuple(
        value.isoformat()
        if isinstance(value, date)
        else int(value)
        if isinstance(value, bool)
        else value
        for value in schedule.row().values()
    )  # as sqlite3 hands a row back: dates as text, booleans as 0 and 1
    assert Schedule.from_plain_row(plain) == schedule
    assert tuple(schedule.row()) == SCHEDULE_FIELDS


def test_a_stored_snapshot_missing_a_column_restores_a_new_cards_value_there() -> None:
    snapshot = replace(NEW_CARD, repetitions=2, interval=6).json()
    del snapshot["flag_reason"], snapshot["drill_day"]
    assert Schedule.from_json(snapshot) == replace(NEW_CARD, repetitions=2, interval=6)
