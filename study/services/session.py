"""The study session: the queue, same-day drills, burying, leeches, cram and undo.

A service of the core (no textual). The clock is passed in. docs/scheduling.md explains
each convention with its tests; in short:

* **Study day.** ``clock.study_day``: the learner's local date, the day starting at
  ``day_starts_at`` (04:00), so 01:30 counts as the evening before. Due dates are study
  days (review day + interval), so daylight-saving nights never move them; an overdue
  card's new interval comes from its stored interval, counted from the day it was
  actually reviewed.
* **Queue.** Drills waiting from earlier today first; then due reviews, most overdue
  first (earliest due date, then deck-file order); new cards in deck-file order spread
  evenly among them. Suspended, buried and retired cards never enter it.
* **Limits.** ``new_per_day`` and ``reviews_per_day`` per deck (per-deck overrides in
  the settings). A deck's limit includes its child decks: a card of ``A::B`` counts
  against ``A::B`` and ``A`` and is shown only while neither limit is reached. Counted
  from the day's non-cancelled ``new`` / ``review`` answers in the log, so a second
  sitting continues where the first stopped and an undone grade gives its place back.
* **Drills** (SM-2's step 7). A card graded below 4 at its scheduled review comes back
  after ``drill_gap`` other cards (at once if none is left) until graded 4 or 5. Drill
  answers are logged as ``drill`` and never change n, the E-Factor, the interval or the
  due date.
* **Siblings.** With ``bury_siblings``, grading one cloze card of a note buries the
  note's other cards until the next study day, and one new card per note a day.
* **Suspend / bury / flag.** ``suspend()`` until unsuspended, ``bury()`` until the next
  study day, ``flag()`` / ``unflag()``; not in the review log but in ``card_action``
  (:mod:`study.services.actions`), so undo reaches them. A card set aside gives its place in the
  daily limit to the next one (appended to the queue), as the home screen counts it.
* **Leeches.** A lapse is a *scheduled* review (kind ``review``: not ``new``, ``drill``
  or ``cram``) graded below 3, that is a failed review of a card reviewed before,
  whatever its repetitions.
  At the ``leech_threshold``-th lapse (8) the card becomes a leech for that learner and,
  with ``leech_action = "suspend"``, is suspended; :class:`GradeOutcome` says so.
* **Cram.** ``cram=True``: every unsuspended card in scope, ahead of schedule; answers
  logged as ``cram``; the schedule and the daily limits are untouched.
* **Undo.** Takes back the learner's last grade or card action of the study day,
  whichever came later (an action: its schedule snapshot restored, marked undone). A
  grade is cancelled by *appending* an ``undo`` review (``cancels_id``); nothing is
  deleted. The card's whole
  schedule row and those of the siblings it buried are restored from the snapshot the
  review stored; within a sitting the queue position and drills are restored too. After
  reopening (a new session on the same database) the card is shown first, with the
  kind of the undone answer.
* **Commits.** Every grade is committed in its own transaction before ``grade()``
  returns, so a grade counts as saved as soon as the caller sees the next card.

What an answer does to the card (its kind, SM-2, the drill, the lapse and the leech) is
decided by the pure :func:`study.domain.scheduling.answer`; the session loads the schedule,
answers, saves and appends the log row in the grade's one transaction.
"""

from __future__ import annotations

from dataclasses import InitVar, dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from study.domain import sm2
from study.domain.cards import CardContent
from study.domain.clock import Clock, study_day
from study.domain.config import Settings
from study.domain.review_log import ReviewKind
from study.domain.review_undo import restored, undo_record
from study.domain.scheduling import NEW_CARD, Answer, Policy, ReviewEntry, Schedule, answer
from study.services.actions import (
    action_is_later,
    last_action,
    record_action,
    restore_deck_file,
    undo_action,
)
from study.services.queue import (
    Counts,
    DeckScope,
    GradePreview,
    Pending,
    Plan,
    Queue,
    Waiting,
    grade_previews,
    next_study_day,
    plan_queue,
    waiting,
)
from study.storage.cards import set_flags
from study.storage.database import Database, DirectConnection, Session
from study.storage.learners import lock_learner
from study.storage.schedules import (
    append_review,
    append_undo,
    last_undoable,
    load_schedule,
    put_schedule,
    review_kind,
    save_schedule,
    schedule_of,
    sibling_cards,
    state_of,
    undo_snapshot,
)


