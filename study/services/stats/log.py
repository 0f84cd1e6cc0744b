"""``study log``: the learner's grades one by one, as a tutor or a spreadsheet reads them."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from study.domain.cards import question_and_answer
from study.storage.database import Database
from study.storage.stats_queries import review_log_rows


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
    questions: dict[str, str] = {}
    with database.session() as session:
        for row in review_log_rows(session, learner_id, deck_ids, tag):
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
