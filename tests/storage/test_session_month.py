"""A simulated month of study: limits, drills, burying, leeches, cram and undo together.

Thirty days of sessions at random evening hours (some past midnight), with random
grades, undos (in the same session and after reopening), buried and suspended cards and
a cram session. After every day the review log is checked against the rules, and every
card's schedule is recomputed from the log with study.domain.sm2 and compared with the database.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from study.domain import sm2
from study.domain.clock import FixedClock
from study.domain.config import DeckLimits, Settings
from study.services.library import import_deck_files
from study.services.session import StudySession
from study.storage.database import Database
from study.storage.models import Card, CardState, Review
from study.storage.schedules import not_cancelled
from tests.conftest import DeckFactory, basic, cloze

ZONE = ZoneInfo("America/New_York")  # the month spans the spring-forward night
FIRST_DAY = date(2026, 2, 25)
LIMITS = {
    "med": DeckLimits(new_per_day=8, reviews_per_day=40),
    "cardio": DeckLimits(new_per_day=3, reviews_per_day=200),
    "derm": DeckLimits(new_per_day=6, reviews_per_day=15),
}
SUBTREES = {"med": {"med", "cardio"}, "cardio": {"cardio"}, "derm": {"derm"}}
LEECH_THRESHOLD = 3
HARD = {"derm-3", "derm-4", "cardio-2"}  # failed at every chance to lapse: leeches


def load(database: Database, decks: DeckFactory, now: datetime) -> None:
    med = [basic(f"med-{i}") for i in range(1, 13)] + [
        cloze(f"med-cloze-{i}", "{{c1::Aa}}, {{c2::Bb}} and {{c3::Cc::hint}}") for i in range(4)
    ]
    paths = [
        decks.write("med", name="Medicine", notes=med),
        decks.write("cardio", name="Medicine::Cardio", basics=14),
        decks.write("derm", name="Dermatology", basics=40),
    ]
    import_deck_files(database, paths, now)


def live_log(database: Database) -> list[Review]:
    with database.session() as session:
        return list(
            session.exec(
                select(Review).where(Review.kind != "undo", not_cancelled()).order_by(Review.id)  # type: ignore[arg-type]
            )
        )


def check_day(
    database: Database, learner_id: int, day: date, deck_of: dict[str, str], note_of: dict[str, str]
) -> None:
    log = live_log(database)
    today = [r for r in log if r.study_day == day]
    scheduled = [r for r in today if r.kind in ("new", "review")]

    # Daily limits per deck, each counting its child decks.
    for deck, limits in LIMITS.items():
        subtree = SUBTREES[deck]
        new = sum(r.kind == "new" and deck_of[r.card_id] in subtree for r in scheduled)
        due = sum(r.kind == "review" and deck_of[r.card_id] in subtree for r in scheduled)
        assert new <= limits.new_per_day, (day, deck, "new", new)
        assert due <= limits.reviews_per_day, (day, deck, "reviews", due)

    # One scheduled answer per card a day; one card per note a day (siblings buried).
    # (At most one: with every failed review a lapse, a day can be all leeches.)
    assert max(Counter(r.card_id for r in scheduled).values(), default=0) <= 1
    assert max(Counter(note_of[r.card_id] for r in scheduled).values(), default=0) <= 1

    # Drills and cram change nothing; drills only follow a grade below 4 that day.
    for r in today:
        if r.kind in ("drill", "cram"):
            assert (r.repetitions_before, r.ease_before, r.interval_before, r.due_before) == (
                r.repetitions_after,
                r.ease_after,
                r.interval_after,
                r.due_after,
            )
        if r.kind == "drill":
            earlier = [e for e in today if e.card_id == r.card_id and e.id < r.id]  # type: ignore[operator]
            assert earlier and earlier[-1].grade is not None and earlier[-1].grade < 4

    # The schedule in the database is SM-2 replayed over the log, drills and cram ignored.
    with database.session() as session:
        states = {
            s.card_id: s
            for s in session.exec(select(CardState).where(CardState.learner_id == learner_id))
        }
    replayed: dict[str, tuple[sm2.Sm2State, date, int]] = {}
    for r in log:
        if r.kind not in ("new", "review"):
            continue
        state, _, lapses = replayed.get(r.card_id, (sm2.Sm2State(), day, 0))
        assert r.grade is not None
        if r.grade < 3 and r.kind == "review":  # a failed review of a card seen before
            lapses += 1
        state = sm2.review(state, r.grade)
        replayed[r.card_id] = (state, r.study_day + timedelta(days=state.interval), lapses)
    for card_id, (state, due, lapses) in replayed.items():
        stored = states[card_id]
        assert stored.repetitions == state.repetitions, card_id
        assert Fraction(stored.ease_hundredths, 100) == state.easiness, card_id
        assert stored.interval == state.interval, card_id
        assert stored.due_day == due, card_id
        assert stored.lapses == lapses, card_id
        assert stored.leech == (lapses >= LEECH_THRESHOLD), card_id
        if stored.leech:
            assert stored.suspended, card_id


@pytest.mark.parametrize("seed", [1, 2])
def test_a_month_of_study_keeps_every_rule(
    database: Database, learner_id: int, decks: DeckFactory, seed: int
) -> None:
    rng = random.Random(seed)
    settings = Settings(
        timezone=str(ZONE),
        deck_limits=LIMITS,
        leech_threshold=LEECH_THRESHOLD,
        drill_gap=2,
    )
    clock = FixedClock(datetime(2026, 2, 25, 19, tzinfo=ZONE))
    load(database, decks, clock.now())
    with database.session() as session:
        cards = list(session.exec(select(Card)))
    deck_of = {c.id: c.deck_id for c in cards}
    note_of = {c.id: c.note_id for c in cards}
    set_aside: set[str] = set()  # buried or suspended by the learner today
    totals: Counter[str] = Counter()
    leech_outcomes = 0

    def grade_for(card_id: str, kind: str) -> int:
        if card_id in HARD and kind == "review":
            # Fail when n >= 1, pass otherwise: a lapse every other day.
            with database.session() as s:
                state = s.get(CardState, (learner_id, card_id))
            return 0 if state is not None and state.repetitions >= 1 else 5
        return rng.choice([1, 2, 3, 4, 4, 5, 5, 5]) if kind != "drill" else rng.choice([2, 4, 5])

    for offset in range(30):
        day = FIRST_DAY + timedelta(days=offset)
        # Study some evening between 18:00 and 02:00 local: after midnight is still `day`.
        start = datetime(day.year, day.month, day.day, 18, tzinfo=ZONE)
        clock.current = (start + timedelta(minutes=rng.randrange(0, 8 * 60))).astimezone(
            clock.current.tzinfo
        )
        set_aside.clear()
        session = StudySession(database, learner_id, settings, clock)
        assert session.today == day
        last_due: date | None = None
        regrading = False
        steps = 0
        while (content := session.current()) is not None:
            steps += 1
            assert steps < 2000
            card_id, kind = content.card_id, session.current_kind
            assert kind is not None
            assert card_id not in set_aside
            if kind == "review" and not regrading:
                # Due reviews come most overdue first (new cards are spread among them).
                with database.session() as s:
                    due = s.get(CardState, (learner_id, card_id)).due_day  # type: ignore[union-attr]
                assert due is not None and due <= day
                assert last_due is None or due >= last_due
                last_due = due
            roll = rng.random()
            if roll < 0.02:
                session.bury()
                set_aside.add(card_id)
                continue
            if roll < 0.03 and kind == "new":
                session.suspend()
                set_aside.add(card_id)
                continue
            outcome = session.grade(grade_for(card_id, kind))
            totals[kind] += 1
            clock.advance(seconds=rng.randrange(5, 40))
            leech_outcomes += outcome.answer.became_leech
            if outcome.answer.became_leech:
                assert outcome.answer.suspended_as_leech and not outcome.answer.comes_back_today
            regrading = False
            if rng.random() < 0.08 and not outcome.answer.became_leech:
                undone = session.undo()
                assert undone == card_id
                assert session.current() is not None and session.current().card_id == card_id  # type: ignore[union-attr]
                totals["undo"] += 1
                regrading = True
            elif rng.random() < 0.04:
                # Close the app and open it again; sometimes undo the last grade there.
                session = StudySession(database, learner_id, settings, clock)
                last_due = None
                if rng.random() < 0.5 and not outcome.answer.became_leech:
                    assert session.undo() == card_id
                    totals["undo after reopening"] += 1
                    regrading = True
        # Every failed card was drilled until it scored 4 or 5 (unless set aside).
        log = [r for r in live_log(database) if r.study_day == day]
        last_answer: dict[str, Review] = {}
        for r in log:
            last_answer[r.card_id] = r
        for card_id, r in last_answer.items():
            if card_id in set_aside or r.kind == "cram":
                continue
            with database.session() as s:
                state = s.get(CardState, (learner_id, card_id))
            assert state is not None
            if not state.suspended:
                assert r.grade is not None and r.grade >= 4, (day, card_id, r.kind, r.grade)
        check_day(database, learner_id, day, deck_of, note_of)
        if offset == 20:
            # Cram Dermatology before an exam: everything logged, nothing rescheduled.
            with database.session() as s:
                before = {c.card_id: c for c in s.exec(select(CardState))}
            cram = StudySession(database, learner_id, settings, clock, cram=True)
            crammed = 0
            while cram.current() is not None and crammed < 60:
                cram.grade(rng.choice([2, 4, 5]))
                crammed += 1
            with database.session() as s:
                after = {c.card_id: c for c in s.exec(select(CardState))}
            assert {k: v.due_day for k, v in after.items()} == {
                k: v.due_day for k, v in before.items()
            }
            totals["cram"] += crammed
            check_day(database, learner_id, day, deck_of, note_of)

    # The month exercised everything it claims to.
    # (78 cards; "new" counts answers, so undone-and-regraded new cards count twice.)
    assert totals["new"] > 70 and totals["review"] > 200 and totals["drill"] > 100
    assert totals["undo"] > 5 and totals["undo after reopening"] >= 1 and totals["cram"] > 0
    assert leech_outcomes >= 2
    with database.session() as s:
        leeches = {c.card_id for c in s.exec(select(CardState).where(CardState.leech))}  # type: ignore[arg-type]
    assert leeches & HARD
    # Limits were reached on some days (otherwise they were not tested).
    per_day = defaultdict(Counter)
    for r in live_log(database):
        if r.kind == "new":
            per_day[r.study_day][deck_of[r.card_id]] += 1
    assert any(c["cardio"] == 3 for c in per_day.values())
