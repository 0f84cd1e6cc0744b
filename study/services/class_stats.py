"""The tutor's view of a class: every learner's progress side by side, the cards the
class finds hardest and the topics (tags) where it is weakest.

A service of the core (no textual). Every figure is an SQL aggregate over all learners
at once, never one query per learner: the review log grouped by (learner, study day),
the schedules by (learner, state), the window's grades by card; Python only adds up
the grouped rows (a few per learner and study day, one per card). The definitions are
those of :mod:`study.services.stats` (cancelled grades never count; true retention is the share
of scheduled reviews of cards in review state graded 3 or more).

Only a tutor sees the class (:class:`NotATutorError` otherwise): the profile that
created the database, or one added with ``study profile add NAME --tutor``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from study.domain.cards import CardStateName, question_and_answer
from study.domain.clock import as_date
from study.domain.errors import UserError
from study.domain.streak import streaks
from study.services.stats import Retention, StateCounts, counts_json, state_counts
from study.storage.class_queries import (
    CardScope,
    card_groups,
    card_tags,
    card_texts,
    is_tutor,
    learner_count,
    learner_day_groups,
    learner_names,
    learner_state_groups,
    live_card_count,
)
from study.storage.database import Database, Session

DEFAULT_DAYS = 30  # the window: reviews, study days and retention
HARDEST_LIMIT = 10
WEAKEST_LIMIT = 10
# A card or tag is ranked by its retention only once the class has given it this many
# retention reviews in the window: one failed review is not a 0 % card.
MIN_RETENTION_REVIEWS = 3


class NotATutorError(UserError):
    """The class view was asked for by a profile that is not a tutor."""


@dataclass(frozen=True)
class LearnerProgress:
    """One learner's row of the class view."""

    learner: str
    reviews: int  # grades in the window
    study_days: int  # days with a grade, in the window
    streak: int  # consecutive study days ending today (or yesterday)
    cards: StateCounts
    retention: Retention  # true retention in the window
    due_today: int  # due on today's date
    overdue: int  # due before today, not yet reviewed
    last_studied: date | None


@dataclass(frozen=True)
class ClassCard:
    """A card the class finds hard: retention over every learner's reviews in the window."""

    card_id: str
    deck_id: str
    question: str  # plain text: print it through study.domain.cards.printable
    learners: int  # learners who have graded it (ever)
    retention: Retention
    lapses: int  # over every learner


@dataclass(frozen=True)
class ClassTag:
    """A topic (tag): retention over every learner's reviews of its cards in the window."""

    tag: str
    cards: int
    retention: Retention
    lapses: int


@dataclass(frozen=True)
class ClassReport:
    """What `study class` and the Class screen show."""

    today: date
    days: int
    learners: tuple[LearnerProgress, ...]  # by name
    hardest_cards: tuple[ClassCard, ...]  # lowest retention first, then most lapses
    weakest_tags: tuple[ClassTag, ...]


def class_size(database: Database) -> int:
    """How many profiles the database holds (the app offers the class view from two)."""
    with database.session() as session:
        return learner_count(session)


def class_report(
    database: Database,
    viewer_id: int,
    today: date,
    *,
    deck_ids: Sequence[str] | None = None,
    tag: str | None = None,
    days: int = DEFAULT_DAYS,
) -> ClassReport:
    """The class view for the tutor ``viewer_id``, over the ``days`` study days ending
    ``today`` (the tutor's study day), for the cards of ``deck_ids`` and ``tag``.

    Raises :class:`NotATutorError` when ``viewer_id`` is not a tutor.
    """
    scope = CardScope(tuple(deck_ids) if deck_ids is not None else None, tag)
    since = today - timedelta(days=days - 1)
    with database.session() as session:
        if not is_tutor(session, viewer_id):
            raise NotATutorError(
                "the class view is for a tutor; ask the profile that created the database "
                "to run `study profile add NAME --tutor` for you"
            )
        names = learner_names(session)
        days_of = _per_learner_day(session, scope, today)
        schedules = _per_learner_state(session, scope, today)
        total_cards = live_card_count(session, scope)
        per_card = _per_card(session, scope, since, today)
        hardest = _hardest_cards(session, per_card)
        weakest = _weakest_tags(session, scope, per_card)
    learners = tuple(
        _progress(names[i], days_of.get(i, {}), schedules.get(i), total_cards, since, today)
        for i in sorted(names, key=lambda i: (names[i].casefold(), names[i]))
    )
    return ClassReport(today, days, learners, hardest, weakest)


