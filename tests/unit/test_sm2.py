"""SM-2 as specified in issue 4: hand-computed sequences and properties."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from study.domain import sm2
from study.domain.sm2 import MAX_INTERVAL, Grade, Sm2State, review


def run(grades: list[int], state: Sm2State | None = None) -> list[Sm2State]:
    """The states after each grade, from a new card unless ``state`` is given."""
    states = []
    state = state or Sm2State()
    for grade in grades:
        state = review(state, grade)
        states.append(state)
    return states


# ---------------------------------------------------------------- hand-computed sequences


def test_four_perfect_grades_give_1_6_17_50_with_easiness_growing_by_a_tenth() -> None:
    states = run([5, 5, 5, 5])
    assert [s.interval for s in states] == [1, 6, 17, 50]
    assert [s.easiness for s in states] == [
        Fraction(26, 10),
        Fraction(27, 10),
        Fraction(28, 10),
        Fraction(29, 10),
    ]
    assert [s.repetitions for s in states] == [1, 2, 3, 4]


def test_interval_grows_by_the_easiness_as_updated_by_this_grade() -> None:
    # With the E-Factor before the grade, the fourth interval would be ceil(17 * 2.8) = 48.
    assert run([5, 5, 5, 5])[-1].interval == 50 != math.ceil(17 * 2.8)


def test_a_hard_fifth_grade_gives_138_days_in_exact_arithmetic() -> None:
    last = run([5, 5, 5, 5, 3])[-1]
    assert last.easiness == Fraction(276, 100)
    assert last.interval == 138
    # The same steps in floats end at 2.7600000000000007, and 50 * that rounds up to 139.
    ef = 2.5
    for q in (5, 5, 5, 5, 3):
        ef = max(1.3, ef + 0.1 - (5 - q) * (0.08 + (5 - q) * 0.02))
    assert math.ceil(50 * ef) == 139


def test_grade_4_keeps_the_easiness() -> None:
    assert [s.easiness for s in run([4, 4, 4])] == [Fraction(5, 2)] * 3
    assert [s.interval for s in run([4, 4, 4])] == [1, 6, 15]


def test_grade_3_lowers_the_easiness_by_0_14() -> None:
    assert run([3])[0].easiness == Fraction(236, 100)


@pytest.mark.parametrize("grade", [0, 1, 2])
def test_failed_card_restarts_at_one_day_and_keeps_its_easiness(grade: int) -> None:
    before = run([5, 5, 3])[-1]
    after = review(before, grade)
    assert after == Sm2State(repetitions=0, easiness=before.easiness, interval=1)


def test_after_a_failure_repetitions_start_again_at_1_then_6_days() -> None:
    states = run([5, 5, 5, 1, 5, 5, 5])
    # 2.8 is kept through the failure, then 2.9, 3.0, 3.1: ceil(6 * 3.1) = 19.
    assert [s.interval for s in states] == [1, 6, 17, 1, 1, 6, 19]
    assert [s.repetitions for s in states] == [1, 2, 3, 0, 1, 2, 3]
    assert states[3].easiness == Fraction(28, 10)


def test_easiness_never_falls_below_1_3() -> None:
    states = run([3] * 12)
    assert min(s.easiness for s in states) == Fraction(13, 10)
    assert states[-1].easiness == Fraction(13, 10)
    # 2.5 - 0.14 * 8 = 1.38; the ninth grade 3 would give 1.24 and is floored.
    assert states[7].easiness == Fraction(138, 100)
    assert states[8].easiness == Fraction(13, 10)


def test_grade_0_from_the_floor_stays_at_the_floor() -> None:
    state = Sm2State(repetitions=3, easiness=Fraction(13, 10), interval=10)
    assert review(state, 0).easiness == Fraction(13, 10)


def test_interval_is_capped_at_36500_days() -> None:
    state = Sm2State(repetitions=10, easiness=Fraction(3), interval=20_000)
    assert review(state, 5).interval == MAX_INTERVAL
    assert review(review(state, 5), 5).interval == MAX_INTERVAL


def test_grade_enum_members_are_accepted() -> None:
    assert review(Sm2State(), Grade.PERFECT) == review(Sm2State(), 5)
    assert Grade.HESITANT.meaning == "correct after hesitation"


def test_preview_lists_the_state_of_every_grade() -> None:
    state = run([5, 5])[-1]
    previews = sm2.preview(state)
    assert sorted(previews) == [0, 1, 2, 3, 4, 5]
    assert previews[5].interval == 17
    assert previews[2].interval == 1


# ---------------------------------------------------------------- invalid input


@pytest.mark.parametrize(
    "grade", [6, -1, 4.0, 2.5, True, False, None, "4", Fraction(4), Decimal(4)]
)
def test_anything_but_an_int_from_0_to_5_is_not_a_grade(grade: object) -> None:
    with pytest.raises(ValueError, match="grade"):
        review(Sm2State(), grade)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"repetitions": -1},
        {"interval": -1},
        {"easiness": Fraction(129, 100)},
        {"easiness": Fraction(0)},
        {"repetitions": 1, "interval": 0},
        {"interval": MAX_INTERVAL + 1, "repetitions": 3},
        {"easiness": 2.5},
        {"repetitions": 1.0, "interval": 1},
        {"repetitions": True, "interval": 1},
        {"interval": 1.5},
    ],
)
def test_impossible_states_are_rejected(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        Sm2State(**kwargs)  # type: ignore[arg-type]


def test_easiness_given_as_decimal_is_stored_exactly() -> None:
    state = Sm2State(repetitions=1, easiness=Decimal("2.36"), interval=1)  # type: ignore[arg-type]
    assert state.easiness == Fraction(236, 100)
    assert isinstance(state.easiness, Fraction)


def test_float_of_the_easiness_gives_its_value() -> None:
    assert float(run([5])[0].easiness) == 2.6


# ---------------------------------------------------------------- properties

grades = st.integers(min_value=0, max_value=5)
grade_lists = st.lists(grades, max_size=60)


def reference(grades_: list[int]) -> list[tuple[int, Fraction, int]]:
    """An independent SM-2 in Fractions, written from the issue's text."""
    n, ef, interval = 0, Fraction(5, 2), 0
    out = []
    for q in grades_:
        if q >= 3:
            ef = max(
                Fraction(13, 10),
                ef + Fraction(1, 10) - (5 - q) * (Fraction(8, 100) + (5 - q) * Fraction(2, 100)),
            )
            n += 1
            interval = (
                1 if n == 1 else 6 if n == 2 else -((-interval * ef.numerator) // ef.denominator)
            )
            interval = min(interval, 36500)
        else:
            n, interval = 0, 1
        out.append((n, ef, interval))
    return out


@given(grade_lists)
def test_review_matches_an_exact_reference_for_any_sequence(sequence: list[int]) -> None:
    got = [(s.repetitions, s.easiness, s.interval) for s in run(sequence)]
    assert got == reference(sequence)


@given(grade_lists)
def test_easiness_never_below_1_3_and_always_whole_hundredths(sequence: list[int]) -> None:
    for state in run(sequence):
        assert state.easiness >= Fraction(13, 10)
        assert (state.easiness * 100).denominator == 1


@given(grade_lists, st.integers(min_value=0, max_value=2))
def test_any_failure_resets_to_one_day_and_keeps_the_easiness(
    sequence: list[int], failing: int
) -> None:
    before = run(sequence)[-1] if sequence else Sm2State()
    after = review(before, failing)
    assert (after.repetitions, after.interval, after.easiness) == (0, 1, before.easiness)


@given(grade_lists, st.lists(st.integers(min_value=3, max_value=5), min_size=1, max_size=30))
def test_passing_grades_never_shorten_the_interval_once_past_the_first_two(
    prefix: list[int], passing: list[int]
) -> None:
    states = run(passing, run(prefix)[-1] if prefix else None)
    intervals = [s.interval for s in states]
    assert intervals == sorted(intervals)
    assert all(s.interval <= MAX_INTERVAL for s in states)


@given(grade_lists, grades)
def test_passing_grade_adds_one_repetition(sequence: list[int], grade: int) -> None:
    before = run(sequence)[-1] if sequence else Sm2State()
    after = review(before, grade)
    if grade >= 3:
        assert after.repetitions == before.repetitions + 1
        assert after.easiness - before.easiness <= Fraction(1, 10)
    else:
        assert after.repetitions == 0


@given(grade_lists)
def test_review_is_pure(sequence: list[int]) -> None:
    assert run(sequence) == run(sequence)
