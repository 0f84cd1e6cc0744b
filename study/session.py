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
* **Suspend / bury.** ``suspend()`` until unsuspended, ``bury()`` until the next study
  day; not logged. A card set aside stays out even if an earlier grade is undone.
* **Leeches.** A lapse is a *scheduled* review (kind ``new``/``review``, not ``drill``
  or ``cram``) graded below 3 of a card whose repetitions were >= 1 before the grade.
  At the ``leech_threshold``-th lapse (8) the card becomes a leech for that learner and,
  with ``leech_action = "suspend"``, is suspended; :class:`GradeOutcome` says so.
* **Cram.** ``cram=True``: every unsuspended card in scope, ahead of schedule; answers
  logged as ``cram``; the schedule and the daily limits are untouched.
* **Undo.** Cancels the learner's last non-cancelled grade of the study day by
  *appending* an ``undo`` review (``cancels_id``); nothing is deleted. The card's whole
  schedule row and those of the siblings it buried are restored from the snapshot the
  review stored; within a sitting the queue position and drills are restored too. After
  reopening (a new session on the same database) the card is shown first, with the
  kind of the undone answer.
* **Commits.** Every grade is committed in its own transaction before ``grade()``
  returns, so a grade counts as saved as soon as the caller sees the next card.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from fractions import Fraction
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from study import sm2
from study.cards import CardContent
from study.clock import Clock, study_day
from study.config import Settings
from study.storage.database import Database, DirectConnection
from study.storage.models import Card, CardState, Deck, Note, Review
from study.storage.repository import (
    SCHEDULE_FIELDS,
    Schedule,
    append_review,
    card_contents,
    load_schedule,
    not_cancelled,
    read_schedule,
    save_schedule,
    set_flags,
    sibling_cards,
    state_of,
)

SCHEDULED = ("new", "review")


@dataclass(frozen=True)
class Counts:
    """Cards for today, or left in a session: new, learning (drills waiting), due reviews."""

    new: int = 0
    learning: int = 0
    due: int = 0

    @property
    def total(self) -> int:
        return self.new + self.learning + self.due


@dataclass(frozen=True)
class GradePreview:
    """What one grade would do to the current card."""

    grade: int
    meaning: str
    interval: int | None  # days until the next review; None: the schedule does not change
    comes_back_today: bool

    @property
    def label(self) -> str:
        """Short text for a grade button: ``1d``, ``17d``, ``again``, ``done``."""
        if self.interval is None:
            return "again" if self.comes_back_today else "done"
        return _days_label(self.interval)


def _days_label(days: int) -> str:
    if days < 60:
        return f"{days}d"
    if days < 365:
        return f"{days / 30:.1f}mo"
    return f"{days / 365:.1f}y"


@dataclass(frozen=True)
class GradeOutcome:
    """What grading did: the review id, and what the learner should be told."""

    review_id: int
    comes_back_today: bool
    became_leech: bool
    suspended_as_leech: bool
    next_due: date | None


@dataclass(frozen=True)
class Summary:
    """The end of a session."""

    studied: int
    correct: int
    time_ms: int
    next_due: date | None

    @property
    def correct_percent(self) -> float:
        return 100.0 * self.correct / self.studied if self.studied else 0.0


@dataclass
class _Pending:
    card_id: str
    kind: str  # new, review, drill, cram


@dataclass
class _QueueSnapshot:
    position: int
    drills: list[tuple[str, int]]
    shown: int
    current: _Pending | None
    skipped: set[str]
    graded: list[tuple[int, int, int]]


@dataclass
class _Graded:
    review_id: int
    snapshot: _QueueSnapshot


@dataclass
class DeckScope:
    """Which cards a session studies: decks (None: all) and an optional tag."""

    deck_ids: list[str] | None = None
    tag: str | None = None


