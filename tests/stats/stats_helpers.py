"""Hand-built histories for the statistics tests: schedules and log rows written directly,
so every expected figure can be worked out by hand."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from study.domain.config import Settings
from study.services.library import import_deck_files
from study.services.stats import Stats, compute_stats
from study.storage.database import Database
from study.storage.models import Card, CardState, Review
from study.storage.schedules import card_keys
from tests.conftest import ZONE, DeckFactory

TODAY = date(2026, 1, 12)  # the study day at tests.conftest.START


@dataclass
class History:
    """A database with decks and a learner, and helpers to write schedules and grades."""

    database: Database
    learner_id: int
    decks: DeckFactory
    settings: Settings = field(default_factory=lambda: Settings(timezone=ZONE))
    today: date = TODAY

    def load(self, deck_id: str = "d", **kwargs: Any) -> None:
        """Import a deck file written by the deck factory."""
        now = datetime(2026, 1, 1, tzinfo=UTC)
        import_deck_files(self.database, [self.decks.write(deck_id, **kwargs)], now)

    def schedule(self, card_id: str, **values: Any) -> None:
        """Give a card a schedule (reviews=1, repetitions=1 unless given)."""
        values.setdefault("reviews", 1)
        values.setdefault("repetitions", 1)
        values.setdefault("interval", 1)
        values.setdefault("due_day", self.today + timedelta(days=values["interval"]))

        def work(session: Any) -> None:
            session.merge(CardState(learner_id=self.learner_id, card_id=card_id, **values))

        self.database.write(work)

    def retire(self, card_id: str) -> None:
        def work(session: Any) -> None:
            card = session.get(Card, card_id)
            card.retired = True
            session.add(card)

        self.database.write(work)

    def grade(
        self,
        card_id: str,
        grade: int,
        *,
        day: date | None = None,
        kind: str = "review",
        at: time = time(18, 0),
        repetitions_before: int = 1,
        interval_before: int = 1,
        answer_ms: int = 1000,
        ease_after: int = 250,
        interval_after: int = 1,
    ) -> int:
        """Log one grade on study ``day`` (default today) at UTC time ``at``; its id."""
        day = day or self.today
        with self.database.session() as session:
            key = card_keys(session, [card_id])[card_id]
        review = Review(
            learner_id=self.learner_id,
            card_key=key,
            reviewed_at=datetime.combine(day, at, tzinfo=UTC),
            study_day=day,
            grade=grade,
            kind=kind,
            answer_ms=answer_ms,
            repetitions_before=repetitions_before,
            interval_before=interval_before,
            ease_after=ease_after,
            interval_after=interval_after,
        )

        def work(session: Any) -> int:
            session.add(review)
            session.flush()
            assert review.id is not None
            return review.id

        return self.database.write(work)

    def undo(self, review_id: int, day: date | None = None) -> None:
        """Log an undo record cancelling ``review_id``."""

        def work(session: Any) -> None:
            cancelled = session.get(Review, review_id)
            session.add(
                Review(
                    learner_id=self.learner_id,
                    card_key=cancelled.card_key,
                    reviewed_at=cancelled.reviewed_at,
                    study_day=day or cancelled.study_day,
                    kind="undo",
                    cancels_id=review_id,
                )
            )

        self.database.write(work)

    def stats(self, **kwargs: Any) -> Stats:
        today = kwargs.pop("today", self.today)
        return compute_stats(self.database, self.learner_id, self.settings, today, **kwargs)
