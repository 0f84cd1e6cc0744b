"""What a learner does to a card in a session besides grading it, kept so undo reaches it.

A service of the core (no textual). Suspending, burying, flagging, unflagging and
editing a card in a session each append a :class:`~study.storage.models.CardAction` with
what the card was before: its schedule row and the kind it was shown as (an edit: its
deck file's text). Undo takes the learner's last action or grade of the study day,
whichever came later: an action remembers the learner's last review id when it was
taken, so grades and actions interleave exactly even when the clock stands still.
Nothing is deleted: an undone action is marked ``undone``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from study.domain.decks.writing import write_deck_text
from study.domain.review_log import ReviewKind
from study.domain.scheduling import Schedule
from study.services.library import import_deck_files
from study.storage.card_actions import append_action, mark_undone
from study.storage.card_actions import last_action as last_action
from study.storage.database import Database, Session
from study.storage.models import CardAction, Review
from study.storage.schedules import put_schedule, schedule_of

ACTIONS = ("suspend", "bury", "flag", "unflag", "edit")


@dataclass(frozen=True)
class UndoneAction:
    """An action undone: its card, what it was, how the card was shown, and (for an
    edit) the deck file and the text it had before."""

    card_id: str
    action: str
    kind: ReviewKind
    file: str = ""
    text: str = ""


def record_action(
    session: Session,
    learner_id: int,
    card_id: str,
    action: str,
    *,
    today: date,
    now: datetime,
    kind: ReviewKind,
    file: str = "",
    text: str = "",
) -> int:
    """Log ``action`` on ``card_id`` with the card's schedule as it is now (call it
    before changing the schedule, in the same transaction); the action's id."""
    if action not in ACTIONS:
        raise ValueError(f"unknown card action {action!r}")
    schedule = schedule_of(session, learner_id, card_id)
    before: dict[str, Any] = {"card": schedule.json(), "kind": kind}
    if action == "edit":
        before |= {"file": file, "text": text}
    return append_action(
        session,
        learner_id,
        card_id,
        action,
        today=today,
        now=now,
        before=json.dumps(before, sort_keys=True),
    )


def action_is_later(action: CardAction | None, grade: Review | None) -> bool:
    """Whether undo should take ``action`` rather than ``grade`` (the later of the two)."""
    if action is None:
        return False
    return grade is None or grade.id is None or grade.id <= action.after_review_id


def undo_action(session: Session, action_id: int, now: datetime) -> UndoneAction:
    """Put the card's schedule back as it was before action ``action_id`` and mark the
    action undone (an edit's file is the caller's to restore: see ``UndoneAction``)."""
    action = mark_undone(session, action_id)
    before = json.loads(action.before)
    put_schedule(
        session, action.learner_id, action.card_id, Schedule.from_json(before["card"]), now
    )
    return UndoneAction(
        action.card_id,
        action.action,
        ReviewKind(before.get("kind", ReviewKind.REVIEW)),
        before.get("file", ""),
        before.get("text", ""),
    )


def restore_deck_file(database: Database, path: Path, text: str, now: datetime) -> None:
    """Write ``text`` back to the deck file ``path`` and import it (undo of an edit)."""
    write_deck_text(path, text)
    import_deck_files(database, [path], now)