@dataclass
class StudySession:
    """One sitting of study for one learner."""

    database: Database
    learner_id: int
    settings: Settings
    clock: Clock
    scope: DeckScope = field(default_factory=DeckScope)
    cram: bool = False
    session_id: str = field(default_factory=lambda: uuid.uuid4().hex)

    def __post_init__(self) -> None:
        self.today = self._today()
        self._main: list[_Pending] = []
        self._position = 0
        self._skipped: set[str] = set()
        # Suspended or buried in this sitting: not part of the undo snapshots, since undo
        # restores a grade, not a suspension.
        self._set_aside: set[str] = set()
        self._drills: list[tuple[str, int]] = []  # (card id, shown count when it is due)
        self._shown = 0
        self._current: _Pending | None = None
        self._shown_at: datetime | None = None
        self._history: list[_Graded] = []
        self._graded: list[tuple[int, int, int]] = []  # (review id, grade, answer ms)
        self._content_cache: dict[str, CardContent] = {}
        self._build_queue()
        self._advance()

    # ------------------------------------------------------------ queue

    def _today(self) -> date:
        return study_day(self.clock.now(), self.settings.zone, self.settings.day_starts_at)

    def _scope_filter(self, query: Any) -> Any:
        query = query.where(col(Card.retired).is_(False))
        if self.scope.deck_ids is not None:
            query = query.where(col(Card.deck_id).in_(self.scope.deck_ids))
        if self.scope.tag is not None:
            query = query.join(Note, col(Note.id) == Card.note_id).where(
                col(Note.tags).contains(f" {self.scope.tag} ")
            )
        return query

    def _build_queue(self) -> None:
        with self.database.session() as session:
            if self.cram:
                self._main = [_Pending(cid, "cram") for cid in self._cram_cards(session)]
            else:
                drills = self._waiting_drills(session)
                self._drills = [(cid, 0) for cid in drills]
                due = self._due_cards(session, exclude=set(drills))
                new = self._new_cards(session)
                self._main = _spread(
                    [_Pending(c, "review") for c in due], [_Pending(c, "new") for c in new]
                )

    def _active_state(self, query: Any) -> Any:
        return query.where(
            CardState.learner_id == self.learner_id, studiable(CardState, self.today)
        )

    def _waiting_drills(self, session: Session) -> list[str]:
        query = select(CardState.card_id).join(Card, col(Card.id) == CardState.card_id)
        query = self._active_state(self._scope_filter(query)).where(
            CardState.drill_day == self.today
        )
        return list(session.exec(query.order_by(col(CardState.updated_at))))

    def _due_cards(self, session: Session, exclude: set[str]) -> list[str]:
        # Read in due order from ix_card_state_due, row by row, and stop as soon as every
        # deck in scope has reached its limit: the due pile can be tens of thousands long.
        query = select(CardState.card_id, Card.deck_id).join(
            Card, col(Card.id) == CardState.card_id
        )
        query = (
            self._active_state(self._scope_filter(query))
            .where(CardState.reviews > 0, col(CardState.due_day) <= self.today)
            .order_by(col(CardState.due_day), col(Card.position))
        )
        budget = _Budget(session, self, "reviews_per_day", kinds=("review",))
        picked: list[str] = []
        rows = session.connection().execute(query)
        try:
            for card_id, deck_id in rows:
                if budget.exhausted():
                    break
                if card_id not in exclude and budget.take(deck_id):
                    picked.append(card_id)
        finally:
            rows.close()
        return picked

    def _new_cards(self, session: Session) -> list[str]:
        # New cards come deck by deck in name order, each deck in file order (the
        # card (deck_id, position) index): a deck is read only until its limit is
        # reached, instead of sorting every card of the collection.
        budget = _Budget(session, self, "new_per_day", kinds=("new",))
        picked: list[str] = []
        notes: set[str] = set()
        for deck_ids in budget.name_groups():
            if budget.exhausted():
                break
            if budget.all_closed(deck_ids):
                continue
            rows = session.connection().execute(self._new_in(deck_ids))
            try:
                for card_id, deck_id, note_id in rows:
                    # One card of a note a day when siblings are buried.
                    if self.settings.bury_siblings and note_id in notes:
                        continue
                    if budget.take(deck_id):
                        picked.append(card_id)
                        notes.add(note_id)
                        if budget.all_closed(deck_ids):
                            break
            finally:
                rows.close()
        return picked

    def _new_in(self, deck_ids: list[str]) -> Any:
        """The new cards of ``deck_ids`` (decks of one name) in scope, in file order."""
        state = sa.orm.aliased(CardState)
        query = (
            select(Card.id, Card.deck_id, Card.note_id)
            .outerjoin(
                state,
                sa.and_(col(state.card_id) == Card.id, col(state.learner_id) == self.learner_id),
            )
            .where(col(Card.deck_id).in_(deck_ids), new_today(state, self.today))
        )
        return self._scope_filter(query).order_by(col(Card.position))

    def _cram_cards(self, session: Session) -> list[str]:
        state = sa.orm.aliased(CardState)
        query = (
            select(Card.id)
            .join(Deck, col(Deck.id) == Card.deck_id)
            .outerjoin(
                state,
                sa.and_(col(state.card_id) == Card.id, col(state.learner_id) == self.learner_id),
            )
            .where(sa.or_(col(state.suspended).is_(None), col(state.suspended).is_(False)))
        )
        # Cram goes through what was learnt first, weakest first; never-seen cards last.
        query = self._scope_filter(query).order_by(
            col(state.due_day).is_(None),
            col(state.ease_hundredths),
            col(Deck.name),
            col(Card.position),
        )
        return list(session.exec(query))

    def _advance(self) -> None:
        """Pick the next card: a drill that is ready, else the queue, else any drill."""
        self._current = None
        self._drills = [d for d in self._drills if d[0] not in self._set_aside]
        ready = [d for d in self._drills if d[1] <= self._shown]
        if ready:
            self._current = self._take_drill(ready[0])
        else:
            while self._position < len(self._main):
                pending = self._main[self._position]
                self._position += 1
                if pending.card_id not in self._skipped | self._set_aside:
                    self._current = pending
                    break
            if self._current is None and self._drills:
                self._current = self._take_drill(self._drills[0])
        self._shown_at = self.clock.now() if self._current else None

    def _take_drill(self, drill: tuple[str, int]) -> _Pending:
        self._drills.remove(drill)
        return _Pending(drill[0], "cram" if self.cram else "drill")

    # ------------------------------------------------------------ what the UI asks

    @property
    def finished(self) -> bool:
        return self._current is None

    def current(self) -> CardContent | None:
        """The card to show now, or None when the session is over."""
        if self._current is None:
            return None
        card_id = self._current.card_id
        content = self._content_cache.get(card_id)
        if content is None:
            # Read the next cards of the queue with this one: one query per few dozen cards.
            upcoming = [p.card_id for p in self._main[self._position : self._position + 32]]
            wanted = [card_id, *(c for c in upcoming if c not in self._content_cache)]
            with self.database.session() as session:
                self._content_cache.update(card_contents(session, wanted))
            content = self._content_cache[card_id]
        return content

    @property
    def current_kind(self) -> str | None:
        """new, review, drill or cram."""
        return self._current.kind if self._current else None

    def counts(self) -> Counts:
        """What is left in this session, the current card included."""
        hidden = self._skipped | self._set_aside
        left = [p for p in self._main[self._position :] if p.card_id not in hidden]
        kinds = Counter(p.kind for p in left)
        if self._current is not None:
            kinds[self._current.kind] += 1
        learning = len(self._drills) + kinds["drill"]
        return Counts(new=kinds["new"], learning=learning, due=kinds["review"] + kinds["cram"])

    def preview(self) -> dict[int, GradePreview]:
        """For each grade, what it would do to the current card."""
        if self._current is None:
            return {}
        kind = self._current.kind
        if kind in SCHEDULED:
            with self.database.session() as session:
                before = _sm2_state(read_schedule(session, self.learner_id, self._current.card_id))
        previews: dict[int, GradePreview] = {}
        for grade in range(6):
            again = grade < 4
            interval = sm2.review(before, grade).interval if kind in SCHEDULED else None
            previews[grade] = GradePreview(grade, sm2.GRADE_MEANINGS[grade], interval, again)
        return previews

    # ------------------------------------------------------------ grading

    def grade(self, grade: int, answer_ms: int | None = None) -> GradeOutcome:
        """Grade the current card, commit, and move to the next one."""
        grade = sm2.validate_grade(grade)
        if self._current is None:
            raise RuntimeError("the session is over: there is no card to grade")
        now = self.clock.now()
        self.today = study_day(now, self.settings.zone, self.settings.day_starts_at)
        if answer_ms is None:
            elapsed = now - (self._shown_at or now)
            answer_ms = int(elapsed.total_seconds() * 1000)
        answer_ms = max(0, min(answer_ms, 3_600_000))
        pending = self._current
        snapshot = self._snapshot()
        outcome = self.database.write_direct(
            lambda connection: self._record(connection, pending, grade, answer_ms, now)
        )
        self._history.append(_Graded(outcome.review_id, snapshot))
        self._graded.append((outcome.review_id, grade, answer_ms))
        self._shown += 1
        if outcome.comes_back_today:
            self._drills.append((pending.card_id, self._shown + self.settings.drill_gap))
        self._advance()
        return outcome

    def _record(
        self,
        connection: DirectConnection,
        pending: _Pending,
        grade: int,
        answer_ms: int,
        now: datetime,
    ) -> GradeOutcome:
        today = self.today
        state = load_schedule(connection, self.learner_id, pending.card_id)
        before_json = {"card": _state_json(state), "siblings": {}}
        before = _sm2_state(state)
        kind = pending.kind
        if kind in SCHEDULED:
            # The stored schedule decides: graded (or undone) elsewhere meanwhile.
            kind = "review" if state.reviews > 0 else "new"
        became_leech = suspended_as_leech = False
        comes_back = grade < 4
        if kind in SCHEDULED:
            after = sm2.review(before, grade)
            if grade < sm2.PASSING_GRADE and before.repetitions >= 1:
                state.lapses += 1
                if state.lapses >= self.settings.leech_threshold and not state.leech:
                    state.leech = became_leech = True
                    if self.settings.leech_action == "suspend":
                        state.suspended = suspended_as_leech = True
                        comes_back = False
            state.repetitions = after.repetitions
            state.ease_hundredths = _hundredths(after.easiness)
            state.interval = after.interval
            state.due_day = today + timedelta(days=after.interval)
            state.last_review_day = today
            state.reviews += 1
            state.drill_day = today if comes_back else None
            if self.settings.bury_siblings and self._may_have_siblings(pending.card_id):
                before_json["siblings"] = self._bury_siblings(connection, pending.card_id, now)
        elif kind == "drill":
            after = before
            state.drill_day = today if comes_back else None
        else:  # cram: the log only
            after = before
        save_schedule(connection, state, now)
        review_id = append_review(
            connection,
            {
                "learner_id": self.learner_id,
                "card_id": pending.card_id,
                "reviewed_at": now,
                "study_day": today,
                "grade": grade,
                "kind": kind,
                "cancels_id": None,
                "answer_ms": answer_ms,
                "repetitions_before": before.repetitions,
                "ease_before": _hundredths(before.easiness),
                "interval_before": before.interval,
                "due_before": json_date(before_json["card"]["due_day"]),
                "repetitions_after": after.repetitions,
                "ease_after": _hundredths(after.easiness),
                "interval_after": after.interval,
                "due_after": state.due_day,
                "state_before": json.dumps(before_json, sort_keys=True),
                "session_id": self.session_id,
            },
        )
        return GradeOutcome(
            review_id=review_id,
            comes_back_today=comes_back,
            became_leech=became_leech,
            suspended_as_leech=suspended_as_leech,
            next_due=state.due_day,
        )

    def _may_have_siblings(self, card_id: str) -> bool:
        # A basic note has one card: no need to ask the database for its siblings. The
        # type comes from the content read to show the card (any other card: ask).
        content = self._content_cache.get(card_id)
        return content is None or content.type != "basic"

    def _bury_siblings(
        self, connection: DirectConnection, card_id: str, now: datetime
    ) -> dict[str, Any]:
        """Bury the note's other cards until tomorrow; return their states before."""
        tomorrow = self.today + timedelta(days=1)
        before: dict[str, Any] = {}
        for sibling in sibling_cards(connection, card_id):
            self._skipped.add(sibling)
            self._drills = [d for d in self._drills if d[0] != sibling]
            state = load_schedule(connection, self.learner_id, sibling)
            before[sibling] = _state_json(state)
            state.buried_until = tomorrow
            save_schedule(connection, state, now)
        return before

    # ------------------------------------------------------------ undo

    def can_undo(self) -> bool:
        """Whether a grade of today is left to undo (also from an earlier run of the app)."""
        with self.database.session() as session:
            return _last_undoable(session, self.learner_id, self.today) is not None

    def undo(self) -> str | None:
        """Cancel the last grade of today and show its card again; the card id, or None."""
        undone = self.database.write(self._cancel_last)
        if undone is None:
            return None
        review_id, card_id = undone
        self._content_cache.pop(card_id, None)
        self._set_aside.discard(card_id)  # its schedule row is back as it was before
        if self._history and self._history[-1].review_id == review_id:
            self._restore(self._history.pop().snapshot)
        else:
            # Graded in an earlier run: show it again now, first (once: it may be the
            # card on screen, waiting for its drill).
            if self._current is not None and self._current.card_id != card_id:
                self._main.insert(self._position, self._current)
            self._drills = [d for d in self._drills if d[0] != card_id]
            self._current = _Pending(card_id, self._kind_for(review_id))
            self._shown_at = self.clock.now()
        self._graded = [g for g in self._graded if g[0] != review_id]
        return card_id

    def _kind_for(self, review_id: int) -> str:
        # The undone grade says what the card was: a drill comes back as a drill, never
        # as a second scheduled review of the day.
        if self.cram:
            return "cram"
        with self.database.session() as session:
            review = session.get(Review, review_id)
        return review.kind if review is not None else "review"

    def _cancel_last(self, session: Session) -> tuple[int, str] | None:
        review = _last_undoable(session, self.learner_id, self.today)
        if review is None:
            return None
        before = json.loads(review.state_before) if review.state_before else {}
        now = self.clock.now()
        for card_id, values in [
            (review.card_id, before.get("card")),
            *before.get("siblings", {}).items(),
        ]:
            if values is None:
                continue
            state = state_of(session, self.learner_id, card_id)
            for key in SCHEDULE_FIELDS:
                value = values.get(key)
                if key.endswith("_day") or key == "buried_until":
                    value = json_date(value)
                setattr(state, key, value)
            state.updated_at = now
            session.add(state)
        assert review.id is not None
        session.add(
            Review(
                learner_id=self.learner_id,
                card_id=review.card_id,
                reviewed_at=now,
                study_day=self.today,
                kind="undo",
                cancels_id=review.id,
                session_id=self.session_id,
            )
        )
        return review.id, review.card_id

    def _snapshot(self) -> _QueueSnapshot:
        return _QueueSnapshot(
            position=self._position,
            drills=list(self._drills),
            shown=self._shown,
            current=self._current,
            skipped=set(self._skipped),
            graded=list(self._graded),
        )

    def _restore(self, snapshot: _QueueSnapshot) -> None:
        self._position = snapshot.position
        self._drills = snapshot.drills
        self._shown = snapshot.shown
        self._current = snapshot.current
        self._skipped = snapshot.skipped
        self._shown_at = self.clock.now()

    # ------------------------------------------------------------ card actions

    def suspend(self) -> None:
        """Suspend the current card (until unsuspended) and move on."""
        self._set_current(suspended=True)

    def bury(self) -> None:
        """Hide the current card until the next study day and move on."""
        self._set_current(buried_until=self.today + timedelta(days=1))

    def _set_current(self, **flags: Any) -> None:
        card_id = self._update_current(**flags)
        if card_id is not None:
            self._set_aside.add(card_id)
            self._advance()

    def flag(self, reason: str = "") -> None:
        """Mark the current card as wrong or unclear (``study cards --flagged`` lists it)."""
        self._update_current(flagged=True, flag_reason=reason)

    def _update_current(self, **flags: Any) -> str | None:
        """Save ``flags`` on the current card's schedule; its id, or None if there is none."""
        if self._current is None:
            return None
        card_id, now = self._current.card_id, self.clock.now()
        self.database.write(
            lambda session: set_flags(session, self.learner_id, card_id, now, **flags)
        )
        return card_id

    def reload_current(self) -> None:
        """Forget the cached text of the current card (after it was edited and re-imported)."""
        if self._current is not None:
            self._content_cache.pop(self._current.card_id, None)

    # ------------------------------------------------------------ the end

    def summary(self) -> Summary:
        """Cards studied, correct answers, time, and when the next card is due."""
        return Summary(
            studied=len(self._graded),
            correct=sum(1 for _, g, _ in self._graded if g >= sm2.PASSING_GRADE),
            time_ms=sum(ms for _, _, ms in self._graded),
            next_due=self.next_due(),
        )

    def next_due(self) -> date | None:
        """The first study day after today with cards to study in this scope, or None.

        Reviews still due today (left over by the daily limit, or buried) and new cards
        left over make tomorrow a study day; otherwise the earliest due date.
        """
        tomorrow = self.today + timedelta(days=1)
        with self.database.session() as session:
            query = select(sa.func.min(CardState.due_day)).join(
                Card, col(Card.id) == CardState.card_id
            )
            query = self._scope_filter(query).where(
                col(CardState.learner_id) == self.learner_id,
                col(CardState.suspended).is_(False),
                col(CardState.reviews) > 0,
            )
            earliest: date | None = session.exec(query).one()
            due = None if earliest is None else max(earliest, tomorrow)
            new = select(Card.id).outerjoin(
                CardState,
                sa.and_(
                    col(CardState.card_id) == Card.id,
                    col(CardState.learner_id) == self.learner_id,
                ),
            )
            new = self._scope_filter(new).where(
                sa.or_(
                    col(CardState.card_id).is_(None),
                    sa.and_(col(CardState.reviews) == 0, col(CardState.suspended).is_(False)),
                )
            )
            has_new = session.exec(new.limit(1)).first() is not None
        candidates = [d for d in (due,) if d is not None]
        if has_new:
            candidates.append(tomorrow)
        return min(candidates) if candidates else None


