"""The log of card actions (suspend, bury, flag, unflag, edit) taken in a session:
appended with the learner's last review id, the day's last one found, one marked undone.
What an action means and how undo uses it is :mod:`study.services.actions`'."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from study.storage.models import CardAction, Review


def append_action(
    session: Session,
    learner_id: int,
    card_id: str,
    action: str,
    *,
    today: date,
    now: datetime,
    before: str,
) -> int:
    """Append an action on ``card_id`` (``before``: what it undoes to, as JSON), stamped
    with the learner's last review id so grades and actions interleave exactly; its id."""
    last_review = session.exec(
        select(sa.func.max(Review.id)).where(Review.learner_id == learner_id)
    ).one()
    row = CardAction(
        learner_id=learner_id,
        card_id=card_id,
        done_at=now,
        study_day=today,
        action=action,
        after_review_id=int(last_review or 0),
        before=before,
    )
    session.add(row)
    session.flush()
    assert row.id is not None
    return row.id


def last_action(session: Session, learner_id: int, today: date) -> CardAction | None:
    """The learner's last action of ``today`` that was not undone, or None."""
    return session.exec(
        select(CardAction)
        .where(
            CardAction.learner_id == learner_id,
            CardAction.study_day == today,
            col(CardAction.undone).is_(False),
        )
        .order_by(col(CardAction.id).desc())
        .limit(1)
    ).first()


def mark_undone(session: Session, action_id: int) -> CardAction:
    """Mark action ``action_id`` undone (nothing is deleted); the action."""
    action = session.get(CardAction, action_id)
    assert action is not None
    action.undone = True
    session.add(action)
    return action