# ---------------------------------------------------------------- the rows added up


_DayRow = tuple[int, int, int]  # reviews, retained, passed


def _per_learner_day(
    session: Session, scope: CardScope, today: date
) -> dict[int, dict[date, _DayRow]]:
    """Each learner's grades per study day, cancelled ones taken out.

    One GROUP BY (learner, study day) over the log's covering index; cancelled grades
    are rare, so the same aggregate over them alone is subtracted instead of checking
    every grade for an undo record.
    """
    counted, cancelled = learner_day_groups(session, scope, today)
    found: dict[int, dict[date, _DayRow]] = defaultdict(dict)
    for learner, day, n, r, p in counted:
        found[int(learner)][as_date(day)] = (int(n), int(r), int(p))
    for learner, day, n, r, p in cancelled:
        day = as_date(day)
        had = found[int(learner)].get(day, (0, 0, 0))
        found[int(learner)][day] = (had[0] - int(n), had[1] - int(r), had[2] - int(p))
    return found


_StateRow = tuple[str, int, int, int, int, int]  # state, cards, suspended, leech, due, overdue


def _per_learner_state(
    session: Session, scope: CardScope, today: date
) -> dict[int, list[_StateRow]]:
    """Each learner's schedules of live cards in scope, grouped by state: the number of
    cards, suspended, leeches, due today and overdue."""
    found: dict[int, list[_StateRow]] = defaultdict(list)
    for learner_id, state_name, n, suspended, leech, due, overdue in learner_state_groups(
        session, scope, today
    ):
        found[int(learner_id)].append(
            (str(state_name), int(n), int(suspended), int(leech), int(due), int(overdue))
        )
    return found


def _progress(
    name: str,
    days: dict[date, _DayRow],
    schedules: list[_StateRow] | None,
    total_cards: int,
    since: date,
    today: date,
) -> LearnerProgress:
    studied = sorted(day for day, row in days.items() if row[0] > 0)
    window = [days[day] for day in studied if day >= since]
    rows = schedules or []
    # Cards without a schedule row are new for the learner.
    unscheduled = total_cards - sum(row[1] for row in rows)
    counts = state_counts(
        [(state, n, suspended, leech) for state, n, suspended, leech, _, _ in rows]
        + [(CardStateName.NEW, unscheduled, 0, 0)]
    )
    return LearnerProgress(
        learner=name,
        reviews=sum(row[0] for row in window),
        study_days=len(window),
        streak=streaks(studied, today)[0],
        cards=counts,
        retention=Retention(sum(row[1] for row in window), sum(row[2] for row in window)),
        due_today=sum(row[4] for row in rows),
        overdue=sum(row[5] for row in rows),
        last_studied=studied[-1] if studied else None,
    )


@dataclass(frozen=True)
class _CardFigures:
    retained: int = 0
    passed: int = 0
    lapses: int = 0
    learners: int = 0


def _per_card(
    session: Session, scope: CardScope, since: date, today: date
) -> dict[str, _CardFigures]:
    """Per card over every learner: retention reviews in the window, and lapses and
    learners from the schedules."""
    window, schedules = card_groups(session, scope, since, today)
    found: dict[str, _CardFigures] = {}
    for card_id, r, p in window:
        found[str(card_id)] = _CardFigures(int(r), int(p))
    for card_id, lapses, learners in schedules:
        had = found.get(str(card_id), _CardFigures())
        found[str(card_id)] = _CardFigures(had.retained, had.passed, int(lapses), int(learners))
    return found


def _difficulty(retention: Retention, lapses: int) -> tuple[float, int]:
    """Sort key, hardest first: measured retention (unmeasured counts as 100 %), then
    the most lapses."""
    percent = retention.percent if retention.reviews >= MIN_RETENTION_REVIEWS else None
    return (percent if percent is not None else 100.0, -lapses)


