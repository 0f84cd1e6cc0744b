"""The SM-2 algorithm (P. A. Wozniak, 1990): pure functions on an immutable state.

No I/O, no clock, no database. The conventions this project fixes:

* ``grade`` is an ``int`` from 0 to 5 (an :class:`Grade` member is fine). Anything
  else -- ``6``, ``-1``, ``4.0``, ``2.5``, ``True``, ``None``, ``"4"`` -- raises
  :class:`ValueError`.
* grade >= 3: ``EF' = max(1.3, EF + 0.1 - (5-q)(0.08 + (5-q)*0.02))``; ``n' = n + 1``;
  ``I' = 1`` when ``n' = 1``, ``6`` when ``n' = 2``, otherwise ``ceil(I * EF')`` -- the
  interval grows by the E-Factor *as updated by this grade*, and a fraction of a day
  is rounded up. ``I'`` is capped at 36500 days.
* grade < 3: ``n' = 0``, ``I' = 1``, the E-Factor is left unchanged ("start
  repetitions from the beginning without changing the E-Factor").
* Arithmetic is exact (:class:`fractions.Fraction`): grades 5, 5, 5, 5, 3 give
  intervals 1, 6, 17, 50, 138 with E-Factor 2.76 (floats would give 139); grades
  5, 5, 5, 5 give 1, 6, 17, 50 with E-Factors 2.6, 2.7, 2.8, 2.9. E-Factors only move by
  hundredths, so the database stores them exactly as integer hundredths.
* :class:`Sm2State` rejects impossible states: negative values, a float E-Factor, an
  E-Factor below 1.3, n >= 1 with interval 0, an interval above the cap.

What this module does not decide lives around it: what one answer does to a card (its
kind, drills -- SM-2's step 7 --, lapses and leeches: a lapse is a failed scheduled review
of a card reviewed before) in :func:`study.scheduling.answer`; study days, limits, cram
and undo in :mod:`study.session`. docs/scheduling.md describes it all.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import IntEnum
from fractions import Fraction

MIN_EASINESS = Fraction(13, 10)
DEFAULT_EASINESS = Fraction(5, 2)
MAX_INTERVAL = 36500
PASSING_GRADE = 3


class Grade(IntEnum):
    """SM-2's six grades, with the meanings Wozniak gave them."""

    BLACKOUT = 0
    WRONG_REMEMBERED = 1
    WRONG_EASY = 2
    HARD = 3
    HESITANT = 4
    PERFECT = 5

    @property
    def meaning(self) -> str:
        """The grade's meaning as shown to a learner."""
        return GRADE_MEANINGS[self]


GRADE_MEANINGS: dict[int, str] = {
    0: "complete blackout",
    1: "incorrect; the answer remembered on seeing it",
    2: "incorrect; the answer seemed easy to recall",
    3: "correct with serious difficulty",
    4: "correct after hesitation",
    5: "perfect response",
}


def validate_grade(grade: object) -> int:
    """Return ``grade`` as an int, or raise ValueError for anything but 0..5."""
    # bool is an int subclass and float 4.0 == 4: both are refused on purpose.
    if isinstance(grade, bool) or not isinstance(grade, int):
        raise ValueError(f"grade must be an int from 0 to 5, not {grade!r}")
    if not 0 <= grade <= 5:
        raise ValueError(f"grade must be from 0 to 5, not {grade}")
    return int(grade)


@dataclass(frozen=True)
class Sm2State:
    """What SM-2 remembers about one card for one learner."""

    repetitions: int = 0
    easiness: Fraction = field(default=DEFAULT_EASINESS)
    interval: int = 0

    def __post_init__(self) -> None:
        if isinstance(self.easiness, float):
            raise ValueError("easiness must be exact (Fraction, Decimal or int), not a float")
        object.__setattr__(self, "easiness", Fraction(self.easiness))
        for name in ("repetitions", "interval"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"{name} must be an int, not {value!r}")
            if value < 0:
                raise ValueError(f"{name} must not be negative, not {value}")
        if self.easiness < MIN_EASINESS:
            raise ValueError(f"easiness must be at least 1.3, not {float(self.easiness)}")
        if self.interval > MAX_INTERVAL:
            raise ValueError(f"interval must be at most {MAX_INTERVAL} days")
        if self.repetitions >= 1 and self.interval == 0:
            raise ValueError(
                "a card with successful repetitions needs an interval of a day or more"
            )


def next_easiness(easiness: Fraction, grade: int) -> Fraction:
    """The E-Factor after a passing grade, floored at 1.3."""
    miss = 5 - grade
    # 0.1 - miss * (0.08 + miss * 0.02), the same rational in hundredths: one Fraction
    # built instead of five (a preview computes six of these per card shown).
    return max(MIN_EASINESS, easiness + Fraction(10 - miss * (8 + miss * 2), 100))


def review(state: Sm2State, grade: int) -> Sm2State:
    """Apply one graded review to ``state`` and return the new state."""
    grade = validate_grade(grade)
    if grade < PASSING_GRADE:
        return Sm2State(repetitions=0, easiness=state.easiness, interval=1)
    easiness = next_easiness(state.easiness, grade)
    repetitions = state.repetitions + 1
    if repetitions == 1:
        interval = 1
    elif repetitions == 2:
        interval = 6
    else:
        interval = math.ceil(state.interval * easiness)
    return Sm2State(repetitions, easiness, min(interval, MAX_INTERVAL))


def preview(state: Sm2State) -> dict[int, Sm2State]:
    """The state each grade would give, for showing the choices before grading."""
    return {grade: review(state, grade) for grade in range(6)}
