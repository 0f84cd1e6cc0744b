"""The study session: queue, limits, drills, burying, leeches, cram, undo, commits."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from study.domain.clock import FixedClock, study_day
from study.domain.config import DeckLimits, Settings, raised_limits
from study.domain.review_log import ReviewKind
from study.domain.scheduling import SCHEDULE_FIELDS
from study.services.library import import_deck_files
from study.services.overview import overview
from study.services.queue import DeckScope
from study.services.session import StudySession
from study.storage.cards import set_flags
from study.storage.database import Database
from study.storage.decks import resolve_decks
from study.storage.models import CardState, Review
from study.storage.schedules import not_cancelled
from tests.conftest import ZONE, DeckFactory, basic, cloze, run_elsewhere

# ---------------------------------------------------------------- helpers


@dataclass
class Harness:
    """A database with decks, a learner and a clock: opens sessions and reads the log."""

    database: Database
    learner_id: int
    clock: FixedClock
    decks: DeckFactory
    settings: Settings = field(default_factory=lambda: Settings(timezone=ZONE))

    def load(self, deck_id: str = "d", **kwargs: Any) -> None:
        import_deck_files(self.database, [self.decks.write(deck_id, **kwargs)], self.clock.now())

    def session(self, **kwargs: Any) -> StudySession:
        settings = kwargs.pop("settings", self.settings)
        if "deck" in kwargs:
            with self.database.session() as session:
                kwargs["scope"] = DeckScope(resolve_decks(session, kwargs.pop("deck")))
        return StudySession(self.database, self.learner_id, settings, self.clock, **kwargs)

    def study(
        self, grade: int | Callable[[str, str], int] = 5, **kwargs: Any
    ) -> list[tuple[str, str, int]]:
        """One sitting to the end: (card id, kind, grade) of every answer."""
        session = self.session(**kwargs)
        shown = []
        while (content := session.current()) is not None:
            assert len(shown) < 2000, f"the session never ends: {shown[-10:]}"
            kind = session.current_kind
            assert kind is not None
            value = grade if isinstance(grade, int) else grade(content.card_id, kind)
            session.grade(value)
            shown.append((content.card_id, kind, value))
        return shown

    def next_day(self, days: int = 1) -> None:
        self.clock.advance(days=days)

    def state(self, card_id: str) -> CardState:
        with self.database.session() as session:
            state = session.get(CardState, (self.learner_id, card_id))
        assert state is not None, f"{card_id} was never studied"
        return state

    def schedule(self, card_id: str) -> tuple[Any, ...]:
        state = self.state(card_id)
        return tuple(getattr(state, key) for key in SCHEDULE_FIELDS)

    def log(self, *, cancelled: bool = True) -> list[Review]:
        query = select(Review).order_by(Review.id)  # type: ignore[arg-type]
        if not cancelled:
            query = query.where(not_cancelled())
        with self.database.session() as session:
            return list(session.exec(query))

    @property
    def today(self) -> date:
        return study_day(self.clock.now(), ZoneInfo(ZONE))


@pytest.fixture
def h(database: Database, learner_id: int, clock: FixedClock, decks: DeckFactory) -> Harness:
    return Harness(database, learner_id, clock, decks)


def ids(shown: Sequence[tuple[str, str, int]]) -> list[str]:
    return [card_id for card_id, _, _ in shown]


def kinds(shown: Sequence[tuple[str, str, int]]) -> list[str]:
    return [kind for _, kind, _ in shown]


# ---------------------------------------------------------------- commits


def test_every_grade_is_committed_before_the_next_card_is_returned(h: Harness, db_url: str) -> None:
    h.load(basics=3)
    session = h.session()
    for expected in (1, 2, 3):
        session.grade(4)
        # A second connection (another process, or after a crash) already sees the grade.
        assert run_elsewhere(db_url, "SELECT count(*) FROM review") == [(expected,)]
        assert run_elsewhere(db_url, "SELECT count(*) FROM card_state WHERE reviews = 1") == [
            (expected,)
        ]


def test_a_graded_card_gets_its_schedule_and_a_log_entry(h: Harness) -> None:
    h.load(basics=1)
    outcome = h.session().grade(5, answer_ms=1234)
    state = h.state("d-1")
    assert (state.repetitions, state.ease_hundredths, state.interval) == (1, 260, 1)
    assert state.due_day == h.today.replace(day=h.today.day + 1)
    assert outcome.answer.schedule.due_day == state.due_day
    assert not outcome.answer.comes_back_today
    [review] = h.log()
    assert (review.kind, review.grade, review.answer_ms, review.study_day) == (
        "new",
        5,
        1234,
        h.today,
    )
    assert (review.ease_before, review.ease_after, review.interval_after) == (250, 260, 1)
    assert review.reviewed_at == h.clock.now()


def test_invalid_grades_are_refused_and_nothing_is_written(h: Harness) -> None:
    h.load(basics=1)
    session = h.session()
    for bad in (6, -1, 4.0, True, None, "4"):
        with pytest.raises(ValueError):
            session.grade(bad)  # type: ignore[arg-type]
    assert h.log() == []
    assert session.current() is not None


# ---------------------------------------------------------------- SM-2 through the session


def test_five_perfect_days_follow_the_sm2_intervals(h: Harness) -> None:
    h.load(basics=1)
    intervals = []
    for _ in range(120):
        shown = h.study(5)
        if shown:
            intervals.append(h.state("d-1").interval)
        h.next_day()
    assert intervals[:4] == [1, 6, 17, 50]


def test_an_overdue_card_counts_its_interval_from_the_day_it_was_reviewed(h: Harness) -> None:
    h.load(basics=1)
    h.study(5)
    h.next_day()
    h.study(5)  # interval 6, due in 6 days
    due = h.state("d-1").due_day
    h.next_day(10)  # four days late
    assert h.today > due
    h.study(5)
    state = h.state("d-1")
    assert state.interval == 17  # from the stored interval, not the 10 days that passed
    assert state.due_day == date.fromordinal(h.today.toordinal() + 17)
    assert state.last_review_day == h.today


@pytest.mark.parametrize(
    ("zone", "eve"),
    [
        ("Europe/London", datetime(2026, 3, 28, 23, 30)),  # spring forward at 01:00
        ("Europe/London", datetime(2026, 10, 24, 23, 30)),  # fall back at 02:00
        ("America/New_York", datetime(2026, 3, 7, 23, 30)),
        ("America/New_York", datetime(2026, 10, 31, 23, 30)),
    ],
)
def test_dst_nights_never_move_a_due_date(h: Harness, zone: str, eve: datetime) -> None:
    tz = ZoneInfo(zone)
    h.settings = Settings(timezone=zone)
    h.clock.current = eve.replace(tzinfo=tz).astimezone(h.clock.current.tzinfo)
    h.load(basics=1)
    h.study(5)  # new: interval 1 -> due the next study day
    state = h.state("d-1")
    assert state.due_day == date.fromordinal(eve.date().toordinal() + 1)

    def at(hour: int, minute: int) -> StudySession:
        local = datetime(state.due_day.year, state.due_day.month, state.due_day.day, hour, minute)
        h.clock.current = local.replace(tzinfo=tz).astimezone(h.clock.current.tzinfo)
        return h.session()

    # 03:59 on the due day is still the evening before (the DST night itself): not due.
    assert at(3, 59).current() is None
    assert at(4, 0).current() is not None
    assert at(23, 59).current() is not None


def test_a_review_at_half_past_one_counts_for_the_evening_before(h: Harness) -> None:
    h.load(basics=1)
    h.clock.current = datetime(2026, 1, 13, 1, 30, tzinfo=ZoneInfo(ZONE))
    h.study(5)
    [review] = h.log()
    assert review.study_day == date(2026, 1, 12)
    assert h.state("d-1").due_day == date(2026, 1, 13)


# ---------------------------------------------------------------- the queue and limits


def test_new_cards_come_in_deck_file_order_up_to_20_a_day(h: Harness) -> None:
    h.load(basics=30)
    first = h.study(5)
    assert ids(first) == [f"d-{i}" for i in range(1, 21)]
    assert set(kinds(first)) == {"new"}
    h.next_day()
    second = h.study(5)
    assert sorted(i for i, k, _ in second if k == "new") == sorted(f"d-{i}" for i in range(21, 31))
    assert sum(k == "review" for k in kinds(second)) == 20


def test_a_new_session_the_same_day_does_not_exceed_the_limit(h: Harness) -> None:
    h.load(basics=30)
    session = h.session()
    for _ in range(15):
        session.grade(5)
    assert len(h.study(5)) == 5  # 20 - 15, in a second sitting


def test_undone_grades_do_not_count_against_the_daily_limit(h: Harness) -> None:
    h.load(basics=30)
    session = h.session()
    for _ in range(5):
        session.grade(5)
    for _ in range(5):
        session.undo()
    assert session.counts().new == 20


def test_reviews_are_limited_per_day_and_the_rest_wait(h: Harness) -> None:
    h.settings = Settings(timezone=ZONE, new_per_day=10, reviews_per_day=4)
    h.load(basics=10)
    h.study(5)
    h.next_day()
    assert kinds(h.study(5)) == ["review"] * 4
    h.next_day()
    # Four of the six left over from yesterday, in file order; the rest wait again.
    assert ids(h.study(5)) == ["d-5", "d-6", "d-7", "d-8"]


def test_due_reviews_come_most_overdue_first_with_new_cards_spread_among_them(
    h: Harness,
) -> None:
    h.settings = Settings(timezone=ZONE, new_per_day=3)
    h.load(basics=12)
    h.study(5)  # d-1..d-3, due in 1 day
    h.next_day()
    h.study(5)  # d-1..3 -> 6 days; d-4..6 new -> 1 day
    h.next_day(7)  # d-1..3 a day overdue, d-4..6 six days overdue
    shown = h.study(5, settings=replace(h.settings, new_per_day=2))
    reviews = [c for c, k, _ in shown if k == "review"]
    assert reviews[:3] == ["d-4", "d-5", "d-6"]  # most overdue first, then file order
    assert reviews[3:] == ["d-1", "d-2", "d-3"]
    assert kinds(shown).count("new") == 2
    positions = [i for i, k in enumerate(kinds(shown)) if k == "new"]
    assert positions[0] > 0 and positions[-1] < len(shown) - 1  # among, not all at one end


def test_per_deck_limits_include_child_decks(h: Harness) -> None:
    h.settings = Settings(
        timezone=ZONE,
        deck_limits={"parent": DeckLimits(new_per_day=5), "child-b": DeckLimits(new_per_day=1)},
    )
    h.load("parent", name="Parent", basics=3)
    h.load("child-a", name="Parent::A", basics=4)
    h.load("child-b", name="Parent::B", basics=4)
    h.load("other", name="Other", basics=25)
    shown = h.study(5)
    by_deck = [c.rsplit("-", 1)[0] for c in ids(shown)]
    in_parent = [d for d in by_deck if d in ("parent", "child-a", "child-b")]
    assert len(in_parent) == 5
    assert by_deck.count("child-b") <= 1
    assert by_deck.count("other") == 20  # the global limit, for a deck without override


def test_studying_a_child_deck_counts_against_its_parent(h: Harness) -> None:
    h.settings = Settings(timezone=ZONE, deck_limits={"parent": DeckLimits(new_per_day=4)})
    h.load("parent", name="Parent", basics=5)
    h.load("child", name="Parent::Child", basics=5)
    assert len(h.study(5, deck="Parent::Child")) == 4
    assert h.study(5, deck="Parent") == []  # the parent's 4 were used by its child


def test_studying_a_parent_deck_includes_its_children_in_file_order(h: Harness) -> None:
    h.load("parent", name="Parent", basics=2)
    h.load("child", name="Parent::Child", basics=2)
    h.load("other", name="Other", basics=2)
    assert ids(h.study(5, deck="parent")) == ["parent-1", "parent-2", "child-1", "child-2"]


def test_counts_track_what_is_left(h: Harness) -> None:
    h.load(basics=3)
    session = h.session()
    assert (session.counts().new, session.counts().learning, session.counts().due) == (3, 0, 0)
    session.grade(2)  # back in a drill
    assert (session.counts().new, session.counts().learning) == (2, 1)
    session.grade(5)
    session.grade(5)
    assert session.counts().total == 1 and session.current_kind == "drill"
    session.grade(5)
    assert session.counts().total == 0 and session.finished


def test_next_due_when_nothing_is_due(h: Harness) -> None:
    h.load(basics=1)
    session = h.session()
    session.grade(5)
    assert session.finished
    assert session.next_due() == date.fromordinal(h.today.toordinal() + 1)
    h.next_day()
    h.study(5)
    assert h.session().next_due() == date.fromordinal(h.today.toordinal() + 6)


def test_next_due_is_tomorrow_when_new_cards_are_left_over(h: Harness) -> None:
    h.load(basics=25)
    h.study(5)
    h.next_day()
    h.study(5)  # 20 reviews + 5 new
    session = h.session()
    assert session.finished
    assert session.next_due() == date.fromordinal(h.today.toordinal() + 1)


def test_next_due_is_tomorrow_when_reviews_beyond_the_limit_are_left_over(h: Harness) -> None:
    h.settings = Settings(timezone=ZONE, reviews_per_day=2)
    h.load(basics=5)
    h.study(5)
    h.next_day()
    h.study(5)  # 2 of 5 reviews; 3 left over, still due
    session = h.session()
    assert session.finished
    assert session.next_due() == date.fromordinal(h.today.toordinal() + 1)


def test_next_due_is_none_when_there_is_nothing_to_study(h: Harness) -> None:
    h.load(basics=1)
    session = h.session()
    session.suspend()
    assert session.finished and session.next_due() is None


# ---------------------------------------------------------------- drills


def test_a_card_graded_below_4_comes_back_after_drill_gap_other_cards(h: Harness) -> None:
    h.load(basics=6)
    shown = h.study(lambda card, kind: 3 if (card, kind) == ("d-1", "new") else 5)
    assert ids(shown) == ["d-1", "d-2", "d-3", "d-4", "d-1", "d-5", "d-6"]
    assert kinds(shown)[4] == "drill"


def test_a_drill_comes_back_at_once_when_no_other_card_is_left(h: Harness) -> None:
    h.load(basics=2)
    grades = iter([5, 2, 1, 3, 4])
    shown = h.study(lambda card, kind: next(grades))
    assert ids(shown) == ["d-1", "d-2", "d-2", "d-2", "d-2"]
    assert kinds(shown) == ["new", "new", "drill", "drill", "drill"]


def test_drill_answers_are_logged_and_never_change_the_schedule(h: Harness) -> None:
    h.load(basics=1)
    session = h.session()
    session.grade(1)
    after_scheduled = h.schedule("d-1")
    state = h.state("d-1")
    assert (state.repetitions, state.interval, state.ease_hundredths) == (0, 1, 250)
    for grade in (0, 3, 2, 3):
        assert session.current_kind == "drill"
        assert session.preview()[grade].interval is None
        session.grade(grade)
        schedule = h.schedule("d-1")
        # Only the "waiting for a drill" mark may change; n, E-Factor, interval, due do not.
        assert schedule[:5] == after_scheduled[:5]
    session.grade(4)
    assert session.finished
    assert [r.kind for r in h.log()] == ["new", "drill", "drill", "drill", "drill", "drill"]
    final = h.state("d-1")
    assert (final.repetitions, final.interval, final.ease_hundredths, final.reviews) == (
        0,
        1,
        250,
        1,
    )
    assert final.drill_day is None


def test_a_passing_grade_of_3_is_scheduled_and_still_drilled(h: Harness) -> None:
    h.load(basics=1)
    session = h.session()
    outcome = session.grade(3)
    assert outcome.answer.comes_back_today
    assert h.state("d-1").repetitions == 1 and h.state("d-1").ease_hundredths == 236
    assert session.current_kind == "drill"


def test_drills_left_waiting_come_back_in_a_new_session_the_same_day(h: Harness) -> None:
    h.load(basics=3)
    h.session().grade(1)  # closed before the drill came back
    assert h.study(5)[0][:2] == ("d-1", "drill")


def test_waiting_drills_expire_with_the_day(h: Harness) -> None:
    h.load(basics=1)
    h.session().grade(1)
    h.next_day()
    assert kinds(h.study(5)) == ["review"]


# ---------------------------------------------------------------- siblings, suspend, bury


def test_cloze_siblings_are_buried_until_the_next_day(h: Harness) -> None:
    h.load(notes=[cloze("n", "{{c1::A}} {{c2::B}} {{c3::C}}"), basic("b")])
    assert ids(h.study(5)) == ["n#c1", "b"]
    assert h.state("n#c2").buried_until == date.fromordinal(h.today.toordinal() + 1)
    h.next_day()
    # c1 is due again, and once it is shown it buries its new sibling again.
    assert sorted(ids(h.study(5))) == ["b", "n#c1"]
    h.next_day()
    assert ids(h.study(5)) == ["n#c2"]  # nothing of the note due: the next cloze comes in


def test_due_siblings_are_buried_once_one_is_shown(h: Harness) -> None:
    h.settings = Settings(timezone=ZONE, bury_siblings=False)
    h.load(notes=[cloze("n", "{{c1::A}} {{c2::B}}")])
    h.study(5)
    h.next_day()
    h.settings = Settings(timezone=ZONE)
    assert ids(h.study(5)) == ["n#c1"]
    h.next_day()
    assert ids(h.study(5)) == ["n#c2"]


def test_sibling_burying_is_a_setting(h: Harness) -> None:
    h.settings = Settings(timezone=ZONE, bury_siblings=False)
    h.load(notes=[cloze("n", "{{c1::A}} {{c2::B}}")])
    assert ids(h.study(5)) == ["n#c1", "n#c2"]


def test_suspended_cards_wait_until_unsuspended(h: Harness) -> None:
    h.load(basics=2)
    session = h.session()
    session.suspend()
    assert session.current() is not None and session.current().card_id == "d-2"  # type: ignore[union-attr]
    h.next_day()
    assert ids(h.study(5)) == ["d-2"]
    h.database.write(lambda s: set_flags(s, h.learner_id, "d-1", h.clock.now(), suspended=False))
    assert "d-1" in ids(h.study(5))


def test_a_buried_card_comes_back_the_next_day(h: Harness) -> None:
    h.load(basics=2)
    session = h.session()
    session.bury()
    assert ids(h.study(5)) == ["d-2"]
    h.next_day()
    assert "d-1" in ids(h.study(5))


def test_undo_takes_back_grades_and_card_actions_in_reverse_order(h: Harness) -> None:
    h.load(basics=5)
    session = h.session()
    session.grade(5)  # d-1
    session.suspend()  # d-2
    session.bury()  # d-3
    session.flag("the answer is wrong")  # d-4, still on screen
    assert h.state("d-4").flagged
    assert session.undo() == "d-4"
    assert not h.state("d-4").flagged and session.current().card_id == "d-4"  # type: ignore[union-attr]
    assert session.undo() == "d-3"
    assert h.state("d-3").buried_until is None and session.current_kind == "new"
    assert session.undo() == "d-2"
    assert not h.state("d-2").suspended and session.current().card_id == "d-2"  # type: ignore[union-attr]
    assert session.undo() == "d-1"
    assert h.state("d-1").reviews == 0
    assert session.undo() is None
    shown = []
    while (content := session.current()) is not None:
        shown.append(content.card_id)
        session.grade(5)
    assert sorted(shown) == ["d-1", "d-2", "d-3", "d-4", "d-5"]


def test_an_action_is_undone_after_closing_and_reopening_the_same_day(h: Harness) -> None:
    h.load(basics=3)
    session = h.session()
    session.grade(5)  # d-1
    session.suspend()  # d-2
    reopened = h.session()
    assert reopened.current().card_id == "d-3"  # type: ignore[union-attr]
    assert reopened.can_undo()
    assert reopened.undo() == "d-2"
    assert reopened.current().card_id == "d-2" and reopened.current_kind == "new"  # type: ignore[union-attr]
    assert not h.state("d-2").suspended
    assert reopened.undo() == "d-1"  # then the grade before it
    h.next_day()
    session = h.session()
    session.suspend()
    h.next_day()
    assert not h.session().can_undo()  # an earlier study day's action stays


def test_unflag_takes_the_flag_off_and_can_be_undone(h: Harness) -> None:
    h.load(basics=1)
    session = h.session()
    session.flag("unclear")
    assert session.current_flag() == "unclear"
    session.unflag()
    assert session.current_flag() is None
    assert (h.state("d-1").flagged, h.state("d-1").flag_reason) == (False, "")
    assert session.undo() == "d-1"
    assert session.current_flag() == "unclear"


# ---------------------------------------------------------------- leeches


def lapse_cycle(h: Harness) -> list[tuple[str, Any]]:
    """Pass the card, then fail it the next day: one lapse; returns the failing outcome."""
    h.study(5)
    h.next_day(h.state("d-1").interval)
    session = h.session()
    outcome = session.grade(0)
    while not session.finished:
        session.grade(5)
    h.next_day()
    return [("outcome", outcome)]


def test_the_eighth_lapse_makes_a_leech_and_suspends_it(h: Harness) -> None:
    h.load(basics=1)
    outcomes = [lapse_cycle(h)[0][1] for _ in range(8)]
    assert [o.answer.became_leech for o in outcomes] == [False] * 7 + [True]
    assert outcomes[-1].answer.suspended_as_leech and not outcomes[-1].answer.comes_back_today
    state = h.state("d-1")
    assert (state.lapses, state.leech, state.suspended) == (8, True, True)
    h.next_day(30)
    assert h.study(5) == []


def test_failing_a_new_card_or_a_drill_is_not_a_lapse(h: Harness) -> None:
    h.load(basics=1)
    session = h.session()
    session.grade(0)  # a new card: never reviewed before
    session.grade(0)  # a drill
    session.grade(5)
    assert h.state("d-1").lapses == 0


def test_a_card_failed_every_day_becomes_a_leech_on_its_eighth_failed_review(
    h: Harness,
) -> None:
    # Failed at its scheduled review each day (n stays 0), passing the same-day drill:
    # every failed review of a card reviewed before is a lapse, whatever its n.
    h.load(basics=1)
    h.study(lambda c, k: 0 if k == "new" else 5)
    outcomes = []
    for _ in range(8):
        h.next_day()
        session = h.session()
        assert session.current_kind == "review"
        outcomes.append(session.grade(0))
        while not session.finished:
            session.grade(5)
    assert [o.answer.became_leech for o in outcomes] == [False] * 7 + [True]
    state = h.state("d-1")
    assert (state.lapses, state.leech, state.suspended, state.reviews) == (8, True, True, 9)
    assert (state.repetitions, state.interval) == (0, 1)  # SM-2's arithmetic unchanged


def test_leech_threshold_and_action_are_settings(h: Harness) -> None:
    h.settings = Settings(timezone=ZONE, leech_threshold=2, leech_action="flag")
    h.load(basics=1)
    outcomes = [lapse_cycle(h)[0][1] for _ in range(2)]
    assert outcomes[-1].answer.became_leech and not outcomes[-1].answer.suspended_as_leech
    state = h.state("d-1")
    assert (state.leech, state.suspended) == (True, False)


# ---------------------------------------------------------------- cram


def test_cram_logs_answers_and_leaves_the_schedule_alone(h: Harness) -> None:
    h.load(basics=3)
    h.study(5)
    before = {c: h.schedule(c) for c in ("d-1", "d-2", "d-3")}
    failed: set[str] = set()

    def fail_d2_once(card: str, kind: str) -> int:
        if card == "d-2" and card not in failed:
            failed.add(card)
            return 1
        return 5

    shown = h.study(fail_d2_once, cram=True)
    assert ids(shown) == ["d-1", "d-2", "d-3", "d-2"]  # failed cards are drilled in cram too
    assert set(kinds(shown)) == {"cram"}
    assert {c: h.schedule(c) for c in before} == before
    assert [r.kind for r in h.log()][-4:] == ["cram"] * 4


def test_cram_by_tag_includes_cards_not_yet_due_and_new_ones(h: Harness) -> None:
    h.load(notes=[basic("a", tags=("gout",)), basic("b"), basic("c", tags=("gout",))])
    h.session().grade(5)  # a, not due until tomorrow
    shown = h.study(5, cram=True, scope=DeckScope(None, "gout"))
    assert sorted(ids(shown)) == ["a", "c"]
    assert h.state("a").reviews == 1


def test_cram_does_not_use_up_the_daily_limits(h: Harness) -> None:
    h.load(basics=3)
    h.study(5, cram=True)
    assert kinds(h.study(5)) == ["new"] * 3


# ---------------------------------------------------------------- preview


def test_preview_gives_the_interval_of_each_grade(h: Harness) -> None:
    h.load(basics=1)
    h.study(5)
    h.next_day()
    h.study(5)
    h.next_day(6)
    session = h.session()
    preview = session.preview()
    assert {g: p.interval for g, p in preview.items()} == {
        0: 1,
        1: 1,
        2: 1,
        3: 16,  # ceil(6 * 2.56)
        4: 17,  # ceil(6 * 2.7)
        5: 17,  # ceil(6 * 2.8)
    }
    assert [p.comes_back_today for p in preview.values()] == [True] * 4 + [False] * 2
    assert preview[5].label == "17d" and preview[0].meaning == "complete blackout"
    assert h.schedule("d-1") == h.schedule("d-1")  # previewing writes nothing
    assert len(h.log()) == 2


def test_preview_of_a_drill_says_it_comes_back_today(h: Harness) -> None:
    h.load(basics=1)
    session = h.session()
    session.grade(2)
    preview = session.preview()
    assert all(p.interval is None for p in preview.values())
    assert [p.label for p in preview.values()] == ["again"] * 4 + ["done"] * 2


def test_preview_of_a_card_graded_in_another_window_today_is_the_drill_it_will_be(
    h: Harness,
) -> None:
    h.load(basics=1)
    h.study(5)
    h.next_day()
    here, elsewhere = h.session(), h.session()
    assert here.current_kind == elsewhere.current_kind == ReviewKind.REVIEW
    elsewhere.grade(5)
    preview = here.preview()  # the stored schedule decides, as grading does
    assert [p.label for p in preview.values()] == ["again"] * 4 + ["done"] * 2
    here.grade(4)
    assert [r.kind for r in h.log()][-1] == ReviewKind.DRILL


def test_preview_of_a_grade_that_suspends_a_leech_does_not_say_it_comes_back_today(
    h: Harness,
) -> None:
    h.settings = Settings(timezone=ZONE, leech_threshold=1)
    h.load(basics=1)
    h.study(5)
    h.next_day()
    session = h.session()
    preview = session.preview()
    assert [p.comes_back_today for p in preview.values()] == [False] * 3 + [True] + [False] * 2
    assert not session.grade(0).answer.comes_back_today


# ---------------------------------------------------------------- undo


def test_undo_restores_the_exact_state_and_the_queue_position(h: Harness) -> None:
    h.load(basics=3)
    h.study(5)
    h.next_day()
    session = h.session()
    assert session.current().card_id == "d-1"  # type: ignore[union-attr]
    before = h.schedule("d-1")
    counts = session.counts()
    session.grade(1)
    assert h.schedule("d-1") != before
    assert session.undo() == "d-1"
    assert h.schedule("d-1") == before
    assert session.current().card_id == "d-1"  # type: ignore[union-attr]
    assert session.current_kind == "review"
    assert session.counts() == counts
    session.grade(5)
    assert session.current().card_id == "d-2"  # type: ignore[union-attr]
    assert h.state("d-1").interval == 6


def test_undo_appends_a_cancelling_record_and_deletes_nothing(h: Harness) -> None:
    h.load(basics=2)
    session = h.session()
    session.grade(4)
    session.grade(5)
    session.undo()
    session.undo()
    log = h.log()
    assert [(r.kind, r.cancels_id) for r in log] == [
        ("new", None),
        ("new", None),
        ("undo", log[1].id),
        ("undo", log[0].id),
    ]
    assert h.log(cancelled=False) == [r for r in log if r.kind == "undo"]
    assert session.undo() is None  # nothing left today


def test_undo_of_a_new_card_makes_it_new_again(h: Harness) -> None:
    h.load(basics=1)
    session = h.session()
    session.grade(5)
    session.undo()
    state = h.state("d-1")
    assert (state.reviews, state.repetitions, state.due_day, state.ease_hundredths) == (
        0,
        0,
        None,
        250,
    )
    assert session.current_kind == "new"


def test_undo_restores_buried_siblings_and_leech_flags(h: Harness) -> None:
    h.load(notes=[cloze("n", "{{c1::A}} {{c2::B}}")])
    session = h.session()
    session.grade(5)
    assert h.state("n#c2").buried_until is not None
    session.undo()
    assert h.state("n#c2").buried_until is None
    session.grade(5)
    assert session.finished  # c2 is buried again by the regraded c1


def test_undo_of_the_leech_making_lapse_unsuspends_the_card(h: Harness) -> None:
    h.settings = Settings(timezone=ZONE, leech_threshold=1)
    h.load(basics=1)
    h.study(5)
    h.next_day()
    session = h.session()
    before = h.schedule("d-1")
    assert session.grade(0).answer.became_leech
    session.undo()
    assert h.schedule("d-1") == before
    assert not h.state("d-1").leech and not h.state("d-1").suspended


def test_undo_works_after_closing_and_reopening(h: Harness) -> None:
    h.load(basics=3)
    first = h.session()
    first.grade(5)  # d-1
    before = h.schedule("d-2") if False else None
    first.grade(2)  # d-2: scheduled, then waits for a drill
    del first
    reopened = h.session()
    assert reopened.current_kind == "drill" and reopened.current().card_id == "d-2"  # type: ignore[union-attr]
    assert reopened.undo() == "d-2"
    assert reopened.current().card_id == "d-2"  # type: ignore[union-attr]
    assert reopened.current_kind == "new"
    assert h.state("d-2").reviews == 0 and h.state("d-2").drill_day is None
    reopened.grade(5)
    assert reopened.current().card_id == "d-3"  # type: ignore[union-attr]
    assert before is None


def test_undoing_a_drill_answer_after_reopening_shows_it_as_a_drill_again(h: Harness) -> None:
    h.load(basics=1)
    first = h.session()
    first.grade(1)  # scheduled: n = 0, interval 1
    first.grade(4)  # drill, passed
    scheduled = h.schedule("d-1")
    del first
    reopened = h.session()
    assert reopened.finished
    assert reopened.undo() == "d-1"
    assert reopened.current_kind == "drill"
    reopened.grade(5)
    # Regrading the drill must not apply SM-2 a second time.
    assert h.schedule("d-1")[:5] == scheduled[:5]
    assert h.state("d-1").reviews == 1
    assert [r.kind for r in h.log(cancelled=False) if r.kind != "undo"] == ["new", "drill"]


def test_undo_only_reaches_back_to_the_start_of_the_study_day(h: Harness) -> None:
    h.load(basics=1)
    h.study(5)
    h.next_day()
    session = h.session()
    assert not session.can_undo()
    assert session.undo() is None


def test_undo_does_not_touch_another_learners_grades(h: Harness) -> None:
    from study.storage.learners import get_or_create_learner

    h.load(basics=2)
    h.session().grade(5)
    other = h.database.write(lambda s: get_or_create_learner(s, "other", h.clock.now()))
    assert other.id is not None
    theirs = StudySession(h.database, other.id, h.settings, h.clock)
    assert theirs.current().card_id == "d-1"  # type: ignore[union-attr]
    assert theirs.undo() is None
    assert h.state("d-1").reviews == 1


# ---------------------------------------------------------------- what the session says


def test_a_card_set_aside_gives_its_place_in_the_daily_limit_as_home_counts_it(
    h: Harness,
) -> None:
    h.settings = Settings(timezone=ZONE, new_per_day=3)
    h.load(basics=6)
    session = h.session()
    assert session.counts().new == 3
    session.suspend()
    session.bury()
    assert session.counts().new == 3  # two more new cards come in, as on the home screen
    with h.database.store() as store:
        home = overview(store, h.learner_id, h.settings, h.today)
    assert home.all_counts.new == session.counts().new
    shown = []
    while (content := session.current()) is not None:
        shown.append(content.card_id)
        session.grade(5)
    assert shown == ["d-3", "d-4", "d-5"]


def test_studied_counts_cards_not_answers(h: Harness) -> None:
    h.load(basics=1)
    session = h.session()
    session.grade(2)  # then its drill
    session.grade(5)
    summary = session.summary()
    assert (summary.studied, summary.answers, summary.correct_percent) == (1, 2, 50.0)


def test_the_summary_says_what_the_daily_limits_hold_back_and_what_is_suspended(
    h: Harness,
) -> None:
    h.settings = Settings(timezone=ZONE, new_per_day=2, leech_threshold=1)
    h.load(basics=5)
    session = h.session()
    session.suspend()
    while not session.finished:
        session.grade(5)
    waiting = session.summary().waiting
    assert (waiting.new, waiting.due, waiting.suspended) == (2, 0, 1)


def test_studying_more_today_raises_the_limits_for_one_sitting(h: Harness) -> None:
    h.settings = Settings(timezone=ZONE, new_per_day=2)
    h.load(basics=5)
    assert len(h.study(5)) == 2
    more = h.session(settings=raised_limits(h.settings, new=2, reviews=0))
    assert more.counts().new == 2
    assert h.session().counts().new == 0  # the limit itself is unchanged


# ---------------------------------------------------------------- memory


def _memory_per_grade(h: Harness, deck_id: str, cards: int, grades: int = 40) -> float:
    import tracemalloc

    h.load(deck_id, basics=cards)
    settings = Settings(timezone=ZONE, new_per_day=10**6, reviews_per_day=10**6)
    session = h.session(deck=deck_id, settings=settings)
    session.grade(5)  # warm caches
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(grades):
            session.grade(5)
        return (tracemalloc.get_traced_memory()[0] - before) / grades
    finally:
        tracemalloc.stop()


def test_what_a_grade_keeps_for_undo_does_not_grow_with_the_deck(h: Harness) -> None:
    # A copy of the whole queue per grade made a 25,000-grade session take 4.8 GB.
    small = _memory_per_grade(h, "small", 60)
    large = _memory_per_grade(h, "large", 3000)
    assert large < small * 3 + 2048, (small, large)
