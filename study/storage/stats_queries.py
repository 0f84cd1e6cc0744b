"""The statistics' queries (``study stats`` and ``study log``): each a few GROUP BYs
whose rows study.services.stats adds up into figures.

The database does the counting, in GROUP BYs that each read their rows once: the
review log per study day, and the window per deck and tag and per hour, through the
learner's day index ``ix_review_day``; the cards by (deck, tags, state); the schedules
by (E-Factor, interval, due day). The queries are worded so that SQLite has one
sensible plan with or without ``ANALYZE`` statistics (tests/stats pins the plans).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from typing import Any, Literal

import sqlalchemy as sa
from sqlmodel import Session

from study.domain.cards import MATURE_INTERVAL
from study.domain.review_log import ReviewKind
from study.domain.sm2 import PASSING_GRADE
from study.storage.schedules import cancelled_by_undo, not_cancelled
from study.storage.stats_scope import (
    CARD,
    DECK,
    NOTE,
    REVIEW,
    STATE,
    Scope,
    state_expression,
    tagged,
    unindexed,
)
from study.storage.tags import tag_list

# reviewed_at is stored as milliseconds since the epoch (UTC), on every database.
HOUR_MS = 3_600_000


def day_groups(session: Session, scope: Scope, detail_from: date) -> Iterator[tuple[int, Any]]:
    """Every study day's grades grouped by (day, kind), each row with its sign: 1 for
    the grades, -1 for the cancelled ones to take out.

    A row is (day, kind, reviews, answer ms, passed, young, young passed, mature,
    mature passed); days before ``detail_from`` have only the first three (the rest 0).
    The whole history is read as GROUP BYs over the learner's day index. Grouping by
    (day, kind), the index's own order, needs no sort: the passes are counted by
    conditional sums, not by a group per grade. Cancelled grades are rare, so instead
    of checking each review for an undo record, the same aggregate over the cancelled
    grades alone is subtracted.
    """
    review = REVIEW.c
    passed = review.grade >= PASSING_GRADE
    in_review_state = review.repetitions_before > 0
    young = sa.and_(in_review_state, review.interval_before < MATURE_INTERVAL)
    mature = sa.and_(in_review_state, review.interval_before >= MATURE_INTERVAL)
    columns = (
        review.study_day,
        review.kind,
        sa.func.count(),
        sa.func.coalesce(sa.func.sum(review.answer_ms), 0),
        *(
            sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)
            for condition in (
                passed,
                young,
                sa.and_(young, passed),
                mature,
                sa.and_(mature, passed),
            )
        ),
    )
    group = (review.study_day, review.kind)
    recent = (
        scope.reviews(sa.select(*columns).select_from(REVIEW))
        .where(review.study_day >= detail_from)
        .group_by(*group)
    )
    counted_only = (sa.literal(0),) * (len(columns) - 3)
    older = (
        scope.reviews(sa.select(*columns[:3], *counted_only).select_from(REVIEW))
        .where(review.study_day < detail_from)
        .group_by(*group)
    )
    # The cancelled grades, found from the undo records that cancel them: the partial
    # index on cancels_id holds only those, so this reads a few rows, never the log.
    # (Offered the learner's index, SQLite would walk the whole log to find them.)
    undo, undone = cancelled_by_undo(REVIEW)
    cancelled = (
        scope.reviews(
            sa.select(*columns).select_from(undone),
            leading=False,
        )
        .where(undo.c.cancels_id.is_not(None), unindexed(undo.c.learner_id) == scope.learner_id)
        .group_by(*group)
    )
    for sign, query in ((1, older), (1, recent), (-1, cancelled)):
        for row in session.execute(query):
            yield sign, row


def _flag_sum(column: sa.ColumnElement[Any]) -> sa.ColumnElement[int]:
    return sa.func.coalesce(sa.func.sum(sa.case((column.is_(True), 1), else_=0)), 0)


def _due_today(today: date) -> sa.ColumnElement[int]:
    state = STATE.c
    return sa.func.coalesce(
        sa.func.sum(
            sa.case(
                (
                    sa.and_(state.reviews > 0, state.suspended.is_(False), state.due_day <= today),
                    1,
                ),
                else_=0,
            )
        ),
        0,
    )


def _window_reviews(scope: Scope, since: date) -> sa.Subquery:
    """Grades in the window per card: reviews, and true-retention reviews and passes."""
    review = REVIEW.c
    retained = sa.and_(review.kind == ReviewKind.REVIEW, review.repetitions_before > 0)
    passed = sa.and_(retained, review.grade >= PASSING_GRADE)
    query = sa.select(
        review.card_key.label("card_key"),
        sa.func.count().label("reviews"),
        sa.func.sum(sa.case((retained, 1), else_=0)).label("retained"),
        sa.func.sum(sa.case((passed, 1), else_=0)).label("passed"),
    ).select_from(REVIEW)
    query = scope.reviews(query).where(
        review.study_day >= since, review.study_day <= scope.today, not_cancelled()
    )
    return query.group_by(review.card_key).subquery("window")


def group_rows(
    session: Session, scope: Scope, since: date
) -> tuple[list[Any], list[Any], dict[str, str]]:
    """The cards and the window's grades grouped by (deck, the note's tags), and every
    deck's name by its id.

    The cards' rows are (deck, tags, state, cards, suspended, leech, due today); the
    grades' (deck, tags, reviews, retention reviews, passes), over the window from
    ``since`` to today (grades of retired cards included: they are history). The tags
    are :func:`study.storage.tags.tag_list`'s text. Two GROUP BYs serve decks and tags
    together: every card is read once.
    """
    state = STATE.c
    state_name = state_expression(scope.today).label("state")
    # Grouped by its name: written out again, the subquery would run twice a card.
    note_tags = tag_list(CARD.c.note_id).label("note_tags")
    by_tags: sa.ColumnElement[Any] = sa.literal_column("note_tags")
    cards = scope.cards(
        sa.select(
            CARD.c.deck_id,
            note_tags,
            state_name,
            sa.func.count(),
            _flag_sum(state.suspended),
            _flag_sum(state.leech),
            _due_today(scope.today),
        ).select_from(
            CARD.outerjoin(
                STATE,
                sa.and_(state.card_id == CARD.c.id, state.learner_id == scope.learner_id),
            )
        )
    ).group_by(CARD.c.deck_id, by_tags, state_name)
    window = _window_reviews(scope, since)
    reviews = (
        sa.select(
            CARD.c.deck_id,
            note_tags,
            sa.func.sum(window.c.reviews),
            sa.func.sum(window.c.retained),
            sa.func.sum(window.c.passed),
        )
        .select_from(window.join(CARD, CARD.c.key == window.c.card_key))
        .group_by(CARD.c.deck_id, by_tags)
    )
    card_rows = list(session.execute(cards))
    review_rows = list(session.execute(reviews))
    names = {deck_id: name for deck_id, name in session.execute(sa.select(DECK.c.id, DECK.c.name))}
    return card_rows, review_rows, names


def _studied(scope: Scope, *columns: Any) -> sa.Select[Any]:
    """A query over the schedules of graded cards in scope.

    The scope is a set test on the card id rather than a join with ``card``, and the
    learner test is kept away from the (learner, due day) index: the schedules are read
    in one sequential scan instead of one lookup per card.
    """
    query = (
        sa.select(*columns)
        .select_from(STATE)
        .where(unindexed(STATE.c.learner_id) == scope.learner_id, STATE.c.reviews > 0)
    )
    if scope.deck_ids is None and scope.tag is None:
        retired = sa.select(CARD.c.id).where(CARD.c.retired.is_(True))
        return query.where(STATE.c.card_id.not_in(retired))
    return query.where(STATE.c.card_id.in_(scope.cards(sa.select(CARD.c.id))))


def schedule_groups(
    session: Session,
    scope: Scope,
    buckets: Sequence[tuple[int, int | None]],
    forecast_days: int,
) -> list[Any]:
    """The graded cards' schedules grouped by (E-Factor tenth, interval bucket, forecast
    day), with the cards in each: one read of the schedules for the forecast and both
    histograms.

    The bucket is the index in ``buckets`` ((from, to) days, the last open); the day is
    the due day within the ``forecast_days`` from today, today for overdue cards, None
    for suspended ones and later days.
    """
    state = STATE.c
    today = scope.today
    last = today + timedelta(days=forecast_days - 1)
    tenth = (state.ease_hundredths // 10).label("tenth")
    bucket = sa.case(
        *(
            (state.interval <= high, index)
            for index, (_, high) in enumerate(buckets)
            if high is not None
        ),
        else_=len(buckets) - 1,
    ).label("bucket")
    day = sa.case(
        (
            sa.or_(state.suspended.is_(True), state.due_day.is_(None), state.due_day > last),
            sa.null(),
        ),
        (state.due_day < today, sa.literal(today, sa.Date)),
        else_=state.due_day,
    ).label("day")
    query = _studied(scope, tenth, bucket, day, sa.func.count()).group_by(tenth, bucket, day)
    return list(session.execute(query))


def hour_groups(session: Session, scope: Scope, since: date) -> list[Any]:
    """The window's grades grouped by UTC quarter hour: (hours since the epoch, quarter,
    reviews, passed).

    By quarter hour because a zone's offset is a whole number of quarter hours: the
    service places each group in its local hour, daylight saving included.
    """
    review = REVIEW.c
    passed = sa.func.sum(sa.case((review.grade >= PASSING_GRADE, 1), else_=0))
    millis = sa.type_coerce(review.reviewed_at, sa.BigInteger)
    hour_key = millis // HOUR_MS
    quarter = (millis % HOUR_MS) // (HOUR_MS // 4)
    query: Any = sa.select(hour_key, quarter, sa.func.count(), passed).select_from(REVIEW)
    query = scope.reviews(query).where(
        review.study_day >= since, review.study_day <= scope.today, not_cancelled()
    )
    return list(session.execute(query.group_by(hour_key, quarter)))


# What a card's question is made from (study.domain.cards.question_and_answer).
_CARD_TEXT = (CARD.c.deck_id, CARD.c.ordinal, NOTE.c.type, NOTE.c.front, NOTE.c.back, NOTE.c.text)

Ranking = Literal["lowest_ease", "most_lapses", "leeches"]

_STATE_C = STATE.c
_BY_EASE = (_STATE_C.ease_hundredths, _STATE_C.lapses.desc())
_BY_LAPSES = (_STATE_C.lapses.desc(), _STATE_C.ease_hundredths)
# Which schedules each ranking lists, and in what order.
_RANKINGS: dict[str, tuple[sa.ColumnElement[bool], tuple[Any, ...]]] = {
    "lowest_ease": (_STATE_C.ease_hundredths < 250, _BY_EASE),
    "most_lapses": (_STATE_C.lapses > 0, _BY_LAPSES),
    "leeches": (_STATE_C.leech.is_(True), _BY_LAPSES),
}


def hardest_rows(session: Session, scope: Scope, ranking: Ranking, limit: int) -> list[Any]:
    """The ``limit`` worst schedules of a ranking (lowest E-Factor under 2.5, most
    lapses, leeches) with their cards' text, in no particular order.

    A row has the schedule's card_id, ease_hundredths, interval, reviews, lapses,
    suspended and leech, and the card's deck_id, ordinal and note's type, front, back
    and text.
    """
    state = STATE.c
    condition, order = _RANKINGS[ranking]
    # The few worst schedules first, then their cards' text: a join for 10 rows only.
    worst = (
        _studied(
            scope,
            state.card_id,
            state.ease_hundredths,
            state.interval,
            state.reviews,
            state.lapses,
            state.suspended,
            state.leech,
        )
        .where(condition)
        .order_by(*order, state.card_id)
        .limit(limit)
        .subquery("worst")
    )
    query = sa.select(worst, *_CARD_TEXT).select_from(
        worst.join(CARD, CARD.c.id == worst.c.card_id).join(NOTE, NOTE.c.id == CARD.c.note_id)
    )
    return list(session.execute(query))


def review_log_rows(
    session: Session,
    learner_id: int,
    deck_ids: Sequence[str] | None,
    tag: str | None,
) -> Iterator[Any]:
    """The learner's grades, oldest first, streamed, with their cards' deck and text;
    cancelled grades and undo records left out.

    A row has the grade's study_day, reviewed_at, card_id, grade, kind, interval_after,
    ease_after and answer_ms, and the card's deck_id, ordinal and note's type, front,
    back and text.
    """
    review = REVIEW.c
    query = (
        sa.select(
            review.study_day,
            review.reviewed_at,
            CARD.c.id.label("card_id"),
            review.grade,
            review.kind,
            review.interval_after,
            review.ease_after,
            review.answer_ms,
            *_CARD_TEXT,
        )
        .select_from(
            REVIEW.join(CARD, CARD.c.key == review.card_key).join(NOTE, NOTE.c.id == CARD.c.note_id)
        )
        .where(review.learner_id == learner_id, review.kind != ReviewKind.UNDO)
        .where(not_cancelled())
        .order_by(review.id)
    )
    if deck_ids is not None:
        query = query.where(CARD.c.deck_id.in_(list(deck_ids)))
    if tag is not None:
        query = query.where(tagged(tag))
    yield from session.execute(query.execution_options(yield_per=1000))