def studiable(state: Any, today: date) -> sa.ColumnElement[bool]:
    """A schedule row (``CardState`` or an alias) a session may show: not suspended, and
    not buried past ``today``. The home screen's counts use the same rule."""
    return sa.and_(
        col(state.suspended).is_(False),
        sa.or_(col(state.buried_until).is_(None), col(state.buried_until) <= today),
    )


def new_today(state: Any, today: date) -> sa.ColumnElement[bool]:
    """A card outer-joined to its schedule ``state`` that can be introduced ``today``:
    never graded, studiable, and not waiting in today's drill."""
    return sa.or_(
        col(state.card_id).is_(None),
        sa.and_(
            col(state.reviews) == 0,
            studiable(state, today),
            sa.or_(col(state.drill_day).is_(None), col(state.drill_day) != today),
        ),
    )


def deck_ancestors(decks: dict[str, str]) -> dict[str, list[str]]:
    """Each deck id (of ``{id: name}``) with its own id and the ids of every existing deck
    above it (``A::B`` is above ``A::B::C``), nearest first."""
    by_name = {name: deck_id for deck_id, name in decks.items()}
    chains: dict[str, list[str]] = {}
    for deck_id, name in decks.items():
        parts = name.split("::")
        chains[deck_id] = [
            by_name["::".join(parts[:i])]
            for i in range(len(parts), 0, -1)
            if "::".join(parts[:i]) in by_name
        ]
    return chains


