"""A card's schedule and what answering it does: one type, one pure rule.

No I/O, no clock, no database (the first screen imports it before SQLAlchemy loads).

* :class:`Schedule` is one learner's schedule for one card, the values of a
  ``card_state`` row, frozen. It is the one shape of a schedule from the database row
  to the undo record: :meth:`Schedule.from_row` / :meth:`Schedule.row` convert it to
  the row's columns (:data:`SCHEDULE_FIELDS`), :meth:`Schedule.from_json` /
  :meth:`Schedule.json` to the JSON form undo records and card actions store.
* :func:`answer` is the rule of one answer: which kind it really is (the stored
  schedule decides), the new schedule (SM-2 for a scheduled review, :mod:`study.sm2`),
  the review-log entry, whether the card comes back today (SM-2's step 7: a grade
  below 4), whether it lapsed and whether it became a leech. The session applies it in
  one transaction; the grade previews are the same function applied to each grade.

docs/scheduling.md explains the conventions with their tests.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from datetime import date, timedelta
from fractions import Fraction
from functools import cached_property
from typing import Any

from study import sm2
from study.clock import as_date
from study.config import Settings
from study.review_log import SCHEDULED, ReviewKind

_DATES = frozenset(("due_day", "last_review_day", "buried_until", "drill_day"))
DRILL_BELOW = 4  # SM-2's step 7: a grade below 4 is asked again the same day


@dataclass(frozen=True)
class Schedule:
    """One learner's schedule for one card (no row stored: these defaults, a new card)."""

    repetitions: int = 0
    ease_hundredths: int = 250  # the E-Factor in exact hundredths
    interval: int = 0
    due_day: date | None = None
    last_review_day: date | None = None
    reviews: int = 0  # scheduled reviews (drills and cram not counted)
    lapses: int = 0
    suspended: bool = False
    leech: bool = False
    buried_until: date | None = None  # hidden while the study day is before this date
    drill_day: date | None = None  # waiting to be drilled on this study day
    flagged: bool = False
    flag_reason: str = ""

    @classmethod
    def from_row(cls, row: Any) -> Schedule:
        """From the columns :data:`SCHEDULE_FIELDS` in that order (a tuple), or from an
        object with them as attributes (a ``CardState``)."""
        if isinstance(row, tuple):
            return cls(*row)
        return cls(*(getattr(row, name) for name in SCHEDULE_FIELDS))

    @classmethod
    def from_plain_row(cls, row: Sequence[Any]) -> Schedule:
        """From the columns :data:`SCHEDULE_FIELDS` as plain SQL hands them back (SQLite:
        dates as ISO text, booleans as 0 and 1)."""
        values = list(row)
        for index in _DATE_COLUMNS:
            if values[index] is not None:
                values[index] = as_date(values[index])
        for index in _BOOL_COLUMNS:
            values[index] = bool(values[index])
        return cls(*values)

    def row(self) -> dict[str, Any]:
        """The columns :data:`SCHEDULE_FIELDS` by name, as stored."""
        return {name: getattr(self, name) for name in SCHEDULE_FIELDS}

    def json(self) -> dict[str, Any]:
        """The JSON form undo records and card actions store: the columns, dates as
        ISO text."""
        values = self.row()
        for name in _DATES:
            day = values[name]
            values[name] = day.isoformat() if day is not None else None
        return values

    @classmethod
    def from_json(cls, values: dict[str, Any]) -> Schedule:
        """Back from :meth:`json` (a column missing: a new card's value)."""
        known = {name: values[name] for name in SCHEDULE_FIELDS if name in values}
        for name in _DATES & known.keys():
            day = known[name]
            known[name] = date.fromisoformat(day) if isinstance(day, str) else day
        return cls(**known)

    @cached_property  # read once per grade of a preview
    def sm2(self) -> sm2.Sm2State:
        """What SM-2 remembers of it."""
        return sm2.Sm2State(self.repetitions, Fraction(self.ease_hundredths, 100), self.interval)


SCHEDULE_FIELDS = tuple(f.name for f in fields(Schedule))  # the columns, in row order
_DATE_COLUMNS = tuple(i for i, name in enumerate(SCHEDULE_FIELDS) if name in _DATES)
_BOOL_COLUMNS = tuple(i for i, f in enumerate(fields(Schedule)) if f.type == "bool")
NEW_CARD = Schedule()


def hundredths(easiness: Fraction) -> int:
    """An E-Factor as stored: exact hundredths (SM-2 only moves it by hundredths)."""
    whole, rest = divmod(easiness.numerator * 100, easiness.denominator)
    if rest:
        raise ValueError(f"E-Factor {easiness} is not a whole number of hundredths")
    return whole


@dataclass(frozen=True)
class Policy:
    """The learner's settings an answer depends on."""

    leech_threshold: int = 8  # the lapse that makes a card a leech
    suspend_leeches: bool = True  # leech_action "suspend" (else only marked)
    bury_siblings: bool = True

    @classmethod
    def of(cls, settings: Settings) -> Policy:
        """The policy of ``settings``."""
        return cls(
            settings.leech_threshold, settings.leech_action == "suspend", settings.bury_siblings
        )