def _hardest_cards(session: Session, per_card: dict[str, _CardFigures]) -> tuple[ClassCard, ...]:
    candidates = [
        (card_id, figures)
        for card_id, figures in per_card.items()
        if figures.lapses > 0
        or (
            figures.retained >= MIN_RETENTION_REVIEWS
            and figures.passed < figures.retained  # someone failed it
        )
    ]
    candidates.sort(
        key=lambda item: (
            _difficulty(Retention(item[1].retained, item[1].passed), item[1].lapses),
            item[0],
        )
    )
    chosen = dict(candidates[:HARDEST_LIMIT])
    if not chosen:
        return ()
    cards = []
    for card_id, deck_id, ordinal, note_type, front, back, text in card_texts(
        session, list(chosen)
    ):
        figures = chosen[card_id]
        question, _ = question_and_answer(note_type, front, back, text, ordinal)
        cards.append(
            ClassCard(
                card_id=card_id,
                deck_id=deck_id,
                question=question,
                learners=figures.learners,
                retention=Retention(figures.retained, figures.passed),
                lapses=figures.lapses,
            )
        )
    cards.sort(key=lambda c: (_difficulty(c.retention, c.lapses), c.card_id))
    return tuple(cards)


def _weakest_tags(
    session: Session, scope: CardScope, per_card: dict[str, _CardFigures]
) -> tuple[ClassTag, ...]:
    """Tags by the class's retention over their cards (a card counts under each tag of
    its note), lowest first; tags the class has not been measured on are left out."""
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # cards, r, p, lapses
    names: dict[str, str] = {}  # a tag by its key (study.domain.tags), as first written
    for card_id, key, tag in card_tags(session, scope):
        names[key] = min(names.get(key, tag), tag)
        figures = per_card.get(card_id)
        total = totals[key]
        total[0] += 1
        if figures is not None:
            total[1] += figures.retained
            total[2] += figures.passed
            total[3] += figures.lapses
    tags = [
        ClassTag(names[key], cards, Retention(retained, passed), lapses)
        for key, (cards, retained, passed, lapses) in totals.items()
        if retained >= MIN_RETENTION_REVIEWS
    ]
    tags.sort(key=lambda t: (_difficulty(t.retention, t.lapses), t.tag))
    return tuple(tags[:WEAKEST_LIMIT])


# ---------------------------------------------------------------- output


def _percent(retention: Retention) -> float | None:
    percent = retention.percent
    return round(percent, 1) if percent is not None else None


def class_json(report: ClassReport) -> dict[str, Any]:
    """The report as `study class --json` prints it (the README documents the keys)."""
    return {
        "learners": [
            {
                "learner": row.learner,
                "reviews": row.reviews,
                "study_days": row.study_days,
                "streak": row.streak,
                "cards": counts_json(row.cards),
                "retention": _percent(row.retention),
                "due_today": row.due_today,
                "overdue": row.overdue,
                "last_studied": row.last_studied.isoformat() if row.last_studied else None,
            }
            for row in report.learners
        ],
        "hardest_cards": [
            {
                "card": card.card_id,
                "deck": card.deck_id,
                "question": card.question,
                "learners": card.learners,
                "reviews": card.retention.reviews,
                "retention": _percent(card.retention),
                "lapses": card.lapses,
            }
            for card in report.hardest_cards
        ],
        "weakest_tags": [
            {
                "tag": tag.tag,
                "cards": tag.cards,
                "reviews": tag.retention.reviews,
                "retention": _percent(tag.retention),
                "lapses": tag.lapses,
            }
            for tag in report.weakest_tags
        ],
    }


CSV_COLUMNS = (
    "learner",
    "reviews",
    "study_days",
    "streak",
    "new",
    "learning",
    "young",
    "mature",
    "suspended",
    "leech",
    "retention",
    "due_today",
    "overdue",
    "last_studied",
)

# A spreadsheet runs a cell that starts with one of these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(value: str) -> str:
    """Text a spreadsheet shows as text: a leading quote before what would start a formula."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def class_csv_rows(report: ClassReport) -> Iterable[tuple[str | int | float, ...]]:
    """One row per learner, in :data:`CSV_COLUMNS` order (for `study class --csv`)."""
    for row in report.learners:
        percent = _percent(row.retention)
        cards = row.cards
        yield (
            spreadsheet_text(row.learner),
            row.reviews,
            row.study_days,
            row.streak,
            cards.new,
            cards.learning,
            cards.young,
            cards.mature,
            cards.suspended,
            cards.leech,
            "" if percent is None else percent,
            row.due_today,
            row.overdue,
            row.last_studied.isoformat() if row.last_studied else "",
        )