def limits_left(
    settings: Settings, ancestors: dict[str, list[str]], done: dict[str, int], limit: str
) -> dict[str, int]:
    """Each deck's daily ``limit`` (``new_per_day`` or ``reviews_per_day``) minus what was
    done today in the deck and its child decks."""
    return {
        deck_id: getattr(settings.limits_for(deck_id), limit)
        - sum(n for d, n in done.items() if deck_id in ancestors.get(d, [d]))
        for deck_id in ancestors
    }


class _Budget:
    """Daily limits per deck, each deck's limit counting its child decks too."""

    def __init__(self, session: Session, study: StudySession, limit: str, kinds: tuple[str, ...]):
        connection = session.connection()
        rows = connection.execute(select(Deck.id, Deck.name).order_by(col(Deck.name), col(Deck.id)))
        decks: dict[str, str] = {deck_id: name for deck_id, name in rows}
        self.ancestors = deck_ancestors(decks)
        done: dict[str, int] = {
            deck_id: count
            for deck_id, count in connection.execute(
                select(Card.deck_id, sa.func.count())
                .select_from(Review)
                .join(Card, col(Card.id) == Review.card_id)
                .where(
                    Review.learner_id == study.learner_id,
                    Review.study_day == study.today,
                    col(Review.kind).in_(kinds),
                    not_cancelled(),
                )
                .group_by(col(Card.deck_id))
            )
        }
        self.left = limits_left(study.settings, self.ancestors, done, limit)
        scope = set(study.scope.deck_ids) if study.scope.deck_ids is not None else set(decks)
        self.names = [(name, deck_id) for deck_id, name in decks.items() if deck_id in scope]
        # The decks in scope that can still take a card: none left, nothing more to read.
        self.open = {deck_id for deck_id in decks if deck_id in scope and not self.closed(deck_id)}

    def closed(self, deck_id: str) -> bool:
        """Whether ``deck_id`` or a deck above it has reached its limit."""
        return any(self.left[d] <= 0 for d in self.ancestors.get(deck_id, [deck_id]))

    def all_closed(self, deck_ids: list[str]) -> bool:
        """Whether none of ``deck_ids`` can take another card."""
        return not self.open.intersection(deck_ids)

    def exhausted(self) -> bool:
        """Whether every deck in scope has used up its limit (or one above it has)."""
        return not self.open

    def name_groups(self) -> list[list[str]]:
        """The decks in scope by name (decks sharing a name together), in name order."""
        groups: dict[str, list[str]] = {}
        for name, deck_id in self.names:
            groups.setdefault(name, []).append(deck_id)
        return list(groups.values())

    def take(self, deck_id: str) -> bool:
        """Count one card of ``deck_id`` if no deck above it has reached its limit."""
        chain = self.ancestors.get(deck_id, [deck_id])
        if any(self.left[d] <= 0 for d in chain):
            return False
        for d in chain:
            self.left[d] -= 1
        if any(self.left[d] <= 0 for d in chain):
            self.open = {d for d in self.open if not self.closed(d)}
        return True


