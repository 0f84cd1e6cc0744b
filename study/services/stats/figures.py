"""What the statistics are: the figures, as frozen dataclasses, and their constants."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from study.domain.cards import CardStateName

FORECAST_DAYS = 30
CALENDAR_DAYS = 365
HARDEST_LIMIT = 10
KINDS = ("new", "review", "drill", "cram")
# Retention periods: name and number of study days, today included.
PERIODS = (("day", 1), ("week", 7), ("month", 30), ("year", 365))
# Days (today included) whose grades are read in detail besides the history window.
DETAIL_DAYS = max(CALENDAR_DAYS, *(length for _, length in PERIODS))
# Interval histogram buckets in days: (from, to); None: and above.
INTERVAL_BUCKETS: tuple[tuple[int, int | None], ...] = (
    (1, 1),
    (2, 2),
    (3, 6),
    (7, 13),
    (14, 20),
    (21, 29),
    (30, 59),
    (60, 119),
    (120, 239),
    (240, 364),
    (365, None),
)


@dataclass(frozen=True)
class StateCounts:
    """Cards by state; ``new + learning + young + mature == total``."""

    total: int = 0
    new: int = 0
    learning: int = 0
    young: int = 0
    mature: int = 0
    suspended: int = 0
    leech: int = 0


def state_counts(rows: Sequence[tuple[str, int, int, int]]) -> StateCounts:
    """Fold (state, cards, suspended, leech) rows into counts."""
    counts = dict.fromkeys(CardStateName, 0)
    suspended = leech = 0
    for state, n, s, lch in rows:
        counts[CardStateName(state)] += int(n)
        suspended += int(s)
        leech += int(lch)
    return StateCounts(
        total=sum(counts.values()),
        new=counts[CardStateName.NEW],
        learning=counts[CardStateName.LEARNING],
        young=counts[CardStateName.YOUNG],
        mature=counts[CardStateName.MATURE],
        suspended=suspended,
        leech=leech,
    )


@dataclass(frozen=True)
class Retention:
    """Reviews of cards in review state, and how many of them were graded 3 or more."""

    reviews: int = 0
    passed: int = 0

    @property
    def percent(self) -> float | None:
        """The share passed, in percent; None without reviews (not 0: nothing was measured)."""
        return 100.0 * self.passed / self.reviews if self.reviews else None

    def __add__(self, other: Retention) -> Retention:
        return Retention(self.reviews + other.reviews, self.passed + other.passed)


@dataclass(frozen=True)
class PeriodRetention:
    """True retention over the last ``days`` study days (today included)."""

    period: str
    days: int
    young: Retention
    mature: Retention

    @property
    def all(self) -> Retention:
        return self.young + self.mature


@dataclass(frozen=True)
class DayFigures:
    """One study day: reviews, time spent, reviews graded 3 or more, new cards seen."""

    day: date
    reviews: int = 0
    time_ms: int = 0
    correct: int = 0
    new_cards: int = 0

    @property
    def correct_percent(self) -> float | None:
        return 100.0 * self.correct / self.reviews if self.reviews else None


@dataclass(frozen=True)
class ForecastDay:
    """Cards due on one day (today's figure includes the overdue ones)."""

    day: date
    due: int


@dataclass(frozen=True)
class Bucket:
    """A histogram bar: cards whose value lies in [low, high]; high None means no limit."""

    low: float
    high: float | None
    cards: int


@dataclass(frozen=True)
class HourFigures:
    """Reviews given in one hour of the day (learner's zone), over the history window."""

    hour: int
    reviews: int
    correct: int


@dataclass(frozen=True)
class GroupFigures:
    """A deck or a tag: its cards by state, due today, and its reviews in the window."""

    key: str  # deck id or tag
    name: str  # deck name or tag
    cards: StateCounts
    due: int
    reviews: int
    retention: Retention


@dataclass(frozen=True)
class HardCard:
    """One of the hardest cards (plain text; print it through study.domain.cards.printable)."""

    card_id: str
    deck_id: str
    question: str
    ease_hundredths: int
    interval: int
    reviews: int
    lapses: int
    suspended: bool
    leech: bool


@dataclass(frozen=True)
class Stats:
    """Everything `study stats` and the Stats screen show, for one learner and scope."""

    today: date
    days: int
    deck_ids: tuple[str, ...] | None
    tag: str | None
    cards: StateCounts
    reviews_total: int
    reviews_by_kind: dict[str, int]
    today_figures: DayFigures
    streak_current: int
    streak_longest: int
    study_days: int
    history: tuple[DayFigures, ...]  # the window: ``days`` days ending today, oldest first
    calendar: tuple[DayFigures, ...]  # the last 365 days with reviews, oldest first
    forecast: tuple[ForecastDay, ...]
    retention: tuple[PeriodRetention, ...]
    ease: tuple[Bucket, ...]
    intervals: tuple[Bucket, ...]
    average_answer_ms: float | None  # over the window
    hours: tuple[HourFigures, ...]
    decks: tuple[GroupFigures, ...]
    tags: tuple[GroupFigures, ...]
    lowest_ease: tuple[HardCard, ...]
    most_lapses: tuple[HardCard, ...]
    leeches: tuple[HardCard, ...]
    window_reviews: int  # reviews in the window

    @property
    def reviews_today(self) -> int:
        return self.today_figures.reviews
