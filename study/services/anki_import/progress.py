"""An Anki card's progress as study's: its schedule mapped to SM-2 state, its review log
replayed into study's history, and both merged where the later last review wins."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from study.domain.clock import study_day
from study.domain.config import Settings
from study.domain.review_log import ReviewKind
from study.domain.scheduling import Schedule
from study.domain.sm2 import MAX_INTERVAL, MIN_EASINESS
from study.services.anki_import.collection import AnkiCard, AnkiCollection, AnkiReview
from study.services.anki_import.report import AnkiImportResult
from study.storage.anki_progress import append_reviews, stored_progress, take_schedule
from study.storage.database import Session
from study.storage.schedules import card_keys

# Anki's card types, queues and revlog kinds.
TYPE_NEW, TYPE_LEARN, TYPE_REVIEW, TYPE_RELEARN = 0, 1, 2, 3
QUEUE_SUSPENDED, QUEUE_DAY_LEARN = -1, 3
REVLOG_KINDS = {0: ReviewKind.NEW, 1: ReviewKind.REVIEW, 2: ReviewKind.DRILL, 3: ReviewKind.CRAM}
# Anki's answer buttons as SM-2 grades: Again, Hard, Good, Easy.
ANKI_GRADES = {1: 1, 2: 3, 3: 4, 4: 5}
DEFAULT_EASE = 250
LEECH_TAG = "leech"


@dataclass(frozen=True)
class Day:
    """How the learner counts days: their zone and day boundary, and today."""

    settings: Settings
    today: date

    def of(self, seconds: float) -> date:
        """The study day of a moment given in seconds since the epoch."""
        return study_day(
            datetime.fromtimestamp(seconds, UTC), self.settings.zone, self.settings.day_starts_at
        )


def anki_grade(ease: int) -> int:
    """Anki's answer button as an SM-2 grade: Again 1, Hard 3, Good 4, Easy 5."""
    return ANKI_GRADES[ease]