@dataclass(frozen=True)
class GradeOutcome:
    """What grading did: the review it logged, and the :class:`Answer` it recorded (whether
    the card comes back today, became a leech, its next due day)."""

    review_id: int
    answer: Answer


@dataclass(frozen=True)
class Summary:
    """The end of a session: cards studied (a drill is not another card), answers given
    and how many were correct, the time, the next study day, and what waits (held back
    by the daily limits, or suspended)."""

    studied: int
    correct: int
    time_ms: int
    next_due: date | None
    answers: int = 0
    waiting: Waiting = field(default_factory=Waiting)

    @property
    def correct_percent(self) -> float:
        return 100.0 * self.correct / self.answers if self.answers else 0.0


@dataclass
class _QueueSnapshot:
    main: list[Pending]
    position: int
    drills: list[tuple[str, int]]
    shown: int
    current: Pending | None
    skipped: set[str]


@dataclass
class _Graded:
    review_id: int
    snapshot: _QueueSnapshot
    action_id: int | None = None  # a card action (suspend, bury, ...), not a grade


@dataclass
class StudySession:
    """One sitting of study for one learner."""

    database: Database
    learner_id: int
    settings: Settings
    clock: Clock
    scope: DeckScope = field(default_factory=DeckScope)
    cram: bool = False

    plan: InitVar[Plan | None] = None  # today's queue, if already read (study.services.first_card)

    def __post_init__(self, plan: Plan | None) -> None:
        plan = plan or self._read_plan()
        self.policy = Policy.of(self.settings)
        self.today = plan.today
        self.queue = Queue.start(plan, cram=self.cram)
        self._shown_at: datetime | None = self.clock.now() if self.queue.current else None
        self._history: list[_Graded] = []
        self._graded: list[tuple[int, str, int, int]] = []  # (review id, card, grade, ms)
        self._content_cache: dict[str, CardContent] = {}
        self.last_undone = ""  # what the last undo took back: grade, suspend, bury, ...
        self.last_undone_review: int | None = None  # the grade it cancelled, if a grade

    # ------------------------------------------------------------ queue

    def _today(self) -> date:
        return study_day(self.clock.now(), self.settings.zone, self.settings.day_starts_at)

    def _read_plan(self) -> Plan:
        today = self._today()
        with self.database.store() as store:
            return plan_queue(
                store, self.learner_id, self.settings, self.scope, today, cram=self.cram
            )

    def _advance(self) -> None:
        """Move to the next card (see :meth:`study.services.queue.Queue.advance`)."""
        self.queue.advance()
        self._shown_at = self.clock.now() if self.queue.current else None

    # ------------------------------------------------------------ what the UI asks

    @property
    def finished(self) -> bool:
        return self.queue.current is None

    def current(self) -> CardContent | None:
        """The card to show now, or None when the session is over."""
        if self.queue.current is None:
            return None
        card_id = self.queue.current.card_id
        content = self._content_cache.get(card_id)
        if content is None:
            # Read the next cards of the queue with this one: one query per few dozen cards.
            upcoming = self.queue.upcoming(32)
            wanted = [card_id, *(c for c in upcoming if c not in self._content_cache)]
            with self.database.store() as store:
                self._content_cache.update(store.card_contents(wanted))
            content = self._content_cache[card_id]
        return content

    @property
    def current_kind(self) -> ReviewKind | None:
        """new, review, drill or cram."""
        return self.queue.current.kind if self.queue.current else None

    def counts(self) -> Counts:
        """What is left in this session, the current card included."""
        return self.queue.counts()

    def preview(self) -> dict[int, GradePreview]:
        """For each grade, what it would do to the current card."""
        if self.queue.current is None:
            return {}
        with self.database.store() as store:
            return grade_previews(
                store, self.learner_id, self.queue.current, self.policy, self.today
            )

    # ------------------------------------------------------------ grading

    def grade(self, grade: int, answer_ms: int | None = None) -> GradeOutcome:
        """Grade the current card, commit, and move to the next one."""
        grade = sm2.validate_grade(grade)
        if self.queue.current is None:
            raise RuntimeError("the session is over: there is no card to grade")
        now = self.clock.now()
        self.today = study_day(now, self.settings.zone, self.settings.day_starts_at)
        if answer_ms is None:
            elapsed = now - (self._shown_at or now)
            answer_ms = int(elapsed.total_seconds() * 1000)
        answer_ms = max(0, min(answer_ms, 3_600_000))
        pending = self.queue.current
        snapshot = self._snapshot()
        outcome = self.database.write_direct(
            lambda connection: self._record(connection, pending, grade, answer_ms, now)
        )
        self._history.append(_Graded(outcome.review_id, snapshot))
        self._graded.append((outcome.review_id, pending.card_id, grade, answer_ms))
        self.queue.shown += 1
        if outcome.answer.comes_back_today:
            self.queue.drills.append((pending.card_id, self.queue.shown + self.settings.drill_gap))
        self._advance()
        return outcome

    def _record(
        self,
        connection: DirectConnection,
        pending: Pending,
        grade: int,
        answer_ms: int,
        now: datetime,
    ) -> GradeOutcome:
        """Load, answer, save and append, inside the grade's one transaction."""
        today = self.today
        lock_learner(connection, self.learner_id)  # a server's row lock (see the function)
        stored = load_schedule(connection, self.learner_id, pending.card_id)
        before = stored or NEW_CARD
        done = answer(before, grade, pending.kind, self.policy, today)
        # Saved even when unchanged (a drill, cram): its time orders the drills waiting.
        card_id, is_stored = pending.card_id, stored is not None
        save_schedule(connection, self.learner_id, card_id, done.schedule, now, stored=is_stored)
        buried: dict[str, Schedule] = {}
        if done.buries_siblings and self._may_have_siblings(pending.card_id):
            buried = self._bury_siblings(connection, pending.card_id, now)
        # Undo derives the schedules before from the row; an answer that changed more
        # keeps a record of it (study.domain.review_undo).
        record = undo_record(before, buried, done.schedule, done.entry)
        review_id = append_review(
            connection,
            {
                **done.entry.row(),
                "learner_id": self.learner_id,
                "card_id": pending.card_id,
                "reviewed_at": now,
                "cancels_id": None,
                "answer_ms": answer_ms,
            },
            record,
        )
        return GradeOutcome(review_id, done)

    def _may_have_siblings(self, card_id: str) -> bool:
        # A basic note has one card: no need to ask the database for its siblings. The
        # type comes from the content read to show the card (any other card: ask).
        content = self._content_cache.get(card_id)
        return content is None or content.type != "basic"

    def _bury_siblings(
        self, connection: DirectConnection, card_id: str, now: datetime
    ) -> dict[str, Schedule]:
        """Bury the note's other cards until tomorrow; return their schedules before."""
        tomorrow = self.today + timedelta(days=1)
        before: dict[str, Schedule] = {}
        for sibling in sibling_cards(connection, card_id):
            self.queue.skipped.add(sibling)
            self.queue.drills = [d for d in self.queue.drills if d[0] != sibling]
            stored = load_schedule(connection, self.learner_id, sibling)
            schedule = before[sibling] = stored or NEW_CARD
            buried = replace(schedule, buried_until=tomorrow)
            save_schedule(
                connection, self.learner_id, sibling, buried, now, stored=stored is not None
            )
        return before

    # ------------------------------------------------------------ undo

    def can_undo(self) -> bool:
        """Whether a grade or action of today is left to undo (also from an earlier run)."""
        with self.database.session() as session:
            return (
                last_undoable(session, self.learner_id, self.today) is not None
                or last_action(session, self.learner_id, self.today) is not None
            )

    def _undo_action(self, action_id: int) -> str:
        undone = self.database.write(
            lambda session: undo_action(session, action_id, self.clock.now())
        )
        if undone.action == "edit" and undone.file:
            restore_deck_file(self.database, Path(undone.file), undone.text, self.clock.now())
        card_id = undone.card_id
        self._content_cache.pop(card_id, None)
        self.queue.set_aside.discard(card_id)
        if self._history and self._history[-1].action_id == action_id:
            self._restore(self._history.pop().snapshot)  # taken in this sitting
        elif self.queue.current is None or self.queue.current.card_id != card_id:
            # Show the card again now, first, as it was shown when the action was taken.
            if self.queue.current is not None:
                self._insert_current()
            self.queue.drills = [d for d in self.queue.drills if d[0] != card_id]
            self.queue.current = Pending(card_id, ReviewKind.CRAM if self.cram else undone.kind)
            self._shown_at = self.clock.now()
        return card_id

    def undo(self) -> str | None:
        """Undo the last grade or card action (suspend, bury, flag, unflag, edit) of today
        and show its card again; the card id, or None when there is nothing to undo."""
        with self.database.session() as session:
            action = last_action(session, self.learner_id, self.today)
            grade = last_undoable(session, self.learner_id, self.today)
        if action is not None and action_is_later(action, grade):
            assert action.id is not None
            self.last_undone, self.last_undone_review = action.action, None
            return self._undo_action(action.id)
        undone = self.database.write(self._cancel_last)
        if undone is None:
            return None
        review_id, card_id = undone
        self.last_undone, self.last_undone_review = "grade", review_id
        self._content_cache.pop(card_id, None)
        self.queue.set_aside.discard(card_id)  # its schedule row is back as it was before
        if self._history and self._history[-1].review_id == review_id:  # graded in this sitting
            self._restore(self._history.pop().snapshot)
        else:
            # Graded in an earlier run: show it again now, first (once: it may be the
            # card on screen, waiting for its drill).
            if self.queue.current is not None and self.queue.current.card_id != card_id:
                self._insert_current()
            self.queue.drills = [d for d in self.queue.drills if d[0] != card_id]
            self.queue.current = Pending(card_id, self._kind_for(review_id))
            self._shown_at = self.clock.now()
        self._graded = [g for g in self._graded if g[0] != review_id]
        return card_id

    def _kind_for(self, review_id: int) -> ReviewKind:
        # The undone grade says what the card was: a drill comes back as a drill, never
        # as a second scheduled review of the day.
        if self.cram:
            return ReviewKind.CRAM
        with self.database.session() as session:
            kind = review_kind(session, review_id)
        return kind or ReviewKind.REVIEW

    def _cancel_last(self, session: Session) -> tuple[int, str] | None:
        lock_learner(session, self.learner_id)
        review = last_undoable(session, self.learner_id, self.today)
        if review is None:
            return None
        assert review.id is not None
        card_id_: str = review.card_id  # type: ignore[attr-defined]
        before = restored(
            undo_snapshot(session, review.id),
            ReviewEntry.of(review),
            card_id_,
            lambda card: schedule_of(session, self.learner_id, card),
        )
        now = self.clock.now()
        for card_id, schedule in before.items():
            put_schedule(session, self.learner_id, card_id, schedule, now)
        append_undo(session, self.learner_id, review.card_key, now, self.today, review.id)
        return review.id, card_id_

    def _snapshot(self) -> _QueueSnapshot:
        return _QueueSnapshot(
            main=self.queue.main,  # replaced, never changed in place: no copy per grade
            position=self.queue.position,
            drills=list(self.queue.drills),
            shown=self.queue.shown,
            current=self.queue.current,
            skipped=set(self.queue.skipped),
        )

    def _insert_current(self) -> None:
        """Put the card on screen back at the queue's position. A new list: snapshots
        share the old one (a copy of the queue per grade made a long session's memory
        grow with its length)."""
        assert self.queue.current is not None
        main, at = self.queue.main, self.queue.position
        self.queue.main = [*main[:at], self.queue.current, *main[at:]]

    def _restore(self, snapshot: _QueueSnapshot) -> None:
        self.queue.main = snapshot.main
        self.queue.position = snapshot.position
        self.queue.drills = snapshot.drills
        self.queue.shown = snapshot.shown
        self.queue.current = snapshot.current
        self.queue.skipped = snapshot.skipped
        self._shown_at = self.clock.now()

    # ------------------------------------------------------------ card actions

    def suspend(self) -> None:
        """Suspend the current card (until unsuspended) and move on (undo brings it back)."""
        self._set_current("suspend", suspended=True)

    def bury(self) -> None:
        """Hide the current card until the next study day and move on (undo brings it back)."""
        self._set_current("bury", buried_until=self.today + timedelta(days=1))

    def _set_current(self, action: str, **flags: Any) -> None:
        card_id = self._update_current(action, **flags)
        if card_id is None:
            return
        self.queue.set_aside.add(card_id)
        if not self.cram:
            # The card set aside gives its place in the daily limit to the next one, as
            # the home screen counts it: what a new plan adds comes at the end.
            planned = {p.card_id for p in self.queue.main}
            extra = [p for p in self._read_plan().main if p.card_id not in planned]
            self.queue.main = [*self.queue.main, *extra]
        self._advance()

    def flag(self, reason: str = "") -> None:
        """Mark the current card as wrong or unclear (``study cards --flagged`` lists it)."""
        self._update_current("flag", flagged=True, flag_reason=reason)

    def unflag(self) -> None:
        """Take the flag off the current card."""
        self._update_current("unflag", flagged=False, flag_reason="")

    def current_flag(self) -> str | None:
        """The current card's flag reason ("" if flagged without one), or None if unflagged."""
        if self.queue.current is None:
            return None
        with self.database.session() as session:
            state = state_of(session, self.learner_id, self.queue.current.card_id)
        return state.flag_reason if state.flagged else None

    def record_edit(self, path: Path, text_before: str) -> None:
        """Remember that the current card's deck file ``path`` read ``text_before`` before
        an edit (call it before re-importing), so undo can put the file back."""
        if self.queue.current is None:
            return
        pending, now, snapshot = self.queue.current, self.clock.now(), self._snapshot()
        action_id = self.database.write(
            lambda session: record_action(
                session,
                self.learner_id,
                pending.card_id,
                "edit",
                today=self.today,
                now=now,
                kind=pending.kind,
                file=str(path),
                text=text_before,
            )
        )
        self._history.append(_Graded(0, snapshot, action_id))

    def _update_current(self, action: str, **flags: Any) -> str | None:
        """Save ``flags`` on the current card's schedule and log ``action`` (for undo);
        the card's id, or None if there is none."""
        if self.queue.current is None:
            return None
        pending, now, snapshot = self.queue.current, self.clock.now(), self._snapshot()

        def work(session: Session) -> int:
            action_id = record_action(
                session,
                self.learner_id,
                pending.card_id,
                action,
                today=self.today,
                now=now,
                kind=pending.kind,
            )
            set_flags(session, self.learner_id, pending.card_id, now, **flags)
            return action_id

        self._history.append(_Graded(0, snapshot, self.database.write(work)))
        return pending.card_id

    def reload_current(self) -> None:
        """Forget the cached text of the current card (after it was edited and re-imported)."""
        if self.queue.current is not None:
            self._content_cache.pop(self.queue.current.card_id, None)

    # ------------------------------------------------------------ the end

    def summary(self) -> Summary:
        """Cards studied, correct answers, time, and when the next card is due."""
        with self.database.store() as store:
            held = waiting(store, self.learner_id, self.settings, self.scope, self.today)
        return Summary(
            studied=len({card_id for _, card_id, _, _ in self._graded}),
            correct=sum(1 for _, _, g, _ in self._graded if g >= sm2.PASSING_GRADE),
            time_ms=sum(ms for _, _, _, ms in self._graded),
            next_due=self.next_due(),
            answers=len(self._graded),
            waiting=Waiting() if self.cram else held,
        )

    def next_due(self) -> date | None:
        """The first study day after today with cards to study in this scope, or None.

        Reviews still due today (left over by the daily limit, or buried) and new cards
        left over make tomorrow a study day; otherwise the earliest due date.
        """
        with self.database.store() as store:
            return next_study_day(store, self.learner_id, self.scope, self.today)
