"""``study log``: the learner's grades one by one, as a tutor or a spreadsheet reads them."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from study.domain.cards import question_and_answer
from study.domain.review_log import ReviewKind
from study.services.stats.scope import CARD, NOTE, REVIEW, tagged
from study.storage.database import Database
from study.storage.schedules import not_cancelled


@dataclass(frozen=True)
class LogEntry:
    """One grade of the review log, as a tutor or a spreadsheet reads it."""

    day: date  # the study day
    at: datetime  # when, in the learner's zone
    deck_id: str
    card_id: str
    question: str  # plain text: print it through study.domain.cards.printable
    grade: int
    kind: str  # new, review, drill or cram
    interval: int  # days until the next review, after this grade
    ease_hundredths: int  # the E-Factor after this grade, in hundredths
    answer_ms: int


def review_log(
    database: Database,
    learner_id: int,
    zone: ZoneInfo,
    *,
    deck_ids: Sequence[str] | None = None,
    tag: str | None = None,
) -> Iterator[LogEntry]:
    """The learner's grades, oldest first, streamed; cancelled grades and undo records
    are left out (the log shows what counts, like every other figure)."""
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
            CARD.c.deck_id,
            CARD.c.ordinal,
            NOTE.c.type,
            NOTE.c.front,
            NOTE.c.back,
            NOTE.c.text,
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
    questions: dict[str, str] = {}
    with database.session() as session:
        for row in session.execute(query.execution_options(yield_per=1000)):
            question = questions.get(row.card_id)
            if question is None:
                question, _ = question_and_answer(
                    row.type, row.front, row.back, row.text, row.ordinal
                )
                questions[row.card_id] = question
            yield LogEntry(
                day=row.study_day,
                at=row.reviewed_at.astimezone(zone),
                deck_id=row.deck_id,
                card_id=row.card_id,
                question=question,
                grade=row.grade,
                kind=row.kind,
                interval=row.interval_after,
                ease_hundredths=row.ease_after,
                answer_ms=row.answer_ms,
            )