def sm2_ease(factor: int) -> int:
    """Anki's ease factor (per mille) as an E-Factor in hundredths, at least SM-2's 1.3;
    0 (a new card, or FSRS) is SM-2's starting 2.5."""
    if factor <= 0:
        return DEFAULT_EASE
    return max(int(MIN_EASINESS * 100), (factor + 5) // 10)


def _replay(log: Sequence[AnkiReview]) -> Iterator[tuple[AnkiReview, int, int]]:
    """Each rated answer of a card's log with SM-2's n before and after it (Anki keeps
    no n): passing learning and review answers in a row since the last Again, a run of
    learning steps counting once; relearning and filtered answers leave n alone."""
    n = 0
    previous_type = -1
    for entry in log:
        if entry.ease not in ANKI_GRADES or entry.type not in REVLOG_KINDS:
            continue  # Anki's manual rescheduling entries
        before = n
        if entry.type in (0, 1):
            if entry.ease == 1:
                n = 0
            elif not (entry.type == 0 and previous_type == 0):
                n += 1
            previous_type = entry.type
        yield entry, before, n


def repetitions(log: Sequence[AnkiReview]) -> int:
    """SM-2's n after a card's log (see :func:`_replay`)."""
    after = [n for _, _, n in _replay(log)]
    return after[-1] if after else 0


def anki_schedule(
    card: AnkiCard,
    log: Sequence[AnkiReview],
    tags: Sequence[str],
    created: date,
    day: Day,
) -> Schedule | None:
    """A card's Anki schedule as SM-2 state, or None for a new card with nothing to keep.

    Review cards keep interval, ease (factor / 1000, at least 1.3), due date and lapses;
    a relearning card is due again ``ivl`` days after its last answer and is drilled
    today if its step is due; a card still in its first learning steps has n = 0 and is
    due on the day of its next step. ``reviews`` counts learning and review answers (as
    study counts scheduled reviews); n is rebuilt from the log (:func:`repetitions`).
    """
    suspended = card.queue == QUEUE_SUSPENDED
    flagged = bool(card.flags & 7)
    leech = LEECH_TAG in (t.casefold() for t in tags)
    scheduling = [entry for entry, _, _ in _replay(log) if entry.type in (0, 1)]
    if card.type == TYPE_NEW:
        if not (suspended or flagged):
            return None
        return Schedule(
            ease_hundredths=DEFAULT_EASE, suspended=suspended, leech=leech, flagged=flagged
        )
    last_day = day.of(scheduling[-1].id / 1000) if scheduling else None
    ease = sm2_ease(card.factor)
    interval = min(MAX_INTERVAL, max(1, card.ivl))
    n = repetitions(log) if log else (1 if interval < 6 else 2)
    drill_day = None
    due = card.odue if card.odid and card.odue else card.due
    if card.type == TYPE_REVIEW:
        due_day: date | None = created + timedelta(days=due)
    else:
        step_day = created + timedelta(days=due) if card.queue == QUEUE_DAY_LEARN else day.of(due)
        if card.type == TYPE_LEARN:
            n, interval, due_day = 0, 0, step_day
        else:  # relearning
            base = last_day or day.today
            due_day = base + timedelta(days=interval)
            drill_day = day.today if step_day <= day.today else None
    return Schedule(
        repetitions=n,
        ease_hundredths=ease,
        interval=interval,
        due_day=due_day,
        last_review_day=last_day,
        reviews=len(scheduling),
        lapses=card.lapses,
        suspended=suspended,
        leech=leech,
        buried_until=None,
        drill_day=drill_day,
        flagged=flagged,
        flag_reason="",
    )


def _last_review(card: AnkiCard, log: Sequence[AnkiReview]) -> int:
    """The card's last review time (``lrt`` in its data, else its last rated answer)."""
    with contextlib.suppress(ValueError, TypeError, AttributeError):
        lrt = json.loads(card.data or "{}").get("lrt")
        if isinstance(lrt, int) and lrt > 0:
            return lrt
    rated = [entry.id // 1000 for entry in log if entry.ease > 0]
    return max(rated, default=0)


def _review_rows(
    log: Sequence[AnkiReview], learner_id: int, card_key: int, day: Day
) -> list[dict[str, Any]]:
    """A card's log entries as rows of study's review history (ratings only: Anki's
    manual rescheduling entries are left out). n and the E-Factor are replayed."""
    rows = []
    ease = DEFAULT_EASE
    for entry, before_n, n in _replay(log):
        before_ease = ease
        if entry.factor > 0:
            ease = sm2_ease(entry.factor)
        moment = datetime.fromtimestamp(entry.id / 1000, UTC)
        rows.append(
            {
                "learner_id": learner_id,
                "card_key": card_key,
                "reviewed_at": moment,
                "study_day": day.of(entry.id / 1000),
                "grade": anki_grade(entry.ease),
                "kind": REVLOG_KINDS[entry.type],
                "cancels_id": None,
                "answer_ms": max(0, entry.time),
                "repetitions_before": before_n,
                "ease_before": before_ease,
                "interval_before": max(0, entry.last_ivl),
                "repetitions_after": n,
                "ease_after": ease,
                "interval_after": max(0, entry.ivl),
            }
        )
    return rows


def merge_progress(
    session: Session,
    package: AnkiCollection,
    card_map: Mapping[str, AnkiCard],
    learner_id: int,
    now: datetime,
    day: Day,
    result: AnkiImportResult,
) -> None:
    """Take Anki's schedule where its last review is later than study's, and add the log
    entries study does not have yet (same card, same second)."""
    logs: dict[int, list[AnkiReview]] = {}
    for entry in package.reviews:
        logs.setdefault(entry.card_id, []).append(entry)
    tags = {note.id: note.tags for note in package.notes}
    known: dict[str, set[int]] = {}
    last_here: dict[str, int] = {}
    stored = stored_progress(session, learner_id, list(card_map))
    for card_id_, reviewed_at in stored.answers:
        second = int(reviewed_at.timestamp())
        known.setdefault(card_id_, set()).add(second)
        last_here[card_id_] = max(last_here.get(card_id_, 0), second)
    rows: list[dict[str, Any]] = []
    keys = card_keys(session, card_map)
    for card_id_, anki_card in card_map.items():
        log = logs.get(anki_card.id, [])
        schedule = anki_schedule(
            anki_card,
            log,
            tags.get(anki_card.note_id, ()),
            package.created_day,
            day,
        )
        if schedule is not None:
            here = last_here.get(card_id_, 0)
            there = _last_review(anki_card, log) if schedule.reviews else 0
            # A new card's suspension or flag only comes to a card with no schedule here.
            if there > here if there else card_id_ not in stored.states:
                take_schedule(session, stored, learner_id, card_id_, schedule, now)
                result.schedules_taken += 1
            else:
                result.schedules_kept += 1
        seen = known.get(card_id_, set())
        for row in _review_rows(log, learner_id, keys[card_id_], day):
            if int(row["reviewed_at"].timestamp()) in seen:
                result.reviews_known += 1
            else:
                rows.append(row)
    if rows:
        append_reviews(session, rows)
    result.reviews_added = len(rows)
