"""Learners (profiles): finding, creating, renaming and removing them, who may see
whom, and the row lock that makes one learner's windows take turns."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from study.domain.errors import UserError
from study.storage.database import DirectConnection, Prepared
from study.storage.errors import NotFoundError
from study.storage.models import CardAction, CardState, Learner, Review, ReviewUndo

_LEARNER_TABLE: sa.Table = Learner.__table__  # type: ignore[attr-defined]
_LOCK_LEARNER = Prepared(
    sa.select(_LEARNER_TABLE.c.id)
    .where(_LEARNER_TABLE.c.id == sa.bindparam("learner_id"))
    .with_for_update()
)


def lock_learner(connection: DirectConnection | Session, learner_id: int) -> None:
    """Lock the learner's row until the transaction ends, before reading a schedule to
    change it: two windows of one learner on a server take turns, so neither writes a
    schedule over the other's grade; other learners do not wait. SQLite needs no row
    lock (its write transaction holds the whole file)."""
    if isinstance(connection, Session):
        connection.execute(_LOCK_LEARNER.statement, {"learner_id": learner_id})
    elif connection.locks_rows:
        connection.rows(_LOCK_LEARNER, {"learner_id": learner_id})


def learner_named(session: Session, name: str) -> Learner | None:
    """The learner called ``name``, or None."""
    return session.exec(select(Learner).where(Learner.name == name)).first()


def get_or_create_learner(session: Session, name: str, now: datetime) -> Learner:
    """The learner called ``name``, created on first use; the database's first profile
    (the one that created it) is its tutor."""
    learner = learner_named(session, name)
    if learner is None:
        first = session.exec(select(Learner.id).limit(1)).first() is None
        learner = Learner(name=name, created_at=now, tutor=first)
        session.add(learner)
        session.flush()
    return learner


def find_learner(session: Session, name: str) -> Learner:
    """The learner called ``name``; NotFoundError if there is none."""
    learner = learner_named(session, name)
    if learner is None:
        raise NotFoundError(f"no profile named {name!r}; `study profile list` shows them")
    return learner


class NotYoursError(UserError):
    """A learner asked for what only a tutor may see or change."""


def require_tutor_or_self(session: Session, viewer_id: int, name: str, doing: str) -> None:
    """Refuse (NotYoursError) when ``viewer_id`` is neither the profile ``name`` nor a tutor."""
    viewer = session.get(Learner, viewer_id)
    if viewer is None or (viewer.name != name and not viewer.tutor):
        raise NotYoursError(
            f"only a tutor may {doing} another learner's profile; use --profile {name} "
            "if it is yours"
        )


def make_tutor(session: Session, viewer_id: int, name: str, now: datetime) -> Learner:
    """Make the profile ``name`` a tutor (created if new); only a tutor may."""
    viewer = session.get(Learner, viewer_id)
    if viewer is None or not viewer.tutor:
        raise NotYoursError(
            "only a tutor may add a tutor; ask the profile that created the database"
        )
    learner = get_or_create_learner(session, name, now)
    learner.tutor = True
    session.add(learner)
    return learner


def visible_learners(session: Session, viewer_id: int) -> list[tuple[Learner, int]]:
    """The profiles ``viewer_id`` may see, with their numbers of reviews: every one for a
    tutor, only its own for a learner."""
    viewer = session.get(Learner, viewer_id)
    rows = list_learners(session)
    if viewer is not None and viewer.tutor:
        return rows
    return [(learner, n) for learner, n in rows if learner.id == viewer_id]


def list_learners(session: Session) -> list[tuple[Learner, int]]:
    """Every learner with the number of reviews in their log."""
    counts = (
        select(Review.learner_id, sa.func.count().label("n"))
        .group_by(col(Review.learner_id))
        .subquery()
    )
    rows = session.exec(
        select(Learner, sa.func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.learner_id == Learner.id)
        .order_by(col(Learner.name))
    ).all()
    return [(learner, int(n)) for learner, n in rows]


def rename_learner(session: Session, old: str, new: str) -> None:
    """Rename a profile; its history follows it."""
    learner = find_learner(session, old)
    if learner_named(session, new) is not None:
        raise NotFoundError(f"a profile named {new!r} exists already; choose another name")
    learner.name = new
    session.add(learner)


def remove_learner(session: Session, name: str) -> None:
    """Delete a profile with its schedule and review log (the CLI confirms first).

    The last tutor stays: without one, nobody could see the class or add a tutor.
    """
    learner = find_learner(session, name)
    if (
        learner.tutor
        and not session.exec(
            select(Learner.id).where(col(Learner.tutor).is_(True), Learner.id != learner.id)
        ).first()
    ):
        raise NotYoursError(
            f"{name!r} is the only tutor; make another profile a tutor first "
            "(study profile add NAME --tutor)"
        )
    reviews = sa.select(col(Review.id)).where(col(Review.learner_id) == learner.id)
    session.execute(sa.delete(ReviewUndo).where(col(ReviewUndo.review_id).in_(reviews)))
    for table in (Review, CardState, CardAction):
        session.execute(sa.delete(table).where(table.learner_id == learner.id))  # type: ignore[arg-type]
    session.delete(learner)
