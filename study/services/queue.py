"""The session's queue: which cards today's sitting shows, in what order.

The rows come from the store (:mod:`study.storage.store`), the decisions from the pure
builder (:mod:`study.domain.queue_builder`): :func:`plan_queue` is the builder with a
plan sink, :func:`available_today` (the home screen's counts) the same builder with a
counting sink. :class:`Queue` walks the plan during a sitting; :func:`grade_previews`
says what each grade would do. The builder's ``DeckScope``, ``Pending``, ``Plan`` and
``Waiting`` are re-exported: the session, the screens and the CLI take them from here.

No SQL here and no SQLAlchemy: ``study review`` on SQLite reads the first card through
a sqlite3 store (:mod:`study.services.first_card`) before SQLAlchemy has loaded, and the
session then takes over the very same :class:`Plan`.

The rules themselves are documented in :mod:`study.services.session` and docs/scheduling.md.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from study.domain import sm2
from study.domain.config import Settings
from study.domain.queue_builder import Counts as Counts
from study.domain.queue_builder import (
    DeckCounts,
    DueRow,
    NewRow,
    build_plan,
    count_available,
    cram_plan,
)
from study.domain.queue_builder import DeckScope as DeckScope
from study.domain.queue_builder import Pending as Pending
from study.domain.queue_builder import Plan as Plan
from study.domain.queue_builder import Waiting as Waiting
from study.domain.review_log import ReviewKind
from study.domain.scheduling import Policy, answer
from study.storage.store import Store


@dataclass(frozen=True)
class _ScopeRows:
    """The rows of one scope the builder reads (:class:`QueueRows`), from the store."""

    store: Store
    learner_id: int
    scope: DeckScope
    today: date

    def drills(self) -> Iterator[DueRow]:
        return self.store.waiting_drills(self.learner_id, self.scope, self.today)

    def due(self) -> Iterator[DueRow]:
        return self.store.due(self.learner_id, self.scope, self.today)

    def new_in(self, deck_ids: list[str]) -> Iterator[NewRow]:
        return self.store.new_in(self.learner_id, self.scope, self.today, deck_ids)


def _done_today(store: Store, learner_id: int, today: date) -> dict[ReviewKind, dict[str, int]]:
    """Today's answers per deck of each kind the daily limits count."""
    return {kind: store.done_today(learner_id, today, (kind,)) for kind in _LIMITED}


_LIMITED = (ReviewKind.NEW, ReviewKind.REVIEW)


def plan_queue(
    store: Store,
    learner_id: int,
    settings: Settings,
    scope: DeckScope,
    today: date,
    *,
    cram: bool = False,
) -> Plan:
    """Today's queue for ``learner_id`` in ``scope``: the store's rows, through the
    builder (:func:`study.domain.queue_builder.build_plan`)."""
    if cram:
        return cram_plan(store.cram(learner_id, scope), today)
    decks = {deck_id: name for deck_id, name, _ in store.decks()}
    done = _done_today(store, learner_id, today)
    rows = _ScopeRows(store, learner_id, scope, today)
    return build_plan(rows, settings, scope, decks, done, today)


def available_today(
    store: Store, learner_id: int, settings: Settings, today: date, decks: dict[str, str]
) -> DeckCounts:
    """What each deck of ``decks`` (every deck, ``{id: name}`` in name order) has for
    today: the builder that gathers the plan, run over every deck with a counting sink
    (:func:`study.domain.queue_builder.count_available`), so a deck list over a large
    collection costs about as much as starting one session."""
    done = _done_today(store, learner_id, today)
    rows = _ScopeRows(store, learner_id, DeckScope(), today)
    return count_available(rows, settings, decks, done)


def waiting(
    store: Store, learner_id: int, settings: Settings, scope: DeckScope, today: date
) -> Waiting:
    """Studiable new cards and due reviews in ``scope`` regardless of the daily limits
    (new ones by note when siblings are buried), and its suspended cards."""
    return store.waiting(learner_id, scope, today, bury_siblings=settings.bury_siblings)