@dataclass(frozen=True, slots=True)
class ReviewEntry:
    """One answer in the review log: its kind, grade and day, and the SM-2 values before
    and after it (E-Factors in hundredths, as the ``review`` row stores them)."""

    kind: str
    grade: int | None
    study_day: date
    repetitions_before: int
    ease_before: int
    interval_before: int
    due_before: date | None
    repetitions_after: int
    ease_after: int
    interval_after: int
    due_after: date | None

    @classmethod
    def of(cls, review: Any) -> ReviewEntry:
        """The entry of a stored review row (``Review``)."""
        return cls(*(getattr(review, name) for name in _ENTRY_FIELDS))

    def row(self) -> dict[str, Any]:
        """The entry's columns of the ``review`` row, by name."""
        return {name: getattr(self, name) for name in _ENTRY_FIELDS}


_ENTRY_FIELDS = tuple(f.name for f in fields(ReviewEntry))


@dataclass(frozen=True, slots=True)
class Answer:
    """What one answer does (see :func:`answer`)."""

    schedule: Schedule  # the card's schedule after it
    entry: ReviewEntry  # what the review log records
    comes_back_today: bool  # asked again in a same-day drill
    lapsed: bool  # a failed scheduled review of a card reviewed before
    became_leech: bool
    suspended_as_leech: bool
    buries_siblings: bool  # the note's other cards are hidden until the next study day

    @property
    def kind(self) -> str:
        return self.entry.kind

    @property
    def moves_schedule(self) -> bool:
        """Whether SM-2 ran: a new card or a scheduled review (not a drill or cram)."""
        return self.entry.kind in SCHEDULED


def answer_kind(schedule: Schedule, shown_as: str, today: date) -> str:
    """What an answer to a card shown as ``shown_as`` is: the stored schedule decides a
    scheduled answer (the card may have been graded, or undone, elsewhere meanwhile)."""
    if shown_as not in SCHEDULED:
        return shown_as  # drill or cram
    if schedule.reviews == 0:
        return ReviewKind.NEW
    if schedule.last_review_day == today:
        # Graded in another window today: SM-2 advances once a day, so this answer is
        # what the card is now, a drill (issue 21, D4).
        return ReviewKind.DRILL
    return ReviewKind.REVIEW


def answer(schedule: Schedule, grade: int, kind: str, policy: Policy, today: date) -> Answer:
    """Answer a card with ``schedule``, shown as ``kind`` (new, review, drill or cram),
    with ``grade`` on the study day ``today``.

    A new card or a scheduled review moves the schedule by SM-2, due ``today`` plus the
    new interval. A lapse is a scheduled review (not new, drill or cram) graded below 3,
    whatever the card's n; at the ``leech_threshold``-th lapse the card becomes a leech,
    suspended (and so not drilled) when the policy says so. A drill only keeps or ends
    the card's drill; cram leaves the schedule as it is.
    """
    grade = sm2.validate_grade(grade)
    kind = answer_kind(schedule, kind, today)
    comes_back = grade < DRILL_BELOW
    lapsed = became_leech = suspended_as_leech = False
    after = schedule
    if kind in SCHEDULED:
        moved = sm2.review(schedule.sm2, grade)
        lapses, leech, suspended = schedule.lapses, schedule.leech, schedule.suspended
        lapsed = kind == ReviewKind.REVIEW and grade < sm2.PASSING_GRADE
        if lapsed:
            lapses += 1
            if lapses >= policy.leech_threshold and not leech:
                leech = became_leech = True
                if policy.suspend_leeches:
                    suspended = suspended_as_leech = True
                    comes_back = False
        after = Schedule(  # every field named (a constructor costs half a replace())
            repetitions=moved.repetitions,
            ease_hundredths=hundredths(moved.easiness),
            interval=moved.interval,
            due_day=today + timedelta(days=moved.interval),
            last_review_day=today,
            reviews=schedule.reviews + 1,
            lapses=lapses,
            suspended=suspended,
            leech=leech,
            buried_until=schedule.buried_until,
            drill_day=today if comes_back else None,
            flagged=schedule.flagged,
            flag_reason=schedule.flag_reason,
        )
    elif kind == ReviewKind.DRILL:
        drill_day = today if comes_back else None
        if drill_day != schedule.drill_day:
            after = replace(schedule, drill_day=drill_day)
    entry = ReviewEntry(
        kind=kind,
        grade=grade,
        study_day=today,
        repetitions_before=schedule.repetitions,
        ease_before=schedule.ease_hundredths,
        interval_before=schedule.interval,
        due_before=schedule.due_day,
        repetitions_after=after.repetitions,
        ease_after=after.ease_hundredths,
        interval_after=after.interval,
        due_after=after.due_day,
    )
    return Answer(
        schedule=after,
        entry=entry,
        comes_back_today=comes_back,
        lapsed=lapsed,
        became_leech=became_leech,
        suspended_as_leech=suspended_as_leech,
        buries_siblings=kind in SCHEDULED and policy.bury_siblings,
    )