def _spread(due: list[_Pending], new: list[_Pending]) -> list[_Pending]:
    """Due reviews in order with new cards spread evenly among them."""
    if not new or not due:
        return due + new
    merged: list[_Pending] = []
    step = (len(due) + len(new)) / len(new)
    slots = {int(i * step + step / 2) for i in range(len(new))}
    due_iter, new_iter = iter(due), iter(new)
    for index in range(len(due) + len(new)):
        source = new_iter if index in slots else due_iter
        item = next(source, None) or next(new_iter if source is due_iter else due_iter)
        merged.append(item)
    return merged


def _last_undoable(session: Session, learner_id: int, today: date) -> Review | None:
    return session.exec(
        select(Review)
        .where(
            Review.learner_id == learner_id,
            Review.study_day == today,
            Review.kind != "undo",
            not_cancelled(),
        )
        .order_by(col(Review.id).desc())
        .limit(1)
    ).first()


def _sm2_state(state: CardState | Schedule) -> sm2.Sm2State:
    return sm2.Sm2State(
        repetitions=state.repetitions,
        easiness=Fraction(state.ease_hundredths, 100),
        interval=state.interval,
    )


def _hundredths(easiness: Fraction) -> int:
    value = easiness * 100
    if value.denominator != 1:
        raise ValueError(f"E-Factor {easiness} is not a whole number of hundredths")
    return int(value)


def _state_json(state: CardState | Schedule) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key in SCHEDULE_FIELDS:
        value = getattr(state, key)
        values[key] = value.isoformat() if isinstance(value, date) else value
    return values


def json_date(value: Any) -> date | None:
    """A date back from its JSON form (ISO text or None)."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)