def next_study_day(store: Store, learner_id: int, scope: DeckScope, today: date) -> date | None:
    """The first study day after ``today`` with cards to study in ``scope``, or None.

    Reviews still due today (left over by the daily limit, or buried) and new cards left
    over make tomorrow a study day; otherwise the earliest due date.
    """
    tomorrow = today + timedelta(days=1)
    earliest = store.earliest_due(learner_id, scope)
    candidates = [] if earliest is None else [max(earliest, tomorrow)]
    if store.any_new(learner_id, scope):
        candidates.append(tomorrow)
    return min(candidates) if candidates else None


# ---------------------------------------------------------------- walking the plan


@dataclass
class Queue:
    """Where a sitting is in its plan: the next card, drills coming back, cards set aside.

    Drills are ``(card id, shown count when it is due)``: a drill comes back after
    ``drill_gap`` other cards (at once if none is left).
    """

    main: list[Pending]
    drills: list[tuple[str, int]]
    position: int = 0
    shown: int = 0
    current: Pending | None = None
    skipped: set[str] = field(default_factory=set)  # buried as a sibling in this sitting
    set_aside: set[str] = field(default_factory=set)  # suspended or buried in this sitting
    drill_kind: ReviewKind = ReviewKind.DRILL  # cram in a cram sitting

    @classmethod
    def start(cls, plan: Plan, *, cram: bool = False) -> Queue:
        """The queue at the start of a sitting, on its first card."""
        queue = cls(list(plan.main), [(cid, 0) for cid in plan.drills])
        queue.drill_kind = ReviewKind.CRAM if cram else ReviewKind.DRILL
        queue.advance()
        return queue

    def advance(self) -> None:
        """Pick the next card: a drill that is ready, else the plan, else any drill."""
        self.current = None
        self.drills = [d for d in self.drills if d[0] not in self.set_aside]
        ready = [d for d in self.drills if d[1] <= self.shown]
        if ready:
            self.current = self._take_drill(ready[0])
            return
        while self.position < len(self.main):
            pending = self.main[self.position]
            self.position += 1
            if pending.card_id not in self.skipped | self.set_aside:
                self.current = pending
                return
        if self.drills:
            self.current = self._take_drill(self.drills[0])

    def _take_drill(self, drill: tuple[str, int]) -> Pending:
        self.drills.remove(drill)
        return Pending(drill[0], self.drill_kind)

    def counts(self) -> Counts:
        """What is left in the sitting, the current card included."""
        hidden = self.skipped | self.set_aside
        left = [p for p in self.main[self.position :] if p.card_id not in hidden]
        kinds = Counter(p.kind for p in left)
        if self.current is not None:
            kinds[self.current.kind] += 1
        learning = len(self.drills) + kinds[ReviewKind.DRILL]
        due = kinds[ReviewKind.REVIEW] + kinds[ReviewKind.CRAM]
        return Counts(new=kinds[ReviewKind.NEW], learning=learning, due=due)

    def upcoming(self, count: int) -> list[str]:
        """The card ids of the next ``count`` entries of the plan (to read ahead)."""
        return [p.card_id for p in self.main[self.position : self.position + count]]


# ---------------------------------------------------------------- what each grade would do


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


def grade_previews(
    store: Store, learner_id: int, pending: Pending, policy: Policy, today: date
) -> dict[int, GradePreview]:
    """For each grade, what it would do to the card ``pending``: :func:`answer` applied
    to each (a drill or cram answer leaves the interval as it is)."""
    schedule = store.schedule(learner_id, pending.card_id)
    previews: dict[int, GradePreview] = {}
    for grade in range(6):
        done = answer(schedule, grade, pending.kind, policy, today)
        interval = done.schedule.interval if done.moves_schedule else None
        previews[grade] = GradePreview(
            grade, sm2.GRADE_MEANINGS[grade], interval, done.comes_back_today
        )
    return previews
